"""The HTTP API: endpoints, bearer-token auth, limits (413, 429, 503) and JSON errors for bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import KHERSON_COPY, require_shared
from tests.service.conftest import AUTH, TOKEN, make_client

A = "The central bank raised interest rates by half a point on Thursday, citing stubborn inflation in services."
B = "On Thursday the central bank raised interest rates by half a point, citing stubborn inflation in services."


def _error(response) -> dict:  # noqa: ANN001
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == response.status_code
    assert body["error"]["message"] and body["error"]["type"]
    return body["error"]


def test_health_is_open_and_counts_documents(client: TestClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200 and response.json()["documents"] == 21


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/v1/compare", {"a": A, "b": B}),
        ("post", "/v1/query", {"text": A}),
        ("post", "/v1/documents", {"id": "x", "text": A}),
        ("delete", "/v1/documents/x", None),
        ("get", "/v1/reports/abc", None),
        ("get", "/openapi.json", None),
    ],
)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": TOKEN}])
def test_everything_but_health_needs_the_token(client: TestClient, method, path, body, headers) -> None:  # noqa: ANN001
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "bearer token" in _error(response)["message"]


def test_compare_json_and_multipart_give_the_report_and_its_page(client: TestClient) -> None:
    response = client.post("/v1/compare", json={"a": A, "b": B}, headers=AUTH)
    assert response.status_code == 200
    report = response.json()
    assert report["relation"] in ("duplicate", "near_duplicate") and report["coverage"]["a"] > 0.9
    page = client.get(response.headers["Location"], headers=AUTH)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "central bank" in page.text
    files = {"a": ("a.txt", A.encode()), "b": ("b.html", f"<html><body><p>{B}</p></body></html>".encode())}
    uploaded = client.post("/v1/compare", files=files, headers=AUTH)
    assert uploaded.status_code == 200 and uploaded.json()["relation"] == report["relation"]


def test_query_ranks_archive_matches_with_reports(client: TestClient) -> None:
    text = require_shared(KHERSON_COPY).read_text()
    response = client.post("/v1/query", json={"text": text, "top": 3}, headers=AUTH)
    assert response.status_code == 200
    (match,) = response.json()["matches"]
    assert (match["id"], match["relation"]) == ("kherson-original", "rewrite")
    assert match["report"]["passages"] and match["coverage"]["query"] > 0.5
    page = client.get(f"/v1/reports/{match['report_id']}", headers=AUTH)
    assert page.status_code == 200 and "Kherson" in page.text


def test_documents_are_added_replaced_and_deleted(small_archive) -> None:  # noqa: ANN001
    client = make_client(small_archive)
    doc = {"id": "api-doc", "text": A}
    assert client.post("/v1/documents", json=doc, headers=AUTH).json()["status"] == "added"
    assert client.post("/v1/documents", json=doc, headers=AUTH).json()["status"] == "unchanged"
    assert client.post("/v1/documents", json={**doc, "text": B}, headers=AUTH).json()["status"] == "replaced"
    found = client.post("/v1/query", json={"text": B}, headers=AUTH).json()["matches"]
    assert [m["id"] for m in found] == ["api-doc"]
    assert client.delete("/v1/documents/api-doc", headers=AUTH).json() == {"id": "api-doc", "deleted": True}
    missing = client.delete("/v1/documents/api-doc", headers=AUTH)
    assert missing.status_code == 404 and "api-doc" in _error(missing)["message"]


@pytest.mark.parametrize(
    ("path", "kwargs", "status"),
    [
        ("/v1/compare", {"content": b"{not json"}, 422),
        ("/v1/compare", {"json": {"a": A}}, 422),
        ("/v1/compare", {"json": {"a": "   \n ", "b": B}}, 400),
        ("/v1/compare", {"content": b'{"a": "\\ud800 lone surrogate", "b": "text"}'}, 422),
        (
            "/v1/query",
            {"content": b'{"text": "\\ud800 lone surrogate"}', "headers": {"Content-Type": "application/json"}},
            422,
        ),
        ("/v1/compare", {"files": {"a": ("a.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)}}, 400),
        ("/v1/compare", {"files": {"a": ("a.bin", b"\x00\x01\x02" * 400), "b": ("b.txt", B.encode())}}, 400),
        ("/v1/query", {"json": {"text": A, "top": 0}}, 422),
        ("/v1/query", {"json": {"text": ""}}, 422),
        ("/v1/query", {"json": {"text": A, "extra": 1}}, 422),
        ("/v1/documents", {"json": {"id": "", "text": A}}, 422),
        ("/v1/nowhere", {"json": {}}, 404),
    ],
)
def test_bad_input_is_a_json_4xx_never_a_500(client: TestClient, path, kwargs, status) -> None:  # noqa: ANN001
    headers = {**AUTH, **kwargs.pop("headers", {})}
    response = client.post(path, headers=headers, **kwargs)
    assert response.status_code == status, response.text
    _error(response)


def test_bodies_over_the_limit_get_413(small_archive) -> None:  # noqa: ANN001
    client = make_client(small_archive, max_body_bytes=2048)
    response = client.post("/v1/query", json={"text": "word " * 1000}, headers=AUTH)
    assert response.status_code == 413 and "2,048 bytes" in _error(response)["message"]

    def chunks():  # noqa: ANN202 - a streamed body without Content-Length
        for _ in range(10):
            yield b"x" * 500

    streamed = client.post("/v1/query", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_a_client_over_its_rate_gets_429(small_archive) -> None:  # noqa: ANN001
    client = make_client(small_archive, rate_per_minute=1, burst=3)
    codes = [client.post("/v1/query", json={"text": A}, headers=AUTH).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = client.post("/v1/query", json={"text": A}, headers=AUTH)
    assert int(limited.headers["Retry-After"]) >= 1 and _error(limited)["type"] == "TooManyRequests"


def test_work_past_its_time_gets_503(small_archive) -> None:  # noqa: ANN001
    client = make_client(small_archive, work_seconds=0.001)
    text = require_shared(KHERSON_COPY).read_text()
    for path, body in (("/v1/query", {"text": text}), ("/v1/compare", {"a": text, "b": text})):
        response = client.post(path, json=body, headers=AUTH)
        assert response.status_code == 503 and _error(response)["type"] == "WorkTimeout"
