"""The store's reads (runs, plans, observations, problems, history, digest) written once for
both backends: the SQL and the rows are the same, only a :class:`Dialect` differs (how a
parameter is marked, how dates and times come back, how a list of ids is passed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mktplan.observations import Observation
from mktplan.store.records import (
    FileOutcome,
    IngestRun,
    OpenProblem,
    SkippedRows,
    StoredObservation,
    from_micro,
)


class Executes(Protocol):
    """A connection or cursor: runs one statement with positional parameters."""

    def execute(self, sql: str, params: Sequence[Any], /) -> Iterable[Any]: ...


# a statement, its parameters and a name for a streamed cursor -> its rows, one at a time
Stream = Callable[[str, Sequence[Any], str], Iterable[Sequence[Any]]]


@dataclass(frozen=True)
class Dialect:
    """What differs between the backends' SQL and rows."""

    mark: str  # a positional parameter
    false: str  # a boolean column's false
    earliest: str  # a time before any stored one
    day_text: str  # the observation's date column as ISO text
    day: Callable[[Any], dt.date]  # a stored date (not null)
    moment: Callable[[Any], dt.datetime]  # a stored time
    ids: Callable[[Sequence[int]], tuple[str, object]]  # ids -> (`IN …` / `= ANY(…)`, param)

    def optional_day(self, value: Any) -> dt.date | None:
        return self.day(value) if value else None


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


SQLITE = Dialect(
    mark="?",
    false="0",
    earliest="''",
    day_text="date",
    day=dt.date.fromisoformat,
    moment=dt.datetime.fromisoformat,
    ids=lambda ids: ("IN (SELECT value FROM json_each(?))", json.dumps(list(ids))),
)
POSTGRES = Dialect(
    mark="%s",
    false="false",
    earliest="'-infinity'",
    day_text="to_char(date, 'YYYY-MM-DD')",
    day=lambda value: value,
    moment=_utc,
    ids=lambda ids: ("= ANY(%s)", list(ids)),
)


def _plan_filter(d: Dialect, plan_id: str | None) -> tuple[str, tuple[str, ...]]:
    return (f"WHERE plan_id = {d.mark}", (plan_id,)) if plan_id is not None else ("", ())


def previous_ingest(
    db: Executes, d: Dialect, plan_id: str, sha256: str, config_digest: str
) -> tuple[int, str | None, str | None, str, int] | None:
    """(observations, first date, last date, kpis, rows read) of the earlier ingest that
    stored these bytes with this mapping for this plan, or None when there was none."""
    m = d.mark
    for row in db.execute(
        "SELECT f.new + f.changed + f.unchanged, f.first_date, f.last_date, f.kpis, f.rows_read "  # noqa: S608
        "FROM ingest_file f JOIN ingest_run r ON r.id = f.run_id "
        f"WHERE f.sha256 = {m} AND f.config_digest = {m} AND r.plan_id = {m} "
        f"AND f.already_ingested = {d.false} ORDER BY f.id LIMIT 1",
        (sha256, config_digest, plan_id),
    ):
        first, last = (None if v is None else d.day(v).isoformat() for v in (row[1], row[2]))
        return int(row[0]), first, last, str(row[3]), int(row[4])
    return None


def file_outcomes(db: Executes, d: Dialect, run_ids: Sequence[int]) -> dict[int, list[FileOutcome]]:
    """The recorded file outcomes of the given runs, by run id, in ingest order."""
    found: dict[int, list[FileOutcome]] = {run_id: [] for run_id in run_ids}
    in_runs, runs_param = d.ids(run_ids)
    rows = list(
        db.execute(
            "SELECT run_id, name, sha256, source, rows_read, new, changed, unchanged, "  # noqa: S608
            "already_ingested, first_date, last_date, kpis, id FROM ingest_file "
            f"WHERE run_id {in_runs} ORDER BY id",
            (runs_param,),
        )
    )
    skipped: dict[int, tuple[SkippedRows, ...]] = {}
    in_files, files_param = d.ids([int(r[12]) for r in rows])
    for file_id, first, last, reason in db.execute(
        "SELECT file_id, first_line, last_line, reason FROM ingest_skipped "  # noqa: S608
        f"WHERE file_id {in_files} ORDER BY file_id, first_line",
        (files_param,),
    ):
        skipped[int(file_id)] = (*skipped.get(int(file_id), ()), SkippedRows(first, last, reason))
    for row in rows:
        run_id, name, sha, source, rows_read, new, changed, same, already, first, last, kpis = row[
            :12
        ]
        found[int(run_id)].append(
            FileOutcome(
                name=name,
                sha256=sha,
                source=source,
                rows_read=int(rows_read),
                new=int(new),
                changed=int(changed),
                unchanged=int(same),
                already_ingested=bool(already),
                first_date=d.optional_day(first),
                last_date=d.optional_day(last),
                kpis=tuple(kpis.split("\n")) if kpis else (),
                skipped=skipped.get(int(row[12]), ()),
            )
        )
    return found


def runs(db: Executes, d: Dialect, plan_id: str | None, limit: int) -> list[IngestRun]:
    """The latest ``limit`` ingest runs (of ``plan_id``, or of every plan), newest first."""
    where, params = _plan_filter(d, plan_id)
    rows = list(
        db.execute(
            f"SELECT id, plan_id, started_at, command FROM ingest_run {where} "  # noqa: S608
            f"ORDER BY id DESC LIMIT {d.mark}",
            (*params, limit),
        )
    )
    files = file_outcomes(db, d, [int(r[0]) for r in rows])
    return [
        IngestRun(
            id=int(run_id),
            plan_id=str(plan),
            started_at=d.moment(started),
            files=tuple(files[int(run_id)]),
            command=str(command),
        )
        for run_id, plan, started, command in rows
    ]


def plans(db: Executes) -> list[str]:
    """Ids of the plans that have observations or ingest runs, sorted."""
    rows = db.execute(
        "SELECT plan_id FROM ingest_run UNION SELECT DISTINCT plan_id FROM observation ORDER BY 1",
        (),
    )
    return [str(r[0]) for r in rows]


def observations(db: Executes, d: Dialect, plan_id: str) -> list[StoredObservation]:
    """Every current observation of the plan with its provenance, in key order."""
    rows = db.execute(
        "SELECT kpi, date, channel, value, note, line, ref, file_name, file_sha256, "  # noqa: S608
        "row_number, source, run_id, ingested_at FROM observation_provenance "
        f"WHERE plan_id = {d.mark} ORDER BY kpi, date, channel, line, ref",
        (plan_id,),
    )
    return [
        StoredObservation(
            plan_id=plan_id,
            observation=Observation(
                kpi=kpi,
                date=d.day(day),
                value=from_micro(value),
                channel=channel,
                note=note,
                line=line or None,
                ref=ref or None,
            ),
            file_name=name,
            file_sha256=sha,
            row_number=int(row),
            source=source,
            run_id=int(run_id),
            ingested_at=d.moment(at),
        )
        for kpi, day, channel, value, note, line, ref, name, sha, row, source, run_id, at in rows
    ]


def open_problems(db: Executes, d: Dialect, plan_id: str) -> list[OpenProblem]:
    """Refused and skipped rows per source (the file name for long-format files) logged
    at or after the source's last accepted ingest, oldest first per source and kind. A file
    refused again unchanged (a cron job's inbox, the file dropped in once more) counts its
    rows once; files of one name and other contents (a vendor's weekly `export.csv`) each
    count."""
    rows = db.execute(
        "SELECT label, kind, min(first_at), sum(rows) FROM ("  # noqa: S608
        " SELECT CASE WHEN p.source = 'long' THEN p.file ELSE p.source END AS label,"
        " p.kind, p.rows, p.at, min(p.at) OVER file_kind AS first_at,"
        " max(p.at) OVER file_kind AS last_at FROM input_problem p"
        f" WHERE p.plan_id = {d.mark} AND p.at >= coalesce(("
        " SELECT max(r.finished_at) FROM ingest_file f JOIN ingest_run r ON r.id = f.run_id"
        " WHERE r.plan_id = p.plan_id AND f.source = p.source"
        " AND (p.source <> 'long' OR f.name = p.file)"
        f"), {d.earliest})"
        " WINDOW file_kind AS (PARTITION BY p.source, p.file, p.sha256, p.kind)"
        ") latest WHERE at = last_at GROUP BY label, kind ORDER BY label, kind",
        (plan_id,),
    )
    return [
        OpenProblem(str(label), str(kind), d.moment(at), int(count))
        for label, kind, at, count in rows
    ]


def history_count(db: Executes, d: Dialect, plan_id: str | None) -> int:
    """How many replaced observation rows are kept (of ``plan_id``, or of every plan)."""
    where, params = _plan_filter(d, plan_id)
    for row in db.execute(f"SELECT count(*) FROM observation_history {where}", params):  # noqa: S608
        return int(row[0])
    return 0


def content_digest(stream: Stream, d: Dialect, plan_id: str | None) -> str:
    """sha256 over every current observation (key, value, note, provenance) in key order,
    then every history row in insertion order, dates as ISO text: equal digests mean an
    unchanged store for that plan (or all plans), whichever backend holds it."""
    where, params = _plan_filter(d, plan_id)
    digest = hashlib.sha256()
    for table, order in (
        ("observation", "plan_id, kpi, date, channel, line, ref"),
        ("observation_history", "id"),
    ):
        digest.update(f"\x1d{table}\x1d".encode())
        rows = stream(
            f"SELECT plan_id, kpi, {d.day_text}, channel, line, ref, value, note, file_id, "  # noqa: S608
            f"row_number FROM {table} {where} ORDER BY {order}",
            params,
            f"mk_digest_{table}",
        )
        for row in rows:
            digest.update(("\x1f".join(map(repr, row)) + "\x1e").encode())
    return digest.hexdigest()
