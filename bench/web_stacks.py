"""Import time of the web stacks considered for `searchkit serve`, each in a fresh interpreter.

    python bench/web_stacks.py [--runs 7]

Prints the median and the fastest of ``--runs`` imports per stack, beside a bare interpreter
and searchkit's own app module. A stack that is not installed in this interpreter is listed
as such (the comparison was run in a scratch venv holding flask, fastapi, starlette and
uvicorn). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys

STACKS = {
    "Starlette + uvicorn": ("starlette", "uvicorn"),
    "Flask": ("flask",),
    "FastAPI + uvicorn": ("fastapi", "uvicorn"),
    "searchkit.web.app (Starlette + uvicorn + searchkit)": ("searchkit.web.app", "uvicorn"),
}
PROBE = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"


def import_seconds(modules: tuple[str, ...], runs: int) -> list[float]:
    statement = PROBE.format(", ".join(modules))
    return sorted(
        float(subprocess.run([sys.executable, "-c", statement], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(runs)
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print("| stack | median import | fastest |")
    print("|---|--:|--:|")
    for name, modules in STACKS.items():
        if any(importlib.util.find_spec(m.split(".")[0]) is None for m in modules):
            print(f"| {name} | not installed | |")
            continue
        times = import_seconds(modules, args.runs)
        print(f"| {name} | {statistics.median(times):.3f} s | {times[0]:.3f} s |")


if __name__ == "__main__":
    main()
