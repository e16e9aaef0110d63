"""The command that opens a source file in the user's editor (the `e` key), or why it cannot,
and running it with the app suspended.

Only `$VISUAL` or `$EDITOR` is used: with neither set the app says so rather
than dropping a newcomer into vi. Installed files (site-packages, the standard
library) open read-only in editors known to have a flag for it, so a stray
keystroke cannot change torch.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App

READ_ONLY_FLAGS = {"vi": "-R", "vim": "-R", "nvim": "-R", "view": "", "nano": "-v"}


@dataclass(frozen=True, slots=True)
class EditorCommand:
    argv: tuple[str, ...] = ()
    problem: str = ""  # set when there is nothing to run
    read_only: bool = False


def installed(path: str) -> bool:
    """Under site-packages or the standard library (not the user's own code)."""
    resolved = Path(path).resolve()
    roots = {sysconfig.get_path(name) for name in ("purelib", "platlib", "stdlib")}
    roots.add(sys.base_prefix)
    return any(root and resolved.is_relative_to(Path(root).resolve()) for root in roots)


def editor_command(file: str, line: int | None) -> EditorCommand:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        return EditorCommand(problem="No editor set: export EDITOR=nano (or vim...) to open files")
    try:
        argv = shlex.split(editor)
    except ValueError:
        return EditorCommand(problem=f"Cannot read $EDITOR: {editor!r}")
    if not argv:
        return EditorCommand(problem="$EDITOR is empty: set it to open files")
    flag = READ_ONLY_FLAGS.get(Path(argv[0]).name)
    read_only = flag is not None and installed(file)
    if read_only and flag:
        argv.append(flag)
    return EditorCommand((*argv, f"+{line or 1}", file), read_only=read_only)


def open_in_editor(app: App[Any], file: str, line: int | None) -> None:
    """Suspend the app, run the editor, and say what happened when it is not obvious."""
    command = editor_command(file, line)
    if command.problem:
        app.notify(command.problem, severity="warning", timeout=5)
        return
    with app.suspend():
        subprocess.run(command.argv, check=False)
    if command.read_only:
        app.notify("Opened read-only: it is an installed file", timeout=3)
