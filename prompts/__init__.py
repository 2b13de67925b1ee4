"""Prompts are data: one text file per prompt in this folder, loaded and filled by `load_prompt`."""
from __future__ import annotations

import re
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent

# How a model says the report lacks the answer. Only the retry after a reply that failed its checks offers it: offered
# at once, the small local model gave it where the passages held the answer (and refused "无会议费支出" as "no
# information"). From the passages, a reply that says it is an abstention; in a rephrase, it is never served.
NO_ANSWER = "报告中没有找到相关信息。"

_NAME = re.compile(r"^[a-z0-9_]+$")


class PromptNotFound(LookupError):
    """No prompt file of that name exists in prompts/."""


class PromptVariableMissing(KeyError):
    """A {placeholder} in a prompt file was not given a value."""

    def __init__(self, prompt: str, variable: str) -> None:
        super().__init__(prompt, variable)
        self.prompt = prompt
        self.variable = variable

    def __str__(self) -> str:
        return f"prompt {self.prompt!r} needs variable {self.variable!r}"


class _Variables(dict):
    """The mapping given to str.format_map: a missing key becomes a named error."""

    def __init__(self, prompt: str, values: dict[str, object]) -> None:
        super().__init__(values)
        self._prompt = prompt

    def __missing__(self, key: str) -> object:
        raise PromptVariableMissing(self._prompt, key)


def prompt_names() -> list[str]:
    """Names of every prompt file in prompts/, sorted."""
    return sorted(p.stem for p in PROMPTS_DIR.glob("*.txt"))


def prompt_path(name: str) -> Path:
    """The file that holds prompt `name`; PromptNotFound if there is none."""
    path = PROMPTS_DIR / f"{name}.txt"
    if not _NAME.match(name) or not path.is_file():
        raise PromptNotFound(f"no prompt named {name!r} (known: {', '.join(prompt_names())})")
    return path


def load_prompt(name: str, **variables: object) -> str:
    """Read prompts/{name}.txt and fill its {placeholders}; literal braces are written {{ }} in the file."""
    template = prompt_path(name).read_text(encoding="utf-8")
    return template.format_map(_Variables(name, variables)).strip("\n")
