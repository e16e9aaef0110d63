"""`explore MOD --run-examples` next to xdoctest (and stdlib doctest), same run, same machine.

Usage: .venv/bin/python benchmarks/compare_xdoctest.py [MODULE ...] [--runs N]

Prints one table: examples passed by each tool, explore's other verdicts, wall
time and peak memory. Each tool runs as a fresh process, one after the other
for every module (so machine load hits both alike); with --runs N, each module
runs N times per tool and the median wall time is shown.

xdoctest runs as torch's doctest CI runs it for torch modules (google style,
dynamic analysis, `from torch import nn` / `import torch.nn.functional as F` /
`import torch` executed for every example, +IGNORE_WHITESPACE), and with its
defaults plus dynamic analysis for the others, which are not written for google
style. stdlib doctest counts docstrings whose examples all pass (DocTestFinder on
the module), the unit both other columns count in. When xdoctest's dynamic
analysis crashes on a module, it is run again with `--analysis auto` and the row
says so.

Acceptance (issue 10): explore passes at least xdoctest's count on every torch
module and at least stdlib doctest's on every stdlib one; its total wall time on
the torch modules is at most xdoctest's; each stdlib module takes at most 3x
xdoctest's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
TORCH_MODULES = (
    "torch.distributions",
    "torch.nn.functional",
    "torch.autograd",
    "torch.nn",
    "torch.func",
    "torch.utils.data",
)
STDLIB_MODULES = ("json", "collections", "statistics", "fractions", "decimal")
TORCH_CI_GLOBALS = r"from torch import nn\nimport torch.nn.functional as F\nimport torch"
F_BUILTINS = (
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "avg_pool1d", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
    "native_channel_shuffle", "cosine_similarity", "one_hot", "scaled_dot_product_attention",
)  # fmt: skip
# Counts docstrings (tests) whose examples all pass, as the other two tools count blocks.
STDLIB_DOCTEST = """
import doctest, importlib, json, sys
module = importlib.import_module(sys.argv[1])
runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.ELLIPSIS)
passed = failed = 0
for test in doctest.DocTestFinder().find(module):
    if test.examples:
        result = runner.run(test, out=lambda text: None)
        passed, failed = passed + (not result.failed), failed + bool(result.failed)
print(json.dumps({"passed": passed, "failed": failed}))
"""


@dataclass
class Run:
    seconds: float
    peak_mib: float
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""


def timed(command: list[str], cwd: str) -> tuple[float, float, int, str, str]:
    """Wall seconds, peak RSS in MiB (of the process or any child it waited for), rc,
    stdout, stderr. os.wait4 gives this one process's resource use."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    streams: dict[str, str] = {}
    readers = [
        threading.Thread(target=lambda n=name, s=stream: streams.__setitem__(n, s.read()))
        for name, stream in (("out", process.stdout), ("err", process.stderr))
    ]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    for reader in readers:
        reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode, streams["out"], streams["err"]


def xdoctest_run(module: str, cwd: str) -> Run:
    command = [sys.executable, "-m", "xdoctest", module, "all", "--nocolor"]
    if module.startswith("torch"):
        command += ["--style", "google", "--global-exec", TORCH_CI_GLOBALS,
                    "--options", "+IGNORE_WHITESPACE"]  # fmt: skip
    seconds, peak, code, out, err = timed([*command, "--analysis", "dynamic"], cwd)
    counts, note = _summary(out), ""
    if not counts:  # no closing "=== N passed ... ===" line: xdoctest itself crashed
        crash = (err.strip() or out.strip() or "?").splitlines()[-1]
        note = f"xdoctest --analysis dynamic crashed ({crash}); counted with --analysis auto"
        seconds, peak, code, out, err = timed([*command, "--analysis", "auto"], cwd)
        counts = _summary(out)
    return Run(seconds, peak, counts, note)


def _summary(out: str) -> dict[str, int]:
    """The counts of xdoctest's closing line, e.g. "=== 33 passed, 11 skipped in 1.4 s ==="."""
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if not last.startswith("==="):
        return {}
    return {key: int(n) for n, key in re.findall(r"(\d+) (passed|failed|skipped)", last)}


def explore_run(module: str, cwd: str) -> tuple[Run, dict[str, Any]]:
    command = [str(BIN / "explore"), module, "--run-examples", "--json"]
    seconds, peak, code, out, err = timed(command, cwd)
    if code != 0:
        sys.exit(f"explore {module} failed ({code}): {err.strip()[-2000:]}")
    report = json.loads(out)
    return Run(seconds, peak, dict(report["summary"])), report


def stdlib_doctest(module: str, cwd: str) -> int:
    done = subprocess.run([sys.executable, "-c", STDLIB_DOCTEST, module], cwd=cwd,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(json.loads(done.stdout)["passed"])


def median_run(runs: list[Run]) -> Run:
    middle = sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]
    return Run(statistics.median(r.seconds for r in runs), middle.peak_mib, middle.counts,
               next((r.note for r in runs if r.note), ""))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=[*TORCH_MODULES, *STDLIB_MODULES])
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()
    # A neutral directory: neither tool may pick up modules from the current one.
    cwd = os.environ.get("TMPDIR", "/tmp")
    rows: list[str] = []
    xd_total = ex_total = 0.0  # wall seconds over the torch modules
    verdicts: list[str] = []
    builtins_line = ""
    for module in options.modules:
        xd_runs, ex_runs = [], []
        report: dict[str, Any] = {}
        for _ in range(options.runs):
            xd_runs.append(xdoctest_run(module, cwd))
            run, report = explore_run(module, cwd)
            ex_runs.append(run)
        xd, ex = median_run(xd_runs), median_run(ex_runs)
        stdlib = stdlib_doctest(module, cwd) if not module.startswith("torch") else None
        xd_passed, ex_passed = xd.counts.get("passed", 0), ex.counts.get("passed", 0)
        ratio = ex.seconds / xd.seconds if xd.seconds else float("inf")
        baseline = max(xd_passed, stdlib or 0)
        verdicts.append(
            f"{module}: {'ok' if ex_passed >= baseline else 'FEWER PASSES'}"
            + ("" if module.startswith("torch") or ratio <= 3 else " (over 3x)")
        )
        if module.startswith("torch"):
            xd_total, ex_total = xd_total + xd.seconds, ex_total + ex.seconds
        c = ex.counts
        rows.append(
            f"| {module} | {xd_passed} | {'' if stdlib is None else stdlib} | {ex_passed} | "
            f"{c.get('differs', 0)} ({c.get('random', 0)}) | {c.get('error', 0)} | "
            f"{c.get('skipped', 0)} | {c.get('timeout', 0) + c.get('crashed', 0)} | "
            f"{c.get('collected', 0)} | {xd.seconds:.2f} | {ex.seconds:.2f} | {ratio:.2f} | "
            f"{xd.peak_mib:.0f} / {ex.peak_mib:.0f} |" + (f" {xd.note}" if xd.note else "")
        )
        if module == "torch.nn.functional":
            builtins_line = _builtins_line(report)
        print(f"... {module}: xdoctest {xd_passed} passed in {xd.seconds:.2f} s, explore "
              f"{ex_passed} passed in {ex.seconds:.2f} s", file=sys.stderr, flush=True)  # fmt: skip
    print(
        "| module | xdoctest passed | stdlib doctest passed | explore passed | "
        "differs (random) | errors | skipped | timed out + crashed | collected | "
        "xdoctest s | explore s | explore / xdoctest | peak MiB xdoctest / explore |"
    )
    print("|" + "---|" * 13)
    print("\n".join(rows))
    if xd_total:
        print(f"\ntorch modules, total wall: xdoctest {xd_total:.2f} s, explore {ex_total:.2f} s "
              f"(ratio {ex_total / xd_total:.2f})")  # fmt: skip
    if builtins_line:
        print(builtins_line)
    print("checks: " + "; ".join(verdicts))


def _builtins_line(report: dict[str, Any]) -> str:
    prefix = "torch.nn.functional."
    found = {
        example["qualname"].removeprefix(prefix): example["verdict"]
        for example in report.get("examples", [])
        if example["qualname"].startswith(prefix)
    }
    collected = [name for name in F_BUILTINS if name in found]
    passed = [name for name in collected if found[name] == "passed"]
    return (f"torch.nn.functional C builtins: {len(collected)} of {len(F_BUILTINS)} collected "
            f"under torch.nn.functional.*, {len(passed)} passed")  # fmt: skip


if __name__ == "__main__":
    main()
