"""Pure: whether an English word romanises a run of a report's own Chinese names ("Guangzhou" is 广州, "Yulin" is
玉林): a place the report is about, not another one. Hanyu Pinyin without tones, from pypinyin's dictionary."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
MIN_SYLLABLES = 2  # one syllable ("Li", "Wan") spells too many characters to name a place


@lru_cache(maxsize=1024)
def _syllables(run: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(s.lower() for s in lazy_pinyin(run))


def romanizes(word: str, names: Iterable[str]) -> bool:
    """Whether `word` is the pinyin of two or more consecutive characters of one of `names`."""
    target = re.sub(r"[^a-z]", "", word.lower())
    if len(target) < 4:
        return False
    for name in names:
        for run in _CJK_RUN.findall(name or ""):
            syllables = _syllables(run)
            for i in range(len(syllables)):
                spelled = ""
                for n, s in enumerate(syllables[i:], 1):
                    spelled += s
                    if spelled == target and n >= MIN_SYLLABLES:
                        return True
                    if len(spelled) >= len(target):
                        break
    return False
