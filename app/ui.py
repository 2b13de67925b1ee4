"""The Gradio web chat (Chinese): it only formats and calls the assistant.

`respond(message, history, report)` is the whole chat: it streams the assistant's reply and formats it with its
sources. The 数字核验 tab shows every figure the report states, a CSV of them and a chart drawn from them.
Everything the UI inserts into the chat is escaped first; the Chatbot's own HTML sanitizer stays on.
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

from app.answer import Answer
from app.charts import (CHART_COLUMNS, CHART_SOURCE_COLUMNS, FIGURE_COLUMNS, budget_chart_rows, budget_lines,
                        budget_source_rows, figures_csv, figures_rows)
from app.errors import AssistantError, BusyError, KnowledgeBaseUnavailable
from app.settings import Settings

if TYPE_CHECKING:
    from app.assistant import Assistant

log = logging.getLogger("app.ui")

TITLE = "政府报告问答助手"
DESCRIPTION = ("依据已导入的政府报告回答问题：数字是多少、原因是什么、有哪些工作；每个回答都附报告原文出处，"
               "回答中的数字都与原文核对。也可以用英文提问。")
EXAMPLES = ["现有多少名残疾人在托？", "2023年收入下降的主要原因是什么？", "部门年度重点工作任务有哪些？",
            "What was the department's total income in 2023?"]
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
            lines.append(f"{i}\\. 「{highlight(c.text, c.highlights)}」  \n"
                         f"　　<small>章节：{escape_text(c.section or '—')} ｜ 报告：{escape_text(report)}</small>")
        parts.append("\n\n".join(lines))
    return "\n\n".join(parts)


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


def build_ui(get_assistant: Callable[[], Assistant], settings: Settings,
             log_question: Callable[..., None] | None = None) -> gr.Blocks:
    """The Gradio Blocks: the chat tab and the 数字核验 tab, calling `get_assistant()` for every request."""
    write_feedback = _feedback_writer(Path(settings.feedback_path))
    csv_dir = Path(tempfile.gettempdir()) / "gov-report-qa-figures"

    def report_titles() -> dict[str, str]:
        try:
            return {r.id: r.title or r.id for r in get_assistant().reports()}
        except Exception:  # titles are cosmetic: fall back to report ids
            return {}

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

    def csv_file(figures: list, report: str | None, query: str) -> str | None:
        if not figures:
            return None
        text = figures_csv(figures)
        digest = hashlib.sha1(f"{report}|{query}|{text}".encode()).hexdigest()[:12]
        csv_dir.mkdir(parents=True, exist_ok=True)
        path = csv_dir / f"figures-{digest}.csv"
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
        return table, csv_file(figures, report, query), found

    def show_chart(report: str | None):
        try:
            lines = budget_lines(get_assistant().figures(report or None, ""))
        except Exception:  # the figures table above already says why
            lines = []
        bars = pd.DataFrame(budget_chart_rows(lines), columns=CHART_COLUMNS)
        # keep the report's order (budget beside its final account) rather than Vega's alphabetical one
        return (gr.BarPlot(value=bars, sort=list(bars["项目"]) or None),
                pd.DataFrame(budget_source_rows(lines), columns=CHART_SOURCE_COLUMNS))

    def on_load(query: str):
        try:
            reports = get_assistant().reports()
        except Exception:
            reports = []
        choices = [(r.title or r.id, r.id) for r in reports]
        report = reports[0].id if reports else None
        selector = gr.Dropdown(choices=choices, value=report, visible=len(reports) > 1)
        return (selector, *show_figures(query, report), *show_chart(report))

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}\n{DESCRIPTION}", elem_id="intro")
        report = gr.Dropdown(label="报告", choices=[], value=None, visible=False, interactive=True,
                             elem_id="report-selector")
        with gr.Tabs():
            with gr.Tab("问答", id="chat-tab"):
                turns = gr.State([])
                chatbot = gr.Chatbot(label="对话", elem_id="chat", height=560, buttons=["copy"],
                                     examples=[{"text": q} for q in EXAMPLES],
                                     placeholder="可以直接点击下面的示例问题，或在下方输入问题。")
                with gr.Row():
                    box = gr.Textbox(show_label=False, placeholder="请输入问题，例如：现有多少名残疾人在托？",
                                     scale=8, elem_id="question", max_lines=4, autofocus=True)
                    send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
            with gr.Tab("数字核验", id="figures-tab") as figures_tab:
                gr.Markdown("报告中陈述的每一个数字：数值、单位、类型、说明、原句和所在章节。可以搜索，也可以下载 CSV。")
                with gr.Row(equal_height=True):
                    query = gr.Textbox(label="搜索数字", placeholder="数值、说明、原句或章节，例如：在托、2700.38",
                                       scale=6, elem_id="figure-search")
                    search = gr.Button("搜索", scale=1, min_width=80, elem_id="figure-search-btn")
                    download = gr.DownloadButton("下载 CSV", value=None, scale=1, min_width=100,
                                                 elem_id="figure-csv")
                found = gr.Markdown(elem_id="figure-count")
                table = gr.Dataframe(headers=FIGURE_COLUMNS, interactive=False, wrap=True, max_height=480,
                                     elem_id="figure-table", label="数字表",
                                     column_widths=["9%", "6%", "6%", "6%", "15%", "34%", "16%", "8%"])
                gr.Markdown("### 年初预算与决算对比（万元）\n图中每根柱子都来自下表中的一个数字，下表给出它在报告中的原文。")
                chart = gr.BarPlot(x="项目", y="金额（万元）", color="口径", x_label_angle=-20, height=420,
                                   label="年初预算与决算", elem_id="budget-chart", sort=None)
                chart_sources = gr.Dataframe(headers=CHART_SOURCE_COLUMNS, interactive=False, wrap=True,
                                             elem_id="budget-chart-sources", label="图中数字的出处",
                                             column_widths=["16%", "8%", "10%", "36%", "30%"])

        # The UI's events are for the page only: programs use the token-guarded JSON API (/api/*) instead.
        private = {"api_visibility": "private"}
        chat_outputs = [box, chatbot, turns]
        figure_outputs = [table, download, found]
        box.submit(ask, [box, turns, report], chat_outputs, **private)
        send.click(ask, [box, turns, report], chat_outputs, **private)
        chatbot.example_select(ask_example, [turns, report], chat_outputs, **private)
        chatbot.like(on_like, [turns], None, **private)
        chatbot.clear(lambda: [], None, [turns], **private)
        report.input(lambda: ([], []), None, [chatbot, turns], **private).then(
            show_figures, [query, report], figure_outputs, **private).then(
            show_chart, [report], [chart, chart_sources], **private)
        search.click(show_figures, [query, report], figure_outputs, **private)
        query.submit(show_figures, [query, report], figure_outputs, **private)
        figures_tab.select(show_figures, [query, report], figure_outputs, **private).then(
            show_chart, [report], [chart, chart_sources], **private)
        demo.load(on_load, [query], [report, table, download, found, chart, chart_sources], **private)
    return demo
