"""A small collection built from real BBC articles plus planted copies, scanned once per session.

Planted reuse (the expected pairs):

* ``copies/exact.txt``: a byte-for-byte copy of ``EXACT_SOURCE``.
* ``copies/light-edit.txt``: ``EDIT_SOURCE`` with about 5% of its words dropped.
* ``copies/inserted.txt``: ``HOST`` with two paragraphs of ``LIFTED`` inserted in the middle.

The BBC sample holds one real reuse pair of its own (``REAL_REUSE``: the BBC rewrote its
story on the Whitbread prize); no other pair among the sample is reuse.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.conftest import BBC, require_shared

pytest.importorskip("datasketch")

CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")
PER_CATEGORY = 6
EXACT_SOURCE = "business/002.txt"
EDIT_SOURCE = "politics/003.txt"
HOST = "tech/005.txt"
LIFTED = "sport/004.txt"
PLANTED = {
    ("business/002.txt", "copies/exact.txt"),
    ("copies/light-edit.txt", "politics/003.txt"),
    ("copies/inserted.txt", "tech/005.txt"),
    ("copies/inserted.txt", "sport/004.txt"),
}

REAL_REUSE = {("entertainment/007.txt", "entertainment/013.txt")}


def bbc_sample() -> list[str]:
    """The first articles of each category, leaving out the corpus's own exact duplicates."""
    root = require_shared(BBC)
    dupes = {p for line in (root / "exact_duplicate_groups.tsv").read_text().splitlines() for p in line.split("\t")}
    picked: list[str] = []
    for cat in CATEGORIES:
        names = sorted(p.name for p in (root / cat).glob("*.txt"))
        picked += [f"{cat}/{n}" for n in names if f"{cat}/{n}" not in dupes][:PER_CATEGORY]
    return picked


def drop_words(text: str, share: float, seed: int) -> str:
    """Drop about ``share`` of the words of every body line (the headline is kept)."""
    rng = random.Random(seed)
    head, _, body = text.partition("\n")
    lines = [" ".join(w for w in line.split(" ") if rng.random() >= share) for line in body.split("\n")]
    return head + "\n" + "\n".join(lines)


def insert_paragraphs(host: str, donor: str, count: int = 2) -> str:
    """``host`` with ``count`` body paragraphs of ``donor`` inserted after its third paragraph."""
    host_paras = host.split("\n\n")
    donor_paras = donor.split("\n\n")[2 : 2 + count]
    return "\n\n".join(host_paras[:3] + donor_paras + host_paras[3:])


def build_collection(root: Path) -> Path:
    """Write the sample articles and the planted copies under ``root``."""
    for rel in bbc_sample():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BBC / rel, root / rel)
    copies = root / "copies"
    copies.mkdir()
    text = {rel: (BBC / rel).read_text(encoding="utf-8") for rel in (EXACT_SOURCE, EDIT_SOURCE, HOST, LIFTED)}
    (copies / "exact.txt").write_text(text[EXACT_SOURCE], encoding="utf-8")
    (copies / "light-edit.txt").write_text(drop_words(text[EDIT_SOURCE], 0.05, seed=7), encoding="utf-8")
    (copies / "inserted.txt").write_text(insert_paragraphs(text[HOST], text[LIFTED]), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_collection(tmp_path_factory.mktemp("bbc-collection"))


@pytest.fixture(scope="session")
def scanned(collection: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The collection scanned once with the default config (one worker, no embedder)."""
    from copytrail.scan import ScanConfig, scan

    out = tmp_path_factory.mktemp("scan-out")
    return scan([collection], out, config=ScanConfig(progress=False))
