"""The map stage: from a read table (columns of a block, see :mod:`mktplan.ingest.read`) and
its :class:`~mktplan.ingest.layout.Layout` to observations: long format (date, kpi, value)
and plan-mapped wide exports (a plan `sources:` entry), with every rejected cell reported by
line and column.

Within one file, rows that land on the same (kpi, date, channel, budget line, ref) are
combined by the KPI's aggregation before they reach the store (rows that differ in line or
ref stay apart, whatever the aggregation: the store adds them up before aggregating):

* sum — summed;  max / min — the largest / smallest;
* last — the value of the last such row in the file (the latest reading wins);
* mean — a rate is never averaged: with a ``weight:`` KPI given in the same rows it is the
  weighted mean Σ(value×weight) ÷ Σweight, otherwise the rows are rejected as too fine.

Percent signs: "2.1%" on a percent KPI means 2.1 (percent points); on a ``ratio`` KPI it
means 0.021; on any other unit it is rejected. A plain number on a percent KPI is taken
as percent points.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from mktplan.errors import Finding, IngestError, UsageError, shorten
from mktplan.i18n import Msg, msg
from mktplan.ingest.cells import (
    DateOrder,
    ParsedDates,
    ParsedNumbers,
    header_unit,
    is_excel_error,
    is_name,
    is_no_value,
    parse_dates,
    parse_numbers,
    refuse_one_group,
    scale_factor,
    totals_labels,
)
from mktplan.ingest.columns import MICRO, Body, Column
from mktplan.ingest.layout import LONG_FORMAT, Layout
from mktplan.ingest.read import NotStreamable
from mktplan.ingest.readers import TableHeader, header_key
from mktplan.observations import Observation
from mktplan.plan.model import Kpi, Module, Plan
from mktplan.plan.refs import KpiRef, kpi_refs, resolve_name
from mktplan.store.records import Row, SkippedRows, observation_of, skip_reason
from mktplan.suggest import close_kpis
from mktplan.vocab import (
    LONGEST_KEY_TEXT,
    currency_of,
    is_ratio,
    key_text_bytes,
    kpi_currency,
)

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from mktplan.plan.model import Source


@dataclass(frozen=True)
class RejectedRow:
    """One reason a row was not taken: where (file, 1-based line, column header), the raw
    cell text and why."""

    file: str
    line: int
    column: str
    value: str
    reason: str  # in English, as the rejects file and the store's log keep it
    text: Msg | None = field(default=None, compare=False)  # the reason in the catalogue

    def as_finding(self) -> Finding:
        why: str | Msg = self.text or self.reason
        shown = msg("ingest.rejected_cell", value=shorten(self.value), why=why)
        return Finding.of(
            shown if self.value else why,
            file=self.file,
            line=self.line,
            path=shorten(self.column),
            code="rejected_row",
        )


@dataclass(frozen=True)
class MappedFile:
    """A file's rows as observations unique per (kpi, date, channel, line, ref), each with the
    1-based line of its first row (as store :data:`~mktplan.store.records.Row` tuples), and
    every rejected row."""

    layout: str
    rows_read: int
    rows: tuple[Row, ...]
    rejects: tuple[RejectedRow, ...]
    rejected_rows: int  # distinct lines rejected
    config_digest: str
    skipped: tuple[SkippedRows, ...] = ()  # totals rows and lines above the header

    @cached_property
    def observations(self) -> tuple[Observation, ...]:
        return tuple(observation_of(row) for row in self.rows)

    @cached_property
    def row_numbers(self) -> tuple[int, ...]:
        return tuple(row[6] for row in self.rows)


# --- mapping ----------------------------------------------------------------------------


def _resolve_long(name: str, refs: dict[str, KpiRef]) -> tuple[str | None, str | Msg]:
    """A long-format KPI cell → (qualified id, '') or (None, reason)."""
    text = name.strip()
    if not text:
        return None, msg("ingest.no_kpi_id")
    ref = refs.get(text)
    if ref is None or ("." not in text and ref.module is not None):
        close = close_kpis(text, refs, n=2)
        if len(close) > 1:
            return None, msg(
                "ingest.unknown_kpi_two", kpi=shorten(text), first=close[0], second=close[1]
            )
        if close:
            return None, msg("ingest.unknown_kpi_close", kpi=shorten(text), close=close[0])
        return None, msg("ingest.unknown_kpi", kpi=shorten(text))
    if ref.kpi.formula:
        return None, msg("ingest.formula_kpi", kpi=text, formula=ref.kpi.formula)
    return text, ""


@dataclass
class _Cells:
    """Accumulated value cells of one file, per qualified KPI: row positions and micro-units."""

    pos: dict[str, list[npt.NDArray[np.int64]]] = field(default_factory=dict)
    micro: dict[str, list[npt.NDArray[np.int64]]] = field(default_factory=dict)

    def add(self, kpi: str, pos: npt.NDArray[np.int64], micro: npt.NDArray[np.int64]) -> None:
        if len(pos):
            self.pos.setdefault(kpi, []).append(pos)
            self.micro.setdefault(kpi, []).append(micro)


class _Rejects:
    def __init__(self, file: str, first_line: int, size: int) -> None:
        self.file = file
        self.first_line = first_line
        # (pos, column, value, reason)
        self.items: list[tuple[int, str, str, str | Msg]] = []
        self.bad = np.zeros(size, dtype=np.bool_)

    def add(
        self, pos: int, column: str, value: str, reason: str | Msg, *, row: bool = True
    ) -> None:
        """A rejected cell; ``row``: the whole row goes (its date or routing is bad), else
        only this cell (a value), so --skip-invalid keeps the row's good cells."""
        self.items.append((pos, column, value, reason))
        if row:
            self.bad[pos] = True

    def rows(self) -> tuple[RejectedRow, ...]:
        ordered = sorted(self.items, key=lambda item: item[0])
        return tuple(
            RejectedRow(self.file, self.first_line + p, c, v, r)
            if isinstance(r, str)
            else RejectedRow(self.file, self.first_line + p, c, v, r.render("en"), r)
            for p, c, v, r in ordered
        )


TextCodes = tuple[npt.NDArray[np.intp], list[str]]


def _text_codes(body: Body, position: int | None) -> TextCodes | None:
    """A text column stripped, with "-", "N/A" and the like as '': (code per row, distinct
    cleaned texts in sorted order); each distinct cell is cleaned once. Sorted, so that
    observations grouped by (date, code) reach the store in its key order."""
    if position is None:
        return None
    codes, uniques = body[position].factorize()
    cleaned = ["" if is_no_value(u) else u.strip() for u in uniques]
    names = sorted(set(cleaned)) or [""]
    index = {name: i for i, name in enumerate(names)}
    clean_codes = np.array([index[c] for c in cleaned], dtype=np.intp)
    return clean_codes[codes], names


def _texts(body: Body, position: int | None) -> npt.NDArray[Any] | None:
    """The cleaned text of every row (see :func:`_text_codes`)."""
    found = _text_codes(body, position)
    if found is None:
        return None
    codes, names = found
    return np.array(names, dtype=object)[codes]


def _percent_rule(kpi: Kpi) -> str:
    """'points' keeps 2.1% as 2.1, 'fraction' makes it 0.021, 'reject' refuses it."""
    if kpi.is_percent:
        return "points"
    return "fraction" if is_ratio(kpi.unit) else "reject"


def _apply_units(
    kpi: Kpi,
    qid: str,
    header: str,
    pos: npt.NDArray[np.int64],
    numbers: ParsedNumbers,
    whole: bool,
    raw: Callable[[int], str],
    rejects: _Rejects,
    plan_currency: str,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(positions, micro-units) of a KPI's cells at ``pos`` that are kept (``whole``: ``pos``
    is every row of the column): a cell written in a currency is rejected unless the KPI is
    money in that currency (or has no unit and the currency is the plan's); percentages are
    rescaled or rejected (see :func:`_percent_rule`)."""
    micro = numbers.micro if whole else numbers.micro[pos]
    pct = numbers.percent if whole else numbers.percent[pos]
    if numbers.currencies is not None:
        written = numbers.currencies[pos]
        money = written != None  # noqa: E711 - elementwise: the cells that name a currency
        if money.any():
            expected = kpi_currency(kpi.unit, plan_currency)
            bad = money if expected is None else money & (written != expected)
            for p, found in zip(pos[bad].tolist(), written[bad].tolist(), strict=True):
                reason = (
                    msg("ingest.money_for_unit", found=found, kpi=qid, unit=kpi.unit)
                    if expected is None
                    else msg(
                        "ingest.currency_mismatch_kpi", found=found, kpi=qid, currency=expected
                    )
                )
                rejects.add(p, header, raw(p), reason, row=False)
            if bad.any():
                pos, micro, pct = pos[~bad], micro[~bad], pct[~bad]
    return _apply_percent(kpi, qid, header, pos, micro, pct, raw, rejects)


def _apply_percent(
    kpi: Kpi,
    qid: str,
    header: str,
    pos: npt.NDArray[np.int64],
    micro: npt.NDArray[np.int64],
    pct: npt.NDArray[np.bool_],
    raw: Callable[[int], str],
    rejects: _Rejects,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(positions, micro-units) of the cells kept: percentages rescaled or rejected."""
    if not pct.any():
        return pos, micro
    rule = _percent_rule(kpi)
    if rule == "points":
        return pos, micro
    if rule == "fraction":
        return pos, np.where(pct, np.rint(micro / 100), micro).astype(np.int64)
    for p in pos[pct].tolist():
        rejects.add(
            p,
            header,
            raw(p),
            msg("ingest.percent_for_unit", kpi=qid, unit=kpi.unit or msg("ingest.unit_not_set")),
            row=False,
        )
    return pos[~pct], micro[~pct]


def map_body(
    plan: Plan,
    header: TableHeader,
    layout: Layout,
    body: Body,
    config_digest: str | None = None,
) -> MappedFile:
    """Map an already-read body (the whole table) into observations."""
    return map_block(plan, header, layout, body, config_digest, whole=True)[0]


@dataclass(frozen=True)
class BlockFacts:
    """What a block of a table says that only the whole table can decide: the day/month
    order its dates suggest, and its sums and summary-row candidates (wide layouts)."""

    order: DateOrder
    summary: SummaryFacts | None


def map_block(
    plan: Plan,
    header: TableHeader,
    layout: Layout,
    body: Body,
    config_digest: str | None = None,
    *,
    whole: bool,
    day_totals: bool = True,
) -> tuple[MappedFile, BlockFacts]:
    """Map a body into observations. With ``whole`` the body is the table, and unlabelled
    summary rows are found and skipped; else it is one block of it, and the facts to find
    them across blocks are returned beside the block's observations (the sums per day only
    with ``day_totals``, or when the block has candidates: they are what costs)."""

    size = body.size
    first_line = body.first_line
    refs = kpi_refs(plan)
    names = header.headers

    # Blank lines (every used cell empty) are not rows. Number columns first: one without
    # empty cells settles it at once.
    blank = np.ones(size, dtype=np.bool_)
    for i, position in enumerate(sorted(layout.positions, key=lambda p: body[p].kind == "text")):
        column = body[position]
        if i == 0 and column.kind != "text":  # every row still blank: no gather and scatter
            blank = np.array(column.nulls(), dtype=np.bool_)
            continue
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        if column.kind != "text":
            blank[rows] = column.nulls()[rows]
            continue
        codes, uniques = column.factorize()
        empty = np.array([not u.strip() for u in uniques] or [True], dtype=np.bool_)
        blank[rows] = empty[codes[rows]]
    rejects = _Rejects(header.file, first_line, size)
    source = layout.source
    period = (plan.plan.period.start, plan.plan.period.end)

    # totals and subtotal rows (合计, Total: Search) are never data: skipped, and said. The
    # first column counts too, mapped or not (Google Ads writes "Total: Account" there),
    # unless it is the note or reference column: free text someone wrote, where "小计" is
    # a remark, not a label
    skip = np.zeros(size, dtype=np.bool_)
    skipped: list[tuple[int, str]] = []
    first_column = 0 if 0 in body.columns and 0 not in (layout.note, layout.ref) else None
    for labelled in (
        first_column,
        layout.date,
        layout.kpi,
        layout.route,
        layout.channel,
        layout.line,
    ):
        if labelled is None or body[labelled].kind != "text":
            continue
        position = labelled
        codes, uniques = body[position].factorize()
        labels = np.array(totals_labels(uniques) or [False], dtype=np.bool_)
        hit = labels[codes] & ~blank & ~skip
        for p in np.flatnonzero(hit).tolist():
            label = shorten(uniques[codes[p]].strip())
            named = shorten(names[position])
            skipped.append((p, skip_reason("ingest.skip.totals_row", column=named, label=label)))
        skip |= hit

    date_column = body[layout.date]
    dates = parse_dates(
        date_column,
        excel=header.excel,
        date_format=source.date_format if source else None,
        period=period,
        ranges=source is not None and source.period != "day",
    )
    date_header = names[layout.date]
    parsed: dict[int, ParsedNumbers] = {}
    summary_facts: SummaryFacts | None = None
    if layout.kpi is None:
        parsed = _parse_metrics(plan, header, layout, body, refs, whole=whole)
        date_codes, date_texts = date_column.factorize()
        no_date = np.array([is_no_value(t) for t in date_texts] or [True], dtype=np.bool_)
        undated = no_date[date_codes] & ~dates.ok
        found = _summary_candidates(
            plan, layout, body, parsed, refs, dates.ok, blank | skip, undated, whole
        )
        if whole:
            summary = _summary_rows(found, dates.days, size)
        else:
            summary = np.zeros(size, dtype=np.bool_)
            summary_facts = _summary_facts(found, dates.days, body.first_line, size, day_totals)
        for p in np.flatnonzero(summary).tolist():
            skipped.append((p, skip_reason("ingest.skip.summary_row")))
        skip |= summary
    blank |= skip
    rows_read = int(size - blank.sum())

    _refuse_repeated_header(dates.errors, date_column, date_header, source, blank, rejects)
    for p, reason in dates.errors.items():
        if not blank[p]:
            rejects.add(p, date_header, date_column.raw(p), reason)
    start = np.datetime64(plan.plan.period.start, "D")
    end = np.datetime64(plan.plan.period.end, "D")
    if source is not None and source.period != "day":
        _from_plan_start(dates, blank, start, source.period)
    outside = dates.ok & ~blank & ((dates.days < start) | (dates.days > end))
    for p in np.flatnonzero(outside).tolist():
        rejects.add(
            p,
            date_header,
            date_column.raw(p),
            msg(
                "ingest.outside_period",
                start=str(plan.plan.period.start),
                end=str(plan.plan.period.end),
            ),
        )
    if layout.end is not None and source is not None:
        _check_spans(body, layout, names, dates, blank, rejects, header.excel, source, period)
    for free_text in (layout.channel, layout.note, layout.line, layout.ref):
        if free_text is not None and body[free_text].kind == "text":
            _refuse_unkept_text(body, free_text, names, blank, rejects, free_text != layout.note)
    if layout.currency is not None:
        expected = _money_currency(plan, layout, refs)
        _check_currency_column(
            expected, expected != plan.plan.currency, body, layout.currency, names, blank, rejects
        )

    fixed = source.fixed if source else None
    channels = _text_codes(body, layout.channel)
    if fixed is not None and fixed.channel is not None:
        channels = (np.zeros(size, dtype=np.intp), [fixed.channel])
    notes = _texts(body, layout.note)
    lines = _text_codes(body, layout.line)
    if fixed is not None and fixed.line is not None:
        lines = (np.zeros(size, dtype=np.intp), [fixed.line])
    documents = _text_codes(body, layout.ref)

    cells = _Cells()
    kpis_by_id: dict[str, Kpi] = {ref_id: ref.kpi for ref_id, ref in refs.items()}
    if layout.kpi is not None and layout.value is not None:
        _map_long(
            body,
            layout,
            names,
            refs,
            blank,
            rejects,
            cells,
            plan.plan.currency,
            delimiter=header.delimiter,
            whole=whole,
        )
    else:
        _map_wide(plan, body, layout, names, refs, blank, rejects, cells, parsed)

    valid = dates.ok & ~blank
    combined = _combine(
        cells,
        kpis_by_id,
        refs,
        dates.days,
        valid,
        channels,
        notes,
        lines,
        documents,
        rejects,
        first_line,
        layout,
        names,
        lambda qid, p: _raw_value(body, layout, qid, p),
        "; " if whole else _DISTINCT,
    )
    rejected_rows = len({item[0] for item in rejects.items})
    mapped = MappedFile(
        layout=layout.name,
        rows_read=rows_read,
        rows=tuple(combined),
        rejects=rejects.rows(),
        rejected_rows=rejected_rows,
        config_digest=config_digest or layout.digest(plan),
        skipped=tuple(
            SkippedRows(first_line + p, first_line + p, reason) for p, reason in sorted(skipped)
        ),
    )
    return mapped, BlockFacts(dates.order, summary_facts)


def _from_plan_start(
    dates: ParsedDates,
    blank: npt.NDArray[np.bool_],
    start: np.datetime64,
    period: str,
) -> None:
    """Move a week or month that began before the plan but reaches into it (a weekly export's
    Monday before a Wednesday start) to the plan's first day, in full: refused as outside the
    period, it took the plan's first days with it (or, alone, the whole file)."""
    early = dates.ok & ~blank & (dates.days < start)
    if not early.any():
        return
    days = dates.days[early]
    if period == "week":
        after = days + np.timedelta64(7, "D")
    else:  # the next month's first day
        after = (days.astype("datetime64[M]") + np.timedelta64(1, "M")).astype("datetime64[D]")
    reaching = np.flatnonzero(early)[after > start]
    dates.days[reaching] = start


def _refuse_repeated_header(
    errors: dict[int, str | Msg],
    date_column: Column,
    date_header: str,
    source: Source | None,
    blank: npt.NDArray[np.bool_],
    rejects: _Rejects,
) -> None:
    """Refuse the file at a row whose date cell is the date column's own header: another
    table starts there. The sniffer finds tables in the file's first MiB; one that starts
    further down reaches the mapping as rows, and --skip-invalid would otherwise reject its
    header and sum its rows with the table above (tables are never summed together)."""
    names = {header_key(date_header), header_key(source.date if source else "date")}
    for p in errors:
        if not blank[p] and header_key(date_column.raw(p)) in names:
            raise IngestError(
                msg("ingest.table_further_down", name=shorten(date_column.raw(p).strip())),
                file=rejects.file,
                line=rejects.first_line + p,
                hint=msg("ingest.table_further_down.hint"),
            )


def _refuse_unkept_text(
    body: Body,
    position: int,
    names: tuple[str, ...],
    blank: npt.NDArray[np.bool_],
    rejects: _Rejects,
    key: bool,
) -> None:
    """Refuse the rows whose text cell in ``position`` (a note, or with ``key`` a channel,
    line or ref: part of an observation's key) no store of either kind can keep: a NUL
    character (PostgreSQL keeps no text with one), or a key text over
    :data:`LONGEST_KEY_TEXT` bytes (too long for PostgreSQL's index). Refused here, row by
    row (``--skip-invalid`` stores the other rows), for SQLite too, so both stores hold the
    same; not at the insert, which failed the whole call. Each distinct text is looked at
    once."""
    column = body[position]
    codes, uniques = column.factorize()
    reasons: dict[int, Msg] = {}
    for i, text in enumerate(uniques):
        if "\x00" in text:
            reasons[i] = msg("ingest.nul_in_text")
        elif key and is_excel_error(text):
            reasons[i] = msg("ingest.excel_error")  # a channel '#NAME?' is no channel
        elif key and (size := key_text_bytes(text)) > LONGEST_KEY_TEXT:
            reasons[i] = msg(
                "ingest.key_text_too_long",
                size=f"{size:,}",
                most=LONGEST_KEY_TEXT,
                chinese=LONGEST_KEY_TEXT // 3,
            )
    if not reasons:
        return
    for p in np.flatnonzero(np.isin(codes, list(reasons)) & ~blank).tolist():
        rejects.add(p, names[position], column.raw(p), reasons[int(codes[p])])


# The most days one row of a source may cover, by the source's period
LONGEST_ROW = {"day": 1, "week": 7, "month": 31}


def _check_spans(
    body: Body,
    layout: Layout,
    names: tuple[str, ...],
    dates: ParsedDates,
    blank: npt.NDArray[np.bool_],
    rejects: _Rejects,
    excel: bool,
    source: Source,
    period: tuple[dt.date, dt.date],
) -> None:
    """Refuse the rows whose last day (the end column beside the date column: Meta's
    "Reporting ends") says they cover more days than one row of the source may: a lifetime
    or monthly row of a daily export would put every figure of its span on its first day.
    An end cell that is no date is left alone: the column is not mapped."""
    assert layout.end is not None
    column = body[layout.end]
    ends = parse_dates(
        column,
        excel=excel,
        date_format=source.date_format,
        period=period,
        ranges=source.period != "day",
    )
    both = dates.ok & ends.ok & ~blank
    if not both.any():
        return
    span = (ends.days - dates.days).astype(np.int64) + 1
    bad = both & ((span < 1) | (span > LONGEST_ROW[source.period]))
    header = names[layout.end]
    for p in np.flatnonzero(bad).tolist():
        first, last = str(dates.days[p]), str(ends.days[p])
        reason = (
            msg("ingest.row_ends_before_it_starts", first=first, last=last)
            if span[p] < 1
            else msg(
                # a week or a month is a period a source may declare; a longer row (Meta's
                # lifetime, 333 days) is no such thing: only a daily export helps
                f"ingest.row_spans_days.{source.period}"
                + (".long" if source.period == "day" and span[p] > 31 else ""),
                first=first,
                last=last,
                days=int(span[p]),
            )
        )
        rejects.add(p, header, column.raw(p), reason)


def _column_kpi(
    plan: Plan, layout: Layout, kpi_id: str, refs: dict[str, KpiRef]
) -> tuple[str, Kpi] | None:
    """The first KPI a wide column lands on (of the routed or fixed module, or the plan)."""
    module_ids: list[str | None] = [*sorted(set(layout.routes.values()))] or [layout.module]
    for module_id in module_ids:
        module = plan.module(module_id) if module_id else None
        qid = resolve_name(kpi_id, module, refs)
        if qid is not None and qid in refs:
            return qid, refs[qid].kpi
    return None


def _parse_metrics(
    plan: Plan,
    header: TableHeader,
    layout: Layout,
    body: Body,
    refs: dict[str, KpiRef],
    *,
    whole: bool,
) -> dict[int, ParsedNumbers]:
    """Every value column of a wide layout parsed, in its KPI's currency and at its scale (a
    unit in the header such as (万元), or the source's `scale:`). A money column whose header
    names another currency refuses the file."""
    source = layout.source
    scales = {header_key(h): f for h, f in ((source.scale or {}) if source else {}).items()}
    header_line = header.line
    parsed: dict[int, ParsedNumbers] = {}
    for position, kpi_id in layout.metrics:
        name = header.headers[position]
        found = _column_kpi(plan, layout, kpi_id, refs)
        unit = found[1].unit if found else None
        money = kpi_currency(unit, plan.plan.currency)  # None: a cell's currency is refused
        currency = money or plan.plan.currency
        declared = header_unit(name, currency)
        named = money if (unit or "").strip() else None  # a header's is checked against it
        if found and named and declared.currency not in (None, named):
            raise IngestError(
                msg(
                    "ingest.column_currency",
                    column=shorten(name),
                    found=declared.currency,
                    kpi=found[0],
                    currency=currency,
                ),
                file=header.file,
                line=header_line,
                path=shorten(name),
                hint=msg("ingest.column_currency.hint", found=declared.currency, currency=currency),
            )
        factor = Fraction(declared.scale)
        if header_key(name) in scales:
            try:
                factor = scale_factor(scales[header_key(name)])
            except ValueError as exc:
                raise UsageError(
                    msg("ingest.bad_scale", source=layout.name, why=str(exc)),
                    hint=msg("ingest.bad_scale.hint"),
                ) from None
        parsed[position] = parse_numbers(
            body[position],
            currency=currency,
            scale=factor,
            check_currency=money is not None,
            semicolons=header.delimiter == ";",
        )
    return _decimal_commas_refused(header.delimiter, body, parsed, whole=whole)


def _decimal_commas_refused(
    delimiter: str, body: Body, parsed: dict[int, ParsedNumbers], *, whole: bool
) -> dict[int, ParsedNumbers]:
    """``parsed`` (columns of ``body`` by position), with the cells holding one separator
    before three digits refused as ambiguous when the file is separated by tabs and a column
    holds a number written with a decimal comma: Excel's "Unicode Text" and Google Ads'
    "Excel CSV" are tab-separated in every language, and where a decimal comma shows the
    spreadsheet's language, 1,234 is 1.234 and 1.234 is 1234 (a file separated by semicolons
    refuses them always, see :func:`parse_numbers`). The evidence belongs to the whole file:
    a block that shows it (not ``whole``) hands the file to the whole read, so that no block
    before or after it reads 1,234 as 1234 (blocks are a way to read, never an answer)."""
    if delimiter != "\t" or not any(p.decimal_commas for p in parsed.values()):
        return parsed
    if not whole:
        raise NotStreamable
    return {position: refuse_one_group(body[position], p) for position, p in parsed.items()}


@dataclass(frozen=True)
class _Candidates:
    """The sum columns of a wide body, its live rows (dated, not blank) and the rows that may
    be an unlabelled summary row (see :func:`_summary_candidates`)."""

    sums: list[ParsedNumbers]
    live: npt.NDArray[np.bool_]
    candidates: npt.NDArray[np.bool_]
    # per sum column, whether it is money: a summary row's money equals the rows' sum (only
    # a count such as reach is de-duplicated, below it)
    money: tuple[bool, ...]


def _sum_columns(plan: Plan, layout: Layout, refs: dict[str, KpiRef]) -> list[int]:
    """The positions of a wide layout's columns of `sum` KPIs (none of a formula)."""
    found = [(p, _column_kpi(plan, layout, kpi_id, refs)) for p, kpi_id in layout.metrics]
    return [p for p, f in found if f and f[1].aggregation == "sum" and not f[1].formula]


def _identifying(layout: Layout) -> list[int]:
    """The mapped columns that name a row: channel, routing, budget line, ref and note."""
    found = (layout.channel, layout.route, layout.line, layout.ref, layout.note)
    return [p for p in found if p is not None]


def unmapped_columns(header: TableHeader, layout: Layout, *, every: bool) -> list[int]:
    """Columns the layout does not map that the map stage reads as text, to tell totals and
    summary rows from data: the first (Google Ads writes "Total: Account" there, with Day and
    Campaign blank) and, with ``every``, all of them (an unlabelled summary row has every
    name cell empty). Of a Parquet file only its text columns: a typed number or date column
    holds no label and names no row."""
    mapped = set(layout.positions)
    texts = header.text_columns
    wanted = range(len(header.headers) if every else min(1, len(header.headers)))
    return [p for p in wanted if p not in mapped and (texts is None or p in texts)]


def named_by_unmapped(plan: Plan, header: TableHeader, layout: Layout) -> bool:
    """Whether only unmapped columns can tell the table's data rows from an unlabelled
    summary row: a wide layout with `sum` KPIs that maps none of the columns naming a row,
    in a file that has other columns. Such a table is mapped whole, with all its columns
    (the columns that name rows are known only from the whole table)."""
    return (
        layout.kpi is None
        and not _identifying(layout)
        and bool(_sum_columns(plan, layout, kpi_refs(plan)))
        and bool(unmapped_columns(header, layout, every=True))
    )


def _summary_candidates(
    plan: Plan,
    layout: Layout,
    body: Body,
    parsed: dict[int, ParsedNumbers],
    refs: dict[str, KpiRef],
    dates_ok: npt.NDArray[np.bool_],
    blank: npt.NDArray[np.bool_],
    undated: npt.NDArray[np.bool_],
    whole: bool,
) -> _Candidates | None:
    """Candidates for unlabelled summary rows (Meta's: every name cell empty). The cells that
    name a row are the mapped channel, routing, budget-line, ref and note cells, and the
    unmapped columns the body holds that name at least two different things (ad names, not
    Meta's one attribution setting, nor numbers or dates). A candidate has all of them empty;
    a dated one only when such columns exist (a row is then named by its date alone: data),
    an undated one (its date cell empty) is compared with the whole file. None: no row of the
    table can be one."""
    size = body.size
    positions = _sum_columns(plan, layout, refs)
    sums = [parsed[p] for p in positions]
    live = ~blank & dates_ok
    if not sums or (whole and live.sum() < 2):
        return None
    rows = ~blank & (live | undated)
    mapped = set(layout.positions)
    ident = _identifying(layout)
    for position, column in body.columns.items():
        if position in mapped or column.kind != "text":
            continue
        codes, uniques = column.factorize()
        named = np.array([is_name(u) for u in uniques] or [False], dtype=np.bool_)
        if len(np.unique(codes[rows & named[codes]])) >= 2:
            ident.append(position)
    empty = np.ones(size, dtype=np.bool_)
    for position in ident:
        codes, uniques = body[position].factorize()
        none = np.array([is_no_value(u) for u in uniques] or [True], dtype=np.bool_)
        empty &= none[codes]
    # Meta's monthly summary row has no month either: it may sum up the whole file
    candidates = rows & empty & (undated | live & bool(ident))
    if whole and (candidates.all() or not candidates.any()):
        return None
    kpis = dict(layout.metrics)
    money = tuple(_is_money(plan, layout, kpis[p], refs) for p in positions)
    return _Candidates(sums, live, candidates, money)


def _is_money(plan: Plan, layout: Layout, kpi_id: str, refs: dict[str, KpiRef]) -> bool:
    column = _column_kpi(plan, layout, kpi_id, refs)
    unit = column[1].unit if column is not None else None
    return bool(unit and kpi_currency(unit, plan.plan.currency))


def _summary_rows(
    found: _Candidates | None, days: npt.NDArray[np.datetime64], size: int
) -> npt.NDArray[np.bool_]:
    """Unlabelled summary rows of a whole table: a candidate whose non-zero values of `sum`
    KPIs equal the sums of at least two other rows of its day or of the file (see
    :func:`_sums_up`)."""
    summary = np.zeros(size, dtype=np.bool_)
    if found is None:
        return summary
    sums, live, candidates = found.sums, found.live, found.candidates
    # a float pass over every candidate at once finds the few that may be sums; each of
    # those is then checked exactly, against the rows of its day and then of the file
    likely = _may_sum_up(sums, live, days, candidates & live, by_day=True)
    likely |= _may_sum_up(sums, live, days, candidates, by_day=False)
    for c in np.flatnonzero(likely).tolist():
        others = live & ~summary
        others[c] = False
        for scope in (others & (days == days[c]) if live[c] else others, others):
            count = int(scope.sum())
            if count >= 2 and _sums_up(sums, c, scope, count, found.money):
                summary[c] = True
                break
    return summary


@dataclass(frozen=True)
class SummaryCandidate:
    """One row that may be an unlabelled summary row: its line, its day (None: not a live
    row), and per sum column its value (0 when empty) and whether it is present."""

    line: int
    day: int | None
    values: tuple[int, ...]
    present: tuple[bool, ...]


@dataclass(frozen=True)
class SummaryFacts:
    """A block's share of the summary-row check: rows in all, live rows and the totals of
    the sum columns per day (floats: a first look, see :func:`_may_sum_up`), and its
    candidates (see :func:`_summary_candidates`)."""

    rows: int
    day_counts: dict[int, int]
    day_totals: dict[int, list[float]] | None  # None: not summed (see map_block)
    file_totals: list[float]
    candidates: tuple[SummaryCandidate, ...]
    candidate_count: int
    # per sum column, the days of live rows whose cell of it was refused (see _unknown_sums)
    refused: tuple[frozenset[int], ...]


def _summary_facts(
    found: _Candidates | None,
    days: npt.NDArray[np.datetime64],
    first_line: int,
    size: int,
    by_day: bool,
) -> SummaryFacts | None:
    if found is None:
        return None
    live = found.live
    day_of = days.view(np.int64)  # the same numbers, without a copy
    every = bool(live.all())
    if every and size:
        low = int(day_of.min())
        key = day_of - low
        width = int(key.max()) + 1
    else:
        key, width = _day_keys(days, live)
        low = int(day_of[live].min()) if live.any() else 0
    counts = np.bincount(key if every else key[live], minlength=width)
    rows = np.flatnonzero(found.candidates)
    by_day = by_day or bool(len(rows))
    totals: list[list[float]] = [[] for _ in range(width)]
    file_totals: list[float] = []
    for numbers in found.sums:
        kept = numbers.present if every else live & numbers.present
        whole_column = bool(kept.all())
        if by_day:
            if whole_column:
                sums = np.bincount(key, weights=numbers.micro, minlength=width)
            else:
                sums = np.bincount(key[kept], weights=numbers.micro[kept], minlength=width)
            for i, total in enumerate(sums.tolist()):
                totals[i].append(total)
            file_totals.append(float(sum(sums.tolist())))
        else:
            values = numbers.micro if whole_column else numbers.micro[kept]
            file_totals.append(float(np.add.reduce(values, dtype=np.float64)))
    occupied = np.flatnonzero(counts).tolist()
    candidates = tuple(
        SummaryCandidate(
            first_line + p,
            int(day_of[p]) if live[p] else None,
            tuple(int(n.micro[p]) if n.present[p] else 0 for n in found.sums),
            tuple(bool(n.present[p]) for n in found.sums),
        )
        for p in rows[:MAX_SUMMARY_CANDIDATES].tolist()
    )
    return SummaryFacts(
        size,
        {low + k: int(counts[k]) for k in occupied},
        {low + k: totals[k] for k in occupied} if by_day else None,
        file_totals,
        candidates,
        len(rows),
        tuple(frozenset(day_of[_refused_rows(n, live)].tolist()) for n in found.sums),
    )


def _refused_rows(numbers: ParsedNumbers, live: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
    """The live rows whose cell in ``numbers`` was refused (``--skip-invalid``)."""
    rows = np.fromiter(numbers.errors, dtype=np.intp, count=len(numbers.errors))
    return rows[live[rows]]


# A table read in blocks keeps at most this many summary-row candidates per block; more (a
# channel column left empty) and it is mapped whole instead.
MAX_SUMMARY_CANDIDATES = 20_000


def _day_keys(
    days: npt.NDArray[np.datetime64], live: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], int]:
    """Each row's day as a dense key from 0 (rows not ``live`` get 0), and the key count."""
    raw = days.view(np.int64)
    low = int(raw[live].min()) if live.any() else 0
    key = np.where(live, raw - low, 0)
    return key, int(key.max()) + 1 if len(key) else 1


def _may_sum_up(
    sums: list[ParsedNumbers],
    live: npt.NDArray[np.bool_],
    days: npt.NDArray[np.datetime64],
    candidates: npt.NDArray[np.bool_],
    *,
    by_day: bool,
) -> npt.NDArray[np.bool_]:
    """:func:`_sums_up` in floats for every candidate at once (generous tolerances): which
    rows are worth the exact check."""
    if by_day:
        key, width = _day_keys(days, live)
    else:
        key, width = np.zeros(len(days), dtype=np.int64), 1
    idx = np.flatnonzero(candidates)
    count = np.bincount(key[live], minlength=width)[key[idx]] - live[idx]
    equal = np.zeros(len(idx), dtype=np.int64)
    below = np.zeros(len(idx), dtype=np.int64)
    bad = np.zeros(len(idx), dtype=np.bool_)
    for numbers in sums:
        kept = live & numbers.present
        group = np.bincount(key[kept], weights=numbers.micro[kept], minlength=width)
        value = np.where(numbers.present[idx], numbers.micro[idx], 0).astype(np.float64)
        total = group[key[idx]] - np.where(kept[idx], value, 0)
        # generous: money rounded per row may be off by half a unit a row (see _sums_up)
        slack = count * HALF_UNIT_MOST + 1e-9 * np.abs(total) + 1
        compared = (value != 0) & ~_unknown_sums(numbers, live, key, width, idx)
        is_equal = compared & (np.abs(value - total) <= slack)
        is_below = compared & ~is_equal & (value > 0) & (value < total + slack)
        equal += is_equal
        below += is_below
        bad |= compared & ~is_equal & ~is_below
    likely = np.zeros(len(days), dtype=np.bool_)
    likely[idx[(count >= 2) & ~bad & (equal > 0) & (equal >= below)]] = True
    return likely


def _unknown_sums(
    numbers: ParsedNumbers,
    live: npt.NDArray[np.bool_],
    key: npt.NDArray[np.int64],
    width: int,
    idx: npt.NDArray[np.intp],
) -> npt.NDArray[np.bool_]:
    """Per candidate at ``idx``, whether another live row of its group (by ``key``) holds a
    cell of this column that was refused (``--skip-invalid``): the sum of its others is then
    not known, and the column is not compared (its total without the cell would tell a
    summary row from data wrongly)."""
    if not numbers.errors:  # the usual case: no work over the rows
        return np.zeros(len(idx), dtype=np.bool_)
    failed = np.zeros(len(live), dtype=np.bool_)
    failed[_refused_rows(numbers, live)] = True
    return np.bincount(key[failed], minlength=width)[key[idx]] - failed[idx] > 0


def _sums_up(
    sums: list[ParsedNumbers],
    row: int,
    scope: npt.NDArray[np.bool_],
    count: int,
    money: tuple[bool, ...],
) -> bool:
    """Whether ``row``'s non-zero values equal the sums over ``scope``: at least half of them
    exactly (a micro-unit per row of slack, for exports that round to more decimals), the
    others below their sums (de-duplicated counts such as reach; never ``money``: a row of
    5.00 beside rows of 10.00 and 20.00 is a sale, not their sum). A column with a refused
    cell in ``scope`` is not compared: its sum is not known."""
    equal = below = 0
    for numbers, is_money in zip(sums, money, strict=True):
        value = int(numbers.micro[row]) if numbers.present[row] else 0
        if value == 0 or any(scope[p] for p in numbers.errors):
            continue
        summed = numbers.micro[scope & numbers.present].tolist()
        total = sum(summed)
        # money rounded per row (33.34 + 33.34 + 33.33 under a summary of 100.00): half a
        # unit of its last written place a row
        slack = count * max(1, _half_unit([value, *summed])) if is_money else count
        if abs(value - total) <= slack:
            equal += 1
        elif 0 < value < total and not is_money:
            below += 1
        else:
            return False
    return equal > 0 and equal >= below


# the most a money cell rounded per row may be off, in micro-units: half a whole unit
HALF_UNIT_MOST = MICRO // 2


def _half_unit(micro: list[int]) -> int:
    """Half the unit of the last decimal place the values are written to, in micro-units,
    at most half a whole unit: 5,000 for cents (12.34), 500,000 for whole yuan."""
    unit: int = MICRO
    for value in micro:
        while unit > 1 and value % unit:
            unit //= 10
    return unit // 2


def _money_currency(plan: Plan, layout: Layout, refs: dict[str, KpiRef]) -> str:
    """The currency a source's currency column must name: that of the money KPIs its columns
    feed when they share one (a Meta account billed in UAH, mapped to a KPI in UAH), else the
    plan's, as a money cell is read in its KPI's currency (:func:`_parse_metrics`)."""
    found = {
        money
        for _, kpi_id in layout.metrics
        if (column := _column_kpi(plan, layout, kpi_id, refs)) is not None
        for kpi in (column[1],)
        if kpi.unit and (money := kpi_currency(kpi.unit, plan.plan.currency))
    }
    return found.pop() if len(found) == 1 else plan.plan.currency


def _check_currency_column(
    expected: str,
    of_kpis: bool,
    body: Body,
    position: int,
    names: tuple[str, ...],
    blank: npt.NDArray[np.bool_],
    rejects: _Rejects,
) -> None:
    """A row whose currency column names another currency than ``expected`` (the source's
    money KPIs', see :func:`_money_currency`; ``of_kpis`` when that is not the plan's) is
    rejected."""
    codes, uniques = body[position].factorize()
    for code, text in enumerate(uniques):
        if is_no_value(text):
            continue
        found = currency_of(text, expected)
        if found == expected:
            continue
        reason = (
            msg(
                "ingest.row_currency_kpis" if of_kpis else "ingest.row_currency",
                found=found,
                expected=expected,
            )
            if found
            else msg("ingest.not_a_currency", expected=expected)
        )
        for p in np.flatnonzero((codes == code) & ~blank).tolist():
            rejects.add(p, names[position], text, reason)


def _map_long(
    body: Body,
    layout: Layout,
    names: tuple[str, ...],
    refs: dict[str, KpiRef],
    blank: npt.NDArray[np.bool_],
    rejects: _Rejects,
    cells: _Cells,
    currency: str,
    delimiter: str,
    *,
    whole: bool,
) -> None:
    if layout.kpi is None or layout.value is None:
        raise ValueError("long format needs kpi and value columns")
    codes, uniques = body[layout.kpi].factorize()
    resolved = [_resolve_long(u, refs) for u in uniques]
    # each value's currency is judged by its row's KPI (a KPI in another unit takes none)
    numbers = parse_numbers(
        body[layout.value], currency=currency, check_currency=False, semicolons=delimiter == ";"
    )
    numbers = _decimal_commas_refused(delimiter, body, {layout.value: numbers}, whole=whole)[
        layout.value
    ]
    value_header = names[layout.value]
    value_raw = body[layout.value].raw
    for p, reason in numbers.errors.items():
        if not blank[p]:
            rejects.add(p, value_header, value_raw(p), reason, row=False)
    kpi_header = names[layout.kpi]
    # the rows of each KPI, in file order: one stable sort, not a pass over the file per KPI
    # (a long export holds thousands of KPIs)
    candidates = np.flatnonzero(~blank)
    if not len(candidates):
        return
    order = candidates[np.argsort(codes[candidates], kind="stable")]
    by_code = codes[order]
    bounds = np.flatnonzero(np.r_[True, by_code[1:] != by_code[:-1], True])
    for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        code = int(by_code[start])
        qid, reason = resolved[code]
        rows = order[start:end]
        if qid is None:
            for p in rows.tolist():
                rejects.add(p, kpi_header, uniques[code], reason)
            continue
        rows = rows[numbers.present[rows]]
        pos = rows.astype(np.int64)
        pos, micro = _apply_units(
            refs[qid].kpi, qid, value_header, pos, numbers, False, value_raw, rejects, currency
        )
        cells.add(qid, pos, micro)


def _map_wide(
    plan: Plan,
    body: Body,
    layout: Layout,
    names: tuple[str, ...],
    refs: dict[str, KpiRef],
    blank: npt.NDArray[np.bool_],
    rejects: _Rejects,
    cells: _Cells,
    parsed: dict[int, ParsedNumbers],
) -> None:
    size = body.size
    modules: list[Module | None]
    route_code = np.zeros(size, dtype=np.int64)
    if layout.route is not None:
        module_ids = sorted(set(layout.routes.values()))
        modules = [plan.module(m) for m in module_ids]
        codes, uniques = body[layout.route].factorize()
        mapping = np.array(
            [
                module_ids.index(layout.routes[k]) if (k := _route_key(u)) in layout.routes else -1
                for u in uniques
            ],
            dtype=np.int64,
        )
        route_code = mapping[codes] if len(uniques) else route_code
        known = ", ".join(sorted((layout.source.modules or {}) if layout.source else {}))
        for p in np.flatnonzero((route_code < 0) & ~blank).tolist():
            rejects.add(
                p,
                names[layout.route],
                uniques[codes[p]],
                msg("ingest.no_route", known=known),
            )
    elif layout.module is not None:
        modules = [plan.module(layout.module)]
    else:
        modules = [None]
    every_row: npt.NDArray[np.int64] | None = None
    for position, kpi_id in layout.metrics:
        numbers = parsed[position]
        header = names[position]
        raw = body[position].raw
        for p, reason in numbers.errors.items():
            if not blank[p]:
                rejects.add(p, header, raw(p), reason, row=False)
        for code, module in enumerate(modules):
            in_module = ~blank & numbers.present
            if len(modules) > 1 or layout.route is not None:
                in_module &= route_code == code
            if in_module.all():  # the usual export: every row has this value
                rows = every_row if every_row is not None else np.arange(size, dtype=np.int64)
                every_row = rows  # one shared array, so grouping is computed once
            else:
                rows = np.flatnonzero(in_module).astype(np.int64, copy=False)
            if not len(rows):
                continue
            qid = resolve_name(kpi_id, module, refs)
            if qid is None or qid not in refs or refs[qid].kpi.formula:
                where = (
                    msg("ingest.in_module", module=module.id) if module else msg("ingest.in_plan")
                )
                reason = (
                    msg("ingest.no_kpi_for_column", where=where, kpi=kpi_id)
                    if qid is None or qid not in refs
                    else msg("ingest.formula_column", kpi=qid)
                )
                for p in rows.tolist():
                    rejects.add(p, header, raw(p), reason, row=False)
                continue
            rows, micro = _apply_units(
                refs[qid].kpi,
                qid,
                header,
                rows,
                numbers,
                rows is every_row,
                raw,
                rejects,
                plan.plan.currency,
            )
            cells.add(qid, rows, micro)


def _route_key(raw: str) -> str:
    return header_key(raw)


# --- combining to the plan's grain ------------------------------------------------------


def _combine(
    cells: _Cells,
    kpis: dict[str, Kpi],
    refs: dict[str, KpiRef],
    days: npt.NDArray[np.datetime64],
    valid: npt.NDArray[np.bool_],
    channels: TextCodes | None,
    notes: npt.NDArray[Any] | None,
    lines: TextCodes | None,
    documents: TextCodes | None,
    rejects: _Rejects,
    first_line: int,
    layout: Layout,
    names: tuple[str, ...],
    raw: Callable[[str, int], str],
    notes_joiner: str = "; ",
) -> list[Row]:
    """Group cells by (kpi, date, channel, budget line, ref) with each KPI's aggregation;
    rejected rows are left out. Rows that differ in line or ref stay apart, a rate's (mean)
    included: the store adds them up before any aggregation. A rate's rows with the same
    whole key are combined by weight; when they cannot be (no weight in the rows, a weight
    missing, weights adding up to 0) each of their rate cells is refused (``raw``: a KPI's
    cell as written, by row), and the rows' other cells stay."""
    none = (np.zeros(len(days), dtype=np.intp), [""])
    channel_codes, channel_names = channels or none
    line_codes, line_names = lines or none
    ref_codes, ref_names = documents or none
    width = max(len(channel_names), 1)
    per_line = len(ref_names)
    per_channel = len(line_names) * per_line
    # key = ((day × channels + channel) × lines + line) × refs + ref, in the store's key order
    keys = days.view(np.int64) * width
    keys += channel_codes
    if per_channel > 1:  # else one line and one ref (none): their codes are all 0
        keys *= per_channel
        keys += line_codes * per_line + ref_codes

    cache: dict[int, _Groups] = {}
    rows: list[Row] = []
    usable = valid & ~rejects.bad
    every_row_usable = bool(usable.all())
    for qid in sorted(cells.pos):
        kpi = kpis[qid]
        pos = _joined(cells.pos[qid])
        micro = _joined(cells.micro[qid])
        if not every_row_usable:
            keep = usable[pos]
            pos, micro = pos[keep], micro[keep]
        if not len(pos):
            continue
        if per_channel > 1 and kpi.formula is None and kpi.is_rate:
            split = _split_rate(keys[pos], per_channel)
            if split.any():  # each such cell is refused; the rows' other cells stay
                header = _value_header(layout, names, qid)
                for p in pos[split].tolist():
                    shown = _parts_of(p, line_codes, line_names, ref_codes, ref_names)
                    reason = msg("ingest.rate_split", kpi=qid, parts=shown)
                    rejects.add(p, header, raw(qid, p), reason, row=False)
                pos, micro = pos[~split], micro[~split]
                if not len(pos):
                    continue
        groups = _grouping(pos, keys, cache)
        values: npt.NDArray[Any]
        if kpi.aggregation == "mean":
            import pandas as pd  # rates combined by weight: rare, and not worth the import

            table = pd.DataFrame({"key": keys[pos], "pos": pos, "micro": micro})
            counts = pd.Series(groups.count, index=groups.keys)
            weight = _weight_of(qid, kpi, refs, layout)
            weighted, refused = _weighted(qid, weight, table, counts, cells)
            if refused:  # each of their rate cells is refused; the rows' other cells stay
                header = _value_header(layout, names, qid)
                hit = table["key"].isin(list(refused)).to_numpy()  # table row i is pos[i]
                for key, p in zip(keys[pos[hit]].tolist(), pos[hit].tolist(), strict=True):
                    rejects.add(p, header, raw(qid, p), refused[key], row=False)
                pos, micro = pos[~hit], micro[~hit]
                if not len(pos):
                    continue
                groups = _grouping(pos, keys, cache)
            values = weighted.reindex(groups.keys).to_numpy(dtype=object)
        else:
            values = groups.aggregate(kpi.aggregation, micro)
        day_part, rest = np.divmod(groups.keys, width * per_channel)
        channel_part, rest = np.divmod(rest, per_channel)
        line_part, ref_part = np.divmod(rest, per_line)
        iso_days = np.datetime_as_string(day_part.astype("datetime64[D]"), unit="D").tolist()
        channel_of = [channel_names[c] for c in channel_part.tolist()]
        none_of: list[str | None] = [None] * len(groups.keys)
        group_notes = none_of
        if notes is not None:  # most exports carry none
            order = np.lexsort((pos, keys[pos]))
            sorted_keys, sorted_pos = keys[pos][order], pos[order]
            by_key_notes = _group_texts(sorted_keys, sorted_pos, notes, notes_joiner)
            group_notes = [by_key_notes.get(k) for k in groups.keys.tolist()]
        rows.extend(
            zip(
                itertools.repeat(qid),
                iso_days,
                channel_of,
                [int(v) for v in values.tolist()],
                group_notes,
                [line_names[c] or None for c in line_part.tolist()],
                (groups.first + first_line).tolist(),
                [ref_names[c] or None for c in ref_part.tolist()],
                strict=False,
            )
        )
    return rows


def _joined(parts: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _value_position(layout: Layout, qid: str) -> int | None:
    """The column a KPI's values come from: the long format's value column, or the wide
    column mapped to the KPI (None: no column of this layout)."""
    if layout.value is not None:
        return layout.value
    bare = qid.rsplit(".", 1)[-1]
    for position, kpi_id in layout.metrics:
        if kpi_id in (qid, bare):
            return position
    return None


def _raw_value(body: Body, layout: Layout, qid: str, p: int) -> str:
    """A KPI's cell of row ``p`` as written ('' when the layout has no column for it)."""
    position = _value_position(layout, qid)
    return "" if position is None else body[position].raw(p)


def _split_rate(keys: npt.NDArray[np.int64], per_channel: int) -> npt.NDArray[np.bool_]:
    """Which of a rate's cells (by key) share their date and channel with a cell of another
    budget line or ref: the store adds those up (2 % + 3 % is no rate of the two lines)."""
    whole = np.unique(keys)
    day_channel, count = np.unique(whole // per_channel, return_counts=True)
    shared = day_channel[count > 1]
    if not len(shared):
        return np.zeros(len(keys), dtype=np.bool_)
    return np.isin(keys // per_channel, shared)


def _parts_of(
    p: int,
    line_codes: npt.NDArray[np.intp],
    line_names: list[str],
    ref_codes: npt.NDArray[np.intp],
    ref_names: list[str],
) -> str:
    """The budget line and ref of row ``p`` as a refusal names them: `line 'search'`."""
    parts = [
        f"{kind} {names[codes[p]]!r}"
        for kind, codes, names in (("line", line_codes, line_names), ("ref", ref_codes, ref_names))
        if names[codes[p]]
    ]
    return ", ".join(parts) or "no line"


def _value_header(layout: Layout, names: tuple[str, ...], qid: str) -> str:
    position = _value_position(layout, qid)
    return "" if position is None else names[position]


_INT64_MAX = np.iinfo(np.int64).max
_INT64_MIN = np.iinfo(np.int64).min


@dataclass(frozen=True)
class _Groups:
    """Cells (by row position ``pos``) grouped by (date, channel) key: the group of each cell,
    the keys in ascending order, and per group the cell count and the first row position."""

    pos: npt.NDArray[np.int64]
    code: npt.NDArray[np.intp]
    keys: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]

    def aggregate(self, how: str, micro: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        """Per group: the sum, max, min, or the value of the last row in the file."""
        size = len(self.keys)
        if how == "sum":
            if np.abs(micro).max() >= _INT64_MAX // max(int(self.count.max()), 1):
                sums = np.zeros(size, dtype=object)  # Python ints cannot overflow
                np.add.at(sums, self.code, micro.astype(object))
                return sums
            out = np.zeros(size, dtype=np.int64)
            np.add.at(out, self.code, micro)
            return out
        if how == "max":
            out = np.full(size, _INT64_MIN, dtype=np.int64)
            np.maximum.at(out, self.code, micro)
            return out
        if how == "min":
            out = np.full(size, _INT64_MAX, dtype=np.int64)
            np.minimum.at(out, self.code, micro)
            return out
        if how == "last":
            last = np.full(size, -1, dtype=np.int64)
            np.maximum.at(last, self.code, self.pos)
            chosen = self.pos == last[self.code]
            out = np.zeros(size, dtype=np.int64)
            out[self.code[chosen]] = micro[chosen]
            return out
        raise ValueError(f"no aggregation {how!r} here")  # pragma: no cover - mean is weighted


def _grouping(
    pos: npt.NDArray[np.int64], keys_all: npt.NDArray[np.int64], cache: dict[int, _Groups]
) -> _Groups:
    """Group the cells at ``pos`` by their key without sorting the rows: keys are dense
    (days × channels), so a count per key finds the occupied ones. Reused while KPIs share
    the same rows, as the columns of one wide export usually do."""
    # the same array (a complete wide column), or equal to the last cells grouped (a wide
    # export's columns with the same empty cells); comparing with every earlier KPI would make
    # a long export of thousands of KPIs quadratic
    same = cache.get(id(pos))
    if same is not None and same.pos is pos:
        return same
    last = cache.get(-1)
    if last is not None and len(last.pos) == len(pos) and np.array_equal(last.pos, pos):
        return last
    keys = keys_all[pos]
    low = int(keys.min())
    span = int(keys.max()) - low + 1
    if span <= max(4 * len(keys), 1 << 16):
        occupied = np.bincount(keys - low, minlength=span) > 0
        dense = np.cumsum(occupied) - 1
        code = dense[keys - low].astype(np.intp, copy=False)
        group_keys = np.flatnonzero(occupied).astype(np.int64) + low
    else:  # sparse keys (very many channels): sort them instead
        group_keys, inverse = np.unique(keys, return_inverse=True)
        code = inverse.astype(np.intp)
    count = np.bincount(code, minlength=len(group_keys)).astype(np.int64)
    first = np.full(len(group_keys), _INT64_MAX, dtype=np.int64)
    np.minimum.at(first, code, pos)
    groups = _Groups(pos, code, group_keys, count, first)
    cache[id(pos)] = cache[-1] = groups
    return groups


# A block hands its groups' distinct notes on as a tuple in the note's place (see combine.py).
_DISTINCT = "distinct"


def _group_texts(
    keys: npt.NDArray[np.int64],
    pos: npt.NDArray[np.int64],
    texts: npt.NDArray[Any] | None,
    joiner: str | None,
) -> dict[int, str]:
    """Per group key: the distinct non-empty texts in file order joined (or the first).
    ``keys`` and ``pos`` are sorted by (key, pos)."""
    if texts is None:
        return {}
    picked = texts[pos]
    has = picked != ""
    # a dict per key, not a list: "seen before?" is one lookup, so many distinct notes on one
    # key stay linear (a list made 80,000 notes on one day 39 s)
    found: dict[int, dict[str, None]] = {}
    for key, text in zip(keys[has].tolist(), picked[has].tolist(), strict=True):
        found.setdefault(key, {})[text] = None  # the first occurrence keeps its place
    if joiner is None:
        return {k: next(iter(v)) for k, v in found.items()}
    if joiner == _DISTINCT:  # a block's notes: kept apart, so blocks join them as one table
        return {k: cast(str, tuple(v)) for k, v in found.items()}
    return {k: joiner.join(v) for k, v in found.items()}


def _weight_of(
    qid: str, kpi: Kpi, refs: dict[str, KpiRef], layout: Layout
) -> tuple[str | None, bool]:
    """A rate's weight KPI (qualified id, or None without a `weight:`) and whether the layout
    exports it in the rate's own rows: a wide column beside it (a long row holds one KPI)."""
    if kpi.weight is None:
        return None, False
    weight_id = resolve_name(kpi.weight, refs[qid].module, refs)
    if weight_id is None:  # pragma: no cover - validate refuses a weight naming no KPI
        return None, False
    return weight_id, layout.kpi is None and _value_position(layout, weight_id) is not None


def _weighted(
    qid: str,
    weight: tuple[str | None, bool],
    table: pd.DataFrame,
    count: pd.Series[Any],
    cells: _Cells,
) -> tuple[pd.Series[Any], dict[int, Msg]]:
    """Mean KPIs: single rows as they are; several rows weighted by the weight KPI's value in
    the same rows (``weight``: as :func:`_weight_of` gives it). Returns values by key, and the
    keys whose rows cannot be combined, each with the reason."""
    import pandas as pd

    single = table.groupby("key", sort=True)["micro"].last()
    multi_keys = count[count > 1].index.tolist()
    if not multi_keys:
        return single, {}
    refused: dict[int, Msg] = {}
    weight_id, exported = weight
    if weight_id is None or not exported:
        for key in multi_keys:
            refused[key] = (
                msg("ingest.rate_rows", count=int(count[key]), kpi=qid)
                if weight_id is None
                else msg(
                    "ingest.rate_rows_weight_absent",
                    count=int(count[key]),
                    kpi=qid,
                    weight=weight_id,
                )
            )
        return single.drop(multi_keys), refused
    weights: dict[int, int] = {}
    if weight_id in cells.pos:
        w_pos = np.concatenate(cells.pos[weight_id])
        w_micro = np.concatenate(cells.micro[weight_id])
        weights = dict(zip(w_pos.tolist(), w_micro.tolist(), strict=True))
    out: dict[int, int] = {}
    partial: dict[int, list[int]] = {}
    values: dict[int, set[int]] = {}  # the rows' own values, for weights that add up to 0
    multi = table[table["key"].isin(multi_keys)]
    for key, pos, micro in zip(
        multi["key"].tolist(), multi["pos"].tolist(), multi["micro"].tolist(), strict=True
    ):
        row_weight = weights.get(pos)  # None: its weight cell is empty or not a number
        if row_weight is None:
            refused[key] = msg(
                "ingest.rate_rows_weight_missing", count=int(count[key]), kpi=qid, weight=weight_id
            )
            continue
        sums = partial.setdefault(key, [0, 0])
        sums[0] += micro * row_weight
        sums[1] += row_weight
        values.setdefault(key, set()).add(micro)
    for key, (num, den) in partial.items():
        if key in refused:
            continue
        if den == 0:
            # rows that agree need no weights (Meta's inactive ads: CPM 0 on 0 impressions
            # each); rows that differ have no mean
            if len(values[key]) == 1:
                out[key] = values[key].pop()
                continue
            refused[key] = msg(
                "ingest.rate_rows_weight_zero", count=int(count[key]), kpi=qid, weight=weight_id
            )
            continue
        mean = (Decimal(num) / Decimal(den)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        out[key] = int(mean)
    merged = dict(zip(single.index.tolist(), single.tolist(), strict=True))
    merged.update(out)
    for key in refused:
        merged.pop(key, None)
    return pd.Series(merged, dtype=object), refused


__all__ = [
    "LONG_FORMAT",
    "MICRO",
    "Layout",
    "MappedFile",
    "RejectedRow",
    "map_block",
    "map_body",
    "named_by_unmapped",
    "unmapped_columns",
]
