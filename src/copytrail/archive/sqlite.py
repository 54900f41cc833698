"""The embedded archive store: one SQLite database in WAL mode.

Why SQLite: it ships with Python, one file holds everything, and in WAL mode any number
of readers query a consistent snapshot while one writer adds. A commit survives a
``kill -9`` of the writer (``synchronous=NORMAL`` gives up only the last commits on
power loss, never consistency), and a transaction the kill interrupted is rolled back on
the next open.

Tables (every key is a 64-bit hash stored as a signed integer):

``documents``   one row per document: text, metadata, content hash and key, MinHash
                signature, sentence keys (for chrome learning), ``indexed``
``bands``       (band key, document): LSH buckets
``ngrams``      (5-gram hash, document): the rare n-gram index's postings
``word_pairs``  (word-pair hash, document): the rare word-pair index's postings
``meta``        settings, the change counter and the learned chrome (an ``.npz``)

Postings are ``WITHOUT ROWID`` tables keyed ``(hash, document)``: a lookup reads one
B-tree range, and a query reads at most ``limit`` entries per hash in one statement
(a correlated sub-select over ``json_each``), so an n-gram every document holds costs
no more than a rare one.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from copytrail.archive.records import StoredDocument
from copytrail.archive.store import KINDS, ArchiveStore, StoreCounts
from copytrail.errors import ArchiveError
from copytrail.normalize.common import CommonText, document_source
from copytrail.scan.records import ScanDocument

__all__ = ["SQLiteStore"]

SCHEMA_VERSION = 1
# SQLite caps it at its compile-time maximum (2 GB in most builds); past it, pages are read.
_MMAP_BYTES = 1 << 34

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS documents (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    content_key INTEGER NOT NULL,
    indexed INTEGER NOT NULL,
    text TEXT NOT NULL,
    date TEXT, source TEXT, url TEXT, language TEXT,
    signature BLOB NOT NULL,
    sentence_keys BLOB NOT NULL,
    sentence_words BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_content ON documents (content_key) WHERE content_key != 0;
CREATE TABLE IF NOT EXISTS bands (key INTEGER, num INTEGER, PRIMARY KEY (key, num)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ngrams (key INTEGER, num INTEGER, PRIMARY KEY (key, num)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS word_pairs (key INTEGER, num INTEGER, PRIMARY KEY (key, num)) WITHOUT ROWID;
"""


def _signed(values: np.ndarray) -> list[int]:
    return np.ascontiguousarray(values, dtype=np.uint64).view(np.int64).tolist()


def _unsigned(value: int) -> int:
    return value & 0xFFFFFFFFFFFFFFFF


_TABLES = ("meta", "documents", "bands", "ngrams", "word_pairs")


def _foreign_tables(path: str) -> list[str]:
    """Tables of the database at ``path`` that an archive does not make (SQLite's own left out), sorted.

    Read through a read-only connection, before the store's own sets its journal mode. A file
    that is no database at all gives none here; opening it as the store then says so.
    """
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return sorted(n for n in names if n not in _TABLES and not n.startswith("sqlite_"))


class SQLiteStore(ArchiveStore):
    """An archive in one SQLite file (plus its ``-wal`` and ``-shm`` companions while in use).

    Args:
        path: the database file; created when missing (its folder must exist).
        create: create a new archive when the file is missing; False raises instead.
        timeout: seconds a writer waits for another writer's lock before giving up.

    Raises:
        ArchiveError: the file is not an archive, or its folder is missing, or it is locked.
    """

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, timeout: float = 60.0) -> None:
        self.path = str(path)
        self._timeout = timeout
        self._local = threading.local()
        self._held: weakref.WeakSet[_Held] = weakref.WeakSet()
        target = Path(self.path)
        if target.is_dir():
            raise ArchiveError(self.path, "is a folder; give the archive's file name, such as archive.db")
        # An empty file is no archive either: only `index add` (create) makes one of it.
        if not target.exists() or (not create and target.stat().st_size == 0):
            if not create:
                raise ArchiveError(self.path, "no archive here; create one with `copytrail index add --index PATH ...`")
            if not target.parent.is_dir():
                raise ArchiveError(self.path, f"the folder {target.parent} does not exist; create it first")
        others = _foreign_tables(self.path) if target.exists() else []
        if others:
            # Never touch another program's database: not its tables, not even its journal mode.
            raise ArchiveError(
                self.path,
                f"is a SQLite database of something else (tables: {', '.join(others[:5])}); "
                "give a new file name for the archive",
            )
        conn = self._conn()
        try:
            with conn:
                conn.executescript(_SCHEMA)
                found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                if found is None:
                    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                elif int(found[0]) != SCHEMA_VERSION:
                    raise ArchiveError(self.path, f"archive format {found[0]}; this copytrail reads {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(self.path, f"is not a copytrail archive ({exc}); check the path") from None

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections must not be shared across threads).

        A server's worker threads come and go; each one's connection is closed when the
        thread ends (its thread-local holder is collected), so connections do not pile up.
        """
        held = getattr(self._local, "held", None)
        if held is None:
            try:
                # check_same_thread=False only so close() may close every thread's connection; each
                # thread still uses its own.
                conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA cache_size=-65536")
                # Pages read through a memory map, not a read() call each: a query's posting
                # lookups touch hundreds of pages of an archive far larger than the cache.
                conn.execute(f"PRAGMA mmap_size={_MMAP_BYTES}")
            except sqlite3.DatabaseError as exc:
                raise ArchiveError(self.path, f"is not a copytrail archive ({exc}); check the path") from None
            held = self._local.held = _Held(conn)
            self._held.add(held)
        return held.conn

    def _meta(self, key: str) -> bytes | str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def settings(self) -> str | None:
        value = self._meta("settings")
        return None if value is None else str(value)

    def set_settings(self, value: str) -> None:
        with self._conn() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('settings', ?)", (value,))

    def known(self, ids: Iterable[str]) -> dict[str, str]:
        rows = self._conn().execute(
            "SELECT id, content_hash FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return dict(rows.fetchall())

    def holders(self, content_key: int) -> list[tuple[str, bool]]:
        if not content_key:
            return []
        rows = self._conn().execute(
            "SELECT id, indexed FROM documents WHERE content_key = ? AND content_key != 0 ORDER BY num",
            (_signed(np.array([content_key]))[0],),
        )
        return [(doc_id, bool(indexed)) for doc_id, indexed in rows.fetchall()]

    def write(self, add: Sequence[StoredDocument], remove: Sequence[StoredDocument]) -> None:
        conn = self._conn()
        try:
            # IMMEDIATE takes the write lock now: two writers queue here instead of failing at commit.
            conn.execute("BEGIN IMMEDIATE")
            nums = dict(
                conn.execute(
                    "SELECT id, num FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps([old.id for old in remove]),),
                ).fetchall()
            )
            gone = [(old, nums.pop(old.id)) for old in remove if old.id in nums]
            delta = -self._postings(conn, gone, insert=False)
            conn.executemany("DELETE FROM documents WHERE num = ?", [(num,) for _, num in gone])
            added = []
            for new in add:
                doc = new.document
                cur = conn.execute(
                    "INSERT INTO documents (id, content_hash, content_key, indexed, text, date, source, url, language,"
                    " signature, sentence_keys, sentence_words) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        doc.id,
                        new.content_hash,
                        _signed(np.array([new.content_key]))[0],
                        int(new.indexed),
                        doc.text,
                        doc.date,
                        doc.source,
                        doc.url,
                        doc.language,
                        np.ascontiguousarray(new.signature, dtype=np.uint32).tobytes(),
                        np.ascontiguousarray(new.sentence_keys, dtype=np.uint64).tobytes(),
                        np.ascontiguousarray(new.sentence_words, dtype=np.int32).tobytes(),
                    ),
                )
                added.append((new, cur.lastrowid))
            delta += self._postings(conn, added, insert=True)
            conn.execute(
                "INSERT INTO meta VALUES ('generation', ?) ON CONFLICT (key) DO UPDATE SET value = value + ?",
                (len(add) + len(remove), len(add) + len(remove)),
            )
            conn.execute(
                "INSERT INTO meta VALUES ('postings', ?) ON CONFLICT (key) DO UPDATE SET value = value + ?",
                (delta, delta),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _postings(conn: sqlite3.Connection, docs: Sequence[tuple[StoredDocument, int]], *, insert: bool) -> int:
        """Insert (or delete) the postings of ``docs`` (record, row number); returns how many.

        One statement per table for the whole write, in key order: posting keys are
        hashes, so a document's land all over each B-tree, and a commit writes every page
        it touched to the log. In key order each page is visited once, while it is cached.
        """
        indexed = [(doc, num) for doc, num in docs if doc.indexed]
        if not indexed:
            return 0
        sql = "INSERT OR IGNORE INTO {} VALUES (?, ?)" if insert else "DELETE FROM {} WHERE key = ? AND num = ?"
        total = 0
        for table, field in (("bands", "band_keys"), ("ngrams", "ngrams"), ("word_pairs", "word_pairs")):
            arrays = [np.ascontiguousarray(getattr(doc, field), dtype=np.uint64) for doc, _ in indexed]
            keys = np.concatenate(arrays).view(np.int64)
            owners = np.repeat(np.array([num for _, num in indexed], dtype=np.int64), [len(a) for a in arrays])
            order = np.lexsort((owners, keys))
            conn.executemany(sql.format(table), zip(keys[order].tolist(), owners[order].tolist()))
            total += len(keys)
        return total

    def documents(self, ids: Iterable[str]) -> dict[str, ScanDocument]:
        rows = self._conn().execute(
            "SELECT id, text, date, source, url, language FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return {row[0]: ScanDocument(*row) for row in rows.fetchall()}

    def _lookup(self, table: str, keys: np.ndarray, limit: int, full: set[int] | None = None) -> dict[int, list[str]]:
        """Per key, the ids of at most ``limit`` holders; keys with ``limit`` go to ``full`` instead, when given."""
        if len(keys) == 0:
            return {}
        conn = self._conn()
        rows = conn.execute(
            f"SELECT j.value, (SELECT group_concat(num) FROM (SELECT num FROM {table} WHERE key = j.value LIMIT ?))"
            " FROM json_each(?) AS j",
            (limit, json.dumps(_signed(np.unique(keys)))),
        ).fetchall()
        found = {_unsigned(key): [int(n) for n in nums.split(",")] for key, nums in rows if nums}
        if full is not None:
            # Named, they would be dropped by the caller: most word pairs of a query are this common.
            full.update(key for key, members in found.items() if len(members) >= limit)
            found = {key: members for key, members in found.items() if len(members) < limit}
        if not found:
            return {}
        nums = sorted({n for members in found.values() for n in members})
        names = dict(
            conn.execute(
                "SELECT num, id FROM documents WHERE num IN (SELECT value FROM json_each(?))", (json.dumps(nums),)
            ).fetchall()
        )
        # A document removed between the two reads (a concurrent delete) is simply not proposed.
        return {key: [names[n] for n in members if n in names] for key, members in found.items()}

    def band_members(self, keys: np.ndarray, limit: int) -> dict[int, list[str]]:
        return self._lookup("bands", keys, limit)

    def rare_postings(self, kind: str, hashes: np.ndarray, limit: int) -> tuple[dict[int, list[str]], set[int]]:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        common: set[int] = set()
        return self._lookup(kind, hashes, limit, common), common

    def signatures(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        rows = self._conn().execute(
            "SELECT id, signature FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return {doc_id: np.frombuffer(blob, dtype=np.uint32) for doc_id, blob in rows.fetchall()}

    def sentence_keys(self) -> Iterator[tuple[np.ndarray, np.ndarray, str | None]]:
        rows = self._conn().execute("SELECT sentence_keys, sentence_words, source, url FROM documents ORDER BY num")
        for keys, words, source, url in rows:
            yield np.frombuffer(keys, np.uint64), np.frombuffer(words, np.int32), document_source(source, url)

    def common_text(self) -> tuple[CommonText | None, int]:
        blob = self._meta("common_text")
        if blob is None:
            return None, 0
        generation = int(self._meta("common_generation") or 0)
        return CommonText.load(io.BytesIO(blob)), generation  # type: ignore[arg-type]

    def save_common_text(self, common: CommonText, generation: int) -> None:
        buffer = io.BytesIO()
        common.save(buffer)
        conn = self._conn()
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('common_text', ?)", (buffer.getvalue(),))
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('common_generation', ?)", (generation,))

    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def common_generation(self) -> int:
        return int(self._meta("common_generation") or -1)

    def counts(self) -> StoreCounts:
        conn = self._conn()
        documents, indexed, characters = conn.execute(
            "SELECT count(*), coalesce(sum(indexed), 0), coalesce(sum(length(text)), 0) FROM documents"
        ).fetchone()
        size = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))
        return StoreCounts(documents, indexed, characters, int(self._meta("postings") or 0), size)

    def open_connections(self) -> int:
        """Connections open now (one per thread that used the store and is still alive)."""
        return len(self._held)

    def close(self) -> None:
        for held in list(self._held):
            held.close()
        self._local = threading.local()


class _Held:
    """One thread's connection; closed when the thread ends and its thread-local value is collected."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __del__(self) -> None:
        self.close()
