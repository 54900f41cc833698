"""The real server (`copytrail serve` on uvicorn): SIGKILLed while adding, restarted, nothing acknowledged lost."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from copytrail.archive import Archive
from copytrail.scan.readers import iter_documents
from copytrail.scan.records import ScanDocument
from tests.conftest import BBC, KHERSON_COPY, KHERSON_ORIGINAL, ROOT, require_shared
from tests.service.conftest import AUTH, TOKEN


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "COPYTRAIL_TOKEN": TOKEN, "PYTHONPATH": str(ROOT / "src")}
    command = "from copytrail.cli.main import main; main()"
    args = ["serve", "--index", str(db), "--port", str(port), "--embedder", "none"]
    server = subprocess.Popen([sys.executable, "-c", command, *args], env=env, stderr=subprocess.DEVNULL)
    ends = time.monotonic() + 60
    while time.monotonic() < ends:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
        if server.poll() is not None:
            pytest.fail(f"the server exited with status {server.returncode}")
    server.kill()
    pytest.fail("the server did not answer within 60 s")


@pytest.mark.slow
def test_kill_9_of_the_server_during_adds_loses_nothing_acknowledged(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    docs = [d for d in iter_documents([require_shared(BBC / "business")]) if isinstance(d, ScanDocument)][:30]
    port = _free_port()
    server = _serve(db, port)
    acknowledged: list[str] = []

    def add_all() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUTH, timeout=30) as client:
            for doc in docs:
                try:
                    response = client.post("/v1/documents", json={"id": doc.id, "text": doc.text})
                except httpx.TransportError:
                    return
                assert response.status_code == 201, response.text
                acknowledged.append(doc.id)

    adder = threading.Thread(target=add_all)
    adder.start()
    try:
        while len(acknowledged) < 10 and adder.is_alive():
            time.sleep(0.005)
    finally:
        server.kill()  # SIGKILL while the next add is in flight
        server.wait()
        adder.join()
    assert 10 <= len(acknowledged) < len(docs)
    server = _serve(db, port)
    try:
        health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=5).json()
        # Every acknowledged add survived; the one in flight may or may not have been committed.
        assert len(acknowledged) <= health["documents"] <= len(acknowledged) + 1
        # The last acknowledged document is found by a query against the restarted server.
        last = next(d for d in docs if d.id == acknowledged[-1])
        found = httpx.post(
            f"http://127.0.0.1:{port}/v1/query", json={"text": last.text}, headers=AUTH, timeout=30
        ).json()
        assert [m["id"] for m in found["matches"]][:1] == [last.id]
    finally:
        server.terminate()
        server.wait(timeout=30)
    with Archive.open(db, create=False) as archive:
        assert set(archive.store.known(acknowledged)) == set(acknowledged)


@pytest.mark.slow
def test_queries_in_worker_processes_see_adds_of_the_server(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from copytrail.service import ServiceConfig, create_app
    from copytrail.service.pool import QueryPool

    db = tmp_path / "archive.db"
    original = require_shared(KHERSON_ORIGINAL).read_text()
    with Archive.open(db) as archive:
        pool = QueryPool(db, 2)
        try:
            app = create_app(archive, ServiceConfig(token=TOKEN, embedder="none"), pool=pool)
            with TestClient(app) as client:
                text = require_shared(KHERSON_COPY).read_text()
                before = client.post("/v1/query", json={"text": text}, headers=AUTH).json()
                assert before["matches"] == []
                added = client.post("/v1/documents", json={"id": "npr", "text": original}, headers=AUTH)
                assert added.status_code == 201
                after = client.post("/v1/query", json={"text": text}, headers=AUTH).json()
                assert [(m["id"], m["relation"]) for m in after["matches"]] == [("npr", "rewrite")]
                page = client.get(f"/v1/reports/{after['matches'][0]['report_id']}", headers=AUTH)
                assert page.status_code == 200 and "Kherson" in page.text
        finally:
            pool.close()
