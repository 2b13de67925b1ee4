"""The Gradio web page (Chinese): it only formats and calls the assistant and the report library.

`respond(message, history, report)` is the whole chat: it streams the assistant's reply and formats it with its
sources (a table cell's citation shows its row under its header). The 数字核验 tab shows every figure the report
states, a CSV of them and a chart drawn from them; 审核 the figures audit; 报告库 the reports loaded; 报告管理
(shown to the admin only) adds, replaces and removes reports. The example questions come from the reports loaded.
Everything the UI inserts into the page is escaped first; the Chatbot's own HTML sanitizer stays on.
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import gradio as gr
import pandas as pd

from app.answer import Answer, Citation
from ingest.audit import (CSV_COLUMNS as AUDIT_COLUMNS, INCONSISTENT, NOTE, OK, SEVERITY_LABELS, Finding, findings_csv,
                       findings_rows, severity_counts)
from app.charts import (CHART_COLUMNS, CHART_SOURCE_COLUMNS, FIGURE_COLUMNS, budget_chart_rows, budget_lines,
                        budget_source_rows, figures_csv, figures_rows)
from app.errors import AssistantError, BusyError, KnowledgeBaseUnavailable
from app.settings import Settings
from ingest.figures import MONEY, PERCENT, Figure
from ingest.report import ReportInfo

if TYPE_CHECKING:
    from app.access import AdminAccess
    from app.assistant import Assistant
    from app.library import ReportLibrary

log = logging.getLogger("app.ui")

TITLE = "政府报告问答助手"
DESCRIPTION = ("依据已导入的政府报告回答问题：数字是多少、原因是什么、有哪些工作；每个回答都附报告原文出处，"
               "回答中的数字都与原文核对。也可以用英文提问。")
AUDIT_QUESTION = "报告里的数字有没有对不上的地方？"
MAX_EXAMPLES = 4
NO_REPORTS_PLACEHOLDER = "知识库中还没有报告，请先导入报告。"
LOADING_MESSAGE = "知识库正在加载，请稍后再试"
UNAVAILABLE_MESSAGE = "知识库暂不可用，请稍后再试"
BUSY_MESSAGE = "当前提问的人较多，请稍后再试"
ERROR_MESSAGE = "抱歉，回答时出了问题，请稍后再试"
VERIFIED = "✔ 已核验"
UNVERIFIED = "⚠ 未核验"
MAX_HISTORY_TURNS = 10

UI_CSS = """
.gradio-container { max-width: 1200px !important; margin: auto; }
#chat mark, #chat .message mark { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 2px; }
#chat table { font-size: 0.85em; margin: 4px 0; }
#chat td, #chat th { padding: 2px 6px; }
footer { display: none !important; }
"""

# Markdown characters that would turn report or user text into formatting (or links): escaped with a backslash.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def ui_theme() -> gr.themes.Base:
    """A theme with local fonts only: the UI must not fetch web fonts (offline intranets)."""
    cjk = ["Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "system-ui", "sans-serif"]
    return gr.themes.Soft(primary_hue="red", font=cjk, font_mono=["Consolas", "DejaVu Sans Mono", "monospace"])


def escape_text(text: str) -> str:
    """Text shown as text: HTML escaped and Markdown neutralised (no tags, no links, no emphasis)."""
    escaped = html.escape(text, quote=False)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
    # a line starting "1." or "-" or "=" would become a list, a rule or a heading
    escaped = re.sub(r"(?m)^(\s*)(\d+)\.", r"\1\2\\.", escaped)
    return re.sub(r"(?m)^(\s*)([-=])", r"\1\\\2", escaped)


def highlight(sentence: str, figures: tuple[str, ...] | list[str]) -> str:
    """The sentence escaped, each occurrence of the figure texts wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for fig in sorted({f for f in figures if f}, key=len, reverse=True):
        for m in re.finditer(re.escape(fig), sentence):
            if not any(m.start() < end and start < m.end() for start, end in spans):
                spans.append((m.start(), m.end()))
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(escape_text(sentence[pos:start]))
        out.append(f"<mark>{escape_text(sentence[start:end])}</mark>")
        pos = end
    out.append(escape_text(sentence[pos:]))
    return "".join(out)


def format_answer(answer: Answer, report_titles: dict[str, str] | None = None) -> str:
    """One reply as Markdown: the answer, its notice, the check of its numbers, then 「来源」 with each cited sentence."""
    titles = report_titles or {}
    parts = [escape_text(answer.answer)]
    if answer.notice:
        parts.append(f"> ℹ️ {escape_text(answer.notice)}")
    if answer.abstained:
        return "\n\n".join(parts)
    if answer.numbers:
        checks: dict[str, str] = {}
        for n in answer.numbers:
            mark = VERIFIED if n.verified else UNVERIFIED
            if not n.verified and _CJK.search(n.reason):  # a reason a Chinese reader can use
                mark += f"（{escape_text(n.reason)}）"
            checks.setdefault(f"{escape_text(n.text)} {mark}", "")
        parts.append("**数字核验**：" + "；".join(checks))
    if answer.citations:
        lines = ["**来源**"]
        for i, c in enumerate(answer.citations, 1):
            report = titles.get(c.report, c.report)
            quote = (f"{i}\\. 表格中的一行：  \n{citation_table(c)}" if c.table
                     else f"{i}\\. 「{highlight(c.text, c.highlights)}」")
            lines.append(f"{quote}\n\n"
                         f"　　<small>章节：{escape_text(c.section or '—')} ｜ 报告：{escape_text(report)}</small>")
        parts.append("\n\n".join(lines))
    return "\n\n".join(parts)


def _cell(text: object) -> str:
    """A table cell's text: HTML escaped and Markdown neutralised (a cell never starts a line, so no list rules)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text or "").split()), quote=False)) or " "


def citation_table(citation: Citation) -> str:
    """A cited table cell as a small Markdown table: the cited row under its header, the cell highlighted."""
    table = citation.table or {}
    header = [str(h) for h in table.get("header") or []]
    row = [str(c) for c in table.get("row") or []]
    column = str(table.get("column") or "")
    width = max(len(header), len(row))
    if not width:
        return f"「{highlight(citation.text, citation.highlights)}」"
    header += [""] * (width - len(header))
    row += [""] * (width - len(row))
    # the cells: under the cited column(s) ("实际完成值 / 年度指标值" names two) when header and row line up, else
    # the ones holding a cited figure
    columns = [c for c in re.split(r"\s*/\s*", column) if c]
    aligned = len(table.get("row") or []) == len(table.get("header") or [])
    targets = {k for k, h in enumerate(header) if aligned and h and any(h == c or h.endswith(c) for c in columns)}
    if not targets:
        targets = {k for k, c in enumerate(row) if any(
            re.search(rf"(?<![\d.]){re.escape(f)}(?![\d.])", c) for f in citation.highlights if f)}
    cells = [f"<mark>{_cell(c)}</mark>" if k in targets else _cell(c) for k, c in enumerate(row)]
    return "\n".join([f"| {' | '.join(_cell(h) for h in header)} |", f"|{'---|' * width}",
                      f"| {' | '.join(cells)} |"])


def error_message(exc: Exception) -> str:
    """What the chat shows for an error: one readable line, never a stack trace."""
    if isinstance(exc, KnowledgeBaseUnavailable):
        text = LOADING_MESSAGE if str(exc) == LOADING_MESSAGE else UNAVAILABLE_MESSAGE
    elif isinstance(exc, BusyError):
        text = BUSY_MESSAGE
    elif isinstance(exc, AssistantError):
        text = " ".join(str(exc).split()) or ERROR_MESSAGE
    else:
        text = ERROR_MESSAGE
    return f"⚠️ {escape_text(text)}"


class ChatReply(NamedTuple):
    """One step of a streamed reply: the Markdown to show, the plain answer (for history), whether it failed."""

    markdown: str
    answer: str
    done: bool = False
    failed: bool = False


def _assistant_history(turns: list[dict]) -> list[dict]:
    history: list[dict] = []
    for turn in turns[-MAX_HISTORY_TURNS:]:
        if not turn.get("failed"):
            history += [{"role": "user", "content": turn["question"]},
                        {"role": "assistant", "content": turn["answer"]}]
    return history


def _feedback_writer(path: Path) -> Callable[[dict], None]:
    lock = threading.Lock()

    def write(record: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with lock, path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")

    return write


# --- derived from the reports loaded: example questions, the library's table, an ingest's summary ---------------

_HEADING_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\([一二三四五六七八九十\d]+\)|\d{1,2}[．.、])")
_LIST_HEADING = re.compile(r"(?:任务|措施|问题|成效|工作|内容|职能|建议|目标|做法|亮点)$")
_BARE_MEASURE = re.compile(r"收入|支出|预算|决算|资金|经费|金额")
_CLAUSE_LEAD = re.compile(r"^(?:其中|主要是|主要|包括|另外|同时|共计|合计|共)+")


def figure_question(figure: Figure) -> str | None:
    """A question a figure answers, in its own clause's words: '全区共有中小学生52000人' -> '全区共有中小学生多少人？'."""
    clause = figure.clause.strip()
    at = clause.find(figure.text)
    if at < 0 or figure.in_table or len(clause) > 30 or figure.qualifier not in ("level",):
        return None
    if not re.fullmatch(r"[\d.,]+|[零〇一二两三四五六七八九十百千万亿]+", figure.text):
        return None  # a statement standing for a figure ("无会议费支出") answers no 多少
    before = re.sub(r"(?:为|是|达到|达|约|共计|共)$", "", clause[:at]).strip()
    before = _CLAUSE_LEAD.sub("", before)
    after = clause[at + len(figure.text):]
    words = re.sub(r"(?:19|20)\d{2}\s*年度?", "", before + after[len(figure.unit):] if after.startswith(
        figure.unit) else before + after)
    ahead, behind = (re.sub(r"[^\u4e00-\u9fff]", "", part) for part in (before, after[len(figure.unit):]))
    if len(ahead + behind) < 3 or re.search(r"\d", words) or (_BARE_MEASURE.fullmatch(ahead) and not behind):
        return None  # "支出500.00万元" says too little to ask about on its own
    if figure.kind == PERCENT:
        return f"{before}{after.lstrip('%％')}是多少？".replace("是多少？是多少？", "是多少？")
    return f"{before}多少{after}？"


def heading_question(section: str) -> str | None:
    """A question a heading answers: '（四）部门年度重点工作任务' -> '部门年度重点工作任务有哪些？'."""
    heading = _HEADING_MARKER.sub("", section.split(" > ")[-1]).strip(" 。：:")
    if not 4 <= len(heading) <= 16 or re.search(r"\d", heading):
        return None
    return f"{heading}有哪些？" if _LIST_HEADING.search(heading) else None


def example_candidates(reports: list[ReportInfo], figures: list[Figure]) -> list[tuple[str, str, str]]:
    """Questions the loaded reports answer, from their own figures and headings: (question, report id, the figure
    its answer must state, or "" for a heading's question)."""
    candidates: list[tuple[str, str, str]] = []
    for report in reports[:2]:
        own = sorted((f for f in figures if f.report == report.id), key=lambda f: f.start)
        money = [(q, f.text) for f in own if f.kind == MONEY and (q := figure_question(f))]
        counted = [(q, f.text) for f in own if f.kind not in (MONEY, PERCENT, "number") and (q := figure_question(f))]
        headings = [(q, "") for section in dict.fromkeys(f.section for f in own) if (q := heading_question(section))]
        for group in (money, counted, headings):  # what the report spent, what it did, what it lists
            candidates += [(q, report.id, expected) for q, expected in group[:2]]
    return list(dict.fromkeys(candidates))


LIBRARY_COLUMNS = ["编号", "标题", "年度", "格式", "章节", "段落块", "表格", "数字", "覆盖率", "导入时间"]


def library_rows(reports: list[ReportInfo]) -> list[list]:
    """The library's table: one row per report."""
    return [[r.id, r.title, r.year or "", r.format, r.sections, r.chunks, r.tables, r.figures,
             f"{r.coverage:.0%}", r.ingested_at.replace("T", " ")[:16]] for r in reports]


def audit_line(findings: list[Finding]) -> str:
    counts = severity_counts(findings)
    return " · ".join(f"{SEVERITY_LABELS[s]} {counts[s]} 项" for s in (INCONSISTENT, NOTE, OK))


def ingest_summary(summary: dict, findings: list[Finding]) -> str:
    """An ingest's result in Markdown: what was read, and what the audit found."""
    state = "已替换旧版本" if summary.get("replaced") else "已导入"
    if not summary.get("changed", True):
        state = "内容与已导入的版本相同，未改动"
    lines = [f"### ✔ {state}：《{escape_text(summary['title'])}》",
             f"编号 `{escape_text(summary['id'])}` ｜ 年度 {summary.get('year') or '—'} ｜ 章节 {summary['sections']} ｜ "
             f"段落块 {summary['chunks']} ｜ 表格 {summary['tables']} ｜ 数字 {summary['figures']} ｜ "
             f"覆盖率 {summary['coverage']:.0%} ｜ 用时 {summary.get('seconds', 0):.1f} 秒",
             f"**数字审核**：{audit_line(findings)}（详见“审核”页）"]
    problems = [f for f in findings if f.severity == INCONSISTENT][:5]
    lines += [f"{n}\\. {escape_text(f.message)}" for n, f in enumerate(problems, 1)]
    return "\n\n".join(lines)


def _admin_only(fn: Callable) -> Callable:
    """Mark a handler as an admin event: the server refuses it (401/403) on every Gradio route but to the admin."""
    fn.admin_only = True  # type: ignore[attr-defined]
    return fn


def build_ui(get_assistant: Callable[[], Assistant], settings: Settings,
             log_question: Callable[..., None] | None = None, library: ReportLibrary | None = None,
             access: AdminAccess | None = None) -> gr.Blocks:
    """The Gradio Blocks: chat, 数字核验, 审核, 报告库 and (for the admin) 报告管理, calling `get_assistant()` and
    `library` for every request."""
    write_feedback = _feedback_writer(Path(settings.feedback_path))
    csv_dir = Path(tempfile.gettempdir()) / "gov-report-qa-figures"
    examples_cache: dict[tuple, list[str]] = {}

    def report_titles() -> dict[str, str]:
        try:
            return {r.id: r.title or r.id for r in get_assistant().reports()}
        except Exception:  # titles are cosmetic: fall back to report ids
            return {}

    def is_admin(request: gr.Request | None) -> bool:
        return bool(access and request is not None
                    and access.is_admin(getattr(request, "request", None), getattr(request, "username", None)))

    def respond(message: str, history: list[dict], report: str | None) -> Iterator[ChatReply]:
        """Stream the reply to `message` (history: earlier turns as role/content dicts) from the chosen report."""
        request_id = uuid.uuid4().hex
        started = time.perf_counter()
        answer: Answer | None = None
        try:
            for item in get_assistant().stream(message, history=history or None, report=report or None):
                if isinstance(item, Answer):
                    answer = item
                else:
                    yield ChatReply(escape_text(item) + " ▍", item)
        except Exception as exc:
            if not isinstance(exc, AssistantError):
                log.error("chat failed (request %s)", request_id, exc_info=exc)
            if log_question:
                log_question(request_id=request_id, channel="ui", question=message, report=report,
                             latency_ms=(time.perf_counter() - started) * 1000, error=exc)
            yield ChatReply(error_message(exc), "", done=True, failed=True)
            return
        if answer is None:  # the contract says the Answer comes last, always
            yield ChatReply(f"⚠️ {ERROR_MESSAGE}", "", done=True, failed=True)
            return
        if log_question:
            log_question(request_id=request_id, channel="ui", question=message, report=report,
                         latency_ms=(time.perf_counter() - started) * 1000, answer=answer)
        yield ChatReply(format_answer(answer, report_titles()), answer.answer, done=True)

    def display(turns: list[dict], pending: dict | None = None) -> list[dict]:
        messages = []
        for turn in [*turns, *([pending] if pending else [])]:
            messages.append({"role": "user", "content": escape_text(turn["question"])})
            if turn.get("markdown"):
                messages.append({"role": "assistant", "content": turn["markdown"]})
        return messages

    def ask(message: str, turns: list[dict], report: str | None):
        message = (message or "").strip()
        if not message:
            yield gr.skip(), gr.skip(), gr.skip()
            return
        turn = {"question": message, "report": report or "", "markdown": "", "answer": ""}
        yield "", display(turns, turn), gr.skip()
        for reply in respond(message, _assistant_history(turns), report):
            turn.update(markdown=reply.markdown, answer=reply.answer, failed=reply.failed)
            if reply.done:
                turns = [*turns, turn]
                yield "", display(turns), turns
            else:
                yield "", display(turns, turn), gr.skip()

    def ask_example(turns: list[dict], report: str | None, evt: gr.SelectData):
        value = evt.value
        yield from ask(value.get("text", "") if isinstance(value, dict) else str(value), turns, report)

    def on_like(turns: list[dict], evt: gr.LikeData) -> None:
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        turn_no = int(index) // 2
        if not 0 <= turn_no < len(turns):
            return
        turn = turns[turn_no]
        write_feedback({"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        "question": turn["question"], "answer": turn["answer"] or turn["markdown"],
                        "liked": bool(evt.liked) if isinstance(evt.liked, bool) else evt.liked,
                        "report": turn.get("report", "")})
        gr.Info("感谢反馈！")

    def example_questions(assistant: Assistant, reports: list[ReportInfo]) -> list[str]:
        """Questions from the loaded reports that the assistant answers (extractively, every number verified)."""
        key = tuple((r.id, r.ingested_at, r.content_hash) for r in reports)
        if key not in examples_cache:
            chosen: list[str] = []
            try:
                figures = assistant.figures(None, "")
                for question, report_id, expected in example_candidates(reports, figures):
                    if len(chosen) >= MAX_EXAMPLES - 1:
                        break
                    if question in chosen:
                        continue
                    answer = assistant.ask(question, report=report_id, mode="extractive")
                    # an example must be answered, with the figure it was made from, every number verified
                    if (not answer.abstained and answer.citations and all(n.verified for n in answer.numbers)
                            and expected in answer.answer):
                        chosen.append(question)
            except Exception:  # examples are a convenience: the page works without them
                log.warning("could not derive example questions", exc_info=True)
            examples_cache.clear()
            examples_cache[key] = chosen + ([AUDIT_QUESTION] if reports else [])
        return examples_cache[key]

    def csv_file(prefix: str, text: str, key: str) -> str:
        digest = hashlib.sha1(f"{key}|{text}".encode()).hexdigest()[:12]
        csv_dir.mkdir(parents=True, exist_ok=True)
        path = csv_dir / f"{prefix}-{digest}.csv"
        if not path.exists():
            path.write_text(text, encoding="utf-8-sig")  # the BOM lets Excel read the Chinese
        return str(path)

    def show_figures(query: str, report: str | None):
        query = (query or "").strip()
        try:
            figures = get_assistant().figures(report or None, query)
        except Exception as exc:
            return pd.DataFrame(columns=FIGURE_COLUMNS), None, error_message(exc)
        table = pd.DataFrame(figures_rows(figures), columns=FIGURE_COLUMNS)
        found = f"找到 {len(figures)} 个数字" + (f"（搜索：{escape_text(query)}）" if query else "")
        download = csv_file("figures", figures_csv(figures), f"{report}|{query}") if figures else None
        return table, download, found

    def show_chart(report: str | None):
        try:
            lines = budget_lines(get_assistant().figures(report or None, ""))
        except Exception:  # the figures table above already says why
            lines = []
        bars = pd.DataFrame(budget_chart_rows(lines), columns=CHART_COLUMNS)
        # keep the report's order (budget beside its final account) rather than Vega's alphabetical one
        return (gr.BarPlot(value=bars, sort=list(bars["项目"]) or None),
                pd.DataFrame(budget_source_rows(lines), columns=CHART_SOURCE_COLUMNS))

    def show_audit(report: str | None, severities: list[str]):
        """The audit of the chosen (or only / first) report, filtered by severity, with its CSV."""
        empty = pd.DataFrame(columns=AUDIT_COLUMNS)
        if library is None:
            return empty, None, "⚠️ 审核结果不可用"
        try:
            reports = get_assistant().reports()
            report_id = report or (reports[0].id if reports else None)
            if report_id is None:
                return empty, None, NO_REPORTS_PLACEHOLDER
            findings = library.audit(report_id)
        except Exception as exc:
            return empty, None, error_message(exc)
        title = next((r.title for r in reports if r.id == report_id), report_id)
        wanted = {s for s, label in SEVERITY_LABELS.items() if label in (severities or [])}
        shown = [f for f in findings if f.severity in wanted]
        summary = (f"《{escape_text(title)}》：{audit_line(findings)}；当前显示 {len(shown)} 项。"
                   "每一项都列出所依据的原文和章节；“不一致”是报告自身的数字前后矛盾（已考虑四舍五入），"
                   "“提示”值得留意，“通过”是核对后相符。")
        table = pd.DataFrame(findings_rows(shown), columns=AUDIT_COLUMNS)
        download = csv_file(f"audit-{report_id}", findings_csv(shown), ",".join(sorted(wanted))) if shown else None
        return table, download, summary

    def library_state(request: gr.Request | None):
        """The reports table, the hint above it, and what the admin tab needs."""
        try:
            reports = get_assistant().reports()
        except Exception:
            reports = []
        admin = is_admin(request)
        if access is None or not access.enabled:
            hint = ("报告库为只读。要在网页上添加、替换或删除报告，请在服务器上设置 <code>ADMIN_AUTH=用户名:密码</code>"
                    "（接口用 <code>ADMIN_TOKEN</code>）后重启，再以管理员身份登录。")
        elif admin:
            hint = ('已以管理员身份登录：可在“报告管理”页添加、替换或删除报告。'
                    '<a href="admin/logout" target="_self">退出管理员登录</a>')
        else:  # HTML, not Markdown: Gradio opens a Markdown link in a new tab, the login belongs in this one
            hint = '报告库为只读。管理员请<a href="admin/login" target="_self">登录</a>后管理报告。'
        table = pd.DataFrame(library_rows(reports), columns=LIBRARY_COLUMNS)
        choices = [(f"{r.title or r.id}（{r.id}）", r.id) for r in reports]
        return reports, table, hint, admin, choices

    def on_load(query: str, severities: list[str], request: gr.Request):
        try:
            assistant = get_assistant()
            reports = assistant.reports()
        except Exception:
            assistant, reports = None, []
        choices = [(r.title or r.id, r.id) for r in reports]
        report = reports[0].id if reports else None
        selector = gr.Dropdown(choices=choices, value=report, visible=len(reports) > 1)
        examples = example_questions(assistant, reports) if assistant is not None else []
        chat = gr.Chatbot(examples=[{"text": q} for q in examples] or None)
        placeholder = f"请输入问题，例如：{examples[0]}" if examples else NO_REPORTS_PLACEHOLDER
        _, table, hint, admin, remove_choices = library_state(request)
        return (selector, chat, gr.Textbox(placeholder=placeholder), *show_figures(query, report),
                *show_chart(report), *show_audit(report, severities), table, hint, gr.Tab(visible=admin),
                gr.Dropdown(choices=remove_choices, value=None))

    @_admin_only
    def ingest_upload(file: str | None, report_id: str, request: gr.Request, progress=gr.Progress()):
        """Ingest the uploaded file; the page shows each step; a bad file gets one line and changes nothing."""
        from app.library import LibraryError

        if not is_admin(request) or library is None:
            raise gr.Error("只有管理员可以管理报告库")
        if not file:
            return ("⚠️ 请先选择要导入的报告文件（.pdf、.docx 或 .txt）。", *library_outputs(request, None))
        path = Path(file)
        progress(0.0, desc="开始导入")
        try:
            result = library.add(path, name=path.name, report_id=(report_id or "").strip() or None,
                                 progress=lambda share, label: progress(share, desc=label))
        except LibraryError as exc:
            return (f"⚠️ {escape_text(str(exc))}", *library_outputs(request, None))
        examples_cache.clear()
        return (ingest_summary(result.summary(), list(result.findings)), *library_outputs(request, result.report.id))

    def library_outputs(request: gr.Request | None, selected: str | None):
        reports, table, _, _, remove_choices = library_state(request)
        choices = [(r.title or r.id, r.id) for r in reports]
        value = selected if selected in {r.id for r in reports} else (reports[0].id if reports else None)
        return (table, gr.Dropdown(choices=remove_choices, value=None),
                gr.Dropdown(choices=choices, value=value, visible=len(reports) > 1))

    @_admin_only
    def ask_removal(report_id: str | None, request: gr.Request):
        if not is_admin(request):
            raise gr.Error("只有管理员可以管理报告库")
        if not report_id:
            return gr.Row(visible=False), "⚠️ 请先选择要删除的报告。"
        title = report_titles().get(report_id, report_id)
        return (gr.Row(visible=True),
                f"确认删除《{escape_text(title)}》（编号 `{escape_text(report_id)}`）吗？删除后将不能再就它提问。")

    @_admin_only
    def confirm_removal(report_id: str | None, request: gr.Request):
        from app.library import LibraryError

        if not is_admin(request) or library is None:
            raise gr.Error("只有管理员可以管理报告库")
        if not report_id:
            return (gr.Row(visible=False), "⚠️ 请先选择要删除的报告。", *library_outputs(request, None))
        try:
            info = library.remove(report_id)
        except LibraryError as exc:
            return (gr.Row(visible=False), f"⚠️ {escape_text(str(exc))}", *library_outputs(request, None))
        examples_cache.clear()
        return (gr.Row(visible=False), f"已删除《{escape_text(info.title or info.id)}》。",
                *library_outputs(request, None))

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}\n{DESCRIPTION}", elem_id="intro")
        report = gr.Dropdown(label="报告", choices=[], value=None, visible=False, interactive=True,
                             elem_id="report-selector")
        with gr.Tabs():
            with gr.Tab("问答", id="chat-tab"):
                turns = gr.State([])
                chatbot = gr.Chatbot(label="对话", elem_id="chat", height=560, buttons=["copy"],
                                     placeholder="可以直接点击下面的示例问题，或在下方输入问题。")
                with gr.Row():
                    box = gr.Textbox(show_label=False, placeholder="请输入问题", scale=8, elem_id="question",
                                     max_lines=4, autofocus=True)
                    send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
            with gr.Tab("数字核验", id="figures-tab") as figures_tab:
                gr.Markdown("报告中陈述的每一个数字：数值、单位、类型、说明、表格中的行和列、原句和所在章节。"
                            "可以搜索，也可以下载 CSV。")
                with gr.Row(equal_height=True):
                    query = gr.Textbox(label="搜索数字", placeholder="数值、说明、原句或章节中的文字",
                                       scale=6, elem_id="figure-search")
                    search = gr.Button("搜索", scale=1, min_width=80, elem_id="figure-search-btn")
                    download = gr.DownloadButton("下载 CSV", value=None, scale=1, min_width=100,
                                                 elem_id="figure-csv")
                found = gr.Markdown(elem_id="figure-count")
                table = gr.Dataframe(headers=FIGURE_COLUMNS, interactive=False, wrap=True, max_height=480,
                                     elem_id="figure-table", label="数字表",
                                     column_widths=["8%", "5%", "5%", "5%", "12%", "12%", "9%", "26%", "12%", "6%"])
                gr.Markdown("### 年初预算与决算对比（万元）\n图中每根柱子都来自下表中的一个数字，下表给出它在报告中的原文。")
                chart = gr.BarPlot(x="项目", y="金额（万元）", color="口径", x_label_angle=-20, height=420,
                                   label="年初预算与决算", elem_id="budget-chart", sort=None)
                chart_sources = gr.Dataframe(headers=CHART_SOURCE_COLUMNS, interactive=False, wrap=True,
                                             elem_id="budget-chart-sources", label="图中数字的出处",
                                             column_widths=["16%", "8%", "10%", "36%", "30%"])
            with gr.Tab("审核", id="audit-tab") as audit_tab:
                gr.Markdown("报告自身的数字是否前后一致：分项与合计、占比、增减幅度、预决算差异、执行率、上年数、"
                            "目标完成情况、重复段落。")
                with gr.Row(equal_height=True):
                    severities = gr.CheckboxGroup(choices=[SEVERITY_LABELS[s] for s in (INCONSISTENT, NOTE, OK)],
                                                  value=[SEVERITY_LABELS[s] for s in (INCONSISTENT, NOTE, OK)],
                                                  label="显示", scale=6, elem_id="audit-severity")
                    audit_download = gr.DownloadButton("下载 CSV", value=None, scale=1, min_width=100,
                                                       elem_id="audit-csv")
                audit_summary = gr.Markdown(elem_id="audit-summary")
                audit_table = gr.Dataframe(headers=AUDIT_COLUMNS, interactive=False, wrap=True, max_height=640,
                                           elem_id="audit-table", label="审核结果",
                                           column_widths=["7%", "9%", "40%", "12%", "22%", "10%"])
            with gr.Tab("报告库", id="library-tab"):
                library_hint = gr.HTML(elem_id="library-hint")
                library_table = gr.Dataframe(headers=LIBRARY_COLUMNS, interactive=False, wrap=True,
                                             elem_id="library-table", label="已导入的报告")
            with gr.Tab("报告管理", id="admin-tab", visible=False) as admin_tab:
                gr.Markdown("上传 .pdf、.docx 或 .txt 报告（不超过 50 MB）。与已有报告同编号的，新版本完整导入后才替换"
                            "旧版本；导入期间问答照常进行。")
                with gr.Row(equal_height=True):
                    upload = gr.File(label="报告文件", file_types=[".pdf", ".docx", ".txt"], type="filepath",
                                     file_count="single", scale=4, elem_id="library-file")
                    with gr.Column(scale=3):
                        new_id = gr.Textbox(label="报告编号（可选）", placeholder="默认取文件名；同编号即替换旧版本",
                                            elem_id="library-id")
                        ingest_button = gr.Button("导入报告", variant="primary", elem_id="library-ingest")
                ingest_result = gr.Markdown(elem_id="library-result", min_height=80)
                gr.Markdown("### 删除报告")
                with gr.Row(equal_height=True):
                    remove_choice = gr.Dropdown(label="要删除的报告", choices=[], value=None, scale=4,
                                                elem_id="library-remove-choice")
                    remove_button = gr.Button("删除…", variant="stop", scale=1, elem_id="library-remove")
                with gr.Row(visible=False) as confirm_row:
                    confirm_button = gr.Button("确认删除", variant="stop", elem_id="library-remove-confirm")
                    cancel_button = gr.Button("取消", elem_id="library-remove-cancel")
                remove_result = gr.Markdown(elem_id="library-remove-result")

        # The UI's events are for the page only: programs use the token-guarded JSON API (/api/*) instead.
        private = {"api_visibility": "private"}
        chat_outputs = [box, chatbot, turns]
        figure_outputs = [table, download, found]
        audit_outputs = [audit_table, audit_download, audit_summary]
        library_changes = [library_table, remove_choice, report]
        box.submit(ask, [box, turns, report], chat_outputs, **private)
        send.click(ask, [box, turns, report], chat_outputs, **private)
        chatbot.example_select(ask_example, [turns, report], chat_outputs, **private)
        chatbot.like(on_like, [turns], None, **private)
        chatbot.clear(lambda: [], None, [turns], **private)
        report.input(lambda: ([], []), None, [chatbot, turns], **private).then(
            show_figures, [query, report], figure_outputs, **private).then(
            show_chart, [report], [chart, chart_sources], **private).then(
            show_audit, [report, severities], audit_outputs, **private)
        search.click(show_figures, [query, report], figure_outputs, **private)
        query.submit(show_figures, [query, report], figure_outputs, **private)
        figures_tab.select(show_figures, [query, report], figure_outputs, **private).then(
            show_chart, [report], [chart, chart_sources], **private)
        audit_tab.select(show_audit, [report, severities], audit_outputs, **private)
        severities.change(show_audit, [report, severities], audit_outputs, **private)
        # admin events: refused on every route to anyone but the admin (app/access.py), and checked again here
        ingest_button.click(ingest_upload, [upload, new_id], [ingest_result, *library_changes], api_name="ingest",
                            concurrency_limit=1, show_progress_on=[ingest_result], **private)
        remove_button.click(ask_removal, [remove_choice], [confirm_row, remove_result], api_name="ask_removal",
                            **private)
        confirm_button.click(confirm_removal, [remove_choice], [confirm_row, remove_result, *library_changes],
                             api_name="remove", **private)
        cancel_button.click(lambda: (gr.Row(visible=False), ""), None, [confirm_row, remove_result], **private)
        demo.load(on_load, [query, severities],
                  [report, chatbot, box, table, download, found, chart, chart_sources, *audit_outputs,
                   library_table, library_hint, admin_tab, remove_choice], **private)
    return demo


def admin_events(demo: gr.Blocks) -> tuple[set[int], set[str]]:
    """The ids and api names of the page's admin events (the handlers marked with _admin_only)."""
    fns = [(fn_id, block_fn) for fn_id, block_fn in demo.fns.items() if getattr(block_fn.fn, "admin_only", False)]
    return {fn_id for fn_id, _ in fns}, {b.api_name for _, b in fns if isinstance(b.api_name, str)}
