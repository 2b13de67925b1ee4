"""An English place word romanises the report's own names: 广州 for Guangzhou, 玉林 for Yulin, 禅城 for Chancheng."""
from __future__ import annotations

import pytest

from app.romanize import romanizes

LIWAN = ("2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告", "广州市荔湾区残疾人联合会", "区残联")
YULIN = ("成都市武侯区玉林街道办事处2021年度部门决算说明", "成都市武侯区玉林街道办事处")
CHANCHENG = ("佛山市禅城区民政局2023年度“三公”经费决算情况说明", "佛山市禅城区民政局")


@pytest.mark.parametrize(("word", "names", "expected"), [
    ("Guangzhou", LIWAN, True),
    ("Liwan", LIWAN, True),
    ("Shenzhen", LIWAN, False),
    ("Yulin", YULIN, True),
    ("Chengdu", YULIN, True),
    ("Wuhou", YULIN, True),
    ("Guangzhou", YULIN, False),
    ("Chancheng", CHANCHENG, True),
    ("Foshan", CHANCHENG, True),
    ("Nanhai", CHANCHENG, False),
    ("December", LIWAN, False),
    ("Li", LIWAN, False),  # one syllable names no place
])
def test_an_english_word_romanises_a_run_of_the_reports_names(word: str, names: tuple[str, ...],
                                                               expected: bool) -> None:
    assert romanizes(word, names) is expected
