"""The index against hostile modules, paths, caches and queries: real `explore` processes.

Each test runs the CLI as a user would and checks the exit status, the one-line
message, that no process is left behind and that no file outside the cache changes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.core.search.names import IndexKey, environment_tag
from explorer.core.search.store import open_index

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PY = environment_tag()  # the children run this interpreter and environment


def explore(env: dict[str, str], *args: str, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run([sys.executable, "-m", "explorer", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def one_line_usage_error(result: subprocess.CompletedProcess[str]) -> bool:
    return (result.returncode == 2 and result.stderr.startswith("explore: ")
            and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr)  # fmt: skip


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    marker = f"{os.getpid()}-{time.monotonic_ns()}"
    return dict(os.environ, PYTHONPATH=str(FIXTURES), EXPLORER_CACHE_DIR=str(tmp_path / "cache"),
                EXPLORER_INDEX_TIMEOUT="2", EXPLORER_TEST_MARKER=marker)  # fmt: skip


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            with contextlib.suppress(OSError):
                if f"EXPLORER_TEST_MARKER={marker}".encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
    return found


@contextlib.contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """A folder nobody (root included) can change, where chattr works; else skip."""
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_module_with_lone_surrogates_costs_nothing_but_its_bad_characters(
    env: dict[str, str],
) -> None:
    result = explore(env, "--index", "hostile_index")
    assert result.returncode == 0, result.stderr
    found = explore(env, "--search", "fine", "--in", "hostile_index")
    assert "hostile_index.surrogates.fine" in found.stdout
    odd = explore(env, "--search", "docstring inside", "--in", "hostile_index", "--json")
    assert odd.returncode == 0 and "\\ufffd" in odd.stdout


def test_an_index_build_leaves_no_process_behind(env: dict[str, str]) -> None:
    marker = env["EXPLORER_TEST_MARKER"]
    try:
        result = explore(env, "--index", "hostile_index")
        assert result.returncode == 0, result.stderr
        deadline = time.monotonic() + 10
        while processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_with(marker) == []  # the `sleep` spawns.py started is gone too
    finally:
        for pid in processes_with(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_module_in_the_current_directory_does_not_shadow_the_package(
    env: dict[str, str], tmp_path: Path
) -> None:
    cwd = tmp_path / "work"
    cwd.mkdir()
    shadow = cwd / "hostile_index.py"
    shadow.write_text("import pathlib\npathlib.Path('SHADOW_RAN').write_text('x')\n"
                      "def shadowed(): 'From the current directory.'\n")  # fmt: skip
    result = explore(env, "--index", "hostile_index", cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert not (cwd / "SHADOW_RAN").exists()
    found = explore(env, "--search", "real_thing", "--in", "hostile_index", cwd=cwd)
    assert found.stdout.split()[1] == "hostile_index.real_thing"
    assert "shadowed" not in explore(env, "--search", "shadowed", "--in", "hostile_index").stdout


@pytest.mark.parametrize("make_path", [lambda d: str(d / "victim"), lambda d: "../victim",
                                       lambda d: "a/b", lambda d: "x" * 300])  # fmt: skip
def test_a_package_name_that_is_a_path_is_refused_before_any_file_is_touched(
    env: dict[str, str], tmp_path: Path, make_path: object
) -> None:
    victim = tmp_path / f"victim-unversioned-{PY}.sqlite"
    victim.write_text("precious")
    name = make_path(tmp_path)  # type: ignore[operator]
    for args in (["--search", "foo", "--in", name], ["--index", name],
                 ["--search", f"foo in:{name}"]):  # fmt: skip
        result = explore(env, *args)
        assert one_line_usage_error(result), (args, result.stderr)
    assert victim.read_text() == "precious"


def test_a_relative_cache_dir_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    result = explore(dict(env, EXPLORER_CACHE_DIR="relative_dir"), "--search", "x",
                     "--in", "searchpkg", cwd=tmp_path)  # fmt: skip
    assert one_line_usage_error(result)
    assert "absolute" in result.stderr
    assert not (tmp_path / "relative_dir").exists()


@pytest.mark.parametrize("args", [["--index", ""], ["--index"], ["--index", "--all", "torch"],
                                  ["--search", ""], ["--in", "", "--search", "x"]])  # fmt: skip
def test_empty_or_clashing_values_are_usage_errors(env: dict[str, str], args: list[str]) -> None:
    assert one_line_usage_error(explore(env, *args, timeout=30))


def test_a_long_or_deep_query_is_refused_and_the_index_kept(env: dict[str, str]) -> None:
    assert explore(env, "--index", "searchpkg").returncode == 0
    path = next((Path(env["EXPLORER_CACHE_DIR"]) / "index").glob("searchpkg-*.sqlite"))
    before = path.stat().st_mtime_ns
    for query in (".".join(["a"] * 1100), "word " * 400, "(" * 5000):
        result = explore(env, "--search", query, "--in", "searchpkg")
        assert one_line_usage_error(result), result.stderr
    assert path.stat().st_mtime_ns == before
    assert explore(env, "--search", "greet", "--in", "searchpkg").stdout.split()[1] == (
        "searchpkg.greet"
    )


def test_a_corrupt_index_says_it_was_rebuilt(env: dict[str, str]) -> None:
    assert explore(env, "--index", "searchpkg").returncode == 0
    path = next((Path(env["EXPLORER_CACHE_DIR"]) / "index").glob("searchpkg-*.sqlite"))
    path.write_bytes(b"garbage" * 1000)
    result = explore(env, "--search", "greet", "--in", "searchpkg")
    assert result.returncode == 0, result.stderr
    assert "unreadable" in result.stderr and "rebuilt" in result.stderr
    assert result.stdout.split()[1] == "searchpkg.greet"


def test_a_directory_where_the_index_goes(env: dict[str, str]) -> None:
    folder = Path(env["EXPLORER_CACHE_DIR"]) / "index"
    folder.mkdir(parents=True)
    from explorer.core.search.names import package_version

    blocker = folder / f"searchpkg-{package_version('searchpkg')}-{PY}.sqlite"
    blocker.mkdir()
    (blocker / "keep").write_text("mine")
    result = explore(env, "--search", "greet", "--in", "searchpkg")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "searchpkg.greet"
    assert "is a directory" in result.stderr
    assert (blocker / "keep").read_text() == "mine"


def test_a_read_only_cache_with_a_corrupt_index(env: dict[str, str]) -> None:
    assert explore(env, "--index", "searchpkg").returncode == 0
    folder = Path(env["EXPLORER_CACHE_DIR"]) / "index"
    path = next(folder.glob("searchpkg-*.sqlite"))
    path.write_bytes(b"garbage" * 1000)
    with immutable(folder):
        result = explore(env, "--search", "greet", "--in", "searchpkg")
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[1] == "searchpkg.greet"
        assert "cannot be removed" in result.stderr and "in memory" in result.stderr
        index = explore(env, "--index", "searchpkg")
        assert index.returncode == 0, index.stderr
        assert "(3 modules skipped)" in index.stdout  # the cache note is not a module


def test_a_read_only_cache_with_a_stale_index_starts_no_builder(
    env: dict[str, str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "searchpkg", site / "searchpkg")
    env = dict(env, PYTHONPATH=str(site))
    assert explore(env, "--index", "searchpkg").returncode == 0
    shapes = site / "searchpkg" / "shapes.py"
    shapes.write_text(shapes.read_text() + "\n\ndef hexagon() -> None:\n    'Six sides.'\n")
    folder = Path(env["EXPLORER_CACHE_DIR"]) / "index"
    with immutable(folder):
        for _ in range(4):
            result = explore(env, "--search", "greet", "--in", "searchpkg")
            assert result.returncode == 0, result.stderr
            assert "out of date" in result.stderr and "explore --index searchpkg" in result.stderr
        assert processes_with(env["EXPLORER_TEST_MARKER"]) == []


def test_a_search_waiting_on_another_build_says_so_and_gives_up(
    env: dict[str, str],
) -> None:
    from explorer.core.search.names import IndexKey

    os.environ["EXPLORER_CACHE_DIR"], saved = (
        env["EXPLORER_CACHE_DIR"],
        os.environ.get("EXPLORER_CACHE_DIR"),
    )
    try:
        lock = IndexKey("searchpkg", "x", f"{sys.version_info.major}.{sys.version_info.minor}")
        lock.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock.lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # "another builder" holds the package's lock
            started = time.monotonic()
            result = explore(dict(env, EXPLORER_INDEX_WAIT="2"), "--search", "greet", "--in",
                             "searchpkg")  # fmt: skip
            assert time.monotonic() - started < 30
    finally:
        if saved is None:
            os.environ.pop("EXPLORER_CACHE_DIR")
        else:
            os.environ["EXPLORER_CACHE_DIR"] = saved
    assert result.returncode == 2
    assert "waiting for another explore process" in result.stderr
    assert "gave up after 2 s" in result.stderr


def test_index_all_is_a_valid_command_line() -> None:
    from explorer.cli.main import _check_values, build_parser

    args = build_parser().parse_args(["--index", "--all"])
    _check_values(args)  # no "--index is empty"
    assert args.all and args.index == ""


# searchpkg (10 modules) outweighs hostile_index (3): its modules are split over both
# importers; beside examples_pkg, exposed_pkg and tui_sample it does not, and one importer
# builds it whole while the other takes the rest.
@pytest.mark.parametrize("others", [[], ["examples_pkg", "exposed_pkg", "tui_sample"]])
def test_everything_builds_each_package_with_one_progress(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, others: list[str]
) -> None:
    from explorer.proc.search.everything import index_everything

    monkeypatch.setenv("EXPLORER_CACHE_DIR", env["EXPLORER_CACHE_DIR"])
    monkeypatch.setenv("EXPLORER_INDEX_TIMEOUT", "2")
    monkeypatch.setenv("EXPLORER_TEST_MARKER", env["EXPLORER_TEST_MARKER"])  # children carry it
    calls: list[tuple[int, int, str]] = []
    report = index_everything(["searchpkg", "hostile_index", "no_such_pkg_zz", *others],
                              jobs=2, progress=lambda *call: calls.append(call))  # fmt: skip
    assert sorted(report.entries) == sorted(["hostile_index", "searchpkg", *others])
    assert all(report.entries.values())
    searchpkg = open_index(IndexKey.for_package("searchpkg"))
    assert searchpkg is not None and searchpkg.search("linalg", 5)  # stored, searchable
    searchpkg.close()
    assert any("no_such_pkg_zz" in note for note in report.notes)
    assert any("skipped searchpkg.broken" in note for note in report.notes)
    assert calls[-1][0] == calls[-1][1] == calls[0][1]  # one bar over both packages
    assert processes_with(env["EXPLORER_TEST_MARKER"]) == []
