"""Observations and the one question metrics ask of them.

An observation is one actual figure: a KPI (qualified id, `module.kpi` or a plan-level id),
a date, a channel ('' when none), a value, and optional note and budget line. Values carry
at most six decimal places (``Decimal``), so money stays exact to the cent.

:class:`ObservationQuery` is what :mod:`mktplan.metrics` needs; the SQLite store answers it
in SQL, and :class:`MemoryObservations` answers it in Python as the reference semantics
used by tests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, NamedTuple, Protocol

Aggregation = Literal["sum", "last", "max", "min", "mean"]

SCALE = 6  # decimal places kept for every value
QUANTUM = Decimal(1).scaleb(-SCALE)


@dataclass(frozen=True, slots=True)
class Observation:
    kpi: str
    date: dt.date
    value: Decimal
    channel: str = ""
    note: str | None = None
    line: str | None = None  # budget line (labour, promotion, …) for spend
    ref: str | None = None  # a document such as an invoice: refs of one key add up


class AggRequest(NamedTuple):
    """Aggregate ``kpi`` over observations dated ``start`` … ``end`` (inclusive).

    A named tuple, not a dataclass: a report builds and hashes tens of thousands of them
    (every trend window of every input), and a tuple's hash and equality run in C."""

    kpi: str
    start: dt.date
    end: dt.date
    how: Aggregation = "sum"
    weight: str | None = None  # qualified id of the weighting KPI, with how="mean"


class Span(NamedTuple):
    """The observations of ``kpi`` dated ``start`` … ``end`` (inclusive)."""

    kpi: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class AggResult:
    value: Decimal | None  # None when there is no observation in the window
    count: int  # observations (date × channel rows) in the window
    first: dt.date | None
    last: dt.date | None


@dataclass(frozen=True, slots=True)
class Note:
    kpi: str
    date: dt.date
    channel: str
    note: str


class ObservationQuery(Protocol):
    """What the metrics need from stored observations of one plan."""

    def aggregate(self, requests: Sequence[AggRequest]) -> dict[AggRequest, AggResult]:
        """Answer every request (see :func:`aggregate_rows` for the semantics)."""
        ...

    def latest_dates(self) -> dict[str, dt.date]:
        """The latest observation date of every KPI that has one, whatever the window."""
        ...

    def sums_by_line(self, kpis: Sequence[str], start: dt.date, end: dt.date) -> dict[str, Decimal]:
        """Σ value of ``kpis`` in the window by budget line ('' for observations without one)."""
        ...

    def daily_totals(
        self, kpis: Sequence[str], start: dt.date, end: dt.date
    ) -> list[tuple[str, dt.date, Decimal]]:
        """(kpi, date, Σ value over channels), sorted by kpi then date."""
        ...

    def channel_sums(self, spans: Sequence[Span]) -> dict[Span, dict[str, Decimal]]:
        """Σ value of each span by channel ('' for observations without one); a span
        without observations is left out. All the spans of a report in one call: they may
        have as many windows as there are due dates."""
        ...

    def window_sums(
        self, kpis: Sequence[str], windows: Sequence[tuple[dt.date, dt.date]]
    ) -> list[Decimal | None]:
        """Σ value of every observation of ``kpis`` (each KPI once) in each (start, end)
        window, in the order given; None for a window where none of them has one. The KPIs'
        sums are added in the order given, as the sum of their ``aggregate`` answers would be."""
        ...

    def notes(self, start: dt.date, end: dt.date) -> list[Note]:
        """Non-empty notes in the window, sorted by date, kpi, channel and note text."""
        ...


def aggregate_rows(
    rows: Sequence[Observation], request: AggRequest, weights: Sequence[Observation] = ()
) -> AggResult:
    """The reference semantics of one aggregation over ``rows`` (already one KPI, in window).

    The budget lines and refs of one date and channel are summed first: every rule below
    sees one value per date × channel, and ``count`` counts those.

    * sum  — Σ value.
    * last — Σ value over channels on the latest date that has observations.
    * max / min — over the date × channel values.
    * mean — Σ value ÷ count; with a weight KPI: Σ value×weight ÷ Σ weight over the
      (date, channel) pairs where both have a value (None when Σ weight is 0).
    """
    rows = by_date_and_channel(rows)
    weights = by_date_and_channel(weights)
    if not rows:
        return AggResult(None, 0, None, None)
    first = min(r.date for r in rows)
    last = max(r.date for r in rows)
    value: Decimal | None
    if request.how == "sum":
        value = sum((r.value for r in rows), Decimal(0))
    elif request.how == "last":
        value = sum((r.value for r in rows if r.date == last), Decimal(0))
    elif request.how == "max":
        value = max(r.value for r in rows)
    elif request.how == "min":
        value = min(r.value for r in rows)
    elif request.weight is None:
        value = sum((r.value for r in rows), Decimal(0)) / len(rows)
    else:
        by_key = {(w.date, w.channel): w.value for w in weights}
        num = Decimal(0)
        den = Decimal(0)
        for r in rows:
            w = by_key.get((r.date, r.channel))
            if w is not None:
                num += r.value * w
                den += w
        value = num / den if den else None
    return AggResult(value, len(rows), first, last)


def by_date_and_channel(rows: Sequence[Observation]) -> list[Observation]:
    """One observation per (date, channel): the values of its budget lines and refs summed."""
    summed: dict[tuple[dt.date, str], Observation] = {}
    for r in rows:
        seen = summed.get((r.date, r.channel))
        if seen is None:
            summed[(r.date, r.channel)] = Observation(r.kpi, r.date, r.value, r.channel)
        else:
            summed[(r.date, r.channel)] = Observation(
                r.kpi, r.date, seen.value + r.value, r.channel
            )
    return list(summed.values())


class MemoryObservations:
    """The reference :class:`ObservationQuery` over a list of observations: the latest one
    of each (kpi, date, channel, line, ref) wins, as in the store."""

    def __init__(self, observations: Iterable[Observation]) -> None:
        latest: dict[tuple[str, dt.date, str, str, str], Observation] = {}
        for obs in observations:
            latest[(obs.kpi, obs.date, obs.channel, obs.line or "", obs.ref or "")] = obs
        self._by_kpi: dict[str, list[Observation]] = defaultdict(list)
        for obs in latest.values():
            self._by_kpi[obs.kpi].append(obs)

    def _window(self, kpi: str, start: dt.date, end: dt.date) -> list[Observation]:
        return [o for o in self._by_kpi.get(kpi, []) if start <= o.date <= end]

    def aggregate(self, requests: Sequence[AggRequest]) -> dict[AggRequest, AggResult]:
        out: dict[AggRequest, AggResult] = {}
        for req in requests:
            rows = self._window(req.kpi, req.start, req.end)
            weights = self._window(req.weight, req.start, req.end) if req.weight else []
            out[req] = aggregate_rows(rows, req, weights)
        return out

    def latest_dates(self) -> dict[str, dt.date]:
        return {kpi: max(o.date for o in rows) for kpi, rows in self._by_kpi.items() if rows}

    def sums_by_line(self, kpis: Sequence[str], start: dt.date, end: dt.date) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for kpi in kpis:
            for obs in self._window(kpi, start, end):
                sums[obs.line or ""] += obs.value
        return dict(sums)

    def daily_totals(
        self, kpis: Sequence[str], start: dt.date, end: dt.date
    ) -> list[tuple[str, dt.date, Decimal]]:
        totals: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
        for kpi in kpis:
            for obs in self._window(kpi, start, end):
                totals[(kpi, obs.date)] += obs.value
        return [(k, d, v) for (k, d), v in sorted(totals.items())]

    def channel_sums(self, spans: Sequence[Span]) -> dict[Span, dict[str, Decimal]]:
        sums: dict[Span, dict[str, Decimal]] = {}
        for span in dict.fromkeys(spans):
            for obs in self._window(*span):
                channels = sums.setdefault(span, {})
                channels[obs.channel] = channels.get(obs.channel, Decimal(0)) + obs.value
        return sums

    def window_sums(
        self, kpis: Sequence[str], windows: Sequence[tuple[dt.date, dt.date]]
    ) -> list[Decimal | None]:
        found: list[Decimal | None] = []
        for start, end in windows:
            sums = [
                aggregate_rows(rows, AggRequest(kpi, start, end)).value
                for kpi in dict.fromkeys(kpis)
                if (rows := self._window(kpi, start, end))
            ]
            found.append(sum((v for v in sums if v is not None), Decimal(0)) if sums else None)
        return found

    def notes(self, start: dt.date, end: dt.date) -> list[Note]:
        found = [
            Note(o.kpi, o.date, o.channel, o.note)
            for rows in self._by_kpi.values()
            for o in rows
            if o.note and start <= o.date <= end
        ]
        return sorted(found, key=lambda n: (n.date, n.kpi, n.channel, n.note))
