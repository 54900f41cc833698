"""Where copytrail keeps what it derives once from installed models.

``$COPYTRAIL_CACHE``, else ``$XDG_CACHE_HOME/copytrail`` or ``~/.cache/copytrail``.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    root = os.environ.get("COPYTRAIL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "copytrail"
    )
    return Path(root)
