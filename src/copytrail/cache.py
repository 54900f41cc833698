"""Where copytrail keeps what it derives once from installed models, and how it writes there.

``$COPYTRAIL_CACHE``, else ``$XDG_CACHE_HOME/copytrail`` or ``~/.cache/copytrail``.

Several processes may derive the same thing at once (a scan's workers on a fresh cache):
each builds under a name of its own (``<name>.<pid>.partial``) and renames the result into
place, so no process ever reads half of it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path


def cache_dir() -> Path:
    root = os.environ.get("COPYTRAIL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "copytrail"
    )
    return Path(root)


def _partial(target: Path) -> Path:
    return target.with_name(f"{target.name}.{os.getpid()}.partial")


def build_folder(target: Path, build: Callable[[Path], None]) -> None:
    """Make the folder ``target`` with ``build(folder)``, into a folder of this process's own first.

    Raises what ``build`` raises, or the OSError of the rename unless another process's
    ``target`` won it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(target)
    try:
        partial.mkdir()
        build(partial)
        partial.replace(target)
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def keep_text(path: Path, text: str) -> None:
    """Keep a small derived file; a failure (a read-only cache) only means it is derived again next time."""
    keep_file(path, lambda partial: partial.write_text(text, encoding="utf-8"))


def keep_file(path: Path, write: Callable[[Path], None]) -> bool:
    """Keep a derived file that ``write(partial)`` writes; False when it could not be kept (a read-only cache)."""
    partial = _partial(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        partial.replace(path)
        return True
    except OSError:
        return False
    finally:
        partial.unlink(missing_ok=True)
