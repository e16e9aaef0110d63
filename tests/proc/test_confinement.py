"""How children are confined, for real: their cwd, their memory cap, the tag on their
replies, and that nothing they start outlives them or the `explore` that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.proc import launch
from explorer.proc.client import WorkerClient
from explorer.proc.messages import PingRequest, RunRequest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition: object, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


async def test_runs_happen_in_a_temporary_directory_removed_afterwards() -> None:
    kernel = WorkerClient("kernel", timeout=10)
    result = await kernel.run(RunRequest(
        "import os\nopen('written.txt', 'w').write('x')\nos.getcwd()", imports=()
    ))  # fmt: skip
    workdir = (result.value_repr or "").strip("'")
    assert result.ok and workdir != os.getcwd() and "explorer-run-" in workdir
    assert (Path(workdir) / "written.txt").exists()
    assert not Path("written.txt").exists()
    await kernel.close()
    assert not Path(workdir).exists()


async def test_the_memory_cap_cannot_be_lifted_by_the_code_it_limits() -> None:
    async with WorkerClient("kernel", timeout=20, memory_limit=1 << 30) as kernel:
        code = (
            "import resource\n"
            "try:\n"
            "    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))\n"
            "except ValueError as exc:\n"
            "    print('refused:', exc)\n"
            "block = bytearray(3 << 30)"
        )
        result = await kernel.run(RunRequest(code, imports=()))
    assert "refused:" in result.stdout
    assert result.status == "memory"


async def test_an_mmap_refused_by_the_cap_is_a_memory_status() -> None:
    async with WorkerClient("kernel", timeout=20, memory_limit=1 << 30) as kernel:
        result = await kernel.run(RunRequest("import mmap\nmmap.mmap(-1, 3 << 30)", imports=()))
    assert result.status == "memory", result


async def test_a_reply_forged_by_the_running_code_is_rejected() -> None:
    """User code writes a plausible 'ok' reply to every fd that might be the protocol's."""
    forge = (
        "import json, os\n"
        "line = json.dumps({'id': 1, 'result': {'status': 'ok', 'value_repr': \"'forged'\"}})\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        os.write(fd, (line + '\\n').encode())\n"
        "    except OSError:\n"
        "        pass\n"
        "raise RuntimeError('the real outcome')"
    )
    async with WorkerClient("kernel", timeout=10) as kernel:
        result = await kernel.run(RunRequest(forge, imports=()))
        assert result.value_repr != "'forged'"
        assert result.status in ("error", "crashed")
        if result.status == "crashed":
            assert "written to by the code it ran" in result.message
        assert (await kernel.run(RunRequest("6 * 7", imports=()))).value_repr == "42"


async def test_processes_started_by_user_code_die_with_the_kernel() -> None:
    kernel = WorkerClient("kernel", timeout=10)
    code = (
        "import subprocess\n"
        "p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
        "q = subprocess.Popen(['sleep', '301'])\n"
        "(p.pid, q.pid)"
    )
    result = await kernel.run(RunRequest(code, imports=()))
    pids = [int(pid) for pid in (result.value_repr or "").strip("()").split(",")]
    assert all(alive(pid) for pid in pids)
    await kernel.close()
    assert wait_until(lambda: not any(alive(pid) for pid in pids), 5), pids


async def test_a_killed_parent_takes_its_children_along(tmp_path: Path) -> None:
    """SIGKILL leaves no chance to clean up: the children's parent-death signal does it."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import asyncio\n"
        "from explorer.proc.client import WorkerClient\n"
        "from explorer.proc.messages import PingRequest\n"
        "async def main():\n"
        "    client = WorkerClient('worker')\n"
        "    print((await client.ask(PingRequest())).pid, flush=True)\n"
        "    await asyncio.sleep(300)\n"
        "asyncio.run(main())\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert alive(child)
    parent.kill()
    parent.wait()
    assert wait_until(lambda: not alive(child), 5)


def _descendants_when(pid: int, condition: object, within: float) -> list[int]:
    found: list[int] = []

    def ready() -> bool:
        found[:] = launch.descendants(pid)
        return bool(condition(found))  # type: ignore[operator]

    assert wait_until(ready, within), found
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_explore_ended_by_a_signal_leaves_no_process_behind(signum: int, tmp_path: Path) -> None:
    (tmp_path / "spinning.py").write_text(
        '"""Examples that never end.\n\n'
        ">>> import subprocess\n"
        ">>> _ = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
        '>>> while True: pass\n"""\n'
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(FIXTURES)])}
    explore = subprocess.Popen(
        [sys.executable, "-m", "explorer", "spinning", "--run-examples", "--timeout", "120"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    below = _descendants_when(
        explore.pid, lambda pids: any(_command(pid).startswith("sleep") for pid in pids), 60
    )
    explore.send_signal(signum)
    assert explore.wait(timeout=10) == 128 + signum
    assert wait_until(lambda: not any(alive(pid) for pid in below), 5), [
        (pid, _command(pid)) for pid in below if alive(pid)
    ]
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("explorer-examples-*.json"))


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


async def test_ping_still_answers_after_all_that() -> None:
    async with WorkerClient("worker") as worker:
        assert (await worker.ask(PingRequest())).pid == worker.pid
