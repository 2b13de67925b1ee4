"""Pure: what a table's structure says — header rows, label columns, column roles, total rows, caption and unit.

The readers (ingest/load.py) give a table as cells on a grid; `structure_tables` reads each one the way a person
does, by general cues rather than by the words of one report:
- **header rows**: the leading rows that hold no figure, extended down while a header cell spans into the next row
  or a spanning header (指标值) has the columns it names below it (年度指标值 / 实际完成值); leading rows that are one
  cell across the table are title rows (the table's title, "单位：万元");
- **label columns**: the leading columns whose header is not a value's (COLUMN_ROLES) and whose cells are mostly
  words, not figures (一级指标 / 二级指标 / 三级指标, 项目); a group label written once for the rows below it
  (a vertical merge in a text table, or a merge cut by a page break) is carried down;
- **column roles** from the header vocabulary of the report genre (COLUMN_ROLES) — a column with no role word is
  still a value column when its cells are figures;
- **total rows**: rows whose label is a total (合计, 总计, 总分, 小计, …总额);
- **caption and unit**: the title line just above the table ("表1 部门整体支出绩效自评表", "单位：万元"), a title
  row, or the label column's header ("项目资金（万元）");
- **sections**: a header row inside a table (a 项目支出绩效自评表: the form, then 项目资金 with its 年初预算数 /
  全年预算数 …, the goals, then 一级指标 … 年度指标值 …) starts a table of its own (`split_sections`);
- **forms**: rows of label/value pairs (项目名称｜X｜主管部门｜Y) have no column headers; they are written as
  "项目名称：X，主管部门：Y".

`parse_text_tables` finds the tables of a plain-text report: tab-separated rows, rows separated by "|" or "｜",
Markdown pipe tables, and rows aligned in columns with spaces.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ingest.clean import normalize_characters
from ingest.document import TABLE, TEXT, Block, Table, TableCell, table_block, text_block
from ingest.numbers import ROLE_FIGURE, UNIT_KIND, find_numbers

# --- the vocabulary of column headers ------------------------------------------------------------------------------

LABEL = "label"  # names the row: 一级指标, 项目, 名称
INDEX = "index"  # a running number: 序号
TARGET = "target"  # the target an indicator is set: 年度指标值, 目标值
PLAN = "plan"  # what was budgeted: 年初预算数, 全年预算数
ACTUAL = "actual"  # what was achieved or spent: 实际完成值, 执行数, 决算数
POINTS = "points"  # the points an indicator can earn: 分值, 权重
SCORE = "score"  # the points it earned: 得分
RATE = "rate"  # a completion or execution rate: 执行率, 完成率
REASON = "reason"  # why it deviates, what is done about it: 偏差原因分析, 原因, 改进措施
NOTE = "note"  # 备注, 说明
UNIT = "unit"  # a unit column: 计量单位
VALUE = "value"  # a column of figures that no header word names
VALUE_ROLES = frozenset({TARGET, PLAN, ACTUAL, POINTS, SCORE, RATE, REASON, NOTE, UNIT, VALUE})

# The role a column header names, first match wins (so 执行率 is a rate before 执行 makes it an actual, 年度指标值 a
# target before 指标 makes it a label). This is the vocabulary of the genre (部门整体支出 / 项目支出绩效自评表), not of
# one report: every self-evaluation table names its columns with these words.
COLUMN_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (REASON, re.compile(r"原因|偏差|改进措施|整改|存在问题|reason|deviation", re.I)),
    (NOTE, re.compile(r"备注|说明|remark|note", re.I)),
    (RATE, re.compile(r"[率比]\s*(?:[（(]\s*%\s*[）)])?$|比例|比率|\brate\b|ratio|%\s*$", re.I)),
    (SCORE, re.compile(r"得分|评分|自评分|实得|\bscored?\b", re.I)),
    (POINTS, re.compile(r"分值|权重|满分|标准分|\bweight|\bpoints?\b|\bmax", re.I)),
    (ACTUAL, re.compile(r"实际|完成值|完成数|完成情况|执行(?!率)|决算|实现值|实施情况|支出数|\bactual|achieved|"
                        r"completed|\bspent|\bresult", re.I)),
    (TARGET, re.compile(r"指标值|目标|预期|计划|标准值|\btarget|\bgoal|expected", re.I)),
    (PLAN, re.compile(r"预算|年初|全年|调整|\bplan|\bbudget", re.I)),
    (INDEX, re.compile(r"^(?:序号|编号|序|no\.?|#)$", re.I)),
    (UNIT, re.compile(r"^(?:计量)?单位$|^unit$", re.I)),
    (LABEL, re.compile(r"指标|项目|名称|类别|类型|科目|内容|事项|分类|单位名称|indicator|item|name|category", re.I)),
)

# A total row's label (spaces taken out: "合 计" is 合计).
TOTAL_LABEL = re.compile(r"^(?:合计|总计|总分|小计|共计|总体|整体|全部)|(?:合计|总计|总额|总分)$|^(?:total|sum)\b", re.I)

_UNIT_WORDS = r"万元|亿元|千元|元|%|％|人次|万人|人|个|户|家|次|项|所|天|分|小时|平方米|公里"
_UNIT_NOTE = re.compile(rf"单位\s*[:：]\s*({_UNIT_WORDS})")
_UNIT_IN_PARENS = re.compile(rf"[（(]\s*(?:单位\s*[:：]\s*)?({_UNIT_WORDS})\s*[)）]")
_CAPTION_LINE = re.compile(r"^(?:续?表\s*[\d一二三四五六七八九十]+|附表|.{0,40}(?:表|情况|明细|一览)$|.*单位\s*[:：])")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[．.、](?!\d)|第[一二三四五六七八九十]+部分)")
_SENTENCE_END = re.compile(r"[。！？!?；;]$")
MAX_CAPTION_CHARS = 60
MAX_HEADER_CHARS = 24  # a longer cell is a sentence, not a column's name
_BOUND_CHARS = "≥≤＞＜><=≧≦±～~-—"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2014\u2026"
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK}])[ \\t]+|[ \\t]+(?=[{_CJK}])")
_SPACE_IN_NUMBER = re.compile(r"(?<=\d)[ \t]+(?=%)|(?<=\d\.)[ \t]+(?=\d)|(?<=\d)[ \t]+(?=\.\d)")
_CJK_CHAR = re.compile(f"[{_CJK}]")


def tidy_cell(text: str) -> str:
    """A cell's text on one line, as cleaning would leave it: full-width digits made ASCII, lines joined (no space
    between Chinese characters), no spaces next to Chinese text or inside a number."""
    lines = [line.strip() for line in normalize_characters(text or "").split("\n")]
    out = ""
    for line in (line for line in lines if line):
        if out and not (_CJK_CHAR.match(out[-1]) or _CJK_CHAR.match(line[0])):
            out += " "
        out += line
    out = _SPACE_NEAR_CJK.sub("", out)
    out = _SPACE_IN_NUMBER.sub("", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def column_role(header: Sequence[str]) -> str:
    """The role a column's header path names, the lowest header first (年度指标值 under 指标值), "" for none; a
    sentence ("全年送戏下基层演出不少于120场，…") names no column."""
    for text in reversed([h for h in header if h.strip()]):
        plain = re.sub(r"\s+", "", text)
        if len(plain) > MAX_HEADER_CHARS or re.search(r"[。；;，,]", plain):
            continue
        for role, pattern in COLUMN_ROLES:
            if pattern.search(plain):
                return role
    return ""


_ANY_UNIT_NOTE = re.compile(r"单位\s*[:：]\s*([^\s\d（）()，,;；]{1,8})")
_ANY_UNIT_IN_PARENS = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?([^（）()\d\s]{1,8})\s*[)）]")


def header_unit(text: str) -> str:
    """The unit a header or caption gives its cells: "年初预算数（万元）", "单位：万元" -> 万元, "培训人次（万人次）" ->
    万人次 (any unit ingest/numbers knows; "" for none)."""
    m = _UNIT_NOTE.search(text) or _UNIT_IN_PARENS.search(text)
    found = m.group(1).replace("％", "%") if m else ""
    for pattern in (_ANY_UNIT_NOTE, _ANY_UNIT_IN_PARENS):
        for other in pattern.finditer(text):
            unit = other.group(1).replace("％", "%")
            if len(unit) > len(found) and unit in UNIT_KIND and (not found or unit.endswith(found) or found in unit):
                found = unit  # 万人次, not the 人次 or 万人 inside it
    return found


def is_figure_cell(text: str) -> bool:
    """A cell that states a figure: its numbers, their units and bounds (≥, 以上) are nearly all it says."""
    text = text.strip()
    tokens = [t for t in find_numbers(text) if t.role == ROLE_FIGURE]
    if not tokens:
        return False
    rest = text
    for t in reversed(tokens):
        rest = rest[:t.start] + rest[t.end:]
    rest = re.sub(r"及以上|及以下|以上|以下|以内|不低于|不少于|不高于|不超过|不多于|左右|约|达到|超过|低于|高于|少于|"
                  r"大于|小于", "", rest)
    return not any(ch.isalpha() for ch in rest)  # "项目1" names a thing; "≥2000个", "约50人", "100%" state figures


def is_total_label(text: str) -> bool:
    """A row label that says the row totals the others."""
    return bool(TOTAL_LABEL.search(re.sub(r"\s+", "", text)))


# --- structure -----------------------------------------------------------------------------------------------------


def analyze_table(table: Table, caption: str = "") -> Table:
    """The table with its header rows, label columns, column roles, total rows, caption and unit read off it."""
    table = _tidied(table)
    if table.n_rows == 0 or table.n_cols == 0:
        return replace(table, header_rows=0, label_cols=0, caption=caption or table.caption)
    table = _measures_as_columns(table)
    grid = table.grid()
    if _is_form(table, grid):
        return replace(table, header_rows=0, label_cols=0, form=True, caption=caption or table.caption,
                       unit=header_unit(caption or table.caption), roles=(), total_rows=(), title_rows=0)
    title_rows = _title_rows(table, grid)
    header_rows = _header_rows(table, grid, title_rows)
    table = _spanning_headers(table, grid, title_rows, header_rows)
    probe = replace(table, header_rows=header_rows, title_rows=title_rows)
    header_roles = [column_role(probe.column_header(k)) for k in range(table.n_cols)]
    label_cols = _label_cols(table, grid, header_rows, header_roles)
    table = _carry_group_labels(replace(probe, label_cols=label_cols), label_cols)
    grid = table.grid()
    roles = tuple(_role(table, grid, k, header_roles[k], label_cols) for k in range(table.n_cols))
    totals = tuple(r for r in range(header_rows, table.n_rows) if _is_total_row(table, grid, r, label_cols))
    titles = [grid[r][0] for r in range(title_rows)]
    caption = " ".join(dict.fromkeys(t for t in [caption or table.caption, *titles] if t.strip()))
    unit = (header_unit(caption) or next((header_unit(t) for t in titles if header_unit(t)), "")
            or next((header_unit(h) for k in range(label_cols) for h in table.column_header(k) if header_unit(h)), ""))
    return replace(table, label_cols=label_cols, roles=roles, total_rows=totals, caption=caption, unit=unit)


MIN_TRANSPOSED_MEASURES = 3


def _measures_as_columns(table: Table) -> Table:
    """A table printed with its measures as rows (项目｜年度资金总额｜基本支出｜项目支出 over 年初预算数 / 全年预算数 /
    执行率 / 得分 rows) read turned, so that its columns are the measures, as in every other such table: the first
    row names no value column while most labels of the first column are the genre's column names (COLUMN_ROLES), and
    the cells beside them state figures. Any other table is left as it is."""
    if table.transposed or table.n_rows < MIN_TRANSPOSED_MEASURES + 1 or table.n_cols < 2:
        return table
    grid = table.grid()
    if any(column_role([t]) in VALUE_ROLES for t in grid[0][1:] if t.strip()) or not any(t.strip() for t in grid[0][1:]):
        return table
    labels = [grid[r][0] for r in range(1, table.n_rows)]
    measures = [t for t in labels if column_role([t]) in VALUE_ROLES - {VALUE, NOTE, UNIT}]
    if len(measures) < max(MIN_TRANSPOSED_MEASURES, 0.6 * len(labels)):
        return table
    body = [t for r in range(1, table.n_rows) for t in grid[r][1:] if t.strip()]
    if not body or sum(1 for t in body if is_figure_cell(t) or _NIL_CELL.match(t)) < 0.8 * len(body):
        return table
    cells = tuple(TableCell(c.col, c.row, c.text, c.col_span, c.row_span) for c in table.cells)
    return replace(table, cells=cells, n_rows=table.n_cols, n_cols=table.n_rows, transposed=True, printed=())


_NIL_CELL = re.compile(r"^(?:—+|-+|/|／|无)$")


def _tidied(table: Table) -> Table:
    cells = tuple(replace(c, text=tidy_cell(c.text)) for c in table.cells)
    return replace(table, cells=cells, caption=tidy_cell(table.caption))


def _title_rows(table: Table, grid: list[list[str]]) -> int:
    """Leading rows that are one text across the table (its title, "单位：万元"), when more rows follow."""
    r = 0
    while r < table.n_rows - 1 and table.n_cols > 1:
        texts = {t for t in grid[r] if t.strip()}
        first = table.cell_at(r, 0)
        spans_all = first is not None and first.col_span >= table.n_cols
        if len(texts) != 1 or not (spans_all or (grid[r][0].strip() and all(not t for t in grid[r][1:]))):
            break
        if is_figure_cell(next(iter(texts))):
            break
        r += 1
    return r


def _has_figure(row: Sequence[str]) -> bool:
    return any(is_figure_cell(t) for t in row if t.strip())


def _header_rows(table: Table, grid: list[list[str]], start: int) -> int:
    """How many leading rows (title rows included) are headers."""
    if start >= table.n_rows:
        return start
    first = grid[start]
    if _has_figure(first) or not any(t.strip() for t in first):
        return start
    words = [t for t in first if t.strip()]
    named = sum(1 for t in words if column_role([t]))
    below_has_figures = any(_has_figure(grid[r]) for r in range(start + 1, min(table.n_rows, start + 4)))
    if not named and not below_has_figures and table.n_rows > 1:
        # no header word and no figures below: a header only if its cells are short names above longer text
        body = [len(t) for r in range(start + 1, table.n_rows) for t in grid[r] if t.strip()]
        if not body or max(len(t) for t in words) * 2 > sum(body) / len(body):
            return start
    end = start + 1
    while end < table.n_rows:
        row = grid[end]
        own = [c.text for c in table.cells if c.row == end and c.text.strip()]
        spans_down = any(c.row < end < c.row + c.row_span for c in table.cells if start <= c.row < end) and all(
            len(t) <= 12 and not re.search(r"[。；;，,]", t) or column_role([t]) for t in own)  # names, not sentences
        if _has_figure(row) or not any(t.strip() for t in row):
            if spans_down and not _has_figure(row):
                end += 1
                continue
            break
        # a spanning header (指标值 over 年度指标值 / 实际完成值) names the distinct columns under it
        spanning = [c for c in table.cells if start <= c.row < end and c.col_span > 1 and c.row + c.row_span == end]
        under = any(len({row[k] for k in range(c.col, c.col + c.col_span) if row[k].strip()}) >= 2 for c in spanning)
        all_named = all(column_role([t]) for t in row if t.strip())
        if spans_down or under or (all_named and not _row_is_labelled_data(table, grid, end)):
            end += 1
            continue
        break
    return end


def _spanning_headers(table: Table, grid: list[list[str]], start: int, header_rows: int) -> Table:
    """A text table knows no merges: a header written once over the columns it names, the cells right of it left
    empty ("预算数｜｜全年执行数" over "年初预算数｜全年预算数｜"), spans them, as the DOCX or the ruled PDF merges it —
    where the header row below names each of those columns. A table read with its spans is left as it is."""
    if header_rows - start < 2 or any(c.row_span > 1 or c.col_span > 1 for c in table.cells if c.row < header_rows):
        return table
    cells = {(c.row, c.col): c for c in table.cells}
    for r in range(start, header_rows - 1):
        k = 0
        while k < table.n_cols:
            if not grid[r][k].strip() or not grid[r + 1][k].strip():
                k += 1
                continue
            end = k + 1
            while end < table.n_cols and not grid[r][end].strip() and grid[r + 1][end].strip():
                end += 1
            if end - k > 1 and (r, k) in cells:
                cells[(r, k)] = replace(cells[(r, k)], col_span=end - k)
                for x in range(k + 1, end):
                    cells.pop((r, x), None)
            k = end
    return replace(table, cells=tuple(cells.values()))


def _row_is_labelled_data(table: Table, grid: list[list[str]], r: int) -> bool:
    """A row whose first cell names a thing and whose other cells say something: data, not a second header."""
    return bool(grid[r][0].strip()) and not column_role([grid[r][0]]) and any(t.strip() for t in grid[r][1:])


def _label_cols(table: Table, grid: list[list[str]], header_rows: int, header_roles: list[str]) -> int:
    """How many leading columns name the row rather than state a value."""
    data = range(header_rows, table.n_rows)
    k = 0
    while k < table.n_cols - 1:
        role = header_roles[k]
        if role in VALUE_ROLES:
            break
        texts = [grid[r][k] for r in data if grid[r][k].strip()]
        if role not in (LABEL, INDEX):
            if not texts or sum(1 for t in texts if is_figure_cell(t)) > len(texts) / 3:
                break
        elif role == LABEL and texts and sum(1 for t in texts if is_figure_cell(t)) > len(texts) / 2:
            break
        if k and _describes_named_rows(grid, data, k, header_rows):
            break
        k += 1
    return k


def _describes_named_rows(grid: list[list[str]], data: range, k: int, header_rows: int) -> bool:
    """Column k describes rows the column before it already names one by one (任务名称｜主要内容: 养老服务｜养老床位建设、
    居家养老服务补贴…): most of its cells are enumerations or sentences, not names. A group column (一级指标, merged
    down its rows) names no row by itself, and levels of one hierarchy are headed alike (二级指标｜三级指标): an
    indicator table's 三级指标 is never taken for a description."""
    above = ["".join(grid[r][k - 1] for r in range(header_rows)), "".join(grid[r][k] for r in range(header_rows))]
    pairs = [{a[i:i + 2] for i in range(len(a) - 1)} for a in above]
    if pairs[0] & pairs[1]:
        return False
    names = [grid[r][k - 1].strip() for r in data if grid[r][k - 1].strip()]
    texts = [grid[r][k].strip() for r in data if grid[r][k].strip()]
    if len(names) < 2 or len(set(names)) < len(names) or not texts:
        return False
    described = sum(1 for t in texts if re.search(r"[、，,；;。]", t) or len(t) > MAX_HEADER_CHARS)
    return described * 2 > len(texts)


def _carry_group_labels(table: Table, label_cols: int) -> Table:
    """A group label written once for the rows under it (产出指标 above two rows with an empty first cell) covers
    those rows: the empty cell joins the group's cell, as a vertical merge would. Only the group columns (all label
    columns but the last) carry; a row with nothing beside its empty cells is not carried into."""
    if label_cols < 2:
        return table
    cells = list(table.cells)
    changed = False
    for k in range(label_cols - 1):
        for r in range(table.header_rows + 1, table.n_rows):
            here = table.cell_at(r, k)
            current = replace(table, cells=tuple(cells)) if changed else table
            here = current.cell_at(r, k)
            above = current.cell_at(r - 1, k)
            if here is None or above is None or here is above or here.text.strip() or not above.text.strip():
                continue
            if here.row_span != 1 or here.col_span != above.col_span or here.col != above.col:
                continue
            if above.row + above.row_span != r or above.row < table.header_rows:
                continue
            row = current.grid()[r]
            if not any(t.strip() for t in row[k + 1:]) or is_total_label(" ".join(row[:label_cols])):
                continue
            cells[cells.index(above)] = replace(above, row_span=above.row_span + 1)
            cells.remove(here)
            changed = True
    return replace(table, cells=tuple(cells)) if changed else table


def _role(table: Table, grid: list[list[str]], k: int, header_role: str, label_cols: int) -> str:
    if k < label_cols:
        return INDEX if header_role == INDEX else LABEL
    if header_role and header_role not in (LABEL, INDEX):
        return header_role
    if header_role == LABEL and not any(is_figure_cell(grid[r][k]) for r in range(table.header_rows, table.n_rows)):
        return NOTE  # a column of words beside the labels (主要内容): what the row is about, not a value
    return VALUE


def _is_total_row(table: Table, grid: list[list[str]], r: int, label_cols: int) -> bool:
    labels = [grid[r][k] for k in range(max(1, label_cols)) if table.role(k) != INDEX or not table.roles]
    return any(is_total_label(t) for t in labels if t.strip())


# --- tables among the blocks ---------------------------------------------------------------------------------------


def structure_tables(blocks: Sequence[Block]) -> list[Block]:
    """Every table block analysed (`analyze_table`), its caption taken from the title line just above it; a table
    whose later rows start a section with a header of their own (a 项目支出绩效自评表: the form, then 项目资金 with
    年初预算数 / 全年预算数 …, then 一级指标 / 二级指标 … 年度指标值 …) is read as one table per section."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        if block.kind != TABLE or block.table is None:
            out.append(block)
            continue
        caption = block.table.caption or (caption_above(blocks[i - 1].text) if i and blocks[i - 1].kind == TEXT
                                          else "")
        for n, part in enumerate(split_sections(block.table)):
            table = analyze_table(part, caption)
            out.append(replace(table_block(table), page=block.page, warnings=block.warnings if not n else ()))
    return out


def split_sections(table: Table) -> list[Table]:
    """The table cut before every row that is a header of its own below rows that are not (a header row in the
    middle of a form), where no merged cell crosses the cut."""
    grid = table.grid()
    cuts = []
    start = 0
    for r in range(1, table.n_rows):
        if not _is_section_header(grid[r]):
            continue
        if all(_is_section_header(grid[x]) for x in range(start, r)):
            continue  # the second level of this section's own header
        if any(c.row < r < c.row + c.row_span for c in table.cells):
            continue
        cuts.append(r)
        start = r
    if not cuts:
        return [table]
    parts = []
    for a, b in zip([0] + cuts, cuts + [table.n_rows]):
        cells = tuple(replace(c, row=c.row - a) for c in table.cells if a <= c.row < b)
        parts.append(replace(table, cells=cells, n_rows=b - a, header_rows=1, label_cols=1, roles=(), total_rows=(),
                             title_rows=0, form=False, unit="", printed=table.printed[a:b]))
    return parts


def _is_section_header(row: Sequence[str]) -> bool:
    """A row of column names: no figure, at least three names, two or more of them naming values."""
    texts = list(dict.fromkeys(t.strip() for t in row if t.strip()))
    if len(texts) < 3 or any(is_figure_cell(t) for t in texts):
        return False
    roles = [column_role([t]) for t in texts]
    values = sum(1 for role in roles if role in VALUE_ROLES)
    return values >= 2 and all(role or len(t) <= 8 for role, t in zip(roles, texts))


def _is_form(table: Table, grid: list[list[str]]) -> bool:
    """A form: every row is label/value pairs (项目名称｜X｜主管部门｜Y), the labels short names, most values words."""
    if table.n_cols < 2:
        return False
    values = labels_ok = pairs = 0
    for r in range(table.n_rows):
        texts = list(dict.fromkeys(t.strip() for t in grid[r] if t.strip()))
        if not texts or len(texts) % 2:
            return False
        for label, value in zip(texts[::2], texts[1::2]):
            pairs += 1
            labels_ok += len(label) <= 12 and not re.search(r"\d|[。；;，,]", label)
            values += not is_figure_cell(value)
    return pairs > 0 and labels_ok == pairs and values * 2 >= pairs


def caption_above(text: str) -> str:
    """The caption a table's preceding text gives it: its last line when that is a title, a heading or a unit note,
    not a sentence ("表1 部门整体支出绩效自评表", "二、绩效指标完成情况", "（单位：万元）"); above a unit note, the title
    line over it too."""
    lines = [line.strip() for line in text.replace("\f", "\n").rstrip().split("\n") if line.strip()]
    if not lines or not _is_caption(lines[-1]):
        return ""
    picked = [lines[-1]]
    if len(lines) > 1 and header_unit(lines[-1]) and len(lines[-1]) <= 12 and _is_caption(lines[-2]):
        picked.insert(0, lines[-2])
    return tidy_cell(" ".join(picked))


def _is_caption(line: str) -> bool:
    return len(line) <= MAX_CAPTION_CHARS and not _SENTENCE_END.search(line) and (
        bool(_CAPTION_LINE.search(line)) or bool(header_unit(line)) or bool(_HEADING.match(line)))


# --- tables in plain text ------------------------------------------------------------------------------------------

_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
MIN_TABLE_ROWS = 2
MAX_CELL_COUNT_SPREAD = 0.34  # share of rows whose cell count differs from the most common count


def parse_text_tables(text: str) -> list[Block]:
    """A plain-text report as blocks: runs of table rows (tabs, "|", "｜", Markdown pipes) become tables; a run of
    rows too uneven to be read as one table stays text, with a warning.

    A row is split at every separator, so an empty first cell (a label merged down from the row above) stays a
    cell; pipes framing every row of a run ("| a | b |") are taken as its frame.
    """
    lines = text.split("\n")
    blocks: list[Block] = []
    prose: list[str] = []
    i = 0

    def flush() -> None:
        if prose:
            blocks.append(text_block("\n".join(prose)))
            prose.clear()

    while i < len(lines):
        fielded = _field_rows_run(lines, i)
        if fielded is not None:
            end, table = fielded
            flush()
            blocks.append(table_block(table))
            i = end
            continue
        separator = _separator(lines[i])
        if not separator:
            aligned = _space_aligned_run(lines, i)
            if aligned is not None:
                end, table = aligned
                flush()
                blocks.append(table_block(table))
                i = end
                continue
        j = i
        while separator and j < len(lines) and (_separator(lines[j]) == separator or (
                separator == "|" and _MD_SEPARATOR.match(lines[j].strip()))):
            j += 1
        run = lines[i:j]
        rows = _split_rows(run, separator) if separator else []
        if len(rows) < MIN_TABLE_ROWS or not any(sum(1 for c in r if c) >= 2 for r in rows):
            prose.append(lines[i])
            i += 1
            continue
        counts = Counter(len(r) for r in rows)
        common, _ = counts.most_common(1)[0]
        uneven = sum(n for c, n in counts.items() if c != common)
        flush()
        if common < 2 or uneven > MAX_CELL_COUNT_SPREAD * len(rows) or (len(rows) == 2 and len(counts) > 1):
            warning = (f"a table of {len(run)} rows at line {i + 1} could not be read as a table (rows of "
                       f"{min(counts)} to {max(counts)} cells); kept as text")
            blocks.append(replace(text_block("\n".join(run)), warnings=(warning,)))
            i = j
            continue
        n_cols = max(counts)
        table_rows = [r + [""] * (n_cols - len(r)) for r in rows]
        cells = tuple(TableCell(r, k, v) for r, row in enumerate(table_rows) for k, v in enumerate(row))
        markdown = any(_MD_SEPARATOR.match(line.strip()) for line in run)
        source = "markdown" if markdown else {"\t": "txt-tab"}.get(separator, "txt-pipe")
        blocks.append(table_block(Table(cells, len(table_rows), n_cols, source=source)))
        i = j
    flush()
    return blocks


def field_tables(text: str) -> list[Block]:
    """Paragraphs (of a DOCX, say) as blocks: runs of lines of labelled fields (`_field_rows_run`) become tables; the
    rest stays text, line for line."""
    lines = text.split("\n")
    blocks: list[Block] = []
    prose: list[str] = []
    i = 0
    while i < len(lines):
        fielded = _field_rows_run(lines, i)
        if fielded is None:
            prose.append(lines[i])
            i += 1
            continue
        if prose:
            blocks.append(text_block("\n".join(prose)))
            prose = []
        end, table = fielded
        blocks.append(table_block(table))
        i = end
    if prose:
        blocks.append(text_block("\n".join(prose)))
    return blocks


# Rows written as labelled fields, one row a line ("指标：城镇新增就业人数；年度指标值：≥6,000人；实际完成值：6,842人；
# 得分：10分"): the field names are the columns, in the order the lines first give them.
_FIELD_SEPARATOR = re.compile(r"[；;]")
_FIELD = re.compile(r"^\s*([^：:；;，,。\d]{1,12})\s*[：:]\s*(.*?)\s*$")
_FIRST_FIELD = re.compile(r"^\s*([^：:；;，,。\d]{1,24})\s*[：:]\s*(.*?)\s*$")  # a row's group may be longer
MIN_FIELDS = 3


def _fields(line: str) -> list[tuple[str, str]] | None:
    """A line's labelled fields, or None when it is not a line of three or more of them."""
    parts = [p for p in _FIELD_SEPARATOR.split(line.strip().rstrip("。.")) if p.strip()]
    if len(parts) < MIN_FIELDS:
        return None
    fields = []
    for n, part in enumerate(parts):
        m = (_FIRST_FIELD if n == 0 else _FIELD).match(part)
        if m is None:
            return None
        fields.append((m.group(1).strip(), m.group(2)))
    return fields if len({k for k, _ in fields}) == len(fields) else None


def _field_rows_run(lines: list[str], i: int) -> tuple[int, Table] | None:
    """A run of two or more lines of labelled fields that start with the same field name (the row's label) and state
    a figure: one table, a column per field name, a row per line. Lines whose first field's name is the row's group
    ("产出指标—数量指标：培训基层医务人员；年度指标值：≥600人次；实际完成值：736人次" then "产出指标—质量指标：…")
    and whose other fields are named alike are one table too: the group and the row's name are its label columns."""
    first = _fields(lines[i])
    if first is None:
        return None
    rows = [first]
    j = i + 1
    grouped = False
    while j < len(lines):
        fields = _fields(lines[j])
        if fields is None:
            break
        if fields[0][0] != first[0][0]:
            if [k for k, _ in fields[1:]] != [k for k, _ in first[1:]] or len(fields) < MIN_FIELDS:
                break
            grouped = True
        rows.append(fields)
        j += 1
    if len(rows) < MIN_TABLE_ROWS or not any(is_figure_cell(v) for row in rows for _, v in row[1:]):
        return None
    if grouped:
        names = [k for k, _ in first[1:]]
        grid = [["", "", *names]] + [[row[0][0], row[0][1], *(dict(row[1:]).get(k, "") for k in names)]
                                     for row in rows]
        cells = tuple(TableCell(r, k, t) for r, line in enumerate(grid) for k, t in enumerate(line))
        return j, Table(cells, len(grid), len(grid[0]), source="txt-fields", printed=("", *lines[i:j]))
    names = list(dict.fromkeys(k for row in rows for k, _ in row))
    grid = [names] + [[dict(row).get(k, "") for k in names] for row in rows]
    cells = tuple(TableCell(r, k, t) for r, line in enumerate(grid) for k, t in enumerate(line))
    return j, Table(cells, len(grid), len(names), source="txt-fields", printed=("", *lines[i:j]))


# Tables aligned with spaces (copied from a PDF's layout text or a fixed-width page): cells are runs of text two or
# more spaces (or an ideographic space) apart, the columns where the cells of all rows overlap, counted in display
# columns (a Chinese character is two wide). An empty position (a label merged down) is an empty cell.
_SPACE_CELL = re.compile(r"\S+(?: \S+)*")
MIN_SPACE_ALIGNED_ROWS = 3


def _space_segments(line: str) -> list[tuple[int, int, str]]:
    """A line's cells as (first display column, end display column, text); one cell for a line of prose."""
    line = line.replace("\u3000", "  ").rstrip()
    out = []
    for m in _SPACE_CELL.finditer(line):
        start = _display_width(line[:m.start()])
        out.append((start, start + _display_width(m.group()), m.group()))
    return out


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _space_aligned_run(lines: list[str], i: int) -> tuple[int, Table] | None:
    """A table of space-aligned rows starting at line i (where it ends, the table), or None: at least three lines of
    two or more cells in common columns, most rows below the first stating a figure beside their label."""
    j = i
    rows: list[list[tuple[int, int, str]]] = []
    while j < len(lines) and not _separator(lines[j]):
        segments = _space_segments(lines[j])
        if len(segments) < 2:
            break
        rows.append(segments)
        j += 1
    if len(rows) < MIN_SPACE_ALIGNED_ROWS:
        return None
    bands: list[list[int]] = []
    for start, end in sorted((a, b) for row in rows for a, b, _ in row):
        if bands and start < bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], end)
        else:
            bands.append([start, end])
    if len(bands) < 2:
        return None
    grid = [[""] * len(bands) for _ in rows]
    for r, row in enumerate(rows):
        for start, _, text in row:
            k = next(n for n, (a, b) in enumerate(bands) if a <= start < b)
            if grid[r][k]:
                return None  # two cells of one row in one column: not aligned
            grid[r][k] = text
    with_figures = sum(1 for row in grid[1:] if any(is_figure_cell(t) for t in row[1:] if t))
    if with_figures * 2 < len(grid) - 1:
        return None
    cells = tuple(TableCell(r, k, t) for r, row in enumerate(grid) for k, t in enumerate(row))
    return j, Table(cells, len(grid), len(bands), source="txt-space")


def _separator(line: str) -> str:
    """The cell separator a line is written with ("\t", "|" or "｜"), "" for a line of prose."""
    stripped = line.strip(" \r\n")
    if not stripped.strip():
        return ""
    for separator in ("\t", "｜", "|"):
        if separator in stripped.strip() or (separator == "\t" and "\t" in stripped):
            if len(stripped.split(separator)) >= 2 and any(c.strip() for c in stripped.split(separator)):
                return separator
    return ""


def _split_rows(run: list[str], separator: str) -> list[list[str]]:
    lines = [line.strip(" \r") for line in run if not _MD_SEPARATOR.match(line.strip())]
    if separator != "\t":
        lines = [line.strip() for line in lines]
    framed = separator != "\t" and all(line.startswith(separator) and line.endswith(separator) and len(line) > 1
                                        for line in lines)
    rows = []
    for line in lines:
        cells = line.split(separator)
        if framed:
            cells = cells[1:-1]
        rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows
