"""Build searchkit/data/languages.json (code -> English name) from scripts/languages.tsv."""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "searchkit" / "data" / "languages.json"


def main() -> None:
    names = {}
    for line in (HERE / "languages.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split("\t")
            names[code] = name
    TARGET.write_text(json.dumps(names, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} languages to {TARGET}")


if __name__ == "__main__":
    main()
