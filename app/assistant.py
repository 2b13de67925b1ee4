"""The assistant: question -> retrieve -> look up figures -> compose -> verify -> Answer.

One object wires the store, the embedding model and (in LLM modes) the chat model, all built from one
Settings by `build_assistant`. The UI, the API and the CLI only call `ask`, `stream`, `figures`, `reports`.

In an LLM mode the model is asked only where it can add something: when the extractive step abstains without being
sure (`Draft.sure` False: no figure names what was asked, the evidence was weak) it answers from the retrieved
passages (`app.llm_answer`), every number verified and tied to the question; failing that, the extractive step's
honest "not stated" stands. A sure extractive answer, and a value the extractive step computed (unsure, since the
report does not state it, but shown with its operands), are served as they are: a rephrase by the model added
seconds and no accuracy on the dev set (`bench/latency.py` measures both; `rephrase=True` brings it back).

Where the model's time goes (bench/latency.py prints it): reading the prompt, writing the reply, and the retry after
a reply that failed its checks. The fixed system prompt is read once at start-up (`app.llm.prime`; llama.cpp reuses
the evaluated prefix), a reply that can no longer be served, or a figure reply already complete (a sentence per
ask), is stopped where that shows, and the retry runs only
within RETRY_BUDGET_S: by measurement it almost never turned a failed reply into a served one.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

from app.answer import EXTRACTIVE, Answer, Citation
from app.compose import Draft, extractive_answer
from app.errors import BusyError, KnowledgeBaseUnavailable, LLMUnavailable, QuestionError, ReportNotFoundError
from app.llm_answer import (MIN_FOLLOWING, Checked, check_rephrase, check_reply, following, may_answer,
                            passage_focus, passages_text, reply_doomed, reply_done, reply_tokens, select_passages,
                            with_report)
from app.question import DERIVED, FIGURE, Question, about_reports, analyze, narrow_to_named
from app.retrieve import Knowledge, Passage, Retriever, normalize_similarity
from app.settings import Settings
from app.verify import verify_numbers
from app.verify_llm import Focus, shown_prefix
from ingest.figures import Figure
from ingest.report import ReportInfo

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
FALLBACK_NOTICE = "语言模型暂不可用，以下为报告原文摘录的回答。"
UNVERIFIED_NOTICE = "语言模型的回答含有无法核验的数字，已改用报告原文摘录的回答。"
# Seconds of the model's time per question within which a failed reply is retried (p95 target 8 s end to end): the
# retry starts only while the first reply took at most half of it, and is given up when it runs out.
RETRY_BUDGET_S = 6.0
LLM_PASSAGES = 1  # passages beside the evidence a rephrasing LLM is given (prompt reading is most of its time)
UPDATING_MESSAGE = "知识库正在更新，请稍后再试"
SWAP_RETRIES = 3  # a question answered again this many times while reports keep being replaced gets a 503


@dataclass
class LLMTiming:
    """Where one consultation of the model spent its time (seconds; 0 where a step did not happen)."""

    first_s: float = 0.0  # until the first piece of the reply: mostly reading the prompt
    reply_s: float = 0.0  # the whole first reply (reading + writing)
    retry_s: float = 0.0  # the retry after a reply that failed its checks

    @property
    def writing_s(self) -> float:
        return max(self.reply_s - self.first_s, 0.0)


def retry_time_left(first_reply_s: float, retry_budget_s: float, timeout_s: float) -> float:
    """Seconds a retry may take after a first reply of first_reply_s; 0 = no retry. A retry reads only the problems
    (the prompt before them is still in the model's cache) and writes at most as much as the first reply may, so it
    is started only while the first reply took at most half of the budget, and gets what is left of it (never
    more than what is left of the call's timeout)."""
    if first_reply_s > retry_budget_s / 2:
        return 0.0
    return max(min(retry_budget_s, timeout_s) - first_reply_s, 0.0)


def check_question(question: object) -> str:
    """A question fit to answer, or QuestionError with one line saying why not."""
    if not isinstance(question, str):
        raise QuestionError("问题必须是文本。")
    text = "".join(ch for ch in question if ch in "\n\t" or (ch >= " " and ch != "\x7f")).strip()
    if not text:
        raise QuestionError("问题不能为空。")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"问题太长（{len(text)} 字），请控制在 {MAX_QUESTION_CHARS} 字以内。")
    return text


@dataclass(frozen=True)
class Evidence:
    """What the extractive step worked from and made: an LLM answer reads the same passages, asked the same."""

    draft: Draft
    passages: list[Passage]
    question: Question  # bound to the loaded reports (a body named is no topic word)
    report_ids: list[str]  # the reports asked (a body named narrows them)
    dense: dict[str, float]  # figure id -> similarity to the question (figure questions)


class Assistant:
    """Answers questions about the ingested reports."""

    def __init__(self, settings: Settings, store, chat_models: dict | None = None, gate=None, rephrase: bool = False,
                 retry_budget_s: float = RETRY_BUDGET_S):
        self.settings = settings
        self.retry_budget_s = retry_budget_s
        self.rephrase = rephrase  # LLM modes: also have the model rephrase sure extractive answers
        self.store = store
        self.retriever = Retriever(store)
        self.chat_models = chat_models or {}  # mode -> chat model, built lazily for LLM modes
        self.gate = gate
        # llm_asked, llm_answered, llm_retry, llm_not_found, llm_fallback_unverified, llm_unavailable, llm_timeout
        self.events: Counter[str] = Counter()
        # one entry per model consultation: where its time went (bench/latency.py sums them up)
        self.timings: list[LLMTiming] = []
        self._model_lock = threading.Lock()

    # -- the public interface -------------------------------------------------------------------------
    def reports(self) -> list[ReportInfo]:
        """The ingested reports."""
        return list(self._knowledge().reports.values())

    def figures(self, report: str | None = None, query: str = "") -> list[Figure]:
        """The figures table (of one report, or all), optionally filtered by words of `query`."""
        knowledge = self._knowledge()
        report_ids = self._report_ids(knowledge, report)
        figures = [f for f in knowledge.figures if f.report in report_ids]
        query = (query or "").strip()
        if query:
            words = query.split()
            figures = [f for f in figures if all(w in f"{f.display} {f.phrase} {f.sentence} {f.section}"
                                                  for w in words)]
        return figures

    def health(self) -> dict:
        """Whether the store answers and how many reports it holds."""
        try:
            knowledge = self._knowledge()
            return {"ready": True, "store": "ok", "mode": self.settings.answer_mode,
                    "reports": len(knowledge.reports)}
        except KnowledgeBaseUnavailable as exc:
            return {"ready": False, "store": str(exc), "mode": self.settings.answer_mode, "reports": 0}

    def ask(self, question: str, history: list[dict] | None = None, report: str | None = None,
            mode: str | None = None) -> Answer:
        """Answer one question (with the conversation so far), in the configured or given mode."""
        final = None
        for item in self.stream(question, history, report, mode):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def stream(self, question: str, history: list[dict] | None = None, report: str | None = None,
               mode: str | None = None) -> Iterator[str | Answer]:
        """Yield the growing answer text (LLM modes), then the final, verified Answer."""
        started = time.perf_counter()
        text = check_question(question)
        mode = mode or self.settings.answer_mode
        # a question about the report's own arithmetic is answered from its figures audit (app/audit_answer.py)
        from app.audit_answer import audit_answer, audit_of

        knowledge = self._knowledge()
        audited = audit_answer(text, self._report_ids(knowledge, report),
                               {r: info.title for r, info in knowledge.reports.items()},
                               lambda report_id: audit_of(self.store, report_id))
        if audited is not None:
            audited.latency_ms = (time.perf_counter() - started) * 1000
            yield audited
            return
        q = analyze(text, _clean_history(history))
        knowledge, evidence = self._extractive_from_one_version(q, report)
        q, draft, report_ids = evidence.question, evidence.draft, evidence.report_ids
        answer = self._finish(q, draft, EXTRACTIVE, report_ids)
        steps: Iterator[str | Answer] = iter(())
        if mode != EXTRACTIVE and draft.abstained and not draft.sure and may_answer(q):
            steps = self._answer_from_passages(evidence, knowledge, mode)
        elif mode != EXTRACTIVE and self.rephrase and not draft.abstained:
            steps = self._rephrase(q, draft, evidence.passages, mode, history, report_ids)
        for item in steps:
            if isinstance(item, Answer):
                answer = item
            else:
                yield item
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    # -- steps ----------------------------------------------------------------------------------------
    def _extractive_from_one_version(self, q: Question, report: str | None) -> tuple[Knowledge, Evidence]:
        """The extractive draft, all read from one version of the store: done again if a re-ingest swapped meanwhile.

        The lexical index and the figures table are a snapshot, the dense searches read the store live; a swap
        between the two would mix the old report with the new one, so the answer stands only if the store's
        version did not change while it was worked out.
        """
        from vectorstore.store import StoreUnavailable

        for _ in range(SWAP_RETRIES):
            knowledge = self._knowledge()
            report_ids = self._report_ids(knowledge, report)
            evidence = self._extractive(q, knowledge, report_ids)
            try:
                if self.store.version() == knowledge.version:
                    return knowledge, evidence
            except StoreUnavailable as exc:
                raise KnowledgeBaseUnavailable(f"知识库暂不可用：{exc}") from exc
            log.info("a report was replaced while answering: answering again from the new version")
        raise KnowledgeBaseUnavailable(UPDATING_MESSAGE)

    def _knowledge(self) -> Knowledge:
        from vectorstore.store import StoreUnavailable

        try:
            return self.retriever.knowledge()
        except StoreUnavailable as exc:
            raise KnowledgeBaseUnavailable(f"知识库暂不可用：{exc}") from exc

    def _report_ids(self, knowledge: Knowledge, report: str | None) -> list[str]:
        if report:
            if report not in knowledge.reports:
                raise ReportNotFoundError(f"没有名为 {report} 的报告。")
            return [report]
        return list(knowledge.reports)

    def _extractive(self, q: Question, knowledge: Knowledge, report_ids: list[str]) -> Evidence:
        """The extractive draft and what it was made from (one retrieval per question, shared with an LLM answer)."""
        from vectorstore.store import StoreUnavailable

        if not report_ids:
            return Evidence(Draft("知识库中还没有报告，请先导入报告（python -m ingest）。", (), True, "no reports"), [], q,
                            [], {})
        # the question bound to the asked reports' profiles (all loaded ones when none is chosen): a body named narrows
        # to its report; a chosen report's answer never depends on which other reports happen to be loaded
        asked = [knowledge.reports[r] for r in report_ids if r in knowledge.reports]
        q, report_ids = narrow_to_named(about_reports(q, asked), report_ids)
        try:
            vector = self.retriever.query_vector(q)
            passages = self.retriever.search(knowledge, q, vector, report_ids)
            # only figure questions use the figures' vectors: a text question spares one search per report
            dense_figures = (self.store.search_figures_by_vector(vector, 30, report_ids, per_report=len(report_ids) > 1)
                             if q.intent in (FIGURE, DERIVED) else [])
        except StoreUnavailable as exc:
            raise KnowledgeBaseUnavailable(f"知识库暂不可用：{exc}") from exc
        dense = {f.id: normalize_similarity(s) for f, s in dense_figures}
        return Evidence(extractive_answer(q, knowledge, report_ids, passages, dense), passages, q, list(report_ids),
                        dense)

    def _finish(self, q: Question, draft: Draft, mode: str, report_ids: list[str], notice: str = "") -> Answer:
        numbers = [] if draft.abstained else verify_numbers(draft.text, draft.citations, q.original)
        return Answer(question=q.original, answer=draft.text, abstained=draft.abstained,
                      citations=list(draft.citations), numbers=numbers, mode=mode, notice=notice,
                      report=report_ids[0] if len(report_ids) == 1 else "")

    # -- the model ------------------------------------------------------------------------------------
    def _answer_from_passages(self, evidence: Evidence, knowledge: Knowledge, mode: str) -> Iterator[str | Answer]:
        """The extractive step abstained unsure: the model answers from the passages, every number verified and tied
        to the question; a reply that fails (after one retry naming each problem) or says the report does not hold
        the answer leaves the extractive step's not-stated answer, never an unverified figure."""
        from prompts import load_prompt

        q, draft, report_ids = evidence.question, evidence.draft, evidence.report_ids
        shown = select_passages(q, draft, evidence.passages, knowledge, report_ids)
        if not shown:
            yield self._finish(q, draft, EXTRACTIVE, report_ids)
            return
        titles = {r: knowledge.reports[r].title for r in report_ids if r in knowledge.reports} \
            if len(report_ids) > 1 else {}
        focus = passage_focus(q, knowledge, report_ids, evidence.passages, evidence.dense)
        sources = [c.text for c in shown]
        messages = [("system", load_prompt("answer_system")),
                    ("human", load_prompt("passages_user", passages=passages_text(shown, titles),
                                          context=f"之前的问题：{q.context}\n" if q.context else "",
                                          question=q.original))]

        def retry(checked: Checked) -> str:
            return load_prompt("passages_retry", problems="\n".join(f"- {p}" for p in checked.problems),
                               question=q.original)

        def showable(partial: str) -> str:
            # no number not verified and tied, and no words of the model's own (a name it made up), even for a moment
            safe = shown_prefix(partial, shown, focus)
            return safe if following(safe, sources, q.original) >= MIN_FOLLOWING else ""

        try:
            checked = yield from self._consult(mode, messages, lambda text: check_reply(text, q, shown, focus), retry,
                                               reply_tokens(q), showable,
                                               lambda partial: reply_done(partial, q)
                                               or reply_doomed(partial, q, shown, focus))
        except BusyError:
            raise
        except LLMUnavailable as exc:
            yield self._model_unavailable(q, draft, report_ids, exc)
            return
        if checked.servable:
            self.events["llm_answered"] += 1
            text = with_report(checked.text, checked.citations, titles, q.language == "en")
            yield Answer(question=q.original, answer=text, abstained=False, citations=list(checked.citations),
                         numbers=list(checked.numbers), mode=mode,
                         report=report_ids[0] if len(report_ids) == 1 else _one_report(checked.citations))
            return
        self.events["llm_not_found" if checked.not_found else "llm_fallback_unverified"] += 1
        log.info("llm answer from the passages not served (%s): answering that the report does not state it",
                 "the model found no answer" if checked.not_found else "; ".join(checked.problems))
        yield self._finish(q, draft, EXTRACTIVE, report_ids)  # the extractive step's honest "not stated"

    def _rephrase(self, q: Question, draft: Draft, passages: list[Passage], mode: str, history: list[dict] | None,
                  report_ids: list[str]) -> Iterator[str | Answer]:
        """The extractive answer is sure: the model says it in its own sentence (only with `rephrase` on; by
        measurement it adds seconds and no accuracy). Unverified after one retry -> the extractive answer."""
        from prompts import load_prompt

        shown = _rephrase_citations(q, draft, passages)
        computed = tuple(n.source.removeprefix("computed: ") for n in verify_numbers(draft.text, draft.citations)
                         if n.verified and n.source.startswith("computed: "))
        focus = Focus(draft.citations, q.terms, q.original, figure_question=q.intent == FIGURE, computed=computed)
        messages = [("system", load_prompt("answer_system")),
                    ("human", load_prompt("answer_user", passages=passages_text(shown, {}), facts=draft.text,
                                          history=_history_text(history), question=q.original))]

        def retry(checked: Checked) -> str:
            return load_prompt("retry_user", problems="\n".join(f"- {p}" for p in checked.problems),
                               facts=draft.text, question=q.original)

        try:
            checked = yield from self._consult(mode, messages, lambda text: check_rephrase(text, q, shown, focus),
                                               retry, self.settings.llm_max_tokens,
                                               lambda partial: shown_prefix(partial, shown, focus))
        except BusyError:
            raise
        except LLMUnavailable as exc:
            yield self._model_unavailable(q, draft, report_ids, exc)
            return
        if not checked.servable:
            self.events["llm_fallback_unverified"] += 1
            log.info("llm answer not verified after a retry (%s), answering extractively", "; ".join(checked.problems))
            yield self._finish(q, draft, EXTRACTIVE, report_ids, UNVERIFIED_NOTICE)
            return
        self.events["llm_answered"] += 1
        yield Answer(question=q.original, answer=checked.text, abstained=False, citations=list(checked.citations),
                     numbers=list(checked.numbers), mode=mode, report=report_ids[0] if len(report_ids) == 1 else "")

    def _consult(self, mode: str, messages: list, check: Callable[[str], Checked], retry: Callable[[Checked], str],
                 max_tokens: int, showable: Callable[[str], str],
                 doomed: Callable[[str], bool] | None = None) -> Generator[str, None, Checked]:
        """Stream the model's reply (as far as `showable` allows), check it, and retry once naming each problem;
        returns the last check. LLMUnavailable on failure or timeout of the first reply (LLM_TIMEOUT_S).

        A reply that `doomed` finds can no longer be served (it says the report lacks the answer, or holds a
        number that fails its check) is stopped there: writing the rest only costs time. The retry is started only
        while the first reply took at most half of `retry_budget_s` (it reads only the problems, the rest of the
        prompt is still in the model's cache) and is given up at that budget: the honest answer then stands.
        """
        from app.llm import LLMGate, LLMTimeout, build_chat_model

        model = self._chat_model(mode, build_chat_model)
        if self.gate is None:
            self.gate = LLMGate.from_settings(self.settings)
        budget = self.settings.llm_timeout_s
        with self.gate.slot():
            self.events["llm_asked"] += 1
            started = time.monotonic()
            timing = LLMTiming()
            self.timings.append(timing)
            text, shown = "", ""
            for piece in self._reply(model, messages, budget, max_tokens, doomed):
                if not timing.first_s and piece:
                    timing.first_s = time.monotonic() - started  # ~ reading the prompt
                text += piece
                safe = showable(text)
                if len(safe) > len(shown) and safe.startswith(shown):
                    shown = safe
                    yield shown
            timing.reply_s = time.monotonic() - started
            checked = check(text)
            log.debug("llm reply %r -> %s", text, checked.problems or ("not found" if checked.not_found else "ok"))
            if not checked.problems:
                return checked
            left = retry_time_left(timing.reply_s, self.retry_budget_s, budget)
            if left <= 0:
                self.events["llm_retry_skipped"] += 1
                return checked
            self.events["llm_retry"] += 1
            again = messages + [("ai", text), ("human", retry(checked))]
            retried = time.monotonic()
            try:
                text = "".join(self._reply(model, again, left, max_tokens, doomed))
            except LLMTimeout:
                self.events["llm_retry_timeout"] += 1
                log.info("llm retry gave up after %.1f s: the first reply's check stands", left)
                return checked
            finally:
                timing.retry_s = time.monotonic() - retried
            retried_check = check(text)
            log.debug("llm retry %r -> %s", text,
                      retried_check.problems or ("not found" if retried_check.not_found else "ok"))
            if retried_check.servable:
                self.events["llm_retry_served"] += 1
        return retried_check

    @staticmethod
    def _reply(model, messages: list, timeout_s: float, max_tokens: int,
               doomed: Callable[[str], bool] | None) -> Iterator[str]:
        """The reply's pieces (within timeout_s), stopped as soon as `doomed` says it can no longer be served."""
        from app.llm import stream_with_timeout

        pieces = stream_with_timeout(model, messages, timeout_s, max_tokens=max_tokens)
        text = ""
        try:
            for piece in pieces:
                text += piece
                yield piece
                if doomed is not None and doomed(text):
                    log.debug("llm reply stopped (complete, or it cannot be served): %r", text)
                    return
        finally:
            pieces.close()  # stops llama.cpp between tokens

    def _model_unavailable(self, q: Question, draft: Draft, report_ids: list[str], exc: LLMUnavailable) -> Answer:
        from app.llm import LLMTimeout

        self.events["llm_unavailable"] += 1
        if isinstance(exc, LLMTimeout):
            self.events["llm_timeout"] += 1
        log.warning("llm unavailable, answering extractively: %s", exc)
        return self._finish(q, draft, EXTRACTIVE, report_ids, FALLBACK_NOTICE)

    def warm_up(self) -> None:
        """Load the configured LLM now, so that the first question does not wait for it; a model that fails to load
        is logged and left to the answer path, which falls back to the extractive answer with a notice."""
        if self.settings.answer_mode == EXTRACTIVE:
            return
        from app.llm import build_chat_model

        try:
            model = self._chat_model(self.settings.answer_mode, build_chat_model)
        except LLMUnavailable as exc:
            log.warning("LLM not loaded at start-up (answers fall back to extractive): %s", exc)
            return
        self.prime(model)

    def prime(self, model) -> None:
        """Have a local model read the fixed system prompt now (app.llm.prime): the first question then reads only
        its own passages. A failure here is only logged: the question pays for it, nothing else."""
        from app.llm import prime
        from prompts import load_prompt

        try:
            if prime(model, load_prompt("answer_system")):
                log.info("the local model has read the system prompt")
        except Exception as exc:  # noqa: BLE001 - llama.cpp raises several kinds; the answer path handles its own
            log.warning("could not prime the local model with the system prompt: %s", exc)

    def _chat_model(self, mode: str, build):
        with self._model_lock:
            if mode not in self.chat_models:
                self.chat_models[mode] = build(self.settings, mode)
            return self.chat_models[mode]


def _rephrase_citations(q: Question, draft: Draft, passages: list[Passage]) -> list[Citation]:
    """What a rephrasing model is shown: the evidence; for a question about text, also the best passage around it."""
    citations = list(draft.citations)
    if q.intent in (FIGURE, DERIVED):
        return citations  # the looked-up figures' sentences hold the answer; more text only costs time
    for p in passages:
        if len(citations) >= len(draft.citations) + LLM_PASSAGES:
            break
        if not any(c.text in p.chunk.text or p.chunk.text in c.text for c in citations):
            citations.append(Citation(p.chunk.text, p.chunk.section, p.chunk.report))
    return citations


def _one_report(citations: list[Citation]) -> str:
    reports = {c.report for c in citations}
    return reports.pop() if len(reports) == 1 else ""


def _history_text(history: list[dict] | None) -> str:
    turns = _clean_history(history)[-4:]
    return "\n".join(f"{'用户' if t['role'] == 'user' else '助手'}：{t['content'][:120]}" for t in turns) or "（无）"


def _clean_history(history: list[dict] | None) -> list[dict]:
    out = []
    for turn in history or []:
        if isinstance(turn, dict) and turn.get("role") in ("user", "assistant"):
            out.append({"role": turn["role"], "content": str(turn.get("content", ""))[:MAX_QUESTION_CHARS]})
    return out[-10:]


def build_assistant(settings: Settings) -> Assistant:
    """Build the store and models from settings, and warm the derived indexes."""
    from vectorstore.embeddings import build_embeddings
    from vectorstore.store import ReportStore, StoreUnavailable, open_client

    store = ReportStore(open_client(settings), build_embeddings(settings))
    assistant = Assistant(settings, store)
    try:
        assistant.retriever.knowledge()
    except StoreUnavailable as exc:
        log.warning("store not reachable at start-up: %s", exc)
    assistant.warm_up()
    return assistant
