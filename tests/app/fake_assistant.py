"""A scripted stand-in for app.assistant.Assistant (same interface, canned answers from the bundled report's text),
`serve`, which runs an app with uvicorn on a free loopback port, and `builtin_report_settings`, a store holding the
real built-in report for the tests that run the real assistant.

The fast tests of the server and the UI test the serving layer, not the answers.
"""
from __future__ import annotations

import atexit
import contextlib
import functools
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from app.answer import EXTRACTIVE, Answer, Citation, NumberCheck
from app.errors import BusyError, KnowledgeBaseUnavailable, QuestionError, ReportNotFoundError
from app.settings import Settings
from ingest.figures import CHANGE, LEVEL, MONEY, PART, PEOPLE, PERCENT, Figure
from ingest.report import ReportInfo

REPORT_ID = "liwan-dpf-2023"
REPORT_TITLE = "2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告"
SECTION_CARE = "二、综合评价分析 > （三）主要工作成效"
SECTION_BUDGET = "一、基本情况 > （二）部门整体收支情况 > 1．收入支出与预算对比分析"
SECTION_INCOME = "一、基本情况 > （二）部门整体收支情况 > 2．收入支出结构分析"

CARE_SENTENCE = ("为有需要的困难重度残疾人提供寄宿托养资助，全年减少15人（死亡），新增11人，现有143名残疾人在托，"
                 "其中精神类51名、智力及重度残疾人92名，60岁以下117人、60岁以上26人，低保低收入家庭残疾人62人，"
                 "非低保低收入家庭残疾人81人。")
BUDGET_TOTAL_SENTENCE = "本年度年初预算数为2317.52万元，年终决算2700.38万元，预决算差异为382.86万元。"
BUDGET_SPLIT_SENTENCE = ("社会保障和就业支出年初预算2267.59万元，年终决算为2605.85万元；住房保障支出年初预算49.94万元，"
                         "年中决算为49.74万元；其他支出年初预算为0，年中决算为38.58万元。")
INCOME_SENTENCE = "2023年度，一般公共预算财政拨款收入2655.58万元，占总收入的98.57%，同比上年度减少461.02万元。"


# where each sentence sits in the (imaginary) cleaned report: figure spans are report offsets
_SENTENCE_OFFSETS = {BUDGET_TOTAL_SENTENCE: 1000, BUDGET_SPLIT_SENTENCE: 1100, INCOME_SENTENCE: 1300,
                     CARE_SENTENCE: 5000}


def _figure(text: str, unit: str, kind: str, phrase: str, clause: str, sentence: str, section: str,
            qualifier: str = LEVEL, report: str = REPORT_ID) -> Figure:
    start = _SENTENCE_OFFSETS.get(sentence, 0) + sentence.find(clause) + clause.find(text)
    return Figure(text=text, value=text, unit=unit, kind=kind, qualifier=qualifier, phrase=phrase, clause=clause,
                  sentence=sentence, section=section, report=report, start=start, end=start + len(text))


def bundled_figures(report: str = REPORT_ID) -> list[Figure]:
    """A handful of the bundled report's figures, as the real extractor would state them."""
    s = BUDGET_SPLIT_SENTENCE
    return [
        _figure("2317.52", "万元", MONEY, "本年度年初预算数", "本年度年初预算数为2317.52万元",
                BUDGET_TOTAL_SENTENCE, SECTION_BUDGET, report=report),
        _figure("2700.38", "万元", MONEY, "年终决算", "年终决算2700.38万元", BUDGET_TOTAL_SENTENCE, SECTION_BUDGET,
                report=report),
        _figure("382.86", "万元", MONEY, "预决算差异", "预决算差异为382.86万元", BUDGET_TOTAL_SENTENCE,
                SECTION_BUDGET, CHANGE, report=report),
        _figure("2267.59", "万元", MONEY, "社会保障和就业支出年初预算", "社会保障和就业支出年初预算2267.59万元", s,
                SECTION_BUDGET, report=report),
        _figure("2605.85", "万元", MONEY, "社会保障和就业支出年终决算", "年终决算为2605.85万元", s, SECTION_BUDGET,
                report=report),
        _figure("49.94", "万元", MONEY, "住房保障支出年初预算", "住房保障支出年初预算49.94万元", s, SECTION_BUDGET,
                report=report),
        _figure("49.74", "万元", MONEY, "住房保障支出年中决算", "年中决算为49.74万元", s, SECTION_BUDGET,
                report=report),
        _figure("2655.58", "万元", MONEY, "一般公共预算财政拨款收入", "一般公共预算财政拨款收入2655.58万元",
                INCOME_SENTENCE, SECTION_INCOME, report=report),
        _figure("98.57", "%", PERCENT, "一般公共预算财政拨款收入占总收入", "占总收入的98.57%", INCOME_SENTENCE,
                SECTION_INCOME, report=report),
        _figure("143", "名", PEOPLE, "在托残疾人", "现有143名残疾人在托", CARE_SENTENCE, SECTION_CARE,
                report=report),
        _figure("51", "名", PEOPLE, "在托精神类残疾人", "其中精神类51名", CARE_SENTENCE, SECTION_CARE, PART,
                report=report),
    ]


class FakeAssistant:
    """Answers a few questions about the bundled report from canned text; records what it was asked."""

    def __init__(self, settings: Settings, *, reports: int = 1, mode: str = EXTRACTIVE, store_error: str = "",
                 stream_delay_s: float = 0.0) -> None:
        self.settings = settings
        self.mode = mode
        self.store_error = store_error  # set: every question raises KnowledgeBaseUnavailable
        self.stream_delay_s = stream_delay_s
        self._reports = [ReportInfo(id=REPORT_ID, title=REPORT_TITLE, year=2023, source=f"{REPORT_ID}.txt",
                                    chunks=80, figures=len(bundled_figures()))]
        for n in range(2, reports + 1):
            self._reports.append(ReportInfo(id=f"other-report-{n}", title=f"另一份报告{n}", year=2022,
                                            source=f"other-{n}.txt"))
        self.calls: list[dict] = []
        self._lock = threading.Lock()

    # --- the Assistant interface ---
    def ask(self, question: str, history: list[dict] | None = None, report: str | None = None,
            mode: str | None = None) -> Answer:
        """Answer one question (the last item of stream)."""
        *_, final = self.stream(question, history, report, mode)
        return final

    def stream(self, question: str, history: list[dict] | None = None, report: str | None = None,
               mode: str | None = None) -> Iterator[str | Answer]:
        """Yield growing partial text (LLM modes) and last the final Answer."""
        started = time.perf_counter()
        with self._lock:
            self.calls.append({"question": question, "history": list(history or []), "report": report,
                               "mode": mode})
        mode = mode or self.mode
        report_id = self._check(question, report)
        if "busy" in question:
            raise BusyError("本地模型繁忙，请稍后再试")
        answer = self._compose(question.strip(), history or [], report_id)
        answer.mode = mode
        if mode != EXTRACTIVE:
            for end in range(2, len(answer.answer) + 1, 3):
                if self.stream_delay_s:
                    time.sleep(self.stream_delay_s)
                yield answer.answer[:end]
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def figures(self, report: str | None = None, query: str = "") -> list[Figure]:
        """Figures of one report, filtered by a substring of value, phrase, sentence or section."""
        report_id = self._report_id(report)
        figures = bundled_figures(report_id)
        q = query.strip()
        if q:
            figures = [f for f in figures if q in f.display or q in f.phrase or q in f.sentence or q in f.section]
        return figures

    def reports(self) -> list[ReportInfo]:
        """The ingested reports."""
        return list(self._reports)

    def health(self) -> dict:
        """Readiness of the store and the model."""
        return {"ready": not self.store_error, "store": self.store_error or "ok", "mode": self.mode,
                "reports": len(self._reports)}

    # --- scripted behaviour ---
    def _report_id(self, report: str | None) -> str:
        if not report:
            return REPORT_ID
        if report not in {r.id for r in self._reports}:
            raise ReportNotFoundError(f"没有名为 {report} 的报告")
        return report

    def _check(self, question: str, report: str | None) -> str:
        if not isinstance(question, str) or not question.strip():
            raise QuestionError("问题不能为空")
        if len(question) > 500:
            raise QuestionError("问题太长（最多 500 字）")
        report_id = self._report_id(report)
        if self.store_error:
            raise KnowledgeBaseUnavailable("知识库暂不可用，请稍后再试")
        return report_id

    def _compose(self, question: str, history: list[dict], report_id: str) -> Answer:
        earlier = " ".join(h["content"] for h in history if h.get("role") == "user")
        if "精神类" in question and ("在托" in question or "在托" in earlier):
            return self._cited(question, "其中精神类在托残疾人51名。", CARE_SENTENCE, SECTION_CARE, "51名", "51",
                               report_id)
        if "在托" in question:
            return self._cited(question, "现有143名残疾人在托。", CARE_SENTENCE, SECTION_CARE, "143名", "143",
                               report_id)
        if "income" in question.lower() or "收入" in question:
            return self._cited(question, "2023年本部门收入2700.38万元。", BUDGET_TOTAL_SENTENCE, SECTION_BUDGET,
                               "2700.38万元", "2700.38", report_id)
        return Answer(question=question, answer="报告中没有找到这个问题的答案。本报告涵盖部门职能、收支与预算、绩效目标、"
                      "重点工作完成情况、存在问题和改进措施。", abstained=True, report=report_id)

    @staticmethod
    def _cited(question: str, text: str, sentence: str, section: str, highlight: str, number: str,
               report_id: str) -> Answer:
        return Answer(question=question, answer=text, abstained=False,
                      citations=[Citation(text=sentence, section=section, report=report_id, highlights=(highlight,))],
                      numbers=[NumberCheck(text=number, verified=True, figure=highlight, source=sentence)],
                      report=report_id)


def fake_factory(*, delay_s: float = 0.0, fail_times: int = 0, **kwargs) -> Callable[[Settings], FakeAssistant]:
    """An assistant_factory for create_app: waits delay_s (a slow model load), fails fail_times times first."""
    state = {"failures": 0, "built": None}

    def build(settings: Settings) -> FakeAssistant:
        time.sleep(delay_s)
        if state["failures"] < fail_times:
            state["failures"] += 1
            raise KnowledgeBaseUnavailable("Chroma 服务器无法连接")
        state["built"] = FakeAssistant(settings, **kwargs)
        return state["built"]

    build.state = state  # type: ignore[attr-defined]
    return build


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(app, root_path: str = "") -> Iterator[str]:
    """Run `app` with uvicorn in a thread on a free loopback port; yield its base URL; stop it afterwards."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           root_path=root_path, timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@functools.cache
def builtin_report_settings() -> Settings:
    """Settings whose Chroma folder holds the built-in report(s), ingested once per test process (real embeddings)."""
    from ingest.__main__ import builtin_reports, open_store
    from ingest.pipeline import ingest_file

    data_dir = Path(tempfile.mkdtemp(prefix="app-tests-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir)
    store = open_store(settings)
    for path in builtin_reports():
        ingest_file(path, store, None, settings.chunk_size, settings.chunk_overlap)
    return settings
