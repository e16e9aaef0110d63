"""How often search puts the right answer first, per kind of query, against grep on the same data.

Usage: .venv/bin/python benchmarks/search_eval.py [--queries FILE] [--build] [--cli N] [-v]
       [--without-synonyms] [--embeddings]

Reads queries with their expected answers (benchmarks/search_queries.tsv: category,
query, answers separated by |). The other sets were written by people who never saw
the ranking code or its results: `search_queries_b.tsv`, `_d.tsv` and `_h.tsv` are
only ever read in aggregate (never tune on their queries; H, the newest, stands in for
the held-out set); `_c.tsv`, `_e.tsv`, `_f.tsv` and `_g.tsv` have had their failures
read to find which kinds of query fail (development sets, like the first). Report them side
by side. Each query goes to every index present in the cache dir (EXPLORER_CACHE_DIR,
else the user cache) the way `explore --search Q` without `--in` does. `--build` first
runs `explore --index --all` into a fresh temp cache. A hit counts when its name, or
one of the other names it lists (`also`), is an expected answer. Prints recall@1,
recall@5 and MRR per category for explorer and for a grep-style baseline built from
the same index rows (every query word must occur in the name or the first line;
shorter names first), queries with no hit, in-process latency p50/p95, and with
`--cli N` the warm CLI wall time of N queries.

Vocabulary, measured: `--without-synonyms` empties the synonym table (what it adds);
`--embeddings` also ranks with static embeddings from the `tokenlearn-static-model`
wheel (a Model2Vec-style 10k x 64 int8 model shipped inside the wheel; `pip install
tokenlearn-static-model`), alone and fused with search (reciprocal rank fusion), and
prints their cost: time to embed every documented entry, size, query time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
K = 5


def load_queries(path: Path) -> list[tuple[str, str, set[str]]]:
    queries = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, query, answers = line.split("\t")
        queries.append((category, query, set(answers.split("|"))))
    return queries


def first_right(names: list[tuple[str, ...]], answers: set[str]) -> int | None:
    """1-based position of the first hit any of whose names is an answer."""
    for position, hit_names in enumerate(names, 1):
        if answers.intersection(hit_names):
            return position
    return None


class Grep:
    """`grep -i` for every query word over "name summary" lines, shortest names first."""

    def __init__(self, library: object) -> None:
        self.lines: list[tuple[str, str]] = []
        for index in library.indexes.values():  # type: ignore[attr-defined]
            rows = index.connection.execute("SELECT name, summary FROM entries")
            self.lines.extend((row[0], f"{row[0]} {row[1]}".lower()) for row in rows)
        self.lines.sort(key=lambda line: (len(line[0]), line[0]))

    def search(self, query: str, limit: int) -> list[tuple[str, ...]]:
        words = query.lower().split()
        found = [(name,) for name, text in self.lines if all(word in text for word in words)]
        return found[:limit]


def score(results: dict[str, list[int | None]]) -> dict[str, tuple[float, float, float, int]]:
    table = {}
    for category, positions in results.items():
        n = len(positions)
        at1 = sum(1 for p in positions if p == 1) / n
        at5 = sum(1 for p in positions if p is not None and p <= K) / n
        mrr = sum(1 / p for p in positions if p is not None) / n
        table[category] = (at1, at5, mrr, n)
    return table


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build_all(cache: str) -> float:
    env = dict(os.environ, EXPLORER_CACHE_DIR=cache)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "explorer", "--index", "--all"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=Path, default=HERE / "search_queries.tsv")
    parser.add_argument("--build", action="store_true", help="index everything into a temp cache")
    parser.add_argument("--cli", type=int, default=0, metavar="N", help="time N warm CLI calls")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every miss")
    parser.add_argument("--without-synonyms", action="store_true", help="empty synonym table")
    parser.add_argument("--embeddings", action="store_true", help="compare static embeddings")
    options = parser.parse_args()
    if options.without_synonyms:
        from explorer.core.search import vocab

        vocab.synonyms = lambda: {}  # type: ignore[assignment]
    if options.build:
        os.environ["EXPLORER_CACHE_DIR"] = tempfile.mkdtemp(prefix="search-eval-")
        print(f"explore --index --all: {build_all(os.environ['EXPLORER_CACHE_DIR']):.1f} s")
    from explorer.core.search.library import Library

    library = Library.open()
    if not library.indexes:
        sys.exit("no index in the cache dir: run `explore --index --all` or pass --build")
    print(f"indexes: {len(library.indexes)} ({sum(i.entry_count for i in library.indexes.values())}"
          " entries)")  # fmt: skip
    grep = Grep(library)
    queries = load_queries(options.queries)
    ours: dict[str, list[int | None]] = defaultdict(list)
    theirs: dict[str, list[int | None]] = defaultdict(list)
    timings: list[float] = []
    no_hit = []
    for category, query, answers in queries:
        started = time.perf_counter()
        hits = library.search(query, 10)
        timings.append((time.perf_counter() - started) * 1000)
        position = first_right([(h.name, *h.also) for h in hits], answers)
        for bucket in (category, "all"):
            ours[bucket].append(position)
            theirs[bucket].append(first_right(grep.search(query, 10), answers))
        if not hits:
            no_hit.append(query)
        if options.verbose and position != 1:
            shown = ", ".join(h.name for h in hits[:3])
            print(f"  [{category}] {query!r}: rank {position}; top: {shown}")
    mine, base = score(ours), score(theirs)
    print(f"{'category':<10} {'n':>4}   {'R@1':>5} {'R@5':>5} {'MRR':>5}   grep: "
          f"{'R@1':>5} {'R@5':>5} {'MRR':>5}")  # fmt: skip
    for category in [*sorted(c for c in mine if c != "all"), "all"]:
        a1, a5, mrr, n = mine[category]
        g1, g5, gmrr, _ = base[category]
        print(f"{category:<10} {n:>4}   {a1:>5.2f} {a5:>5.2f} {mrr:>5.2f}   grep: "
              f"{g1:>5.2f} {g5:>5.2f} {gmrr:>5.2f}")  # fmt: skip
    print(f"queries with no hit: {len(no_hit)} {no_hit[:5] if no_hit else ''}")
    print(f"in-process latency over {len(timings)} queries: p50 {percentile(timings, 0.5):.1f} ms"
          f" | p95 {percentile(timings, 0.95):.1f} ms | max {max(timings):.1f} ms")  # fmt: skip
    if options.cli:
        wall = []
        for _, query, _ in queries[:: max(1, len(queries) // options.cli)][: options.cli]:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "explorer", "--search", query],
                           capture_output=True, check=False)  # fmt: skip
            wall.append((time.perf_counter() - started) * 1000)
        print(f"warm CLI over {len(wall)} queries: p50 {percentile(wall, 0.5):.0f} ms | "
              f"p95 {percentile(wall, 0.95):.0f} ms")  # fmt: skip
    if options.embeddings:
        compare_embeddings(library, queries)
    library.close()


def compare_embeddings(library: object, queries: list[tuple[str, str, set[str]]]) -> None:
    import numpy as np
    from static_model import get_embeddings  # the tokenlearn-static-model wheel

    names, texts = [], []
    started = time.perf_counter()
    for index in library.indexes.values():  # type: ignore[attr-defined]
        sql = "SELECT name, tailw, summary FROM entries WHERE primary_entry = 1 AND summary != ''"
        for name, words, summary in index.connection.execute(sql):
            names.append(name)
            texts.append(f"{words} {summary}")
    vectors = np.array(get_embeddings(texts), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    print(
        f"embeddings: {len(names)} documented entries in {time.perf_counter() - started:.1f} s"
        f", {vectors.shape[1]} dims, {len(names) * vectors.shape[1] / 1e6:.1f} MB as int8"
    )
    for label, fused in (("embeddings only", False), ("search + embeddings (RRF)", True)):
        results: dict[str, list[int | None]] = defaultdict(list)
        timings = []
        for category, query, answers in queries:
            hits = library.search(query, 30)  # type: ignore[attr-defined]
            started = time.perf_counter()
            vector = np.array(get_embeddings([query])[0], dtype=np.float32)
            similarity = vectors @ (vector / (np.linalg.norm(vector) + 1e-9))
            top = np.argpartition(-similarity, 30)[:30]
            semantic = [names[i] for i in top[np.argsort(-similarity[top])]]
            timings.append((time.perf_counter() - started) * 1000)
            ranked = semantic
            if fused:
                fusion: dict[str, float] = defaultdict(float)
                for position, name in enumerate(hit.name for hit in hits):
                    fusion[name] += 1 / (60 + position)
                for position, name in enumerate(semantic):
                    fusion[name] += 0.6 / (60 + position)
                ranked = sorted(fusion, key=lambda name: -fusion[name])
            others = {hit.name: (hit.name, *hit.also) for hit in hits}
            position = first_right([others.get(n, (n,)) for n in ranked[:10]], answers)
            results[category].append(position)
            results["all"].append(position)
        line = "  ".join(f"{c} {a1:.2f}/{a5:.2f}" for c, (a1, a5, _, _) in score(results).items())
        print(f"{label}: R@1/R@5 {line} | query p95 {percentile(timings, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
