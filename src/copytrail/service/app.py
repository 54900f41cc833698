"""The HTTP API over the library: compare two texts, query and grow an archive (``copytrail serve``).

=======================  ===============================================================
``GET /``                the web page (open; it holds no data and asks for the token)
``GET /v1/health``       liveness and the archive's size (open)
``POST /v1/compare``     two texts (JSON or a multipart upload of two files) → compare report
``GET /v1/reports/{id}`` a compare report as the self-contained HTML page
``POST /v1/query``       one text → ranked archive matches with their reports
``POST /v1/documents``   add (or replace) one document
``DELETE /v1/documents/{id}``  remove one
``GET /openapi.json``    this API's OpenAPI document
=======================  ===============================================================

Every other request needs ``Authorization: Bearer TOKEN`` (401 without). Every error is
``{"error": {"status", "type", "message"}}``: bad input 400 or 422, too large 413, too
many requests 429 (with ``Retry-After``), work past its time 503. The library does the
work in worker threads, ``work_threads`` at a time.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from importlib.resources import files
from typing import Any, TypeVar

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from copytrail import __version__
from copytrail.archive import Archive
from copytrail.archive.json import match_to_dict
from copytrail.compare import CompareConfig, compare
from copytrail.errors import CopytrailError, EmbedderError, InputError, WorkTimeout
from copytrail.ingest import load_bytes
from copytrail.records import CompareReport, LoadedText
from copytrail.report.json import report_to_dict
from copytrail.scan.records import ScanDocument
from copytrail.service.config import ServiceConfig
from copytrail.service.limits import BodyLimit, RateLimiter, error_body
from copytrail.service.models import (
    CompareIn,
    DeletedOut,
    DocumentIn,
    DocumentOut,
    ErrorOut,
    HealthOut,
    QueryIn,
    QueryOut,
)
from copytrail.service.pool import QueryPool

__all__ = ["create_app"]

T = TypeVar("T")
_ERRORS = {code: {"model": ErrorOut} for code in (400, 401, 413, 422, 429, 503)}
_COMPARE_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": CompareIn.model_json_schema()},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["a", "b"],
                "properties": {
                    "a": {"type": "string", "format": "binary"},
                    "b": {"type": "string", "format": "binary"},
                },
            }
        },
    },
}


class _Reports:
    """The latest compare reports, for their HTML pages (a bounded, thread-safe LRU)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, CompareReport] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, report: CompareReport) -> str:
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._items[key] = report
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> CompareReport | None:
        with self._lock:
            return self._items.get(key)


def _problem(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, kind, message), status_code=status, headers=headers)


def _loaded_text(text: str | bytes, name: str, max_bytes: int) -> LoadedText:
    """Text from a request as the library loads files: encoding, HTML extraction and the same refusals."""
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(name, "holds lone surrogate code points (not valid Unicode); send UTF-8 text") from None
    else:
        data = text
    return load_bytes(data, name=name, max_bytes=max_bytes)


def create_app(archive: Archive, config: ServiceConfig, *, pool: QueryPool | None = None) -> FastAPI:
    """The FastAPI application over ``archive`` (which the caller opens and closes).

    Args:
        archive: the archive; adds and deletes go to it, and queries too unless ``pool`` is given.
        config: token, limits, embedder.
        pool: worker processes that answer queries (see :mod:`copytrail.service.pool`).
    """
    app = FastAPI(
        title="copytrail",
        version=__version__,
        description="Find, align and explain text reuse between news documents.",
        docs_url=None,  # the interactive docs load scripts from a CDN; the service must work offline
        redoc_url=None,
        openapi_url=None,  # served below, behind the token like everything but health and the page
    )
    reports = _Reports(config.reports_kept)
    limiter = RateLimiter(config.rate_per_minute, config.burst)
    work = anyio.CapacityLimiter(config.work_threads)
    bearer = HTTPBearer(auto_error=False, description="COPYTRAIL_TOKEN or the --token-file of `copytrail serve`")

    def client_allowed(request: Request) -> None:
        wait = limiter.allow(request.client.host if request.client else "unknown")
        if wait:
            raise HTTPException(
                429, f"too many requests; retry in {wait:.1f} s", headers={"Retry-After": f"{wait:.0f}"}
            )

    def authorised(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:  # noqa: B008
        given = credentials.credentials if credentials is not None else ""
        if not given or not hmac.compare_digest(given.encode(), config.token.encode()):
            reason = "missing" if not given else "wrong"
            raise HTTPException(
                401, f"{reason} bearer token; send Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"}
            )

    guarded = [Depends(client_allowed), Depends(authorised)]

    async def in_worker(fn: Callable[[], T]) -> T:
        """Run library work in a thread, ``work_threads`` at a time, within ``work_seconds`` (503 past it)."""
        try:
            with anyio.fail_after(config.work_seconds):
                # abandon_on_cancel: a comparison cannot be interrupted; its thread finishes unobserved.
                return await anyio.to_thread.run_sync(fn, limiter=work, abandon_on_cancel=True)
        except TimeoutError:
            raise WorkTimeout(f"the work took longer than {config.work_seconds:g} s; send shorter texts") from None

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        kinds = {401: "Unauthorized", 404: "NotFound", 405: "MethodNotAllowed", 429: "TooManyRequests"}
        return _problem(exc.status_code, kinds.get(exc.status_code, "HTTPError"), str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = first.get("msg", "invalid request")
        return _problem(422, "InvalidRequest", f"{where}: {message}" if where else message)

    @app.exception_handler(CopytrailError)
    async def library_error(request: Request, exc: CopytrailError) -> JSONResponse:
        if isinstance(exc, WorkTimeout):
            return _problem(503, "WorkTimeout", str(exc), {"Retry-After": "10"})
        status = 503 if isinstance(exc, EmbedderError) else 400
        return _problem(status, type(exc).__name__, " ".join(str(exc).split()))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        return _problem(500, "InternalError", f"an unexpected error ({type(exc).__name__}); please report it")

    @app.get("/openapi.json", dependencies=guarded, include_in_schema=False)
    async def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(files("copytrail.service").joinpath("static/index.html").read_text(encoding="utf-8"))

    @app.get("/v1/health", response_model=HealthOut)
    async def health() -> dict[str, Any]:
        documents = await anyio.to_thread.run_sync(lambda: archive.stats().documents)
        return {"status": "ok", "documents": documents, "version": __version__}

    @app.post(
        "/v1/compare",
        dependencies=guarded,
        openapi_extra={"requestBody": _COMPARE_BODY},
        responses={
            **_ERRORS,
            200: {
                "description": "The compare report (compare-report.v1 schema); header X-Report-Id names its HTML page."
            },
        },
    )
    async def compare_texts(request: Request) -> JSONResponse:
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            form = await request.form()
            uploads = [form.get("a"), form.get("b")]
            if any(u is None or isinstance(u, str) for u in uploads):
                raise InputError("body", "a multipart compare needs two file fields, a and b")
            texts = [await u.read() for u in uploads]  # type: ignore[union-attr]
            names = [u.filename or side for u, side in zip(uploads, "ab")]  # type: ignore[union-attr]
        else:
            try:
                body = CompareIn.model_validate_json(await request.body())
            except ValidationError as exc:
                raise RequestValidationError(exc.errors(include_url=False)) from None
            texts, names = [body.a, body.b], ["a", "b"]
        loaded = [_loaded_text(t, n, config.max_body_bytes) for t, n in zip(texts, names)]
        options = CompareConfig(embedder=config.embedder, device=config.device)
        report = await in_worker(lambda: compare(loaded[0], loaded[1], config=options))
        key = reports.keep(report)
        return JSONResponse(report_to_dict(report), headers={"X-Report-Id": key, "Location": f"/v1/reports/{key}"})

    @app.get(
        "/v1/reports/{report_id}",
        dependencies=guarded,
        response_class=HTMLResponse,
        responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut}, 429: {"model": ErrorOut}},
    )
    async def report_page(report_id: str) -> HTMLResponse:
        report = reports.get(report_id)
        if report is None:
            raise HTTPException(
                404, f"no report {report_id!r}; reports are kept for the latest {config.reports_kept} requests"
            )
        from copytrail.report.html import render_html

        return HTMLResponse(await anyio.to_thread.run_sync(lambda: render_html(report)))

    @app.post("/v1/query", dependencies=guarded, response_model=QueryOut, responses=_ERRORS)
    async def query(body: QueryIn) -> dict[str, Any]:
        loaded = _loaded_text(body.text, "text", config.max_body_bytes)
        doc = ScanDocument(
            "query", loaded.text, date=loaded.meta.date, source=loaded.meta.sitename, url=loaded.meta.url
        )
        deadline = time.monotonic() + config.work_seconds
        if pool is not None:
            future = pool.submit(doc, top=body.top, rewrite_check=body.rewrite_check, deadline=deadline)
            try:
                with anyio.fail_after(config.work_seconds + 1):
                    result = await asyncio.wrap_future(future)
            except TimeoutError:
                future.cancel()
                raise WorkTimeout(f"the query took longer than {config.work_seconds:g} s") from None
        else:
            result = await in_worker(
                lambda: archive.query(doc, top=body.top, rewrite_check=body.rewrite_check, deadline=deadline)
            )
        matches = [{**match_to_dict(m), "report_id": reports.keep(m.report)} for m in result.matches]
        return {
            "query": result.query_id,
            "candidates": result.candidates,
            "seconds": result.seconds,
            "matches": matches,
        }

    @app.post("/v1/documents", dependencies=guarded, response_model=DocumentOut, status_code=201, responses=_ERRORS)
    async def add_document(body: DocumentIn) -> dict[str, Any]:
        loaded = _loaded_text(body.text, body.id, config.max_body_bytes)
        doc = ScanDocument(body.id, loaded.text, date=body.date or loaded.meta.date, source=body.source, url=body.url)
        result = await in_worker(lambda: archive.add_documents([doc]))
        status = "added" if result.added else "replaced" if result.replaced else "unchanged"
        return {"id": body.id, "status": status, "documents": result.documents}

    @app.delete(
        "/v1/documents/{doc_id:path}",
        dependencies=guarded,
        response_model=DeletedOut,
        responses={**_ERRORS, 404: {"model": ErrorOut}},
    )
    async def delete_document(doc_id: str) -> dict[str, Any]:
        deleted = await in_worker(lambda: archive.delete([doc_id]))
        if not deleted:
            raise HTTPException(404, f"the archive holds no document {doc_id!r}")
        return {"id": doc_id, "deleted": True}

    app.add_middleware(BodyLimit, max_bytes=config.max_body_bytes)
    return app
