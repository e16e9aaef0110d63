"""Building the index with real importer subprocesses, on a copy of tests/fixtures/searchpkg.

The package has a submodule that raises on import, one that hangs, and one that
kills its interpreter; each is skipped with a note while the rest is indexed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.core.search.store import IndexKey, open_index
from explorer.proc.search.build import collect, ensure_index, stored_index

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "searchpkg"
TIMEOUT = 2.0


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of searchpkg first on sys.path (so tests may touch its files)."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root / "searchpkg")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EXPLORER_INDEX_TIMEOUT", str(TIMEOUT))
    for name in [name for name in sys.modules if name.split(".")[0] == "searchpkg"]:
        monkeypatch.delitem(sys.modules, name)
    return root / "searchpkg"


def names(outcome_index: object, query: str) -> list[str]:
    return [hit.name for hit in outcome_index.search(query, 10)]  # type: ignore[attr-defined]


def test_hostile_submodules_are_skipped_with_notes(package: Path) -> None:
    progress: list[tuple[int, int, str]] = []
    outcome = ensure_index("searchpkg", progress=lambda *call: progress.append(call))
    notes = "\n".join(outcome.index.notes)
    assert "skipped searchpkg.broken: importing it raised RuntimeError: broken on purpose" in notes
    assert f"skipped searchpkg.slow: took longer than {TIMEOUT:g} s" in notes
    assert "skipped searchpkg.exits: its importer process died" in notes
    assert outcome.built
    assert names(outcome.index, "greet")[0] == "searchpkg.greet"
    assert names(outcome.index, "dist.Multi")[0] == "searchpkg.distributions.Multinomial"
    assert progress[-1][:2] == (10, 10)  # every module walked, private and test ones excluded
    assert sorted(call[2] for call in progress) == sorted([
        "searchpkg", "searchpkg.broken", "searchpkg.distributions",
        "searchpkg.distributions.multinomial", "searchpkg.exits", "searchpkg.extras",
        "searchpkg.hostile", "searchpkg.linalg",
        "searchpkg.shapes", "searchpkg.slow",
    ])  # fmt: skip
    assert not names(outcome.index, "hidden_helper")
    assert not names(outcome.index, "check_nothing")
    outcome.index.close()


def test_a_fresh_index_is_reused_and_a_stale_one_answers_until_rebuilt(package: Path) -> None:
    ensure_index("searchpkg").index.close()
    again = ensure_index("searchpkg")
    assert not again.built
    again.index.close()

    shapes = package / "shapes.py"
    shapes.write_text(shapes.read_text() + '\n\ndef hexagon() -> None:\n    """Six sides."""\n')
    stale = stored_index("searchpkg")
    assert stale is not None and stale.stale
    assert names(stale.index, "Circle")  # the old index still answers
    assert not names(stale.index, "hexagon")

    rebuilt = ensure_index("searchpkg")
    assert rebuilt.built
    assert names(rebuilt.index, "hexagon") == ["searchpkg.shapes.hexagon"]
    assert names(stale.index, "Circle")  # a reader of the replaced file is unharmed
    stale.index.close()
    rebuilt.index.close()


def test_a_corrupt_index_is_discarded_and_rebuilt(package: Path) -> None:
    ensure_index("searchpkg").index.close()
    path = IndexKey.for_package("searchpkg").path
    path.write_bytes(b"garbage" * 1000)
    outcome = ensure_index("searchpkg")
    assert outcome.built
    assert any("unreadable" in note and "rebuilt" in note for note in outcome.notes)
    assert names(outcome.index, "greet")
    outcome.index.close()


def test_two_builders_at_once_leave_one_valid_index(package: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(package.parent))
    command = [sys.executable, "-m", "explorer.proc.search.build", "searchpkg"]
    builders = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE) for _ in range(2)]
    for builder in builders:
        _, err = builder.communicate(timeout=120)
        assert builder.returncode == 0, err.decode()
    index = open_index(IndexKey.for_package("searchpkg"))
    assert index is not None
    assert names(index, "greet") == ["searchpkg.greet"]
    index.close()
    files = sorted(path.suffix for path in IndexKey.for_package("searchpkg").path.parent.iterdir())
    assert files == [".lock", ".sqlite"]  # no half-built temp file left behind


def test_a_package_that_cannot_be_imported_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from explorer.core.errors import UsageError

    (tmp_path / "doomedpkg").mkdir()
    (tmp_path / "doomedpkg" / "__init__.py").write_text("raise ImportError('no luck')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(UsageError, match="cannot index doomedpkg: importing doomedpkg raised"):
        ensure_index("doomedpkg")
    with pytest.raises(UsageError, match="no package named"):
        ensure_index("no_such_package_here")


def test_a_hanging_module_costs_one_timeout_not_the_build(package: Path) -> None:
    started = time.monotonic()
    entries, notes = collect(["searchpkg", "searchpkg.slow", "searchpkg.shapes"], timeout=TIMEOUT)
    assert time.monotonic() - started < TIMEOUT + 15
    assert any(entry["name"] == "searchpkg.shapes.Circle" for entry in entries)
    assert notes == [f"skipped searchpkg.slow: took longer than {TIMEOUT:g} s"]


def test_each_module_of_a_batch_has_its_own_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "patientpkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""Slow but fine."""\n')
    for name in ("first", "second", "third"):  # together over the timeout, each well under
        (package / f"{name}.py").write_text(
            f"import time\ntime.sleep(0.6)\n\ndef {name}_thing() -> None:\n    'Fine.'\n"
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    modules = ["patientpkg", "patientpkg.first", "patientpkg.second", "patientpkg.third"]
    entries, notes = collect(modules, jobs=1, timeout=1.0)
    assert notes == []
    assert {"patientpkg.first.first_thing", "patientpkg.third.third_thing"} <= {
        entry["name"] for entry in entries
    }


@pytest.mark.parametrize("hostile", ["searchpkg.slow", "searchpkg.exits", "searchpkg.broken"])
def test_a_hostile_package_the_zygote_imports_beside_the_root_costs_only_itself(
    package: Path, hostile: str
) -> None:
    from explorer.proc.search.importers import start_children
    from explorer.proc.search.wire import IndexEntriesRequest

    started = time.monotonic()
    workers, zygote = start_children("searchpkg", 2, 60.0, also=(hostile, "searchpkg.shapes"),
                                     also_timeout=TIMEOUT)  # fmt: skip
    try:
        assert time.monotonic() - started < TIMEOUT + 30
        assert len(workers) == 2 and zygote is not None
        reply = workers[0].call(IndexEntriesRequest(("searchpkg.linalg",)), 30.0)
        assert any(entry["name"].startswith("searchpkg.linalg.") for entry in reply.entries)
    finally:
        for worker in workers:
            worker.close()
        zygote.close()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize(("sent", "exit_code"), [(signal.SIGINT, 130), (signal.SIGKILL, -9)])
def test_a_build_stopped_by_ctrl_c_or_killed_leaves_no_importer_behind(
    package: Path, sent: int, exit_code: int
) -> None:
    marker = f"EXPLORER_TEST_MARKER={os.getpid()}-{time.monotonic_ns()}"
    key, value = marker.split("=")
    env = dict(os.environ, PYTHONPATH=str(package.parent), EXPLORER_INDEX_TIMEOUT="60",
               **{key: value})  # fmt: skip
    # As from a terminal: Ctrl+C delivered, whatever this test process set for SIGINT (an
    # ignored signal stays ignored across exec, and Python then never raises KeyboardInterrupt).
    cli = subprocess.Popen([sys.executable, "-m", "explorer", "--index", "searchpkg"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=_default_sigint)  # fmt: skip
    try:
        assert cli.stderr is not None
        assert "indexing searchpkg" in cli.stderr.readline()  # the build is under way
        time.sleep(0.5)  # searchpkg.slow is now hanging in one importer
        assert len(_processes_with(marker)) >= 2  # the CLI and its importer(s)
        cli.send_signal(sent)
        assert cli.wait(timeout=30) == exit_code
        deadline = time.monotonic() + 10
        while _processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_with(marker) == []
    finally:
        for pid in _processes_with(marker):  # only what this test started
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        cli.wait()
