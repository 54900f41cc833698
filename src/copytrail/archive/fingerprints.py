"""What the archive computes for a document, and the candidate rules of ``scan`` applied against stored postings.

The scan proposes a pair when the two documents share an LSH band, enough rare word
5-grams (each weighted ``2 / df``, df at most ``rare_max_docs``), enough rare word pairs
(df at most ``pair_max_docs``), or the same shingle set. A query against the archive
applies the same rules to the union "archive + query": an n-gram that ``k`` archived
documents hold has df ``k + 1`` once the query is counted. So the stored postings of
each hash are read up to the largest df that can still be rare, and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from copytrail.archive.records import StoredDocument
from copytrail.normalize.common import text_sentence_keys
from copytrail.scan.candidates import EXACT, MINHASH, RARE_NGRAMS, RARE_PAIRS, band_keys, fingerprint_texts
from copytrail.scan.config import FingerprintConfig
from copytrail.scan.fingerprint import lsh_bands
from copytrail.scan.records import ScanDocument
from copytrail.scan.verify import as_loaded

__all__ = ["Candidate", "PostingSource", "as_loaded", "content_hash", "find_archive_candidates", "stored_documents"]


def content_hash(doc: ScanDocument) -> str:
    """What makes a re-add of the same id a no-op: its text and metadata, hashed."""
    payload = json.dumps([doc.text, doc.date, doc.source, doc.url], ensure_ascii=False)
    return hashlib.blake2b(payload.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def stored_documents(
    docs: Sequence[ScanDocument], config: FingerprintConfig, *, sentences: bool = True
) -> list[StoredDocument]:
    """Fingerprint a batch of documents the way the scan does (``indexed`` is decided by the archive later).

    Args:
        docs: the documents.
        config: the archive's fingerprint settings.
        sentences: also segment them for their sentence keys (needed to store them, not to query).
    """
    if not docs:
        return []
    prints = fingerprint_texts([d.text for d in docs], config)
    bands, rows = lsh_bands(config)
    keys = band_keys(prints.signatures, bands, rows)
    ngram_split = np.searchsorted(prints.ngram_docs, np.arange(1, len(docs)))
    pair_split = np.searchsorted(prints.word_pair_docs, np.arange(1, len(docs)))
    ngrams = np.split(prints.ngrams, ngram_split)
    pairs = np.split(prints.word_pairs, pair_split) if len(prints.word_pairs) else [np.empty(0, np.uint64)] * len(docs)
    out = []
    for k, doc in enumerate(docs):
        if sentences:
            sent_keys, sent_words = text_sentence_keys(doc.text)
        else:
            sent_keys, sent_words = np.empty(0, np.uint64), np.empty(0, np.int32)
        has = bool(prints.has_shingles[k])
        out.append(
            StoredDocument(
                document=doc,
                content_hash=content_hash(doc),
                content_key=int(prints.content_keys[k]),
                indexed=has,
                signature=prints.signatures[k],
                band_keys=keys[k] if has else np.empty(0, np.uint64),
                ngrams=ngrams[k],
                word_pairs=pairs[k],
                sentence_keys=sent_keys,
                sentence_words=sent_words,
            )
        )
    return out


class PostingSource:
    """What candidate search reads from a store (the store interface implements it).

    Each lookup returns, per key, the ids of the documents that hold it, at most ``limit``.
    """

    def with_content(self, key: int) -> list[str]:  # pragma: no cover - interface
        raise NotImplementedError

    def band_members(self, keys: np.ndarray, limit: int) -> dict[int, list[str]]:  # pragma: no cover
        raise NotImplementedError

    def rare_postings(  # pragma: no cover - interface
        self, kind: str, hashes: np.ndarray, limit: int
    ) -> tuple[dict[int, list[str]], set[int]]:
        """Per hash fewer than ``limit`` documents hold, their ids; and the hashes more hold, whose ids are not read."""
        raise NotImplementedError

    def signatures(self, ids: Iterable[str]) -> dict[str, np.ndarray]:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Candidate:
    """An archived document the indexes propose for a full comparison with the query."""

    id: str
    sources: tuple[str, ...]
    jaccard: float
    shared_ngrams: int


# Band buckets are read up to this many members: a band thousands of templated pages share
# would otherwise make every query compare against all of them (the scan chains such buckets).
_BAND_LIMIT = 200


def find_archive_candidates(
    query: StoredDocument, stores: Sequence[PostingSource], config: FingerprintConfig, *, exclude: str | None = None
) -> list[Candidate]:
    """The archived documents the scan's candidate rules pair with ``query``.

    Args:
        query: the query document, fingerprinted with :func:`stored_documents`.
        stores: where to look; document frequencies add up across them (the archive, and
            the batch of new documents when checking a batch against it and itself).
        config: the archive's fingerprint settings.
        exclude: an id never to propose (the query's own, when it is archived).

    Returns:
        Candidates sorted by id.
    """
    found: dict[str, set[str]] = defaultdict(set)
    if query.content_key:
        for store in stores:
            for doc_id in store.with_content(query.content_key):
                found[doc_id].add(EXACT)
    if len(query.band_keys):
        for store in stores:
            for members in store.band_members(query.band_keys, _BAND_LIMIT).values():
                for doc_id in members:
                    found[doc_id].add(MINHASH)
    shared: dict[str, int] = defaultdict(int)
    evidence: dict[str, float] = defaultdict(float)
    for doc_id, count, weight in _rare_shared(query.ngrams, "ngrams", stores, config.rare_max_docs):
        shared[doc_id], evidence[doc_id] = count, weight
    for doc_id, weight in evidence.items():
        if weight >= config.rare_min_shared - 1e-9:
            found[doc_id].add(RARE_NGRAMS)
    if config.pair_min_shared:
        for doc_id, count, _ in _rare_shared(query.word_pairs, "word_pairs", stores, config.pair_max_docs):
            if count >= config.pair_min_shared:
                found[doc_id].add(RARE_PAIRS)
    found.pop(exclude, None)  # type: ignore[arg-type]
    if not found:
        return []
    signatures: dict[str, np.ndarray] = {}
    for store in stores:
        signatures.update(store.signatures(found))
    order = (EXACT, MINHASH, RARE_NGRAMS, RARE_PAIRS)
    out = []
    for doc_id in sorted(found):
        sources = tuple(s for s in order if s in found[doc_id])
        signature = signatures.get(doc_id)
        jaccard = 1.0 if EXACT in sources or signature is None else float(np.mean(signature == query.signature))
        out.append(Candidate(doc_id, sources, round(jaccard, 4), shared.get(doc_id, 0)))
    return out


def _rare_shared(
    hashes: np.ndarray, kind: str, stores: Sequence[PostingSource], max_docs: int
) -> Iterable[tuple[str, int, float]]:
    """Per archived document: how many of ``hashes`` it shares that are rare in archive + query, and their weight.

    A hash is rare when 2 to ``max_docs`` documents hold it, the query included; so a
    hash ``max_docs`` archived documents hold is too common, and its holders are not named.
    """
    if len(hashes) == 0:
        return []
    holders: dict[int, list[str]] = defaultdict(list)
    common: set[int] = set()
    for store in stores:
        rare, too_many = store.rare_postings(kind, hashes, max_docs)
        common |= too_many
        for key, ids in rare.items():
            holders[key].extend(ids)
    count: dict[str, int] = defaultdict(int)
    weight: dict[str, float] = defaultdict(float)
    for key, ids in holders.items():
        df = len(ids) + 1
        if df > max_docs or key in common:
            continue
        for doc_id in ids:
            count[doc_id] += 1
            weight[doc_id] += 2.0 / df
    return [(doc_id, count[doc_id], weight[doc_id]) for doc_id in count]
