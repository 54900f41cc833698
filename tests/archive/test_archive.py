"""The archive finds what a full scan finds, stays consistent through replaces and deletes, and its fake agrees."""

from __future__ import annotations

import dataclasses

import pytest

from copytrail.archive import Archive, MemoryStore, check_documents
from copytrail.errors import ArchiveError
from copytrail.records import Relation
from copytrail.scan.config import FingerprintConfig
from copytrail.scan.records import ScanDocument
from tests.archive.conftest import QUERIES


def _pairs_touching(result, ids: set[str]) -> dict[frozenset[str], Relation]:  # noqa: ANN001
    return {frozenset((p.id_a, p.id_b)): p.relation for p in result.pairs if {p.id_a, p.id_b} & ids}


@pytest.fixture(scope="module")
def archive_without_queries(corpus: list[ScanDocument], tmp_path_factory: pytest.TempPathFactory) -> Archive:
    archive = Archive.open(tmp_path_factory.mktemp("archive") / "a.db")
    archive.add_documents([d for d in corpus if d.id not in QUERIES], learn=True)
    yield archive
    archive.close()


@pytest.mark.slow
def test_queries_find_the_pairs_a_full_scan_finds(corpus, full_scan, archive_without_queries) -> None:  # noqa: ANN001
    """Archive of the rest + the query documents checked against it and each other = one scan of everything."""
    queries = [d for d in corpus if d.id in QUERIES]
    results = check_documents(archive_without_queries, queries, top=50)
    found = {frozenset((r.query_id, m.id)): m.relation for r in results for m in r.matches}
    expected = _pairs_touching(full_scan, set(QUERIES))
    assert len(expected) >= 8  # the corpus holds what the test is about
    assert found == expected


def test_query_returns_compare_records(archive_without_queries, corpus) -> None:  # noqa: ANN001
    kherson = next(d for d in corpus if d.id.startswith("kherson/000"))
    result = archive_without_queries.query(kherson, top=3)
    (match,) = result.matches
    assert match.id == "kherson/001_99e61fcb9db1a932.txt"
    assert match.relation is Relation.REWRITE
    report = match.report
    assert report.a.name == kherson.id and report.b.name == match.id
    assert report.coverage.a > 0.5 and len(report.passages) >= 2
    assert report.explanation is not None and report.explanation.changes  # what changed travels with it


def test_readding_is_a_no_op_and_changed_content_replaces(corpus, tmp_path) -> None:  # noqa: ANN001
    docs = [d for d in corpus if d.id.startswith("business/0")][:40]
    with Archive.open(tmp_path / "a.db") as archive:
        first = archive.add_documents(docs)
        postings = archive.stats().postings
        again = archive.add_documents(docs)
        assert (first.added, again.added, again.unchanged) == (40, 0, 40)
        assert archive.stats().postings == postings
        changed = dataclasses.replace(docs[0], text=docs[0].text + "\nA new closing line about the markets.")
        result = archive.add_documents([changed])
        assert (result.added, result.replaced) == (0, 1)
        assert archive.stats().documents == 40
        assert archive.store.documents([changed.id])[changed.id].text == changed.text


def test_deleting_the_indexed_copy_promotes_the_next(corpus) -> None:  # noqa: ANN001
    """Only the first of several exact copies is indexed; deleting it must not hide the others."""
    original = next(d for d in corpus if d.id == "business/258.txt")
    copy = next(d for d in corpus if d.id == "business/356.txt")
    other = [d for d in corpus if d.id.startswith("business/1")][:20]
    archive = Archive(MemoryStore())
    archive.add_documents([original, copy, *other])
    assert archive.stats().indexed == 21
    assert archive.delete(["business/258.txt", "no-such-id"]) == ["business/258.txt"]
    probe = dataclasses.replace(original, id="probe")
    (match,) = archive.query(probe).matches
    assert match.id == "business/356.txt" and match.relation is Relation.DUPLICATE
    # Found through the index too, not only as an exact copy: it was promoted.
    assert "minhash" in match.sources
    assert archive.stats().indexed == 21


def test_fake_and_sqlite_store_agree(corpus, archive_without_queries) -> None:  # noqa: ANN001
    fake = Archive(MemoryStore())
    fake.add_documents([d for d in corpus if d.id not in QUERIES], learn=True)
    for doc in corpus:
        if doc.id in QUERIES[:4]:
            a = fake.query(doc, top=50)
            b = archive_without_queries.query(doc, top=50)
            assert [(m.id, m.relation, m.sources, m.jaccard) for m in a.matches] == [
                (m.id, m.relation, m.sources, m.jaccard) for m in b.matches
            ]
            assert a.candidates == b.candidates


def test_fake_and_sqlite_store_split_rare_and_common_postings_alike(corpus, archive_without_queries) -> None:  # noqa: ANN001
    from copytrail.archive.fingerprints import stored_documents

    fake = Archive(MemoryStore())
    fake.add_documents([d for d in corpus if d.id not in QUERIES], learn=False)
    queries = stored_documents([d for d in corpus if d.id in QUERIES], fake.fingerprint, sentences=False)
    seen_rare = seen_common = 0
    for query in queries:
        for kind, hashes in (("ngrams", query.ngrams), ("word_pairs", query.word_pairs)):
            for limit in (2, 5):
                rare, common = archive_without_queries.store.rare_postings(kind, hashes, limit)
                assert (rare, common) == fake.store.rare_postings(kind, hashes, limit)
                assert all(0 < len(ids) < limit for ids in rare.values()) and not common & set(rare)
                seen_rare, seen_common = seen_rare + len(rare), seen_common + len(common)
    assert seen_rare and seen_common  # both kinds of hash were there to split


def test_other_fingerprint_settings_are_refused(tmp_path) -> None:  # noqa: ANN001
    with Archive.open(tmp_path / "a.db"):
        pass
    with pytest.raises(ArchiveError, match="other fingerprint settings"):
        Archive.open(tmp_path / "a.db", fingerprint=FingerprintConfig(num_perm=64))


def test_a_file_that_is_no_archive_is_an_archive_error(tmp_path) -> None:  # noqa: ANN001
    bogus = tmp_path / "notes.db"
    bogus.write_text("just some notes, not a database\n" * 100)
    with pytest.raises(ArchiveError, match="not a copytrail archive"):
        Archive.open(bogus)
    with pytest.raises(ArchiveError, match="no archive here"):
        Archive.open(tmp_path / "missing.db", create=False)


def test_public_names_exist() -> None:
    import copytrail.archive

    for name in copytrail.archive.__all__:
        assert hasattr(copytrail.archive, name), name
    assert {"Archive", "ArchiveStore", "MemoryStore", "SQLiteStore", "check_documents"} <= set(
        copytrail.archive.__all__
    )


def test_connections_of_ended_threads_are_closed(tmp_path) -> None:  # noqa: ANN001
    """A server's worker threads come and go; their connections must not pile up."""
    import gc
    import threading

    from copytrail.archive import SQLiteStore

    store = SQLiteStore(tmp_path / "a.db")
    threads = [threading.Thread(target=lambda: store.known(["x"])) for _ in range(20)]
    for t in threads:
        t.start()
        t.join()
    gc.collect()
    assert store.open_connections() == 1  # the main thread's, opened by the constructor
    store.close()
    assert store.open_connections() == 0


_FOOTER = (
    "\n\nSign up for our morning briefing newsletter to get the biggest stories of the day delivered to your inbox "
    "before breakfast every weekday. Follow our business desk on social media for live updates on markets, "
    "currencies and commodities from around the world as they happen. Our journalists are independent and every "
    "correction we make is listed on the corrections page together with the date it was made.\n"
)


def test_chrome_learned_from_the_archive_is_no_evidence_of_reuse() -> None:
    """Ten archived stories and a query share only a newsletter footer: learned as stock text, it pairs nothing."""
    from copytrail.scan.readers import iter_documents
    from tests.conftest import BBC, require_shared

    tech = [d for d in iter_documents([require_shared(BBC / "tech")]) if isinstance(d, ScanDocument)][:11]
    stored = [ScanDocument(d.id, d.text + _FOOTER) for d in tech[:10]]
    probe = ScanDocument("probe", tech[10].text + _FOOTER)
    learned = Archive(MemoryStore())
    learned.add_documents(stored, learn=True)
    assert len(learned.common_text()) >= 3
    result = learned.query(probe, top=20)
    assert result.candidates == 10 and result.matches == ()
    # The same archive before it learned anything calls every one of them partial reuse.
    unlearned = Archive(MemoryStore())
    unlearned.add_documents(stored, learn=False)
    assert {m.relation for m in unlearned.query(probe, top=20).matches} == {Relation.PARTIAL_REUSE}


@pytest.mark.slow
def test_workers_do_not_change_the_archive(corpus, tmp_path) -> None:  # noqa: ANN001
    docs = corpus[:60] + [dataclasses.replace(corpus[0], text=corpus[0].text + "\nA late correction.")]
    stats = []
    for workers in (1, 2):
        with Archive.open(tmp_path / f"w{workers}.db") as archive:
            result = archive.add_documents(docs, workers=workers, batch_size=16, learn=True)
            assert (result.added, result.replaced) == (60, 1)
            found = archive.query(corpus[1], top=50)
            stats.append(
                (archive.stats().postings, archive.stats().indexed, [(m.id, m.relation) for m in found.matches])
            )
    assert stats[0] == stats[1]


def test_a_url_with_an_unreadable_host_is_archived_and_queried(corpus) -> None:  # noqa: ANN001
    # Learning chrome reads each stored document's site from its URL; a stray bracket in the host
    # made urlsplit raise there, so the service answered 500 to every later document.
    story = next(d for d in corpus if d.id == "business/002.txt")
    broken = dataclasses.replace(story, id="broken-url", url="http://[broken/page", source=None)
    archive = Archive(MemoryStore())
    archive.add_documents([broken, *corpus[:20]], learn=True)
    assert archive.store.counts().documents == 21
    found = archive.query_text(story.text).matches
    assert "broken-url" in {m.id for m in found}


def test_another_programs_database_is_refused_and_left_untouched(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    other = tmp_path / "shop.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    before = other.read_bytes()
    with pytest.raises(ArchiveError, match=r"SQLite database of something else \(tables: customers\)"):
        Archive.open(other)
    # Not a table added, not its journal mode switched to WAL (the store's connections do that).
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]
    empty = tmp_path / "empty.db"
    empty.touch()
    with Archive.open(empty) as archive:  # an empty file is no one's database: it becomes the archive
        assert archive.store.counts().documents == 0


def test_an_empty_file_is_no_archive_to_read(tmp_path) -> None:  # noqa: ANN001
    # index stats and index query open with create=False: they had made the empty file an archive.
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(ArchiveError, match="no archive here"):
        Archive.open(empty, create=False)
    assert empty.stat().st_size == 0
