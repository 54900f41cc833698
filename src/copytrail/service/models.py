"""Request and response bodies of the HTTP API (pydantic models: they validate input and write the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CompareIn",
    "DeletedOut",
    "DocumentIn",
    "DocumentOut",
    "ErrorOut",
    "HealthOut",
    "QueryIn",
    "QueryOut",
]

_TEXT = "Plain text or HTML (its article text is extracted)."


class CompareIn(BaseModel):
    """Two texts to compare."""

    model_config = ConfigDict(extra="forbid")
    a: str = Field(min_length=1, description=_TEXT)
    b: str = Field(min_length=1, description=_TEXT)


class QueryIn(BaseModel):
    """One text to look up in the archive."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description=_TEXT)
    top: int = Field(10, ge=1, le=100, description="At most this many matches.")
    rewrite_check: bool = Field(
        False, description="Also compare with sentence embeddings the candidates words alone reject (slower)."
    )


class DocumentIn(BaseModel):
    """A document to add to the archive (an id already archived with other content is replaced)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=1000)
    text: str = Field(min_length=1, description=_TEXT)
    date: str | None = Field(None, max_length=100, description="ISO date, for telling which text came first.")
    source: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=4000)


class DocumentOut(BaseModel):
    id: str
    status: str = Field(description="added, replaced or unchanged (the same id with the same content).")
    documents: int = Field(description="Documents in the archive afterwards.")


class DeletedOut(BaseModel):
    id: str
    deleted: bool


class HealthOut(BaseModel):
    status: str
    documents: int
    version: str


class Match(BaseModel):
    id: str = Field(description="The archived document's id.")
    relation: str
    score: float
    coverage: dict[str, float]
    passages: int
    sources: list[str]
    jaccard: float
    shared_ngrams: int
    report_id: str = Field(description="GET /v1/reports/{report_id} shows the side-by-side HTML report.")
    report: dict[str, Any] = Field(description="The compare report (compare-report.v1 schema), without the texts.")


class QueryOut(BaseModel):
    query: str
    candidates: int
    seconds: float
    matches: list[Match]


class ErrorDetail(BaseModel):
    status: int
    type: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail
