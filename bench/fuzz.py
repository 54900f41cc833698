"""Fuzz every scan reader: tens of thousands of generated inputs, with crashes, hangs and peak memory.

Usage::

    python bench/fuzz.py                          # 10,000 inputs per reader (about an hour on 2 busy cores)
    python bench/fuzz.py --readers folder,jsonl,csv --out bench/results/fuzz-1.md &   # or in two processes,
    python bench/fuzz.py --readers parquet,warc --out bench/results/fuzz-2.md         # then:
    python bench/fuzz.py --merge bench/results/fuzz-1.json bench/results/fuzz-2.json
    python bench/fuzz.py --inputs 300             # a quick look
    python bench/fuzz.py --readers jsonl,csv --inputs 2000 --timeout 30

Each input is made by a seeded generator (``random.Random(f"{seed}:{reader}:{n}")``, so
input ``n`` of a reader is the same on every run and can be rebuilt with ``--only``):
1-6 documents whose text is real text from ../shared/data (BBC, Reuters, PAN13, Clough &
Stevenson, the Kherson pages) or made up, then mutated: bytes flipped, inserted or cut,
control characters and NULs, a BOM, another encoding (UTF-16/32, cp1252, latin-1,
Shift-JIS, KOI8-R), HTML around it, repeated to a large field, emptied, glued to binary.
The documents go into one input of the reader's format: a folder of .txt/.html files,
JSONL (plain or gzip, with odd JSON types and missing fields), CSV or TSV (plain or
gzip, BOM or not), Parquet (odd column types, nulls) or WARC (plain, gzip per record or
as one stream; responses, resources, requests, redirects, chunked and gzip HTTP bodies).

Two kinds of input are counted apart:

- ``content``: a well-formed container around odd documents. The reader must yield a
  document or a skip for each, and never raise (the target: 0 crashes, 0 hangs).
- ``container``: the same input with the container's own bytes then damaged (bit flips,
  a cut, a spliced chunk). A whole-input refusal with a message (``UnusableInput``, a
  :class:`copytrail.errors.CopytrailError`) is a correct answer here, not a crash.

Any other exception is a crash; an input still running after ``--timeout`` seconds is a
hang (the worker process is killed and restarted). Peak memory is the worker's maximum
resident set size while it read that reader's inputs. Results: ``bench/results/fuzz.md``
and ``bench/results/fuzz.json``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import multiprocessing as mp
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("COPYTRAIL_SHARED") or ROOT.parent / "shared")
RESULTS = ROOT / "bench" / "results"
READERS = ("folder", "jsonl", "csv", "parquet", "warc")
# Share of inputs whose container bytes are damaged after writing.
CONTAINER_SHARE = 0.25
# Longest document made (bytes): long fields, well under the 10 MB default limit, at a bearable speed.
MAX_TEXT = 300_000

# --- real text to start from ---------------------------------------------------------------


def real_texts(limit: int = 400, seed: int = 0) -> list[bytes]:
    """Up to ``limit`` files of ../shared as bytes (as found on disk, encodings and all)."""
    pools = [
        SHARED / "data" / "bbc_news",
        SHARED / "data" / "reuters21578",
        SHARED / "data" / "pan13_text_alignment_subset",
        SHARED / "data" / "clough_stevenson_short_answers",
        SHARED / "examples",
    ]
    files: list[Path] = []
    for pool in pools:
        if pool.exists():
            found = sorted(p for p in pool.rglob("*") if p.is_file() and p.stat().st_size < 2_000_000)
            found = [p for p in found if p.suffix.lower() in {".txt", ".html", ".htm", ".sgm", ""}]
            random.Random(seed).shuffle(found)
            files += found[: limit // len(pools)]
    return [p.read_bytes() for p in files]


# --- documents -----------------------------------------------------------------------------

_SAMPLE = (
    "Russia said its troops had withdrawn from Kherson on Friday . The minister told reporters "
    "prices rose 3.5% in March ; « Café » Zürich São Paulo 東京 Київ — naïve ﬁnance"
)
_WORDS = _SAMPLE.split()
_ODD_CHARS = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u200b",
    "\ufeff",
    "\ufffd",
    "\r",
    "\r\n",
    "\t",
    "\U0001f600",
    "\u0301",
    "\ud7ff",
    "\uffff",
    "<",
    "&amp;",
    '"',
    "\\",
]
_CODECS = [
    "utf-8",
    "utf-8",
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-32",
    "cp1252",
    "latin-1",
    "shift_jis",
    "koi8-r",
    "gb18030",
]
_MAGIC = [b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"\x1f\x8b\x08\x00", b"GIF89a", b"\xff\xd8\xff"]


def made_up_text(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(0, 400)))
    if kind == 1:
        return (
            "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(0, 200)))
            .encode("utf-8", "surrogatepass")
            .decode("utf-8", "replace")
        )
    if kind == 2:
        return "".join(rng.choice(_ODD_CHARS + _WORDS) for _ in range(rng.randrange(0, 300)))
    return rng.choice(["", " ", "\n\n", "\ufeff", "null", "<", "<p>", "<html></html>", "\x00" * 5, "a" * 10])


def document_bytes(rng: random.Random, corpus: list[bytes]) -> bytes:
    """One document's bytes: real or made-up text, mutated a few times."""
    if corpus and rng.random() < 0.6:
        data = rng.choice(corpus)
    else:
        data = made_up_text(rng).encode(rng.choice(_CODECS), errors="replace")
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 6])):
        data = mutate_document(rng, data)
    return data[:MAX_TEXT]


def mutate_document(rng: random.Random, data: bytes) -> bytes:
    op = rng.randrange(12)
    if op == 0 and data:  # flip bytes
        buf = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf)
    if op == 1:  # insert odd characters
        at = rng.randrange(len(data) + 1)
        return data[:at] + rng.choice(_ODD_CHARS).encode("utf-8", "surrogatepass") + data[at:]
    if op == 2 and data:  # cut
        return data[: rng.randrange(len(data))]
    if op == 3:  # re-encode
        text = data.decode("utf-8", "replace")
        return text.encode(rng.choice(_CODECS), errors="replace")
    if op == 4:  # BOM
        return rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]) + data
    if op == 5:  # wrap in HTML
        text = data.decode("utf-8", "replace")
        paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
        head = rng.choice(["<!DOCTYPE html>", "", "<?xml version='1.0'?>", "<html><head><meta charset='latin-1'>"])
        return f"{head}<html><body><nav>Home | News</nav><article>{paras}</article></body></html>".encode(
            "utf-8", "replace"
        )
    if op == 6 and data:  # repeat into a large field
        return data * rng.randrange(2, max(3, min(200, MAX_TEXT // max(len(data), 1))))
    if op == 7:  # binary glued on
        return rng.choice(_MAGIC) + data if rng.random() < 0.5 else data + bytes(rng.randrange(256) for _ in range(64))
    if op == 8:
        return b""
    if op == 9:  # whitespace only
        return rng.choice([b" ", b"\n\n\n", b"\t \r\n", "\u3000\u00a0".encode()])
    if op == 10 and data:  # duplicate a chunk
        a = rng.randrange(len(data))
        b = min(len(data), a + rng.randrange(1, 500))
        return data[:b] + data[a:b] + data[b:]
    return data.replace(b"\n", rng.choice([b"\r", b"\r\n", b"\n\n", b"\x85", b"\x0c"]))


def as_text(rng: random.Random, data: bytes) -> str:
    """A document's bytes as a string field (JSON, CSV, Parquet carry strings)."""
    codec = rng.choice(["utf-8", "utf-8", "latin-1", "cp1252"])
    text = data.decode(codec, errors=rng.choice(["replace", "ignore", "surrogateescape"]))
    return text


def odd_json_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 2 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randrange(-(2**70), 2**70)
    if kind == 3:
        return rng.choice([float("nan"), float("inf"), -0.0, 1e308, rng.random()])
    if kind == 4:
        return made_up_text(rng)[:40]
    if kind == 5:
        return rng.choice(["", "2024-03-01", "yesterday", "0000-00-00", "9999-12-31T25:61:61Z"])
    if kind == 6:
        return [odd_json_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    return {made_up_text(rng)[:8]: odd_json_value(rng, depth + 1) for _ in range(rng.randrange(3))}


# --- inputs, one per reader --------------------------------------------------------------


def make_input(reader: str, n: int, seed: int, corpus: list[bytes], workdir: Path) -> tuple[Path, str]:
    """Write input ``n`` for ``reader`` under ``workdir``; returns its path and kind (content/container)."""
    rng = random.Random(f"{seed}:{reader}:{n}")
    docs = [document_bytes(rng, corpus) for _ in range(rng.randrange(1, 7))]
    path = globals()[f"_write_{reader}"](rng, docs, workdir)
    kind = "content"
    if reader != "folder" and rng.random() < CONTAINER_SHARE:
        damage_file(rng, path)
        kind = "container"
    return path, kind


def _write_folder(rng: random.Random, docs: list[bytes], workdir: Path) -> Path:
    root = workdir / "collection"
    for k, data in enumerate(docs):
        name = (
            rng.choice(["a/", "", "", "deep/er/", ".hidden/"]) + f"{k}" + rng.choice([".txt", ".html", ".HTM", ".md"])
        )
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    root.mkdir(exist_ok=True)
    return root


def _record(rng: random.Random, data: bytes, k: int) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if rng.random() < 0.9:
        record["id"] = rng.choice([f"doc-{k}", k, f"doc-{k}", odd_json_value(rng), "", "dup"])
    if rng.random() < 0.93:
        record["text"] = as_text(rng, data) if rng.random() < 0.9 else odd_json_value(rng)
    for field in ("date", "source", "url"):
        if rng.random() < 0.5:
            record[field] = odd_json_value(rng) if rng.random() < 0.5 else made_up_text(rng)[:30]
    return record


def _maybe_gzip(rng: random.Random, path: Path, data: bytes) -> Path:
    if rng.random() < 0.3:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data, compresslevel=1)
    path.write_bytes(data)
    return path


def _write_jsonl(rng: random.Random, docs: list[bytes], workdir: Path) -> Path:
    lines = []
    for k, data in enumerate(docs):
        roll = rng.random()
        if roll < 0.8:
            line = json.dumps(_record(rng, data, k), ensure_ascii=rng.random() < 0.5)
            lines.append(line.encode("utf-8", "surrogatepass"))
        elif roll < 0.9:
            lines.append(json.dumps(odd_json_value(rng)).encode())
        else:
            lines.append(data.replace(b"\n", b" ")[:200])
        if rng.random() < 0.1:
            lines.append(rng.choice([b"", b"   ", b"\r"]))
    return _maybe_gzip(rng, workdir / "feed.jsonl", b"\n".join(lines) + rng.choice([b"\n", b""]))


def _write_csv(rng: random.Random, docs: list[bytes], workdir: Path) -> Path:
    tsv = rng.random() < 0.4
    buffer = io.StringIO(newline="")
    fields = ["id", "text", "date", "source", "url"]
    rng.shuffle(fields)
    writer = csv.writer(buffer, delimiter="\t" if tsv else ",", quoting=rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer.writerow(fields)
    for k, data in enumerate(docs):
        record = _record(rng, data, k)
        row = ["" if record.get(f) is None else str(record.get(f)) for f in fields]
        if rng.random() < 0.05:
            row = row[:-1]  # a short row
        writer.writerow(row)
    text = buffer.getvalue()
    codec = rng.choice(["utf-8", "utf-8", "utf-8-sig", "cp1252"])
    data = text.encode(codec, errors="surrogateescape" if codec.startswith("utf") else "replace")
    return _maybe_gzip(rng, workdir / ("table.tsv" if tsv else "table.csv"), data)


def _write_parquet(rng: random.Random, docs: list[bytes], workdir: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = [_record(rng, data, k) for k, data in enumerate(docs)]
    columns: dict[str, Any] = {}
    for field in ("id", "text", "date", "source", "url"):
        values = [r.get(field) for r in records]
        if field == "text" and rng.random() < 0.1:
            columns[field] = pa.array([None if v is None else as_bytes(v) for v in values], type=pa.binary())
            continue
        if field != "text" and rng.random() < 0.2 and all(v is None or type(v) is int for v in values):
            columns[field] = pa.array([None if v is None else max(min(v, 2**62), -(2**62)) for v in values])
            continue
        strings = [None if v is None else v if isinstance(v, str) else json.dumps(v) for v in values]
        strings = [None if s is None else s.encode("utf-8", "replace").decode("utf-8") for s in strings]
        columns[field] = pa.array(strings, type=rng.choice([pa.string(), pa.large_string()]))
    if rng.random() < 0.1:
        del columns["text"]  # no text column: refused as a whole (UnusableInput)
    path = workdir / "table.parquet"
    pq.write_table(pa.table(columns), path, row_group_size=rng.choice([1, 2, 1024]))
    return path


def as_bytes(value: Any) -> bytes:
    return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else json.dumps(value).encode()


def _warc_record(kind: str, uri: str | None, block: bytes, content_type: str, rng: random.Random) -> bytes:
    lines = [
        rng.choice(["WARC/1.1", "WARC/1.0"]),
        f"WARC-Type: {kind}",
        f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}>",
        f"WARC-Date: {rng.choice(['2024-03-01T08:00:00Z', '2024-13-45T99:00:00Z', ''])}",
        *([f"WARC-Target-URI: {uri}"] if uri else []),
        f"Content-Type: {content_type}",
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace") + block + b"\r\n\r\n"


def _http(rng: random.Random, body: bytes) -> bytes:
    status = rng.choice(["200 OK", "200 OK", "200 OK", "404 Not Found", "301 Moved Permanently", "500 Oops"])
    ctype = rng.choice(
        [
            "text/html; charset=utf-8",
            "text/html",
            "text/plain; charset=iso-8859-1",
            "application/xhtml+xml",
            "image/jpeg",
            "",
            "text/html; charset=bogus",
        ]
    )
    headers = [f"HTTP/1.1 {status}"] + ([f"Content-Type: {ctype}"] if ctype else [])
    coding = rng.choice(["", "", "", "gzip", "deflate", "br", "gzip-lie", "chunked"])
    if coding == "gzip":
        body = gzip.compress(body, compresslevel=1)
        headers.append("Content-Encoding: gzip")
    elif coding == "deflate":
        import zlib

        body = zlib.compress(body, 1)
        headers.append("Content-Encoding: deflate")
    elif coding in ("br", "gzip-lie"):
        headers.append(f"Content-Encoding: {'br' if coding == 'br' else 'gzip'}")  # header says so, body is not
    elif coding == "chunked":
        size = rng.randrange(1, 2000)
        body = b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)
        )
        body += b"0\r\n\r\n"
        headers.append("Transfer-Encoding: chunked")
    if coding != "chunked":
        headers.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def _write_warc(rng: random.Random, docs: list[bytes], workdir: Path) -> Path:
    records = []
    uris = ["https://a.example/1", "https://b.example/news/2024/story.html", "<https://c.example/x>", None, "dup"]
    for data in docs:
        uri = rng.choice(uris)
        roll = rng.random()
        if roll < 0.6:
            records.append(_warc_record("response", uri, _http(rng, data), "application/http; msgtype=response", rng))
        elif roll < 0.8:
            ctype = rng.choice(["text/plain", "text/html", "image/png", "text/plain; charset=utf-16"])
            records.append(_warc_record("resource", uri, data, ctype, rng))
        else:
            kind = rng.choice(["request", "metadata", "warcinfo", "revisit"])
            records.append(_warc_record(kind, uri, data[:300], "application/warc-fields", rng))
    compression = rng.choice(["none", "per-record", "whole"])
    path = workdir / ("crawl.warc" if compression == "none" else "crawl.warc.gz")
    if compression == "per-record":
        path.write_bytes(b"".join(gzip.compress(r, compresslevel=1) for r in records))
    elif compression == "whole":
        path.write_bytes(gzip.compress(b"".join(records), compresslevel=1))
    else:
        path.write_bytes(b"".join(records))
    return path


def damage_file(rng: random.Random, path: Path) -> None:
    """Damage a container's own bytes: flips, a cut, a spliced or dropped chunk."""
    data = bytearray(path.read_bytes())
    if not data:
        return
    op = rng.randrange(4)
    if op == 0:
        for _ in range(rng.randrange(1, 10)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif op == 1:
        del data[rng.randrange(len(data)) :]
    elif op == 2:
        a = rng.randrange(len(data))
        data[a:a] = data[rng.randrange(len(data)) :][: rng.randrange(1, 300)]
    else:
        a = rng.randrange(len(data))
        del data[a : a + rng.randrange(1, 300)]
    path.write_bytes(bytes(data))


# --- running -------------------------------------------------------------------------------


def worker(conn: Any, seed: int, corpus: list[bytes]) -> None:
    """Read inputs as the parent names them; answer with the outcome of each."""
    from copytrail.errors import CopytrailError
    from copytrail.scan import ScanDocument, iter_documents

    while True:
        job = conn.recv()
        if job is None:
            return
        reader, n = job
        workdir = Path(tempfile.mkdtemp(prefix="copytrail-fuzz-"))
        started = time.perf_counter()
        result: dict[str, Any] = {"n": n}
        try:
            path, kind = make_input(reader, n, seed, corpus, workdir)
        except Exception as exc:  # a bug of this script, not of the reader: counted apart
            shutil.rmtree(workdir, ignore_errors=True)
            conn.send({"n": n, "outcome": "generator error", "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
            continue
        try:
            result["kind"] = kind
            result["bytes"] = sum(f.stat().st_size for f in workdir.rglob("*") if f.is_file())
            docs = skips = 0
            ignored: Counter[str] = Counter()
            for item in iter_documents([path], ignored=ignored):
                if isinstance(item, ScanDocument):
                    assert item.text.strip(), "a document without text"
                    item.text.encode("utf-8")  # no lone surrogates
                    docs += 1
                else:
                    assert item.reason and "\n" not in item.reason, f"bad skip reason {item.reason!r}"
                    skips += 1
            result.update(outcome="ok", docs=docs, skips=skips)
        except CopytrailError as exc:
            result.update(outcome="refused", error=f"{type(exc).__name__}: {str(exc)[:200]}")
        except Exception as exc:  # the point of the exercise
            frames = traceback.extract_tb(exc.__traceback__)
            where = next(
                (f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "copytrail" in f.filename), "?"
            )
            result.update(outcome="crash", error=f"{type(exc).__name__}: {str(exc)[:200]}", where=where)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        result["seconds"] = time.perf_counter() - started
        result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send(result)


class Runner:
    """One worker process at a time; killed and replaced when an input hangs."""

    def __init__(self, seed: int, corpus: list[bytes]) -> None:
        self.seed, self.corpus = seed, corpus
        self.ctx = mp.get_context("fork")
        self.proc: Any = None
        self.start()

    def start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=worker, args=(child, self.seed, self.corpus), daemon=True)
        self.proc.start()

    def stop(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.conn.send(None)
            self.proc.join(5)
            if self.proc.is_alive():
                self.proc.kill()
                self.proc.join()

    def run(self, reader: str, n: int, timeout: float) -> dict[str, Any]:
        self.conn.send((reader, n))
        if self.conn.poll(timeout):
            try:
                return self.conn.recv()
            except EOFError:
                pass
            code = self.proc.exitcode
            self.proc.join()
            self.start()
            return {"n": n, "outcome": "crash", "error": f"worker died (exit code {code})", "where": "process"}
        self.proc.kill()
        self.proc.join()
        self.start()
        return {"n": n, "outcome": "hang", "error": f"still running after {timeout:.0f} s"}


def summarise(reader: str, results: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    by_kind: dict[str, Counter[str]] = {"content": Counter(), "container": Counter()}
    for r in results:
        by_kind[r.get("kind", "content")][r["outcome"]] += 1
    crashes = [r for r in results if r["outcome"] in ("crash", "hang")]
    generator_errors = [r for r in results if r["outcome"] == "generator error"]
    crash_kinds = Counter(
        (r.get("kind", "?"), r["outcome"], r.get("where", ""), r["error"].split(":")[0]) for r in crashes
    )
    return {
        "reader": reader,
        "inputs": len(results),
        "content": dict(by_kind["content"]),
        "container": dict(by_kind["container"]),
        "documents": sum(r.get("docs", 0) for r in results),
        "skips": sum(r.get("skips", 0) for r in results),
        "input_mb": round(sum(r.get("bytes", 0) for r in results) / 1e6, 1),
        "peak_rss_mb": round(max((r.get("maxrss_mb", 0) for r in results), default=0), 1),
        "slowest_s": round(max((r.get("seconds", 0) for r in results), default=0), 2),
        "slowest_input": max(results, key=lambda r: r.get("seconds", 0))["n"] if results else None,
        "wall_s": round(wall, 1),
        "crash_kinds": [[*k, v] for k, v in crash_kinds.most_common()],
        "generator_errors": len(generator_errors),
        "crash_examples": [{k: r.get(k) for k in ("n", "kind", "outcome", "where", "error")} for r in crashes[:20]],
        "refusals": Counter(r["error"].split(":")[0] for r in results if r["outcome"] == "refused").most_common(),
    }


def write_markdown(summary: dict[str, Any], path: Path) -> None:
    rows = summary["readers"]
    lines = [
        "# Reader fuzzing (`bench/fuzz.py`)",
        "",
        f"Command: `{summary['command']}`  ",
        f"Commit: {summary['commit']}; {summary['machine']}; {summary['date']}.  ",
        f"Inputs per reader: {summary['inputs_per_reader']}, seed {summary['seed']}, per-input timeout "
        f"{summary['timeout_s']} s, {summary['real_files']} real files from ../shared as seeds.",
        "",
        "`content`: a well-formed container around odd or mutated documents: must give documents or skips. "
        "`container`: the container's own bytes then damaged: a refusal of the whole input with a message "
        "(`UnusableInput`) is a correct answer. Crash = any other exception; hang = over the timeout.",
        "",
        "| reader | inputs | content ok / refused / crash / hang | container ok / refused / crash / hang "
        "| documents / skips | input MB | peak RSS MB | slowest input | wall |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        c, d = r["content"], r["container"]

        def cells(x: dict[str, int]) -> str:
            return " / ".join(str(x.get(k, 0)) for k in ("ok", "refused", "crash", "hang"))

        lines.append(
            f"| {r['reader']} | {r['inputs']:,} | {cells(c)} | {cells(d)} | {r['documents']:,} / {r['skips']:,} "
            f"| {r['input_mb']} | {r['peak_rss_mb']} | {r['slowest_s']} s (#{r['slowest_input']}) | {r['wall_s']} s |"
        )
    total_content = sum(r["content"].get("crash", 0) + r["content"].get("hang", 0) for r in rows)
    total_container = sum(r["container"].get("crash", 0) + r["container"].get("hang", 0) for r in rows)
    generator = sum(r.get("generator_errors", 0) for r in rows)
    lines += [
        "",
        f"**Content inputs: {total_content} crashes or hangs. Damaged containers: {total_container}.** "
        f"Inputs the generator failed to make (not counted above): {generator}.",
        "",
    ]
    for r in rows:
        if r["crash_kinds"]:
            lines.append(f"## {r['reader']}: crashes and hangs by kind")
            lines.append("")
            lines.append("| input kind | outcome | where | exception | count |")
            lines.append("|---|---|---|---|---|")
            lines += [f"| {k} | {o} | {w} | {e} | {n} |" for k, o, w, e, n in r["crash_kinds"]]
            lines.append("")
            lines.append(f"Examples (rebuild one with `python bench/fuzz.py --readers {r['reader']} --only N`):")
            lines.append("")
            lines += [
                f"- #{x['n']} ({x['kind']}, {x['outcome']}, {x['where']}): `{' '.join(x['error'].split())}`"
                for x in r["crash_examples"][:8]
            ]
            lines.append("")
    lines.append(
        "Refusals of a whole input (expected for damaged containers), by error type: "
        + "; ".join(f"{r['reader']}: " + ", ".join(f"{e} {n}" for e, n in r["refusals"]) for r in rows if r["refusals"])
        + "."
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_results(summary: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    write_markdown(summary, out)


def merge(parts: list[Path], out: Path) -> None:
    """One result file from runs of different readers (e.g. two processes side by side)."""
    summaries = [json.loads(p.read_text(encoding="utf-8")) for p in parts]
    merged = dict(summaries[0])
    merged["command"] = "; ".join(s["command"] for s in summaries)
    merged["commit"] = ", ".join(dict.fromkeys(s["commit"] for s in summaries))
    merged["readers"] = [r for s in summaries for r in s["readers"]]
    write_results(merged, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="inputs per reader")
    parser.add_argument("--readers", default=",".join(READERS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before an input counts as a hang")
    parser.add_argument("--only", type=int, help="run input N alone, in this process, and show any traceback")
    parser.add_argument("--out", type=Path, default=RESULTS / "fuzz.md")
    parser.add_argument("--merge", type=Path, nargs="+", help="write --out from these runs' .json results and stop")
    args = parser.parse_args()
    if args.merge:
        merge(args.merge, args.out)
        return
    readers = [r for r in args.readers.split(",") if r]
    corpus = real_texts()

    if args.only is not None:
        from copytrail.scan import iter_documents

        for reader in readers:
            with tempfile.TemporaryDirectory() as tmp:
                path, kind = make_input(reader, args.only, args.seed, corpus, Path(tmp))
                print(f"{reader} #{args.only} ({kind}): {path}")
                for item in iter_documents([path]):
                    print("  ", repr(item)[:300])
        return

    # The commit read, taken before any worker imports copytrail (a worker started later reads src/ then).
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True).stdout
    summary: dict[str, Any] = {
        "command": "python bench/fuzz.py " + " ".join(sys.argv[1:]),
        "commit": commit.strip() + (" with uncommitted changes in src/" if dirty.strip() else ""),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "inputs_per_reader": args.inputs,
        "seed": args.seed,
        "timeout_s": args.timeout,
        "real_files": len(corpus),
        "readers": [],
    }
    runner = Runner(args.seed, corpus)
    try:
        for reader in readers:
            runner.stop()
            runner.start()  # a fresh worker per reader, so its peak memory is that reader's
            results, started = [], time.perf_counter()
            for n in range(args.inputs):
                results.append(runner.run(reader, n, args.timeout))
                if (n + 1) % 1000 == 0:
                    bad = sum(r["outcome"] in ("crash", "hang") for r in results)
                    print(
                        f"{reader}: {n + 1:,} inputs, {bad} crashes/hangs, {time.perf_counter() - started:.0f} s",
                        flush=True,
                    )
            summary["readers"].append(summarise(reader, results, time.perf_counter() - started))
            print(json.dumps({k: v for k, v in summary["readers"][-1].items() if k != "crash_examples"}), flush=True)
            write_results(summary, args.out)  # after every reader, so a stopped run keeps what it finished
    finally:
        runner.stop()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
