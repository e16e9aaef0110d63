"""Every CLI view looks at a target from a child process: hostile modules cannot hang,
kill, forge or scribble on `explore`, and nothing is left running afterwards."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from cli_helpers import explore


def one_error_line(result: object, *needles: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, stderr  # type: ignore[attr-defined]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("explore: "), stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("hostile.os_exit_on_import", "exited with code 7"),
        ("hostile.segfault_on_import", "signal 11 SIGSEGV"),
        ("hostile.exit_on_import", "sys.exit(3)"),
        ("trapped.bad_str_on_import", "Unprintable"),
    ],
)
def test_a_target_that_ends_the_process_is_one_line_and_exit_2(target: str, needle: str) -> None:
    for view in ("--list", "--doc", "--help-text", "--source"):
        one_error_line(explore(target, view), needle)


def test_a_hanging_import_that_ignores_signals_is_stopped_at_the_timeout() -> None:
    started = time.monotonic()
    result = explore("trapped.ignores_signals", "--doc", "--timeout", "2")
    assert time.monotonic() - started < 2 + 5
    one_error_line(result, "longer than 2 s", "--timeout")


def test_endless_all_is_neither_a_hang_nor_a_memory_blowup() -> None:
    result = explore("trapped.all_forever", "--list", "--json", "--timeout", "20")
    assert result.returncode == 0, result.stderr
    assert "visible" in [m["name"] for m in json.loads(result.stdout)["members"]]


def test_reprs_that_sleep_or_raise_do_not_stop_the_doc() -> None:
    started = time.monotonic()
    waits = explore("trapped.slow_repr.waits", "--doc", "--json")
    assert time.monotonic() - started < 30
    assert waits.returncode == 0, waits.stderr
    assert "took longer than" in json.loads(waits.stdout)["signature"]
    raises = json.loads(explore("trapped.slow_repr.raises", "--doc", "--json").stdout)
    assert "<repr raised ValueError>" in raises["signature"]


@pytest.mark.parametrize(
    ("target", "view"),
    [
        ("trapped.odd_objects.looped", "--source"),
        ("trapped.odd_objects", "--list"),
        ("trapped.odd_objects.surrogate_doc", "--doc"),
        ("trapped.odd_objects", "--help-text"),
        ("trapped.getattr_raises", "--help-text"),
        ("trapped.getattr_raises", "--list"),
        ("trapped.stdout_none", "--list"),
    ],
)
def test_odd_but_legal_objects_never_cause_an_internal_error(target: str, view: str) -> None:
    for extra in ((), ("--json",)):
        result = explore(target, view, *extra)
        assert result.returncode in (0, 2), result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        if result.returncode == 0 and extra:
            json.loads(result.stdout)  # one whole document, surrogates made printable


def test_a_lone_surrogate_becomes_a_replacement_character() -> None:
    listing = json.loads(explore("trapped.odd_objects", "--list", "--private", "--json").stdout)
    assert "bad\ufffdname" in [m["name"] for m in listing["members"]]
    doc = explore("trapped.odd_objects.surrogate_doc", "--doc")
    assert "\ufffd" in doc.stdout


def test_nothing_the_target_does_reaches_or_forges_stdout() -> None:
    started = time.monotonic()
    result = explore("trapped.hijacks", "--list", "--json")
    assert time.monotonic() - started < 20  # the forked copy holding our pipes is killed
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # exactly one document, ours
    assert document["target"] == "trapped.hijacks"
    assert "forged" not in result.stdout and "HIJACKED" not in result.stdout


def test_looking_runs_no_code_of_the_target(tmp_path: Path) -> None:
    env = {"TRAPPED_MARKERS": str(tmp_path)}
    for name in ("doc_property", "module_property", "intercepting", "signature_property",
                 "WithMeta"):  # fmt: skip
        for view in ("--doc", "--list"):
            result = explore(f"trapped.markers.{name}", view, "--json", env=env)
            assert result.returncode == 0, (name, view, result.stderr)
    listing = explore("trapped.markers", "--list", "--json", env=env)
    assert listing.returncode == 0
    assert sorted(os.listdir(tmp_path)) == []
    meta = json.loads(explore("trapped.markers.WithMeta", "--doc", "--json", env=env).stdout)
    assert meta["signature"] == "(a: int, b: str = 'b') -> None"


def test_a_module_in_the_current_directory_never_shadows_a_real_one(tmp_path: Path) -> None:
    for name in ("json", "torch"):
        (tmp_path / f"{name}.py").write_text(
            "import pathlib\npathlib.Path(__file__).with_suffix('.ran').write_text('ran')\n"
        )
    result = explore("json.dumps", "--doc", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["defined_in"] == "json"
    ran = explore("json", "--run-examples", "--json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["summary"]["passed"] >= 1
    assert not list(tmp_path.glob("*.ran"))


def test_a_module_only_in_the_current_directory_gets_a_hint(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("X = 1\n")
    result = explore("mine", "--list", cwd=tmp_path, env={"PYTHONPATH": ""})
    one_error_line(result, "no module named 'mine'", "PYTHONPATH=.")


@pytest.mark.parametrize(
    "args",
    [
        ("--snippet", ""),
        ("--index", ""),
        ("--search", " "),
        ("json", "--doc", "--timeout", "inf"),
        ("json", "--doc", "--timeout", "0"),
        ("json", "--doc", "--timeout", "nan"),
        ("", "--list"),
    ],
)
def test_empty_or_impossible_option_values_are_usage_errors(args: tuple[str, ...]) -> None:
    one_error_line(explore(*args, timeout=30))


@pytest.mark.parametrize("value", ["lots", "-1", "12", "inf"])
def test_a_bad_memory_cap_is_one_line(value: str) -> None:
    result = explore("json", "--list", env={"EXPLORER_KERNEL_MEMORY": value})
    one_error_line(result, "EXPLORER_KERNEL_MEMORY", "0 for no cap")


def test_terminal_escapes_from_a_target_are_shown_escaped(tmp_path: Path) -> None:
    (tmp_path / "escapes.py").write_text(
        '"""Clears the screen: \\x1b[2J and sets the title: \\x1b]0;pwned\\x07 done."""\n'
        "def f():\n    '''Bell \\x07 and a carriage return \\r here.'''\n"
    )
    env = {"PYTHONPATH": str(tmp_path)}
    for view in ("--doc", "--list", "--help-text"):
        result = explore("escapes", view, env=env)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\r" not in result.stdout
    assert "\\x1b[2J" in explore("escapes", "--doc", env=env).stdout
