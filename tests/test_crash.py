"""Crash safety: SIGKILL during extraction, writing and commit leaves a committed state, and
a rerun finishes with the same documents and facets as a clean build."""

from __future__ import annotations

import random
import shutil

import pytest

from crash_harness import clean_build, documents_by_file, kill_trial, make_corpus


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    clean, seconds = clean_build(tmp_path / "clean", corpus)
    expected = documents_by_file(tmp_path / "clean")
    rng = random.Random(7)
    trials = []
    for n in range(6):
        index_dir = tmp_path / f"ix{n}"
        # Spread the kills over the whole run: start-up, extraction, writing, commits.
        delay = rng.uniform(0.05, seconds * 1.1)
        trials.append(kill_trial(index_dir, corpus, delay, expected, clean))
        shutil.rmtree(index_dir)
    assert [t.problems for t in trials] == [[]] * len(trials), trials
