"""After Ctrl-C, `index` reports what was committed, not what was extracted, and how much
was left."""

from __future__ import annotations

import re
import shutil

from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import cli
from searchkit.engine import updater
from support import SEEDS


def test_ctrl_c_reports_the_committed_documents_and_the_files_left(tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    real_file_done = updater.Updater.file_done
    calls = []

    def interrupted_at_the_third_file(self, work, counts):
        real_file_done(self, work, counts)  # extracted and counted, but not committed
        calls.append(work.path)
        if len(calls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(updater.Updater, "file_done", interrupted_at_the_third_file)
    args = ["--index", str(tmp_path / "index"), "index", str(tmp_path / "seeds")]
    result = CliRunner().invoke(cli, [*args, "--jobs", "1", "--batch-size", "2"])
    assert result.exit_code == 130
    assert re.sub(r"\(\d+\.\d s\)", "(N s)", result.stdout) == (
        "2 added, 0 updated, 0 unchanged, 0 removed, 0 skipped (N s)\n"
    )
    assert result.stderr == (
        "Interrupted with 3 files left to index: the index keeps what was committed (counted "
        "above); run the same command again to carry on.\n"
    )
    with Index.open(tmp_path / "index") as index:
        assert index.stats().documents == 2

    monkeypatch.setattr(updater.Updater, "file_done", real_file_done)
    rerun = CliRunner().invoke(cli, args)
    assert (rerun.exit_code, re.sub(r"\(\d+\.\d s\)", "(N s)", rerun.stdout)) == (
        0,
        "3 added, 0 updated, 2 unchanged, 0 removed, 0 skipped (N s)\n",
    )


def test_ctrl_c_before_any_commit_reports_nothing_added(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")

    def interrupt(done, total):
        if done == 4:
            raise KeyboardInterrupt

    with Index.create(tmp_path / "index") as index:
        report = index.update([tmp_path / "seeds"], jobs=1, progress=interrupt)
        assert (report.interrupted, report.added, report.files_left) == (True, 0, 5)
        assert index.stats().documents == 0
