"""Shared fixtures: indexes built in tmp paths from the seeds or from generated records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from searchkit import Index
from support import SEEDS


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory) -> Path:
    """An index of the five seed articles, built once per test session."""
    where = tmp_path_factory.mktemp("seeds")
    shutil.copytree(SEEDS, where / "seeds")
    with Index.create(where / "index") as index:
        report = index.update([where / "seeds"], jobs=1)
    assert report.added == 5
    return where / "index"


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target
