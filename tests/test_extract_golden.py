"""Extraction golden files: each input in tests/data/extract beside its .expected.json.

The expected file holds what `searchkit extract --json` would print for the input's
documents (path relative to this folder), plus the skipped records. After an intended
change of extraction, regenerate with: SEARCHKIT_UPDATE_GOLDEN=1 pytest tests/test_extract_golden.py
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from searchkit.config import ExtractConfig
from searchkit.extract.pipeline import extract_file

GOLDEN = Path(__file__).parent / "data" / "extract"
INPUTS = sorted(p for p in GOLDEN.iterdir() if not p.name.endswith(".expected.json"))


def observed(path: Path) -> dict:
    result = extract_file(str(path), ExtractConfig())
    documents = []
    for doc in result.documents:
        data = doc.to_dict()
        data.pop("evidence")
        data.pop("id")  # derived from the absolute path, which differs per checkout
        data["path"] = path.name
        documents.append(data)
    skipped = [{"path": Path(s.path).name, "reason": s.reason} for s in result.skipped]
    return {"documents": documents, "skipped": skipped}


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_extraction_matches_golden_file(path):
    expected_file = path.with_name(path.name + ".expected.json")
    got = observed(path)
    if os.environ.get("SEARCHKIT_UPDATE_GOLDEN") or not expected_file.exists():
        expected_file.write_text(
            json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))
