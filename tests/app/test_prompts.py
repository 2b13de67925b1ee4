"""Prompt files load with their variables; a missing variable or an unknown prompt is a named error."""
from __future__ import annotations

import pytest

from prompts import NO_ANSWER, PromptNotFound, PromptVariableMissing, load_prompt, prompt_names

VARIABLES = {
    "answer_system": {},
    "answer_user": {"passages": "[1] 二、> 现有143名残疾人在托", "facts": "已核验数字：143名", "history": "",
                    "question": "现有多少名残疾人在托？"},
    "retry_user": {"problems": "- “423名”不是问题所问的数字", "facts": "143名。报告原文：“现有143名残疾人在托”。",
                   "question": "现有多少名残疾人在托？"},
    "passages_user": {"passages": "[1]（（三）主要工作成效）现有143名残疾人在托", "context": "之前的问题：在托多少人？\n",
                      "question": "其中精神类的呢？"},
    "passages_retry": {"problems": "- “423名”不是问题所问的数字", "question": "现有多少名残疾人在托？"},
}
# the first answer from the passages does not offer "no answer" either: the small model reached for it where the
# passages held the answer; the retry, after a reply that failed its checks, does
OFFERS_NO_ANSWER = {"passages_retry"}


def test_every_prompt_file_is_covered() -> None:
    assert prompt_names() == sorted(VARIABLES)


@pytest.mark.parametrize("name", sorted(VARIABLES))
def test_prompt_loads_and_fills_every_variable(name: str) -> None:
    text = load_prompt(name, **VARIABLES[name])
    assert text.strip()
    assert "{" not in text and "}" not in text  # no placeholder left behind
    for value in VARIABLES[name].values():
        assert value in text


@pytest.mark.parametrize("name", sorted(VARIABLES))
def test_only_the_retry_from_the_passages_invites_the_model_to_say_the_report_lacks_the_answer(name: str) -> None:
    assert (NO_ANSWER in load_prompt(name, **VARIABLES[name])) == (name in OFFERS_NO_ANSWER)


def test_the_passages_prompt_puts_the_question_after_the_passages_and_the_earlier_question() -> None:
    text = load_prompt("passages_user", **VARIABLES["passages_user"])
    assert text.index("其中精神类的呢？") > text.index("在托多少人？") > text.index("现有143名残疾人在托")


def test_every_answer_shares_one_system_prompt_with_no_variables() -> None:
    """llama.cpp reuses the evaluated prefix of the last prompt: the system prompt is fixed text, first in each call."""
    assert load_prompt("answer_system") == load_prompt("answer_system", question="ignored")


def test_retry_prompt_names_the_problems_the_verified_facts_and_the_question() -> None:
    text = load_prompt("retry_user", **VARIABLES["retry_user"])
    assert "423名" in text and "现有143名残疾人在托" in text and "现有多少名残疾人在托？" in text
    assert text.index("423名") < text.index("现有多少名残疾人在托？")  # the complaint comes before the question


def test_the_answer_prompt_puts_the_question_last() -> None:
    """The model reads the question last, right after the passages and the verified facts it must copy."""
    text = load_prompt("answer_user", **VARIABLES["answer_user"])
    assert text.index("现有多少名残疾人在托？") > text.index("已核验数字：143名") > text.index("现有143名残疾人在托")


@pytest.mark.parametrize("missing", ["passages", "facts", "history", "question"])
def test_missing_variable_is_named(missing: str) -> None:
    values = {k: v for k, v in VARIABLES["answer_user"].items() if k != missing}
    with pytest.raises(PromptVariableMissing) as info:
        load_prompt("answer_user", **values)
    assert info.value.variable == missing
    assert info.value.prompt == "answer_user"
    assert missing in str(info.value) and "answer_user" in str(info.value)
    assert isinstance(info.value, KeyError)


@pytest.mark.parametrize("name", ["no_such_prompt", "../app/settings", "answer_user.txt", ""])
def test_unknown_prompt_is_named_error(name: str) -> None:
    with pytest.raises(PromptNotFound):
        load_prompt(name)


def test_values_with_braces_are_inserted_verbatim() -> None:
    values = dict(VARIABLES["answer_user"], question="{question} 是什么？{0}")
    assert "{question} 是什么？{0}" in load_prompt("answer_user", **values)
