"""`mktplan store copy SRC DST`: every table of one store into an empty other one, whichever
the backends (a team leaving its laptop SQLite file for PostgreSQL, or a local copy of the
team's store), then a comparison of both stores' contents.

Rows travel in one neutral form: dates and times as ISO text, booleans as 0/1, values as
integer micro-units; ids are kept, so provenance and history links survive. The daily and
the per-channel monthly rollups are recounted by the destination. A column added by a later
migration goes into ``TABLES``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mktplan.errors import StoreError
from mktplan.i18n import msg
from mktplan.store.protocol import ObservationStore, StoreLocation

# (table, columns, order): parents before children, so references hold at every step
TABLES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("ingest_run", ("id", "plan_id", "started_at", "finished_at", "command"), "id"),
    (
        "ingest_file",
        (
            "id", "run_id", "name", "sha256", "source", "config_digest", "rows_read", "new",
            "changed", "unchanged", "already_ingested", "first_date", "last_date", "kpis",
        ),
        "id",
    ),
    (
        "observation",
        (
            "plan_id", "kpi", "date", "channel", "line", "ref", "value", "note", "file_id",
            "row_number",
        ),
        "plan_id, kpi, date, channel, line, ref",
    ),
    (
        "observation_history",
        (
            "id", "plan_id", "kpi", "date", "channel", "line", "ref", "value", "note",
            "file_id", "row_number", "replaced_by",
        ),
        "id",
    ),
    (
        "ingest_skipped",
        ("file_id", "first_line", "last_line", "reason"),
        "file_id, first_line, last_line, reason",
    ),
    (
        "input_problem",
        ("id", "plan_id", "at", "file", "source", "kind", "reason", "rows", "sha256"),
        "id",
    ),
    (
        "plan_snapshot",
        ("plan_id", "name", "owner", "currency", "start_date", "end_date", "recorded_at"),
        "plan_id",
    ),
    (
        "kpi_definition",
        (
            "plan_id", "kpi", "module", "module_name", "owner", "name", "unit", "aggregation",
            "better", "formula", "baseline", "target", "due",
        ),
        "plan_id, kpi",
    ),
    (
        "kpi_result",
        (
            "plan_id", "as_of", "kpi", "actual", "target", "expected", "attainment", "pace",
            "forecast", "status", "stale", "last_date", "reported_at",
        ),
        "plan_id, as_of, kpi",
    ),
)  # fmt: skip


def neutral(value: object) -> object:
    """A stored value in the form both backends read and write alike."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class CopyOutcome:
    plans: tuple[str, ...]
    rows: dict[str, int]  # per table
    digest: str  # of every table's rows, equal in both stores


def contents_digest(store: ObservationStore) -> tuple[str, dict[str, int]]:
    """sha256 over every table's rows in their neutral form, and the row count per table."""
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    for table, columns, order in TABLES:
        digest.update(f"\x1d{table}\x1d".encode())
        n = 0
        for row in store.export_rows(table, columns, order):
            digest.update(("\x1f".join(map(repr, row)) + "\x1e").encode())
            n += 1
        counts[table] = n
    return digest.hexdigest(), counts


def _rows(
    store: ObservationStore,
) -> Iterator[tuple[str, tuple[str, ...], Iterable[tuple[object, ...]]]]:
    for table, columns, order in TABLES:
        yield table, columns, store.export_rows(table, columns, order)


def copy_store(source: StoreLocation, target: StoreLocation) -> CopyOutcome:
    """Copy every table of ``source`` into ``target`` (which must hold nothing yet) in one
    transaction, then compare both; StoreError when the target is not empty or differs."""
    if str(source) == str(target):
        raise StoreError(
            msg("store.copy.same", store=str(source)), hint=msg("store.copy.same.hint")
        )
    if not source.exists():
        raise StoreError(
            msg("store.copy.no_source", store=str(source)),
            file=str(source),
            hint=msg("store.copy.no_source.hint"),
        )
    with source.open() as src, target.open() as dst:
        held = dst.plans()
        if held:
            raise StoreError(
                msg("store.copy.not_empty", store=str(target), plans=", ".join(held[:5])),
                file=str(target),
                hint=msg("store.copy.not_empty.hint"),
            )
        dst.import_rows(_rows(src))
        expected, counts = contents_digest(src)
        got, _ = contents_digest(dst)
        if got != expected:  # every table, observations and history included
            raise StoreError(
                msg("store.copy.differs", target=str(target), source=str(source)),
                file=str(target),
                hint=msg("store.copy.differs.hint"),
            )
        return CopyOutcome(tuple(src.plans()), counts, expected)
