"""What a BI tool reads beside the observations: each plan's KPI definitions (written at
ingest) and the KPI results of the latest report per plan and as-of (written by `report`),
with three views over them (see docs/team-store.md):

* ``observation_named``: every observation with its plan, module and KPI names and unit,
  ``value`` as a decimal number;
* ``kpi_daily``: the value per plan, KPI, date and channel (budget lines and refs summed);
* ``kpi_latest``: each KPI's actual, target, attainment, pace and status in the plan's
  latest report (the newest as-of reported).

Numbers are stored as integer micro-units (× 10^6) like observations, ratios included
(attainment 0.95 is 950000); the views divide them back. The SQL of both backends is here,
one constant per statement, so the two stay side by side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from mktplan.store.records import to_micro

# Seconds `report` waits by default (`--lock-timeout`) for an ingest holding the store before
# it gives up saving its KPI results (the report itself never waits: it reads a snapshot).
RESULTS_WAIT = 5.0

# ruff: noqa: S608  # every statement here is built from this module's constants only


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI of a plan as the plan file defines it."""

    kpi: str  # qualified id: module.kpi, or the bare id at plan level
    module: str  # '' at plan level
    module_name: str
    owner: str  # the module's owner, or the plan's at plan level
    name: str
    unit: str | None
    aggregation: str
    better: str
    formula: str | None
    baseline: Decimal | None
    target: Decimal | None
    due: dt.date | None


@dataclass(frozen=True)
class PlanDefinition:
    plan_id: str
    name: str
    owner: str
    currency: str
    start: dt.date
    end: dt.date
    kpis: tuple[KpiDefinition, ...]


@dataclass(frozen=True)
class KpiOutcome:
    """One KPI's line of a report (numbers as the report computed them)."""

    kpi: str
    actual: Decimal | None
    target: Decimal | None
    expected: Decimal | None  # the pace line's value at as-of
    attainment: Decimal | None  # fraction: actual ÷ target (inverted when lower is better)
    pace: Decimal | None  # fraction: actual ÷ expected
    forecast: Decimal | None
    status: str
    stale: bool
    last_date: dt.date | None


def micro(value: Decimal | None) -> int | None:
    """A number for the BI tables (None when absent or beyond 64 bits)."""
    return None if value is None else to_micro(value)


def plan_rows(
    plan: PlanDefinition, recorded: dt.datetime
) -> tuple[tuple[object, ...], list[tuple[object, ...]]]:
    """The plan row and the KPI rows, in the columns of the statements below."""
    head: tuple[object, ...] = (
        plan.plan_id,
        plan.name,
        plan.owner,
        plan.currency,
        plan.start.isoformat(),
        plan.end.isoformat(),
        recorded.isoformat(),
    )
    kpis: list[tuple[object, ...]] = [
        (
            plan.plan_id,
            k.kpi,
            k.module,
            k.module_name,
            k.owner,
            k.name,
            k.unit,
            k.aggregation,
            k.better,
            k.formula,
            micro(k.baseline),
            micro(k.target),
            k.due.isoformat() if k.due else None,
        )
        for k in plan.kpis
    ]
    return head, kpis


def result_rows(
    plan_id: str, as_of: dt.date, results: tuple[KpiOutcome, ...], reported: dt.datetime
) -> list[tuple[object, ...]]:
    return [
        (
            plan_id,
            as_of.isoformat(),
            r.kpi,
            micro(r.actual),
            micro(r.target),
            micro(r.expected),
            micro(r.attainment),
            micro(r.pace),
            micro(r.forecast),
            r.status,
            r.stale,
            r.last_date and r.last_date.isoformat(),
            reported.isoformat(),
        )
        for r in results
    ]


# --- statements shared by both backends (parameters in the driver's style are filled in) --

PLAN_COLUMNS = "plan_id, name, owner, currency, start_date, end_date, recorded_at"
KPI_COLUMNS = (
    "plan_id, kpi, module, module_name, owner, name, unit, aggregation, better, formula, "
    "baseline, target, due"
)
RESULT_COLUMNS = (
    "plan_id, as_of, kpi, actual, target, expected, attainment, pace, forecast, status, "
    "stale, last_date, reported_at"
)


def upsert_plan(mark: str) -> str:
    marks = ", ".join([mark] * 7)
    return (
        f"INSERT INTO plan_snapshot ({PLAN_COLUMNS}) VALUES ({marks}) "
        "ON CONFLICT (plan_id) DO UPDATE SET name = excluded.name, owner = excluded.owner, "
        "currency = excluded.currency, start_date = excluded.start_date, "
        "end_date = excluded.end_date, recorded_at = excluded.recorded_at"
    )


def insert_kpis(mark: str) -> str:
    return f"INSERT INTO kpi_definition ({KPI_COLUMNS}) VALUES ({', '.join([mark] * 13)})"


def insert_results(mark: str) -> str:
    return f"INSERT INTO kpi_result ({RESULT_COLUMNS}) VALUES ({', '.join([mark] * 13)})"


def tables(types: dict[str, str]) -> tuple[str, ...]:
    """CREATE statements for the BI tables and views; ``types`` names the backend's column
    types (text, date, time, int, bool) and how a micro-unit integer becomes a decimal."""
    t, d, ts, i, b, dec = (types[k] for k in ("text", "date", "time", "int", "bool", "decimal"))
    return (
        f"""CREATE TABLE plan_snapshot (
            plan_id {t} PRIMARY KEY,
            name {t} NOT NULL,
            owner {t} NOT NULL,
            currency {t} NOT NULL,
            start_date {d} NOT NULL,
            end_date {d} NOT NULL,
            recorded_at {ts} NOT NULL
        )""",
        f"""CREATE TABLE kpi_definition (
            plan_id {t} NOT NULL,
            kpi {t} NOT NULL,
            module {t} NOT NULL,
            module_name {t} NOT NULL,
            owner {t} NOT NULL,
            name {t} NOT NULL,
            unit {t},
            aggregation {t} NOT NULL,
            better {t} NOT NULL,
            formula {t},
            baseline {i},
            target {i},
            due {d},
            PRIMARY KEY (plan_id, kpi)
        )""",
        f"""CREATE TABLE kpi_result (
            plan_id {t} NOT NULL,
            as_of {d} NOT NULL,
            kpi {t} NOT NULL,
            actual {i},
            target {i},
            expected {i},
            attainment {i},
            pace {i},
            forecast {i},
            status {t} NOT NULL,
            stale {b} NOT NULL,
            last_date {d},
            reported_at {ts} NOT NULL,
            PRIMARY KEY (plan_id, as_of, kpi)
        )""",
        f"""CREATE VIEW observation_named AS
            SELECT o.plan_id, p.name AS plan_name, d.module, d.module_name, o.kpi,
                   d.name AS kpi_name, d.unit, o.date, o.channel, o.line, o.ref,
                   {dec.format("o.value")} AS value, o.note
            FROM observation o
            LEFT JOIN plan_snapshot p ON p.plan_id = o.plan_id
            LEFT JOIN kpi_definition d ON d.plan_id = o.plan_id AND d.kpi = o.kpi""",
        f"""CREATE VIEW kpi_daily AS
            SELECT o.plan_id, o.kpi, d.name AS kpi_name, d.unit, o.date, o.channel,
                   {dec.format("sum(o.value)")} AS value
            FROM observation o
            LEFT JOIN kpi_definition d ON d.plan_id = o.plan_id AND d.kpi = o.kpi
            GROUP BY o.plan_id, o.kpi, d.name, d.unit, o.date, o.channel""",
        f"""CREATE VIEW kpi_latest AS
            SELECT r.plan_id, r.as_of, d.module, d.module_name, r.kpi, d.name AS kpi_name,
                   d.unit, {dec.format("r.actual")} AS actual,
                   {dec.format("r.target")} AS target,
                   {dec.format("r.attainment")} AS attainment,
                   {dec.format("r.pace")} AS pace, r.status, r.last_date, r.reported_at
            FROM kpi_result r
            JOIN (SELECT plan_id, max(as_of) AS as_of FROM kpi_result GROUP BY plan_id) latest
                ON latest.plan_id = r.plan_id AND latest.as_of = r.as_of
            LEFT JOIN kpi_definition d ON d.plan_id = r.plan_id AND d.kpi = r.kpi""",
    )


SQLITE_TABLES = tables(
    {
        "text": "TEXT",
        "date": "TEXT",
        "time": "TEXT",
        "int": "INTEGER",
        "bool": "INTEGER",
        "decimal": "{} / 1000000.0",
    }
)
POSTGRES_TABLES = tables(
    {
        "text": 'text COLLATE "C"',
        "date": "date",
        "time": "timestamptz",
        "int": "bigint",
        "bool": "boolean",
        "decimal": "({}::numeric / 1000000)",
    }
)
