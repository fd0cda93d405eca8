"""One large JSON Lines file, indexed with one process and with two workers, in the same run.

    python bench/jsonl_jobs.py [--sizes 500,1000,2500,5000,10000] [--repeat 1]

For each size, the first N records of the HuffPost sample (../shared/data/huffpost_sample)
are built into a fresh index with ``jobs=1`` and with ``jobs=2``, one after the other, each
in a new Python process as the CLI would (so each pays its own start-up: imports, the
language profiles, the workers' start). Two
workers are forced at every size, whatever ``MIN_BYTES_FOR_WORKERS`` says, so the table
shows where workers start to pay; the last line shows what the threshold then chooses.

Besides wall-clock seconds it prints CPU seconds, because on a shared machine the wall clock
says little: Linux shares the CPU between sessions (autogroup), so under load two worker
processes get no more CPU than one. ``cpu`` is the total over this process and its workers;
``path`` is this process's CPU plus the busiest worker's, the time the run takes when each
worker has a core of its own (for jobs=1, all the work is in this process).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from searchkit import Index  # noqa: E402
from searchkit.engine import updater  # noqa: E402

HUFFPOST = ROOT.parent / "shared" / "data" / "huffpost_sample"
TICKS = os.sysconf("SC_CLK_TCK")


class ChildCPU:
    """Samples the CPU seconds of this process's child processes until stopped (a child's
    figures vanish with it, so the last sample before its exit is kept)."""

    def __init__(self):
        self.seconds: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ChildCPU:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.05):
            try:
                with open(f"/proc/{me}/task/{me}/children") as fh:
                    pids = [int(p) for p in fh.read().split()]
            except OSError:
                return
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/stat") as fh:
                        fields = fh.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.seconds[pid] = (int(fields[11]) + int(fields[12])) / TICKS


def build(source: Path, jobs: int, workdir: Path) -> tuple[float, float, float, int]:
    """Wall seconds, total CPU seconds and critical-path CPU seconds of building a fresh
    index of ``source`` with ``jobs``, and the documents added."""
    target = Path(tempfile.mkdtemp(dir=workdir))
    started, cpu_started = time.perf_counter(), time.process_time()
    with ChildCPU() as children, Index.create(target / "index") as index:
        report = index.update([source], jobs=jobs)
    wall = time.perf_counter() - started
    own = time.process_time() - cpu_started
    workers = list(children.seconds.values())
    return wall, own + sum(workers), own + max(workers, default=0.0), report.added


def build_in_new_process(source: Path, jobs: int, workdir: Path) -> tuple[float, ...]:
    command = [sys.executable, __file__, "--one", str(source), str(jobs), str(workdir)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return tuple(json.loads(output.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2500,5000,10000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)  # SOURCE JOBS WORKDIR
    args = parser.parse_args()
    if args.one:
        updater.MIN_BYTES_FOR_WORKERS = 0  # two workers whatever the size
        print(json.dumps(build(Path(args.one[0]), int(args.one[1]), Path(args.one[2]))))
        return
    files = sorted(HUFFPOST.glob("*.jsonl")) if HUFFPOST.is_dir() else []
    if not files:
        print(f"skipped: {HUFFPOST} is absent")
        return
    lines = files[0].read_bytes().splitlines(keepends=True)
    threshold = updater.MIN_BYTES_FOR_WORKERS
    print(f"{files[0].name}: {len(lines)} records; {os.cpu_count()} CPUs, load {os.getloadavg()}")
    print(
        f"{'records':>8} {'MB':>5} | {'jobs=1 wall':>11} {'cpu':>6} | {'jobs=2 wall':>11} "
        f"{'cpu':>6} {'path':>6} | {'speed-up (path)':>15}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            source = workdir / f"huffpost_{size}.jsonl"
            source.write_bytes(b"".join(lines[:size]))
            best: dict[int, tuple[float, float, float]] = {}
            for _ in range(args.repeat):
                for jobs in (1, 2):
                    wall, cpu, path, added = build_in_new_process(source, jobs, workdir)
                    assert added == size, (added, size)
                    if jobs not in best or path < best[jobs][2]:
                        best[jobs] = (wall, cpu, path)
            (w1, c1, p1), (w2, c2, p2) = best[1], best[2]
            megabytes = source.stat().st_size / 2**20
            print(
                f"{size:>8} {megabytes:>5.2f} | {w1:>11.1f} {c1:>6.1f} | {w2:>11.1f} {c2:>6.1f} "
                f"{p2:>6.1f} | {p1 / p2:>14.2f}x",
                flush=True,
            )
        sizes = {str(files[0]): files[0].stat().st_size}
        print(
            f"MIN_BYTES_FOR_WORKERS = {threshold / 2**20:.2f} MB: `--jobs 2` on the whole file "
            f"uses {updater._jobs_for(sizes, 2)} worker(s)"
        )


if __name__ == "__main__":
    main()
