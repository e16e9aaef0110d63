"""The home screen's recently opened targets, kept as JSON in the user data dir."""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from explorer import settings

DATA_DIR_ENV = "EXPLORER_DATA_DIR"  # tests and sandboxes point this at a temp dir
SUGGESTIONS = settings.HOME_SUGGESTIONS


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir("explorer"))


class RecentTargets:
    """Most recent first, no duplicates, at most `limit`; a broken file is just empty."""

    def __init__(self, path: Path | None = None, limit: int = 20) -> None:
        self.path = path or data_dir() / "recent.json"
        self.limit = limit

    def load(self) -> list[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(data, list):
            return []
        return [item for item in data if isinstance(item, str)][: self.limit]

    def add(self, target: str) -> list[str]:
        targets = [target, *(t for t in self.load() if t != target)][: self.limit]
        self._save(targets)
        return targets

    def _save(self, targets: list[str]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(targets, indent=1), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # remembering targets is a convenience; never fail navigation over it
