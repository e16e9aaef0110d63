"""Search index numbers for all of torch, each next to `python -m pydoc -k` in the same run.

Usage: .venv/bin/python benchmarks/bench_search.py [--builds N] [--runs N] [--all]

Prints: entries indexed; build wall time (`explore --index torch`, into a fresh
temp cache) next to `python -m pydoc -k multinomial` (alternating, median of
--builds each; goal <= 1.0x); the index file's size; in-process query p50/p95
over a fixed list of queries (goal p95 <= 10 ms); warm `explore --search` wall
time next to pydoc -k (goal >= 10x faster); peak RSS of the build (largest
process) and of the in-process queries. With `--all`, also `explore --index
--all` (the standard library and every installed distribution) next to the same
pydoc -k, which walks every installed module too (goal <= 1.0x).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

QUERIES = [
    # names: exact, case, prefix, dotted segments
    "multinomial", "Multinomial", "dist.Multi", "Normal", "normal", "Linear", "nn.Linear",
    "log_prob", "rsample", "backward", "grad", "no_grad", "Tensor.backward", "autograd.grad",
    "softmax", "F.softmax", "relu", "Conv2d", "conv", "optim.Adam", "Adam", "SGD",
    "DataLoader", "Dataset", "save", "load", "cat", "stack", "einsum", "matmul",
    "Categorical", "Bernoulli", "Dirichlet", "kl_divergence", "constraints.simplex",
    "transforms.Exp", "entropy", "MultivariateNormal", "zeros_like", "manual_seed",
    # prefixes and fuzzy
    "multi", "categ", "mltnml", "sftmx", "dirch",
    # words from docstrings
    "event log probabilities", "reparameterized sample", "random numbers normal distribution",
    "gradient of outputs with respect to inputs", "cumulative distribution function",
    "sample without replacement", "batch normalization", "learning rate scheduler",
    # filters
    "kind:class in:torch.distributions", "kind:function softmax", "in:torch.nn.functional relu",
    "kind:method in:torch.Tensor sum", "kind:property mean",
]  # fmt: skip
CHECKS = ["multinomial", "event log probabilities", "dist.Multi"]


def run(command: list[str], env: dict[str, str]) -> tuple[float, str, int]:
    """Wall seconds, stdout, and peak RSS (KiB) of the largest process in its waited tree."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    out, _ = process.communicate()
    _, _, usage = os.wait4(process.pid, 0) if process.returncode is None else (0, 0, None)
    seconds = time.perf_counter() - start
    peak = usage.ru_maxrss if usage else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, out, peak


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--builds", type=int, default=1, help="index builds (and pydoc runs)")
    parser.add_argument("--runs", type=int, default=5, help="warm CLI searches")
    parser.add_argument("--all", action="store_true", help="also time explore --index --all")
    options = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="bench-search-")
    env = dict(os.environ, EXPLORER_CACHE_DIR=cache)
    explore = [sys.executable, "-m", "explorer"]
    pydoc = [sys.executable, "-m", "pydoc", "-k", "multinomial"]

    builds, pydocs = [], []
    document: dict[str, object] = {}
    for _ in range(options.builds):
        seconds, out, build_rss = run([*explore, "--index", "torch", "--json"], env)
        builds.append(seconds)
        document = json.loads(out)
        pydocs.append(run(pydoc, env)[0])
    build, baseline = statistics.median(builds), statistics.median(pydocs)
    print(f"entries indexed (torch {document['version']}): {document['entries']}")
    print(f"modules skipped with a note: {len(document['notes'])}")  # type: ignore[arg-type]
    print(
        f"build: explore --index torch {build:.2f} s | pydoc -k multinomial {baseline:.2f} s "
        f"| ratio {build / baseline:.2f}x (goal <= 1.0x; median of {options.builds})"
    )

    os.environ["EXPLORER_CACHE_DIR"] = cache
    from explorer.core.search.store import IndexKey, open_index

    index = open_index(IndexKey.for_package("torch"))
    assert index is not None
    size = IndexKey.for_package("torch").path.stat().st_size
    print(f"index file: {size / 1e6:.1f} MB (schema {index.meta['schema']})")
    for query in QUERIES:
        index.search(query, 20)  # warm sqlite's page cache and the fuzzy tail list
    timings = []
    for _ in range(3):
        for query in QUERIES:
            start = time.perf_counter()
            index.search(query, 20)
            timings.append((time.perf_counter() - start) * 1000)
    print(
        f"query in-process over {len(QUERIES)} queries x3: p50 {percentile(timings, 0.5):.2f} ms"
        f" | p95 {percentile(timings, 0.95):.2f} ms | max {max(timings):.2f} ms (goal p95 <= 10)"
    )

    search = [*explore, "--search", "multinomial", "--in", "torch"]
    run(search, env)  # warm the page cache
    warm = statistics.median(run(search, env)[0] for _ in range(options.runs))
    print(
        f"warm explore --search: {warm * 1000:.0f} ms | pydoc -k {baseline:.2f} s "
        f"| {baseline / warm:.0f}x faster (goal >= 10x; median of {options.runs})"
    )
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"peak RSS: build {build_rss / 1024:.0f} MiB (largest process) | "
        f"queries in-process {self_rss / 1024:.0f} MiB"
    )
    for query in CHECKS:
        top = ", ".join(hit.name for hit in index.search(query, 5))
        print(f"top 5 for {query!r}: {top}")
    index.close()
    if options.all:
        alls, pydocs_again = [], []
        summary: dict[str, object] = {}
        for _ in range(options.builds):  # alternating, each into a fresh cache
            everything = tempfile.mkdtemp(prefix="bench-search-all-")
            all_env = dict(os.environ, EXPLORER_CACHE_DIR=everything)
            seconds, out, _ = run([*explore, "--index", "--all", "--json"], all_env)
            alls.append(seconds)
            summary = json.loads(out)
            shutil.rmtree(everything, ignore_errors=True)
            pydocs_again.append(run(pydoc, env)[0])
        seconds, again = statistics.median(alls), statistics.median(pydocs_again)
        print(
            f"build: explore --index --all {seconds:.2f} s ({len(summary['packages'])} packages, "  # type: ignore[arg-type]
            f"{summary['entries']} entries) | pydoc -k {again:.2f} s | ratio {seconds / again:.2f}x"
            f" (goal <= 1.0x; median of {options.builds}: "
            f"{' '.join(f'{s:.2f}' for s in alls)} vs {' '.join(f'{s:.2f}' for s in pydocs_again)})"
        )
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
