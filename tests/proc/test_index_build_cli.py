"""`explore --search` and `explore --index` as a user runs them: real processes, real output."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.cli.search import _print_hits, search_scope
from explorer.core.search.query import Hit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    cache = tmp_path_factory.mktemp("cache")
    return dict(
        os.environ, PYTHONPATH=str(FIXTURES), EXPLORER_CACHE_DIR=str(cache),
        EXPLORER_INDEX_TIMEOUT="2", NO_COLOR="",
    )  # fmt: skip


def explore(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "explorer", *args], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_first_search_builds_with_progress_then_answers(env: dict[str, str]) -> None:
    first = explore(env, "--search", "greet", "--in", "searchpkg")
    assert first.returncode == 0, first.stderr
    assert "explore: indexing searchpkg (10 modules)..." in first.stderr
    assert "explore: indexed" in first.stderr
    assert first.stdout.splitlines()[0].split() == [
        "function", "searchpkg.greet", "Say", "hello", "to", "someone", "by", "name.",
    ]  # fmt: skip
    assert "\x1b[" not in first.stdout  # not a terminal: plain text

    warm = explore(env, "--search", "dist.Multi", "--in", "searchpkg")
    assert warm.returncode == 0
    assert "indexing" not in warm.stderr
    assert warm.stdout.split()[1] == "searchpkg.distributions.Multinomial"


def test_json_document_and_filters_in_the_query(env: dict[str, str]) -> None:
    result = explore(env, "--search", "kind:class in:searchpkg.distributions", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["package"] == "searchpkg"  # taken from the in: filter
    assert [hit["name"] for hit in document["hits"]] == ["searchpkg.distributions.Multinomial"]
    hit = document["hits"][0]
    assert set(hit) >= {"name", "kind", "summary", "signature", "name_spans", "summary_spans"}


def test_in_a_subpackage_and_limit(env: dict[str, str]) -> None:
    result = explore(env, "--search", "area", "--in", "searchpkg.shapes", "--limit", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.split()[1].startswith("searchpkg.shapes") for line in lines)


def test_index_command_rebuilds_and_lists_skipped_modules(env: dict[str, str]) -> None:
    result = explore(env, "--index", "searchpkg")
    assert result.returncode == 0, result.stderr
    assert "skipped searchpkg.broken" in result.stdout
    assert "skipped searchpkg.slow" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("indexed ")
    assert "(3 modules skipped)" in result.stdout


def test_a_private_index_stays_private_and_fresh(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(FIXTURES), EXPLORER_CACHE_DIR=str(tmp_path),
               EXPLORER_INDEX_TIMEOUT="2")  # fmt: skip
    assert explore(env, "--index", "searchpkg", "--private").returncode == 0
    found = explore(env, "--search", "hidden_helper", "--in", "searchpkg")
    assert found.stdout.split()[:2] == ["function", "searchpkg._private.hidden_helper"]
    assert "out of date" not in found.stderr  # checked against a walk that includes _private
    assert explore(env, "--index", "searchpkg").returncode == 0
    public = explore(env, "--search", "hidden_helper", "--in", "searchpkg")
    assert "searchpkg._private" not in public.stdout


def test_user_errors_are_one_line_and_exit_2(env: dict[str, str]) -> None:
    for args in (["--search", "x", "--in", "no_such_pkg_zz"], ["--search", " "],
                 ["--search", "x", "--in", "searchpkg", "--limit", "0"]):  # fmt: skip
        result = explore(env, *args)
        assert result.returncode == 2, args
        assert result.stderr.startswith("explore: ") and result.stderr.count("\n") == 1


def test_a_path_given_as_a_package_is_refused_as_typed(env: dict[str, str]) -> None:
    for args, shown in ((["--search", "x", "--in", "../etc"], "../etc"),
                        (["--search", "x in:/etc/passwd"], "/etc/passwd"),
                        (["--index", "/tmp/pkg"], "/tmp/pkg")):  # fmt: skip
        result = explore(env, *args)
        assert result.returncode == 2, args
        assert result.stderr == f"explore: not a top-level package name: {shown!r}\n"


def test_an_unknown_package_gets_the_nearest_installed_names(env: dict[str, str]) -> None:
    for args in (["--search", "greet", "--in", "serchpkg"], ["--index", "serchpkg"]):
        result = explore(env, *args)
        assert result.returncode == 2, args
        assert result.stderr == (
            "explore: no package named 'serchpkg' is installed (did you mean searchpkg?)\n"
        )


def test_search_never_imports_the_package_or_textual(env: dict[str, str]) -> None:
    code = (
        "import sys; from explorer.cli.main import main; main(['--search', 'greet', '--in', "
        "'searchpkg']); print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('searchpkg', 'textual', 'torch', 'rich')), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_a_stale_index_answers_while_a_new_one_builds_in_the_background(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "searchpkg", root / "searchpkg")
    env = dict(os.environ, PYTHONPATH=str(root), EXPLORER_CACHE_DIR=str(tmp_path / "cache"),
               EXPLORER_INDEX_TIMEOUT="2")  # fmt: skip
    assert explore(env, "--search", "greet", "--in", "searchpkg").returncode == 0
    shapes = root / "searchpkg" / "shapes.py"
    shapes.write_text(shapes.read_text() + '\n\ndef hexagon() -> None:\n    """Six sides."""\n')

    stale = explore(env, "--search", "hexagon", "--in", "searchpkg")
    assert stale.returncode == 0
    assert "out of date" in stale.stderr and "background" in stale.stderr
    assert "searchpkg.shapes.hexagon" not in stale.stdout  # answered at once, from the old index

    deadline = time.monotonic() + 60
    while True:
        fresh = explore(env, "--search", "hexagon", "--in", "searchpkg")
        if "searchpkg.shapes.hexagon" in fresh.stdout or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert fresh.stdout.split()[:2] == ["function", "searchpkg.shapes.hexagon"]
    assert "out of date" not in fresh.stderr


def test_an_unwritable_cache_dir_still_answers_from_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    env = dict(os.environ, PYTHONPATH=str(FIXTURES), EXPLORER_CACHE_DIR=str(blocker),
               EXPLORER_INDEX_TIMEOUT="2")  # fmt: skip
    result = explore(env, "--search", "greet", "--in", "searchpkg")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "searchpkg.greet"
    assert "explore: note: cannot write" in result.stderr and "in memory" in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_matches_are_highlighted_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    hit = Hit("pkg.greet", "function", "Say hello.", "()", "pkg", 1.0, ((4, 9),), ((4, 9),))
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = _Terminal()
    _print_hits([hit], terminal)
    assert "\x1b[1;33mgreet\x1b[0m" in terminal.getvalue()
    assert "\x1b[1;33mhello\x1b[0m" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    _print_hits([hit], plain)
    assert "\x1b" not in plain.getvalue()


def test_search_scope_defaults() -> None:
    assert search_scope("multinomial", None) == (None, "multinomial")  # every index
    assert search_scope("x", "builtins") == ("stdlib", "x in:builtins")
    assert search_scope("x", "json.decoder") == ("stdlib", "x in:json.decoder")
    assert search_scope("x in:searchpkg.shapes", None) == ("searchpkg", "x in:searchpkg.shapes")
    assert search_scope("x", "torch.distributions") == ("torch", "x in:torch.distributions")
    assert search_scope("x", "torch") == ("torch", "x")
