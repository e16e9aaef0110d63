"""The core/UI split is enforced, not hoped for: core modules load no UI package."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import explorer.core

CORE_MODULES = [f"explorer.core.{m.name}" for m in pkgutil.iter_modules(explorer.core.__path__)]
UI_PACKAGES = ("textual", "rich", "explorer.tui")


def test_core_modules_import_no_ui_package() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {UI_PACKAGES!r}"
        " or m.startswith('explorer.tui')])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_import_linter_contracts_hold() -> None:
    from pathlib import Path

    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
