"""Files → observations → store, as one call: parse every file first, refuse them all if any
row is rejected (unless ``skip_invalid``), then hand the batches to the store in one
transaction. Nothing here prints; the CLI renders :class:`IngestResult`.

Each file goes through the stages in order (:func:`parse_file`), each taking one thing and
handing on the next:

1. **sniff** (:mod:`~mktplan.ingest.sniff`): bytes → :class:`Dialect` (format, encoding,
   delimiter or sheet, the header's line, the table);
2. **layout** (:mod:`~mktplan.ingest.layout`): header + plan → :class:`Layout`;
3. **read** (:func:`~mktplan.ingest.readers.read_columns` and :mod:`~mktplan.ingest.read`:
   ``csv_arrow``, ``csv_pandas``, ``xlsx``, ``parquet``): blocks of columns with file line
   numbers;
4. **cells** (:mod:`~mktplan.ingest.cells`): text → exact micro-units and dates;
5. **map** (:mod:`~mktplan.ingest.mapping`): columns → KPI values, rejects returned;
6. **combine** (:mod:`~mktplan.ingest.combine`): to the plan's grain, block by block;

then **store**: every file's batch in one transaction (:func:`ingest_files`). Stages 3–6 run
block by block inside :func:`~mktplan.ingest.combine.map_table`, so memory holds a few
blocks, never the file."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mktplan.errors import IngestError
from mktplan.i18n import msg
from mktplan.ingest.combine import map_table
from mktplan.ingest.layout import choose_layout, source_fits
from mktplan.ingest.mapping import Layout, MappedFile, RejectedRow
from mktplan.ingest.read import NotStreamable
from mktplan.ingest.read.parquet import PARQUET_MAGIC
from mktplan.ingest.readers import ZIP_MAGIC, binary_error
from mktplan.ingest.rejects import (
    check_rejects_target,
    earlier_rejects,
    rejects_path,
    write_rejects,
)
from mktplan.ingest.scan import FileScan, FileScans, NulRun, Unreadable, scan_file
from mktplan.ingest.sniff import Dialect, sniff
from mktplan.plan.model import Plan
from mktplan.store.locate import mask_command
from mktplan.store.records import InputProblem, storable_text, with_part

if TYPE_CHECKING:
    from mktplan.store import FileBatch, IngestOutcome, StoreLocation

# Progress callback: (file name, files done, files in all).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ParsedFile:
    """One input file parsed against a plan: its observations and its rejected rows."""

    path: Path
    sha256: str  # of the file's bytes
    mapped: MappedFile
    streamed: bool = False  # read from a pipe or device: no folder to write rejects beside

    @property
    def name(self) -> str:
        return str(self.path)

    def batch(self, rates: frozenset[str] = frozenset()) -> FileBatch:
        """The file for the store; ``rates``: the plan's measured rate KPIs (see FileBatch)."""
        from mktplan.store import FileBatch

        return FileBatch(
            name=storable_text(self.name),
            sha256=self.sha256,
            source=self.mapped.layout,
            config_digest=self.mapped.config_digest,
            rows_read=self.mapped.rows_read,
            rows=self.mapped.rows,
            skipped=self.mapped.skipped,
            rates=rates,
        )


@dataclass(frozen=True)
class IngestResult:
    """What an ingest call did: the store's outcome, rejected rows per file (only with
    ``skip_invalid``), the rejects files written, and the store used."""

    outcome: IngestOutcome
    files: tuple[ParsedFile, ...]
    rejects_files: tuple[Path, ...]
    store: StoreLocation  # str() shows it without a password
    # rejects files of earlier ingests beside files this one stored without a rejected row
    earlier_rejects: tuple[Path, ...] = ()

    @property
    def rejected_rows(self) -> int:
        return sum(f.mapped.rejected_rows for f in self.files)


def scanned(path: Path, name: str, *, text: bool, scan: Future[FileScan] | None = None) -> FileScan:
    """The file's scan (:mod:`~mktplan.ingest.scan`): ``scan``'s, taken beside the work
    before, or read here. A CSV with NUL padding or binary data is refused here, before
    anything parses its rows."""
    try:
        found = scan_file(path) if scan is None else scan.result()
    except Unreadable as exc:
        raise IngestError(
            msg("ingest.cannot_read_file", why=exc.why),
            file=name,
            hint=msg("ingest.cannot_read_file.hint"),
        ) from None
    if text and found.nul_offset is not None:
        raise binary_error(name, found.nul_offset, b"")
    return found


# A pipe or device given as an export (`cat week.csv | mktplan ingest plan /dev/stdin`) is
# copied once to a temporary file, up to this size, and read from there.
MAX_STREAM_BYTES = 2 << 30


def copy_stream(path: Path, folder: Path) -> Path | None:
    """A pipe's or device's bytes copied into ``folder``, or None for a regular file (read
    where it is). A stream can be read only once, while the pipeline reads a file several
    times (sniff, hash, body); binary junk (/dev/zero) stops the copy at its first block."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # read_header says what is wrong with it
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    try:
        with path.open("rb") as source:
            first = source.read(1 << 20)
            binary = first.startswith((ZIP_MAGIC, PARQUET_MAGIC))
            if not binary and (found := NulRun().feed(first)) is not None:
                raise binary_error(str(path), found, first)
            # a workbook streamed in keeps its format: read it as .xlsx whatever its name
            suffix = (
                ".xlsx"
                if first.startswith(ZIP_MAGIC)
                else ".parquet"
                if first.startswith(PARQUET_MAGIC)
                else path.suffix
            )
            copy = folder / f"stream-{len(list(folder.iterdir()))}{suffix}"
            with copy.open("wb") as target:
                size = 0
                chunk = first
                while chunk:
                    size += len(chunk)
                    if size > MAX_STREAM_BYTES:
                        raise IngestError(
                            msg("ingest.stream_too_long", max=f"{MAX_STREAM_BYTES:,}"),
                            file=str(path),
                            hint=msg("ingest.stream_too_long.hint"),
                        )
                    target.write(chunk)
                    chunk = source.read(1 << 20)
    except OSError as exc:
        raise IngestError(
            msg("ingest.stream_unreadable", why=str(exc.strerror or exc)), file=str(path)
        ) from None
    return copy


def ingest_digest(mapping_digest: str, dialect: Dialect) -> str:
    """The identity of an ingest besides the file's bytes: the mapping (source with all its
    reading options, KPI definitions) and how the bytes were read (encoding, delimiter, sheet,
    the header's line and the table chosen). Another --sheet or --encoding reads other rows
    from the same bytes, so it is never "already ingested". The sheet and table are named
    apart too (:func:`~mktplan.store.records.with_part`): another sheet or table of the same
    bytes is other data, while another reading of the same sheet or table is refused as long
    as the earlier one's values are stored (see :func:`~mktplan.store.upsert.other_reads`)."""

    reading = dialect.reading()
    document = {"mapping": mapping_digest, **reading}
    text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    part = ""
    if reading["sheet"] or reading["table"]:
        named = json.dumps([reading["sheet"], reading["table"]], ensure_ascii=False)
        part = hashlib.sha256(named.encode("utf-8")).hexdigest()[:16]
    return with_part(digest, part)


# Asks the store whether (sha256, config digest) was ingested for this plan before.
KnownFile = Callable[[str, str], bool]


def parse_file(
    plan: Plan,
    path: Path,
    *,
    source: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    known: KnownFile | None = None,
    copy: Path | None = None,
    scan: Future[FileScan] | None = None,
) -> ParsedFile:
    """Read and map one export. ``encoding``/``sheet`` override the source's settings. When
    ``known`` says the store already holds these bytes under this mapping, the rows are not
    parsed at all: re-ingesting a file changes nothing, so it should cost next to nothing.
    ``copy`` holds the bytes when ``path`` is a pipe (see :func:`copy_stream`); ``scan``
    their scan when :class:`~mktplan.ingest.scan.FileScans` is taking it already."""
    source_config = plan.sources.get(source) if source else None
    bytes_at = copy or path
    streamed = copy is not None
    # sniff: bytes → where the table is and how to read it
    dialect = sniff(
        bytes_at,
        source_config,
        encoding=encoding or (source_config.encoding if source_config else None),
        sheet=sheet or (source_config.sheet if source_config else None),
        name=str(path) if streamed else None,
    )

    # layout: header + plan → which columns mean what
    def fitting() -> list[str]:  # no source given, not long format: which source would do
        return sources_fitting(
            plan, bytes_at, encoding=encoding, sheet=sheet, name=dialect.header.file
        )

    layout = choose_layout(plan, dialect, source, fitting)
    # identity: the bytes' hash and the reading's digest; known ones are not read again
    digest = ingest_digest(layout.digest(plan), dialect)
    text, file = dialect.header.text, dialect.header.file
    skipped = MappedFile(layout.name, 0, (), (), 0, digest)
    blocks_tried = False
    if scan is not None and not scan.done() and _size(bytes_at) >= BESIDE_SCAN_BYTES:
        beside = _read_beside_scan(plan, dialect, layout, digest, scan, known)
        if beside is not None:
            found, mapped = beside
            return ParsedFile(path, found.sha256, mapped or skipped, streamed)
        blocks_tried = True  # and given up: read whole
    found = scanned(bytes_at, file, text=text, scan=scan)
    sha256, quotes = found.sha256, found.quotes
    if known is not None and known(sha256, digest):
        return ParsedFile(path, sha256, skipped, streamed)
    # read → cells → map → combine, block by block
    mapped = map_table(plan, dialect, layout, digest, quotes, stream=not blocks_tried)
    return ParsedFile(path, sha256, mapped, streamed)


def sources_fitting(
    plan: Plan, path: Path, *, encoding: str | None, sheet: str | None, name: str
) -> list[str]:
    """The plan's sources whose columns the file holds, each sniffing for its own header (it
    may lie below titles, or in one of several tables): what to suggest for a file given
    without ``--source``. A source under which the file cannot be read does not fit."""
    found = []
    for source_name, config in plan.sources.items():
        try:
            dialect = sniff(
                path,
                config,
                encoding=encoding or config.encoding,
                sheet=sheet or config.sheet,
                name=name,
            )
        except IngestError:
            continue
        if source_fits(config, dialect):
            found.append(source_name)
    return found


# Exports at least this big are read beside their scan when it is still running (a big export:
# the scan outlasted the set-up). A smaller one waits for it, a few hundredths of a second at
# most, so that a file the store holds is never parsed, whatever the thread timing.
BESIDE_SCAN_BYTES = 1 << 26


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the scan says why


class _Known(Exception):
    """The store holds the file being read (found once its scan finished)."""


def _read_beside_scan(
    plan: Plan,
    dialect: Dialect,
    layout: Layout,
    digest: str,
    scan: Future[FileScan],
    known: KnownFile | None,
) -> tuple[FileScan, MappedFile | None] | None:
    """Read a file's rows block by block while its scan is still running, and its scan: the
    mapped file, or None when the store turned out to hold it (the read stops at the next
    block once the scan has finished). None instead of the pair when the file cannot be read
    block by block: it is read whole once its scan is done, as any file.

    A big export's hash outlasts the imports and the plan it is taken beside (1.17 GB take
    1.4 s of one core here), and its rows used to wait for it: a second of one idle core at 20M
    rows. The block reader needs nothing of the scan (it finds quotes piece by piece), and
    nothing is written before both are done: NUL padding found by the scan still refuses the
    file (a block reader stops on such bytes, and the whole read waits for the scan)."""
    header = dialect.header
    done: list[FileScan] = []

    def check(*, wait: bool) -> None:
        if done or not (wait or scan.done()):
            return
        done.append(scanned(header.readable, header.file, text=header.text, scan=scan))
        if known is not None and known(done[0].sha256, digest):
            raise _Known

    try:
        mapped = map_table(
            plan, dialect, layout, digest, whole=False, between=lambda: check(wait=False)
        )
        check(wait=True)  # the rest of the scan
    except NotStreamable:
        return None
    except _Known:
        return done[0], None
    return done[0], mapped


def rejection_error(files: Sequence[ParsedFile]) -> IngestError:
    """One error carrying every rejected row of every file as findings."""
    rows = [r for f in files for r in f.mapped.rejects]
    lines = sum(f.mapped.rejected_rows for f in files)
    bad_files = [f.name for f in files if f.mapped.rejects]
    return IngestError(
        msg("ingest.rows_rejected", rows=lines, files=", ".join(bad_files)),
        file=bad_files[0] if len(bad_files) == 1 else None,
        # --skip-invalid stores the good cells: not worth saying when there are none
        hint=msg(
            "ingest.rows_rejected.hint"
            if any(f.mapped.rows for f in files)
            else "ingest.rows_rejected_all.hint"
        ),
        findings=[r.as_finding() for r in rows],
    )


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: ingest makes many small objects and no cycles, so
    its passes would only rescan them and the plan (0.06 s of a 1M-row ingest)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_files(
    plan: Plan,
    files: Sequence[Path],
    *,
    store: StoreLocation | None,
    lock_timeout: float,
    source: str | None,
    encoding: str | None,
    sheet: str | None,
    progress: Progress | None,
    scans: FileScans,
) -> list[ParsedFile]:
    """Parse every file; ``store``, when given, is asked file by file whether it holds the
    file already (then its rows are not even parsed)."""
    existing = store.open(lock_timeout=lock_timeout) if store is not None else None
    known: KnownFile | None = None
    if existing is not None:
        plan_id = plan.plan.id
        store_seen = existing

        def known(sha256: str, digest: str) -> bool:
            return store_seen.already_ingested(plan_id, sha256, digest)

    parsed: list[ParsedFile] = []
    try:
        with tempfile.TemporaryDirectory(prefix="mktplan-stream-") as streams:
            for i, path in enumerate(files):
                if progress is not None:
                    progress(str(path), i, len(files))
                copy = copy_stream(path, Path(streams))
                parsed.append(
                    parse_file(
                        plan,
                        path,
                        source=source,
                        encoding=encoding,
                        sheet=sheet,
                        known=known,
                        copy=copy,
                        scan=scans.of(path) if copy is None else None,
                    )
                )
                if copy is not None:
                    copy.unlink()
    finally:
        if existing is not None:
            existing.close()
    if progress is not None:
        progress("", len(files), len(files))
    return parsed


def _write_rejects_files(parsed: Sequence[ParsedFile]) -> list[Path]:
    """Each file's rejected rows into its rejects file; the files written. Files whose
    rejects file is the same (week.csv and week.xlsx: week.rejects.csv) share it, each row
    naming its file, so one never overwrites the other's."""
    by_target: dict[Path, tuple[Path, list[RejectedRow]]] = {}
    inputs = frozenset(Path(os.path.realpath(f.path)) for f in parsed if not f.streamed)
    for f in parsed:
        if f.mapped.rejects:
            if f.streamed:
                raise IngestError(
                    msg("ingest.rejects_in_pipe"),
                    file=f.name,
                    hint=msg("ingest.rejects_in_pipe.hint"),
                )
            target = rejects_path(f.path)
            key = Path(os.path.realpath(target))
            by_target.setdefault(key, (target, []))[1].extend(f.mapped.rejects)
    for target, _ in by_target.values():  # every target before the first is written
        check_rejects_target(target, inputs)
    for target, rejects in by_target.values():
        write_rejects(target, rejects)
    return [target for target, _ in by_target.values()]


@_no_cyclic_gc()
def ingest_files(
    plan_path: Path,
    files: Sequence[Path],
    *,
    store: str | Path | None = None,
    source: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    log_refusal: bool = False,
    lock_timeout: float = 600.0,
    command: str = "",
    progress: Progress | None = None,
    force: bool = False,
) -> IngestResult:
    """Ingest ``files`` into the store of ``plan_path`` as one transaction.

    Raises :class:`IngestError` (with every rejected row as findings) when a row is bad and
    ``skip_invalid`` is off; the store is left as it was, or with ``log_refusal`` (cron) gets
    the refusal's log entry for the report's data-quality banner (counts and codes, no
    values). With ``dry_run`` the store reports what would change and nothing is written,
    rejects files included.
    """
    from mktplan.plan.cache import load_plan
    from mktplan.store import resolve_store

    location = resolve_store(store, plan_path)
    created = _NewStore(location, dry_run)
    try:
        with ExitStack() as stack:
            scans = stack.enter_context(FileScans(files))  # beside everything below
            plan = load_plan(plan_path, remember=not dry_run)
            target = location
            if dry_run:  # a dry run writes nothing: the store says where it may ingest instead
                scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
                target = location.for_dry_run(scratch, lock_timeout=lock_timeout)
            parsed = _parse_files(
                plan,
                files,
                store=target if target.exists() and not force else None,
                lock_timeout=lock_timeout,
                source=source,
                encoding=encoding,
                sheet=sheet,
                progress=progress,
                scans=scans,
            )
            if not skip_invalid and any(f.mapped.rejects for f in parsed):
                if log_refusal and not dry_run and location.exists():  # and creates no store
                    _log_refusal(location, plan.plan.id, parsed, lock_timeout)
                raise rejection_error(parsed)
            from mktplan.bi_snapshot import plan_definition

            written: list[Path] = []

            def write_rejects() -> None:
                # before the commit: rows stored while their rejects are lost would never be
                # listed again, as a re-run finds the file already ingested; and after the lock
                # is taken: a store that cannot be used judges nothing
                written.extend(_write_rejects_files(parsed))

            rates = _rates(plan)
            opened = stack.enter_context(target.open(lock_timeout=lock_timeout))
            try:
                outcome = opened.ingest(
                    plan.plan.id,
                    [f.batch(rates) for f in parsed],
                    dry_run=dry_run,
                    command=storable_text(mask_command(command)),  # no --store URL's password
                    force=force,
                    skipped=input_problems(parsed, "skipped"),
                    definition=plan_definition(plan),  # what BI views name the KPIs by, at ingest
                    before_commit=write_rejects,
                )
            except Exception:  # not committed: the rejects of an ingest that did not happen go
                for path in written:  # (an interrupt may come after the commit: they stay)
                    path.unlink(missing_ok=True)
                raise
            earlier = () if dry_run else _earlier_rejects(parsed, written, outcome)
        return IngestResult(outcome, tuple(parsed), tuple(written), location, earlier)
    except Exception:
        created.remove_if_unused()
        raise


def _earlier_rejects(
    parsed: Sequence[ParsedFile], written: list[Path], outcome: IngestOutcome
) -> tuple[Path, ...]:
    """The rejects files an earlier ``--skip-invalid`` left beside files this ingest read and
    stored without a rejected row: the ingest says so, as their rows may be stored now (or,
    for another plan, not); it never removes them (see
    :func:`~mktplan.ingest.rejects.earlier_rejects`)."""
    read = {f.name for f in outcome.files if not f.already_ingested}
    clean = {f.name for f in parsed if not f.mapped.rejects and not f.streamed and f.name in read}
    kept = {Path(os.path.realpath(p)) for p in written}
    found: dict[Path, None] = {}
    for f in parsed:
        target = rejects_path(f.path)
        ours = Path(os.path.realpath(target)) in kept
        if f.name in clean and not ours and earlier_rejects(target, f.name):
            found[target] = None
    return tuple(found)


def _rates(plan: Plan) -> frozenset[str]:
    """The plan's measured KPIs that are rates (see FileBatch.rates)."""
    from mktplan.plan.refs import kpi_refs

    return frozenset(
        qid for qid, ref in kpi_refs(plan).items() if ref.kpi.is_rate and ref.kpi.formula is None
    )


class _NewStore:
    """A SQLite store this call may create: one that a refused ingest created is removed
    again (with its folder, when made for it), so a refusal leaves no store behind where
    there was none. Only while it holds no run: another process may have ingested into it
    since."""

    def __init__(self, location: StoreLocation, dry_run: bool) -> None:
        from mktplan.store.locate import SqliteLocation

        self.store: SqliteLocation | None = None
        self.folders: list[Path] = []  # the folders made for it, the innermost first
        if dry_run or not isinstance(location, SqliteLocation) or os.path.lexists(location.path):
            return
        self.store = location
        self.folders = [p for p in location.path.parents if not p.exists()]

    def remove_if_unused(self) -> None:
        import sqlite3

        if self.store is None or not self.store.path.is_file():
            return
        try:
            with closing(sqlite3.connect(self.store.path, timeout=0)) as conn:
                conn.execute("BEGIN IMMEDIATE")  # no ingest writes into it meanwhile
                if conn.execute("SELECT count(*) FROM ingest_run").fetchone()[0]:
                    return
                for name in self.store.files():
                    name.unlink(missing_ok=True)
        except (sqlite3.Error, OSError):
            return  # in use, or not ours to remove: left as it is
        for folder in self.folders:
            with suppress(OSError):  # not empty: something else is in it
                folder.rmdir()


def _log_refusal(
    location: StoreLocation, plan_id: str, parsed: Sequence[ParsedFile], lock_timeout: float
) -> None:
    """Log the refused files for the report's data-quality banner; a store that cannot be
    opened (a folder in its place, a server down) logs nothing: the rejection is what the
    user must see."""
    from mktplan.errors import StoreError

    try:
        with location.open(lock_timeout=lock_timeout) as log:
            log.record_problems(plan_id, input_problems(parsed, "refused"))
    except StoreError:
        pass


def input_problems(files: Sequence[ParsedFile], kind: str) -> list[InputProblem]:
    """The files with rejected rows as log entries: counts and finding codes, no values."""
    return [
        InputProblem(
            file=storable_text(f.name),
            source=f.mapped.layout,
            kind=kind,
            reason=",".join(sorted({r.as_finding().code for r in f.mapped.rejects})),
            rows=f.mapped.rejected_rows,
            sha256=f.sha256,
        )
        for f in files
        if f.mapped.rejects
    ]
