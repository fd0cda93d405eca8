"""A cold ``searchkit search`` process: its wall time, peak RSS, where the time goes, and the
memory the facet columns hold.

    python bench/cold_start.py --index DIR               # an existing index
    python bench/cold_start.py --docs 100000             # the generated index, built once
    python bench/cold_start.py --index DIR --baseline ../other-checkout --runs 20
    python bench/cold_start.py --synthetic 100000:2000,1000000:20000 --baseline ../main

Each run is a new process, as a user's command is; the OS page cache is warm (one untimed
run first), so this measures the work of the process, not the disk. Three kinds of process:

- **CLI**: ``searchkit --index DIR search QUERY --json`` (plain: no ``--facet``, which counts
  the default facets; faceted: ``--facet`` for actor, country, date, source_type and
  language), through ``python -m searchkit``. Median and p95 wall time over ``--runs``
  processes, the median CPU time (user + system: steadier than the wall clock when other
  work shares the machine), and the largest peak RSS (``wait4``'s ``ru_maxrss``).
- **phases**: a small program in a new process (``python -c``), timing in turn the import of
  ``searchkit.cli``, the imports a search adds (the library, Whoosh), opening the index (the
  table of contents, segment readers, the facet files' headers), the first search (facets
  included), and the JSON text. ``start-up and exit`` is the process's wall time less
  those phases: the interpreter, ``site``, and freeing everything at exit. Medians over
  ``--runs`` processes.
- **facet memory** (``--memory``): a process that counts all five facets over every
  document (``*``) and then adds up the bytes the facet columns it loaded hold (their arrays
  and value names, and, in the format before 3, the bitmaps decompressed) plus the
  index-wide bitmaps the facet table keeps; and its peak RSS.

- **synthetic** (``--synthetic DOCS:VALUES``): no index; one made-up segment whose actor
  facet has VALUES distinct names with Zipf-like frequencies: the facet file's size, the
  bytes held after counting the facet over all documents and over a random 1/16 of them,
  the time of each count, and the peak RSS, to see how facet memory grows with N and V.

``--baseline DIR`` runs the same processes with another checkout's ``searchkit`` first on
the import path (e.g. a worktree of main), one after the other in the same run, so the two
columns share the machine's load. Give the baseline its own copy of the index: each format
rewrites the facet files of the other. Byte-compile both checkouts first (``python -m
compileall searchkit``), as an installation does: with ``PYTHONDONTWRITEBYTECODE`` set, every
process would compile the package again (about 100 ms). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
FACETS = ("actor", "country", "date", "source_type", "language")
DEFAULT_QUERY = "bust bond"


# ---- the child processes ------------------------------------------------------------------


# The phases child runs this with ``python -c``: no module of this script is imported first.
PHASES = """
import sys, time
marks = [("begin", time.perf_counter())]
import searchkit.cli
marks.append(("import cli", time.perf_counter()))
import searchkit.engine.snapshot, searchkit.search.searcher
from searchkit.api import Index
marks.append(("import search", time.perf_counter()))
index = Index.open(sys.argv[1])
index._context()  # the searcher, its segments and their facet files
marks.append(("open", time.perf_counter()))
facets = ("actor", "country", "date", "source_type", "language") if sys.argv[3] else None
results = index.search(sys.argv[2], facets=facets)
marks.append(("first search", time.perf_counter()))
import json
text = json.dumps(results.to_dict(), ensure_ascii=False)
marks.append(("json", time.perf_counter()))
out = {b[0]: (b[1] - a[1]) * 1000 for a, b in zip(marks, marks[1:])}
print(json.dumps(out))
import gc, inspect
if "gc.freeze()" in inspect.getsource(searchkit.cli.main):
    gc.freeze()  # as this checkout's CLI does before the process exits
"""


def memory(index_dir: str) -> None:
    """Count all five facets over every document; print the bytes the facet data holds."""
    from searchkit.api import Index

    index = Index.open(index_dir)
    results = index.search("*", facets=FACETS, facet_limit=0, limit=0)
    table = index._context().table
    columns = 0
    for seg, _ in table.segments:
        cols = seg.columns
        loaded = cols.loaded().values() if hasattr(cols, "loaded") else cols.values()
        columns += sum(_column_bytes(col) for col in loaded)
    masks = sum(sys.getsizeof(m) for m in table._masks.values())
    masks += sum(sys.getsizeof(m) for m in table._has_value.values())
    values = {f.name: f.distinct for f in results.facets}
    print(json.dumps({"columns": columns, "table": masks, "values": values, "docs": table.size}))


def synthetic(docs: int, values: int, per_doc: float = 2.1) -> None:
    """One segment of ``docs`` documents whose actors are drawn from ``values`` names with a
    Zipf-like frequency (name k about 1/k as often as the first; 2.1 a document, as in the
    generated corpus): the facet file's size, then the bytes held and the time of counting
    the facet over every document and over a random 1/16 of them."""
    import inspect
    import itertools
    import random
    import resource
    from array import array

    from searchkit.engine.facet_files import FacetColumn, SegmentFacets
    from searchkit.registry import DEFAULT_REGISTRY
    from searchkit.search.facets import FacetTable

    rng = random.Random(42)
    names = [f"Actor{k} Name{k}" for k in range(values)]
    cumulative = list(itertools.accumulate(1 / (k + 1) for k in range(values)))
    whole = int(per_doc)
    rows = [
        tuple(
            set(
                rng.choices(
                    names, cum_weights=cumulative, k=whole + (rng.random() < per_doc - whole)
                )
            )
        )
        for _ in range(docs)
    ]
    column = FacetColumn.from_values(rows)
    del rows
    seg = SegmentFacets(docs, {"actor": column}, array("l", [0]) * docs)
    file_bytes = len(seg.to_bytes())
    every = (1 << docs) - 1
    args = [[(seg, 0)], docs, every, DEFAULT_REGISTRY]
    if "saved_merges" in inspect.signature(FacetTable).parameters:
        args.append(lambda facet, compute: {})  # no surname merging of made-up names
    table = FacetTable(*args)
    table._merges["actor"] = {}
    sixteenth = every
    for _ in range(4):
        sixteenth &= int.from_bytes(rng.randbytes((docs + 7) // 8), "little")
    timings = {}
    for label, scope in (("all", every), ("1/16", sixteenth)):
        started = time.perf_counter()
        table.count("actor", scope)
        timings[label] = (time.perf_counter() - started) * 1000
    held = _column_bytes(column) + sum(sys.getsizeof(m) for m in table._masks.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"file": file_bytes, "held": held, "ms": timings, "rss": rss}))


def _column_bytes(col) -> int:
    if hasattr(col, "nbytes"):
        return col.nbytes()
    # format 2: arrays, zlib-compressed bitmaps, and the bitmaps decompressed so far
    names = sum(len(n) + 49 for n in col.names) + 8 * len(col.names)
    arrays = col.ids.itemsize * len(col.ids) + col.starts.itemsize * len(col.starts)
    packed = sum(len(p) + 33 for p in col.packed)
    return names + arrays + packed + sum(sys.getsizeof(m) for m in col._masks.values())


# ---- the parent ---------------------------------------------------------------------------


def run(command: list[str], env: dict) -> tuple[float, float, str]:
    """(wall ms, peak RSS MB, stdout) of one new process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, stdout=out, stderr=err, env=env, cwd=env["SEARCHKIT_BENCH_CODE"]
        )
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here, with its resource usage
        wall = (time.perf_counter() - started) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 1):  # 1: no hits
            raise RuntimeError(f"{command} exited {proc.returncode}: {err.read()[-500:]}")
        cpu = (usage.ru_utime + usage.ru_stime) * 1000
        return wall, cpu, usage.ru_maxrss / 1024, out.read().decode()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def env_for(code: Path) -> dict:
    env = dict(os.environ)
    # Run from the checkout itself: ``python -m`` and ``-c`` put the working directory first
    # on the import path.
    env["SEARCHKIT_BENCH_CODE"] = str(code)
    env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def cli_figures(code: Path, index_dir: str, query: str, facets: bool, runs: int) -> dict:
    command = [sys.executable, "-m", "searchkit", "--index", index_dir, "search", query, "--json"]
    if facets:
        command += [arg for f in FACETS for arg in ("--facet", f)]
    env = env_for(code)
    run(command, env)  # the page cache, and any facet file of another format rebuilt
    walls, cpus, rss = [], [], 0.0
    for _ in range(runs):
        wall, cpu, peak, _ = run(command, env)
        walls.append(wall)
        cpus.append(cpu)
        rss = max(rss, peak)
    return {
        "median": statistics.median(walls),
        "p95": percentile(walls, 0.95),
        "cpu": statistics.median(cpus),
        "rss": rss,
    }


def phase_figures(code: Path, index_dir: str, query: str, facets: bool, runs: int) -> dict:
    command = [sys.executable, "-c", PHASES, index_dir, query, "1" if facets else ""]
    env = env_for(code)
    run(command, env)
    rows = []
    for _ in range(runs):
        wall, _, _, out = run(command, env)
        row = json.loads(out)
        row["start-up and exit"] = wall - sum(row.values())
        rows.append(row)
    keys = ["start-up and exit", "import cli", "import search", "open", "first search", "json"]
    return {k: statistics.median(r[k] for r in rows) for k in keys}


def memory_figures(code: Path, index_dir: str) -> dict:
    command = [sys.executable, __file__, "--memory", "--index", index_dir]
    env = env_for(code)
    run(command, env)
    _, _, rss, out = run(command, env)
    return {**json.loads(out), "rss": rss}


def synthetic_figures(pairs: str, baseline: Path | None) -> None:
    print("made-up actor facet, one segment; counted over all documents and over 1/16")
    for pair in pairs.split(","):
        docs, values = (int(x) for x in pair.split(":"))
        for label, code in ([("baseline", baseline)] if baseline else []) + [("this", ROOT)]:
            program = f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
            program += f"import cold_start; cold_start.synthetic({docs}, {values})"
            _, _, _, out = run([sys.executable, "-c", program], env_for(code))
            f = json.loads(out)
            print(
                f"  {docs:>9,} docs {values:>7,} values  {label:8}  file {f['file'] / 1e6:6.1f} MB"
                f"  held after counting {f['held'] / 1e6:7.1f} MB  count all "
                f"{f['ms']['all']:6.0f} ms, 1/16 {f['ms']['1/16']:5.0f} ms  "
                f"peak RSS {f['rss']:5.0f} MB"
            )


def generated_index(docs: int) -> str:
    """bench/.cache/index-DOCS, built once from the generated corpus (bench/scale.py's)."""
    target = CACHE / f"index-{docs}"
    if (target / "manifest.json").exists():
        return str(target)
    corpus = CACHE / f"corpus-{docs}-seed42.jsonl"
    if not corpus.exists():
        shared = ROOT.parent / "shared"
        command = [sys.executable, str(shared / "tools" / "gen_corpus.py"), "--docs", str(docs)]
        command += ["--seed", "42", "--out", str(corpus)]
        subprocess.run(command, check=True)
    print(f"building {target} from {corpus.name} ...", flush=True)
    searchkit = [sys.executable, "-m", "searchkit", "--index", str(target), "index", str(corpus)]
    subprocess.run(searchkit, check=True, env=env_for(ROOT))
    return str(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="index directory (default: --docs's generated index)")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--query", default=DEFAULT_QUERY)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--baseline-index", help="the baseline's copy of the index")
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--synthetic",
        metavar="DOCS:VALUES,...",
        help="instead: one made-up segment per pair, e.g. 100000:2000,1000000:20000",
    )
    args = parser.parse_args()
    if args.memory:
        return memory(args.index)
    if args.synthetic:
        return synthetic_figures(args.synthetic, args.baseline)

    index_dir = args.index or generated_index(args.docs)
    setups = [("this checkout", ROOT, index_dir)]
    if args.baseline:
        setups.insert(0, ("baseline", args.baseline, args.baseline_index or index_dir))
    print(f"index {index_dir}, query {args.query!r}, {args.runs} processes each")
    for label, code, ix in setups:
        print(f"\n== {label} ({code})")
        for facets in (False, True):
            kind = "faceted (5 facets)" if facets else "plain"
            cli = cli_figures(code, ix, args.query, facets, args.runs)
            print(
                f"  CLI {kind:19} median {cli['median']:4.0f} ms  p95 {cli['p95']:4.0f} ms  "
                f"CPU {cli['cpu']:4.0f} ms  peak RSS {cli['rss']:3.0f} MB"
            )
            parts = phase_figures(code, ix, args.query, facets, args.runs)
            print("    phases: " + ", ".join(f"{k} {v:.0f} ms" for k, v in parts.items()))
        mem = memory_figures(code, ix)
        values = ", ".join(f"{k} {v:,}" for k, v in mem["values"].items())
        print(
            f"  facet memory after counting 5 facets over {mem['docs']:,} documents: "
            f"columns {mem['columns'] / 1e6:.2f} MB, table bitmaps {mem['table'] / 1e6:.2f} MB, "
            f"process peak RSS {mem['rss']:.0f} MB  (distinct values: {values})"
        )


if __name__ == "__main__":
    main()
