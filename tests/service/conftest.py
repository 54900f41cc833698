"""A service over a small in-memory archive (the Kherson original and twenty BBC stories)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serve extra")

from fastapi.testclient import TestClient  # noqa: E402

from copytrail.archive import Archive, MemoryStore  # noqa: E402
from copytrail.scan.readers import iter_documents  # noqa: E402
from copytrail.scan.records import ScanDocument  # noqa: E402
from copytrail.service import ServiceConfig, create_app  # noqa: E402
from tests.conftest import BBC, KHERSON_ORIGINAL, require_shared  # noqa: E402

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="session")
def small_archive() -> Archive:
    archive = Archive(MemoryStore())
    docs = [d for d in iter_documents([require_shared(BBC / "business")]) if isinstance(d, ScanDocument)][:20]
    docs.append(ScanDocument("kherson-original", require_shared(KHERSON_ORIGINAL).read_text()))
    archive.add_documents(docs, learn=True)
    return archive


def make_client(archive: Archive, **config: object) -> TestClient:
    settings = {"token": TOKEN, "embedder": "none", **config}
    return TestClient(create_app(archive, ServiceConfig(**settings)), raise_server_exceptions=False)  # type: ignore[arg-type]


@pytest.fixture
def client(small_archive: Archive) -> TestClient:
    return make_client(small_archive)
