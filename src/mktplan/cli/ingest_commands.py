"""`mktplan ingest` and `mktplan log`: exports into the store, and the record of ingest runs."""

from __future__ import annotations

import dataclasses
import json
import shlex
import sys
import textwrap
from contextlib import AbstractContextManager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mktplan.cli import app
from mktplan.cli.options import (
    LangChoice,
    check_lock_timeout,
    choose_lang,
    declared_lang,
    lang_option,
)
from mktplan.cli.output import (
    console,
    error_console,
    format_error,
    format_finding,
    speak,
    spoken,
    stdout_is_terminal,
    write_stdout,
)
from mktplan.errors import EXIT_INVALID, EXIT_OK, Finding, IngestError, UsageError, shorten
from mktplan.i18n import Msg, message, msg

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mktplan.ingest.pipeline import IngestResult, Progress
    from mktplan.store import FileOutcome, IngestRun
    from mktplan.store.records import SkippedRows

MAX_LISTED = 50  # rejected rows printed; the total is always given
PROGRESS_BYTES = 20 << 20  # files this large get a progress bar on a terminal


class LogFormat(StrEnum):
    text = "text"
    json = "json"


def _progress_bar(
    files: list[Path], lang: str
) -> tuple[Progress | None, AbstractContextManager[object]]:
    """A rich progress bar over the files when on a terminal and the input is large; else no
    callback and a context that does nothing."""
    try:
        total = sum(p.stat().st_size for p in files if p.is_file())
    except OSError:
        return None, nullcontext()
    if not stdout_is_terminal() or total < PROGRESS_BYTES:
        return None, nullcontext()
    from rich.progress import Progress as RichProgress

    bar = RichProgress(transient=True, console=console())
    task = bar.add_task(message("ingest.reading", lang, name="").rstrip(), total=len(files))

    def advance(name: str, done: int, count: int) -> None:
        description = message("ingest.reading", lang, name=name)
        bar.update(task, completed=done, total=count, description=description)

    return advance, bar


KPIS_NAMED = 12  # KPI ids named per file in the summary


def _file_line(f: FileOutcome, lang: str = "en") -> str:
    """One file's outcome in ``lang``: rows read, new/changed/unchanged, dates, KPIs."""
    if f.already_ingested:
        return message("ingest.already_ingested", lang, name=f.name)
    span = f"{f.first_date} … {f.last_date}" if f.first_date else message("ingest.no_dates", lang)
    kpis = len(f.kpis)
    named = ", ".join(f.kpis[:KPIS_NAMED])
    if kpis > KPIS_NAMED:  # a file of thousands of KPIs must not print a wall of ids
        named += message("ingest.more_kpis", lang, n=kpis - KPIS_NAMED)
    line = message(
        "ingest.file_line",
        lang,
        name=f.name,
        source=f.source,
        rows=f.rows_read,
        new=f.new,
        changed=f.changed,
        unchanged=f.unchanged,
        span=span,
        kpis=kpis,
        named=named,
    )
    for skipped in f.skipped[:KPIS_NAMED]:  # totals rows and lines above the header
        where = (
            message("ingest.line", lang, first=skipped.first)
            if skipped.first == skipped.last
            else message("ingest.lines", lang, first=skipped.first, last=skipped.last)
        )
        line += "\n    " + message("ingest.skipped", lang, where=where, reason=skipped.why(lang))
    if len(f.skipped) > KPIS_NAMED:
        line += "\n    " + message("ingest.more_skipped", lang, n=len(f.skipped) - KPIS_NAMED)
    return line


def _print_summary(result: IngestResult, lang: str) -> None:
    out = console()
    for f in result.outcome.files:
        out.print(_file_line(f, lang), markup=False)
    if result.rejected_rows:
        where = ", ".join(map(str, result.rejects_files))
        out.print(
            message("ingest.rejected_skipped", lang, rows=result.rejected_rows, where=where)
            if where
            else message("ingest.rejected_skipped_dry", lang, rows=result.rejected_rows),
            markup=False,
        )
    for path in result.earlier_rejects:
        out.print(message("ingest.earlier_rejects", lang, path=str(path)), markup=False)
    if result.outcome.dry_run:
        out.print(message("ingest.dry_run", lang, store=str(result.store)), markup=False)
    else:
        out.print(
            message("ingest.stored", lang, run=result.outcome.run_id, store=str(result.store)),
            markup=False,
        )


def _print_rejections(exc: IngestError) -> None:
    err = error_console()
    runs = _runs(exc.findings)
    for finding, through, rows in runs[:MAX_LISTED]:
        err.print(format_finding(finding, through=through, rows=rows), soft_wrap=True)
    hidden = sum(rows for _, _, rows in runs[MAX_LISTED:])
    if hidden > 0:
        err.print(message("ingest.more_problems", spoken(), n=hidden), markup=False)
    err.print(format_error(exc), soft_wrap=True)


def _runs(findings: Sequence[Finding]) -> list[tuple[Finding, int | None, int]]:
    """The findings with the same problem on consecutive rows said once: (the first, the
    last row's line, how many rows). A year-grouped export refused on each of its 97 rows
    for the same '2024' is one line, not 50 and "47 more"; dates on consecutive lines refused
    for a reason of their whole column with different texts ('0000' … '0027', GA4's "Nth
    day"; a month outside the plan) are one line naming the first and the last text."""
    runs: list[tuple[Finding, int | None, int]] = []
    for finding in findings:
        if runs:
            first, last, rows = runs[-1]
            if last is not None and finding.line is not None and finding.line > last:
                if dataclasses.replace(finding, line=first.line) == first:
                    runs[-1] = (first, finding.line, rows + 1)
                    continue
                consecutive = finding.line == last + 1  # different texts: a span without gaps
                why = _cell_reason(finding) if consecutive else None
                if why is not None and why == _cell_reason(first):
                    runs[-1] = (_cells_between(first, finding), finding.line, rows + 1)
                    continue
        runs.append((finding, finding.line, 1))
    return runs


# Reasons that a date column as a whole gives: its rows are refused together, whatever
# each one's text (a bad number or a rate's duplicate rows stay one line each)
_COLUMN_REASONS = frozenset(
    {
        "ingest.date_and_hour",
        "ingest.period_number",
        "ingest.year_not_day",
        "ingest.date_range",
        "ingest.date_incomplete",
        "ingest.date_order_unknown",
        "ingest.date_order_mixed",
        "ingest.date_format_mismatch",
        "ingest.no_year",
        "ingest.year_ambiguous",
        "ingest.outside_period",
    }
)


def _cell_reason(finding: Finding) -> tuple[object, ...] | None:
    """What a finding of a cell refused for its date column's reason says apart from the
    cell's text and line: its place and its reason; None for any other finding."""
    text = finding.text
    if text is None or text.key not in ("ingest.rejected_cell", "ingest.rejected_cells"):
        return None
    why = dict(text.params)["why"]
    if not isinstance(why, Msg) or why.key not in _COLUMN_REASONS:
        return None
    return (finding.file, finding.path, finding.code, finding.severity, finding.hint, why)


def _cell_texts(finding: Finding) -> tuple[object, object, object]:
    """A refused cell's finding (or a run's) as (first text, last text, reason)."""
    assert finding.text is not None
    params = dict(finding.text.params)
    if finding.text.key == "ingest.rejected_cell":
        return params["value"], params["value"], params["why"]
    return params["first"], params["last"], params["why"]


def _cells_between(first: Finding, last: Finding) -> Finding:
    """The finding of a run of refused cells, from the first's text to the last's."""
    start, _, why = _cell_texts(first)
    _, end, _ = _cell_texts(last)
    sentence = msg("ingest.rejected_cells", first=start, last=end, why=why)
    return dataclasses.replace(first, message=sentence.render("en"), text=sentence)


@app.command()
def ingest(
    plan: Path = typer.Argument(
        ..., readable=False, help="The plan YAML file.", show_default=False
    ),
    files: list[Path] = typer.Argument(
        None,
        readable=False,
        help="Export files: CSV (any of , ; TAB) or .xlsx; /dev/stdin or <(...) for a pipe.",
        show_default=False,
    ),
    source: str | None = typer.Option(
        None, "--source", "-s", help="The plan's `sources:` entry that maps a wide export."
    ),
    store: str | None = typer.Option(
        None,
        "--store",
        help="SQLite file or postgresql://user@host:port/dbname (default: $MKTPLAN_STORE, "
        "else .mktplan/store.sqlite beside the plan).",
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Text encoding of CSV files (default: detect utf-8 / gb18030)."
    ),
    sheet: str | None = typer.Option(
        None, "--sheet", help="Sheet of .xlsx files (default: first)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would be new / changed / unchanged; write nothing."
    ),
    skip_invalid: bool = typer.Option(
        False,
        "--skip-invalid",
        help="Store the good rows; write rejected ones to <file>.rejects.csv beside the input.",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help=(
            "Re-apply files ingested before (normally a no-op), e.g. to undo a later "
            "correction; replace what another source, or an earlier reading of the same "
            "bytes, stored for the same keys."
        ),
    ),
    log_refusal: bool = typer.Option(
        False,
        "--log-refusal",
        help="On a refusal, log the file's rejected-row counts in the store for the report's "
        "data-quality banner (cron does); without it a refused ingest leaves the store as it "
        "was.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (cron)."),
    lock_timeout: float = typer.Option(
        600.0, "--lock-timeout", help="Seconds to wait for another ingest holding the store."
    ),
    history: bool = typer.Option(
        False, "--history", help="List the plan's ingest runs instead (same as `mktplan log`)."
    ),
    lang: LangChoice | None = lang_option(),
) -> None:
    """Merge exports into the store: all files in one transaction, or none on a bad row.

    Long format (date,kpi,value[,channel,note,line,ref]) is recognised by its header; wide
    exports go through a plan source with --source. Re-ingesting a file read the same way
    (same --sheet, --encoding, --source) changes nothing; a later value of the same source
    for the same KPI, date, channel, budget line and ref replaces the earlier one.
    Exit 0 stored, 1 rejected rows or unreadable input, 2 usage, 4 the store could not be
    used (locked past --lock-timeout, full, damaged, newer): nothing stored, run again later.

    Example: mktplan ingest plans/2024-06-launch.yaml plans/2024-06-launch.daily.gbk.csv
    --source daily_report
    """
    chosen = speak(choose_lang(lang, declared_lang(plan)))
    if history:
        if files:
            named = ", ".join(str(file) for file in files)
            raise UsageError(
                msg("ingest.history_with_files", files=shorten(named)),
                hint=msg("ingest.history_with_files.hint"),
            )
        _show_log(plan, store, LogFormat.text, chosen)
        return
    if not files:
        raise UsageError(msg("ingest.no_files"), hint=msg("ingest.no_files.hint"))
    check_lock_timeout(lock_timeout)
    if encoding is not None:
        from mktplan.plan.sources import encoding_problem

        if problem := encoding_problem(encoding):
            raise UsageError(problem, hint=msg("ingest.unknown_encoding.hint"))
    from mktplan.ingest.pipeline import ingest_files

    progress, bar = (None, nullcontext()) if quiet else _progress_bar(files, chosen)
    command = shlex.join(["mktplan", "ingest", *sys.argv[2:]]) if len(sys.argv) > 1 else "ingest"
    try:
        with bar:
            result = ingest_files(
                plan,
                files,
                store=store,
                source=source,
                encoding=encoding,
                sheet=sheet,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                log_refusal=log_refusal,
                lock_timeout=lock_timeout,
                command=command,
                progress=progress,
                force=force,
            )
    except IngestError as exc:
        if not exc.findings:
            raise
        _print_rejections(exc)
        raise typer.Exit(EXIT_INVALID) from None
    if not quiet:
        _print_summary(result, chosen)
    raise typer.Exit(EXIT_OK)


def _skipped_document(skipped: SkippedRows) -> dict[str, object]:
    """A skipped line range: the reason in English (stable, like the rejects file), and its
    catalogue code and parameters (null and {} for a reason an older version stored as text)."""
    code, params = skipped.code()
    return {
        "first_line": skipped.first,
        "last_line": skipped.last,
        "reason": skipped.why("en"),
        "code": code,
        "params": params,
    }


def _run_document(run: IngestRun) -> dict[str, object]:
    return {
        "id": run.id,
        "plan": run.plan_id,
        "started_at": run.started_at.isoformat(),
        "command": _masked(run.command),
        "files": [
            {
                "name": f.name,
                "sha256": f.sha256,
                "source": f.source,
                "rows_read": f.rows_read,
                "new": f.new,
                "changed": f.changed,
                "unchanged": f.unchanged,
                "already_ingested": f.already_ingested,
                "first_date": f.first_date.isoformat() if f.first_date else None,
                "last_date": f.last_date.isoformat() if f.last_date else None,
                "kpis": list(f.kpis),
                "skipped": [_skipped_document(s) for s in f.skipped],
            }
            for f in run.files
        ],
    }


def _show_log(plan_path: Path, store: str | None, output_format: LogFormat, lang: str) -> None:
    from mktplan.plan.cache import load_plan
    from mktplan.store import resolve_store

    plan = load_plan(plan_path)
    path = resolve_store(store, plan_path)
    if not path.exists():
        raise IngestError(
            msg("log.no_store"), file=str(path), hint=msg("log.no_store.hint", plan=str(plan_path))
        )
    with path.open() as opened:
        runs = opened.runs(plan.plan.id)
    out = console()
    if output_format is LogFormat.json:
        document = {
            "plan": plan.plan.id,
            "store": str(path),
            "runs": [_run_document(r) for r in runs],
        }
        write_stdout(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return
    if not runs:
        out.print(message("log.no_runs", lang, plan=plan.plan.id, store=str(path)), markup=False)
        return
    for run in runs:
        when = run.started_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        command = _masked(run.command)
        out.print(message("log.run", lang, id=run.id, when=when, command=command), markup=False)
        for f in run.files:
            out.print(textwrap.indent(_file_line(f, lang), "    "), markup=False)


@app.command()
def log(
    plan: Path = typer.Argument(
        ..., readable=False, help="The plan YAML file.", show_default=False
    ),
    store: str | None = typer.Option(
        None, "--store", help="SQLite file or PostgreSQL URI (default: as for ingest)."
    ),
    output_format: LogFormat = typer.Option(
        LogFormat.text, "--format", "-f", help="text (readable) or json."
    ),
    lang: LangChoice | None = lang_option(),
) -> None:
    """List the plan's ingest runs, newest first: when, which files, rows new/changed/unchanged.

    Example: mktplan log plans/2024-06-launch.yaml --format json
    """
    _show_log(plan, store, output_format, speak(choose_lang(lang, declared_lang(plan))))
    raise typer.Exit(EXIT_OK)


def _masked(command: str) -> str:
    """A logged command line as `log` shows it: a store URL's password as *** (ingest
    stores it so; a store written before it did may hold one)."""
    from mktplan.store.locate import mask_command

    return mask_command(command)
