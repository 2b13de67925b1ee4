"""The server: JSON routes for the portal beside the Gradio chat, in one FastAPI app built by `create_app`.

The assistant (store + models) is built in a background thread at startup, so the server answers at once:
/healthz says 503 "loading" until the assistant is ready, and questions asked before that get a 503 too.
The report library (POST/DELETE /api/reports) takes the admin token (ADMIN_TOKEN); the page's admin signs in with
ADMIN_AUTH (app/access.py). The chat and its Gradio routes are open unless UI_AUTH is set.
"""
from __future__ import annotations

import contextlib
import hmac
import importlib.abc
import importlib.machinery
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.access import SESSION_COOKIE, SESSION_SECONDS, AdminAccess, AdminRouteGuard, login_page
from app.answer import Answer
from ingest.audit import SEVERITIES
from app.errors import AssistantError, KnowledgeBaseUnavailable
from app.library import MAX_UPLOAD_BYTES, FileTooLarge, LibraryError, ReportLibrary
from app.settings import ANSWER_MODES, PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from app.assistant import Assistant

VERSION = "0.1.0"
UI_PATH = "/"
DOCS_PATH = "/docs"
DOCS_ASSETS_PATH = "/docs/assets"  # the Swagger UI files (swagger-ui-bundle-v2)
DOCS_ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
               "favicon-32x32.png": "image/png", "swagger-ui-bundle.js.map": "application/json",
               "swagger-ui.css.map": "application/json"}
LOADING_MESSAGE = "知识库正在加载，请稍后再试"
UNAVAILABLE_MESSAGE = "知识库暂不可用，请稍后再试"
MAX_HISTORY = 20

log = logging.getLogger("app.server")
question_log = logging.getLogger("app.questions")

AssistantFactory = Callable[[Settings], "Assistant"]


def _default_factory(settings: Settings) -> Assistant:
    from app.assistant import build_assistant  # imported late: it loads the store and model libraries

    return build_assistant(settings)


def one_line(text: object, limit: int = 300) -> str:
    """Collapse any message to one readable line (errors never carry a stack trace or newlines)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class AssistantSlot:
    """Builds the assistant in a background thread (retrying while the store is unreachable) and hands it out."""

    def __init__(self, settings: Settings, factory: AssistantFactory, retry_s: float = 5.0) -> None:
        self.settings = settings
        self.factory = factory
        self.retry_s = retry_s
        self.assistant: Assistant | None = None
        self.error = ""
        self.started_at = time.monotonic()
        self.ready_after_s: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start building in the background (idempotent)."""
        if self._thread is None:
            self.started_at = time.monotonic()
            self._thread = threading.Thread(target=self._build, name="assistant-build", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop retrying a failed build."""
        self._stop.set()

    def _build(self) -> None:
        delay = self.retry_s
        while not self._stop.is_set():
            try:
                assistant = self.factory(self.settings)
            except Exception as exc:  # any failure to load is reported by /healthz and retried
                self.error = one_line(f"{type(exc).__name__}: {exc}")
                log.warning("assistant not ready, retrying in %.0f s: %s", delay, self.error)
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, 60.0)
                continue
            self.assistant, self.error = assistant, ""
            self.ready_after_s = time.monotonic() - self.started_at
            log.info("assistant ready in %.1f s", self.ready_after_s)
            return

    def get(self) -> Assistant:
        """The assistant, or KnowledgeBaseUnavailable while it is still loading (or failed to load)."""
        if self.assistant is None:
            raise KnowledgeBaseUnavailable(LOADING_MESSAGE if not self.error else UNAVAILABLE_MESSAGE)
        return self.assistant


class QuestionLogger:
    """One structured log line per question: request id, channel, mode, latency, abstained; the question if allowed."""

    def __init__(self, settings: Settings) -> None:
        self.include_question = settings.log_questions

    def __call__(self, *, request_id: str, channel: str, question: str, latency_ms: float,
                 answer: Answer | None = None, error: Exception | None = None, report: str | None = None) -> None:
        """Write the line for one question (answered, or failed with `error`)."""
        record: dict[str, Any] = {"event": "question", "request_id": request_id, "channel": channel,
                                  "latency_ms": round(latency_ms, 1), "report": report or ""}
        if answer is not None:
            record.update(mode=answer.mode, abstained=answer.abstained, citations=len(answer.citations),
                          unverified=sum(not n.verified for n in answer.numbers), status="ok")
        if error is not None:
            record.update(status=type(error).__name__, error=one_line(error))
        if self.include_question:
            record["question"] = question
        question_log.info(json.dumps(record, ensure_ascii=False))


def git_commit() -> str | None:
    """The commit the code runs from, if it runs from a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                             text=True, timeout=2, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


# --- request and response bodies (they also document /docs) ---

def _no_control_chars(text: str) -> str:
    if any(ord(c) < 32 and c not in "\t\n\r" or ord(c) == 127 for c in text):
        raise ValueError("contains control characters")
    return text


class HistoryItem(BaseModel):
    """One earlier turn of the conversation."""

    role: Literal["user", "assistant"]
    content: StrictStr = Field(max_length=4000)

    @field_validator("content")
    @classmethod
    def printable(cls, value: str) -> str:
        return _no_control_chars(value)


class AskRequest(BaseModel):
    """A question, with the conversation so far (for follow-ups) and the report to ask (default: the only/first)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"question": "本年度部门整体支出是多少？"}]})

    question: StrictStr = Field(max_length=2000)
    history: list[HistoryItem] | None = Field(default=None, max_length=MAX_HISTORY * 2)
    report: StrictStr | None = Field(default=None, max_length=200)
    mode: Literal[ANSWER_MODES] | None = None  # type: ignore[valid-type]

    @field_validator("question", "report")
    @classmethod
    def printable(cls, value: str | None) -> str | None:
        return value if value is None else _no_control_chars(value)


class CitationOut(BaseModel):
    """A report sentence the answer rests on; `highlights` are the figures to mark in it."""

    text: str
    section: str
    report: str
    highlights: list[str] = []


class NumberOut(BaseModel):
    """A number of the answer and whether it was verified against the cited sentence (`source`)."""

    text: str
    verified: bool
    figure: str = ""
    source: str = ""
    reason: str = ""


class AnswerRecord(BaseModel):
    """The answer record of shared/eval/README.md, plus notice and report."""

    question: str
    answer: str
    abstained: bool
    citations: list[CitationOut]
    numbers: list[NumberOut]
    mode: str
    latency_ms: float
    notice: str = ""
    report: str = ""
    request_id: str = ""


class ErrorOut(BaseModel):
    """Every error: one line a person can read."""

    error: str


class ReportAdded(BaseModel):
    """A report ingested through the library: its counts, and its audit's (findings by severity)."""

    id: str
    title: str
    year: int | None
    chunks: int
    figures: int
    tables: int
    coverage: float
    sections: int = 0
    cells: int = 0
    format: str = ""
    findings: dict[str, int] = {}
    replaced: bool = False  # an earlier version with this id was served until this one was complete
    changed: bool = True  # False: the same content was already served, nothing was written
    seconds: float = 0.0


class CitationBrief(BaseModel):
    """A sentence (or table row) an audit finding rests on."""

    text: str
    section: str


class FindingOut(BaseModel):
    """One result of the figures audit: inconsistent (the report contradicts itself), note, or ok."""

    kind: str
    severity: Literal["inconsistent", "note", "ok"]
    message: str
    figures: list[str]
    citations: list[CitationBrief]


class AuditOut(BaseModel):
    """The figures audit kept with a report."""

    report: str
    findings: list[FindingOut]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in (
        (400, "empty, too long or unreadable question / body"), (401, "missing or wrong API token"),
        (404, "unknown report"), (422, "body of the wrong shape"), (503, "knowledge base loading, unavailable or busy"))
}
LIBRARY_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in (
        (401, "no admin token"), (403, "wrong admin token, or the library is read-only (ADMIN_TOKEN unset)"),
        (404, "unknown report"), (413, "file larger than 50 MB"), (415, "not a .pdf, .docx or .txt file"),
        (422, "not a report this product can read (empty, scanned PDF without text, encrypted, corrupt ...)"),
        (503, "knowledge base loading or not writable"))
}


def _request_id(request: Request) -> str:
    """The caller's X-Request-ID (so the portal can correlate logs), else a fresh uuid; kept for the request."""
    if not getattr(request.state, "request_id", ""):
        given = "".join(c for c in request.headers.get("x-request-id", "")[:64] if c.isalnum() or c in "-_.")
        request.state.request_id = given or uuid.uuid4().hex
    return request.state.request_id


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": one_line(message)}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "请求体不是有效的 JSON"
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    return 422, f"{where}: {first.get('msg', 'invalid')}"


def install_error_handlers(app: FastAPI) -> None:
    """Every error of the JSON routes becomes {"error": "one line"} with its status; never a stack trace."""

    @app.exception_handler(AssistantError)
    async def assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
        headers = {"Retry-After": "5"} if exc.status == 503 else None
        return _error(exc.status, str(exc) or type(exc).__name__, headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = _validation_message(exc)
        return _error(status, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail, ensure_ascii=False)
        if detail == "There was an error parsing the body":  # FastAPI's words for a body that is not UTF-8
            detail = "请求体无法解析（须为 UTF-8 编码的 JSON）"
        return _error(exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        request_id = _request_id(request)
        log.error("unexpected error (request %s)", request_id, exc_info=exc)
        return _error(500, f"服务器内部错误（请求 {request_id}）")


def _token_checker(settings: Settings) -> Callable:
    bearer = HTTPBearer(auto_error=False, description="Required when the server sets API_TOKEN")

    def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if not settings.api_token:
            return
        given = credentials.credentials.encode() if credentials else b""
        if hmac.compare_digest(given, settings.api_token.encode()) or (
                settings.admin_token and hmac.compare_digest(given, settings.admin_token.encode())):
            return  # the admin token reads too
        raise StarletteHTTPException(401, "缺少或错误的 API 令牌（Authorization: Bearer <token>）",
                                     headers={"WWW-Authenticate": "Bearer"})

    return require_token


def _admin_checker(access: AdminAccess) -> Callable:
    bearer = HTTPBearer(auto_error=False, description="ADMIN_TOKEN: required to add or remove reports")

    def require_admin(request: Request, _credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        refusal = access.token_refusal(request.headers.get("authorization"))
        if refusal is not None:
            status, message = refusal
            raise StarletteHTTPException(status, message, headers={"WWW-Authenticate": "Bearer"}
                                         if status == 401 else None)

    return require_admin


class _UploadGate:
    """ASGI middleware: a POST /api/reports without the admin token, or larger than the limit, is refused before its
    body is read (FastAPI would otherwise spool the whole upload to disk first)."""

    def __init__(self, app: Callable, access: AdminAccess) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            root = scope.get("root_path", "")
            path = scope.get("path", "")
            path = path[len(root):] if root and path.startswith(root) else path
            if path.rstrip("/") == "/api/reports":
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
                refusal = self.access.token_refusal(headers.get("authorization"))
                length = headers.get("content-length", "")
                if refusal is None and length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 2**20:
                    refusal = (413, f"文件超过 {MAX_UPLOAD_BYTES // 2**20} MB 的上限")
                if refusal is not None:
                    status, message = refusal
                    extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
                    await send({"type": "http.response.start", "status": status,
                                "headers": [(b"content-type", b"application/json"), *extra]})
                    await send({"type": "http.response.body",
                                "body": json.dumps({"error": message}, ensure_ascii=False).encode()})
                    return
        await self.app(scope, receive, send)


def _upload_name(filename: str | None) -> str:
    """The uploaded file's own name (its id derives from it), without any path or control characters."""
    name = Path((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip(" .")
    return name[:160] or "report"


def _save_upload(upload: UploadFile, folder: Path, name: str) -> Path:
    """Copy the upload to folder/name, refusing past the size limit."""
    path = folder / name
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(2**20):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise FileTooLarge(f"《{name}》未导入：文件超过 {MAX_UPLOAD_BYTES // 2**20} MB 的上限")
            out.write(chunk)
    return path


def quiet_gradio_environment() -> None:
    """Gradio phones home and gradio_client looks up the model hub unless told not to: tell them, before import."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    skip_gradio_stub_rewrites()


GRADIO_STUB_MODULE = "gradio.component_meta"


def _no_stub_rewrite(*args: object, **kwargs: object) -> None:
    """Stands in for gradio's create_or_modify_pyi: type stubs are for editors, not for a running server."""


class _GradioStubSkipper(importlib.abc.MetaPathFinder):
    """Import hook: once gradio.component_meta is executed, its per-class .pyi rewriter becomes a no-op.

    Gradio's component metaclass re-parses each component's source and re-renders its .pyi stub (jinja2)
    for all ~80 component classes on every `import gradio`: measured 2.4 of 4.2 s of the import on 2 cores,
    the largest single cost of starting the server. The stubs only serve type checkers.
    """

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        """Find gradio.component_meta the normal way and patch it right after it runs; ignore other modules."""
        if fullname != GRADIO_STUB_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run_module = loader.exec_module

        def exec_module(module: Any) -> None:
            run_module(module)
            if callable(getattr(module, "create_or_modify_pyi", None)):
                module.create_or_modify_pyi = _no_stub_rewrite

        loader.exec_module = exec_module  # type: ignore[method-assign]  # this module's own loader instance
        return spec


def skip_gradio_stub_rewrites() -> None:
    """Install the hook that spares `import gradio` its stub rewriting (idempotent; no effect once imported)."""
    if GRADIO_STUB_MODULE in sys.modules or any(isinstance(f, _GradioStubSkipper) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _GradioStubSkipper())


def create_app(settings: Settings, assistant_factory: AssistantFactory | None = None) -> FastAPI:
    """The whole server: JSON routes, /healthz, /version, /docs and the Gradio chat mounted at the root."""
    slot = AssistantSlot(settings, assistant_factory or _default_factory)
    log_question = QuestionLogger(settings)
    commit = git_commit()
    access = AdminAccess(settings)  # a malformed ADMIN_AUTH / UI_AUTH is a SettingsError now, not at the first login
    library = ReportLibrary(lambda: slot.get().store, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        slot.start()
        yield
        slot.stop()

    app = FastAPI(title="政府报告问答助手 API", version=VERSION, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Questions about ingested government reports; answers cite the report's sentences "
                              "and every number is checked against them.")
    app.state.assistant_slot = slot
    app.state.library = library
    install_error_handlers(app)
    api_deps = [Depends(_token_checker(settings))]
    admin_deps = [Depends(_admin_checker(access))]

    @app.get("/healthz", tags=["ops"], responses={503: {"description": "not ready"}})
    def healthz() -> JSONResponse:
        """Ready (200) only once the store and the model are loaded; 503 with the reason otherwise."""
        if slot.assistant is None:
            body = {"ready": False, "status": "error" if slot.error else "loading", "store": slot.error or "loading",
                    "mode": settings.answer_mode, "reports": 0}
            return JSONResponse(body, status_code=503, headers={"Retry-After": "2"})
        try:
            body = dict(slot.assistant.health())
        except Exception as exc:  # a health check must answer, whatever the store does
            body = {"ready": False, "store": one_line(exc), "mode": settings.answer_mode, "reports": 0}
        body["status"] = "ok" if body.get("ready") else "unavailable"
        if slot.ready_after_s is not None:
            body["ready_after_s"] = round(slot.ready_after_s, 2)
        return JSONResponse(body, status_code=200 if body.get("ready") else 503)

    @app.get("/version", tags=["ops"])
    def version() -> dict:
        """The app version and the git commit it runs from (null outside a checkout)."""
        return {"version": VERSION, "commit": commit, "answer_mode": settings.answer_mode}

    @app.post("/api/ask", tags=["questions"], dependencies=api_deps, response_model=AnswerRecord,
              responses=ERROR_RESPONSES)
    def ask(body: AskRequest, request: Request, response: Response) -> dict:
        """Answer one question; the reply is the answer record (answer, abstained, citations, numbers, mode...)."""
        rid = _request_id(request)
        response.headers["X-Request-ID"] = rid
        history = [h.model_dump() for h in body.history or []][-MAX_HISTORY * 2:]
        started = time.perf_counter()
        try:
            answer = slot.get().ask(body.question, history=history or None, report=body.report, mode=body.mode)
        except Exception as exc:
            log_question(request_id=rid, channel="api", question=body.question, report=body.report,
                         latency_ms=(time.perf_counter() - started) * 1000, error=exc)
            raise
        log_question(request_id=rid, channel="api", question=body.question, report=body.report,
                     latency_ms=(time.perf_counter() - started) * 1000, answer=answer)
        return {**answer.to_record(), "request_id": rid}

    @app.get("/api/figures", tags=["figures"], dependencies=api_deps, responses=ERROR_RESPONSES)
    def figures(report: str | None = Query(None, max_length=200),
                q: str = Query("", max_length=200, description="filter: value, phrase, sentence or section")) -> list:
        """Every figure the report states (value, unit, kind, phrase, sentence, section...), optionally filtered."""
        return [{**asdict(f), "id": f.id, "display": f.display} for f in slot.get().figures(report or None, q)]

    @app.get("/api/reports", tags=["library"], dependencies=api_deps, responses=ERROR_RESPONSES)
    def reports() -> list:
        """The ingested reports."""
        return [r.to_dict() for r in slot.get().reports()]

    @app.post("/api/reports", tags=["library"], status_code=201, dependencies=admin_deps, response_model=ReportAdded,
              responses=LIBRARY_RESPONSES)
    def add_report(file: UploadFile = File(..., description="a .pdf, .docx or .txt report, at most 50 MB"),
                   id: str | None = Form(None, description="report id (default: from the file name); a report with "
                                                             "this id is replaced once the new one is complete")):
        """Ingest a report (one at a time); questions keep being answered from the old version until it is done."""
        name = _upload_name(file.filename)
        uploads = Path(settings.data_dir) / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="upload-", dir=uploads))
        try:
            path = _save_upload(file, folder, name)
            result = library.add(path, name=name, report_id=(id or "").strip() or None)
        except LibraryError as exc:
            return _error(exc.status, str(exc))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return JSONResponse(result.summary(), status_code=201)

    @app.delete("/api/reports/{report_id}", tags=["library"], status_code=204, dependencies=admin_deps,
                responses=LIBRARY_RESPONSES)
    def remove_report(report_id: str) -> Response:
        """Remove a report; questions go on to the reports that remain."""
        try:
            library.remove(report_id)
        except LibraryError as exc:
            return _error(exc.status, str(exc))
        return Response(status_code=204)

    @app.get("/api/reports/{report_id}/audit", tags=["library"], dependencies=api_deps, response_model=AuditOut,
             responses=ERROR_RESPONSES)
    def report_audit(report_id: str, severity: str = Query("", description="comma-separated: inconsistent,note,ok")):
        """The figures audit kept with the report: each finding with the figures and sentences it rests on."""
        wanted = {s.strip() for s in severity.split(",") if s.strip()} or set(SEVERITIES)
        try:
            findings = library.audit(report_id)
        except LibraryError as exc:
            return _error(exc.status, str(exc))
        return {"report": report_id, "findings": [f.to_dict() for f in findings if f.severity in wanted]}

    _mount_admin_login(app, access, settings)
    _mount_docs(app)
    _mount_ui(app, settings, slot, log_question, access, library)
    app.add_middleware(_UploadGate, access=access)
    return app


def _mount_admin_login(app: FastAPI, access: AdminAccess, settings: Settings) -> None:
    """/admin/login and /admin/logout: the admin's session cookie, for a page that needs no login otherwise."""

    def to_page(request: Request) -> RedirectResponse:
        return RedirectResponse(url=f"{request.scope.get('root_path', '').rstrip('/')}{UI_PATH}", status_code=303)

    @app.get("/admin/login", include_in_schema=False)
    def login_form(error: str = "") -> HTMLResponse:
        return HTMLResponse(login_page("用户名或密码错误" if error else "", enabled=access.enabled))

    @app.post("/admin/login", include_in_schema=False)
    def login(request: Request, username: str = Form(""), password: str = Form("")) -> Response:
        if not access.check_password(username, password):
            time.sleep(1.0)  # slows guessing; sync routes run in a worker thread
            return HTMLResponse(login_page("用户名或密码错误", enabled=access.enabled), status_code=401)
        response = to_page(request)
        response.set_cookie(SESSION_COOKIE, access.open_session(), max_age=SESSION_SECONDS, httponly=True,
                            samesite="lax", secure=request.url.scheme == "https",
                            path=f"{request.scope.get('root_path', '').rstrip('/')}/")
        return response

    @app.get("/admin/logout", include_in_schema=False)
    def logout(request: Request) -> Response:
        access.close_session(request.cookies.get(SESSION_COOKIE))
        response = to_page(request)
        response.delete_cookie(SESSION_COOKIE, path=f"{request.scope.get('root_path', '').rstrip('/')}/")
        return response


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI at /docs with its JS and CSS served from the swagger-ui-bundle-v2 package, never from a CDN.

    FastAPI's default page loads Swagger UI from a CDN, which an intranet cannot reach: the page stays blank.
    ReDoc ships no local copy, so /redoc is off.
    """
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import FileResponse
    from swagger_ui_bundle import swagger_ui_path

    folder = Path(str(swagger_ui_path))

    @app.get(f"{DOCS_ASSETS_PATH}/{{name}}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        if name not in DOCS_ASSETS:  # only what the page needs: the bundle's own demo page stays unreachable
            raise StarletteHTTPException(404, "Not Found")
        return FileResponse(folder / name, media_type=DOCS_ASSETS[name])

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        assets = f"{root}{DOCS_ASSETS_PATH}"
        return get_swagger_ui_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
                                   swagger_js_url=f"{assets}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{assets}/swagger-ui.css",
                                   swagger_favicon_url=f"{assets}/favicon-32x32.png")


def _mount_ui(app: FastAPI, settings: Settings, slot: AssistantSlot, log_question: QuestionLogger,
              access: AdminAccess, library: ReportLibrary) -> None:
    quiet_gradio_environment()
    import gradio as gr
    from gradio.routes import App as GradioApp
    from starlette.routing import Mount

    from app.ui import UI_CSS, admin_events, build_ui, ui_theme

    demo = build_ui(slot.get, settings, log_question, library=library, access=access)
    # Gradio's queue runs each event listener at most `default_concurrency_limit` at a time. The assistant bounds
    # its own model (a queue of llm_queue_size, BusyError beyond it), so the UI lets that many chats through and
    # Gradio's queue shows everyone else their place instead of a "busy" error; extractive answers take
    # milliseconds, so this never holds a user back in that mode.
    demo.queue(default_concurrency_limit=max(1, settings.llm_queue_size))
    gr.mount_gradio_app(app, demo, path=UI_PATH, auth=access.gradio_auth(), auth_message="请登录后使用政府报告问答助手",
                        root_path=settings.root_path or None, ssr_mode=False, footer_links=[], theme=ui_theme(),
                        css=UI_CSS, show_error=False, mcp_server=False, max_file_size=MAX_UPLOAD_BYTES)
    gradio_app = next(r.app for r in app.routes if isinstance(r, Mount) and isinstance(r.app, GradioApp))

    def page_user(request: Request) -> str | None:
        """The user Gradio's login cookie names (Gradio keeps its sessions in App.tokens)."""
        cookie = f"access-token-{gradio_app.cookie_id}"
        token = request.cookies.get(cookie) or request.cookies.get(f"access-token-unsecure-{gradio_app.cookie_id}")
        return gradio_app.tokens.get(token) if token else None

    access.page_user = page_user
    events = admin_events(demo)
    app.add_middleware(AdminRouteGuard, access=access, admin_events=lambda: events)
    if UI_PATH != "/":
        @app.get("/", include_in_schema=False)
        def to_ui() -> RedirectResponse:
            return RedirectResponse(url=f"{settings.root_path}{UI_PATH}")
