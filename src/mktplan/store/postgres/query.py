"""The :class:`~mktplan.observations.ObservationQuery` of one plan in a PostgreSQL store.

Semantics are those of :class:`mktplan.store.query.SqlObservations` (and so of
:class:`~mktplan.observations.MemoryObservations`): windows are answered from the daily
rollup in one statement; sums are ``numeric`` (exact, no 64-bit limit); the budget lines
and refs of one date and channel are summed before any aggregation.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any

import psycopg

from mktplan.observations import AggRequest, AggResult, Note, Span
from mktplan.store.postgres import failures
from mktplan.store.query import (
    TOTAL,
    Piece,
    channel_answers,
    channel_pieces,
    days_outside,
    window_read,
)
from mktplan.store.records import MICRO, from_micro

Window = tuple[str, dt.date, dt.date]  # (kpi, start, end)
Conn = psycopg.Connection[Any]

# A report groups up to 28,000 (kpi, channel) sums of 250,000 rollup rows in one statement:
# with the default 4 MB that hash spilled into sorted runs on disk; 64 MB keeps it in memory
# (for this read transaction only, like the SQLite reader's larger page cache).
READ_WORK_MEM = "SET LOCAL work_mem = '64MB'"


# Σ value by KPI and budget line of the rows that name a line (the partial index
# observation_lines holds only those).
NAMED_LINES = """
SELECT kpi, line, sum(value) FROM observation
WHERE plan_id = %s AND kpi = ANY(%s) AND date BETWEEN %s AND %s AND line <> ''
GROUP BY kpi, line"""

# Each KPI's total from the daily rollup, for the KPIs with a row without a line in the
# window (found by the first such row of the primary key, not by reading them all).
UNNAMED_TOTALS = """
SELECT k.kpi, (SELECT sum(d.total) FROM observation_day d WHERE d.plan_id = %(plan)s
               AND d.kpi = k.kpi AND d.date BETWEEN %(start)s AND %(end)s)
FROM unnest(%(kpis)s::text[]) AS k(kpi)
WHERE EXISTS (SELECT 1 FROM observation o WHERE o.plan_id = %(plan)s AND o.kpi = k.kpi
              AND o.date BETWEEN %(start)s AND %(end)s AND o.line = '')"""


# Count, first and last date and Σ value of each (kpi, start, stop) window over the daily
# rollup: one index range scan and aggregate per window, cheaper than grouping the joined
# day rows by window id (600,000 day rows in the bench report).
WINDOW_STATS = """
SELECT w.id, s.n, s.first, s.last, s.total
FROM unnest(%s::text[], %s::date[], %s::date[]) WITH ORDINALITY AS w(kpi, start, stop, id)
CROSS JOIN LATERAL (
    SELECT sum(d.n) AS n, min(d.date) AS first, max(d.date) AS last, sum(d.total) AS total
    FROM observation_day d
    WHERE d.plan_id = %s AND d.kpi = w.kpi AND d.date BETWEEN w.start AND w.stop) AS s
WHERE s.n IS NOT NULL"""

# Rows and Σ value of each (kpi, start, stop) range of days that holds some.
PART_SUMS = """
SELECT p.id, s.n, s.total
FROM unnest(%s::text[], %s::date[], %s::date[]) WITH ORDINALITY AS p(kpi, start, stop, id)
CROSS JOIN LATERAL (
    SELECT sum(d.n) AS n, sum(d.total) AS total FROM observation_day d
    WHERE d.plan_id = %s AND d.kpi = p.kpi AND d.date BETWEEN p.start AND p.stop) AS s
WHERE s.n IS NOT NULL"""

# The first and last day with data of each (kpi, start, stop) window (two index seeks).
WINDOW_DAYS = """
SELECT w.id,
    (SELECT min(d.date) FROM observation_day d
     WHERE d.plan_id = %(plan)s AND d.kpi = w.kpi AND d.date BETWEEN w.start AND w.stop),
    (SELECT max(d.date) FROM observation_day d
     WHERE d.plan_id = %(plan)s AND d.kpi = w.kpi AND d.date BETWEEN w.start AND w.stop)
FROM unnest(%(kpis)s::text[], %(starts)s::date[], %(stops)s::date[])
    WITH ORDINALITY AS w(kpi, start, stop, id)"""

# The lowest and highest daily value of each window that asks for min or max.
WINDOW_EXTREMES = """
SELECT w.id, s.low, s.high
FROM unnest(%s::text[], %s::date[], %s::date[]) WITH ORDINALITY AS w(kpi, start, stop, id)
CROSS JOIN LATERAL (
    SELECT min(d.low) AS low, max(d.high) AS high FROM observation_day d
    WHERE d.plan_id = %s AND d.kpi = w.kpi AND d.date BETWEEN w.start AND w.stop) AS s
WHERE s.low IS NOT NULL"""


# Σ value of each KPI in each (start, stop) window: a range scan of the daily rollup per KPI
# and window.
WINDOW_SUMS = """
SELECT w.id, k.kpi, s.total
FROM unnest(%s::date[], %s::date[]) WITH ORDINALITY AS w(start, stop, id)
CROSS JOIN unnest(%s::text[]) AS k(kpi)
CROSS JOIN LATERAL (
    SELECT sum(d.total) AS total FROM observation_day d
    WHERE d.plan_id = %s AND d.kpi = k.kpi AND d.date BETWEEN w.start AND w.stop) AS s
WHERE s.total IS NOT NULL"""

# The same for windows sorted by start that do not overlap: one range scan per KPI over
# all of them, each day in the window whose start is the last before it (width_bucket, a
# binary search of the starts) if it ends on or after that day; half the time of the above
# for the 53 weeks of 200 KPIs.
DISJOINT_WINDOW_SUMS = """
SELECT b.i, d.kpi, sum(d.total)
FROM observation_day d CROSS JOIN LATERAL (SELECT width_bucket(d.date, %(starts)s::date[]) AS i) b
WHERE d.plan_id = %(plan)s AND d.kpi = ANY(%(kpis)s) AND d.date BETWEEN %(first)s AND %(last)s
    AND b.i > 0 AND d.date <= (%(stops)s::date[])[b.i]
GROUP BY b.i, d.kpi"""

# Each KPI's totals over all its days (migration 7): first and last day, rows of the daily
# rollup, Σ value, lowest and highest daily value. A window holding every day of a KPI's
# data is that row; a KPI without a row has no data.
KPI_TOTALS = """
SELECT kpi, first, last, n, total, low, high FROM observation_kpi_total
WHERE plan_id = %s AND kpi = ANY(%s)"""


# Σ value by channel of spans (kpi, start, end): the channel totals of the KPIs with spans
# holding all their data (ids -1, -2, … in the order given), and the signed pieces of the
# others (the KPI's channel totals, months of the channel rollup, days of the rows: see
# mktplan.store.query.channel_pieces), one range scan each, added up per span and channel.
# Rows inside the window only: a month less all its days leaves none.
CHANNEL_SUMS = """
SELECT -i.id, t.channel, t.total
FROM unnest(%(inside)s::text[]) WITH ORDINALITY AS i(kpi, id)
JOIN observation_channel_total t ON t.plan_id = %(plan)s AND t.kpi = i.kpi
UNION ALL
SELECT p.id, s.channel, sum(s.total * p.sign)
FROM unnest(%(id)s::int[], %(kpi)s::text[], %(kind)s::text[], %(a)s::date[], %(b)s::date[],
            %(sign)s::int[]) AS p(id, kpi, kind, a, b, sign)
CROSS JOIN LATERAL (
    SELECT t.channel, t.n, t.total FROM observation_channel_total t
    WHERE p.kind = 'total' AND t.plan_id = %(plan)s AND t.kpi = p.kpi
    UNION ALL
    SELECT c.channel, c.n, c.total FROM observation_channel_month c
    WHERE p.kind = 'months' AND c.plan_id = %(plan)s AND c.kpi = p.kpi
        AND c.month BETWEEN p.a AND p.b
    UNION ALL
    SELECT o.channel, 1, o.value FROM observation o
    WHERE p.kind = 'days' AND o.plan_id = %(plan)s AND o.kpi = p.kpi
        AND o.date BETWEEN p.a AND p.b
) AS s
GROUP BY p.id, s.channel HAVING sum(s.n * p.sign) > 0"""

PLAN_KPI_TOTALS = """
SELECT kpi, first, last, n, total, low, high FROM observation_kpi_total WHERE plan_id = %s"""

# (first, last, rows, Σ value, low, high) of one KPI
_KpiTotals = tuple[dt.date, dt.date, int, Any, Any, Any]


def _by_kpi(rows: Sequence[tuple[Any, ...]]) -> dict[str, _KpiTotals]:
    return {str(r[0]): (r[1], r[2], int(r[3]), r[4], r[5], r[6]) for r in rows}


def _columns(windows: Sequence[Window]) -> tuple[list[str], list[dt.date], list[dt.date]]:
    """(kpi, start, stop) windows as three arrays, to unnest WITH ORDINALITY (ids from 1)."""
    return [w[0] for w in windows], [w[1] for w in windows], [w[2] for w in windows]


def _piece_dates(piece: Piece) -> tuple[str, dt.date | None, dt.date | None]:
    """A piece's kind and first and last days as the statement takes them (a month as its
    first day, the totals without days)."""
    if piece.kind == "total":
        return piece.kind, None, None
    if piece.kind == "months":
        return piece.kind, _day(f"{piece.first}-01"), _day(f"{piece.last}-01")
    return piece.kind, _day(piece.first), _day(piece.last)


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


class PgObservations:
    """Observations of ``plan_id``; inside ``with`` every answer comes from one REPEATABLE
    READ snapshot, so an ingest committing meanwhile cannot mix two states into a report."""

    def __init__(self, conn: Conn, plan_id: str, where: str) -> None:
        self._conn = conn
        self._plan = plan_id
        self._where = where
        self._held: AbstractContextManager[psycopg.Transaction] | None = None
        # every KPI's totals row, read once per held snapshot (aggregate, channel_sums and
        # latest_dates ask)
        self._totals: dict[str, _KpiTotals] | None = None

    def __enter__(self) -> PgObservations:
        with failures.translated(self._where, 0):
            held = self._conn.transaction()
            held.__enter__()
            self._held = held
            self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            self._conn.execute(READ_WORK_MEM)
        return self

    def __exit__(self, *exc: object) -> None:
        held, self._held = self._held, None
        self._totals = None
        if held is not None:
            held.__exit__(None, None, None)  # it only read

    @contextmanager
    def _snapshot(self) -> Iterator[psycopg.Cursor[Any]]:
        with failures.translated(self._where, 0):
            if self._held is not None:
                with self._conn.cursor() as cur:
                    yield cur
            else:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    cur.execute(READ_WORK_MEM)
                    yield cur

    def aggregate(self, requests: Sequence[AggRequest]) -> dict[AggRequest, AggResult]:
        """Answer every request (semantics of :func:`mktplan.observations.aggregate_rows`)."""
        windows = list(dict.fromkeys((r.kpi, r.start, r.end) for r in requests))
        extremes = list(
            dict.fromkeys((r.kpi, r.start, r.end) for r in requests if r.how in ("min", "max"))
        )
        out: dict[AggRequest, AggResult] = {}
        with self._snapshot() as cur:
            totals = self._kpi_totals(cur, [w[0] for w in windows])
            # a window holding every day of its KPI's data is the KPI's totals row, one
            # holding none of them has no stats; the others are a range scan of their days,
            # or of the days of data outside them when fewer (and no min or max is asked):
            # the KPI's totals less those
            stats: dict[Window, tuple[Any, ...]] = {}
            bounds: dict[Window, tuple[Any, Any]] = {}
            scanned: list[Window] = []
            less: list[Window] = []
            asked_extremes = set(extremes)
            for window in windows:
                kpi_totals = totals.get(window[0])
                if kpi_totals is None:
                    continue
                _, start, end = window
                first, last, count, total, low, high = kpi_totals
                read = window_read(start, end, first, last, extremes=window in asked_extremes)
                if read == "all":
                    stats[window] = (count, first, last, total)
                    bounds[window] = (low, high)
                elif read == "days":
                    scanned.append(window)
                elif read == "outside":
                    less.append(window)
            if scanned:
                cur.execute(WINDOW_STATS, (*_columns(scanned), self._plan))
                stats.update((scanned[int(row[0]) - 1], row[1:]) for row in cur.fetchall())
            if less:
                stats.update(self._totals_less_outside(cur, less, totals))
            wanted = asked_extremes
            extremes = [w for w in scanned if w in wanted]
            if extremes:  # min and max cost a numeric comparison per day row: only if asked
                cur.execute(WINDOW_EXTREMES, (*_columns(extremes), self._plan))
                bounds.update(
                    (extremes[int(wid) - 1], (low, high)) for wid, low, high in cur.fetchall()
                )
            lasts = self._last_totals(
                cur,
                [
                    w
                    for w in dict.fromkeys(
                        (r.kpi, r.start, r.end) for r in requests if r.how == "last"
                    )
                    if w in stats
                ],
            )
            for req in requests:
                window = (req.kpi, req.start, req.end)
                found = stats.get(window)
                if found is None:
                    out[req] = AggResult(None, 0, None, None)
                    continue
                count, first, last, total = found
                low, high = bounds.get(window, (None, None))
                value: Decimal | None
                if req.how == "sum":
                    value = from_micro(int(total))
                elif req.how == "last":
                    value = from_micro(lasts[window])
                elif req.how == "max":
                    value = from_micro(int(high))
                elif req.how == "min":
                    value = from_micro(int(low))
                elif req.how == "mean" and req.weight is None:
                    value = from_micro(int(total)) / int(count)
                elif req.how == "mean" and req.weight is not None:
                    value = self._weighted(cur, req.kpi, req.weight, req.start, req.end)
                else:  # every aggregation of the vocabulary is handled above
                    raise AssertionError(f"unhandled request {req}")
                out[req] = AggResult(value, int(count), first, last)
        return out

    def _totals_less_outside(
        self, cur: psycopg.Cursor[Any], windows: Sequence[Window], totals: dict[str, _KpiTotals]
    ) -> dict[Window, tuple[Any, ...]]:
        """(rows, first, last, Σ value) of each window that cuts its KPI's data: the KPI's
        totals less the days of data before and after the window, and the window's first and
        last days by two index seeks."""
        parts: list[tuple[int, str, dt.date, dt.date]] = []  # (window, kpi, first, last)
        for i, (kpi, start, end) in enumerate(windows):
            first, last = totals[kpi][0], totals[kpi][1]
            parts.extend((i, kpi, a, b) for a, b in days_outside(start, end, first, last))
        outside: dict[int, list[int]] = {}
        cur.execute(
            PART_SUMS,
            ([p[1] for p in parts], [p[2] for p in parts], [p[3] for p in parts], self._plan),
        )
        for pid, count, total in cur.fetchall():
            found = outside.setdefault(parts[int(pid) - 1][0], [0, 0])
            found[0] += int(count)
            found[1] += int(total)
        kpis, starts, stops = _columns(windows)
        cur.execute(
            WINDOW_DAYS, {"plan": self._plan, "kpis": kpis, "starts": starts, "stops": stops}
        )
        stats: dict[Window, tuple[Any, ...]] = {}
        for wid, first, last in cur.fetchall():
            if first is None:  # no day of data in the window
                continue
            window = windows[int(wid) - 1]
            count, total = outside.get(int(wid) - 1, (0, 0))
            kpi_totals = totals[window[0]]
            stats[window] = (
                int(kpi_totals[2]) - count,
                first,
                last,
                int(kpi_totals[3]) - total,
            )
        return stats

    def _kpi_totals(self, cur: psycopg.Cursor[Any], kpis: Sequence[str]) -> dict[str, _KpiTotals]:
        """(first, last, rows, Σ value, low, high) of each of ``kpis`` that has data; inside
        a held snapshot, every KPI's read once."""
        wanted = list(dict.fromkeys(kpis))
        if self._held is None:
            cur.execute(KPI_TOTALS, (self._plan, wanted))
            return _by_kpi(cur.fetchall())
        totals = self._plan_totals(cur)
        return {k: totals[k] for k in wanted if k in totals}

    def _plan_totals(self, cur: psycopg.Cursor[Any]) -> dict[str, _KpiTotals]:
        """The totals of every KPI of the plan with data; read once per held snapshot."""
        if self._held is None:
            cur.execute(PLAN_KPI_TOTALS, (self._plan,))
            return _by_kpi(cur.fetchall())
        if self._totals is None:
            cur.execute(PLAN_KPI_TOTALS, (self._plan,))
            self._totals = _by_kpi(cur.fetchall())
        return self._totals

    def _last_totals(self, cur: psycopg.Cursor[Any], windows: list[Window]) -> dict[Window, int]:
        """Σ value over channels on each window's last day with data (a backward index
        seek per window, not a sort of its days)."""
        if not windows:
            return {}
        cur.execute(
            "SELECT w.id, last.total FROM unnest(%s::text[], %s::date[], %s::date[]) "
            "WITH ORDINALITY AS w(kpi, start, stop, id) CROSS JOIN LATERAL ("
            "SELECT total FROM observation_day d WHERE d.plan_id = %s AND d.kpi = w.kpi "
            "AND d.date BETWEEN w.start AND w.stop ORDER BY d.date DESC LIMIT 1) AS last",
            (*_columns(windows), self._plan),
        )
        return {windows[int(wid) - 1]: int(total) for wid, total in cur.fetchall()}

    def _weighted(
        self, cur: psycopg.Cursor[Any], kpi: str, weight: str, start: dt.date, end: dt.date
    ) -> Decimal | None:
        """Σ v·w ÷ Σ w over (date, channel) pairs where both KPIs have a value, exact."""
        by_channel = (
            "(SELECT date, channel, sum(value) AS value FROM observation "
            "WHERE plan_id = %s AND kpi = %s AND date BETWEEN %s AND %s GROUP BY date, channel)"
        )
        row = cur.execute(
            f"SELECT count(*), sum(o.value * w.value), sum(w.value) FROM {by_channel} o "  # noqa: S608
            f"JOIN {by_channel} w ON w.date = o.date AND w.channel = o.channel",
            (self._plan, kpi, start, end, self._plan, weight, start, end),
        ).fetchone()
        if row is None or not row[0] or not row[2]:
            return None
        num, den = int(row[1]), int(row[2])  # micro² and micro units
        return Decimal(num) / Decimal(den * MICRO)

    def is_empty(self) -> bool:
        """Whether the store holds no observation of the plan at all (one index seek)."""
        with self._snapshot() as cur:
            cur.execute("SELECT 1 FROM observation_day WHERE plan_id = %s LIMIT 1", (self._plan,))
            return cur.fetchone() is None

    def latest_dates(self) -> dict[str, dt.date]:
        """The latest observation date of every KPI of the plan: the last day of its totals
        (``observation_kpi_total``, a row per KPI with data), read once per held snapshot."""
        with self._snapshot() as cur:
            return {kpi: totals[1] for kpi, totals in self._plan_totals(cur).items()}

    def sums_by_line(self, kpis: Sequence[str], start: dt.date, end: dt.date) -> dict[str, Decimal]:
        """Σ value of ``kpis`` in the window by budget line ('' for observations without one).

        The rows that name a line are read through their own index (``observation_lines``;
        spend booked by line is the exception); the rest, often every row, is each KPI's
        total from the daily rollup less them, and the rows without a line are only looked
        at to see that there is one (as :meth:`SqlObservations.sums_by_line` does)."""
        wanted = list(dict.fromkeys(kpis))
        named: dict[str, list[tuple[str, int]]] = {}
        unnamed: dict[str, int] = {}  # the rollup total less the named lines, per KPI
        with self._snapshot() as cur:  # two statements for every KPI
            cur.execute(NAMED_LINES, (self._plan, wanted, start, end))
            for kpi, line, total in cur.fetchall():
                named.setdefault(kpi, []).append((line, int(total)))
            cur.execute(
                UNNAMED_TOTALS, {"plan": self._plan, "kpis": wanted, "start": start, "end": end}
            )
            for kpi, total in cur.fetchall():
                unnamed[kpi] = int(total) - sum(t for _, t in named.get(kpi, []))
        sums: dict[str, int] = {}
        for kpi in kpis:  # as given: a KPI listed twice counts twice, as in memory
            for line, total in named.get(kpi, []):
                sums[line] = sums.get(line, 0) + total
            if kpi in unnamed:
                sums[""] = sums.get("", 0) + unnamed[kpi]
        return {line: from_micro(total) for line, total in sums.items()}

    def window_sums(
        self, kpis: Sequence[str], windows: Sequence[tuple[dt.date, dt.date]]
    ) -> list[Decimal | None]:
        """Σ value of every observation of ``kpis`` (each KPI once) in each window, in order;
        None for a window where none has one; the KPIs' sums added in the order given (the
        semantics of :meth:`mktplan.store.query.SqlObservations.window_sums`). One statement
        over the daily rollup: windows that do not overlap (a report's weeks) are one range
        scan per KPI, each day counted in the window it falls in; others a range scan per KPI
        and window."""
        order = {kpi: i for i, kpi in enumerate(dict.fromkeys(kpis))}
        found: dict[int, list[tuple[int, int]]] = {}
        # the windows that hold days, by start: disjoint when each ends before the next starts
        held = sorted((i for i, (a, b) in enumerate(windows) if a <= b), key=lambda i: windows[i])
        disjoint = all(windows[a][1] < windows[b][0] for a, b in itertools.pairwise(held))
        if order and held:
            with self._snapshot() as cur:
                if disjoint:
                    cur.execute(
                        DISJOINT_WINDOW_SUMS,
                        {
                            "plan": self._plan,
                            "kpis": list(order),
                            "starts": [windows[i][0] for i in held],
                            "stops": [windows[i][1] for i in held],
                            "first": windows[held[0]][0],
                            "last": windows[held[-1]][1],
                        },
                    )
                    for bucket, kpi, total in cur.fetchall():
                        found.setdefault(held[int(bucket) - 1], []).append((order[kpi], int(total)))
                else:
                    cur.execute(
                        WINDOW_SUMS,
                        ([w[0] for w in windows], [w[1] for w in windows], list(order), self._plan),
                    )
                    for wid, kpi, total in cur.fetchall():
                        found.setdefault(int(wid) - 1, []).append((order[kpi], int(total)))
        return [
            sum((from_micro(total) for _, total in sorted(found[i])), Decimal(0))
            if i in found
            else None
            for i in range(len(windows))
        ]

    def daily_totals(
        self, kpis: Sequence[str], start: dt.date, end: dt.date
    ) -> list[tuple[str, dt.date, Decimal]]:
        """(kpi, date, Σ value over channels), sorted by kpi then date."""
        totals: dict[tuple[str, dt.date], int] = {}
        with self._snapshot() as cur:
            for kpi in kpis:
                cur.execute(
                    "SELECT date, total FROM observation_day "
                    "WHERE plan_id = %s AND kpi = %s AND date BETWEEN %s AND %s",
                    (self._plan, kpi, start, end),
                )
                for day, total in cur.fetchall():
                    totals[(kpi, day)] = totals.get((kpi, day), 0) + int(total)
        return [(kpi, day, from_micro(total)) for (kpi, day), total in sorted(totals.items())]

    def channel_sums(self, spans: Sequence[Span]) -> dict[Span, dict[str, Decimal]]:
        """Σ value of each (kpi, start, end) span by channel ('' for observations without
        one); a span without observations is left out.

        Each span is cut into signed pieces by :func:`mktplan.store.query.channel_pieces`,
        knowing its KPI's first and last days (``observation_kpi_total``): a span holding
        all the KPI's data is its channel totals (``observation_channel_total``); the others
        add up totals, months of ``observation_channel_month`` and days of the rows,
        whichever are fewer, with their signs, on the server: one statement for every span
        of a report, however many windows."""
        wanted = list(dict.fromkeys(spans))
        sums: dict[Span, dict[str, Decimal]] = {}
        if not wanted:
            return sums
        with self._snapshot() as cur:
            totals = self._kpi_totals(cur, [s.kpi for s in wanted])
            inside: dict[str, list[Span]] = {}  # the spans holding all their KPI's data
            # (span, kpi, kind, first, last, sign) of each piece of the other spans
            pieces: list[tuple[int, str, str, dt.date | None, dt.date | None, int]] = []
            cut: dict[tuple[dt.date, dt.date, dt.date, dt.date], list[Piece]] = {}
            for i, span in enumerate(wanted):
                kpi, start, end = span
                kpi_totals = totals.get(kpi)
                if kpi_totals is None:  # no data at all
                    continue
                key = (start, end, kpi_totals[0], kpi_totals[1])
                if key not in cut:
                    cut[key] = channel_pieces(*key)
                if cut[key] == [TOTAL]:
                    inside.setdefault(kpi, []).append(span)
                    continue
                pieces.extend((i, kpi, *_piece_dates(piece), piece.sign) for piece in cut[key])
            if not inside and not pieces:
                return sums
            cur.execute(
                CHANNEL_SUMS,
                {
                    "plan": self._plan,
                    "inside": list(inside),  # each KPI's totals read once
                    **{
                        name: [p[k] for p in pieces]
                        for k, name in enumerate(("id", "kpi", "kind", "a", "b", "sign"))
                    },
                },
            )
            whole: dict[str, dict[str, Decimal]] = {}
            kpis = list(inside)
            for sid, channel, total in cur.fetchall():
                value = from_micro(int(total))
                if sid < 0:
                    whole.setdefault(kpis[-int(sid) - 1], {})[channel] = value
                else:
                    sums.setdefault(wanted[int(sid)], {})[channel] = value
        return channel_answers(wanted, sums, inside, whole)

    def notes(self, start: dt.date, end: dt.date) -> list[Note]:
        """Non-empty notes in the window, sorted by date, kpi, channel and note text."""
        with self._snapshot() as cur:
            cur.execute(
                "SELECT kpi, date, channel, note FROM observation WHERE plan_id = %s "
                "AND date BETWEEN %s AND %s AND note IS NOT NULL AND note <> '' "
                'ORDER BY date, kpi, channel, note COLLATE "C"',
                (self._plan, start, end),
            )
            return [Note(kpi, day, ch, note) for kpi, day, ch, note in cur.fetchall()]
