"""`--rebuild` builds beside the current index: searches see the old index until the new one
is complete, and an interrupted rebuild leaves the old index intact and resumes."""

from __future__ import annotations

import os
import subprocess
import sys

from searchkit import Index
from support import ROOT, write_records


def corpus(folder, word, files=60):
    folder.mkdir(exist_ok=True)
    for i in range(files):
        write_records(
            folder / f"f{i:02}.jsonl",
            [
                {
                    "title": f"{word} {i}",
                    "text": f"{word} body {i}",
                    "language": "en",
                    "actors": [],
                    "countries": ["FR"],
                },
            ],
        )
    return folder


def titles(index_dir):
    with Index.open(index_dir) as index:
        return frozenset(h.title for h in index.search("*", limit=1000, facets=()).hits)


def test_searches_during_a_rebuild_answer_from_the_previous_index(tmp_path):
    src = corpus(tmp_path / "src", "alpha")
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)
    old = titles(tmp_path / "ix")
    corpus(src, "beta")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "searchkit",
            "--index",
            str(tmp_path / "ix"),
            "index",
            "--rebuild",
            "--batch-size",
            "5",
            "--jobs",
            "1",
            str(src),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    seen = set()
    while proc.poll() is None:
        seen.add(titles(tmp_path / "ix"))
    assert proc.returncode == 0
    assert proc.stdout.read().startswith("0 added, 60 updated, 0 unchanged, 0 removed")
    new = titles(tmp_path / "ix")
    assert new == frozenset(f"beta {i}" for i in range(60))
    assert seen <= {old, new}  # never a mixture of the two
    assert not (tmp_path / "ix" / ".rebuild").exists()
    assert Index.check(tmp_path / "ix").problems == ()


def test_interrupted_rebuild_keeps_the_old_index_and_resumes(tmp_path):
    src = corpus(tmp_path / "src", "alpha", files=30)
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)
        old = titles(tmp_path / "ix")
        corpus(src, "beta", files=30)

        def stop_at_20(done, total):
            if done == 20:
                raise KeyboardInterrupt

        report = index.update([src], rebuild=True, jobs=1, batch_size=5, progress=stop_at_20)
        assert report.interrupted
        assert titles(tmp_path / "ix") == old
        assert (tmp_path / "ix" / ".rebuild").is_dir()
        totals = []
        resumed = index.update(
            [src],
            rebuild=True,
            jobs=1,
            batch_size=5,
            progress=lambda done, total: totals.append(total),
        )
        assert set(totals) == {10}  # the four batches committed before Ctrl-C are kept
        assert (resumed.added, resumed.updated, resumed.removed) == (0, 30, 0)
        assert titles(tmp_path / "ix") == frozenset(f"beta {i}" for i in range(30))
        assert index.search("beta").total == 30 and index.search("alpha").total == 0


def test_threads_searching_while_rebuilds_swap_segments_never_fail(tmp_path):
    import threading
    import time
    import traceback

    src = corpus(tmp_path / "src", "alpha", files=80)
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)
    stop = time.monotonic() + 10
    errors = []

    def search():
        while time.monotonic() < stop:
            try:
                with Index.open(tmp_path / "ix") as opened:
                    opened.search("*", facets=("country",))
            except Exception:  # collected: a reader must never fail
                errors.append(traceback.format_exc())

    threads = [threading.Thread(target=search) for _ in range(3)]
    for t in threads:
        t.start()
    rebuilds = 0
    while time.monotonic() < stop - 2:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "searchkit",
                "--index",
                str(tmp_path / "ix"),
                "index",
                "--rebuild",
                "--jobs",
                "1",
                str(src),
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
        )
        rebuilds += 1
    for t in threads:
        t.join()
    assert rebuilds >= 2
    assert errors == []
