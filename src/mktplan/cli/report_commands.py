"""`mktplan report`: compute the evaluation of a plan and render it as md, xlsx, json or table."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from mktplan.cli import app
from mktplan.errors import EXIT_ALERTS, EXIT_OK, UsageError

if TYPE_CHECKING:
    from mktplan.evaluation import Evaluation
    from mktplan.store import ObservationStore


class ReportFormatOption(StrEnum):
    md = "md"
    xlsx = "xlsx"
    json = "json"
    table = "table"


class ReportLang(StrEnum):
    en = "en"
    zh = "zh"


class FailOn(StrEnum):
    warning = "warning"
    critical = "critical"


SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


def parse_as_of(value: str | None) -> dt.date:
    """``--as-of`` as a date (today when absent); a UsageError names a bad value."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--as-of must be a date like 2023-07-31, not {value!r}",
            hint="write the date as YYYY-MM-DD",
        ) from None


def _choose_format(
    explicit: ReportFormatOption | None, out: str | None, stdout_is_tty: bool
) -> ReportFormatOption:
    """The explicit --format, else the --out file's extension, else table on a TTY, else md."""
    if explicit is not None:
        return explicit
    if out is not None:
        from mktplan.render import FORMAT_OF_SUFFIX, is_directory_target

        if not is_directory_target(out):
            found = FORMAT_OF_SUFFIX.get(Path(out).suffix.lower())
            if found is None:
                raise UsageError(
                    f"cannot tell the format from the file name {out!r}",
                    hint="pass --format md|xlsx|json|table or use .md, .xlsx, .json or .txt",
                )
            return ReportFormatOption(found)
        return ReportFormatOption.md
    return ReportFormatOption.table if stdout_is_tty else ReportFormatOption.md


def _record_results(opened: ObservationStore, evaluation: Evaluation, quiet: bool) -> None:
    """Leave the report's KPI lines in the store for BI views; a store this user may only
    read keeps the previous ones (the report itself is still written)."""
    from mktplan.bi_snapshot import kpi_outcomes
    from mktplan.cli.output import error_console
    from mktplan.errors import StoreError

    try:
        opened.record_results(evaluation.plan.id, evaluation.plan.as_of, kpi_outcomes(evaluation))
    except StoreError as exc:
        if not quiet:
            error_console().print(
                f"note: the KPI results were not saved in the store for BI views: {exc.message}",
                soft_wrap=True,
                markup=False,
            )


@app.command()
def report(
    plan: Path = typer.Argument(..., help="The plan YAML file.", show_default=False),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="DATE",
        help="Cut the data at this date, YYYY-MM-DD (default: today).",
    ),
    output_format: ReportFormatOption | None = typer.Option(
        None,
        "--format",
        "-f",
        help="md, xlsx, json or table (default: from --out's extension; table on a terminal, "
        "else md).",
        show_default=False,
    ),
    out: str | None = typer.Option(
        None,
        "--out",
        "-o",
        metavar="PATH",
        help="A file, or a folder (existing, or ending in /) for <plan-id>-<as-of>.<ext>. "
        "Default: standard output (required for xlsx).",
    ),
    lang: ReportLang = typer.Option(ReportLang.en, "--lang", help="Labels in en or zh."),
    template: Path | None = typer.Option(
        None, "--template", help="Your own Jinja2 Markdown template (includes from its folder)."
    ),
    store: str | None = typer.Option(
        None,
        "--store",
        help="SQLite file or postgresql://user@host:port/dbname (default: $MKTPLAN_STORE, "
        "else .mktplan/store.sqlite beside the plan).",
    ),
    fail_on: FailOn | None = typer.Option(
        None,
        "--fail-on",
        help="Exit 3 after writing when an alert of this severity or worse exists.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (cron)."),
    force: bool = typer.Option(
        False,
        "--force",
        help="Replace an existing --out file even when it is not a report mktplan wrote "
        "(never the plan, the store or the template).",
    ),
) -> None:
    """Report a plan: evaluation, strategy tracking table, KPIs, budget vs actual, tasks, alerts.

    Exit 0 written, 1 invalid plan or store, 2 usage, 3 alerts at --fail-on level.

    Example: mktplan report plans/q3-2023-growth.yaml --as-of 2023-07-31 --out reports/
    """
    from mktplan.cli.output import console, error_console

    cut = parse_as_of(as_of)
    fmt = _choose_format(output_format, out, sys.stdout.isatty())
    if fmt is ReportFormatOption.xlsx and out is None:
        raise UsageError(
            "an xlsx report needs --out",
            hint="add --out reports/ or --out report.xlsx",
        )
    if template is not None:
        if fmt is not ReportFormatOption.md:
            raise UsageError(
                "--template applies to --format md only", hint="drop --template or use --format md"
            )
        if not template.is_file():
            raise UsageError(
                "the template file does not exist", file=str(template), hint="name a .md.j2 file"
            )

    from mktplan.metrics import evaluate
    from mktplan.observations import MemoryObservations
    from mktplan.plan.cache import load_plan
    from mktplan.render import check_target, output_path, render_report, write_atomic
    from mktplan.store import resolve_store

    loaded = load_plan(plan)
    include_daily = fmt is ReportFormatOption.xlsx
    store_path = resolve_store(store, plan)
    if store_path.exists():  # a directory or a device is refused by opening it, not ignored
        # one read transaction for every query, so an ingest committing meanwhile cannot
        # mix two states of the store into one report
        with store_path.open() as opened:
            with opened.query(loaded.plan.id) as observations:
                evaluation = evaluate(loaded, observations, cut, include_daily=include_daily)
            _record_results(opened, evaluation, quiet)
    else:
        if not quiet:
            error_console().print(
                f"note: no store at {store_path} yet, so every KPI shows no data; "
                f"load exports with: mktplan ingest {plan} FILE…",
                soft_wrap=True,
                markup=False,
            )
        evaluation = evaluate(loaded, MemoryObservations([]), cut, include_daily=include_daily)

    if fmt is ReportFormatOption.table and out is None:
        from mktplan.render.table import print_report

        print_report(evaluation, console(), lang.value)
    else:
        data = render_report(evaluation, fmt.value, lang=lang.value, template=template)
        if out is None:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        else:
            target = output_path(out, evaluation, fmt.value)
            protected = [("the plan", plan)]
            protected += [("the store", file) for file in store_path.files()]
            if template is not None:
                protected.append(("the template", template))
            check_target(target, protected, force=force)
            write_atomic(target, data)
            if not quiet:
                console().print(f"wrote {target}", markup=False)

    if fail_on is not None:
        floor = SEVERITY_RANK[fail_on.value]
        hits = [a for a in evaluation.alerts if SEVERITY_RANK[a.severity] >= floor]
        if hits:
            if not quiet:
                error_console().print(
                    f"{len(hits)} alert{'s' * (len(hits) != 1)} at {fail_on.value} or worse",
                    markup=False,
                )
            raise typer.Exit(EXIT_ALERTS)
    raise typer.Exit(EXIT_OK)
