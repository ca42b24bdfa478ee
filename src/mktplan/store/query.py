"""The :class:`~mktplan.observations.ObservationQuery` of one plan, answered in SQL.

Semantics are exactly those of :class:`~mktplan.observations.MemoryObservations`. Windows
are answered from the daily rollup ``observation_day`` (recounted by every write), all in one
statement; sums, last, max and min are exact integer micro-units turned into ``Decimal``.
Only weighted means and budget lines read the observation rows themselves. The budget lines
and refs of one date and channel are summed before any aggregation: max, min, mean and the
count see one value per date × channel.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Literal, NamedTuple

from mktplan.observations import AggRequest, AggResult, Note, Span
from mktplan.store import failures
from mktplan.store.records import MICRO, from_micro

Window = tuple[str, dt.date, dt.date]  # (kpi, start, end)
READ_CACHE_KIB = 64 * 1024  # page cache of a report's read snapshot
DAY = dt.timedelta(days=1)
ZERO = Decimal(0)  # the start of a sum of Decimals, as sum() starts


class _Stats(NamedTuple):
    """A window's statistics (a named tuple: a report builds one for each of its 7,000
    windows, and a frozen dataclass's ``__init__`` costs three times as much)."""

    rows: int  # observations (date × channel values) in the window
    first: dt.date
    last: dt.date
    total: int | None  # Σ micro-units, when asked for
    low: int | None  # min micro-units, when asked for
    high: int | None


def _file_of(conn: sqlite3.Connection) -> Path:
    """The file of the connection's main database, to name in errors."""
    return Path(str(conn.execute("PRAGMA database_list").fetchone()[2]))


def _is_overflow(exc: sqlite3.Error) -> bool:
    return "integer overflow" in str(exc)


def _month_end(day: dt.date) -> dt.date:
    if day.month == 12:  # (the calendar's last month has no next one)
        return day.replace(day=31)
    return day.replace(month=day.month + 1, day=1) - DAY


PieceKind = Literal["total", "months", "days"]


class Piece(NamedTuple):
    """One signed part of a span's channel sums: the KPI's channel totals
    (``observation_channel_total``), the months ``first`` … ``last`` ('YYYY-MM') of the
    channel rollup (``observation_channel_month``) or the days ``first`` … ``last`` (ISO
    dates) of the rows."""

    kind: PieceKind
    first: str
    last: str
    sign: int  # 1 or -1


TOTAL = Piece("total", "", "", 1)
PIECE_KINDS: dict[PieceKind, int] = {"total": 0, "months": 1, "days": 2}  # in temp tables


def _cost(pieces: Sequence[Piece]) -> int:
    """Rollup rows or row days read per channel: a month or a day each, the totals one."""
    cost = 0
    for kind, first, last, _ in pieces:
        if kind == "total":
            cost += 1
        elif kind == "months":
            cost += (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
        else:
            cost += (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
    return cost


def channel_pieces(start: dt.date, end: dt.date, first: dt.date, last: dt.date) -> list[Piece]:
    """The signed pieces whose channel sums add up to those of the days ``start`` … ``end``
    of a KPI whose data lies within ``first`` … ``last`` (its totals row): none when the
    window holds none of its data, its totals when it holds all; otherwise the window's own
    pieces or the totals less the pieces of the data before and after it, whichever reads
    fewer rollup rows and rows. A report's windows mostly run from the plan start to a due
    date: when that date is late in the data, the months after it are fewer than those
    before it."""
    lo, hi = max(start, first), min(end, last)
    if hi < lo:
        return []
    if (lo, hi) == (first, last):
        return [TOTAL]
    inside = _range_pieces(lo, hi, first, last, 1)
    outside = [TOTAL]
    if lo > first:
        outside += _range_pieces(first, lo - DAY, first, last, -1)
    if hi < last:
        outside += _range_pieces(hi + DAY, last, first, last, -1)
    return inside if _cost(inside) <= _cost(outside) else outside


def _range_pieces(
    start: dt.date, end: dt.date, first: dt.date, last: dt.date, sign: int
) -> list[Piece]:
    """Pieces (with ``sign``) of the days ``start`` … ``end`` of data lying within ``first``
    … ``last``: the months whose data days all lie in the range from the rollup, and for a
    month cut by an edge either its data days inside the range from the rows or, when fewer,
    the month less its data days outside. Consecutive months are one piece."""
    if end < start:
        return []
    months: list[dt.date] = []
    days: list[Piece] = []
    month = start.replace(day=1)
    while True:
        month_last = _month_end(month)
        # the month's data days, and those of the range
        held_lo, held_hi = max(month, first), min(month_last, last)
        lo, hi = max(month, start), min(month_last, end)
        inside = (hi - lo).days + 1
        if (lo, hi) == (held_lo, held_hi):
            months.append(month)
        elif inside <= (held_hi - held_lo).days + 1 - inside + 1:
            days.append(Piece("days", lo.isoformat(), hi.isoformat(), sign))
        else:
            months.append(month)
            if lo > held_lo:
                days.append(Piece("days", held_lo.isoformat(), (lo - DAY).isoformat(), -sign))
            if hi < held_hi:
                days.append(Piece("days", (hi + DAY).isoformat(), held_hi.isoformat(), -sign))
        if month_last >= end:
            break
        month = month_last + DAY
    runs: list[list[dt.date]] = []
    for month in months:  # consecutive months as one range of the rollup
        if runs and (month.year - runs[-1][-1].year) * 12 + month.month - runs[-1][-1].month == 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    ranges = [Piece("months", r[0].isoformat()[:7], r[-1].isoformat()[:7], sign) for r in runs]
    return ranges + days


WindowRead = Literal["none", "all", "days", "outside"]


def window_read(
    start: dt.date, end: dt.date, first: dt.date, last: dt.date, *, extremes: bool
) -> WindowRead:
    """How ``aggregate`` answers the days ``start`` … ``end`` of a KPI whose data lies within
    ``first`` … ``last`` (its totals row), on either backend: it holds ``none`` of the data,
    or ``all`` of it (the totals row), or is read from its own ``days`` of the daily rollup,
    or is the totals less the days of data ``outside`` it, when those are fewer and no min
    or max is asked (``extremes``)."""
    if end < first or start > last:
        return "none"
    if start <= first and last <= end:
        return "all"
    inside = (min(end, last) - max(start, first)).days + 1
    if extremes or inside <= (last - first).days + 1 - inside:
        return "days"
    return "outside"


def days_outside(
    start: dt.date, end: dt.date, first: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """The days of data ``first`` … ``last`` before and after the window ``start`` … ``end``."""
    days: list[tuple[dt.date, dt.date]] = []
    if start > first:
        days.append((first, start - DAY))
    if end < last:
        days.append((end + DAY, last))
    return days


def channel_answers(
    wanted: Sequence[Span],
    cut_sums: dict[Span, dict[str, Decimal]],
    whole_spans: dict[str, list[Span]],
    kpi_totals: dict[str, dict[str, Decimal]],
) -> dict[Span, dict[str, Decimal]]:
    """``channel_sums``' answer on either backend, in the order asked: each span holding all
    its KPI's data gets (a copy of) that KPI's channel totals, read once per KPI, and the
    others their summed pieces; a span without observations is left out."""
    sums = dict(cut_sums)
    for kpi, kpi_spans in whole_spans.items():
        if kpi in kpi_totals:
            for span in kpi_spans:
                sums[span] = dict(kpi_totals[kpi])
    return {span: sums[span] for span in wanted if span in sums}


def _decimal(whole: int, rest: int) -> Decimal:
    """The ``Decimal`` of a sum kept as whole units and micro-unit remainders, as
    :func:`from_micro` gives it (directly when a whole number: most channel sums are counts)."""
    return Decimal(whole) if rest == 0 else from_micro(whole * MICRO + rest)


class SqlObservations:
    """Observations of ``plan_id`` in an open store connection.

    Used as a context manager, every answer inside the ``with`` block comes from one read
    transaction, so a report sees one state of the store even while an ingest commits
    (WAL readers keep their snapshot); outside a ``with`` each call is its own snapshot.
    """

    def __init__(
        self, conn: sqlite3.Connection, plan_id: str, store_path: Path | None = None
    ) -> None:
        self._conn = conn
        self._plan = plan_id
        self._path = store_path or _file_of(conn)

    def __enter__(self) -> SqlObservations:
        if self._conn.in_transaction:
            raise failures.StoreUnusable(
                "cannot start a read snapshot inside another transaction", file=str(self._path)
            )
        try:
            with failures.translated(self._path):
                # a report reads the same rollup pages many times over (every window of
                # 2,000 KPIs): a 64 MiB page cache instead of 2 MiB keeps them in memory
                self._conn.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
                self._conn.execute("BEGIN")
                # a deferred BEGIN takes its snapshot at the first read: read now, not at the
                # first query of the report, which may come after an ingest committed
                self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")  # it only read (and filled temp tables)

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so every answer of a call sees the same store."""
        conn = self._conn
        own = not conn.in_transaction
        with failures.translated(self._path):
            try:
                if own:
                    conn.execute("BEGIN")
                yield conn
            finally:
                if own and conn.in_transaction:
                    conn.execute("COMMIT")

    def _stats(
        self, conn: sqlite3.Connection, window: Window, total: bool, low: bool, high: bool
    ) -> _Stats | None:
        """Count, first and last date of a window, and only the aggregates asked for: each
        aggregate costs a step per row, the dates are two index seeks."""
        kpi, start, end = window
        params = (self._plan, kpi, start.isoformat(), end.isoformat())
        where = "FROM observation WHERE plan_id = ? AND kpi = ? AND date BETWEEN ? AND ?"
        first = conn.execute(f"SELECT date {where} ORDER BY date LIMIT 1", params).fetchone()
        if first is None:
            return None
        last = conn.execute(f"SELECT date {where} ORDER BY date DESC LIMIT 1", params).fetchone()
        # one value per date × channel: its budget lines and refs summed
        where = f"FROM (SELECT sum(value) AS value {where} GROUP BY date, channel)"
        head = "SELECT count(*), {}, {}".format(
            "min(value)" if low else "NULL", "max(value)" if high else "NULL"
        )
        sums = ("sum(value), 0", f"sum(value / {MICRO}), sum(value % {MICRO})")
        scale = 1
        try:
            row = conn.execute(f"{head}, {sums[0] if total else 'NULL, NULL'} {where}", params)
            count, lowest, highest, whole, rest = row.fetchone()
        except sqlite3.OperationalError as exc:
            if not _is_overflow(exc):
                raise
            # beyond 64 bits: sum whole units and micro remainders apart, join them in Python
            row = conn.execute(f"{head}, {sums[1]} {where}", params)
            count, lowest, highest, whole, rest = row.fetchone()
            scale = MICRO
        return _Stats(
            rows=int(count),
            first=dt.date.fromisoformat(first[0]),
            last=dt.date.fromisoformat(last[0]),
            total=int(whole) * scale + int(rest) if total else None,
            low=None if lowest is None else int(lowest),
            high=None if highest is None else int(highest),
        )

    def _weighted(
        self, conn: sqlite3.Connection, kpi: str, weight: str, start: dt.date, end: dt.date
    ) -> Decimal | None:
        """Σ v·w ÷ Σ w over (date, channel) pairs where both KPIs have a value (each the sum
        of its budget lines and refs)."""
        by_channel = (
            "(SELECT date, channel, sum(value) AS value FROM observation "
            "WHERE plan_id = ? AND kpi = ? AND date BETWEEN ? AND ? GROUP BY date, channel)"
        )
        join = (
            f"FROM {by_channel} o JOIN {by_channel} w ON w.date = o.date AND w.channel = o.channel"
        )
        window = (start.isoformat(), end.isoformat())
        params = (self._plan, kpi, *window, self._plan, weight, *window)
        m = MICRO
        # v·w split into whole units and micro remainders stays within 64 bits for realistic
        # figures, so the answer is exact; past that, fall back to REAL products
        exact = (
            f"SELECT count(*), sum(w.value / {m}), sum(w.value % {m}), "
            f"sum((o.value / {m}) * (w.value / {m})), sum((o.value / {m}) * (w.value % {m})), "
            f"sum((o.value % {m}) * (w.value / {m})), sum((o.value % {m}) * (w.value % {m})) "
            f"{join}"
        )
        parts: tuple[object, ...] | None
        try:
            parts = tuple(conn.execute(exact, params).fetchone())
        except sqlite3.OperationalError as exc:
            if not _is_overflow(exc):
                raise
            parts = None
        if parts is not None:
            if not parts[0]:
                return None  # no (date, channel) where both have a value
            ints = [p for p in parts if isinstance(p, int)]
            if len(ints) == len(parts):
                _, wh, wl, hh, hl, lh, ll = ints
                den = wh * m + wl  # micro-units
                num = Decimal(hh * m * m + (hl + lh) * m + ll)  # micro² units
                return num / Decimal(den * m) if den else None
        approx, wh, wl = conn.execute(
            f"SELECT total(CAST(o.value AS REAL) * w.value), sum(w.value / {m}), "
            f"sum(w.value % {m}) {join}",
            params,
        ).fetchone()
        den = int(wh or 0) * m + int(wl or 0)
        return Decimal(repr(approx)) / Decimal(den * m) if den else None

    def _day_stats(
        self, conn: sqlite3.Connection, windows: Sequence[Window], extremes: set[Window]
    ) -> dict[Window, _Stats | None] | None:
        """Stats of every window over the daily rollup (observation_day): a window costs a
        range scan over its days, not its rows. Each KPI's totals (``observation_kpi_total``:
        first and last day, count, Σ, lowest and highest daily value) are read first: a window
        holding none of its KPI's data days has no stats and one holding all of them is its
        KPI's totals row, without a statement (in a report as of the plan end, most windows
        are one or the other). One statement sums every other window and finds its first and
        last dates by two index seeks (not a step per day row), and min and max are read only
        for the windows in ``extremes``: each aggregate is a step per day row. None when a sum
        would pass 64 bits (the caller then scans the rows)."""
        totals = {
            str(kpi): (dt.date.fromisoformat(first), dt.date.fromisoformat(last), *figures)
            for kpi, first, last, *figures in conn.execute(
                "SELECT kpi, first, last, n, whole, rest, low, high FROM observation_kpi_total "
                "WHERE plan_id = ?",
                (self._plan,),
            )
        }
        stats: dict[Window, _Stats | None] = dict.fromkeys(windows)
        scanned: list[Window] = []
        # the day ranges summed for each scanned window (its own days, or the days of data
        # outside it when fewer: the window is then its KPI's totals less them)
        parts: list[tuple[int, str, str, str]] = []  # (scanned window, kpi, first, last)
        less: dict[int, tuple[int, int, int]] = {}  # scanned window: (n, whole, rest) totals
        for window in windows:
            kpi, start, end = window
            found = totals.get(kpi)
            if found is None:  # no data at all
                continue
            first, last, count, whole, rest, low, high = found
            asked = window in extremes
            read = window_read(start, end, first, last, extremes=asked)
            if read == "none":
                continue
            if read == "all":
                stats[window] = _Stats(
                    rows=int(count),
                    first=first,
                    last=last,
                    total=int(whole) * MICRO + int(rest),
                    low=int(low) if asked else None,
                    high=int(high) if asked else None,
                )
                continue
            number = len(scanned)
            scanned.append(window)
            if read == "days":
                parts.append((number, kpi, start.isoformat(), end.isoformat()))
                continue
            less[number] = (int(count), int(whole), int(rest))
            parts.extend(
                (number, kpi, a.isoformat(), b.isoformat())
                for a, b in days_outside(start, end, first, last)
            )
        if not scanned:
            return stats
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS mk_span (id INTEGER PRIMARY KEY, kpi TEXT NOT NULL, "
            "start TEXT NOT NULL, stop TEXT NOT NULL, extremes INTEGER NOT NULL)"
        )
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS mk_span_part (id INTEGER PRIMARY KEY, "
            "span INTEGER NOT NULL, kpi TEXT NOT NULL, start TEXT NOT NULL, stop TEXT NOT NULL)"
        )
        conn.execute("DELETE FROM mk_span")
        conn.execute("DELETE FROM mk_span_part")
        conn.executemany(
            "INSERT INTO mk_span (id, kpi, start, stop, extremes) VALUES (?, ?, ?, ?, ?)",
            [
                (i, w[0], w[1].isoformat(), w[2].isoformat(), w in extremes)
                for i, w in enumerate(scanned)
            ],
        )
        conn.executemany(
            "INSERT INTO mk_span_part (span, kpi, start, stop) VALUES (?, ?, ?, ?)", parts
        )
        sums = [[0, 0, 0] for _ in scanned]  # (n, whole, rest) of each window's parts
        try:
            for wid, count, whole, rest in conn.execute(
                "SELECT p.span, sum(d.n), sum(d.whole), sum(d.rest) FROM mk_span_part p "
                "JOIN observation_day d ON d.plan_id = ?1 AND d.kpi = p.kpi "
                "AND d.date BETWEEN p.start AND p.stop GROUP BY p.id",
                (self._plan,),
            ):
                found_sums = sums[wid]
                found_sums[0] += int(count)
                found_sums[1] += int(whole)
                found_sums[2] += int(rest)
        except sqlite3.OperationalError as exc:
            if not _is_overflow(exc):
                raise
            return None
        bounds: dict[int, tuple[int, int]] = {}
        if extremes:
            bounds = {
                wid: (low, high)
                for wid, low, high in conn.execute(
                    "SELECT w.id, min(d.low), max(d.high) FROM mk_span w JOIN observation_day d "
                    "ON d.plan_id = ?1 AND d.kpi = w.kpi AND d.date BETWEEN w.start AND w.stop "
                    "WHERE w.extremes GROUP BY w.id",
                    (self._plan,),
                )
            }
        seek = (
            "(SELECT {} FROM observation_day x "
            "WHERE x.plan_id = ?1 AND x.kpi = w.kpi AND x.date BETWEEN w.start AND w.stop)"
        )
        for wid, first, last in conn.execute(
            f"SELECT w.id, {seek.format('min(x.date)')}, {seek.format('max(x.date)')} "  # noqa: S608
            "FROM mk_span w",
            (self._plan,),
        ):
            if first is None:  # no day of data in the window
                continue
            count, whole, rest = sums[wid]
            if wid in less:
                all_count, all_whole, all_rest = less[wid]
                count, whole, rest = all_count - count, all_whole - whole, all_rest - rest
            low, high = bounds.get(wid, (None, None))
            stats[scanned[wid]] = _Stats(
                rows=count,
                first=dt.date.fromisoformat(first),
                last=dt.date.fromisoformat(last),
                total=whole * MICRO + rest,
                low=None if low is None else int(low),
                high=None if high is None else int(high),
            )
        return stats

    def _day_total(self, conn: sqlite3.Connection, kpi: str, day: dt.date) -> int:
        """Σ value over channels of one KPI on one day, from the rollup."""
        row = conn.execute(
            "SELECT whole, rest FROM observation_day WHERE plan_id = ? AND kpi = ? AND date = ?",
            (self._plan, kpi, day.isoformat()),
        ).fetchone()
        return 0 if row is None else int(row[0]) * MICRO + int(row[1])

    def aggregate(self, requests: Sequence[AggRequest]) -> dict[AggRequest, AggResult]:
        """Answer every request (semantics of :func:`mktplan.observations.aggregate_rows`)."""
        hows: dict[Window, set[str]] = {}
        for req in requests:
            how = "sum" if req.how == "mean" and req.weight is None else req.how
            hows.setdefault((req.kpi, req.start, req.end), set()).add(how)
        out: dict[AggRequest, AggResult] = {}
        with self._snapshot() as conn:
            windows = list(hows)
            extremes = {w for w, asked in hows.items() if asked & {"min", "max"}}
            stats = self._day_stats(conn, windows, extremes)
            if stats is None:
                stats = {
                    window: self._stats(
                        conn, window, "sum" in asked, "min" in asked, "max" in asked
                    )
                    for window, asked in hows.items()
                }
            lasts: dict[Window, Decimal] = {}
            for req in requests:
                window = (req.kpi, req.start, req.end)
                st = stats[window]
                if st is None:
                    out[req] = AggResult(None, 0, None, None)
                    continue
                value: Decimal | None
                if req.how == "sum" and st.total is not None:
                    value = from_micro(st.total)
                elif req.how == "last":
                    if window not in lasts:
                        lasts[window] = from_micro(self._day_total(conn, req.kpi, st.last))
                    value = lasts[window]
                elif req.how == "max" and st.high is not None:
                    value = from_micro(st.high)
                elif req.how == "min" and st.low is not None:
                    value = from_micro(st.low)
                elif req.how == "mean" and req.weight is None and st.total is not None:
                    value = from_micro(st.total) / st.rows
                elif req.how == "mean" and req.weight is not None:
                    value = self._weighted(conn, req.kpi, req.weight, req.start, req.end)
                else:  # every aggregate a request needs was computed above
                    raise AssertionError(f"unhandled request {req}")
                out[req] = AggResult(value, st.rows, st.first, st.last)
        return out

    def is_empty(self) -> bool:
        """Whether the store holds no observation of the plan at all (one index seek)."""
        with self._snapshot() as conn:
            row = conn.execute(
                "SELECT 1 FROM observation_day WHERE plan_id = ? LIMIT 1", (self._plan,)
            ).fetchone()
            return row is None

    def latest_dates(self) -> dict[str, dt.date]:
        """The latest observation date of every KPI of the plan: the last day of its totals
        (``observation_kpi_total``, a row per KPI with data), one range of the key."""
        with self._snapshot() as conn:
            cur = conn.execute(
                "SELECT kpi, last FROM observation_kpi_total WHERE plan_id = ?", (self._plan,)
            )
            return {str(kpi): dt.date.fromisoformat(day) for kpi, day in cur}

    def sums_by_line(self, kpis: Sequence[str], start: dt.date, end: dt.date) -> dict[str, Decimal]:
        """Σ value of ``kpis`` in the window by budget line ('' for observations without one).

        The rows with a line are read from the observations through their partial index
        (they are few: spend booked by line); the rest, often every row, is the KPI's total
        from the daily rollup less them, so the rows without a line are only looked at to see
        that there is one."""
        sums: dict[str, int] = {}
        window = (start.isoformat(), end.isoformat())
        with self._snapshot() as conn:
            for kpi in kpis:  # as given: a KPI listed twice counts twice, as in memory
                where = "WHERE plan_id = ? AND kpi = ? AND date BETWEEN ? AND ?"
                params = (self._plan, kpi, *window)
                named = 0
                for line, whole, rest in conn.execute(
                    f"SELECT line, sum(value / {MICRO}), sum(value % {MICRO}) "  # noqa: S608
                    # the partial index (migration 10): the planner would scan every row
                    f"FROM observation INDEXED BY observation_lines {where} AND line <> '' "
                    "GROUP BY line",
                    params,
                ):
                    total = int(whole) * MICRO + int(rest)
                    sums[line] = sums.get(line, 0) + total
                    named += total
                unnamed = conn.execute(
                    f"SELECT 1 FROM observation {where} AND line = '' LIMIT 1",  # noqa: S608
                    params,
                ).fetchone()
                if unnamed is None:
                    continue
                whole, rest = conn.execute(
                    f"SELECT coalesce(sum(whole), 0), coalesce(sum(rest), 0) "  # noqa: S608
                    f"FROM observation_day {where}",
                    params,
                ).fetchone()
                sums[""] = sums.get("", 0) + int(whole) * MICRO + int(rest) - named
        return {line: from_micro(total) for line, total in sums.items()}

    def daily_totals(
        self, kpis: Sequence[str], start: dt.date, end: dt.date
    ) -> list[tuple[str, dt.date, Decimal]]:
        """(kpi, date, Σ value over channels), sorted by kpi then date."""
        totals: dict[tuple[str, dt.date], int] = {}
        with self._snapshot() as conn:
            for kpi in kpis:  # as given: a KPI listed twice counts twice, as in memory
                cur = conn.execute(
                    "SELECT date, whole, rest FROM observation_day "
                    "WHERE plan_id = ? AND kpi = ? AND date BETWEEN ? AND ?",
                    (self._plan, kpi, start.isoformat(), end.isoformat()),
                )
                for day, whole, rest in cur:
                    key = (kpi, dt.date.fromisoformat(day))
                    totals[key] = totals.get(key, 0) + int(whole) * MICRO + int(rest)
        return [(kpi, day, from_micro(total)) for (kpi, day), total in sorted(totals.items())]

    def channel_sums(self, spans: Sequence[Span]) -> dict[Span, dict[str, Decimal]]:
        """Σ value of each (kpi, start, end) span by channel ('' for observations without
        one); a span without observations is left out.

        Each span is cut into signed pieces by :func:`channel_pieces`, knowing its KPI's
        first and last days (``observation_kpi_total``): a span holding all the KPI's data
        is its channel totals (``observation_channel_total``), read as they are; the others
        add up totals, months of the channel rollup (``observation_channel_month``) and days
        of the rows, whichever are fewer. The same few statements for all the spans of a
        report, however many windows they have: the spans and the pieces of each distinct
        (window, data days) go to temporary tables."""
        wanted = list(dict.fromkeys(spans))
        sums: dict[Span, dict[str, Decimal]] = {}
        with self._snapshot() as conn:
            bounds = {
                str(kpi): (str(first), str(last))
                for kpi, first, last in conn.execute(
                    "SELECT kpi, first, last FROM observation_kpi_total WHERE plan_id = ?",
                    (self._plan,),
                )
            }
            whole: dict[str, list[Span]] = {}  # the spans holding all their KPI's data
            cut: list[tuple[int, str, int]] = []  # (span id, kpi, cut id) of the others
            # the pieces of each distinct (window, first and last day of data), numbered
            cuts: dict[tuple[dt.date, dt.date, str, str], tuple[int, list[Piece]]] = {}
            for i, span in enumerate(wanted):
                kpi, start, end = span
                held = bounds.get(kpi)
                if held is None:  # no data at all
                    continue
                key = (start, end, *held)
                if key not in cuts:
                    days = map(dt.date.fromisoformat, held)
                    cuts[key] = (len(cuts), channel_pieces(start, end, *days))
                number, pieces = cuts[key]
                if pieces == [TOTAL]:
                    whole.setdefault(kpi, []).append(span)
                elif pieces:
                    cut.append((i, kpi, number))
            totals: dict[str, dict[str, Decimal]] = {}  # channel totals of those spans' KPIs
            if whole:
                # each KPI's totals read once, however many of its spans hold all its data
                conn.execute("CREATE TEMP TABLE IF NOT EXISTS mk_whole_kpi (kpi TEXT PRIMARY KEY)")
                conn.execute("DELETE FROM mk_whole_kpi")
                conn.executemany("INSERT INTO mk_whole_kpi (kpi) VALUES (?)", [(k,) for k in whole])
                for kpi, channel, whole_units, rest in conn.execute(
                    "SELECT k.kpi, t.channel, t.whole, t.rest "
                    "FROM mk_whole_kpi k CROSS JOIN observation_channel_total t "
                    "ON t.plan_id = ? AND t.kpi = k.kpi",
                    (self._plan,),
                ):
                    totals.setdefault(kpi, {})[channel] = _decimal(whole_units, rest)
            if cut:
                found = self._pieces_summed(
                    conn,
                    cut,
                    [
                        (number, PIECE_KINDS[p.kind], p.first, p.last, p.sign)
                        for number, pieces in cuts.values()
                        if pieces != [TOTAL]
                        for p in pieces
                    ],
                )
                for sid, channel, whole_units, rest in found:
                    sums.setdefault(wanted[sid], {})[channel] = _decimal(whole_units, rest)
        return channel_answers(wanted, sums, whole, totals)

    def _pieces_summed(
        self,
        conn: sqlite3.Connection,
        spans: Sequence[tuple[int, str, int]],
        pieces: Sequence[tuple[int, int, str, str, int]],
    ) -> list[tuple[int, str, int, int]]:
        """(span id, channel, whole, rest) of each (span id, kpi, cut id) of ``spans``: the
        signed sums of its cut's ``pieces`` (cut id, kind, first, last, sign), for the
        channels with rows inside the span (a month less all its days leaves none)."""
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS mk_chan_span "
            "(id INTEGER PRIMARY KEY, kpi TEXT NOT NULL, cut INTEGER NOT NULL)"
        )
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS mk_chan_piece (cut INTEGER NOT NULL, "
            "kind INTEGER NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL, "
            "sign INTEGER NOT NULL)"
        )
        conn.execute(
            "CREATE INDEX IF NOT EXISTS temp.mk_chan_piece_cut ON mk_chan_piece (cut, kind)"
        )
        conn.execute("DELETE FROM mk_chan_span")
        conn.execute("DELETE FROM mk_chan_piece")
        conn.executemany("INSERT INTO mk_chan_span (id, kpi, cut) VALUES (?, ?, ?)", spans)
        conn.executemany(
            "INSERT INTO mk_chan_piece (cut, kind, first, last, sign) VALUES (?, ?, ?, ?, ?)",
            pieces,
        )
        # CROSS JOIN: spans, then their pieces, then a range of the totals, rollup or rows
        # (the planner chose full scans)
        part = (
            "SELECT s.id, c.channel, p.sign * {n} AS n, p.sign * {whole} AS whole, "
            "p.sign * {rest} AS rest FROM mk_chan_span s "
            "CROSS JOIN mk_chan_piece p ON p.cut = s.cut AND p.kind = {kind} "
            "CROSS JOIN {table} c ON c.plan_id = ?1 AND c.kpi = s.kpi{where}"
        )
        total = part.format(
            n="c.n",
            whole="c.whole",
            rest="c.rest",
            kind=PIECE_KINDS["total"],
            table="observation_channel_total",
            where="",
        )
        months = part.format(
            n="c.n",
            whole="c.whole",
            rest="c.rest",
            kind=PIECE_KINDS["months"],
            table="observation_channel_month",
            where=" AND c.month BETWEEN p.first AND p.last",
        )
        days = part.format(
            n="1",
            whole=f"(c.value / {MICRO})",
            rest=f"(c.value % {MICRO})",
            kind=PIECE_KINDS["days"],
            table="observation",
            where=" AND c.date BETWEEN p.first AND p.last",
        )
        return [
            (sid, channel, whole, rest)
            for sid, channel, _, whole, rest in conn.execute(
                "SELECT id, channel, sum(n), sum(whole), sum(rest) FROM ("  # noqa: S608
                f"{total} UNION ALL {months} UNION ALL {days}) "
                "GROUP BY id, channel HAVING sum(n) > 0",
                (self._plan,),
            )
        ]

    def window_sums(
        self, kpis: Sequence[str], windows: Sequence[tuple[dt.date, dt.date]]
    ) -> list[Decimal | None]:
        """Σ value of every observation of ``kpis`` (each KPI once) in each window, in order;
        None for a window where none has one. The KPIs' sums are added in the order given,
        as ``Decimal`` s, like the sum of their ``aggregate`` answers. One statement over the
        daily rollup: the weekly spend of 200 modules over a year is 53 windows, not 10,600;
        its rows come by KPI in the order given, then by window (the order of the loops, no
        sort), so each window's sum is added up as they arrive."""
        totals: dict[int, Decimal] = {}
        with self._snapshot() as conn:
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS mk_kpi "
                "(position INTEGER PRIMARY KEY, kpi TEXT NOT NULL)"
            )
            conn.execute("DELETE FROM mk_kpi")
            conn.executemany(
                "INSERT INTO mk_kpi (position, kpi) VALUES (?, ?)",
                enumerate(dict.fromkeys(kpis)),
            )
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS mk_range "
                "(id INTEGER PRIMARY KEY, start TEXT NOT NULL, stop TEXT NOT NULL)"
            )
            conn.execute("DELETE FROM mk_range")
            conn.executemany(
                "INSERT INTO mk_range (id, start, stop) VALUES (?, ?, ?)",
                [(i, a.isoformat(), b.isoformat()) for i, (a, b) in enumerate(windows)],
            )
            cur = conn.execute(
                "SELECT r.id, sum(d.whole), sum(d.rest) FROM mk_kpi k CROSS JOIN mk_range r "
                "CROSS JOIN observation_day d ON d.plan_id = ? AND d.kpi = k.kpi "
                "AND d.date BETWEEN r.start AND r.stop "
                "GROUP BY k.position, r.id ORDER BY k.position, r.id",
                (self._plan,),
            )
            for wid, whole, rest in cur:
                totals[wid] = totals.get(wid, ZERO) + _decimal(int(whole), int(rest))
        return [totals.get(i) for i in range(len(windows))]

    def notes(self, start: dt.date, end: dt.date) -> list[Note]:
        """Non-empty notes in the window, sorted by date, kpi, channel and note text."""
        with self._snapshot() as conn:
            cur = conn.execute(
                "SELECT kpi, date, channel, note FROM observation "
                "WHERE plan_id = ? AND date BETWEEN ? AND ? AND note IS NOT NULL AND note <> '' "
                "ORDER BY date, kpi, channel, note",
                (self._plan, start.isoformat(), end.isoformat()),
            )
            return [Note(kpi, dt.date.fromisoformat(day), ch, note) for kpi, day, ch, note in cur]
