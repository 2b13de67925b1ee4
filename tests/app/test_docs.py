"""The OpenAPI docs at /docs work on an intranet: the page loads Swagger UI from the server itself, never a CDN."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app.api import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.app.fake_assistant import fake_factory, serve  # noqa: E402

pytestmark = pytest.mark.http

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*'([^']+)'""")


def page_links(html: str) -> list[str]:
    """Every script, stylesheet, icon and OpenAPI URL the docs page makes the browser fetch."""
    return [a or b for a, b in _LINK.findall(html)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server with the fake assistant; yields its base URL."""
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("docs")), assistant_factory=fake_factory())
    with serve(app) as url:
        yield url


def test_docs_page_uses_only_assets_the_server_serves(server):
    with httpx.Client(base_url=server) as client:
        page = client.get("/docs")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        links = page_links(page.text)
        assert len(links) >= 4  # stylesheet, icon, script, openapi.json
        assert not [u for u in links if urlsplit(u).netloc or not u.startswith("/")], links
        assert "cdn" not in page.text.lower()
        kinds = {}
        for link in links:
            r = client.get(link)
            assert r.status_code == 200, link
            kinds[Path(urlsplit(link).path).suffix] = (r.headers["content-type"], len(r.content))
        assert kinds[".js"][0].startswith("text/javascript") and kinds[".js"][1] > 100_000  # the real bundle
        assert kinds[".css"][0].startswith("text/css")
        assert kinds[".json"][0].startswith("application/json")


def test_only_the_swagger_files_are_served(server):
    with httpx.Client(base_url=server) as client:
        # the bundle also carries a demo page that would load the public petstore: not reachable
        assert client.get("/docs/assets/index.html").status_code == 404
        assert client.get("/docs/assets/swagger-initializer.js").status_code == 404
        assert client.get("/docs/assets/..%2F..%2F__init__.py").status_code == 404
        assert client.get("/redoc").status_code == 404  # ReDoc has no local copy: off rather than blank


def test_docs_behind_a_reverse_proxy_point_under_its_sub_path(tmp_path):
    app = create_app(Settings(data_dir=tmp_path), assistant_factory=fake_factory())
    with serve(app, root_path="/qa") as url, httpx.Client(base_url=url) as client:
        links = page_links(client.get("/docs").text)
        assert links and all(u.startswith("/qa/") for u in links), links
        for link in links:  # the proxy strips /qa before forwarding
            assert client.get(link.removeprefix("/qa")).status_code == 200, link


@pytest.mark.browser
def test_docs_render_the_routes_in_a_real_browser_without_the_internet(server):
    if not Path(CHROMIUM).exists() or not shutil.which("chromium"):
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import expect, sync_playwright

    host = urlsplit(server).netloc
    elsewhere: list[str] = []

    def only_this_server(route) -> None:
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:  # what an intranet does to a CDN request
            elsewhere.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", only_this_server)
            page.goto(f"{server}/docs", wait_until="domcontentloaded")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("政府报告问答助手 API", timeout=30_000)
            for path in ("/api/ask", "/api/figures", "/api/reports", "/healthz", "/version"):
                expect(page.locator(f'.opblock-summary-path[data-path="{path}"]').first).to_be_visible()
            page.locator('.opblock-summary-path[data-path="/api/ask"]').first.click()
            expect(page.locator(".opblock-body").first).to_contain_text("question")  # the request body schema
        finally:
            browser.close()
    assert elsewhere == []
