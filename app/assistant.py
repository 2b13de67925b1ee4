"""The assistant: question -> retrieve -> look up figures -> compose -> verify -> Answer.

One object wires the store, the embedding model and (in LLM modes) the chat model, all built from one
Settings by `build_assistant`. The UI, the API and the CLI only call `ask`, `stream`, `figures`, `reports`.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from app.answer import EXTRACTIVE, Answer, Citation, NumberCheck
from app.compose import Draft, extractive_answer
from app.errors import BusyError, KnowledgeBaseUnavailable, LLMUnavailable, QuestionError, ReportNotFoundError
from app.question import DERIVED, FIGURE, Question, about_reports, analyze, narrow_to_named
from app.retrieve import Knowledge, Passage, Retriever, normalize_similarity
from app.settings import Settings
from app.verify import verify_numbers
from app.verify_llm import OFF_QUESTION, Focus, missing_figures, shown_prefix, verify_llm_answer
from ingest.figures import Figure
from ingest.report import ReportInfo

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
FALLBACK_NOTICE = "语言模型暂不可用，以下为报告原文摘录的回答。"
UNVERIFIED_NOTICE = "语言模型的回答含有无法核验的数字，已改用报告原文摘录的回答。"
MIN_RETRY_SHARE = 0.2  # with less of the LLM time budget left, an unverified reply falls back at once
LLM_PASSAGES = 1  # passages beside the evidence given to the LLM (prompt reading is most of its time on 2 cores)
_NO_ANSWER_REPLY = re.compile(r"没有找到相关信息|not (?:provided|mentioned|stated|found)|does not (?:contain|mention)|"
                              r"no information", re.I)
UPDATING_MESSAGE = "知识库正在更新，请稍后再试"
SWAP_RETRIES = 3  # a question answered again this many times while reports keep being replaced gets a 503


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


class Assistant:
    """Answers questions about the ingested reports."""

    def __init__(self, settings: Settings, store, chat_models: dict | None = None, gate=None):
        self.settings = settings
        self.store = store
        self.retriever = Retriever(store)
        self.chat_models = chat_models or {}  # mode -> chat model, built lazily for LLM modes
        self.gate = gate
        self.events: Counter[str] = Counter()  # llm_retry, llm_fallback_unverified, llm_unavailable ...
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
        # a question about the report's own arithmetic is answered from its figures audit (app/audit.py, by adm)
        from app.audit import audit_answer, audit_of

        knowledge = self._knowledge()
        audited = audit_answer(text, self._report_ids(knowledge, report),
                               {r: info.title for r, info in knowledge.reports.items()},
                               lambda report_id: audit_of(self.store, report_id))
        if audited is not None:
            audited.latency_ms = (time.perf_counter() - started) * 1000
            yield audited
            return
        q = analyze(text, _clean_history(history))
        knowledge, report_ids, draft, passages = self._extractive_from_one_version(q, report)
        answer = self._finish(q, draft, EXTRACTIVE, report_ids)
        if mode != EXTRACTIVE and not draft.abstained:
            for item in self._llm(q, draft, passages, knowledge, mode, history, report_ids):
                if isinstance(item, Answer):
                    answer = item
                else:
                    yield item
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    # -- steps ----------------------------------------------------------------------------------------
    def _extractive_from_one_version(self, q: Question, report: str | None
                                     ) -> tuple[Knowledge, list[str], Draft, list[Passage]]:
        """The extractive draft, all read from one version of the store: done again if a re-ingest swapped meanwhile.

        The lexical index and the figures table are a snapshot, the dense searches read the store live; a swap
        between the two would mix the old report with the new one, so the answer stands only if the store's
        version did not change while it was worked out.
        """
        from vectorstore.store import StoreUnavailable

        for _ in range(SWAP_RETRIES):
            knowledge = self._knowledge()
            report_ids = self._report_ids(knowledge, report)
            draft, passages = self._extractive(q, knowledge, report_ids)
            try:
                if self.store.version() == knowledge.version:
                    return knowledge, report_ids, draft, passages
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

    def _extractive(self, q: Question, knowledge: Knowledge, report_ids: list[str]) -> tuple[Draft, list[Passage]]:
        from vectorstore.store import StoreUnavailable

        if not report_ids:
            return Draft("知识库中还没有报告，请先导入报告（python -m ingest）。", (), True, "no reports"), []
        # the question bound to the loaded reports' profiles: a body named narrows to its report
        q, report_ids = narrow_to_named(about_reports(q, knowledge.reports.values()), report_ids)
        try:
            vector = self.store.embed_query(q.text if not q.context else f"{q.context} {q.text}")
            passages = self.retriever.search(knowledge, q, vector, report_ids)
            # only figure questions use the figures' vectors: a text question spares one search per report
            dense_figures = (self.store.search_figures_by_vector(vector, 30, report_ids)
                             if q.intent in (FIGURE, DERIVED) else [])
        except StoreUnavailable as exc:
            raise KnowledgeBaseUnavailable(f"知识库暂不可用：{exc}") from exc
        dense = {f.id: normalize_similarity(s) for f, s in dense_figures}
        return extractive_answer(q, knowledge, report_ids, passages, dense), passages

    def _finish(self, q: Question, draft: Draft, mode: str, report_ids: list[str], notice: str = "") -> Answer:
        numbers = [] if draft.abstained else verify_numbers(draft.text, draft.citations, q.original)
        return Answer(question=q.original, answer=draft.text, abstained=draft.abstained,
                      citations=list(draft.citations), numbers=numbers, mode=mode, notice=notice,
                      report=report_ids[0] if len(report_ids) == 1 else "")

    def _llm(self, q: Question, draft: Draft, passages: list[Passage], knowledge: Knowledge, mode: str,
             history: list[dict] | None, report_ids: list[str]) -> Iterator[str | Answer]:
        """Ask the LLM; verify; retry once naming each problem; else fall back to the extractive answer.

        The streamed text stops short of any number not (yet) verified, so an unverified figure is never shown.
        """
        from app.llm import LLMGate, LLMTimeout, build_chat_model, invoke_with_timeout, stream_with_timeout
        from prompts import load_prompt

        citations = _llm_citations(q, draft, passages)
        computed = tuple(n.source.removeprefix("computed: ") for n in verify_numbers(draft.text, draft.citations)
                         if n.verified and n.source.startswith("computed: "))
        focus = Focus(draft.citations, q.terms, q.original, figure_question=q.intent == FIGURE, computed=computed)
        facts = draft.text
        messages = [("system", load_prompt("answer_system")),
                    ("human", load_prompt("answer_user", passages=_passages_text(citations), facts=facts,
                                          history=_history_text(history), question=q.original))]
        try:
            model = self._chat_model(mode, build_chat_model)
            if self.gate is None:
                self.gate = LLMGate.from_settings(self.settings)
            with self.gate.slot():
                deadline = time.monotonic() + self.settings.llm_timeout_s  # one budget for the reply and its retry
                text, shown = "", ""
                for piece in stream_with_timeout(model, messages, self.settings.llm_timeout_s):
                    text += piece
                    safe = shown_prefix(text, citations, focus)
                    if len(safe) > len(shown):
                        shown = safe
                        yield shown
                answer, problems = self._checked_llm_answer(q, text, citations, mode, report_ids, focus)
                if answer is None and deadline - time.monotonic() >= MIN_RETRY_SHARE * self.settings.llm_timeout_s:
                    self.events["llm_retry"] += 1
                    retry = messages + [("ai", text), ("human", load_prompt(
                        "retry_user", problems="\n".join(f"- {p}" for p in problems), facts=facts,
                        question=q.original))]
                    text = invoke_with_timeout(model, retry, deadline - time.monotonic())
                    answer, problems = self._checked_llm_answer(q, text, citations, mode, report_ids, focus)
            if answer is None:
                self.events["llm_fallback_unverified"] += 1
                log.info("llm answer not verified after a retry (%s), answering extractively", "; ".join(problems))
                yield self._finish(q, draft, EXTRACTIVE, report_ids, UNVERIFIED_NOTICE)
                return
            yield answer
        except BusyError:
            raise
        except LLMUnavailable as exc:
            self.events["llm_unavailable"] += 1
            if isinstance(exc, LLMTimeout):
                self.events["llm_timeout"] += 1
            log.warning("llm unavailable, answering extractively: %s", exc)
            yield self._finish(q, draft, EXTRACTIVE, report_ids, FALLBACK_NOTICE)

    def _checked_llm_answer(self, q: Question, text: str, citations: list[Citation], mode: str,
                            report_ids: list[str], focus: Focus) -> tuple[Answer | None, list[str]]:
        """The LLM's reply as an Answer when every number is verified and tied to the question; else its problems."""
        text = text.strip()
        if text.startswith(q.original) and len(text) > len(q.original):
            text = text[len(q.original):].lstrip()  # the small model sometimes repeats the question first
        if not text or _NO_ANSWER_REPLY.search(text):
            # the extractive step found evidence; a model that says otherwise is not trusted
            return None, ["报告中有答案（见已核验的要点），不要回答“没有找到”。"]
        numbers = verify_llm_answer(text, citations, focus)
        problems = [_number_problem(n) for n in numbers if not n.verified]
        problems += [f"没有给出所问的数字“{m}”。" for m in missing_figures(text, focus)]
        if problems:
            return None, problems
        # the evidence the answer rests on, then any other passage one of its numbers came from
        cited = list(focus.evidence) + [c for c in citations if c not in focus.evidence
                                        and any(n.source == c.text for n in numbers)]
        cited = cited or citations[:1]
        return Answer(question=q.original, answer=text[:600], abstained=False, citations=cited, numbers=numbers,
                      mode=mode, report=report_ids[0] if len(report_ids) == 1 else ""), []

    def warm_up(self) -> None:
        """Load the configured LLM now, so that the first question does not wait for it; a model that fails to load
        is logged and left to the answer path, which falls back to the extractive answer with a notice."""
        if self.settings.answer_mode == EXTRACTIVE:
            return
        from app.llm import build_chat_model

        try:
            self._chat_model(self.settings.answer_mode, build_chat_model)
        except LLMUnavailable as exc:
            log.warning("LLM not loaded at start-up (answers fall back to extractive): %s", exc)

    def _chat_model(self, mode: str, build):
        with self._model_lock:
            if mode not in self.chat_models:
                self.chat_models[mode] = build(self.settings, mode)
            return self.chat_models[mode]


def _llm_citations(q: Question, draft: Draft, passages: list[Passage]) -> list[Citation]:
    """What the LLM is shown: the evidence; for a question about text, also the best passages around it."""
    citations = list(draft.citations)
    if q.intent in (FIGURE, DERIVED):
        return citations  # the looked-up figures' sentences hold the answer; more text only costs time
    for p in passages:
        if len(citations) >= len(draft.citations) + LLM_PASSAGES:
            break
        if not any(c.text in p.chunk.text or p.chunk.text in c.text for c in citations):
            citations.append(Citation(p.chunk.text, p.chunk.section, p.chunk.report))
    return citations


def _passages_text(citations: list[Citation]) -> str:
    return "\n".join(f"[{i + 1}]（{c.section.split(' > ')[-1]}）{c.text}" for i, c in enumerate(citations))


def _history_text(history: list[dict] | None) -> str:
    turns = _clean_history(history)[-4:]
    return "\n".join(f"{'用户' if t['role'] == 'user' else '助手'}：{t['content'][:120]}" for t in turns) or "（无）"


def _number_problem(n: NumberCheck) -> str:
    """What the retry tells the model about one number it may not write."""
    if n.reason == OFF_QUESTION:
        return f"“{n.text}”不是问题所问的数字（它出自讲别的事情的句子），删掉它。"
    return f"“{n.text}”在报告原文中找不到，不要自己计算或改写数字。"


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
