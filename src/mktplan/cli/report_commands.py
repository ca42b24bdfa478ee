"""`mktplan report`: compute the evaluation of a plan and render it as md, xlsx, json or table."""

from __future__ import annotations

import datetime as dt
import decimal
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
from mktplan.errors import EXIT_ALERTS, EXIT_OK, UsageError
from mktplan.i18n import message, msg

if TYPE_CHECKING:
    import threading

    from mktplan.evaluation import Evaluation, PeriodKind
    from mktplan.plan.model import Plan
    from mktplan.render.numbers import Units
    from mktplan.store import StoreLocation
    from mktplan.store.records import OpenProblem


class ReportFormatOption(StrEnum):
    md = "md"
    xlsx = "xlsx"
    json = "json"
    table = "table"
    brief = "brief"


ReportLang = LangChoice  # the one language setting of every command


class ReportUnits(StrEnum):
    wan = "wan"
    plain = "plain"


class ReportPeriod(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class FailOn(StrEnum):
    warning = "warning"
    critical = "critical"


SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


def last_complete_day() -> dt.date:
    """The default as-of of `report` and `cron`: yesterday, the last complete day (a Monday
    run that counted Monday would see a day without data and a false pace alert)."""
    return dt.date.today() - dt.timedelta(days=1)


# The as-of dates a report can be computed for: plans lie in 2000–2099 (plan.bounds), and
# the trend steps back and forward whole periods from the as-of, which near year 1 or 9999
# leaves the calendar (OverflowError); a century's margin on each side is plenty.
FIRST_AS_OF = dt.date(1900, 1, 1)
LAST_AS_OF = dt.date(9998, 12, 31)


def parse_as_of(value: str | None) -> dt.date:
    """``--as-of`` as a date (the last complete day when absent); a UsageError names a bad
    value, or a date outside :data:`FIRST_AS_OF` … :data:`LAST_AS_OF`."""
    if value is None:
        return last_complete_day()
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            msg("report.bad_as_of", value=value), hint=msg("report.bad_as_of.hint")
        ) from None
    if not FIRST_AS_OF <= day <= LAST_AS_OF:
        raise UsageError(
            msg(
                "report.as_of_range",
                first=FIRST_AS_OF.isoformat(),
                last=LAST_AS_OF.isoformat(),
                value=value,
            ),
            hint=msg("report.as_of_range.hint"),
        )
    return day


def _check_template(template: Path) -> None:
    """A UsageError when ``--template`` names nothing, a folder, or a device or pipe (whose
    reading could block); a file that cannot be read is left for the renderer to name."""
    import stat

    try:
        mode = template.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        code = "report.template_missing"
    except OSError:  # no permission on a folder on the way: the renderer says so
        return
    else:
        if stat.S_ISREG(mode):
            return
        code = (
            "report.template_is_directory" if stat.S_ISDIR(mode) else "report.template_not_regular"
        )
    raise UsageError(msg(code), file=str(template), hint=msg(f"{code}.hint"))


def _choose_format(
    explicit: ReportFormatOption | None, out: str | None, stdout_is_tty: bool
) -> ReportFormatOption:
    """The explicit --format, else the --out file's extension, else table on a TTY, else md.
    An explicit format that the file's extension contradicts (`-f md -o r.json`) is a usage
    error: a JSON or workbook reader would fail on it later; text formats share .md/.txt."""
    if out is not None:
        from mktplan.render import FORMAT_OF_SUFFIX, is_directory_target

        if not is_directory_target(out):
            found = FORMAT_OF_SUFFIX.get(Path(out).suffix.lower())
            text = {"md", "table", "brief"}
            if explicit is not None:
                if found is not None and found != explicit and not {found, explicit} <= text:
                    raise UsageError(
                        msg("report.format_against_name", out=out, format=explicit, found=found),
                        hint=msg("report.format_against_name.hint", format=explicit, found=found),
                    )
                return explicit
            if found is None:
                raise UsageError(
                    msg("report.format_from_name", out=out),
                    hint=msg("report.format_from_name.hint"),
                )
            return ReportFormatOption(found)
    if explicit is not None:
        return explicit
    if out is not None:
        return ReportFormatOption.md
    return ReportFormatOption.table if stdout_is_tty else ReportFormatOption.md


def _record_results(
    location: StoreLocation, evaluation: Evaluation, quiet: bool, wait: float
) -> None:
    """Leave the written report's KPI lines in the store for BI views, waiting up to ``wait``
    seconds for an ingest holding it; a store this user may only read, or one held past the
    wait, keeps the previous ones (the report itself is written)."""
    from mktplan.bi_snapshot import kpi_outcomes
    from mktplan.cli.output import error_console, spoken
    from mktplan.errors import StoreError

    results = kpi_outcomes(evaluation)
    try:
        with location.open() as opened:
            opened.record_results(evaluation.plan.id, evaluation.plan.as_of, results, wait=wait)
    except StoreError as exc:
        if not quiet:
            error_console().print(
                message("report.results_not_saved", spoken(), why=exc.in_lang(spoken()).message),
                soft_wrap=True,
                markup=False,
            )


def _check_magnitudes(loaded: Plan, path: Path) -> None:
    """A ReportError naming the plan's numbers too large or too small to report."""
    from mktplan.errors import ReportError
    from mktplan.metrics import unreportable_numbers

    found = unreportable_numbers(loaded)
    if found:
        fields = ", ".join(f"{where} = {value:E}" for where, value in found[:5])
        text = (
            msg("report.numbers_out_of_range_more", fields=fields, more=len(found) - 5)
            if len(found) > 5
            else msg("report.numbers_out_of_range", fields=fields)
        )
        raise ReportError(text, file=str(path), hint=msg("report.numbers_out_of_range.hint"))


# What each format's renderer imports (0.03 s for JSON, 0.1–0.2 s for Markdown's Jinja, 0.3 s
# for Excel's openpyxl on a slow machine); the KPI results for BI come after every format.
_RENDERER_MODULES: dict[ReportFormatOption, tuple[str, ...]] = {
    ReportFormatOption.md: ("mktplan.render.markdown", "jinja2.sandbox"),
    ReportFormatOption.json: ("mktplan.render.json",),
    ReportFormatOption.xlsx: ("mktplan.render.excel", "mktplan.render.excel_charts"),
    ReportFormatOption.table: ("mktplan.render.table",),
    ReportFormatOption.brief: ("mktplan.render.weekly",),
}


def _import_quietly(modules: tuple[str, ...]) -> None:
    """Import ``modules``; a failure is left for the renderer's own import to report."""
    import importlib

    for name in (*modules, "mktplan.bi_snapshot"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112  # the same import on the main thread raises it again
            continue


def _warm_renderer(fmt: ReportFormatOption) -> threading.Thread:
    """Import the renderer on a second thread while the store is read: SQLite and PostgreSQL
    answer without holding Python's lock, so on a machine with two cores the imports cost
    almost nothing instead of following the evaluation (the 10M-observation Markdown report's
    time after its evaluation: 0.77 s → 0.51 s, median of 8). The modules the renderers
    share with the evaluation are imported before it starts, and the evaluation imports
    nothing: the caller joins the thread before the main thread imports again. Two threads
    importing at once, modules that import each other (render.weekly and render.text), is
    where Python 3.11's import-deadlock detection can raise for a deadlock that is none; a
    report ended in "internal error" once in CI, its message cut off, with the main thread
    importing the renderer while this thread did."""
    import threading

    thread = threading.Thread(
        target=_import_quietly, args=(_RENDERER_MODULES[fmt],), name="mktplan-warm", daemon=True
    )
    thread.start()
    return thread


def _evaluate(
    loaded: Plan,
    plan: Path,
    location: StoreLocation,
    cut: dt.date,
    fmt: ReportFormatOption,
    quiet: bool,
    allow_empty: bool,
    period: ReportPeriod | None = None,
    wait: float | None = None,
) -> tuple[Evaluation, bool]:
    """The plan evaluated against its observations in the store at ``location``, and
    whether there were any; a ReportError when there are none, unless ``allow_empty``."""
    from mktplan.cli.output import error_console, spoken
    from mktplan.metrics import evaluate
    from mktplan.observations import MemoryObservations

    include_daily = fmt is ReportFormatOption.xlsx
    kind: PeriodKind | None = None if period is None else period.value
    if location.exists():  # a directory or a device is refused by opening it, not ignored
        # --lock-timeout bounds the reads too: on PostgreSQL, a table another session
        # locked (LOCK TABLE, VACUUM FULL) is waited for that long, then exit 4
        with location.open() if wait is None else location.open(lock_timeout=wait) as opened:
            # one read transaction for every query, so an ingest committing meanwhile cannot
            # mix two states of the store into one report
            with opened.query(loaded.plan.id) as observations:
                found = None
                if not observations.is_empty():
                    warming = _warm_renderer(fmt)
                    try:
                        found = evaluate(
                            loaded, observations, cut, include_daily=include_daily, period=kind
                        )
                    finally:
                        warming.join()  # no two threads importing at once (see above)
            if found is not None:
                return _with_input_problems(found, opened.open_problems(loaded.plan.id)), True
            why = msg("report.store_empty", store=str(location), plan=loaded.plan.id)
    else:
        why = msg("report.no_store", store=str(location))
    if not allow_empty:
        from mktplan.errors import ReportError

        raise ReportError(
            msg("report.empty_refused", why=why),
            file=str(location),
            hint=msg("report.empty_refused.hint", plan=str(plan)),
        )
    if not quiet:
        error_console().print(
            message("report.empty_note", spoken(), why=why, plan=str(plan)),
            soft_wrap=True,
            markup=False,
        )
    empty = evaluate(loaded, MemoryObservations([]), cut, include_daily=include_daily, period=kind)
    return empty, False


def _with_input_problems(evaluation: Evaluation, problems: list[OpenProblem]) -> Evaluation:
    """The evaluation with the store's refused and skipped rows ahead of its stale sources."""
    import dataclasses

    from mktplan.evaluation import DataIssue

    logged = [
        DataIssue("refused" if p.kind == "refused" else "skipped", p.source, p.since.date(), p.rows)
        for p in problems
    ]
    return dataclasses.replace(evaluation, data_issues=[*logged, *evaluation.data_issues])


def _with_plan_changes(evaluation: Evaluation, loaded: Plan, path: Path) -> Evaluation:
    """The evaluation with the plan's changes of targets, budgets, owners and due dates
    during the current period, when the plan is in git (else as it is): for a period that
    ended before today, as committed by its end; else up to the working plan."""
    import dataclasses

    from mktplan.evaluation import PlanChange
    from mktplan.plan.history import plan_changes

    start = evaluation.plan.period_start
    if start is None:
        return evaluation
    as_of = evaluation.plan.as_of
    until = as_of + dt.timedelta(days=1) if as_of < dt.date.today() else None
    changes = plan_changes(path, loaded, start, until)
    if not changes:
        return evaluation
    from mktplan.plan.diff import plain
    from mktplan.plan.refs import kpi_refs

    names = {("module", m.id): m.name for m in loaded.modules}
    names.update({("kpi", qid): ref.kpi.name for qid, ref in kpi_refs(loaded).items()})
    found = [
        PlanChange(
            c.area.value,
            c.item,
            c.field,
            plain(c.old),
            plain(c.new),
            c.delta,
            names.get((c.area.value, c.item)),
        )
        for c in changes
    ]
    return dataclasses.replace(evaluation, plan_changes=found)


def _write(
    evaluation: Evaluation,
    fmt: ReportFormatOption,
    out: str | None,
    lang: ReportLang,
    template: Path | None,
    protected: list[tuple[str, Path]],
    *,
    quiet: bool,
    force: bool,
    units: ReportUnits | None = None,
) -> None:
    """Print the report, or write it to ``out`` unless that would destroy another file."""
    from mktplan.cli.output import console, write_stdout
    from mktplan.render import FORMATS, check_target, output_path, render_report, write_atomic

    chosen_units: Units | None = None
    if units is not None:
        chosen_units = "wan" if units is ReportUnits.wan else "plain"

    if fmt is ReportFormatOption.brief:
        from mktplan.render.weekly import render_brief

        write_stdout(render_brief(evaluation, lang.value, chosen_units))
        return
    if fmt is ReportFormatOption.table and out is None:
        from mktplan.render.table import print_report

        print_report(evaluation, console(), lang.value, chosen_units)
        return
    kind = next(f for f in FORMATS if f == fmt.value)
    data = render_report(evaluation, kind, lang=lang.value, template=template, units=chosen_units)
    if out is None:
        write_stdout(data.decode("utf-8"))
        return
    target = output_path(out, evaluation, kind)
    check_target(target, protected, force=force)
    write_atomic(target, data)
    if not quiet:
        console().print(message("report.wrote", lang.value, path=str(target)), markup=False)


@app.command()
def report(
    plan: Path = typer.Argument(
        ..., readable=False, help="The plan YAML file.", show_default=False
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="DATE",
        help="Cut the data at the end of this date, YYYY-MM-DD (default: yesterday, the last "
        "complete day).",
    ),
    output_format: ReportFormatOption | None = typer.Option(
        None,
        "--format",
        "-f",
        help="md, xlsx, json, table, or brief (summary and alerts as short lines) (default: "
        "from --out's extension, which must not name another format; table on a terminal, "
        "else md).",
        show_default=False,
    ),
    out: str | None = typer.Option(
        None,
        "--out",
        "-o",
        metavar="PATH",
        help="A file, or a folder (existing, or ending in /) for <plan-id>-<as-of>.<ext>; "
        "- for standard output, the default (not for xlsx).",
    ),
    lang: LangChoice | None = lang_option(),
    units: ReportUnits | None = typer.Option(
        None,
        "--units",
        help="Large money and counts in wan (1,200.00 万, 3.2 亿) or plain, in Markdown, the "
        "terminal and brief; Excel shows 万 by number format; JSON stays exact "
        "(default: wan in zh, else plain).",
        show_default=False,
    ),
    period: ReportPeriod | None = typer.Option(
        None,
        "--period",
        help="The period compared with the one before it (本期/上期) and stepped back for the "
        "trend: day, week or month (default: the plan's cadence).",
        show_default=False,
    ),
    template: Path | None = typer.Option(
        None,
        "--template",
        help="Your own Jinja2 Markdown template (includes from its folder).",
        readable=False,
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
    allow_empty: bool = typer.Option(
        False,
        "--allow-empty",
        help="Report even when the store holds no observation of the plan (else exit 1).",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Replace an existing --out file even when it is not a report mktplan wrote "
        "(never the plan, the store or the template).",
    ),
    lock_timeout: float | None = typer.Option(
        None,
        "--lock-timeout",
        metavar="SECONDS",
        help="Seconds to wait for the store's write lock (an ingest holding a SQLite store) "
        "before leaving the KPI results for BI views unsaved (default: 5); the report is "
        "written either way. Also the longest wait to open and read the store (default: "
        "600): an upgrade of a SQLite store's schema, or a table another session locked on "
        "PostgreSQL; past it, exit 4.",
        show_default=False,
    ),
) -> None:
    """Report a plan: evaluation, strategy tracking table, KPIs, budget vs actual, tasks, alerts.

    Exit 0 written, 1 invalid plan (or no data of the plan in the store, unless
    --allow-empty), 2 usage, 3 alerts at --fail-on level, 4 the store could not be used.

    Example: mktplan report plans/q3-2023-growth.yaml --as-of 2023-07-31 --out reports/
    """
    from mktplan.cli.output import error_console, speak, stdout_is_terminal

    speak(choose_lang(lang, declared_lang(plan)))
    cut = parse_as_of(as_of)
    check_lock_timeout(lock_timeout)
    if out == "-":  # the shell convention for standard output (./- names a file "-")
        out = None
    fmt = _choose_format(output_format, out, stdout_is_terminal())
    if fmt is ReportFormatOption.brief and out is not None:
        raise UsageError(msg("report.brief_stdout_only"), hint=msg("report.brief_stdout_only.hint"))
    if fmt is ReportFormatOption.xlsx and out is None:
        raise UsageError(msg("report.xlsx_needs_out"), hint=msg("report.xlsx_needs_out.hint"))
    if template is not None:
        if fmt is not ReportFormatOption.md:
            raise UsageError(
                msg("report.template_md_only"), hint=msg("report.template_md_only.hint")
            )
        _check_template(template)

    from mktplan.plan.cache import load_plan
    from mktplan.store import resolve_store

    loaded = load_plan(plan)
    _check_magnitudes(loaded, plan)
    location = resolve_store(store, plan)
    protected = [("plan", plan)]  # report.protected.<what>
    store_files = location.files()  # the store file first, then its journal's
    protected += [("store", f) for f in store_files[:1]]
    protected += [("journal", f) for f in store_files[1:]]
    if template is not None:
        protected.append(("template", template))
    try:
        evaluation, from_store = _evaluate(
            loaded, plan, location, cut, fmt, quiet, allow_empty, period, lock_timeout
        )
        evaluation = _with_plan_changes(evaluation, loaded, plan)
        chosen = LangChoice(speak(choose_lang(lang, loaded.plan.lang)))
        _write(
            evaluation,
            fmt,
            out,
            chosen,
            template,
            protected,
            quiet=quiet,
            force=force,
            units=units,
        )
        if from_store:  # after writing: a refused or failed report leaves the store as it was
            from mktplan.store.bi import RESULTS_WAIT

            wait = RESULTS_WAIT if lock_timeout is None else lock_timeout
            _record_results(location, evaluation, quiet, wait)
    except (decimal.DecimalException, OverflowError) as exc:  # a number no renderer can hold
        from mktplan.errors import ReportError

        raise ReportError(
            msg("report.number_overflow", kind=type(exc).__name__),
            file=str(plan),
            hint=msg("report.number_overflow.hint"),
        ) from None

    if fail_on is not None:
        floor = SEVERITY_RANK[fail_on.value]
        hits = [a for a in evaluation.alerts if SEVERITY_RANK[a.severity] >= floor]
        if hits:
            if not quiet:
                level = message(f"severity_{fail_on.value}", chosen.value)
                error_console().print(
                    message("report.alerts_at", chosen.value, n=len(hits), level=level),
                    markup=False,
                )
            raise typer.Exit(EXIT_ALERTS)
    raise typer.Exit(EXIT_OK)
