"""A scan's output folder: atomically written artifacts and per-stage completion markers.

A stage writes each artifact to a temporary name and renames it into place, then writes
its marker ``.stages/<stage>.json`` (the stage's key, counters and seconds). A rerun
skips a stage whose marker key matches and whose artifacts all exist, so a run killed in
the middle resumes from the last finished stage and never reads a half-written file.

Temporary names carry the writer's process id (``.pairs.jsonl.tmp-4242``, ``.spill/pid-4242``).
A run that ends by an exception or SIGTERM removes its own; opening the folder again
removes those of processes that no longer run (a run killed with SIGKILL, or a crash).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from copytrail.errors import OutputError
from copytrail.scan.records import SCHEMA_VERSION, from_json_dict, to_json_dict

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here
    fcntl = None  # type: ignore[assignment]

__all__ = ["ArtifactStore"]

T = TypeVar("T")

_MARKERS = ".stages"
_SPILL = ".spill"
_TMP_PID = re.compile(r"^\..*\.tmp-(\d+)$")
_SPILL_PID = re.compile(r"^pid-(\d+)$")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it runs, as another user
        return True
    return True


def remove_stale_temporaries(root: Path) -> list[Path]:
    """Remove the temporary files and spill folders in ``root`` left by processes that no longer run.

    Returns:
        What was removed.
    """
    removed: list[Path] = []
    for folder in (root, root / _MARKERS):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            match = _TMP_PID.search(entry.name)
            if match and entry.is_file() and not pid_alive(int(match.group(1))):
                entry.unlink(missing_ok=True)
                removed.append(entry)
    try:
        spills = list((root / _SPILL).iterdir())
    except OSError:
        spills = []
    for entry in spills:
        match = _SPILL_PID.match(entry.name)
        if match and not pid_alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


class ArtifactStore:
    """The output folder of one scan."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where a folder of the path should be, no permission
            raise OutputError(
                str(root), f"cannot be made a folder ({exc.strerror or exc}); choose another path"
            ) from None
        remove_stale_temporaries(self.root)

    @classmethod
    def scan_folder(cls, root: str | os.PathLike[str]) -> ArtifactStore:
        """A scan's output folder: new, empty, or one a scan made; refused when it holds anything else.

        A scan writes ``report.html``, ``pairs.jsonl`` and more under fixed names: into a
        folder of the user's own (an input folder, or a link to one) it would replace their
        files. The folder is marked as a scan's at once, so a first run killed early resumes.

        Raises:
            OutputError: the folder holds files and no scan.
        """
        path = Path(root)
        if path.is_dir() and not (path / _MARKERS).is_dir() and any(path.iterdir()):
            raise OutputError(
                str(root),
                "holds other files and no scan, which a scan could overwrite (report.html, pairs.jsonl, ...); "
                "give a new or empty folder (a rerun resumes in a folder a scan made)",
            )
        store = cls(root)
        (store.root / _MARKERS).mkdir(exist_ok=True)
        return store

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the folder for one run: a second run into it while this one writes is refused.

        An advisory lock on ``.stages/lock``, released when the run ends, however it ends
        (the system drops it with the process). Where the platform has no ``fcntl``, nothing is held.
        """
        if fcntl is None:
            yield
            return
        (self.root / _MARKERS).mkdir(exist_ok=True)
        with open(self.root / _MARKERS / "lock", "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputError(
                    str(self.root), "another copytrail run is writing to this folder; let it finish or give another one"
                ) from None
            yield

    def path(self, name: str) -> Path:
        return self.root / name

    @contextmanager
    def atomic(self, name: str, mode: str = "w") -> Iterator[IO[Any]]:
        """Open ``name`` for writing; it appears under its name only if the block finishes."""
        final = self.path(name)
        tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
        try:
            with open(tmp, mode, encoding=None if "b" in mode else "utf-8") as fh:
                yield fh
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                tmp.unlink()

    def write_jsonl(self, name: str, records: Iterable[Any]) -> int:
        """Write records (dataclasses or dicts) one JSON object per line; returns the count."""
        count = 0
        with self.atomic(name) as fh:
            for record in records:
                data = record if isinstance(record, dict) else to_json_dict(record)
                fh.write(json.dumps(data, ensure_ascii=False) + "\n")
                count += 1
        return count

    def read_jsonl(self, name: str, cls: type[T] | None = None) -> Iterator[Any]:
        """Read back an artifact, as records of ``cls`` or as dicts."""
        with open(self.path(name), encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    data = json.loads(line)
                    yield from_json_dict(cls, data) if cls is not None else data

    def write_json(self, name: str, data: Any) -> None:
        with self.atomic(name) as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.write("\n")

    def write_parquet(self, name: str, rows: list[dict[str, Any]], kind: str) -> None:
        """Write rows as Parquet with the schema version in the file's metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(rows, schema=_parquet_schema(pa, kind))
        table = table.replace_schema_metadata(
            {"copytrail.scan.schema_version": str(SCHEMA_VERSION), "copytrail.scan.kind": kind}
        )
        with self.atomic(name, "wb") as fh:
            pq.write_table(table, fh)

    # --- stage markers -------------------------------------------------------------

    def _marker(self, stage: str) -> Path:
        return self.root / _MARKERS / f"{stage}.json"

    def finished(self, stage: str, key: str, artifacts: Iterable[str]) -> dict[str, Any] | None:
        """The marker of ``stage`` if it finished with this key and its artifacts are there as it left them.

        An artifact changed since (truncated, edited, replaced: its size or modification time
        differs from what the marker recorded) makes the stage unfinished, so a rerun makes
        it again instead of reading damage; so does a marker that is not one of ours.
        """
        marker = self._marker(stage)
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or data.get("schema_version") != SCHEMA_VERSION:
            return None
        artifacts = list(artifacts)
        if not all(self.path(a).exists() for a in artifacts):
            return None
        left = data.get("artifacts")
        if left is not None and (not isinstance(left, dict) or left != self._signatures(artifacts)):
            return None
        return data

    def mark(
        self, stage: str, key: str, counters: dict[str, Any], seconds: float, artifacts: Iterable[str] = ()
    ) -> None:
        """Record that ``stage`` finished (after its artifacts are in place), with their sizes and times."""
        self._marker(stage).parent.mkdir(exist_ok=True)
        data = {
            "schema_version": SCHEMA_VERSION,
            "key": key,
            "counters": counters,
            "seconds": round(seconds, 3),
            "artifacts": self._signatures(artifacts),
        }
        tmp = self._marker(stage).with_name(f".{stage}.json.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self._marker(stage))

    def _signatures(self, names: Iterable[str]) -> dict[str, list[int]]:
        """Each artifact's size and modification time; a dataset folder's file count, total size and latest time."""
        out = {}
        for name in names:
            path = self.path(name)
            if path.is_dir():
                stats = [f.stat() for f in path.rglob("*") if f.is_file()]
                out[name] = [len(stats), sum(x.st_size for x in stats), max((x.st_mtime_ns for x in stats), default=0)]
            elif path.exists():
                stat = path.stat()
                out[name] = [stat.st_size, stat.st_mtime_ns]
        return out

    def forget(self, stage: str) -> None:
        """Drop ``stage``'s marker, so a later run recomputes it."""
        self._marker(stage).unlink(missing_ok=True)

    def discard(self, names: Iterable[str]) -> None:
        """Remove the named artifacts, files or dataset folders, and whatever shards they hold."""
        for name in names:
            path = self.path(name)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)


def _parquet_schema(pa, kind: str):  # noqa: ANN001, ANN202 - pyarrow is an optional import
    """Explicit column types, so an empty artifact has the same schema as a full one."""
    if kind == "pairs":
        return pa.schema(
            [
                ("id_a", pa.string()),
                ("id_b", pa.string()),
                ("relation", pa.string()),
                ("score", pa.float64()),
                ("coverage_a", pa.float64()),
                ("coverage_b", pa.float64()),
                ("passages", pa.int32()),
                ("original", pa.string()),
                ("confidence", pa.float64()),
                ("sources", pa.list_(pa.string())),
                ("shared_boilerplate", pa.int32()),
                ("aligned_words", pa.int32()),
            ]
        )
    if kind == "families":
        return pa.schema(
            [
                ("id", pa.string()),
                ("members", pa.list_(pa.string())),
                ("original", pa.string()),
                ("original_reason", pa.string()),
                ("pairs", pa.int32()),
                ("relations", pa.map_(pa.string(), pa.int32())),
                ("related", pa.list_(pa.string())),
                ("size", pa.int32()),
            ]
        )
    raise ValueError(f"no Parquet schema for {kind!r}")
