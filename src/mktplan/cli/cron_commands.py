"""`mktplan cron`: the weekly run for a crontab (ingest an inbox, write the reports)."""

from __future__ import annotations

from pathlib import Path

import typer

from mktplan.cli import app
from mktplan.cli.options import (
    LangChoice,
    check_lock_timeout,
    choose_lang,
    declared_lang,
    lang_option,
)
from mktplan.cli.output import speak
from mktplan.cli.report_commands import FailOn, ReportUnits, parse_as_of


@app.command()
def cron(
    plan: Path = typer.Argument(
        ..., readable=False, help="The plan YAML file.", show_default=False
    ),
    inbox: Path = typer.Argument(
        ..., readable=False, help="Folder where new exports arrive.", show_default=False
    ),
    done: Path = typer.Argument(
        ..., readable=False, help="Ingested files are moved here.", show_default=False
    ),
    rejected: Path = typer.Argument(
        ..., readable=False, help="Rejected files and their .error.txt go here.", show_default=False
    ),
    reports: Path = typer.Argument(
        ..., readable=False, help="Folder for the .md, .xlsx and .json reports.", show_default=False
    ),
    store: str | None = typer.Option(
        None,
        "--store",
        help="SQLite file or postgresql://user@host:port/dbname (default: $MKTPLAN_STORE, "
        "else .mktplan/store.sqlite beside the plan).",
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        metavar="DATE",
        help="Report date YYYY-MM-DD (default: yesterday, the last complete day).",
    ),
    lang: LangChoice | None = lang_option(),
    units: ReportUnits | None = typer.Option(
        None,
        "--units",
        help="Large money and counts in wan (万/亿) or plain (default: wan in zh, else plain).",
        show_default=False,
    ),
    fail_on: FailOn = typer.Option(
        FailOn.critical,
        "--fail-on",
        help="Exit 3, printing each such alert, when an alert of this severity or worse exists.",
    ),
    lock_timeout: float | None = typer.Option(
        None,
        "--lock-timeout",
        metavar="SECONDS",
        help="Seconds each ingest waits for another one holding the store (default: 600); "
        "past it the rest of the inbox waits for the next run. Each report waits as long, "
        "at most 5 s, to save its KPI results for BI views.",
        show_default=False,
    ),
    settle: float = typer.Option(
        10.0,
        "--settle",
        min=0,
        max=3600,
        metavar="SECONDS",
        envvar="MKTPLAN_CRON_SETTLE",
        help="A file changed within these seconds is waited for (at most an hour); one "
        "still changing (an upload being written) stays in INBOX for the next run.",
    ),
) -> None:
    """Ingest every new export in INBOX, move it to DONE or REJECTED, then write the reports.

    Prints nothing when all went well. Exit 0 all well, 1 a file was rejected or a step
    failed, 2 usage, 3 reports written with alerts at --fail-on or worse, 4 the store could
    not be used (the files not yet ingested stay in INBOX for the next run).

    Example (crontab, Mondays 07:00): mktplan cron plans/q1.yaml inbox/ inbox/done/
    inbox/rejected/ reports/ --store data/store.sqlite
    """
    from mktplan.cron import CronJob, run_cron

    speaks = speak(choose_lang(lang, declared_lang(plan)))
    check_lock_timeout(lock_timeout)
    cut = parse_as_of(as_of)
    job = CronJob(
        plan=plan,
        inbox=inbox,
        done=done,
        rejected=rejected,
        reports=reports,
        store=store,
        as_of=cut,
        lang=lang.value if lang is not None else None,
        speaks=speaks,
        units=units.value if units is not None else None,
        fail_on=fail_on.value,
        lock_timeout=lock_timeout,
        settle=settle,
    )
    raise typer.Exit(run_cron(job))
