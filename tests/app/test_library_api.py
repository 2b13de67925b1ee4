"""The report library over HTTP, against the real server with the real assistant over a real Chroma folder (fake
embeddings): POST/DELETE /api/reports with the admin token, every bad file, the audit route, asking a new report,
and questions answered while a report is replaced."""
from __future__ import annotations

import os
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app.api import create_app  # noqa: E402
from app.settings import BUILTIN_REPORTS_DIR, Settings  # noqa: E402
from tests.app.fake_assistant import serve  # noqa: E402
from tests.app.test_library import SlowEmbeddings  # noqa: E402
from tests.conftest import HashingEmbeddings  # noqa: E402
from tests.ingest.sample_docs import make_docx, make_image_only_pdf, make_pdf  # noqa: E402

pytestmark = pytest.mark.http

BUILTIN = BUILTIN_REPORTS_DIR / "liwan-dpf-2023-performance-self-evaluation.txt"
ADMIN = "admin-token-for-tests"
AS_ADMIN = {"Authorization": f"Bearer {ADMIN}"}
HEALTH_REPORT = ("2024年度某某县卫生健康局部门整体支出绩效自评报告\n一、基本情况\n"
                 "2024年本局收入520.00万元，比上年增加20.00万元，增长4.00%。\n"
                 "本年度年初预算数为500.00万元，年终决算520.00万元，预决算差异为20.00万元。\n"
                 "二、绩效目标完成情况\n全年完成门诊服务52000人次，其中专家门诊12000人次。\n")
INDICATORS = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
              ["产出指标", "数量指标", "门诊服务人次", "≥50000人次", "52000人次"],
              ["产出指标", "质量指标", "药品抽检合格率", "≥98%", "97%"]]


def real_factory(embeddings=None):
    """The real Assistant over a Chroma folder in the settings' DATA_DIR, with fast fake embeddings."""
    def build(settings: Settings):
        from app.assistant import Assistant
        from vectorstore.store import ReportStore, open_client

        return Assistant(settings, ReportStore(open_client(settings), embeddings or HashingEmbeddings()))

    return build


def wait_ready(client: httpx.Client) -> None:
    deadline = time.monotonic() + 30
    while client.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline, "server not ready"
        time.sleep(0.1)


def upload(client: httpx.Client, path: Path, name: str | None = None, headers=AS_ADMIN, **data) -> httpx.Response:
    with path.open("rb") as f:
        return client.post("/api/reports", files={"file": (name or path.name, f)}, data=data or None,
                           headers=headers, timeout=120)


def one_line_error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert list(body) == ["error"] and body["error"] and "\n" not in body["error"]
    return body["error"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A ready server with the admin token set and the bundled report uploaded; yields (client, data dir)."""
    data_dir = tmp_path_factory.mktemp("library-api")
    app = create_app(Settings(data_dir=data_dir, admin_token=ADMIN, api_token="reader-token"),
                     assistant_factory=real_factory())
    with serve(app) as url, httpx.Client(base_url=url, timeout=60,
                                         headers={"Authorization": "Bearer reader-token"}) as client:
        wait_ready(client)
        r = upload(client, BUILTIN, "liwan-2023.txt")
        assert r.status_code == 201, r.text
        yield client, data_dir


def report_ids(client: httpx.Client) -> list[str]:
    return sorted(r["id"] for r in client.get("/api/reports").json())


def test_upload_a_docx_ask_it_audit_it_remove_it(server, tmp_path):
    client, data_dir = server
    path = make_docx(HEALTH_REPORT, tmp_path / "health-2024.docx", table_rows=INDICATORS)
    r = upload(client, path)
    assert r.status_code == 201, r.text
    body = r.json()
    assert {"id", "title", "year", "chunks", "figures", "tables", "coverage"} <= set(body)
    assert body["id"] == "health-2024" and body["year"] == 2024 and body["title"].startswith("2024年度某某县卫生健康局")
    assert body["tables"] == 1 and body["figures"] > 5 and body["coverage"] == 1.0 and not body["replaced"]
    assert body["findings"]["note"] >= 1  # the target missed in the table
    assert report_ids(client) == ["health-2024", "liwan-2023"]

    answer = client.post("/api/ask", json={"question": "2024年本局收入多少？", "report": "health-2024"}).json()
    assert "520.00" in answer["answer"] and not answer["abstained"]
    assert all(c["report"] == "health-2024" for c in answer["citations"])

    audit = client.get("/api/reports/health-2024/audit").json()
    assert audit["report"] == "health-2024"
    kinds = {(f["kind"], f["severity"]) for f in audit["findings"]}
    assert ("target", "note") in kinds and ("change", "ok") in kinds and ("difference", "ok") in kinds
    missed = next(f for f in audit["findings"] if f["kind"] == "target" and f["severity"] == "note")
    assert "药品抽检合格率" in missed["message"] and missed["citations"][0]["text"]
    only_notes = client.get("/api/reports/health-2024/audit", params={"severity": "note"}).json()["findings"]
    assert only_notes and all(f["severity"] == "note" for f in only_notes)

    assert client.delete("/api/reports/health-2024", headers=AS_ADMIN).status_code == 204
    assert report_ids(client) == ["liwan-2023"]
    one_line_error(client.post("/api/ask", json={"question": "收入多少？", "report": "health-2024"}), 404)
    one_line_error(client.delete("/api/reports/health-2024", headers=AS_ADMIN), 404)
    one_line_error(client.get("/api/reports/health-2024/audit"), 404)
    assert not list((data_dir / "uploads").iterdir())  # uploads are not kept


def test_the_audit_answers_whether_the_figures_add_up(server):
    client, _ = server
    body = client.post("/api/ask", json={"question": "报告里的数字有没有对不上的地方？", "report": "liwan-2023"}).json()
    assert not body["abstained"]
    assert "2694.16" in body["answer"] and "2700.38" in body["answer"] and "3387.28" in body["answer"]
    assert body["numbers"] and all(n["verified"] for n in body["numbers"])
    assert any("占总收入的98.57%" in c["text"] for c in body["citations"])
    audit = client.get("/api/reports/liwan-2023/audit", params={"severity": "inconsistent"}).json()["findings"]
    assert len(audit) == 6 and all(f["citations"] for f in audit)


@pytest.mark.parametrize("headers, status", [
    ({}, 401), ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": "Bearer reader-token"}, 403),
    ({"Authorization": "Basic YWRtaW46YWRtaW4="}, 401),
], ids=["missing", "wrong", "api-token-only-reads", "not-bearer"])
def test_adding_and_removing_need_the_admin_token(server, headers, status):
    client, _ = server
    plain = httpx.Client(base_url=str(client.base_url), timeout=30)
    with plain:
        r = plain.post("/api/reports", files={"file": ("x.txt", "2024年度报告".encode())}, headers=headers)
        one_line_error(r, status)
        if status == 401:
            assert r.headers["www-authenticate"] == "Bearer"
        one_line_error(plain.delete("/api/reports/liwan-2023", headers=headers), status)
    assert report_ids(client) == ["liwan-2023"]


def test_the_admin_token_also_reads(server):
    client, _ = server
    plain = httpx.Client(base_url=str(client.base_url), timeout=30)
    with plain:
        assert plain.get("/api/reports", headers=AS_ADMIN).status_code == 200
        assert plain.get("/api/reports").status_code == 401  # API_TOKEN is set: reading needs a token


def _encrypted_pdf(tmp_path: Path) -> Path:
    from pypdf import PdfWriter

    source = make_pdf(HEALTH_REPORT, tmp_path / "source.pdf")
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password="user-secret", algorithm="AES-256")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    return path


def _corrupt_docx(tmp_path: Path) -> Path:
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>未闭合")
    return path


def _file(name: str, content: bytes):
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path
    return build


@pytest.mark.parametrize("build, status, words", [
    (_file("report.xlsx", b"PK\x03\x04 a spreadsheet"), 415, "不支持的文件类型"),
    (_file("report.doc", b"\xd0\xcf\x11\xe0 an old Word file"), 415, "不支持的文件类型"),
    (_file("empty.txt", b""), 422, "文件是空的"),
    (_file("binary.txt", bytes(range(256)) * 40), 422, "内容不像一份报告"),
    (_file("numbers.txt", ("1234567890 " * 200).encode()), 422, "内容不像一份报告"),
    (lambda tmp: make_image_only_pdf(tmp / "scan.pdf", pages=2), 422, "没有文字层"),
    (_encrypted_pdf, 422, "密码"),
    (_corrupt_docx, 422, "已损坏"),
    (_file("fake.pdf", b"%PDF-1.7 truncated"), 422, "已损坏"),
], ids=["xlsx", "doc", "empty", "binary", "not-a-report", "scanned-pdf", "encrypted-pdf", "corrupt-docx",
        "corrupt-pdf"])
def test_a_bad_file_gets_one_line_and_changes_nothing(server, tmp_path, build, status, words):
    client, _ = server
    before = client.get("/api/reports").json()
    path = build(tmp_path)
    error = one_line_error(upload(client, path, id="liwan-2023"), status)  # would replace the good report
    assert words in error and path.name in error
    assert client.get("/api/reports").json() == before
    answer = client.post("/api/ask", json={"question": "2023年收入多少？", "report": "liwan-2023"}).json()
    assert "2700.38" in answer["answer"]  # the old report still answers


def test_a_file_over_50_mb_is_refused_before_it_is_read(server):
    client, _ = server
    body = b"x" * (51 * 2**20)
    r = client.post("/api/reports", files={"file": ("big.txt", body)}, headers=AS_ADMIN)
    assert "50 MB" in one_line_error(r, 413)


def test_without_an_admin_token_the_library_is_read_only(tmp_path):
    app = create_app(Settings(data_dir=tmp_path), assistant_factory=real_factory())
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        wait_ready(client)
        for headers in ({}, {"Authorization": "Bearer anything"}):
            error = one_line_error(client.post("/api/reports", files={"file": ("a.txt", b"x")}, headers=headers), 403)
            assert "ADMIN_TOKEN" in error and "只读" in error
            one_line_error(client.delete("/api/reports/a", headers=headers), 403)
        assert client.get("/api/reports").json() == []


def test_questions_are_answered_throughout_a_replace(tmp_path):
    """While a report is replaced by a version with another figure, every answer is wholly the old one or the new."""
    embeddings = SlowEmbeddings()
    app = create_app(Settings(data_dir=tmp_path, admin_token=ADMIN), assistant_factory=real_factory(embeddings))
    newer = tmp_path / "care.txt"
    newer.write_text(BUILTIN.read_text(encoding="utf-8").replace("现有143名", "现有158名"), encoding="utf-8")
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        wait_ready(client)
        assert upload(client, BUILTIN, "care.txt").status_code == 201
        question = {"question": "现有多少名残疾人在托？", "report": "care"}
        assert "143" in client.post("/api/ask", json=question).json()["answer"]
        embeddings.delay_s = 0.15  # the new version takes a while to embed
        result: dict = {}
        replacing = threading.Thread(target=lambda: result.update(r=upload(client, newer)))
        replacing.start()
        answers = []
        while replacing.is_alive():
            r = client.post("/api/ask", json=question)
            assert r.status_code == 200, r.text
            answers.append(r.json()["answer"])
        replacing.join()
        assert result["r"].status_code == 201 and result["r"].json()["replaced"]
        answers.append(client.post("/api/ask", json=question).json()["answer"])
    assert len(answers) > 3
    assert all(("143" in a) != ("158" in a) for a in answers), answers
    assert "143" in answers[0] and "158" in answers[-1]
