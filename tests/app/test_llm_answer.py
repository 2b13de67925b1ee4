"""app.llm_answer: whether a model's reply from the passages may be served — pure, with passages of three reports
(a district disabled persons' federation, an education bureau, a hospital)."""
from __future__ import annotations

import pytest

from app.answer import Citation
from app.llm_answer import (MAX_ANSWER_CHARS, MIN_FOLLOWING, check_reply, clean_reply, following, may_answer,
                            passage_focus, passages_text, reply_doomed, reply_done, says_not_found, select_passages,
                            with_report)
from app.question import analyze

HOSPITAL = "hexi-hospital"
EDUCATION = "qingshan-edu"
BEDS = "医院编制床位500张，实际开放床位468张。"
STAFF = "年末在职职工812人，其中卫生技术人员703人。"
LEAFLETS = "开展健康宣传活动12场，发放宣传单3000张。"
FUNDS = "财政补助资金主要用于发热门诊改造、医疗设备购置和公共卫生服务项目。"
GRADE = "河西市第三人民医院是市卫生健康委员会下属的公立二级甲等综合医院。"
SELF_SCORE = "医院2023年度部门整体支出绩效自评得分为90.5分，等级为“优”。"
INCOME_2023 = "2023年医院总收入42635.18万元，其中财政补助收入5120.60万元。"
INCOME_2022 = "2022年医院总收入40112.07万元。"
TRAINING = "开展教师培训56期，培训教师3120人次。"
VISITS = "全年门急诊服务患者68.7万人次，出院患者2.31万人次。"
UNEMPLOYED = "登记失业的残疾人员49名，推荐就业9人。"
CLASS_SIZE = "一是部分学校大班额问题仍然存在，主要原因是城区人口增长较快，新建学校建设周期长；"
CARE = ("为有需要的困难重度残疾人提供寄宿托养资助，全年减少15人（死亡），新增11人，现有143名残疾人在托，其中精神类51名、"
        "智力及重度残疾人92名，60岁以下117人、60岁以上26人。")


def shown(report: str, *sentences: str) -> list[Citation]:
    return [Citation(s, "一、基本情况", report) for s in sentences]


def check(question: str, reply: str, report: str, *sentences: str):
    q = analyze(question)
    return check_reply(reply, q, shown(report, *sentences), passage_focus(q))


# --------------------------------------------------------------------------- served, or why not

@pytest.mark.parametrize(("question", "reply", "report", "sentences"), [
    ("医院有多少张床？", "医院编制床位500张。", HOSPITAL, (BEDS, STAFF)),
    ("医院有多少张床？", "河西市第三人民医院有500张床。", HOSPITAL, (BEDS, GRADE)),
    ("卫生技术人员有多少？", "卫生技术人员703人。", HOSPITAL, (STAFF,)),
    ("财政的钱用在哪里了？", "财政补助资金主要用于发热门诊改造、医疗设备购置和公共卫生服务项目。", HOSPITAL, (FUNDS,)),
    ("医院归谁管？", "医院是市卫生健康委员会下属的公立医院。", HOSPITAL, (GRADE,)),
    ("老师培训了多少人次？", "培训教师3120人次。", EDUCATION, (TRAINING,)),
    ("为什么会有大班额？", "主要原因是城区人口增长较快，新建学校建设周期长。", EDUCATION, (CLASS_SIZE,)),
    ("在托的有多少人？", "现有143名残疾人在托。", "liwan", (CARE,)),
])
def test_a_reply_that_states_what_the_passages_say_is_served(question, reply, report, sentences) -> None:
    checked = check(question, reply, report, *sentences)
    assert checked.servable, checked.problems
    assert all(n.verified for n in checked.numbers)
    assert checked.citations and checked.citations[0].report == report


@pytest.mark.parametrize(("question", "reply", "report", "sentences", "complaint"), [
    # a number no passage states
    ("医院有多少张床？", "医院有520张床。", HOSPITAL, (BEDS,), "“520张”在报告原文中找不到"),
    # a real figure of a passage, but its clause counts something else
    ("医院有多少张床？", "医院有3000张床。", HOSPITAL, (BEDS, LEAFLETS), "“3000张”不是问题所问的数字"),
    ("老师培训了多少人次？", "培训教师68.7万人次。", EDUCATION, (TRAINING, VISITS), "“68.7万人次”不是问题所问的数字"),
    # the year the report was scored is not when something was bought
    ("CT是哪年买的？", "CT是2023年买的。", HOSPITAL, (SELF_SCORE, FUNDS), "“2023”不是问题所问的数字"),
    # a sum of money does not answer a head count, and another year's income not this year's
    ("2023年医院有多少职工？", "医院职工42635.18万元。", HOSPITAL, (INCOME_2023, STAFF), "不是问题所问的数字"),
    ("2023年医院总收入是多少？", "医院总收入40112.07万元。", HOSPITAL, (INCOME_2022,), "不是问题所问的数字"),
    # words of the model's own
    ("院长是谁？", "院长是医院的负责人。", HOSPITAL, (GRADE, STAFF), "照报告原文的说法"),
    ("为什么会有大班额？", "因为老师太少了，家长都想上好学校。", EDUCATION, (CLASS_SIZE,), "照报告原文的说法"),
    # a figure question with no figure in the reply
    ("医院有多少张床？", "医院床位很充足。", HOSPITAL, (BEDS,), "没有给出所问的数字"),
    # an English reply can only be checked by its figures
    ("Who runs the hospital?", "The hospital is run by Dr. Wang.", HOSPITAL, (GRADE,), "The report does not state"),
])
def test_a_reply_that_goes_beyond_the_passages_is_not_served(question, reply, report, sentences,
                                                            complaint) -> None:
    checked = check(question, reply, report, *sentences)
    assert not checked.servable and not checked.not_found
    assert any(complaint in p for p in checked.problems), checked.problems


@pytest.mark.parametrize(("question", "reply", "report", "sentences"), [
    ("民政局今年买车了没有？", "民政局今年买车了没有", "chancheng-civil-affairs", ("本年度未购置公务用车。",)),
    ("医院有没有开展健康宣传？", "医院有没有开展健康宣传。", HOSPITAL, (LEAFLETS,)),
])
def test_a_reply_that_only_repeats_the_question_is_not_served(question, reply, report, sentences) -> None:
    checked = check(question, reply, report, *sentences)
    assert not checked.servable and not checked.not_found and "重复了问题" in checked.problems[0]


def test_an_english_reply_with_a_verified_figure_is_served() -> None:
    checked = check("How many people were registered as unemployed?",
                    "49 disabled people were registered as unemployed.", "liwan", UNEMPLOYED)
    assert checked.servable, checked.problems
    assert check("How many beds does the hospital have?", "The hospital has 500 beds.", HOSPITAL, BEDS).servable


def test_an_english_question_with_words_the_glossary_cannot_translate_is_not_for_the_model() -> None:
    """Its clause cannot be checked against words that have no Chinese term: the model is not asked."""
    assert may_answer(analyze("How many beds does the hospital have?"))
    assert not may_answer(analyze("How many zebra beds does the hospital have?"))
    assert may_answer(analyze("医院有多少斑马？"))  # Chinese words are checked against the clause as they are


@pytest.mark.parametrize("reply", ["报告中没有找到相关信息。", "报告中没有提到院长的名字。", "根据报告原文，无法确定。",
                                   "报告没有写", "The report does not state this.", "The report does not mention it."])
def test_a_reply_that_says_the_report_lacks_the_answer_is_an_abstention(reply: str) -> None:
    assert says_not_found(reply)
    checked = check("院长是谁？", reply, HOSPITAL, GRADE)
    assert checked.not_found and not checked.servable


@pytest.mark.parametrize("reply", ["本年度无会议费支出。", "没有。", "有，开展教师培训56期。", "医院编制床位500张。"])
def test_an_answer_is_not_taken_for_a_not_found(reply: str) -> None:
    assert not says_not_found(reply)


def test_a_long_reply_is_cut_after_a_whole_sentence() -> None:
    reply = "医院编制床位500张。" + "实际开放床位468张，医院床位充足。" * 30
    checked = check("医院有多少张床？", reply, HOSPITAL, BEDS, "医院床位充足。")
    assert len(checked.text) <= MAX_ANSWER_CHARS and checked.text.endswith("。")


@pytest.mark.parametrize(("reply", "cleaned"), [
    ("问题：医院有多少张床？\n答案：医院编制床位500张。", "医院编制床位500张。"),
    ("回答：医院编制床位500张。", "医院编制床位500张。"),
    ("医院有多少张床？医院编制床位500张。", "医院编制床位500张。"),
])
def test_what_small_models_put_before_the_answer_is_left_out(reply: str, cleaned: str) -> None:
    assert clean_reply(reply, "医院有多少张床？") == cleaned


# --------------------------------------------------------------------------- following the passages

@pytest.mark.parametrize(("reply", "question", "follows"), [
    ("主要原因是城区人口增长较快，新建学校建设周期长。", "为什么会有大班额？", True),
    ("现有 143名 残疾人在托。", "在托的有多少人？", True),  # spaces and a measure word after a number
    ("没有。", "有没有会议费？", True),  # the question's own words and a no
    ("局长是本局的负责人。", "局长是谁？", False),  # 负责人 is the model's, not the report's
    ("因为老师太少了。", "为什么会有大班额？", False),
])
def test_what_a_reply_adds_must_stand_in_the_passages(reply: str, question: str, follows: bool) -> None:
    sources = [CLASS_SIZE, CARE, "本局内设办公室、基础教育科5个科室。"]
    assert (following(reply, sources, question) >= MIN_FOLLOWING) == follows


# --------------------------------------------------------------------------- several reports

def test_passages_of_several_reports_are_labelled_with_their_report() -> None:
    citations = shown(HOSPITAL, BEDS) + shown(EDUCATION, TRAINING)
    titles = {HOSPITAL: "河西市第三人民医院2023年度部门整体支出绩效自评报告", EDUCATION: "青山区教育局2024年度自评报告"}
    text = passages_text(citations, titles)
    assert text.splitlines()[0] == f"[1]《{titles[HOSPITAL]}》（一、基本情况）{BEDS}"
    assert text.splitlines()[1].startswith(f"[2]《{titles[EDUCATION]}》")
    assert passages_text(citations, {}).splitlines()[0] == f"[1]（一、基本情况）{BEDS}"


def test_a_passage_of_the_same_section_as_the_one_before_goes_without_the_label() -> None:
    citations = (shown(HOSPITAL, BEDS, STAFF) + [Citation(SELF_SCORE, "四、自评结论", HOSPITAL)]
                 + shown(EDUCATION, TRAINING, CLASS_SIZE))
    lines = passages_text(citations, {}).splitlines()
    assert lines[:3] == [f"[1]（一、基本情况）{BEDS}", f"[2]{STAFF}", f"[3]（四、自评结论）{SELF_SCORE}"]
    assert lines[3] == f"[4]（一、基本情况）{TRAINING}"  # another section came between
    assert lines[4] == f"[5]{CLASS_SIZE}"
    titles = {HOSPITAL: "河西市第三人民医院2023年度部门整体支出绩效自评报告", EDUCATION: "青山区教育局2024年度自评报告"}
    lines = passages_text(shown(HOSPITAL, BEDS, STAFF) + shown(EDUCATION, TRAINING), titles).splitlines()
    assert lines[1] == f"[2]{STAFF}" and lines[2].startswith(f"[3]《{titles[EDUCATION]}》（一、基本情况）")


@pytest.mark.parametrize(("heading", "report", "sentence"), [
    ("2．教育信息化建设项目", EDUCATION, "项目全年预算3,280.00万元，实际支出3,102.56万元。"),
    ("3.机关运行经费", "chancheng-civil-affairs", "2023年度本局机关运行经费支出32.18万元。"),
])
def test_a_heading_repeated_as_a_passage_is_not_shown(heading: str, report: str, sentence: str) -> None:
    from app.compose import Draft

    class NoSentences:
        def best_sentences(self, *args, **kwargs):
            return []

    draft = Draft("", (Citation(f"{heading}。", heading, report), Citation(sentence, heading, report)), True, "",
                  sure=False)
    chosen = select_passages(analyze("花了多少钱？"), draft, [], NoSentences(), [report])
    assert [c.text for c in chosen] == [sentence]


def test_an_answer_from_one_of_several_reports_leads_with_its_title() -> None:
    titles = {HOSPITAL: "河西市第三人民医院自评报告", EDUCATION: "青山区教育局自评报告"}
    assert with_report("医院编制床位500张。", shown(HOSPITAL, BEDS), titles, False) == \
        "据《河西市第三人民医院自评报告》：医院编制床位500张。"
    assert with_report("The hospital has 500 beds.", shown(HOSPITAL, BEDS), titles, True).startswith(
        "According to 《河西市第三人民医院自评报告》: ")
    assert with_report("医院编制床位500张。", shown(HOSPITAL, BEDS), {}, False) == "医院编制床位500张。"


def test_a_derived_question_needs_the_computation_shown() -> None:
    """A sum the report does not state: a figure it states is not the answer, unless computed and shown."""
    general = "一般公共预算财政拨款收入2655.58万元，占总收入的98.57%。"
    fund = "政府性基金预算财政拨款收入38.58万元，占总收入的1.43%。"
    q = analyze("一般公共预算和政府性基金预算财政拨款收入加起来是多少？")
    assert q.intent == "derived"
    stated = check_reply("一般公共预算财政拨款收入2655.58万元。", q, shown("liwan", general, fund), passage_focus(q))
    assert any("算式" in p for p in stated.problems)
    computed = check_reply("2655.58万元 + 38.58万元 = 2694.16万元。", q, shown("liwan", general, fund),
                           passage_focus(q))
    assert computed.servable, computed.problems


def test_last_years_value_is_not_this_years_figure() -> None:
    """"上一年收入是多少？" of a 2022 report: this year's income, its clause naming no year, is 2022's."""
    from app.retrieve import Knowledge
    from ingest.report import ReportInfo

    income = "本部门收入58,236.48万元，比上年增加3,105.62万元。"
    q = analyze("上一年收入是多少？")
    report = ReportInfo(id="nanhai", title="南海区教育局2022年度自评报告", year=2022, source="nanhai.txt")
    knowledge = Knowledge("v", [report], [], [])
    focus = passage_focus(q, knowledge, ["nanhai"])
    assert not check_reply("上一年收入58,236.48万元。", q, shown("nanhai", income), focus).servable


# --------------------------------------------------------------------------- a reply stopped while being written

def doomed(question: str, partial: str, report: str, *sentences: str) -> bool:
    q = analyze(question)
    return reply_doomed(partial, q, shown(report, *sentences), passage_focus(q))


@pytest.mark.parametrize(("question", "partial", "report", "sentences"), [
    # a complete figure of a passage whose clause counts something else
    ("医院有多少张床？", "医院有3000张床，另外", HOSPITAL, (BEDS, LEAFLETS)),
    ("老师培训了多少人次？", "培训教师68.7万人次，其中", EDUCATION, (TRAINING, VISITS)),
    # the report lacks the answer, said in the first words
    ("院长是谁？", "报告中没有提到院长的名字，但是", HOSPITAL, (GRADE,)),
    ("为什么会有大班额？", "根据报告原文，无法确定原因", EDUCATION, (CLASS_SIZE,)),
])
def test_a_reply_that_cannot_be_served_is_known_while_it_is_written(question, partial, report, sentences) -> None:
    assert doomed(question, partial, report, *sentences)
    # and the whole reply would indeed not be served, whatever follows
    checked = check(question, partial + "其余略。", report, *sentences)
    assert not checked.servable


@pytest.mark.parametrize(("question", "partial", "report", "sentences"), [
    ("医院有多少张床？", "医院编制床位500张，", HOSPITAL, (BEDS, LEAFLETS)),  # the asked figure
    ("老师培训了多少人次？", "培训教师3120人次", EDUCATION, (TRAINING, VISITS)),
    ("医院有多少张床？", "医院有30", HOSPITAL, (BEDS, LEAFLETS)),  # may still grow into another number
    ("老师培训了多少人次？", "培训教师68", EDUCATION, (TRAINING, VISITS)),
    # stated nowhere yet: a lead may repeat a result its computation shows after it
    ("2023年医院总收入比上年多多少？", "多2523.11万元（42635.18万元 - 40112.07万元 = 2523.11万元）", HOSPITAL,
     (INCOME_2023, INCOME_2022)),
    ("医院有多少张床？", "医院有", HOSPITAL, (BEDS,)),
    ("有没有相关数据？", "有没有相关", EDUCATION, (TRAINING,)),  # the question being repeated
])
def test_a_reply_that_may_still_be_served_is_written_to_the_end(question, partial, report, sentences) -> None:
    assert not doomed(question, partial, report, *sentences)


@pytest.mark.parametrize(("question", "partial", "done"), [
    # a hospital's and an education bureau's figure, in one sentence: complete
    ("医院有多少张床？", "医院编制床位500张。", True),
    ("老师培训了多少人次？", "培训教师3120人次。另外", True),
    ("How many beds does the hospital have?", "The hospital has 500 beds.", True),
    # not yet: no sentence end, a decimal point being written, no figure, or an ask still unanswered
    ("医院有多少张床？", "医院编制床位500张，", False),
    ("What was the hospital's income?", "The income was 42635.", False),
    ("医院有多少张床？", "医院床位很多。", False),
    ("医院有多少张床？有多少职工？", "医院编制床位500张。", False),
    ("医院有多少张床？有多少职工？", "医院编制床位500张。年末在职职工812人。", True),
    # a reason, or a computation that may follow its result, is written to its end
    ("为什么会有大班额？", "主要原因是城区人口增长较快。", False),
    ("2023年医院总收入比上年多多少？", "多2523.11万元。", False),
])
def test_a_figure_reply_is_complete_after_its_sentence(question: str, partial: str, done: bool) -> None:
    assert reply_done(partial, analyze(question)) is done


@pytest.mark.parametrize(("question", "reply", "report", "sentence", "served"), [
    # a hospital's project report: a department doing the work is no person's name
    ("项目负责人叫什么名字？", "项目负责人叫医院设备科。", "xinhui-hospital",
     "2024年区财政安排医疗设备购置项目资金，由医院设备科负责组织实施。", False),
    ("项目负责人叫什么名字？", "项目负责人是李明。", "xinhui-hospital", "项目由李明同志担任负责人。", True),
    # an education bureau's report: 局长 asked, the passage names no one
    ("局长是谁？", "局长是区教育局。", EDUCATION, "区教育局是区政府工作部门，负责全区教育工作。", False),
    # a thing's name is not a person's
    ("新建的小学叫什么？", "新建的小学叫青山实验小学。", EDUCATION, "2024年新建青山实验小学一所。", True),
])
def test_a_question_for_a_person_needs_a_passage_that_names_one(question, reply, report, sentence, served) -> None:
    assert check(question, reply, report, sentence).servable is served


# --------------------------------------------------------------------------- what is asked, not how it is asked

SCIENCE = "zhenjiang-cast"
EMERGENCY = "meijiang-emergency"
EVENTS = "全年共举办科普讲座、科普进社区等各类科普活动146场次，受众约9.6万人次，完成年度目标。"
EVENTS_TARGET = "全年举办各类科普活动不少于120场次，受众人数不少于8万人次。"
THREE_PUBLIC = "2024年度我局“三公”经费财政拨款预算15.80万元，实际支出12.37万元，比上年减少2.05万元，下降14.22%。"
FEE_GROWTH = "效益指标>患者次均门诊费用增长率：≤5% 3.2%｜6｜6。"


def knowing(report: str, body: str, *sentences: str, aliases: str = ""):
    """A knowledge of one report whose text is the sentences (what the report writes), its body named."""
    from app.retrieve import Knowledge
    from ingest.report import Chunk, ReportInfo

    info = ReportInfo(id=report, title=f"{body}2024年度自评报告", year=2024, source=f"{report}.txt", body=body,
                      aliases=aliases)
    chunks = [Chunk(f"{report}-{i}", report, s, "一、基本情况", 0, len(s), i) for i, s in enumerate(sentences)]
    return Knowledge("v", [info], chunks, [])


def check_knowing(question: str, reply: str, report: str, body: str, *sentences: str):
    q = analyze(question)
    body, _, aliases = body.partition("|")  # "full name|alias|alias": the body's names as ingest derives them
    knowledge = knowing(report, body, *sentences, aliases=aliases)
    return check_reply(reply, q, shown(report, *sentences), passage_focus(q, knowledge, [report]))


@pytest.mark.parametrize(("question", "reply", "report", "body", "sentences", "served"), [
    # a particle and a colloquial verb the report never writes are how the question asks (托着, 搞了)
    ("目前托着多少残疾人？", "目前在托的残疾人有143名。", "liwan", "广州市荔湾区残疾人联合会", (CARE, UNEMPLOYED), True),
    ("今年一共搞了几场科普活动？", "全年共举办各类科普活动146场次。", SCIENCE, "韶关市浈江区科学技术协会",
     (EVENTS, EVENTS_TARGET), True),
    # ... but the report's own verb stays asked: 托 (of 在托) is not said of the unemployed
    ("目前托着多少残疾人？", "登记失业的残疾人员49名。", "liwan", "广州市荔湾区残疾人联合会", (CARE, UNEMPLOYED), False),
    # and a thing the report never names stays asked: no figure is about it
    ("今年一共搞了几场斑马活动？", "全年共举办各类科普活动146场次。", SCIENCE, "韶关市浈江区科学技术协会",
     (EVENTS, EVENTS_TARGET), False),
    # the body named short (应急局 for 应急管理局) is who reports; the report writes “三公”经费 in quotes
    ("梅江区应急局2024年三公经费花了多少钱？", "2024年三公经费实际支出12.37万元。", EMERGENCY, "梅州市梅江区应急管理局",
     (THREE_PUBLIC,), True),
    ("区科协的科普活动办了多少场？", "科普活动146场次。", SCIENCE, "韶关市浈江区科学技术协会|区科协|科协", (EVENTS,), True),
])
def test_a_figure_is_tied_to_what_is_asked_not_to_how(question, reply, report, body, sentences, served) -> None:
    checked = check_knowing(question, reply, report, body, *sentences)
    assert checked.servable is served, checked.problems


@pytest.mark.parametrize(("terms", "body", "expected"), [
    (("托着", "残疾人"), "", (("托", "残疾人"), ("托",))),
    (("科协", "搞", "科普活动"), "", (("科协", "科普活动"), ())),
    (("和", "比", "支出", "增加"), "", (("支出", "增加"), ())),
    (("应急局", "三公经费"), "梅州市梅江区应急管理局", (("三公经费",), ())),
    (("中医院", "设备"), "茂名市中医院", (("设备",), ())),
    (("斑马床位",), "", (("斑马床位",), ())),
    # a verb the report writes only inside its own words (举办) is not required whole (办了几场)
    (("活动", "办"), "", (("活动", "办"), ())),
])
def test_the_words_asked_leave_out_the_ways_of_asking(terms, body, expected) -> None:
    from app.llm_answer import asked_content

    vocabulary = "现有143名残疾人在托，全年支出增加，举办科普活动12场，购置设备，“三公”经费"
    assert asked_content(terms, vocabulary, (body,) if body else ()) == expected


@pytest.mark.parametrize(("question", "reply", "report", "sentence", "served"), [
    # a change of money may be said as a share of it, in two reports
    ("次均门诊费用涨了多少？", "患者次均门诊费用增长3.2%。", "maonan-tcm", FEE_GROWTH, True),
    ("总收入比上年涨了多少？", "总收入比上年增长6.29%。", HOSPITAL, "2023年医院总收入42635.18万元，比上年增长6.29%。", True),
    # the level asked is not its change
    ("三公经费花了多少钱？", "三公经费下降14.22%。", EMERGENCY, THREE_PUBLIC, False),
])
def test_a_change_may_be_answered_as_a_share(question, reply, report, sentence, served) -> None:
    assert check(question, reply, report, sentence).servable is served


@pytest.mark.parametrize(("question", "reply", "report", "sentence", "served"), [
    # a body asked with 是谁 is answered with its name, in a hospital's and a bureau's report
    ("这个项目的主管部门是谁？", "这个项目由茂名市茂南区卫生健康局主管。", "maonan-tcm",
     "中医优势专科建设项目由茂名市茂南区卫生健康局主管、茂名市茂南区中医院具体实施。", True),
    ("项目的实施单位是谁？", "项目由河西市第三人民医院具体实施。", HOSPITAL,
     "设备购置项目由河西市卫生健康委员会主管、河西市第三人民医院具体实施。", True),
    # a person asked still needs a passage that names one
    ("项目负责人是谁？", "项目负责人是河西市第三人民医院。", HOSPITAL,
     "设备购置项目由河西市卫生健康委员会主管、河西市第三人民医院具体实施。", False),
])
def test_a_body_asked_with_who_needs_no_persons_name(question, reply, report, sentence, served) -> None:
    assert check(question, reply, report, sentence).servable is served


def prepared_knowledge(tmp_path, report: str, text: str):
    """A report written to a file and prepared by ingest (figures, their subjects, the body's names), as Knowledge."""
    from app.retrieve import Knowledge
    from ingest.pipeline import prepare_report

    path = tmp_path / f"{report}.txt"
    path.write_text(text, encoding="utf-8")
    prepared = prepare_report(path)
    return Knowledge("v", [prepared.info], prepared.chunks, prepared.figures), prepared.info.id


STREET_ACCOUNTS = ("湛江市某某街道办事处2023年度部门决算说明\n一、收入支出决算总体情况说明\n"
                   "2023年度财政拨款收入、支出总计各是3986.42,3979.86万元。与2022年度相比,财政拨款收入、支出总计各增加"
                   "170.64,164.08万元,各增长4.47%、4.30%。\n")
HOSPITAL_VISITS = ("河西市第三人民医院2023年度部门整体支出绩效自评报告\n一、基本情况\n"
                   "全年门急诊、出院患者分别为68.7万人次、2.31万人次，比上年分别增长5.2%、3.1%。\n")


@pytest.mark.parametrize(("text", "question", "reply", "served"), [
    # "A、B各是x,y": x is A's alone — in a street office's final accounts and in a hospital's report
    (STREET_ACCOUNTS, "财政拨款收入总计是多少？", "财政拨款收入总计3986.42万元。", True),
    (STREET_ACCOUNTS, "支出总计是多少？", "支出总计3979.86万元。", True),
    (STREET_ACCOUNTS, "支出总计是多少？", "支出总计3986.42万元。", False),
    (STREET_ACCOUNTS, "财政拨款支出比上年增长了多少？", "财政拨款支出比上年增加170.64万元。", False),
    (HOSPITAL_VISITS, "出院患者有多少人次？", "出院患者2.31万人次。", True),
    (HOSPITAL_VISITS, "出院患者有多少人次？", "出院患者68.7万人次。", False),
])
def test_a_figure_of_a_distributed_statement_is_its_own_subjects(tmp_path, text, question, reply, served) -> None:
    knowledge, report = prepared_knowledge(tmp_path, "r", text)
    q = analyze(question)
    sentence = next(c.text for c in knowledge.chunks if any(t in c.text for t in ("各是", "分别为")))
    focus = passage_focus(q, knowledge, [report])
    checked = check_reply(reply, q, shown(report, sentence), focus)
    assert checked.servable is served, checked.problems


FORM_HEAD = ("河西市第三人民医院2024年度医疗设备购置项目支出绩效自评报告\n项目名称：医疗设备购置项目\n主管部门：河西市卫生健康委员会\n"
             "项目实施单位：河西市第三人民医院\n项目属性：新增项目\n项目资金（万元）：年度资金总额620.00，其中：财政拨款500.00，"
             "其他资金120.00\n资金执行情况（万元）：全年预算数620.00，全年执行数588.30，执行率94.89%\n")
LONG_PARAGRAPH = ("2023年，区教育局围绕教育高质量发展，统筹推进各项工作。全区新建学校5所，新增学位6300个。开展教师培训56期，"
                  "培训教师3120人次。推进集团化办学，组建教育集团12个。落实学生资助政策，资助家庭经济困难学生8650人次，"
                  "发放资助资金1536.20万元。完成校园安全隐患整改312处。")


@pytest.mark.parametrize(("text", "question", "kept"), [
    # a form's head (a hospital's project report): the line naming what is asked, with its neighbours
    (FORM_HEAD, "设备购置项目的执行率是多少？", "执行率94.89%"),
    (FORM_HEAD, "项目主管部门是哪个？", "主管部门：河西市卫生健康委员会"),
    # a long paragraph (an education bureau's report): the sentence that names it
    (LONG_PARAGRAPH, "资助了多少困难学生？", "资助家庭经济困难学生8650人次"),
])
def test_a_long_passage_is_cut_to_what_matches_the_question(text, question, kept) -> None:
    from app.llm_answer import trimmed

    cut = trimmed(text, analyze(question), limit=80)
    assert kept in cut and cut in text and len(cut) <= 80
