"""Kill `searchkit index` with SIGKILL at chosen moments and check that nothing is lost.

Used by tests/test_crash.py (a few trials) and bench/reliability.py (many). After each kill:
`check` passes, every file's documents are in the index all or none and equal to what a
clean build stores (the contents are some committed state), and a rerun ends with the same
documents and facets as a clean build.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from searchkit import Index

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "troops",
    "instructors",
    "ministry",
    "alliance",
    "summit",
    "border",
    "missile",
    "aid",
    "talks",
    "ceasefire",
    "training",
    "peacekeepers",
    "parliament",
    "sanctions",
    "drones",
]


def make_corpus(folder: Path, jsonl_files: int = 80, text_files: int = 40) -> Path:
    """JSON Lines files with explicit facets (cheap) and text files that go through
    language, actor and country extraction (slower), so kills land in every stage."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(jsonl_files):
        lines = []
        for j in range(4):
            n = i * 4 + j
            lines.append(
                json.dumps(
                    {
                        "title": f"Report {n}",
                        "language": "en",
                        "source_type": "news",
                        "text": " ".join(WORDS[(n + k) % len(WORDS)] for k in range(40)),
                        "actors": [f"Minister {n % 7}"],
                        "countries": [["FR", "UA", "DE"][n % 3]],
                        "date": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    }
                )
            )
        (folder / f"batch{i:03}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i in range(text_files):
        body = " ".join(
            f"French President Emmanuel Macron met Ukrainian officials in Kyiv about {w}."
            for w in WORDS[i % 5 :]
        )
        (folder / f"story{i:03}.txt").write_text(f"Story {i}\n\n{body}\n", encoding="utf-8")
    return folder


def snapshot(index_dir: Path) -> tuple:
    """Every document and every facet count of an index."""
    with Index.open(index_dir) as index:
        results = index.search(
            "*",
            limit=100_000,
            facet_limit=0,
            snippets=False,
            facets=("actor", "country", "date", "source_type", "language"),
        )
        docs = sorted(
            (h.id, h.path, h.title, h.published, h.actors, h.countries, h.language)
            for h in results.hits
        )
        facets = [(f.name, f.values, f.missing) for f in results.facets]
        return docs, facets


def documents_by_file(index_dir: Path) -> dict[str, set]:
    docs, _ = snapshot(index_dir)
    out: dict[str, set] = {}
    for doc in docs:
        path = doc[1].rsplit(":", 1)[0] if doc[1].rsplit(":", 1)[-1].isdigit() else doc[1]
        out.setdefault(path, set()).add(doc)
    return out


def files_as_built(index_dir: Path, folder: Path | None = None) -> dict:
    """Each file's documents; with ``folder``, keyed relative to it and without ids and
    paths, to compare with a clean build of another folder."""
    docs = documents_by_file(index_dir)
    if folder is None:
        return docs
    return {p.replace(str(folder), "{root}"): {d[2:] for d in ds} for p, ds in docs.items()}


def problems_after_kill(index_dir: Path, expected: dict, folder: Path | None = None) -> list:
    """`check` passes, and every file's documents are all there, as a clean build has them
    (``expected``, from ``files_as_built``), or all absent."""
    report = Index.check(index_dir)
    problems = [f"check: {p}" for p in report.problems]
    if report.healthy:
        for path, docs in files_as_built(index_dir, folder).items():
            if docs != expected.get(path):
                problems.append(f"{path}: {len(docs)} documents differ from a clean build")
    return problems


def run_index(index_dir: Path, corpus: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "searchkit",
            "--index",
            str(index_dir),
            "index",
            str(corpus),
            "--jobs",
            "2",
            "--batch-size",
            "40",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )


def clean_build(index_dir: Path, corpus: Path) -> tuple[tuple, float]:
    started = time.perf_counter()
    proc = run_index(index_dir, corpus)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    return snapshot(index_dir), time.perf_counter() - started


@dataclass
class Trial:
    delay: float
    exit_code: int | None
    problems: list[str]
    phase: str = "unknown"


# Stack frames that say what the writer was doing, most specific first.
PHASES = (
    ("merge", ("tiered_merge", "_merge_segments", "add_reader")),
    ("commit", ("commit", "flush", "_commit_toc", "sync", "save_manifest")),
    ("writing", ("file_done", "delete_by_term", "rederive")),
    ("extraction", ("next_result", "index_files", "jsonl_spans", "iter_files")),
)


def phase_of(pid: int) -> str:
    """What the process is doing, from its stack (needs py-spy; "unknown" without it)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return "unknown"
    try:
        stack = subprocess.run(
            [spy, "dump", "--pid", str(pid)], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    for phase, markers in PHASES:
        if any(marker in stack for marker in markers):
            return phase
    return "start-up" if "searchkit" not in stack or "import" in stack else "other"


def kill_trial(
    index_dir: Path,
    corpus: Path,
    delay: float,
    expected: dict[str, set],
    clean: tuple,
    classify: bool = False,
) -> Trial:
    """Start indexing, SIGKILL the whole process group after ``delay`` s, then verify."""
    proc = run_index(index_dir, corpus)
    phase = "finished"
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        if classify:
            phase = phase_of(proc.pid)  # py-spy pauses it to sample; the kill follows at once
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    problems = []
    if (index_dir / "searchkit.json").exists():
        problems += problems_after_kill(index_dir, expected)
    rerun = run_index(index_dir, corpus)
    _, err = rerun.communicate()
    if rerun.returncode != 0:
        problems.append(f"rerun failed ({rerun.returncode}): {err.decode()[-300:]}")
    elif snapshot(index_dir) != clean:
        problems.append("after the rerun the index differs from a clean build")
    return Trial(delay, proc.returncode, problems, phase)
