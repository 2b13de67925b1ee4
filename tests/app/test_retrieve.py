"""Choosing the sentences that answer a text question (pure: Knowledge built from ingest's output, no store).

Only sentences that can score are scored (those of the retrieved passages and those sharing a word with the
question), so a question costs the same however many reports the store holds; for one report the result must be
exactly what scoring every sentence gives.
"""
from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.lookup import bigrams
from app.question import analyze
from app.retrieve import Knowledge, Passage, Sentence
from vectorstore.lexical import neutral_text

# worded the way people ask, not the dev set's wording
QUESTIONS = ("托养的残疾人一共有几位？", "收入比上一年少了，是什么原因？", "单位主要负责哪些工作？",
             "自评发现了什么问题？", "下一步打算怎么改进？", "残疾人培训做得怎么样？", "办了多少本残疾人证？",
             "就业帮扶有哪些做法？", "预算执行得怎么样？", "资金用得有没有效果？", "其中精神类的呢？",
             "How much was spent on housing?")


def full_scan(knowledge: Knowledge, question, passages: Sequence[Passage], report_ids: Sequence[str],
              k: int = 3) -> list[tuple[Sentence, float]]:
    """The definition: score every sentence of the asked reports (what the product did before)."""
    boost = {p.chunk.id: 1.0 / (i + 1) for i, p in enumerate(passages)}
    chunks_of: dict[tuple[str, int], list[str]] = {}
    from ingest.chunk import sentence_spans

    for c in knowledge.chunks:
        for start, _ in sentence_spans(c.text, c.start):
            chunks_of.setdefault((c.report, start), []).append(c.id)
    text = (question.match_text or question.text) + ("，" + question.context if question.context else "")
    query = knowledge.question_grams(text, sorted(report_ids))
    scored = []
    for s in knowledge.sentences:
        if s.report not in report_ids:
            continue
        # each sentence weighed by its own report's word statistics; the body's names are no words of it
        total = sum(knowledge.idf(g, s.report) for g in query)
        section = frozenset(bigrams(neutral_text(s.section, knowledge.names[s.report], numbers=False)))
        cov = knowledge._coverage(query, s.grams | section, total, s.report)
        own = knowledge._coverage(query, s.grams, total, s.report)
        bonus = max((boost.get(cid, 0.0) for cid in chunks_of.get((s.report, s.start), ())), default=0.0)
        scored.append((s, 0.55 * own + 0.25 * cov + 0.2 * bonus))
    scored.sort(key=lambda x: -x[1])
    return scored[:k]


def bm25_passages(knowledge: Knowledge, text: str, report_ids: Sequence[str], k: int = 6) -> list[Passage]:
    """Retrieved passages without embeddings: the BM25 half of the search."""
    hits = knowledge.lexical.search(text, k, report_ids)
    return [Passage(chunk, score, None, rank) for rank, (chunk, score) in enumerate(hits)]


def keys(result: list[tuple[Sentence, float]]) -> list[tuple[str, int, float]]:
    return [(s.report, s.start, score) for s, score in result]


@pytest.fixture(scope="module")
def knowledge(builtin_prepared) -> Knowledge:
    return Knowledge("test", [builtin_prepared.info], builtin_prepared.chunks, builtin_prepared.figures)


@pytest.fixture(scope="module")
def two_reports(builtin_prepared, variant_report) -> Knowledge:
    from ingest.pipeline import prepare_report

    variant = prepare_report(variant_report)
    return Knowledge("test-2", [builtin_prepared.info, variant.info], builtin_prepared.chunks + variant.chunks,
                     builtin_prepared.figures + variant.figures)


@pytest.mark.parametrize("question", QUESTIONS)
def test_one_report_gets_exactly_the_sentences_a_full_scan_gives(knowledge, question):
    ids = list(knowledge.reports)
    history = [{"role": "user", "content": "现有多少名残疾人在托？"}, {"role": "assistant", "content": "143名。"}]
    for q in (analyze(question), analyze(question, history)):
        passages = bm25_passages(knowledge, q.text, ids)
        assert keys(knowledge.best_sentences(q, passages, ids)) == keys(full_scan(knowledge, q, passages, ids))
        assert keys(knowledge.best_sentences(q, [], ids)) == keys(full_scan(knowledge, q, [], ids))


def test_a_sentence_outside_the_passages_still_answers(knowledge):
    q = analyze("目前在托的残疾人有多少？")
    ids = list(knowledge.reports)
    unrelated = [p for p in bm25_passages(knowledge, "预算 决算 支出", ids) if "在托" not in p.chunk.text][:2]
    assert unrelated
    best = knowledge.best_sentences(q, unrelated, ids)[0][0]
    assert "现有143名残疾人在托" in best.text
    assert not any(best.text in p.chunk.text for p in unrelated)


def test_a_question_without_report_words_gets_sentences_in_report_order(knowledge):
    q = analyze("Hello?")
    ids = list(knowledge.reports)
    result = knowledge.best_sentences(q, [], ids)
    assert keys(result) == keys(full_scan(knowledge, q, [], ids))
    assert [score for _, score in result] == [0.0, 0.0, 0.0]


def test_one_report_of_two_is_scored_alone(two_reports, variant_report):
    for report in two_reports.reports:
        ids = [report]
        for question in QUESTIONS[:6]:
            q = analyze(question)
            passages = bm25_passages(two_reports, q.text, ids)
            result = two_reports.best_sentences(q, passages, ids)
            assert {s.report for s, _ in result} == {report}
            assert keys(result) == keys(full_scan(two_reports, q, passages, ids))


def test_across_reports_the_answer_comes_from_the_report_retrieval_found(two_reports):
    ids = list(two_reports.reports)
    variant = next(r for r in ids if "yuexiu" in r)
    q = analyze("托养的残疾人一共有几位？")
    passages = bm25_passages(two_reports, q.text, [variant])  # retrieval found only the 越秀 report
    best = two_reports.best_sentences(q, passages, ids)
    assert "现有158名残疾人在托" in best[0][0].text
    assert {s.report for s, _ in best} == {variant}


# --------------------------------------------------------------------------- several reports asked at once

@pytest.fixture(scope="module")
def three_report_store(builtin_prepared, edu_prepared, health_prepared, tmp_path_factory):
    """A real Chroma store (fake hashing embeddings) holding three reports of three departments, with profiles."""
    from app.settings import Settings
    from tests.app.conftest import with_profile
    from tests.conftest import HashingEmbeddings
    from vectorstore.store import ReportStore, open_client

    store = ReportStore(open_client(Settings(data_dir=tmp_path_factory.mktemp("three"))), HashingEmbeddings())
    for prepared in (builtin_prepared, edu_prepared, health_prepared):
        p = with_profile(prepared)
        store.replace_report(p.info, list(p.chunks), list(p.figures))
    return store


@pytest.mark.parametrize("question", ["存在哪些问题？", "预算执行率是多少", "下一步怎么改进", "一共花了多少钱",
                                      "What was the total expenditure?"])
def test_over_several_reports_each_report_gets_the_passages_a_narrowed_search_gives(three_report_store, question):
    from app.question import about_reports
    from app.retrieve import Retriever

    retriever = Retriever(three_report_store)
    knowledge = retriever.knowledge()
    ids = list(knowledge.reports)
    q = about_reports(analyze(question), knowledge.reports.values())
    vector = retriever.query_vector(q)
    together = retriever.search(knowledge, q, vector, ids)
    assert {p.chunk.report for p in together} == set(ids)  # no report is crowded out by the others
    for report in ids:
        alone = retriever.search(knowledge, q, vector, [report])
        assert [(p.chunk.id, p.score) for p in together if p.chunk.report == report] == \
            [(p.chunk.id, p.score) for p in alone]
    assert [p.score for p in together] == sorted((p.score for p in together), reverse=True)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_reports_sentences_score_alike_whatever_else_is_loaded(builtin_prepared, edu_prepared, health_prepared,
                                                                  question):
    from tests.app.conftest import knowledge_of

    alone = knowledge_of(builtin_prepared)
    crowded = knowledge_of(builtin_prepared, edu_prepared, health_prepared)
    report = builtin_prepared.info.id
    q = analyze(question)
    for knowledge in (alone, crowded):
        assert knowledge.lexical.search(q.text, 6, [report]) == alone.lexical.search(q.text, 6, [report])
    passages = bm25_passages(alone, q.text, [report])
    assert keys(crowded.best_sentences(q, passages, [report])) == keys(alone.best_sentences(q, passages, [report]))


@pytest.mark.parametrize("body, aliases, earlier", [
    ("惠州市惠城区市场监督管理局", "惠城区市场监督管理局|区市场监督管理局|本局", "惠城区市场监管局2025年收入多少？"),
    ("广州市天河区退役军人事务局", "天河区退役军人事务局|区退事局|本局", "天河区退役军人局去年支出多少？"),
])
def test_a_follow_up_goes_on_about_the_body_its_earlier_question_wrote_short(body, aliases, earlier):
    """The earlier question names the chosen report's body by a short form its profile lacks: that is the body (no
    topic word, no other body), bound from the chosen report alone."""
    from app.question import about_reports
    from ingest.report import ReportInfo

    info = ReportInfo(id="r", title="t", year=2025, source="r.txt", body=body, aliases=aliases)
    q = about_reports(analyze("比上年减少了多少？", [{"role": "user", "content": earlier}]), [info])
    assert q.bodies == ("r",) and not q.foreign
    assert "局" not in q.context  # the body's name left the words the follow-up is matched by


@pytest.mark.parametrize("body, question, topic", [
    ("梅州市梅江区应急管理局", "梅江区应急局用车费用为什么减少", "用车费用为什么减少"),
    ("广州市天河区市场监督管理局", "天河区市场监管局培训费是多少", "培训费是多少"),
])
def test_the_bodys_place_and_its_department_written_short_are_its_name_not_topic_words(body, question, topic):
    """"梅江区应急局": the body's own place, then its department written short; with another body of the same
    place loaded, the question is about this one, and none of its name is left to match passages by."""
    from app.question import about_reports
    from ingest.report import ReportInfo

    place = body[:body.index("区") + 1]
    info = ReportInfo(id="r", title="t", year=2024, source="r.txt", body=body, aliases="本局")
    other = ReportInfo(id="o", title="t", year=2024, source="o.txt", body=place + "司法局", aliases="司法局|本局")
    q = about_reports(analyze(question), [info, other])
    assert q.bodies == ("r",)
    assert q.text == topic
