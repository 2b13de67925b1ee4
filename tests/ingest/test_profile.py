"""ingest.profile: a report's title, year, reporting body and the body's other names, derived from the report."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean_report_text
from ingest.load import load_report
from ingest.outline import outline_paragraphs
from ingest.profile import abbreviations, body_aliases, body_from_title, report_profile, split_body_name

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"
REPORTS = Path(__file__).resolve().parent / "reports"


def profile_of(path: Path):
    cleaned = clean_report_text(load_report(path).text)
    return report_profile(outline_paragraphs(cleaned.text, cleaned.tables), fallback_title=path.stem)


def profile_of_text(text: str, fallback: str = "file-name"):
    cleaned = clean_report_text(text)
    return report_profile(outline_paragraphs(cleaned.text, cleaned.tables), fallback_title=fallback)


# --- whole reports: seven bodies, seven layouts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "title", "year", "body", "some_aliases"),
    [
        (BUNDLED, "2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告", 2023, "广州市荔湾区残疾人联合会",
         {"荔湾区残疾人联合会", "区残疾人联合会", "区残联", "残联", "本会", "本部门"}),
        # a web page: index lines and a salutation around the title; the report defines its own short name
        (REPORTS / "web-education-2021.txt", "佛山市顺德区教育局2021年度部门整体支出绩效自评报告", 2021,
         "佛山市顺德区教育局", {"顺德区教育局", "区教育局", "教育局", "本局", "我局", "本单位"}),
        # a document number before a two-line title, a salutation after it
        (REPORTS / "federation-2020.txt", "广东省科学技术协会关于2020年度部门整体支出绩效自评情况的报告", 2020,
         "广东省科学技术协会", {"省科学技术协会", "省科协", "科协", "本会"}),
        # no title line at all: a salutation, then the text; the body is named in the text
        (REPORTS / "street-office-2020.txt", "street-office-2020", 2020, "江门市蓬江区白沙街道办事处",
         {"白沙街道", "白沙街道办", "蓬江区白沙街道办事处", "本街道"}),
        # one paragraph, no title, no heading
        (REPORTS / "hospital-conclusion-2022.txt", "hospital-conclusion-2022", 2022, "珠海市香洲区人民医院",
         {"香洲区人民医院", "区人民医院", "本院", "我院"}),
        # a form: the year only in the file name
        (REPORTS / "project-form-2023.txt", "项目支出绩效自评表", 2023, "韶关市武江区民政局",
         {"武江区民政局", "区民政局", "民政局", "本局"}),
        (REPORTS / "school-2024.txt", "深圳市福田区红岭实验中学2024年度部门决算说明", 2024, "深圳市福田区红岭实验中学",
         {"福田区红岭实验中学", "红岭实验中学", "本校", "我校"}),
        (REPORTS / "health-sangong-2022.txt", "关于惠州市惠城区卫生健康局2022年度“三公”经费支出情况的说明", 2022,
         "惠州市惠城区卫生健康局", {"惠城区卫生健康局", "区卫健局", "卫健局", "卫生健康局", "本局"}),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else None,
)
def test_profile_of_a_report(path: Path, title: str, year: int, body: str, some_aliases: set[str]) -> None:
    profile = profile_of(path)
    assert (profile.title, profile.year, profile.body) == (title, year, body)
    assert some_aliases <= set(profile.aliases), set(profile.aliases)
    assert body not in profile.aliases and len(profile.title) <= 60
    assert profile.aliases_text.split("|") == list(profile.aliases)


def test_a_body_with_another_kind_gets_that_kinds_self_references() -> None:
    school = set(profile_of(REPORTS / "school-2024.txt").aliases)
    bureau = set(profile_of(REPORTS / "web-education-2021.txt").aliases)
    assert {"本校", "我校"} <= school and not {"本局", "本会"} & school
    assert {"本局", "我局"} <= bureau and not {"本校", "本会"} & bureau


# --- the title: never a salutation, a document number, an index line or body text ---------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("某某区财政局：\n2022年度本局收入120万元。\n一、基本情况\n无。", "file-name"),  # salutation, then body
        ("穗教〔2021〕15号\n某某区教育局2020年度部门决算说明\n一、基本情况", "某某区教育局2020年度部门决算说明"),
        ("[2019]3号\n某某区民政局2018年度预算绩效自评报告\n一、概况", "某某区民政局2018年度预算绩效自评报告"),
        ("索引号：007-2023-0001\n发布日期：2023-03-01\n某某街道办事处2022年度部门整体支出绩效自评报告\n一、概况",
         "某某街道办事处2022年度部门整体支出绩效自评报告"),
        # a key:value form: the first field is not a title
        ("项目名称：某某项目\n主管部门：某某区卫生健康局\n项目资金(万元)：年度资金总额120", "file-name"),
        # one long paragraph of body text
        ("经评价，某某区文化广电旅游体育局2021年度部门整体支出绩效自评得分95分，等级为优，全年预算执行率98.2%。", "file-name"),
        # a short first line without the name of a report is a heading of an unnumbered outline, not a title
        ("部门概况\n本局负责全区的教育工作。\n收支情况\n本局收入120万元。", "file-name"),
    ],
)
def test_title_lines(text: str, title: str) -> None:
    assert profile_of_text(text).title == title


# --- the year ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2022年度某区残疾人联合会部门整体支出绩效自评报告\n一、概况\n2023年计划……2023年目标……", 2022),
        ("某区教育局部门整体支出绩效自评报告\n一、概况\n2021年收入……2021年支出……2020年对比", 2021),
        ("某区教育局部门整体支出绩效自评报告\n一、概况\n没有年份。", None),
        # a publication date is not what the report is about
        ("发布日期：2024年3月15日\n某区卫生健康局部门决算说明\n一、概况\n2023年度收入120万元，2023年度支出110万元。", 2023),
    ],
)
def test_year(text: str, year: int | None) -> None:
    assert profile_of_text(text, fallback="").year == year


# --- names: place prefixes, standard abbreviations -------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告", "广州市荔湾区残疾人联合会"),
        ("广州市荔湾区财政局2023年度部门整体支出绩效自评报告", "广州市荔湾区财政局"),  # 财政 inside the name
        ("关于某某区卫生健康局2022年度“三公”经费支出情况的说明", "某某区卫生健康局"),
        ("某某中学2021年度部门决算", "某某中学"),
        ("广州市第一人民医院2023年度预算绩效自评", "广州市第一人民医院"),
        ("某某街道办事处2022年部门整体支出绩效自评报告", "某某街道办事处"),
        ("2022年度部门整体支出绩效自评报告", ""),  # the title names no body
    ],
)
def test_body_from_title(title: str, body: str) -> None:
    assert body_from_title(title) == body


@pytest.mark.parametrize(
    ("name", "places", "core", "kind"),
    [
        ("广州市荔湾区残疾人联合会", ["广州市", "荔湾区"], "残疾人", "联合会"),
        ("惠州市惠城区卫生健康局", ["惠州市", "惠城区"], "卫生健康", "局"),
        ("广州市住房和城乡建设局", ["广州市"], "住房和城乡建设", "局"),  # 城乡 is not a place
        ("广州市城市管理和综合执法局", ["广州市"], "城市管理和综合执法", "局"),  # 城市 is not a place
        ("广州市市场监督管理局", ["广州市"], "市场监督", "管理局"),
        ("江门市蓬江区白沙街道办事处", ["江门市", "蓬江区"], "白沙", "街道办事处"),
    ],
)
def test_split_body_name(name: str, places: list[str], core: str, kind: str) -> None:
    assert split_body_name(name) == (places, core, kind)


@pytest.mark.parametrize(
    ("core", "kind", "expected"),
    [
        ("残疾人", "联合会", "残联"),
        ("妇女", "联合会", "妇联"),
        ("卫生健康", "局", "卫健局"),
        ("卫生健康", "委员会", "卫健委"),
        ("人力资源和社会保障", "局", "人社局"),
        ("发展和改革", "局", "发改局"),
        ("住房和城乡建设", "局", "住建局"),
        ("科学技术", "协会", "科协"),
        ("医疗保障", "局", "医保局"),
        ("市场监督", "管理局", "市监局"),
    ],
)
def test_standard_abbreviations(core: str, kind: str, expected: str) -> None:
    assert expected in abbreviations(core, kind)


@pytest.mark.parametrize(
    ("core", "kind"),
    [("教育", "局"), ("民政", "局"), ("红岭实验", "中学"), ("人民", "医院")],  # one word; a proper name
)
def test_names_without_a_shorter_form(core: str, kind: str) -> None:
    assert abbreviations(core, kind) == []


def test_aliases_keep_the_place_level_and_never_repeat_the_body() -> None:
    aliases = body_aliases("广东省人力资源和社会保障厅")
    assert {"人力资源和社会保障厅", "省人力资源和社会保障厅", "省人社厅", "人社厅", "本厅", "本单位"} <= set(aliases)
    assert "广东省人力资源和社会保障厅" not in aliases and len(aliases) == len(set(aliases))


# --- letters: a letterhead, a document number, a signature --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "body", "some_aliases"),
    [
        ("某某市某某区第九中学文件\n某九中〔2021〕15号\n关于报送2020年度部门整体支出绩效自评结果的报告\n某某区财政局：\n"
         "2020年度，我校部门预算收入合计3,862.45万元。\n特此报告。\n某某市某某区第九中学\n2021年3月26日",
         "关于报送2020年度部门整体支出绩效自评结果的报告", "某某市某某区第九中学", {"九中", "某九中", "第九中学", "我校"}),
        ("江门市财政局：\n2022年度本会收入合计120.5万元，支出合计118.2万元。\n特此报告。\n江门市妇女联合会\n2023年2月10日",
         "file-name", "江门市妇女联合会", {"市妇联", "妇联", "本会"}),
    ],
)
def test_a_letters_issuer_is_its_body(text: str, title: str, body: str, some_aliases: set[str]) -> None:
    profile = profile_of_text(text)
    assert (profile.title, profile.body) == (title, body)
    assert some_aliases <= set(profile.aliases), profile.aliases


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("江门市新会区人民医院医疗设备购置项目支出绩效自评报告\n（2024年度）\n一、项目概况",
         "江门市新会区人民医院医疗设备购置项目支出绩效自评报告（2024年度）"),
        ("某某区教育局部门整体支出绩效自评报告\n(征求意见稿)\n一、基本情况", "某某区教育局部门整体支出绩效自评报告(征求意见稿)"),
    ],
)
def test_a_qualifier_line_under_the_title_belongs_to_it(text: str, title: str) -> None:
    assert profile_of_text(text).title == title


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("江门市新会区人民医院医疗设备购置项目支出绩效自评报告", "江门市新会区人民医院"),  # the project named after it
        ("广州市越秀区北京街道办事处长者饭堂项目支出绩效自评报告", "广州市越秀区北京街道办事处"),
    ],
)
def test_a_body_named_before_its_project(title: str, body: str) -> None:
    assert body_from_title(title) == body


# --- a letter's header: a sender line and a document number above the title ----------------------------------------


def _letter_docx(path: Path, lines: list[str]) -> Path:
    """A DOCX as an office system exports a letter: centred header lines, empty paragraphs between, then the text."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    for line in lines:
        paragraph = document.add_paragraph(line)
        if line and not line.endswith(("。", "：")):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    ("lines", "title", "body", "not_in_title"),
    [
        # a federation's letter: sender line, 文号, title, salutation
        (["某某市某某区妇女联合会", "", "某妇〔2025〕6号", "", "关于2024年度部门整体支出绩效自评情况的报告", "某某区财政局：",
          "根据区财政局的通知要求，现将本会2024年度部门整体支出绩效自评情况报告如下。", "一、部门基本情况",
          "2024年度本会收入合计356.80万元，支出合计341.25万元。"],
         "关于2024年度部门整体支出绩效自评情况的报告", "某某市某某区妇女联合会", ("妇女联合会", "〔", "财政局")),
        # a street office's letter: sender line, 文号 in square brackets, a signer line, a two-line title
        (["某某区某某街道办事处", "某街办[2021]3号", "签发人：李某", "关于报送2020年度部门整体支出", "绩效自评报告的函",
          "区财政局：", "现将我街道2020年度部门整体支出绩效自评报告报送如下。", "一、基本情况",
          "2020年度本街道支出合计2,105.60万元。"],
         "关于报送2020年度部门整体支出绩效自评报告的函", "某某区某某街道办事处", ("街道办事处", "[", "签发人")),
    ],
)
def test_a_letters_title_is_its_title_line_not_its_sender_nor_the_file_name(
        tmp_path, lines: list[str], title: str, body: str, not_in_title: tuple[str, ...]) -> None:
    from ingest.pipeline import prepare_report

    prepared = prepare_report(_letter_docx(tmp_path / "letter-file-name.docx", lines))
    assert prepared.info.title == title
    assert not any(word in prepared.info.title for word in not_in_title)
    assert prepared.info.body == body
    assert prepared.info.coverage == 1.0 and prepared.info.unclassified == 0


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # web-page index fields, each value on the line under its name
        ("索引号：\n11440606MB2C91234X/2022-00015\n发布机构：\n某某区教育局\n发布日期：\n2022-05-01\n来源：某某区教育局\n"
         "某某区教育局2021年度部门整体支出绩效自评报告\n一、基本情况\n本局内设机构8个。",
         "某某区教育局2021年度部门整体支出绩效自评报告"),
        ("发布机构：某某区民政局\n发布日期：2023-03-01\n某某区民政局2022年度“三公”经费决算说明\n一、总体情况\n"
         "2022年度“三公”经费支出8.64万元。", "某某区民政局2022年度“三公”经费决算说明"),
        # a letterhead and a salutation
        ("某某市某某区卫生健康局文件\n某卫〔2023〕12号\n某某市财政局：\n某某区卫生健康局2022年度部门决算说明\n一、基本情况\n"
         "本局支出合计1,230.50万元。", "某某区卫生健康局2022年度部门决算说明"),
    ],
)
def test_preface_lines_never_become_the_title(text: str, title: str) -> None:
    assert profile_of_text(text).title == title


# --- short forms of schools and hospitals, and no alias that is another body's or a common word -------------------

APP_REPORTS = ROOT / "tests" / "app" / "reports"


@pytest.mark.parametrize(
    ("source", "body", "some_aliases", "never"),
    [
        # a hospital's self-evaluation (tests/app/reports): numbered, calls itself 医院 in its text
        (APP_REPORTS / "hexi-hospital-2023-self-evaluation.txt", "河西市第三人民医院",
         {"第三人民医院", "市第三人民医院", "三院", "市三院", "医院", "本院"}, {"人民医院", "第三", "市三"}),
        # a district hospital's one-paragraph conclusion (tests/ingest/reports)
        (REPORTS / "hospital-conclusion-2022.txt", "珠海市香洲区人民医院", {"香洲区人民医院", "区人民医院", "本院"},
         {"人民", "区人民"}),
        # a school that calls itself only 本校 / 初级中学: 中学 is no name of it
        (REPORTS / "school-2024.txt", "深圳市福田区红岭实验中学", {"红岭实验中学", "本校"}, {"中学", "实验中学", "红岭"}),
        # a federation: the standard short form only, not one spelt from halved words
        (REPORTS / "federation-2020.txt", "广东省科学技术协会", {"科协", "省科协"}, {"科技协", "省科技协"}),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else None,
)
def test_a_bodys_short_forms(source: Path, body: str, some_aliases: set[str], never: set[str]) -> None:
    profile = profile_of(source)
    assert profile.body == body
    assert some_aliases <= set(profile.aliases), profile.aliases
    assert not never & set(profile.aliases), profile.aliases


@pytest.mark.parametrize(
    ("body", "some_aliases", "never"),
    [
        ("某某区第九中学", {"九中", "区九中", "某某区九中", "第九中学"}, {"第九", "九"}),
        ("某某市某某区第八小学", {"八小", "区八小", "第八小学"}, {"第八"}),
        ("某某市第一人民医院", {"一院", "市一院", "第一人民医院"}, {"人民医院"}),
        ("某某县中医医院", {"中医院", "县中医院", "中医医院"}, {"中医"}),
        ("某某市第二幼儿园", {"二幼", "市二幼", "第二幼儿园"}, {"第二"}),
    ],
)
def test_numbered_schools_and_hospitals_go_by_their_number(body: str, some_aliases: set[str], never: set[str]) -> None:
    aliases = set(body_aliases(body))
    assert some_aliases <= aliases and not never & aliases, aliases


def test_the_kind_alone_is_a_name_only_where_the_report_calls_itself_so() -> None:
    itself = "。医院编制床位520张，医院全年门诊量31.2万人次。"
    others = "。全市公立医院编制床位520张，辖区医院门诊量31.2万人次。"  # 医院 of others, inside longer names
    assert "医院" in body_aliases("某某市第三人民医院", text=itself)
    assert "医院" not in body_aliases("某某市第三人民医院", text=others)


def test_two_bodies_share_no_name_but_the_generic_self_names() -> None:
    """本部门, 本单位 … are every body's self-names, never a name that singles out one body; any other shared alias
    would bind a question to the wrong report."""
    sources = [BUNDLED, *sorted(REPORTS.glob("*.txt")), *sorted(APP_REPORTS.glob("*.txt"))]
    profiles = [profile_of(p) for p in sources]
    from ingest.profile import BODY_KINDS, GENERIC_SELF_REFERENCES

    self_names = set(GENERIC_SELF_REFERENCES) | {r for _, _, refs in BODY_KINDS for r in refs}
    for i, a in enumerate(profiles):
        for b in profiles[i + 1:]:
            if a.body == b.body or not a.body or not b.body:
                continue
            shared = set(a.aliases) & set(b.aliases)
            kinds_alike = split_body_name(a.body)[1:] == split_body_name(b.body)[1:]  # two 教育局: both 教育局
            assert shared <= self_names or kinds_alike, (a.body, b.body, shared - self_names)
    assert all(set(GENERIC_SELF_REFERENCES) <= set(p.aliases) for p in profiles if p.body)
