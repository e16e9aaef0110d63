"""Command line: argument parsing and dispatch to the TUI or a non-TUI view.

Errors the user can fix are one line on stderr (`explore: ...`) and exit 2;
an internal bug is exit 1 with a hint to rerun with --debug.
"""

from __future__ import annotations

import argparse
import math
import signal
import sys
from collections.abc import Sequence

from explorer import settings
from explorer.core.errors import UsageError

EXIT_OK, EXIT_BUG, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="explore",
        description="Explore a Python API: members, parsed docs, help(), source, "
        "runnable examples and full-text search.",
    )
    parser.add_argument("target", nargs="?", help="dotted name, e.g. torch.distributions")
    views = parser.add_argument_group("views without the TUI")
    view = views.add_mutually_exclusive_group()
    view.add_argument("--list", action="store_true", help="list the members of TARGET")
    view.add_argument("--doc", action="store_true", help="parsed documentation of TARGET")
    view.add_argument("--help-text", action="store_true", help="exactly what help(TARGET) prints")
    view.add_argument("--source", action="store_true", help="source of TARGET with file:line")
    view.add_argument("--run-examples", action="store_true", help="run every example of TARGET")
    view.add_argument("--snippets", action="store_true", help="list the snippet library")
    view.add_argument("--snippet", metavar="NAME", help="run one library snippet and print it")
    view.add_argument("--search", metavar="QUERY", help="search names and docstrings")
    view.add_argument(
        "--index", metavar="PACKAGE", nargs="?", const="",
        help="(re)build the search index of PACKAGE (or, with --all, of everything installed)",
    )  # fmt: skip
    views.add_argument("--all", action="store_true", help="--index: the standard library and "
                       "every installed package")  # fmt: skip
    views.add_argument("--json", action="store_true", help="one JSON document on stdout")
    views.add_argument("--private", action="store_true", help="include _private names")
    views.add_argument("--dunder", action="store_true", help="include __dunder__ names")
    views.add_argument(
        "--timeout",
        type=seconds,
        default=None,
        metavar="S",
        help=f"time limit in seconds: per example with --run-examples (default "
        f"{settings.RUN_EXAMPLES_TIMEOUT:g}; given, it bounds each import too), per run "
        f"in the TUI (default: none, Ctrl+C interrupts), for importing and looking "
        f"otherwise (default {settings.COLD_IMPORT_ALLOWANCE:g})",
    )
    views.add_argument(
        "--setup",
        metavar="CODE",
        help="--run-examples: code run before every example block, instead of the "
        "package's conventions (e.g. 'import torch')",
    )
    views.add_argument(
        "--loaded-only",
        action="store_true",
        help="--run-examples: search only the submodules the target imports itself",
    )
    views.add_argument("--in", dest="within", metavar="PACKAGE", help="package to search")
    views.add_argument("--limit", type=int, default=20, metavar="N", help="most search hits")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    return parser


def seconds(text: str) -> float:
    """A positive, finite number of seconds (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive, finite number of seconds: {text!r}")
    return value


def _check_values(args: argparse.Namespace) -> None:
    """Empty option values are mistakes: never fall through to opening the TUI."""
    for option in ("snippet", "search", "index", "within", "target"):
        value = getattr(args, option, None)
        if option == "index" and args.all and value == "":
            continue  # `--index --all`: no package, by design
        if option == "index" and value == "" and args.target:  # explore json --index
            package = args.target.split(".", 1)[0]
            raise UsageError(f"--index takes the package after it: explore --index {package}")
        if value is not None and not value.strip():
            flag = "TARGET" if option == "target" else f"--{'in' if option == 'within' else option}"
            raise UsageError(f"{flag} is empty: give it a value")


def _needs_target(args: argparse.Namespace) -> bool:
    return bool(args.list or args.doc or args.help_text or args.source or args.run_examples)


def dispatch(args: argparse.Namespace) -> int:
    _check_values(args)
    if _needs_target(args) and args.target is None:
        raise UsageError("this view needs a TARGET, e.g. explore torch.distributions --list")
    if args.list or args.doc or args.help_text or args.source:
        from explorer.cli import views as cli_views

        return cli_views.run_view(args)
    if args.run_examples or args.snippets or args.snippet:
        from explorer.cli import run as cli_run

        return cli_run.run(args)
    if args.search is not None or args.index is not None or args.all:
        from explorer.cli import search as cli_search

        return cli_search.run(args)
    from explorer.tui.app import run_app

    return run_app(args.target, run_timeout=args.timeout)


def _end_children_and_exit(signum: int, frame: object) -> None:
    """SIGTERM or SIGHUP: no child (and nothing it started) outlives us. Every child starts
    through `launch`, imported only by the views that start one (a search starts none)."""
    launch = sys.modules.get("explorer.proc.launch")
    if launch is not None:
        launch.kill_all_children()
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = None
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _end_children_and_exit)
    try:
        args = build_parser().parse_args(argv)
        return dispatch(args)
    except UsageError as exc:
        print(f"explore: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("explore: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # last resort: no traceback unless asked
        if args is not None and args.debug:
            raise
        print(
            f"explore: internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
