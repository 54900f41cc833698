"""A growing archive you can query: add documents once, then ask which archived ones a new text reuses.

::

    from copytrail.archive import Archive
    with Archive.open("news.db") as archive:
        archive.add(["crawl-2026-12-01.jsonl"])          # incremental, idempotent by id + content
        result = archive.query_text(open("suspect.txt").read(), top=5)
        for match in result.matches:
            print(match.id, match.relation.value, match.report.coverage)

A query applies the scan's candidate rules (:mod:`copytrail.archive.fingerprints`) to
the archive plus the query, then compares each candidate with the pair engine, after
taking out the chrome and stock text learned from the archive's own documents: the same
pairs, relations and reports as a full ``scan`` of archive and query.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from typing import Any

from copytrail.archive.fingerprints import (
    Candidate,
    PostingSource,
    as_loaded,
    content_hash,
    find_archive_candidates,
    stored_documents,
)
from copytrail.archive.records import AddResult, ArchiveMatch, ArchiveStats, QueryResult, StoredDocument
from copytrail.archive.sqlite import SQLiteStore
from copytrail.archive.store import ArchiveStore, MemoryStore
from copytrail.compare import CompareConfig, compare_documents
from copytrail.errors import ArchiveError, NothingRead, WorkTimeout
from copytrail.executors.pool import worker_context
from copytrail.lang import identify_languages
from copytrail.normalize import prepare_document
from copytrail.normalize.common import CommonText, CommonTextConfig, CommonTextCounter, document_source
from copytrail.records import Document
from copytrail.scan.candidates import RARE_PAIRS
from copytrail.scan.config import REUSE_RELATIONS, FingerprintConfig, ReaderConfig
from copytrail.scan.readers import check_inputs, iter_documents
from copytrail.scan.records import ScanDocument, SkippedDocument

__all__ = ["Archive", "check_documents"]

_BATCH = 256
_MAX_BATCH = 8192
_RANK = {relation: k for k, relation in enumerate(REUSE_RELATIONS)}
# Chrome is relearned after an add once this share of the archive changed since it was last learned.
_STALE_SHARE = 0.01
_CACHE_SIZE = 2048


class Archive:
    """Documents, their candidate indexes and the chrome learned from them, over an :class:`ArchiveStore`.

    Args:
        store: where everything is kept (:class:`SQLiteStore`, or :class:`MemoryStore` in tests).
        fingerprint: shingle, MinHash and rare n-gram settings; a store remembers those it
            was built with, and refuses others (fingerprints would not be comparable).
        common_text: when a sentence counts as chrome or stock text.
        rewrite_embedder: the embedder of the rewrite check (``query(rewrite_check=True)``).

    Raises:
        ArchiveError: the store was built with other fingerprint settings.
    """

    def __init__(
        self,
        store: ArchiveStore,
        *,
        fingerprint: FingerprintConfig | None = None,
        common_text: CommonTextConfig | None = None,
        rewrite_embedder: str = "minilm",
    ) -> None:
        self.store = store
        self.fingerprint = fingerprint or FingerprintConfig()
        if self.fingerprint.translation_embedder != "none":
            raise ValueError("the archive has no translation source yet; leave translation_embedder at 'none'")
        self.common_config = common_text or CommonTextConfig()
        settings = json.dumps(asdict(self.fingerprint), sort_keys=True)
        stored = store.settings()
        if stored is None:
            store.set_settings(settings)
        elif stored != settings:
            raise ArchiveError(store.path, "was built with other fingerprint settings; query it with the ones it has")
        self.rewrite_embedder = rewrite_embedder
        self._embedder: Any = None
        self._common: tuple[CommonText, int] | None = None
        self._prepared: OrderedDict[tuple[str, int, int], Document] = OrderedDict()
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True, **options: Any) -> Archive:
        """Open (or create) the SQLite archive at ``path``; ``options`` go to the constructor."""
        store = SQLiteStore(path, create=create)
        try:
            return cls(store, **options)
        except BaseException:
            store.close()
            raise

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    # --- adding and deleting ---------------------------------------------------------

    def add(
        self,
        inputs: Iterable[str | os.PathLike[str]],
        reader: ReaderConfig | None = None,
        *,
        advance: Callable[[int], None] | None = None,
        workers: int = 1,
    ) -> AddResult:
        """Add every document of ``inputs`` (the inputs ``scan`` reads, with the same skip reports).

        Documents are committed in batches (see :meth:`add_documents`): a run killed
        part-way keeps every finished batch, and rerunning it skips them (same id, same content).

        Raises:
            InputNotFound, NotAFile, UnusableInput, MissingExtra: as ``scan`` (before anything is added).
            NothingRead: no input held a readable document.
        """
        paths = check_inputs(inputs, reader)
        skipped: list[SkippedDocument] = []

        def documents() -> Iterator[ScanDocument]:
            for item in iter_documents(paths, reader):
                if isinstance(item, ScanDocument):
                    yield item
                else:
                    skipped.append(item)

        result = self.add_documents(documents(), advance=advance, learn=True, workers=workers)
        if result.added + result.replaced + result.unchanged == 0:
            reasons = "; ".join(f"{s.file}: {s.reason}" for s in skipped[:3]) or "no .txt/.html file or record found"
            raise NothingRead(", ".join(str(p) for p in paths), f"no document could be read ({reasons})")
        return dataclasses.replace(result, skipped=tuple(skipped))

    def add_documents(
        self,
        documents: Iterable[ScanDocument],
        *,
        learn: bool | None = None,
        advance: Callable[[int], None] | None = None,
        batch_size: int | None = None,
        workers: int = 1,
    ) -> AddResult:
        """Add documents; an id already archived with the same content is left alone, with other content replaced.

        Args:
            documents: the documents, streamed.
            learn: relearn chrome and stock text afterwards: True always, False never,
                None when 1% of the archive changed since it was last learned.
            advance: called with the number of documents handled, for progress bars.
            batch_size: documents per transaction (a kill loses at most the batch in flight).
                None: an eighth of the archive, at least 256 and at most 8192. A commit
                rewrites every index page it touched, and posting keys are hashes spread
                over the whole index, so a commit costs about the index's size however
                few documents it holds: batches that grow with the archive keep a large
                add close to linear instead of quadratic.
            workers: processes that fingerprint and segment batches (the costly part); this
                process alone writes, batch after batch in order, so the result does not
                depend on it.
        """
        started = time.perf_counter()
        totals = {"added": 0, "replaced": 0, "unchanged": 0}
        pool = _fingerprint_pool(workers) if workers > 1 else None
        # Batches in flight: (documents in it, ids it replaces, its fingerprints or their futures).
        pending: deque[tuple[int, list[str], Any]] = deque()
        planned: set[str] = set()
        archived = [self.store.counts().documents if batch_size is None else 0]

        def next_size() -> int:
            if batch_size is not None:
                return batch_size
            return min(_MAX_BATCH, max(_BATCH, archived[0] // 8))

        def drain(keep: int) -> None:
            while len(pending) > keep:
                size, replaced, work = pending.popleft()
                if pool is not None:
                    work = [doc for future in work for doc in future.result()]
                self._write(work, replaced)
                if advance is not None:
                    advance(size)

        with self._write_lock:
            try:
                for batch in _batches(documents, next_size):
                    if not planned.isdisjoint(d.id for d in batch):
                        drain(0)  # an id again: what it replaces must be written before it is planned
                        planned.clear()
                    todo, replaced = self._plan(batch, totals)
                    planned.update(d.id for d in batch)
                    archived[0] += len(todo) - len(replaced)
                    if pool is not None:
                        chunks = [todo[k : k + _BATCH] for k in range(0, len(todo), _BATCH)]
                        futures = [pool.submit(stored_documents, chunk, self.fingerprint) for chunk in chunks]
                        pending.append((len(batch), replaced, futures))
                    else:
                        pending.append((len(batch), replaced, stored_documents(todo, self.fingerprint)))
                    # With workers, the next batch is read and fingerprinted while this one is written.
                    drain(1 if pool is not None else 0)
                drain(0)
            finally:
                if pool is not None:
                    pool.shutdown(cancel_futures=True)
            if learn or (learn is None and self._stale()):
                self.learn_common_text()
        count = self.store.counts().documents
        return AddResult(skipped=(), documents=count, seconds=round(time.perf_counter() - started, 3), **totals)

    def _plan(self, batch: Sequence[ScanDocument], totals: dict[str, int]) -> tuple[list[ScanDocument], list[str]]:
        """The documents of ``batch`` to store (new or changed), and the ids among them that replace archived ones."""
        known = self.store.known(d.id for d in batch)
        todo = [d for d in batch if known.get(d.id) != content_hash(d)]
        replaced = [d.id for d in todo if d.id in known]
        totals["unchanged"] += len(batch) - len(todo)
        totals["replaced"] += len(replaced)
        totals["added"] += len(todo) - len(replaced)
        return todo, replaced

    def delete(self, ids: Iterable[str]) -> list[str]:
        """Remove documents by id; returns those that were archived (unknown ids are ignored)."""
        ids = list(dict.fromkeys(ids))
        with self._write_lock:
            present = [i for i in ids if i in self.store.known(ids)]
            if present:
                self._write([], present)
                if self._stale():
                    self.learn_common_text()
        return present

    def _write(self, new: list[StoredDocument], remove_ids: list[str]) -> None:
        """Store ``new`` and remove ``remove_ids`` in one step, keeping one indexed holder per shingle set.

        Like the scan, only the first document with a given shingle set is indexed; its
        exact copies are stored and found through it. When that first one goes, the next
        copy takes its place in the indexes.
        """
        if not new and not remove_ids:
            return
        removed = self._as_stored(remove_ids)
        gone = {s.id for s in removed}
        indexed_keys: set[int] = set()
        adds: list[StoredDocument] = []
        for doc in new:
            key = doc.content_key
            if key and doc.indexed:
                if key in indexed_keys or any(ok for i, ok in self.store.holders(key) if i not in gone):
                    doc = dataclasses.replace(doc, indexed=False)
                else:
                    indexed_keys.add(key)
            adds.append(doc)
        for old in list(removed):
            if not old.indexed or old.content_key in indexed_keys:
                continue
            rest = [i for i, _ in self.store.holders(old.content_key) if i not in gone]
            if rest:
                (promoted,) = self._as_stored(rest[:1])
                removed.append(promoted)
                adds.append(dataclasses.replace(promoted, indexed=bool(len(promoted.band_keys))))
                gone.add(promoted.id)
                indexed_keys.add(old.content_key)
        self.store.write(adds, removed)

    def _as_stored(self, ids: Sequence[str]) -> list[StoredDocument]:
        """The stored records of ``ids`` as they are now (recomputed from their text; ``indexed`` from the store)."""
        docs = self.store.documents(ids)
        out = []
        for stored in stored_documents([docs[i] for i in ids if i in docs], self.fingerprint):
            flags = dict(self.store.holders(stored.content_key))
            out.append(dataclasses.replace(stored, indexed=flags.get(stored.id, stored.indexed)))
        return out

    # --- chrome and stock text -----------------------------------------------------------

    def _stale(self) -> bool:
        generation, learned = self.store.generation(), self.store.common_generation()
        if learned < 0:
            return generation > 0
        return generation - learned >= max(1, _STALE_SHARE * self.store.counts().documents)

    def learn_common_text(self) -> CommonText:
        """Count every archived document's sentences and keep what is chrome or stock text (as ``scan`` does)."""
        generation = self.store.generation()
        counter = CommonTextCounter()
        for keys, words, source in self.store.sentence_keys():
            counter.add_keys(keys, words, source)
        common = counter.build(self.common_config)
        self.store.save_common_text(common, generation)
        return common

    def common_text(self) -> CommonText:
        """The chrome and stock text learned last (cached until it is learned again)."""
        learned = self.store.common_generation()
        cached = self._common
        if cached is None or cached[1] != learned:
            common, generation = self.store.common_text()
            cached = (common or CommonText(), generation if common is not None else -1)
            self._common = cached
        return cached[0]

    # --- querying ------------------------------------------------------------------------

    def query_text(self, text: str, *, query_id: str = "query", **options: Any) -> QueryResult:
        """:meth:`query` for a bare text."""
        return self.query(ScanDocument(id=query_id, text=text), **options)

    def query(
        self,
        document: ScanDocument,
        *,
        top: int = 10,
        rewrite_check: bool = False,
        deadline: float | None = None,
        extra: Sequence[PostingSource] = (),
        extra_documents: dict[str, ScanDocument] | None = None,
    ) -> QueryResult:
        """The archived documents that reuse ``document``'s text or whose text it reuses, strongest first.

        Args:
            document: the query (its ``id`` names it in the result).
            top: at most this many matches.
            rewrite_check: compare again with sentence embeddings the candidates that only
                rare word pairs proposed and words alone rejected (paraphrased and
                machine-translated rewrites), as ``scan --second-look`` does.
            deadline: a ``time.monotonic()`` instant; past it the query stops between two
                comparisons and raises :class:`~copytrail.errors.WorkTimeout`.
            extra, extra_documents: more stores to look in, and their documents (see
                :func:`check_documents`).

        Raises:
            WorkTimeout: the deadline passed.
            EmbedderError: the rewrite check's embedder cannot be loaded.
        """
        if top < 1:
            raise ValueError("top must be >= 1")
        started = time.perf_counter()
        (stored,) = stored_documents([document], self.fingerprint, sentences=False)
        own = self.store.known([document.id]).get(document.id) == stored.content_hash
        candidates = find_archive_candidates(
            stored, [self.store, *extra], self.fingerprint, exclude=document.id if own else None
        )
        docs = self.store.documents(c.id for c in candidates)
        docs.update({k: v for k, v in (extra_documents or {}).items() if any(c.id == k for c in candidates)})
        common = self.common_text()
        query_doc = self._prepare(document, common)
        matches = []
        for candidate in candidates:
            if deadline is not None and time.monotonic() > deadline:
                raise WorkTimeout(f"the query ran past its time limit after {len(matches)} of {len(candidates)} pairs")
            if candidate.id in docs:
                match = self._verify(query_doc, self._prepare(docs[candidate.id], common), candidate, rewrite_check)
                if match is not None:
                    matches.append(match)
        matches.sort(key=lambda m: (_RANK[m.relation], -max(m.report.coverage.a, m.report.coverage.b), m.id))
        return QueryResult(document.id, tuple(matches[:top]), len(candidates), round(time.perf_counter() - started, 4))

    def _prepare(self, doc: ScanDocument, common: CommonText) -> Document:
        """The segmented document with chrome marked, cached (archived documents recur across queries)."""
        key = (doc.id, hash(doc.text), id(common))
        with self._lock:
            found = self._prepared.get(key)
            if found is not None:
                self._prepared.move_to_end(key)
                return found
        prepared = identify_languages(prepare_document(as_loaded(doc)))
        prepared = common.mark(prepared, document_source(doc.source, doc.url))
        with self._lock:
            self._prepared[key] = prepared
            if len(self._prepared) > _CACHE_SIZE:
                self._prepared.popitem(last=False)
        return prepared

    def _verify(self, a: Document, b: Document, candidate: Candidate, rewrite_check: bool) -> ArchiveMatch | None:
        report = compare_documents(a, b, embedder=None, config=CompareConfig(embedder="none"))
        if report.relation not in _RANK and rewrite_check and RARE_PAIRS in candidate.sources:
            config = CompareConfig(embedder=self.rewrite_embedder)
            report = compare_documents(a, b, embedder=self._rewrite_embedder(), config=config)
        if report.relation not in _RANK:
            return None
        return ArchiveMatch(
            id=b.name,
            relation=report.relation,
            score=round(report.relation_score, 4),
            sources=candidate.sources,
            jaccard=candidate.jaccard,
            shared_ngrams=candidate.shared_ngrams,
            report=report,
        )

    def _rewrite_embedder(self) -> Any:
        if self._embedder is None:
            from copytrail.embed import load_embedder

            with self._lock:
                if self._embedder is None:
                    self._embedder = load_embedder(self.rewrite_embedder)
        return self._embedder

    def stats(self) -> ArchiveStats:
        """Sizes and state of the archive."""
        counts = self.store.counts()
        common, learned = self.store.common_text()
        stale = self.store.generation() - learned if common is not None else counts.documents
        return ArchiveStats(
            path=self.store.path,
            documents=counts.documents,
            indexed=counts.indexed,
            characters=counts.characters,
            bytes_on_disk=counts.bytes_on_disk,
            postings=counts.postings,
            common_sentences=len(common) if common is not None else 0,
            common_stale=max(0, stale),
        )


def _batches(documents: Iterable[ScanDocument], size: Callable[[], int]) -> Iterator[list[ScanDocument]]:
    """Batches of at most ``size()`` documents; an id seen earlier in the batch starts a new one (it replaces)."""
    batch: list[ScanDocument] = []
    ids: set[str] = set()
    limit = size()
    for doc in documents:
        if doc.id in ids or len(batch) >= limit:
            yield batch
            batch, ids = [], set()
            limit = size()
        batch.append(doc)
        ids.add(doc.id)
    if batch:
        yield batch


def _fingerprint_pool(workers: int) -> ProcessPoolExecutor:
    # Not fork: a fork of a threaded process (a server adding documents) could inherit a held lock.
    return ProcessPoolExecutor(workers, mp_context=worker_context([__name__]))


def check_documents(
    archive: Archive,
    documents: Iterable[ScanDocument],
    *,
    add: bool = False,
    top: int = 10,
    rewrite_check: bool = False,
) -> list[QueryResult]:
    """Check new documents against the archive and among themselves (incremental dedup; ``scan --against``).

    Each document is queried against the archive and the new documents before it (one
    pair per two new documents); document frequencies count both, so an n-gram the
    archive and the batch hold together is as rare or as common as in one scan of all.

    Args:
        archive: the archive to check against.
        documents: the new documents (ids unique among them).
        add: then add them to the archive.
        top, rewrite_check: as :meth:`Archive.query`.

    Returns:
        One result per new document, in order; a match's id is an archived document's or
        an earlier new document's.
    """
    docs = list(documents)
    scratch = MemoryStore()
    by_id: dict[str, ScanDocument] = {}
    results = []
    for doc in docs:
        results.append(archive.query(doc, top=top, rewrite_check=rewrite_check, extra=[scratch], extra_documents=by_id))
        (stored,) = stored_documents([doc], archive.fingerprint, sentences=False)
        if stored.content_key and scratch.holders(stored.content_key):
            stored = dataclasses.replace(stored, indexed=False)
        scratch.write([stored], [])
        by_id[doc.id] = doc
    if add:
        archive.add_documents(docs)
    return results
