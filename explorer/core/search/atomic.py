"""Files in the cache dir that readers see whole: the old one or the complete new one."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A scratch path beside `path` (this process's own) to write; when the block ends
    without an error it replaces `path` in one step, and it never outlives the block."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
