"""A growing archive of documents to query for reuse: ``copytrail index`` and ``copytrail serve`` sit on it.

::

    from copytrail.archive import Archive
    with Archive.open("news.db") as archive:
        archive.add(["today/"])
        for match in archive.query_text(text).matches:
            match.id, match.relation, match.report.passages

Needs the ``scan`` extra (pyarrow), like ``copytrail scan``.
"""

from copytrail.archive.against import AgainstResult, scan_against
from copytrail.archive.archive import Archive, check_documents
from copytrail.archive.records import AddResult, ArchiveMatch, ArchiveStats, QueryResult, StoredDocument
from copytrail.archive.sqlite import SQLiteStore
from copytrail.archive.store import ArchiveStore, MemoryStore

__all__ = [
    "AddResult",
    "AgainstResult",
    "Archive",
    "ArchiveMatch",
    "ArchiveStats",
    "ArchiveStore",
    "MemoryStore",
    "QueryResult",
    "SQLiteStore",
    "StoredDocument",
    "check_documents",
    "scan_against",
]
