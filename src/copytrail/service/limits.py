"""Request limits: body size (413) as ASGI middleware, and a per-client token bucket (429).

The body limit is middleware, not a route dependency, so that it holds before any
parser reads the body: a declared ``Content-Length`` over the limit is refused at once,
and a streamed body is counted as it arrives and cut off where it passes the limit.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

__all__ = ["BodyLimit", "RateLimiter", "error_body"]


def error_body(status: int, kind: str, message: str) -> dict[str, Any]:
    """Every error the service returns: ``{"error": {"status", "type", "message"}}``."""
    return {"error": {"status": status, "type": kind, "message": message}}


class BodyLimit:
    """ASGI middleware: 413 for request bodies larger than ``max_bytes``."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        started = refused = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Answer 413 now and tell the app the client left: FastAPI turns exceptions raised
                    # while it reads a body into its own 400, so raising here would not reach the client.
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            if refused:
                return  # the 413 went out; whatever the app answers to the "disconnect" is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted_receive, tracked_send)

    async def _refuse(self, send: Any) -> None:
        message = f"the request body is larger than {self.max_bytes:,} bytes; send less text at a time"
        body = json.dumps(error_body(413, "BodyTooLarge", message)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """A token bucket per client: ``burst`` requests at once, refilled at ``per_minute`` a minute.

    Thread-safe; buckets of clients idle long enough to be full again are dropped, so
    memory stays bounded by the clients of the last few minutes.
    """

    def __init__(self, per_minute: float, burst: int, *, clock: Any = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> float:
        """Take a token for ``client``: 0.0 when allowed, else the seconds until one is free."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > 10_000:
                full_after = self.burst / self.rate
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
        return wait
