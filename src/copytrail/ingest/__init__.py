"""Reading documents: decoding, binary and size checks, and HTML article extraction."""

from __future__ import annotations

from copytrail.ingest.load import DEFAULT_MAX_BYTES, load_bytes, load_text

__all__ = ["DEFAULT_MAX_BYTES", "load_bytes", "load_text"]
