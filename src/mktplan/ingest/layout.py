"""The layout stage: a table's header and the plan → which columns mean what. Long format
(date, kpi, value[, channel, note, line, ref]) or a plan `sources:` entry's wide mapping; a
file whose header fits neither is refused here, before any row is read."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from mktplan.errors import IngestError, UsageError, shorten
from mktplan.i18n import Msg, msg
from mktplan.ingest.readers import TableHeader, header_key
from mktplan.ingest.sniff import Dialect, wanted_columns
from mktplan.plan.model import Plan, Source
from mktplan.plan.refs import kpi_refs
from mktplan.plan.sources import given_twice
from mktplan.store.records import LONG_SOURCE

LONG_FORMAT = LONG_SOURCE
LONG_REQUIRED = ("date", "kpi", "value")
LONG_OPTIONAL = ("channel", "note", "line", "ref")


@dataclass(frozen=True)
class Layout:
    """Which columns (0-based positions) of a file mean what."""

    name: str  # "long" or the source's name
    date: int
    kpi: int | None = None  # long format
    value: int | None = None  # long format
    metrics: tuple[tuple[int, str], ...] = ()  # wide: (position, KPI id as the source writes it)
    channel: int | None = None
    note: int | None = None
    line: int | None = None
    ref: int | None = None  # a document (invoice) id: rows with different refs add up
    route: int | None = None  # wide: the module_by column
    routes: dict[str, str] = field(default_factory=dict)  # header_key(cell) → module id
    module: str | None = None  # wide: the fixed module
    source: Source | None = None
    currency: int | None = None  # wide: a column naming each row's currency
    end: int | None = None  # wide: the last day of each row, beside a date column of first days

    @property
    def positions(self) -> list[int]:
        found = [self.date, self.kpi, self.value, self.channel, self.note, self.line, self.ref]
        found.append(self.route)
        found += [p for p, _ in self.metrics] + [self.currency, self.end]
        return sorted({p for p in found if p is not None})

    @property
    def text_positions(self) -> set[int]:
        found = {self.date, self.kpi, self.channel, self.note, self.line, self.ref, self.route}
        found |= {self.currency, self.end}
        return {p for p in found if p is not None}

    def digest(self, plan: Plan) -> str:
        """What else than the bytes decides the observations: layout and KPI definitions."""
        kpis = {
            ref_id: [ref.kpi.unit, ref.kpi.aggregation, ref.kpi.weight, bool(ref.kpi.formula)]
            for ref_id, ref in sorted(kpi_refs(plan).items())
        }
        document: dict[str, object] = {
            "layout": self.name,
            "source": self.source.model_dump(mode="json") if self.source else None,
            "period": [plan.plan.period.start.isoformat(), plan.plan.period.end.isoformat()],
            "kpis": kpis,
        }
        if self.end is not None:  # its rows' spans are checked: such a file is read again
            document["end"] = True
        text = json.dumps(document, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- choosing a layout ------------------------------------------------------------------


def _positions(headers: tuple[str, ...], aliases: Aliases = ()) -> dict[str, int]:
    """header_key → position; the first of duplicated headers wins, and a literal header
    wins over an alias (a two-level header's unique lower name)."""
    found: dict[str, int] = {}
    for i, header in enumerate(headers):
        found.setdefault(header_key(header), i)
    for name, i in aliases:
        found.setdefault(header_key(name), i)
    return found


Aliases = tuple[tuple[str, int], ...]


def _source_missing(source: Source, found: dict[str, int]) -> list[str]:
    return [h for h in wanted_columns(source) if header_key(h) not in found]


def source_fits(source: Source, dialect: Dialect) -> bool:
    """Whether the dialect's table has every column ``source`` reads."""
    return not _source_missing(source, _positions(dialect.header.headers, dialect.aliases))


def choose_layout(
    plan: Plan,
    dialect: Dialect,
    source_name: str | None,
    fitting: Callable[[], list[str]] | None = None,
) -> Layout:
    """The layout of the dialect's table (see :func:`_choose_layout`), refusing a file in
    which a column the layout reads is named twice: which of the two was meant is anyone's
    guess. ``fitting``: the plan's sources whose columns the file holds, each looking for its
    header where it is (asked only when no source is given and the file is not long format;
    without it, the sources whose columns are on the long format's header line)."""
    header, header_line = dialect.header, dialect.header_line
    layout = _choose_layout(plan, header, source_name, header_line, dialect.aliases, fitting)
    seen: dict[str, int] = {}
    for position, name in enumerate(header.headers):
        key = header_key(name)
        if key in seen and (seen[key] in layout.positions or position in layout.positions):
            raise IngestError(
                msg(
                    "ingest.duplicate_column",
                    column=shorten(name),
                    first=seen[key] + 1,
                    second=position + 1,
                ),
                file=header.file,
                line=header_line,
                path=shorten(name),
                hint=msg("ingest.duplicate_column.hint"),
            )
        seen.setdefault(key, position)
    return layout


def _choose_layout(
    plan: Plan,
    header: TableHeader,
    source_name: str | None,
    header_line: int,
    aliases: Aliases,
    fitting: Callable[[], list[str]] | None,
) -> Layout:
    """The layout of a file: the named source (a long-format file that lacks the source's
    columns stays long, so one call can mix both), else long format by its header; otherwise an
    :class:`IngestError` naming the sources whose headers match (or all of them)."""
    found = _positions(header.headers, aliases)
    is_long = all(name in found for name in LONG_REQUIRED)
    if source_name is not None:
        source = plan.sources.get(source_name)
        if source is None:
            known = ", ".join(sorted(plan.sources)) or msg("ingest.no_sources")
            raise UsageError(
                msg("ingest.no_such_source", source=source_name),
                hint=msg("ingest.no_such_source.hint", known=known),
            )
        missing = _source_missing(source, found)
        lacking = {
            "source": source_name,
            "n": len(missing),
            "missing": ", ".join(map(repr, missing)),
        }
        columns = ", ".join(map(shorten, header.headers))
        if missing and not is_long and header.parquet:
            raise IngestError(
                msg("ingest.parquet_lacks_columns", **lacking),
                file=header.file,
                hint=msg("ingest.parquet_lacks_columns.hint", columns=columns),
            )
        if missing and not is_long:
            undated = msg("ingest.file_lacks_columns.no_date") if source.date in missing else ""
            raise IngestError(
                msg("ingest.file_lacks_columns", line=header_line, **lacking),
                file=header.file,
                line=header_line,
                hint=msg(
                    "ingest.file_lacks_columns.hint",
                    line=header_line,
                    columns=columns,
                    undated=undated,
                ),
            )
        if not missing:
            _check_period(source_name, source, header, header_line)
            return _source_layout(source_name, source, found)
    if is_long:
        return Layout(
            name=LONG_FORMAT,
            date=found["date"],
            kpi=found["kpi"],
            value=found["value"],
            channel=found.get("channel"),
            note=found.get("note"),
            line=found.get("line"),
            ref=found.get("ref"),
        )
    matching = (
        fitting()
        if fitting is not None
        else [name for name, src in plan.sources.items() if not _source_missing(src, found)]
    )
    if matching:
        options: str | Msg = ""
        for name in sorted(matching, reverse=True):
            option = f"--source {name}"
            options = msg("ingest.either", first=option, rest=options) if options else option
        hint = msg("ingest.pass_source", options=options)
    elif plan.sources:
        hint = msg("ingest.no_source_matches", sources=", ".join(sorted(plan.sources)))
    else:
        hint = msg("ingest.write_long_format")
    raise IngestError(
        msg("ingest.not_long_format"),
        file=header.file,
        line=header_line,
        hint=hint,
    )


# A date column named so holds weeks or months, not days.
PERIOD_HEADERS = frozenset(
    {
        "week",
        "weeks",
        "week of",
        "week starting",
        "month",
        "months",
        "month of",
        "周",
        "周次",
        "月",
        "月份",
        "年月",
        "统计周",
        "统计月份",
    }
)


# A date column of first days, and the names of the column beside it that gives each row's
# last day (Meta Ads Manager: "Reporting starts", "Reporting ends"; its API: date_start,
# date_stop), as header_key compares them.
ROW_ENDS = {
    "reporting starts": ("reporting ends",),
    "start date": ("end date",),
    "date start": ("date stop", "date end"),
    "date_start": ("date_stop", "date_end"),
    "start": ("end",),
    "开始日期": ("结束日期", "截止日期"),
    "开始时间": ("结束时间",),
    "起始日期": ("结束日期", "截止日期"),
}


def _end_column(date: str, found: dict[str, int]) -> int | None:
    """The column that gives each row's last day, beside the date column ``date``."""
    for name in ROW_ENDS.get(header_key(date), ()):
        if name in found:
            return found[name]
    return None


def _check_period(name: str, source: Source, header: TableHeader, header_line: int) -> None:
    """A source whose date column names weeks or months must say so with `period:`."""
    if source.period == "day" and header_key(source.date) in PERIOD_HEADERS:
        raise IngestError(
            msg("ingest.period_column", column=source.date, source=name),
            file=header.file,
            line=header_line,
            path=source.date,
            hint=msg("ingest.period_column.hint"),
        )


def _source_layout(name: str, source: Source, found: dict[str, int]) -> Layout:
    if twice := given_twice(source):
        kind, column = twice[0]
        raise UsageError(
            msg("ingest.column_and_fixed", source=name, kind=kind, column=column),
            hint=msg("ingest.column_and_fixed.hint", kind=kind),
        )

    def at(h: str | None) -> int | None:
        return found[header_key(h)] if h else None

    return Layout(
        name=name,
        date=found[header_key(source.date)],
        metrics=tuple((found[header_key(h)], kpi) for h, kpi in source.columns.items()),
        channel=at(source.channel),
        note=at(source.note),
        line=at(source.line),
        ref=at(source.ref),
        route=at(source.module_by),
        routes={header_key(v): m for v, m in (source.modules or {}).items()},
        module=source.module,
        source=source,
        currency=at(source.currency),
        end=_end_column(source.date, found),
    )
