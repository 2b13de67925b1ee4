"""The previous year's value a report only implies, and follow-ups that inherit the subject, on small reports of two
different bodies (our own wordings, not the evaluation's): last year's level computed from this year's and its change
where the change is the next sentence naming the same thing again ("全年执行数A万元，预算执行率r%；执行数比上年增加D万元"),
a year word before a body's kind ("上年中心的…") that names no other body, a remark on how the report states it
("报告没直接说吧") that is no word of what is asked, several asks of which one is implied (the change stated, then last
year's level), a reader's 去年 as the report's own year and 前年 as the year before it, a share asked with no subject
after an amount ("占全年执行数多少？"), the share an amount's own clause goes on to state ("X 805.60万元，占31.52%"), and last year's value the prose implies
where the tables state only the report's year (two DOCX reports: a budget table and a paragraph of changes); and a
table row whose later cell names another year ("顺延至2024年实施"), which is not the year of the row's values."""
from __future__ import annotations

import pytest

from app.question import analyze, in_report_year
from tests.app.conftest import answer_in, small_reports

CDC = """南州市东湖区疾病预防控制中心2023年度部门整体支出绩效自评报告
一、部门基本情况
核定编制58名，实有在职人员55人。
二、部门整体支出情况
2023年度本中心收入合计4820.50万元，比上年减少312.40万元，下降6.09%。
年初预算数4510.00万元，全年预算数4905.30万元。全年执行数4766.20万元，预算执行率97.16%；执行数比上年增加150.30万元，增长3.26%。
从支出结构看，基本支出2210.60万元，占全年执行数的46.38%，比上年减少35.20万元；项目支出2555.60万元，占53.62%。
项目支出中，疫苗冷链建设1320.00万元，占项目支出的51.65%；传染病监测805.60万元，占31.52%；健康教育430.00万元，占16.83%。
三、会议费和培训费
会议费支出3.10万元，比上年增加0.40万元；培训费支出8.40万元，比上年减少1.10万元。
四、绩效目标完成情况
适龄儿童疫苗接种率97.6%，比上年提高1.3个百分点。
"""

HOSPITAL = """北川县中医医院2022年度部门整体支出绩效自评报告
一、单位概况
现有职工212人，开放床位260张。
二、支出执行情况
本院2022年度收入总计9630.40万元，较上年增加410.20万元，增长4.45%。
本年度支出决算9418.70万元，决算执行率95.80%；支出决算较上年增加388.90万元。
其中人员经费5120.30万元，占支出决算的54.36%，较上年增加120.50万元；公用经费4298.40万元，占45.64%。
公用经费中，医疗设备购置1890.00万元，占43.97%；信息化建设760.40万元，占17.69%；维修维护1648.00万元，占38.34%。
三、培训及会议
本院2022年度培训费支出6.30万元，较上年减少0.90万元。会议费支出2.20万元，较上年增加0.30万元。
四、绩效目标完成情况
医院感染发生率1.52%，较上年下降0.26个百分点；门诊患者满意度95.4%。
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    return small_reports(tmp_path_factory.mktemp("previous-year"), {"cdc-2023": CDC, "hospital-2022": HOSPITAL})


def _lead(draft) -> str:
    return draft.text.split("报告原文")[0]


def _follow(previous: str, said: str) -> list[dict]:
    return [{"role": "user", "content": previous}, {"role": "assistant", "content": said}]


@pytest.mark.parametrize("report,question,value,wrong", [
    # the change is the next sentence, naming the same thing again (执行数 of 全年执行数, 支出决算 of 本年度支出决算)
    ("cdc-2023", "上年执行数是多少？", "4615.90", "4766.20万元（"),
    ("hospital-2022", "上一年支出决算多少？", "9029.80", "9418.70万元（"),
    # a remark on how the report states it is no word of what is asked
    ("cdc-2023", "上年的收入合计是多少？报告没直接说吧", "5132.90", "4820.50万元（"),
    ("hospital-2022", "上年收入总计多少，报告里没直接写吧", "9220.20", "9630.40万元（"),
    # a year word before the body's kind names no other body
    ("cdc-2023", "上年中心的疫苗接种率是多少？", "96.3", "不涉及"),
    ("hospital-2022", "上一年医院的感染发生率是多少？", "1.78", "不涉及"),
])
def test_last_years_value_the_report_implies(reports, report, question, value, wrong) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and value in draft.text and wrong not in draft.text, draft.text


@pytest.mark.parametrize("report,question,wrong", [
    # the next sentence's change is of another thing (疫苗冷链建设 is no change at all; 人员经费 is not 公用经费)
    ("cdc-2023", "上年项目支出是多少？", ("2590.80", "2520.40")),
    ("hospital-2022", "上年公用经费是多少？", ("4418.90", "4177.90")),
])
def test_no_previous_year_from_a_change_of_something_else(reports, report, question, wrong) -> None:
    draft = answer_in(reports, report, question)
    assert not any(w in draft.text for w in wrong), draft.text


@pytest.mark.parametrize("report,question,values", [
    ("cdc-2023", "培训费比上年减少多少，上年花了多少？", ("1.10", "9.50")),
    ("hospital-2022", "培训费较上年少了多少？上年是多少？", ("0.90", "7.20")),
    # a reader's 去年 is the report's year, 前年 the year before it
    ("cdc-2023", "去年会议费比前年多了多少？前年是多少？", ("0.40", "2.70")),
    ("hospital-2022", "去年会议费比前年增加了多少？前年会议费多少？", ("0.30", "1.90")),
])
def test_a_stated_change_and_the_implied_level_of_the_year_before(reports, report, question, values) -> None:
    draft = answer_in(reports, report, question)
    text = draft.text
    assert not draft.abstained and all(v in text for v in values), text
    assert text.find(values[0]) < text.find(values[1] + "万元（"), text


@pytest.mark.parametrize("report,question,value", [
    ("cdc-2023", "去年收入合计是多少？", "4820.50"),
    ("hospital-2022", "医院去年的收入总计是多少？", "9630.40"),
])
def test_a_readers_last_year_is_the_reports_year(reports, report, question, value) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and _lead(draft).startswith(value), draft.text


@pytest.mark.parametrize("question,years", [
    ("支出比前年少了多少？前年花了多少？", ((2023,), (2022,))),
    ("培训费比上年少了多少？上年是多少？", ((2023,), (2022,))),
    ("上年收入多少？", ((2022,),)),
    ("去年收入多少？", ((2023,),)),
])
def test_each_ask_asks_its_own_year(question, years) -> None:
    q = in_report_year(analyze(question), 2023)
    assert tuple(a.years for a in q.asks) == years


@pytest.mark.parametrize("report,history,question,value,wrong", [
    ("cdc-2023", ("项目支出花了多少？", "项目支出2555.60万元。"), "占全年执行数多少？", "53.62", ("46.38", "51.65")),
    ("hospital-2022", ("公用经费支出了多少？", "公用经费4298.40万元。"), "那占支出决算的比例是多少？", "45.64",
     ("54.36", "43.97")),
])
def test_a_share_asked_without_subject_is_of_the_last_questions(reports, report, history, question, value,
                                                                wrong) -> None:
    draft = answer_in(reports, report, question, _follow(*history))
    assert not draft.abstained and value in draft.text and not any(w in draft.text for w in wrong), draft.text


@pytest.mark.parametrize("report,history,question,values", [
    ("cdc-2023", ("疫苗冷链建设花了多少钱？", "疫苗冷链建设1320.00万元，占51.65%。"), "那传染病监测呢？", ("805.60", "31.52")),
    ("hospital-2022", ("医疗设备购置用了多少？", "医疗设备购置1890.00万元，占43.97%。"), "信息化建设呢？",
     ("760.40", "17.69")),
])
def test_an_amount_comes_with_the_share_its_clause_states(reports, report, history, question, values) -> None:
    draft = answer_in(reports, report, question, _follow(*history))
    assert not draft.abstained and _lead(draft).startswith(values[0]) and values[1] in _lead(draft), draft.text


@pytest.mark.parametrize("report,question,value,absent", [
    # a share not stated bare right after the amount (another whole named, or none at all) is not carried along
    ("cdc-2023", "疫苗冷链建设花了多少钱？", "1320.00", "51.65"),
    ("cdc-2023", "培训费支出多少？", "8.40", "%"),
])
def test_only_a_bare_share_right_after_the_amount_goes_with_it(reports, report, question, value, absent) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and _lead(draft).startswith(value) and absent not in _lead(draft), draft.text


# a budget table that states only the report's year, beside prose that states each line's change
def _budget_report(title: str, year: str, rows: tuple, prose: str):
    from tests.ingest.table_reports import ReportSpec, TableSpec

    table = TableSpec(caption="表1 部门整体支出预算执行情况（单位：万元）",
                      rows=(("项目", "年初预算数", "全年预算数", "全年执行数"),) + rows)
    return ReportSpec(title=title, body=("一、预算执行情况", f"{year}年度预算资金执行情况如下。", table,
                                         "二、支出结构", prose))


PARK = _budget_report(
    "西岭市园林绿化局2023年度部门整体支出绩效自评报告", "2023",
    (("合计", "3210.00", "3388.40", "3301.70"), ("基本支出", "1500.00", "1520.00", "1498.60"),
     ("项目支出", "1710.00", "1868.40", "1803.10")),
    "基本支出1498.60万元，占全年执行数的45.39%，比上年减少41.20万元，主要是退休人员减少；项目支出1803.10万元，占54.61%。")
ARCHIVE = _budget_report(
    "临水县档案馆2021年度部门整体支出绩效自评报告", "2021",
    (("合计", "640.00", "668.00", "655.30"), ("基本支出", "402.00", "410.00", "409.70"),
     ("项目支出", "238.00", "258.00", "245.60")),
    "项目支出245.60万元，较上年增加18.90万元，主要是档案数字化加工量增加；基本支出409.70万元。")


@pytest.fixture(scope="module")
def tabled(tmp_path_factory: pytest.TempPathFactory):
    from app.retrieve import Knowledge
    from ingest.pipeline import prepare_report
    from tests.ingest.table_reports import make_docx_report

    folder = tmp_path_factory.mktemp("previous-year-tables")
    out = {}
    for name, spec in (("park-2023", PARK), ("archive-2021", ARCHIVE)):
        p = prepare_report(make_docx_report(spec, folder / f"{name}.docx"), name)
        out[name] = Knowledge("test", [p.info], list(p.chunks), list(p.figures))
    return out


@pytest.mark.parametrize("report,question,value", [
    ("park-2023", "上年基本支出是多少？", "1539.80"),
    ("archive-2021", "上一年项目支出多少", "226.70"),
])
def test_the_prose_implies_the_year_the_tables_do_not_state(tabled, report, question, value) -> None:
    draft = answer_in(tabled, report, question)
    assert not draft.abstained and _lead(draft).startswith(value), draft.text


# an indicator table whose reason cell names a later year ("顺延至2024年"): the row's value is still of the report's year
def _indicator_report(title: str, year: str, row: tuple[str, ...]):
    from tests.ingest.table_reports import ReportSpec, TableSpec

    table = TableSpec(caption="表2 绩效指标完成情况",
                      rows=(("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施"),
                            ("产出指标", "数量指标") + row))
    return ReportSpec(title=title, body=("一、绩效目标完成情况", f"{year}年度绩效指标完成情况如下。", table))


WATER = _indicator_report("东坪县水利局2023年度部门整体支出绩效自评报告", "2023",
                          ("小型水库除险加固数量", "≥9座", "7座", "2座水库因汛期无法施工，顺延至2024年实施"))
ROADS = _indicator_report("南溪市公路事业发展中心2022年度部门整体支出绩效自评报告", "2022",
                          ("农村公路养护里程", "≥420公里", "436公里", "无偏差，2023年将继续扩大养护范围"))


@pytest.fixture(scope="module")
def indicators(tmp_path_factory: pytest.TempPathFactory):
    from app.retrieve import Knowledge
    from ingest.pipeline import prepare_report
    from tests.ingest.table_reports import make_docx_report

    folder = tmp_path_factory.mktemp("previous-year-indicators")
    out = {}
    for name, spec in (("water-2023", WATER), ("roads-2022", ROADS)):
        p = prepare_report(make_docx_report(spec, folder / f"{name}.docx"), name)
        out[name] = Knowledge("test", [p.info], list(p.chunks), list(p.figures))
    return out


@pytest.mark.parametrize("report,question,value", [
    ("water-2023", "去年小型水库实际加固了几座？", "7"),
    ("roads-2022", "去年农村公路实际养护了多少公里？", "436"),
])
def test_a_later_cells_year_is_not_the_values(indicators, report, question, value) -> None:
    knowledge = indicators[report]
    year = knowledge.reports[report].year
    found = knowledge.figure_index([report]).lookup(in_report_year(analyze(question), year))
    assert found.answered and found.best[0].figure.value == value, found.best[0].why
    draft = answer_in(indicators, report, question)
    assert not draft.abstained and _lead(draft).startswith(value), draft.text


# a follow-up asking what an item lost of its full marks: 分值 less 得分 of the item the question before asked
def _score_report(title: str, year: str, row: tuple[str, ...]):
    from tests.ingest.table_reports import ReportSpec, TableSpec

    table = TableSpec(caption="表3 绩效指标评分情况",
                      rows=(("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"),
                            row))
    return ReportSpec(title=title, body=("一、绩效评价结果", f"{year}年度指标评分如下。", table))


LIBRARY = _score_report("北湾区图书馆2024年度部门整体支出绩效自评报告", "2024",
                        ("效益指标", "满意度指标", "读者满意度", "≥95%", "92.4%", "10", "8.5", "馆舍改造期间服务受影响"))
SEWAGE = _score_report("河口县污水处理中心2022年度部门整体支出绩效自评报告", "2022",
                       ("产出指标", "质量指标", "出水水质达标率", "≥98%", "96.2%", "8", "6", "设备老化，2023年更换"))


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory):
    from app.retrieve import Knowledge
    from ingest.pipeline import prepare_report
    from tests.ingest.table_reports import make_docx_report

    folder = tmp_path_factory.mktemp("previous-year-scores")
    out = {}
    for name, spec in (("library-2024", LIBRARY), ("sewage-2022", SEWAGE)):
        p = prepare_report(make_docx_report(spec, folder / f"{name}.docx"), name)
        out[name] = Knowledge("test", [p.info], list(p.chunks), list(p.figures))
    return out


@pytest.mark.parametrize("report,history,question,value,wrong", [
    ("library-2024", ("读者满意度完成了多少？", "读者满意度92.4%。"), "那扣了几分？", "1.5", "8.5分。"),
    ("sewage-2022", ("出水水质达标率实际多少？", "出水水质达标率96.2%。"), "被扣了多少分", "2", "6分。"),
])
def test_a_follow_up_asking_the_points_lost_is_full_marks_less_the_score(scored, report, history, question, value,
                                                                         wrong) -> None:
    q = analyze(question, _follow(*history))
    assert q.intent == "derived" and q.operation in ("difference", "deducted"), q  # computed, never a stated score
    draft = answer_in(scored, report, question, _follow(*history))
    assert not draft.abstained and f"{value}分" in draft.text and not draft.text.startswith(wrong), draft.text
