"""Sentence vectors kept on disk between processes, so a text compared again is not embedded again.

An editor checks one story against a dozen suspects, one ``copytrail compare`` at a time;
every run used to embed the story's sentences anew (MiniLM: about 6 ms a sentence on two
cores, multilingual USE about 10 ms). :class:`VectorStore` keeps each vector under a hash
of the model's identity and the sentence, in one SQLite file in the cache folder
(``$COPYTRAIL_CACHE/embeddings.sqlite``).

- **Exact.** Vectors are stored as the float32 the model gave, so a report is the same
  whether its vectors came from the model or from the store.
- **Bounded.** Past ``max_rows`` vectors the oldest are dropped (first in, first out; about
  1.6 kB a MiniLM vector, so the default 100,000 is about 160 MB).
- **Never in the way.** A store that cannot be opened or written (read-only folder, a
  damaged file, another process holding a lock for long) is switched off for the process
  with one line on stderr; the comparison goes on with the model.
- ``COPYTRAIL_EMBEDDING_CACHE=0`` switches it off; ``COPYTRAIL_EMBEDDING_CACHE_ROWS`` sets
  the bound.

It is used by ``copytrail compare``, the archive and the service. ``scan``'s own embedders
(verify, report pages, translation candidates) keep nothing in it: a scan's sentences are
mostly seen once, and its reruns resume from saved artifacts instead. A multilingual
embedder that the pair engine brings in for a pair in two languages
(:func:`copytrail.embed.embedder_for`) is the shared, persistent one, in a scan too.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copytrail.cache import cache_dir

__all__ = ["DEFAULT_MAX_ROWS", "VectorStore", "default_store"]

DEFAULT_MAX_ROWS = 100_000
_CHUNK = 500  # keys per SELECT: under SQLite's default limit of bound parameters


class VectorStore:
    """Float32 vectors by (model, sentence), in a SQLite file; see the module docstring."""

    def __init__(self, path: Path, *, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        self.path = path
        self.max_rows = max_rows
        self._connection: sqlite3.Connection | None = None
        self._broken = False

    def _open(self) -> sqlite3.Connection | None:
        if self._connection is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
                self._connection = connection
            except (sqlite3.Error, OSError) as error:
                self._give_up(error)
        return self._connection

    def _give_up(self, error: Exception) -> None:
        self._broken = True
        self._connection = None
        print(
            f"copytrail: not keeping sentence vectors in {self.path} ({error}); set "
            "COPYTRAIL_EMBEDDING_CACHE=0 to stop trying, or remove the file",
            file=sys.stderr,
            flush=True,
        )

    @staticmethod
    def key(model: str, sentence: str) -> bytes:
        return hashlib.blake2b(f"{model}\0{sentence}".encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, model: str, sentences: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those ``sentences`` that have one."""
        connection = self._open()
        if connection is None or not sentences:
            return {}
        by_key = {self.key(model, s): s for s in sentences}
        keys = list(by_key)
        found: dict[str, np.ndarray] = {}
        try:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, blob in connection.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    found[by_key[key]] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error as error:
            self._give_up(error)
            return {}
        return found

    def put(self, model: str, sentences: Sequence[str], vectors: np.ndarray) -> None:
        """Keep ``vectors`` (one row per sentence), then drop the oldest past ``max_rows``."""
        connection = self._open()
        if connection is None or not sentences:
            return
        rows = [(self.key(model, s), np.asarray(v, dtype=np.float32).tobytes()) for s, v in zip(sentences, vectors)]
        try:
            with connection:
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
                # rowid grows with insertion (keys are never updated), so the smallest are the oldest.
                newest = connection.execute("SELECT max(rowid) FROM vectors").fetchone()[0] or 0
                connection.execute("DELETE FROM vectors WHERE rowid <= ?", (newest - self.max_rows,))
        except sqlite3.Error as error:
            self._give_up(error)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def default_store() -> VectorStore | None:
    """The store in the cache folder, or None when ``COPYTRAIL_EMBEDDING_CACHE=0``."""
    if os.environ.get("COPYTRAIL_EMBEDDING_CACHE", "1").strip().lower() in ("0", "no", "false", "off"):
        return None
    rows = os.environ.get("COPYTRAIL_EMBEDDING_CACHE_ROWS", "").strip()
    if rows and not rows.isdigit():
        message = f"COPYTRAIL_EMBEDDING_CACHE_ROWS={rows!r} is not a count; keeping {DEFAULT_MAX_ROWS:,} vectors"
        print(f"copytrail: {message}", file=sys.stderr, flush=True)
    max_rows = int(rows) if rows.isdigit() else DEFAULT_MAX_ROWS
    return VectorStore(cache_dir() / "embeddings.sqlite", max_rows=max_rows)
