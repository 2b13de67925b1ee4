"""Who may change the report library: the admin login of the page (ADMIN_AUTH) and the admin token of the API
(ADMIN_TOKEN). With neither set the library is read-only; it is never open by default.

An admin signs in on the page in one of two ways: with Gradio's own login (when UI_AUTH is set, the login accepts
the admin's user name and password too), or at /admin/login, which sets an admin session cookie and works whether
or not the chat itself needs a login. `AdminRouteGuard` closes the admin events wherever Gradio serves them
(/gradio_api/queue/join, /run, /call, /upload ...): a request without an admin session gets 401, a viewer's 403.
"""
from __future__ import annotations

import hmac
import html
import json
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request

from app.settings import Settings, SettingsError

SESSION_COOKIE = "reportqa-admin"
SESSION_SECONDS = 8 * 3600
FAILED_LOGIN_DELAY_S = 1.0
NOT_ENABLED = "报告库为只读：服务器未设置 ADMIN_AUTH（网页）或 ADMIN_TOKEN（API），管理功能未启用"
LOGIN_NEEDED = "需要管理员登录"
ADMIN_ONLY = "只有管理员可以管理报告库"

# Gradio routes that run an event (by fn_index in the JSON body, or by api name in the path), and its upload route
EVENT_ROUTES = ("/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/api/", "/gradio_api/call/")
UPLOAD_ROUTE = "/gradio_api/upload"


def parse_credentials(value: str, name: str) -> tuple[str, str] | None:
    """'user:password' -> (user, password); '' -> None; anything else is a SettingsError."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise SettingsError(f"{name} must look like user:password")
    return user, password


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class AdminAccess:
    """Admin credentials and sessions, and the one question every admin function asks: is this the admin?"""

    def __init__(self, settings: Settings) -> None:
        self.admin = parse_credentials(settings.admin_auth, "ADMIN_AUTH")
        self.viewer = parse_credentials(settings.ui_auth, "UI_AUTH")
        if self.admin and self.viewer and self.admin[0] == self.viewer[0]:
            raise SettingsError("ADMIN_AUTH and UI_AUTH must name different users")
        self.token = settings.admin_token
        if self.token and self.token == settings.api_token:
            raise SettingsError("ADMIN_TOKEN must differ from API_TOKEN (the API token only reads)")
        self._sessions: dict[str, float] = {}
        self._lock = threading.Lock()
        self.page_user: Callable[[Request], str | None] = lambda request: None  # Gradio's login, set when mounted

    @property
    def enabled(self) -> bool:
        """The page has an admin (ADMIN_AUTH is set)."""
        return self.admin is not None

    # -- the page ---------------------------------------------------------------------------------------------------
    def gradio_auth(self) -> Callable[[str, str], bool] | tuple[str, str] | None:
        """What Gradio's login accepts: the viewer (UI_AUTH) and, beside it, the admin; None: no page login."""
        if self.viewer is None:
            return None
        if self.admin is None:
            return self.viewer
        pairs = [self.viewer, self.admin]

        def check(user: str, password: str) -> bool:
            return any(_same(user, u) & _same(password, p) for u, p in pairs)

        return check

    def check_password(self, user: str, password: str) -> bool:
        """The admin's user name and password (constant-time)."""
        if self.admin is None:
            return False
        return _same(user, self.admin[0]) & _same(password, self.admin[1])

    def open_session(self) -> str:
        """A new admin session; its token goes into the session cookie."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            self._sessions = {t: until for t, until in self._sessions.items() if until > now}
            self._sessions[token] = now + SESSION_SECONDS
        return token

    def close_session(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def _session_valid(self, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            until = self._sessions.get(token)
        return until is not None and until > time.time()

    def is_admin(self, request: Request | None, username: str | None = None) -> bool:
        """The request comes from the admin: an admin session cookie, or Gradio's login as the admin user."""
        if self.admin is None or request is None:
            return False
        if self._session_valid(request.cookies.get(SESSION_COOKIE)):
            return True
        user = username if username is not None else self.page_user(request)
        return bool(user) and _same(user, self.admin[0])

    def refusal(self, request: Request, username: str | None = None) -> tuple[int, str] | None:
        """None for the admin; else the status and one-line reason: 401 without a session, 403 for a viewer."""
        if self.admin is None:
            return 403, NOT_ENABLED
        if self.is_admin(request, username):
            return None
        user = username if username is not None else self.page_user(request)
        return (403, ADMIN_ONLY) if user else (401, LOGIN_NEEDED)

    # -- the API ----------------------------------------------------------------------------------------------------
    def token_refusal(self, authorization: str | None) -> tuple[int, str] | None:
        """None for `Bearer <ADMIN_TOKEN>`; else 401 (no token) or 403 (wrong token, or none configured)."""
        if not self.token:
            return 403, NOT_ENABLED
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return 401, "缺少管理员令牌（Authorization: Bearer <ADMIN_TOKEN>）"
        if not _same(given.strip(), self.token):
            return 403, "管理员令牌错误"
        return None


class AdminRouteGuard:
    """ASGI middleware: Gradio's routes serve the admin events (and uploads, which only the admin tab takes) only to
    the admin. Other requests pass untouched; an event request's body is read here and handed on unchanged."""

    def __init__(self, app: Callable[..., Awaitable[None]], access: AdminAccess,
                 admin_events: Callable[[], tuple[set[int], set[str]]]) -> None:
        self.app = app
        self.access = access
        self.admin_events = admin_events  # (fn ids, api names) of the admin events, known once the UI is built

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        if path.rstrip("/") == UPLOAD_ROUTE:
            if not await self._allowed(scope, send):
                return
            await self.app(scope, receive, send)
            return
        if not any(path.startswith(r) for r in EVENT_ROUTES):
            await self.app(scope, receive, send)
            return
        body, receive = await _buffered(receive)
        fn_ids, names = self.admin_events()
        api_name = path.rstrip("/").rsplit("/", 1)[-1] if not path.startswith(EVENT_ROUTES[0]) else None
        try:
            fn_index = json.loads(body or b"{}").get("fn_index")
        except (ValueError, AttributeError):
            fn_index = None
        if (fn_index in fn_ids or api_name in names) and not await self._allowed(scope, send):
            return
        await self.app(scope, receive, send)

    async def _allowed(self, scope: dict, send: Callable) -> bool:
        refusal = self.access.refusal(Request(scope))
        if refusal is None:
            return True
        status, message = refusal
        headers = [(b"content-type", b"application/json")]
        if status == 401:
            headers.append((b"www-authenticate", b'Cookie realm="admin"'))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": json.dumps({"error": message}, ensure_ascii=False).encode()})
        return False


def _route_path(scope: dict) -> str:
    path = scope.get("path", "")
    root = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


async def _buffered(receive: Callable) -> tuple[bytes, Callable]:
    """Read a request body whole and give back a `receive` that replays it."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return b"", receive
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def login_page(message: str = "", enabled: bool = True) -> str:
    """The admin login form (or, when ADMIN_AUTH is unset, how to enable it)."""
    if not enabled:
        body = ("<p>管理功能未启用：报告库为只读。</p><p>要在网页上添加、替换和删除报告，请在服务器上设置 "
                "<code>ADMIN_AUTH=用户名:密码</code>（接口用 <code>ADMIN_TOKEN</code>）后重启服务。</p>")
    else:
        note = f'<p class="error">{html.escape(message)}</p>' if message else ""
        body = (f"{note}<form method=\"post\" action=\"login\">"
                "<label>用户名 <input name=\"username\" autocomplete=\"username\" required></label>"
                "<label>密码 <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
                "</label><button type=\"submit\">登录</button></form>")
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>管理员登录</title>"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>"
            "body{font-family:'Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif;max-width:360px;"
            "margin:10vh auto;padding:0 16px;color:#222}label{display:block;margin:12px 0}input{width:100%;"
            "padding:8px;box-sizing:border-box}button{padding:8px 20px;background:#b91c1c;color:#fff;border:0;"
            "border-radius:4px}.error{color:#b91c1c}a{color:#b91c1c}</style></head><body>"
            f"<h1>管理员登录</h1>{body}<p><a href=\"../\">返回问答</a></p></body></html>")
