"""Cell figures: every number of a value cell becomes a Figure named by its row and column, with its unit, bound,
role and the report's year; the ingest summary counts tables and cells (two departments' reports, real files)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.figures import LEVEL, TARGET
from ingest.pipeline import PreparedReport, prepare_report
from ingest.tables import ACTUAL, PLAN, POINTS, RATE, REASON, SCORE, TARGET as TARGET_ROLE
from tests.ingest.table_reports import EDUCATION, HEALTH, make_docx_report, make_pdf_report, make_text_report


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PreparedReport]:
    folder = tmp_path_factory.mktemp("cell-figures")
    return {
        "education-pdf": prepare_report(make_pdf_report(EDUCATION, folder / "education.pdf")),
        "education-docx": prepare_report(make_docx_report(EDUCATION, folder / "education.docx")),
        "health-pdf": prepare_report(make_pdf_report(HEALTH, folder / "health.pdf")),
        "health-txt": prepare_report(make_text_report(HEALTH, folder / "health.txt", "tab")),
    }


def _cell(report: PreparedReport, row_leaf: str, column_leaf: str):
    found = [f for f in report.figures if f.table and f.row.split(" > ")[-1] == row_leaf
             and f.column.split(" > ")[-1] == column_leaf]
    assert len(found) == 1, (row_leaf, column_leaf, found)
    return found[0]


@pytest.mark.parametrize("report", ["education-pdf", "education-docx"])
@pytest.mark.parametrize(("row", "column", "display", "path", "column_path", "role", "bound", "qualifier"), [
    ("教师培训人次", "年度指标值", "3000人次", "产出指标 > 数量指标 > 教师培训人次", "指标值 > 年度指标值", TARGET_ROLE, "≥",
     TARGET),
    ("教师培训人次", "实际完成值", "2600人次", "产出指标 > 数量指标 > 教师培训人次", "指标值 > 实际完成值", ACTUAL, "", LEVEL),
    ("家长满意度", "得分", "9分", "满意度指标 > 服务对象满意度指标 > 家长满意度", "得分", SCORE, "", LEVEL),
    ("合计", "分值", "70分", "合计", "分值", POINTS, "", LEVEL),
    ("年度资金总额", "全年预算数", "9120.40万元", "年度资金总额", "全年预算数", PLAN, "", TARGET),
    ("基本支出", "执行率", "99.55%", "基本支出", "执行率", RATE, "", LEVEL),
])
def test_education_cells(prepared, report, row, column, display, path, column_path, role, bound, qualifier) -> None:
    f = _cell(prepared[report], row, column)
    assert (f.display, f.row, f.column, f.extra["role"], f.extra["bound"], f.qualifier) == (
        display, path, column_path, role, bound, qualifier)
    assert f.extra["year"] == 2023 and f.table in ("t1", "t2")


@pytest.mark.parametrize("report", ["health-pdf", "health-txt"])
@pytest.mark.parametrize(("row", "column", "display", "role", "op"), [
    ("家庭医生签约人数", "目标值", "12万人", TARGET_ROLE, ">="),
    ("家庭医生签约人数", "完成值", "11.5万人", ACTUAL, ""),
    ("门诊患者投诉率", "目标值", "5%", TARGET_ROLE, "<="),
    ("平均候诊时长", "得分", "11分", SCORE, ""),
    ("总分", "得分", "73分", SCORE, ""),
    ("年度资金总额", "年初预算数", "5000.00万元", PLAN, ""),  # 万元 from the caption
    ("项目支出", "全年执行数", "2028.10万元", ACTUAL, ""),
    ("年度资金总额", "得分", "9.6分", SCORE, ""),  # a score is 分, whatever unit the caption gives the table
])
def test_health_cells(prepared, report, row, column, display, role, op) -> None:
    f = _cell(prepared[report], row, column)
    assert (f.display, f.extra["role"], f.extra["op"]) == (display, role, op)
    assert f.extra["year"] == 2022


@pytest.mark.parametrize("report", ["education-pdf", "education-docx", "health-pdf", "health-txt"])
def test_every_cell_figure_stands_where_its_span_says_and_names_its_row(prepared, report) -> None:
    p = prepared[report]
    cells = [f for f in p.figures if f.table]
    assert cells
    for f in cells:
        assert p.cleaned.text[f.start:f.end] == f.text
        assert f.sentence  # the row as printed: what a citation quotes
        assert f.text in f.sentence and f.row.split(" > ")[-1] in f.sentence
        assert f.clause == f"{f.row} {f.column}：{f.extra['cells'][f.extra['col_index']]}"
        assert len(f.extra["header"]) == len(f.extra["cells"]) == len(f.extra["roles"])
    assert len({f.id for f in p.figures}) == len(p.figures)


@pytest.mark.parametrize("report", ["health-pdf", "health-txt"])
def test_a_value_merged_down_is_one_figure_of_its_first_row(prepared, report) -> None:
    scores = [f for f in prepared[report].figures if f.table == "t1" and f.column == "得分"]
    assert [(f.row, f.value) for f in scores] == [("年度资金总额", "9.6")]
    parts = [f for f in prepared[report].figures if f.table == "t1" and f.row == "其中：基本支出"]
    assert all(f.extra["cells"][5] == "" for f in parts)  # the merged score is not the part's


@pytest.mark.parametrize("report", ["education-pdf", "health-txt"])
def test_text_cells_stay_with_their_row(prepared, report) -> None:
    reasons = {f.row.split(" > ")[-1]: f.extra["cells"][f.extra["roles"].index(REASON)]
               for f in prepared[report].figures if f.table == "t2"}
    expected = {"education-pdf": ("教师培训人次", "受极端天气影响，部分线下培训取消"),
                "health-txt": ("平均候诊时长", "就诊高峰时段医护人员不足")}[report]
    assert reasons[expected[0]] == expected[1]
    assert expected[1] in prepared[report].cleaned.text


@pytest.mark.parametrize(("report", "tables", "cells"), [
    # education: budget 3 rows (6 + 4 + 4 cells) + indicators 6 rows x 4 cells + 合计 2
    ("education-pdf", 2, 14 + 24 + 2),
    # health: budget 5 + 4 + 4, indicators 5 rows x 4 cells + 总分 2
    ("health-pdf", 2, 13 + 20 + 2),
    ("health-txt", 2, 13 + 20 + 2),
])
def test_report_info_counts_tables_and_cells(prepared, report, tables, cells) -> None:
    info = prepared[report].info
    assert (info.tables, info.cells) == (tables, cells)


def test_the_ingest_summary_and_the_figures_listing_show_tables_and_cells(
        prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import ingest.__main__ as ingest_cli
    from tests.conftest import HashingEmbeddings

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "data" / "chroma"))
    for name in ("CHROMA_HOST", "CHROMA_PORT", "EMBEDDING_BACKEND", "EMBEDDING_MODEL_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("vectorstore.embeddings.build_embeddings", lambda settings: HashingEmbeddings())
    path = make_docx_report(HEALTH, tmp_path / "health-2022.docx")
    assert ingest_cli.cli([str(path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2 tables, 35 cells" in out
    assert ingest_cli.cli(["--figures", "health-2022"]) == 0
    listing = capsys.readouterr().out.split("\n")
    line = next(line for line in listing if line.startswith("11.5万人"))
    assert line.endswith("t2: 产出指标 > 数量指标 > 家庭医生签约人数 | 完成值")


def test_the_ingest_cli_prints_a_reader_warning_on_its_own_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import ingest.__main__ as ingest_cli
    from tests.conftest import HashingEmbeddings

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "data" / "chroma"))
    for name in ("CHROMA_HOST", "CHROMA_PORT", "EMBEDDING_BACKEND", "EMBEDDING_MODEL_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("vectorstore.embeddings.build_embeddings", lambda settings: HashingEmbeddings())
    path = tmp_path / "civil-affairs-2023.txt"
    path.write_text("某区民政局2023年度部门整体支出绩效自评报告\n一、基本情况\n本局2023年度支出情况如下。\n"
                    "项目 | 金额 | 备注\n办公费 | 12\n差旅费 | 3 | 出差 | 两次 | 市内\n会议费 | 1 | 无\n二、结论\n完成较好。\n",
                    encoding="utf-8")
    assert ingest_cli.cli([str(path), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "0 tables" in out
    [warning] = [line for line in err.split("\n") if line.startswith("warning:")]
    assert warning.startswith("warning: civil-affairs-2023: a table of 4 rows at line 4 could not be read")


@pytest.mark.parametrize(("style", "fields"), [
    ("docx", {"项目名称": "长者饭堂服务项目", "主管部门": "区民政局", "实施单位": "某街道办事处"}),
    ("full", {"项目名称": "就业创业补贴项目", "主管部门": "区人力资源和社会保障局", "实施单位": "区就业服务中心"}),
])
def test_a_forms_text_fields_ride_on_the_reports_cell_figures(tmp_path: Path, style: str, fields: dict) -> None:
    """A form's words state no figure: every cell figure of the report carries them, each with its form row."""
    from tests.ingest.table_reports import HRSS_PROJECT, STREET_PROJECT

    path = (make_docx_report(STREET_PROJECT, tmp_path / "street.docx") if style == "docx"
            else make_text_report(HRSS_PROJECT, tmp_path / "hrss.txt", style))
    cells = [f for f in prepare_report(path).figures if f.table]
    assert cells and all(f.extra.get("form") == cells[0].extra["form"] for f in cells)
    read = {x["label"]: x["value"] for x in cells[0].extra["form"]}
    assert read == fields
    assert all(x["value"] in x["sentence"] and x["label"] in x["sentence"] for x in cells[0].extra["form"])
