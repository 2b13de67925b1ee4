"""The figure lookup's word index: scoring only the figures that can score gives exactly the full scan's answer.

The reference is the same FigureIndex with candidate selection switched off (every figure scored word by word, as
before the index existed). Questions are our own, worded the way staff ask, plus the lookup tests' table; each is
asked with and without dense similarities and passage ranks, alone and as a follow-up, over one report and over
the built-in report with its 越秀 2024 variant (figures of two reports sharing most sentences).
"""
from __future__ import annotations

import random
import pytest

from app.lookup import FigureIndex, bigrams
from app.question import analyze
from tests.app.test_lookup import FIGURE_QUESTIONS

OWN_QUESTIONS = [
    "托养机构里现在住着多少残疾人？", "在托人员里精神残疾的有几位？", "今年收入一共多少万元？", "去年的财政拨款收入是多少？",
    "支出比预算多还是少，差了多少？", "年初预算和年终决算差多少？", "三公经费预算多少，实际用了多少？", "基本支出占总支出几成？",
    "项目支出花了多少钱？", "人员经费和公用经费加起来多少？", "残运会总共拿了几块奖牌？", "羽毛球比赛拿了多少金牌？",
    "康复救助发了多少钱，救助了多少人？", "精神病防治门诊接诊多少人次？", "工疗站一年服务多少学员？", "帮了多少视障家庭做家居改造？",
    "办证办了几本？", "新增就业多少人？", "盲人按摩店有几家拿到补助？", "就业残疾人的养老保险补了多少钱？",
    "教育奖励发了多少？", "培训班办了几期？", "培训了多少残疾人？", "社区残协挂牌了多少个？", "无障碍督导做了几次？",
    "微心愿实现了多少个？", "自立小店账号有几个？", "街道理事长配了几名年轻的？", "满意度是多少？", "预算执行率多少？",
    "绩效自评得了多少分？", "住房保障支出决算多少？", "社会保障和就业支出预算是多少？", "政府性基金收入多少？",
    "2022年政府性基金收入是多少？", "收入下降了百分之几？", "本级占比是多少？", "专项救助惠及多少名视力残疾人？",
    "接访市长热线多少人次？", "评残资助多少人？", "失业残疾人有多少？", "走访慰问了几户？", "工作时长一共多少工时？",
    "What was the total spending in 2023?", "How many braille massage shops were helped?", "How many medals in total?",
    "区残联主席是谁？", "明年的预算打算是多少？", "残联有多少辆车？", "合计支出多少？", "本部门一共花了多少钱？",
    "多少钱", "收入", "2023年", "残运会", "人次",
]
FOLLOW_UPS = [("现有多少名残疾人在托？", "其中精神类的呢？"), ("残运会夺得多少枚金牌？", "银牌呢？"),
              ("本部门收入是多少？", "比上年呢？"), ("三公经费预算是多少？", "实际花了多少？")]
QUESTIONS = OWN_QUESTIONS + [q for q, _value, _unit in FIGURE_QUESTIONS]


class FullScan(FigureIndex):
    """The reference: every figure scored with the word-by-word lexical share."""

    def _lexical_scores(self, query: dict[str, float]) -> dict[int, float]:
        return {}

    def _candidates(self, ask, lexical, dense, passage_rank) -> list[int]:
        return list(range(len(self.figures)))


@pytest.fixture(scope="module")
def one_report(builtin_prepared) -> tuple[FigureIndex, FigureIndex]:
    return FigureIndex(builtin_prepared.figures), FullScan(builtin_prepared.figures)


@pytest.fixture(scope="module")
def two_reports(builtin_prepared, variant_report) -> tuple[FigureIndex, FigureIndex]:
    from ingest.pipeline import prepare_report

    figures = builtin_prepared.figures + prepare_report(variant_report).figures
    return FigureIndex(figures), FullScan(figures)


def _signals(index: FigureIndex, question: str) -> tuple[dict[str, float], dict[str, float]]:
    """Dense similarities and passage ranks as the store would give them: some figures, varied per question."""
    rng = random.Random(question)
    figures = index.figures
    dense = {f.id: round(rng.random(), 3) for f in rng.sample(figures, min(30, len(figures)))}
    ranks: dict[str, float] = {}
    for n, f in enumerate(rng.sample(figures, 4)):
        for g in figures:
            if g.report == f.report and g.sentence == f.sentence:
                ranks[g.id] = max(ranks.get(g.id, 0.0), 1.0 / (1 + 0.5 * n))
    return dense, ranks


def _asked_every_way(indexes: tuple[FigureIndex, FigureIndex], question, history=None) -> None:
    indexed, full = indexes
    q = analyze(question, history or [])
    for dense, ranks in (({}, {}), _signals(indexed, question)):
        got, want = indexed.lookup(q, dense, ranks), full.lookup(q, dense, ranks)
        assert got == want, (question, [m.figure.clause for m in got.best], [m.figure.clause for m in want.best])
        assert indexed.stated(q, dense, ranks) == full.stated(q, dense, ranks)


@pytest.mark.parametrize("question", QUESTIONS)
def test_one_report_lookup_equals_the_full_scan(one_report, question: str) -> None:
    _asked_every_way(one_report, question)


@pytest.mark.parametrize("question", QUESTIONS)
def test_two_report_lookup_equals_the_full_scan(two_reports, question: str) -> None:
    _asked_every_way(two_reports, question)


@pytest.mark.parametrize(("earlier", "follow_up"), FOLLOW_UPS)
def test_a_follow_up_equals_the_full_scan(one_report, two_reports, earlier: str, follow_up: str) -> None:
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": "（上一轮回答）"}]
    _asked_every_way(one_report, follow_up, history)
    _asked_every_way(two_reports, follow_up, history)


def test_the_word_index_finds_every_figure_a_word_scores_for(two_reports) -> None:
    """Each question word: every figure whose fields hold it (abbreviations too: 残运会 in 残疾人运动会) is listed."""
    indexed, _full = two_reports
    grams = {g for q in QUESTIONS for g in bigrams(q)} | {"运会", "残联", "疗站"}
    abbreviations = 0
    for g in sorted(grams):
        holding = indexed._words.holding(g)
        for i in range(len(indexed.figures)):
            if indexed._lexical(i, {g: 1.0}) > 0:
                assert i in holding, (g, indexed.figures[i].clause)
                abbreviations += g not in indexed._sentence[i] and g not in indexed._section[i] and g not in (
                    indexed._name[i] | indexed._context[i] | indexed._whole_grams[i])
    assert abbreviations, "no word matched only as an abbreviation: the gapped case went untested"


class Counting(FigureIndex):
    """Counts the figures a lookup scores."""

    scored = 0

    def _score(self, *args, **kwargs):
        self.scored += 1
        return super()._score(*args, **kwargs)


def test_a_figure_sharing_no_word_is_not_scored(builtin_prepared) -> None:
    """What makes lookup cheap: a question about medals does not score the budget lines."""
    index = Counting(builtin_prepared.figures)
    result = index.lookup(analyze("残运会拿了多少枚银牌？"))
    assert result.best[0].figure.value == "10"
    assert 0 < index.scored < len(index.figures) / 2
