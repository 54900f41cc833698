"""A writer killed with SIGKILL loses only its batch in flight; readers query while a writer adds."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from copytrail.archive import Archive
from copytrail.archive.fingerprints import stored_documents
from copytrail.records import Relation
from copytrail.scan.readers import iter_documents
from copytrail.scan.records import ScanDocument
from tests.conftest import BBC, KHERSON_COPY, KHERSON_ORIGINAL, ROOT, require_shared

_WRITER = """
import sys
from copytrail.archive import Archive
from copytrail.scan.readers import iter_documents
from copytrail.scan.records import ScanDocument
docs = [d for d in iter_documents([sys.argv[2]]) if isinstance(d, ScanDocument)][: int(sys.argv[4])]
with Archive.open(sys.argv[1]) as archive:
    archive.add_documents(docs, batch_size=int(sys.argv[3]))
"""
BATCH = 8
# Documents the writer adds: 15 batches, enough to kill it part-way and for readers to see it grow.
LIMIT = 120


def _start_writer(db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    folder = require_shared(BBC / "business")
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(db), str(folder), str(BATCH), str(LIMIT)], env=env)


def _documents(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def _wait_for(db: Path, count: int, writer: subprocess.Popen, timeout: float = 120) -> None:
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        if db.exists() and _documents(db) >= count:
            return
        if writer.poll() is not None:
            pytest.fail(f"the writer ended (status {writer.returncode}) before {count} documents were committed")
        time.sleep(0.05)
    pytest.fail(f"fewer than {count} documents committed after {timeout} s")


@pytest.mark.slow
def test_kill_9_during_add_loses_nothing_committed_and_rerun_duplicates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    Archive.open(db).close()
    writer = _start_writer(db)
    try:
        _wait_for(db, 4 * BATCH, writer)
    finally:
        writer.kill()  # SIGKILL: no cleanup of any kind
        writer.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    committed = _documents(db)
    assert committed % BATCH == 0 and committed < LIMIT  # whole batches only, and it was killed mid-way
    with Archive.open(db) as archive:
        docs = [d for d in iter_documents([BBC / "business"]) if isinstance(d, ScanDocument)][:LIMIT]
        result = archive.add_documents(docs)
        assert (result.added, result.unchanged, result.documents) == (LIMIT - committed, committed, LIMIT)
        # Nothing duplicated: the postings on disk are exactly those of the documents, once each.
        stored = {s.id: s for s in stored_documents(docs, archive.fingerprint)}
        flags = {}
        for s in stored.values():
            flags.update(dict(archive.store.holders(s.content_key)))
        expected = sum(
            len(s.band_keys) + len(s.ngrams) + len(s.word_pairs) for s in stored.values() if flags.get(s.id, True)
        )
        assert archive.stats().postings == expected
    with sqlite3.connect(db) as conn:
        on_disk = sum(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("bands", "ngrams", "word_pairs")
        )
    assert on_disk == expected


@pytest.mark.slow
def test_readers_query_while_a_writer_adds(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    copy_text = require_shared(KHERSON_COPY).read_text()
    with Archive.open(db) as archive:
        archive.add_documents([ScanDocument("original", require_shared(KHERSON_ORIGINAL).read_text())])
    errors: list[BaseException] = []
    answers: list[tuple[int, bool]] = []
    stop = threading.Event()

    def reader() -> None:
        with Archive.open(db, create=False) as archive:
            while not stop.is_set():
                try:
                    result = archive.query_text(copy_text)
                    found = [m.id for m in result.matches if m.relation is Relation.REWRITE]
                    answers.append((archive.stats().documents, found == ["original"]))
                except BaseException as exc:  # noqa: BLE001 - every failure is the test's finding
                    errors.append(exc)
                    return

    writer = _start_writer(db)
    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        assert writer.wait(timeout=180) == 0
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert len(answers) >= 4 and all(ok for _, ok in answers)
    # The readers saw the archive grow while they queried it.
    assert len({count for count, _ in answers}) >= 2
