"""schemathesis against the OpenAPI document: generated requests, valid and not, never get a 500.

Kept to a few seconds: a handful of examples per operation, words-only comparisons.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from copytrail.archive import Archive, MemoryStore  # noqa: E402
from copytrail.scan.records import ScanDocument  # noqa: E402
from copytrail.service import ServiceConfig, create_app  # noqa: E402
from tests.service.conftest import AUTH, TOKEN  # noqa: E402

_archive = Archive(MemoryStore())
_archive.add_documents(
    [ScanDocument("seed", "The central bank raised interest rates by half a point on Thursday, citing inflation.")]
)
# Generous limits: the fuzzer sends many requests from one client; the limits have their own tests.
_app = create_app(_archive, ServiceConfig(token=TOKEN, embedder="none", rate_per_minute=1e6, burst=100_000))
schema = schemathesis.openapi.from_asgi("/openapi.json", _app, headers=AUTH)


def test_the_openapi_document_lists_every_endpoint() -> None:
    paths = set(schema.raw_schema["paths"])
    assert paths == {
        "/v1/health",
        "/v1/compare",
        "/v1/reports/{report_id}",
        "/v1/query",
        "/v1/documents",
        "/v1/documents/{doc_id}",
    }


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_generated_requests(case) -> None:  # noqa: ANN001
    """Every generated request gets a documented status with a body of the documented shape; never a 500."""
    case.call_and_validate(
        headers=AUTH,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        excluded_checks=[negative_data_rejection],
    )
