"""The admin events are closed on Gradio's own routes, called directly (not through the page): /gradio_api/queue/join,
/call, /run and /upload answer 401 without an admin session and 403 to a viewer; the admin (Gradio's login with
ADMIN_AUTH, or /admin/login) gets through and can ingest a report over those routes. The chat stays open unless
UI_AUTH is set."""
from __future__ import annotations

import json
import os
import time
import uuid

import httpx
import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app.api import create_app  # noqa: E402
from app.settings import BUILTIN_REPORTS_DIR, Settings, SettingsError  # noqa: E402
from tests.app.fake_assistant import serve  # noqa: E402
from tests.app.test_library_api import real_factory, wait_ready  # noqa: E402

pytestmark = pytest.mark.http

BUILTIN = BUILTIN_REPORTS_DIR / "liwan-dpf-2023-performance-self-evaluation.txt"
ADMIN_AUTH = "chief:admin-pw-4321"
UI_AUTH = "staff:staff-pw-1234"
ADMIN_EVENTS = ("ingest", "ask_removal", "remove")


def event_ids(client: httpx.Client) -> dict[str, int]:
    """The page's events by api name, as the page itself learns them (/config)."""
    return {d["api_name"]: d["id"] for d in client.get("/config").json()["dependencies"] if d.get("api_name")}


def join(client: httpx.Client, fn_index: int, data: list, session: str | None = None) -> httpx.Response:
    return client.post("/gradio_api/queue/join", json={"data": data, "fn_index": fn_index, "event_data": None,
                                                       "session_hash": session or uuid.uuid4().hex[:11]})


def upload_file(client: httpx.Client) -> httpx.Response:
    return client.post("/gradio_api/upload", files={"files": ("care.txt", BUILTIN.read_bytes(), "text/plain")})


def completed(client: httpx.Client, session: str, timeout_s: float = 60) -> dict:
    """Read the session's event stream until its event completes; the completion message."""
    deadline = time.monotonic() + timeout_s
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}, timeout=timeout_s) as r:
        for line in r.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
            assert time.monotonic() < deadline
    raise AssertionError("the event never completed")


def refused_everywhere(client: httpx.Client, status: int) -> None:
    """Every way Gradio runs an admin event, and its upload route, answer `status` with one line."""
    ids = event_ids(client)
    for name in ADMIN_EVENTS:
        for r in (join(client, ids[name], [None, ""]), client.post(f"/gradio_api/call/{name}", json={"data": []}),
                  client.post(f"/gradio_api/run/{name}", json={"data": [], "fn_index": ids[name]}),
                  client.post(f"/gradio_api/call/v2/{name}", json={})):
            assert r.status_code == status, (name, r.request.url, r.text)
            assert r.json()["error"] and "\n" not in r.json()["error"]
    assert upload_file(client).status_code == status


@pytest.fixture
def open_chat_server(tmp_path):
    """UI_AUTH unset (the chat needs no login), ADMIN_AUTH set: the admin signs in at /admin/login."""
    app = create_app(Settings(data_dir=tmp_path, admin_auth=ADMIN_AUTH), assistant_factory=real_factory())
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        wait_ready(client)
        yield client


def test_without_a_session_admin_events_are_401_and_the_chat_stays_open(open_chat_server):
    client = open_chat_server
    refused_everywhere(client, 401)
    ids = event_ids(client)
    assert join(client, ids["ask"], ["收入多少？", [], None]).status_code == 200  # open unless UI_AUTH is set


def test_the_admin_signs_in_and_ingests_over_gradio_routes(open_chat_server):
    client = open_chat_server
    wrong = client.post("/admin/login", data={"username": "chief", "password": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    refused_everywhere(client, 401)
    right = client.post("/admin/login", data={"username": "chief", "password": "admin-pw-4321"},
                        follow_redirects=False)
    assert right.status_code == 303 and "reportqa-admin" in right.headers["set-cookie"]
    assert "httponly" in right.headers["set-cookie"].lower() and "samesite=lax" in right.headers["set-cookie"].lower()

    uploaded = upload_file(client)
    assert uploaded.status_code == 200, uploaded.text
    path = uploaded.json()[0]
    session = uuid.uuid4().hex[:11]
    file_data = {"path": path, "orig_name": "care.txt", "meta": {"_type": "gradio.FileData"}}
    assert join(client, event_ids(client)["ingest"], [file_data, "care-2023"], session).status_code == 200
    message = completed(client, session)
    assert message["success"], message
    summary = message["output"]["data"][0]
    assert "已导入" in summary and "care-2023" in summary and "不一致 6 项" in summary
    assert [r["id"] for r in client.get("/api/reports").json()] == ["care-2023"]

    client.get("/admin/logout")
    refused_everywhere(client, 401)  # the session is closed on the server, not only forgotten by the browser


def test_a_viewer_gets_403_and_the_admin_login_of_the_page_opens_them(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, admin_auth=ADMIN_AUTH, ui_auth=UI_AUTH),
                     assistant_factory=real_factory())
    with serve(app) as url:
        with httpx.Client(base_url=url, timeout=60) as anonymous:
            wait_ready(anonymous)
            assert anonymous.post("/gradio_api/queue/join", json={"data": [], "fn_index": 0,
                                                                  "session_hash": "x"}).status_code == 401
        with httpx.Client(base_url=url, timeout=60) as viewer:
            assert viewer.post("/login", data={"username": "staff", "password": "staff-pw-1234"}).status_code == 200
            refused_everywhere(viewer, 403)
            assert join(viewer, event_ids(viewer)["ask"], ["收入多少？", [], None]).status_code == 200
        with httpx.Client(base_url=url, timeout=60) as admin:
            assert admin.post("/login", data={"username": "chief", "password": "admin-pw-4321"}).status_code == 200
            assert upload_file(admin).status_code == 200
            assert join(admin, event_ids(admin)["ingest"], [None, ""]).status_code == 200


def test_with_no_admin_configured_the_admin_events_are_403(tmp_path):
    app = create_app(Settings(data_dir=tmp_path), assistant_factory=real_factory())
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        wait_ready(client)
        refused_everywhere(client, 403)
        page = client.get("/admin/login")
        assert page.status_code == 200 and "ADMIN_AUTH" in page.text and "<form" not in page.text
        assert client.post("/admin/login", data={"username": "chief", "password": "x"},
                           follow_redirects=False).status_code == 401


@pytest.mark.parametrize("overrides, words", [
    ({"admin_auth": "no-colon"}, "ADMIN_AUTH"),
    ({"admin_auth": "same:pw-1", "ui_auth": "same:pw-2"}, "different users"),
    ({"admin_token": "t", "api_token": "t"}, "ADMIN_TOKEN"),
])
def test_admin_settings_that_cannot_work_are_refused_at_start(tmp_path, overrides, words):
    with pytest.raises(SettingsError, match=words):
        create_app(Settings(data_dir=tmp_path, **overrides), assistant_factory=real_factory())
