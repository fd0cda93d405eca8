"""Where indexing time goes: milliseconds per document for each stage of the pipeline.

    python bench/pipeline_stages.py                          # the BBC corpus in ../shared
    python bench/pipeline_stages.py --shared /path/to/shared

The breakdown is of the real code path: ``Index.create`` then ``Index.update(files, jobs=1)``,
which extracts and indexes every file in this process through the inline ``SegmentBuilder``.
Library functions are wrapped, for the run only, by timers that charge each moment to the
innermost stage running, so no time is counted twice and the stages plus "not in a stage"
add up to the end-to-end figure exactly. The stages are:

- **read**: ``pipeline.extract_file``'s own work (``_read``: stat, open and read the bytes;
  the sha1 content hash) and the decoding of those bytes to text (``encoding.decode`` as
  ``formats.read_file`` calls it; ``html.decode_markup`` for a page);
- **parse**: ``formats.read_file`` without its decoding: plain text and front matter into a
  RawArticle, HTML main-text extraction (``html.parse_html``), JSON records;
- **language**: ``documents._language``: declared language, else ``detect_language``
  (langdetect on the first 1,000 characters), else the page's lang attribute;
- **entities**: ``documents.build_document`` without ``_language``: date, source type,
  actors, countries, and the Document itself;
- **index**: ``SegmentBuilder.index`` without ``extract_file`` (``document_fields`` and
  Whoosh's ``add_document``, which analyses the text into the posting pool), and
  ``Updater.commit`` and ``Updater.finish`` (the segment's finalize, the table of contents,
  fsync of the index files, the manifest).

"Not in a stage" is ``run_update``'s own bookkeeping: loading the config and manifest,
checking the paths, planning the units, and recording each file in the manifest.

Times are ``time.process_time()``: CPU seconds of this process, user and system. Every stage
is CPU-bound Python, and CPU time is what another machine's run can be compared to; wall
time on a shared machine also counts other processes' turns on the core. Waits for the disk
(a cold file, fsync) are therefore not counted: on a cold cache ``read`` is understated.

Before the measured run a short warm-up (``warmup`` files into a scratch index) pays the
one-off costs: importing searchkit and Whoosh, the lazy imports inside the extractors, the
langdetect profiles and the actor lexicon. Start-up is the import time plus what the warm-up
cost beyond its documents at the measured per-document rate. Figures are printed, never
asserted; compare stages within one run rather than absolute figures across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

STAGES = ("read", "parse", "language", "entities", "index")
OUTSIDE = "not in a stage"
#: The sum of the stages should be at least this share of the end-to-end figure.
MIN_COVERED = 0.85


@dataclass(frozen=True)
class StageFigures:
    """Milliseconds per document of each stage, and of the whole run they were taken from."""

    documents: int
    startup_ms: float
    per_doc_ms: dict[str, float]  # keys: STAGES
    total_ms_per_doc: float

    @property
    def covered_ms_per_doc(self) -> float:
        return sum(self.per_doc_ms.values())

    @property
    def outside_ms_per_doc(self) -> float:
        return self.total_ms_per_doc - self.covered_ms_per_doc


class StageClock:
    """CPU time charged to the innermost stage running; time in no stage goes to OUTSIDE."""

    def __init__(self, clock: Callable[[], float] = time.process_time):
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.spent = dict.fromkeys((*STAGES, OUTSIDE), 0.0)
        self._stack = [OUTSIDE]
        self._since = self.clock()

    def total(self) -> float:
        """Seconds since ``reset``, every one of them charged to a stage or to OUTSIDE."""
        self._charge()
        return sum(self.spent.values())

    def _charge(self) -> None:
        now = self.clock()
        self.spent[self._stack[-1]] += now - self._since
        self._since = now

    def enter(self, stage: str) -> None:
        self._charge()
        self._stack.append(stage)

    def leave(self) -> None:
        self._charge()
        self._stack.pop()

    def timed(self, stage: str, function: Callable) -> Callable:
        """``function``, with its time (less that of timed callees) charged to ``stage``."""

        def timed_call(*args, **kwargs):
            self.enter(stage)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        return timed_call

    def timed_iter(self, stage: str, function: Callable[..., Iterator]) -> Callable:
        """The same for a generator function: each step of the iterator is timed, not the
        caller's work between two steps."""

        def timed_steps(*args, **kwargs):
            items = function(*args, **kwargs)
            while True:
                self.enter(stage)
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.leave()
                yield item

        return timed_steps


@contextlib.contextmanager
def stage_timers(clock: StageClock) -> Iterator[None]:
    """Wrap the pipeline's functions where their callers look them up; see the module
    docstring for which function is in which stage."""
    from searchkit.engine import segments, updater
    from searchkit.extract import documents, encoding, formats, html, pipeline

    wrapped = [
        (segments, "extract_file", clock.timed("read", pipeline.extract_file)),
        (formats, "decode", clock.timed("read", encoding.decode)),
        (html, "decode_markup", clock.timed("read", html.decode_markup)),
        (pipeline, "read_file", clock.timed_iter("parse", formats.read_file)),
        (documents, "_language", clock.timed("language", documents._language)),
        (pipeline, "build_document", clock.timed("entities", documents.build_document)),
        (segments.SegmentBuilder, "index", clock.timed("index", segments.SegmentBuilder.index)),
        (updater.Updater, "commit", clock.timed("index", updater.Updater.commit)),
        (updater.Updater, "finish", clock.timed("index", updater.Updater.finish)),
    ]
    with contextlib.ExitStack() as stack:
        for owner, name, timed in wrapped:
            stack.enter_context(mock.patch.object(owner, name, timed))
        yield


def _indexed(clock: StageClock, files: Sequence[Path], index_dir: Path) -> tuple[int, float]:
    """Index ``files`` into a new index at ``index_dir``; (documents, CPU seconds)."""
    from searchkit import Index

    index = Index.create(index_dir)
    try:
        with stage_timers(clock):
            clock.reset()
            report = index.update(files, jobs=1)
            seconds = clock.total()
    finally:
        index.close()
    if report.skipped:
        first = report.skipped[0]
        print(f"{len(report.skipped)} files skipped, e.g. {first.path}: {first.reason}")
    return report.added + report.updated, seconds


def stage_breakdown(files: Sequence[Path], index_dir: Path, warmup: int = 20) -> StageFigures:
    """Index ``files`` into ``index_dir`` in this process and time each stage; see the
    module docstring."""
    started = time.process_time()
    # Importing searchkit, Whoosh and BeautifulSoup is start-up.
    import searchkit.engine.updater
    import searchkit.extract.html  # noqa: F401

    import_seconds = time.process_time() - started

    clock = StageClock()
    warm_docs, warm_seconds = 0, 0.0
    if warmup > 0 and files:
        with tempfile.TemporaryDirectory(prefix="searchkit-warmup-") as scratch:
            warm_docs, warm_seconds = _indexed(clock, files[:warmup], Path(scratch))

    documents, seconds = _indexed(clock, files, index_dir)
    per_doc = 1000 / documents if documents else 0.0
    total_ms_per_doc = seconds * per_doc
    startup_ms = 1000 * import_seconds + max(
        0.0, 1000 * warm_seconds - warm_docs * total_ms_per_doc
    )
    return StageFigures(
        documents=documents,
        startup_ms=startup_ms,
        per_doc_ms={stage: clock.spent[stage] * per_doc for stage in STAGES},
        total_ms_per_doc=total_ms_per_doc,
    )


def bbc_files(shared: Path) -> list[Path]:
    """The BBC articles: ``<category>/*.txt`` (not bbc/README.TXT, which is not one)."""
    root = shared / "data" / "bbc_news" / "bbc"
    return sorted(root.glob("*/*.txt")) if root.is_dir() else []


def markdown_table(figures: StageFigures) -> str:
    total = figures.total_ms_per_doc or 1.0
    rows = [(stage, figures.per_doc_ms[stage]) for stage in STAGES]
    rows += [
        ("sum of stages", figures.covered_ms_per_doc),
        (OUTSIDE, figures.outside_ms_per_doc),
        ("end to end", figures.total_ms_per_doc),
    ]
    lines = ["| stage | ms/doc | share |", "|---|---:|---:|"]
    lines += [f"| {name} | {ms:.3f} | {ms / total:.1%} |" for name, ms in rows]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared material folder (default: ../shared beside the repository)",
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="files indexed before measuring (default: 20)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    files = bbc_files(args.shared)
    if not files:
        print(f"skipping the BBC corpus: {args.shared / 'data' / 'bbc_news' / 'bbc'} not found")
        return 0
    with tempfile.TemporaryDirectory(prefix="searchkit-stages-") as index_dir:
        figures = stage_breakdown(files, Path(index_dir), warmup=args.warmup)
    print(f"BBC corpus: {figures.documents} documents, one process, CPU time")
    print()
    print(markdown_table(figures))
    print()
    print(f"start-up (imports, langdetect profiles, lexicons): {figures.startup_ms:.0f} ms")
    covered = figures.covered_ms_per_doc / (figures.total_ms_per_doc or 1.0)
    if covered < MIN_COVERED:
        print(f"note: the stages cover only {covered:.0%} of the end-to-end time")
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
