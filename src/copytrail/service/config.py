"""The service's settings: one frozen value object that the ``serve`` command and tests fill in."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from copytrail.embed.device import DEVICES
from copytrail.errors import InputError, InputNotFound

__all__ = ["ServiceConfig", "read_token"]


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """What the HTTP service accepts and how much work it takes on.

    Attributes:
        token: the bearer token every request but ``/v1/health`` and the page must carry.
        max_body_bytes: larger request bodies get 413 (two 1 MB articles and JSON quoting fit).
        rate_per_minute, burst: each client (by address) may make ``burst`` requests at
            once and ``rate_per_minute`` a minute on average; more get 429.
        work_seconds: a request whose work (comparisons) runs longer gets 503; a query
            stops between two comparisons, a single comparison is abandoned.
        work_threads: requests doing work at once; more wait (their wait counts in ``work_seconds``).
        embedder: the embedder of ``/v1/compare`` (``"none"``: words only).
        device: where it runs, ``"cpu"``, ``"cuda"`` or ``"auto"`` (:mod:`copytrail.embed.device`).
        reports_kept: HTML reports kept for ``/v1/reports/{id}`` (the oldest go first).
    """

    token: str
    max_body_bytes: int = 4 * 1024 * 1024
    rate_per_minute: float = 600.0
    burst: int = 60
    work_seconds: float = 30.0
    work_threads: int = 4
    embedder: str = "minilm"
    reports_kept: int = 256
    device: str = "cpu"

    def __post_init__(self) -> None:
        if len(self.token) < 16:
            raise ValueError("the token must be at least 16 characters (make one with: openssl rand -hex 32)")
        if self.max_body_bytes < 1024 or self.rate_per_minute <= 0 or self.burst < 1:
            raise ValueError("max_body_bytes >= 1024, rate_per_minute > 0 and burst >= 1 are needed")
        if self.work_seconds <= 0 or self.work_threads < 1 or self.reports_kept < 1:
            raise ValueError("work_seconds > 0, work_threads >= 1 and reports_kept >= 1 are needed")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")


def read_token(token_file: str | None) -> str:
    """The bearer token: the first line of ``token_file``, else ``COPYTRAIL_TOKEN``.

    Raises:
        InputNotFound: the token file does not exist.
        InputError: no token given, or it is too short.
    """
    if token_file is not None:
        path = Path(token_file)
        if not path.is_file():
            raise InputNotFound(token_file, "no such token file; write the token on its first line")
        lines = path.read_text(encoding="utf-8").strip().splitlines()
        token = lines[0].strip() if lines else ""
        where = token_file
    else:
        token = os.environ.get("COPYTRAIL_TOKEN", "").strip()
        where = "COPYTRAIL_TOKEN"
    if len(token) < 16:
        raise InputError(
            where,
            "needs a token of at least 16 characters: set COPYTRAIL_TOKEN or pass --token-file "
            "(make one with: openssl rand -hex 32)",
        )
    return token
