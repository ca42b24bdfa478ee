"""The values that cross the store's boundary: what ingest hands in, what it gets back.

All dataclasses are frozen. Dates are ``datetime.date``; times are timezone-aware UTC
``datetime``; counts are numbers of observations (one per KPI × date × channel), except
``rows_read`` which counts source rows of the input file. An observation's key is (kpi,
date, channel, budget line, ref).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    InvalidOperation,
)

from mktplan.i18n import Msg, catalogue, msg
from mktplan.observations import SCALE, Observation

MICRO: int = 10**SCALE  # micro-units per value unit: values are stored as value × 10^6
MAX_MICRO = 2**63 - 1  # SQLite INTEGER is a signed 64-bit number
# the largest power of ten (Decimal.adjusted) a value below MAX_MICRO / MICRO can have
_MAX_ADJUSTED = len(str(MAX_MICRO)) - 1 - SCALE
# shifting the decimal point never rounds in this context, whatever the value's digits
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def to_micro(value: Decimal) -> int | None:
    """``value`` in integer micro-units (rounded half-even to 6 decimals); None if it does
    not fit a 64-bit integer or is not a finite number.

    The point is shifted exactly and the result rounded once to an integer: the same
    number as ``int(value.quantize(QUANTUM, ROUND_HALF_EVEN).scaleb(SCALE))`` (a property
    test compares them), in a third of the time (2,000 KPI results per report, every value
    of a long-format ingest). A value too large to fit is refused before any big integer
    is made of it."""
    if not value.is_finite():
        return None
    if value.adjusted() > _MAX_ADJUSTED:
        return 0 if value.is_zero() else None  # 0E+13 is a zero all the same
    micro = int(value.scaleb(SCALE, _EXACT).to_integral_value(ROUND_HALF_EVEN))
    return micro if -MAX_MICRO <= micro <= MAX_MICRO else None


def from_micro(micro: int) -> Decimal:
    """The exact ``Decimal`` of an integer number of micro-units, without trailing zeros
    (10 not 10.000000, 2.5 not 2.500000) so renderers print what the export said."""
    places = SCALE
    rest = abs(micro) % MICRO
    if rest == 0:
        return Decimal(micro // MICRO)
    while rest % 10 == 0:
        rest //= 10
        places -= 1
    exact = Decimal(micro).scaleb(-SCALE)
    try:
        return exact.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:  # more digits than the context's precision: keep as is
        return exact


# One observation as ingest hands it to the store, without a Decimal in between:
# (kpi, ISO date, channel, value in micro-units, note, budget line, first source row, ref).
# The ref (a document such as an invoice) comes last so that row[6] stays the source row.
Row = tuple[str, str, str, int, str | None, str | None, int, str | None]


def observation_of(row: Row) -> Observation:
    """The :class:`Observation` a :data:`Row` stands for."""
    kpi, day, channel, micro, note, line, _, ref = row
    return Observation(
        kpi=kpi,
        date=dt.date.fromisoformat(day),
        value=Decimal(micro).scaleb(-SCALE),
        channel=channel,
        note=note,
        line=line,
        ref=ref,
    )


# A skipped row's reason is stored (ingest_skipped.reason, a TEXT column) as a catalogue
# sentence in JSON: {"code": "ingest.skip.totals_row", "params": {"column": "日期",
# "label": "合计"}}, so `log` writes it in the language of the day. A parameter is a string,
# an integer or a list of catalogue codes (said as one list). Older stores hold English
# free text, shown as it is.
SkipParam = str | int | list[str]


def storable_text(text: str) -> str:
    """``text`` as a store can keep it: a file name or command line whose bytes are not UTF-8
    (Python holds them as lone surrogates, which neither SQLite nor PostgreSQL accepts) with
    each such byte as U+FFFD."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def skip_reason(code: str, **params: SkipParam) -> str:
    """The stored form of a skipped row's reason: catalogue ``code`` naming ``params``."""
    return json.dumps(
        {"code": code, "params": params}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def _list_of(codes: list[str]) -> Msg:
    """Catalogue ``codes`` as one list sentence: `a, b, c` (`a、b、c` in zh)."""
    listed = msg(codes[-1])
    for code in reversed(codes[:-1]):
        listed = msg("ingest.skip.list", first=msg(code), rest=listed)
    return listed


def _stored_sentence(reason: str) -> Msg | None:
    """The catalogue sentence of a stored reason; None for free text (or a code this
    version does not know), which is then shown as it is."""
    if not reason.startswith("{"):
        return None
    try:
        stored = json.loads(reason)
    except ValueError:
        return None
    known = catalogue("en")
    if not isinstance(stored, dict) or stored.get("code") not in known:
        return None
    params = stored.get("params", {})
    if not isinstance(params, dict):
        return None
    values: dict[str, object] = {}
    for name, value in params.items():
        if isinstance(value, list):
            if not all(isinstance(c, str) and c in known for c in value):
                return None
            values[name] = _list_of(value) if value else ""
        elif isinstance(value, str | int) and not isinstance(value, bool):
            values[name] = value
        else:
            return None
    sentence = msg(stored["code"], **values)
    try:
        sentence.render("en")
    except (KeyError, IndexError, ValueError):  # its parameters do not fit the sentence
        return None
    return sentence


# the source of a long-format file (date,kpi,value…), which names no source of the plan
LONG_SOURCE = "long"


@dataclass(frozen=True)
class SkippedRows:
    """Lines of an input file left out on purpose (a totals row, the title lines above the
    header): 1-based first and last line, and why (the stored form of :func:`skip_reason`,
    or an older store's English text)."""

    first: int
    last: int
    reason: str

    def why(self, lang: str = "en") -> str:
        """The reason in ``lang`` (an older store's free text as it is)."""
        sentence = _stored_sentence(self.reason)
        return self.reason if sentence is None else sentence.render(lang)

    def code(self) -> tuple[str | None, dict[str, SkipParam]]:
        """The reason's catalogue code and parameters ((None, {}) for free text)."""
        if _stored_sentence(self.reason) is None:
            return None, {}
        stored = json.loads(self.reason)
        return str(stored["code"]), dict(stored.get("params", {}))


@dataclass(frozen=True)
class FileBatch:
    """One input file, parsed and already aggregated within the file: its observations with
    their first source rows, or the same as :data:`Row` tuples in ``rows`` (ingest's fast
    form; ``observations`` and ``row_numbers`` are then ignored)."""

    name: str  # the path as the user gave it
    sha256: str  # of the file's bytes
    source: str  # "long" or the plan source's name
    config_digest: str  # digest of the mapping used (source config + plan id)
    rows_read: int
    observations: Sequence[Observation] = ()  # unique per (kpi, date, channel, line, ref)
    row_numbers: Sequence[int] = ()  # parallel to observations: first source row (1-based)
    rows: Sequence[Row] | None = None
    skipped: tuple[SkippedRows, ...] = ()  # totals rows and lines above the header
    # the plan's measured KPIs that are rates (`%` or `ratio`): a rate's values of one date
    # and channel are never split by budget line or ref, as the store adds those up
    rates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FileOutcome:
    """What one file did to the store (or would do, in a dry run)."""

    name: str
    sha256: str
    source: str
    rows_read: int
    new: int  # observations whose key was not stored before
    changed: int  # stored keys whose value or note this file replaced
    unchanged: int  # stored keys this file repeats exactly (all of them when already_ingested)
    already_ingested: bool  # same sha256 + config_digest + plan seen before: nothing re-written
    first_date: dt.date | None
    last_date: dt.date | None
    kpis: tuple[str, ...]  # sorted qualified KPI ids the file touches
    skipped: tuple[SkippedRows, ...] = ()  # totals rows and lines above the header


@dataclass(frozen=True)
class IngestOutcome:
    run_id: int | None  # None for a dry run
    dry_run: bool
    files: tuple[FileOutcome, ...]


@dataclass(frozen=True)
class IngestRun:
    """One recorded ingest call, for `mktplan log` / `ingest --history`."""

    id: int
    plan_id: str
    started_at: dt.datetime  # UTC
    files: tuple[FileOutcome, ...]
    command: str


@dataclass(frozen=True)
class StoredObservation:
    """A current observation with where it came from."""

    plan_id: str
    observation: Observation
    file_name: str  # the input path as the user gave it
    file_sha256: str
    row_number: int  # first source row (1-based line) behind the value
    source: str  # "long" or the plan source's name
    run_id: int
    ingested_at: dt.datetime  # UTC


@dataclass(frozen=True)
class InputProblem:
    """Rows of one input file that were refused (the whole ingest failed) or skipped
    (``--skip-invalid``): counts and reason codes only, never the values."""

    file: str  # the input path as the user gave it
    source: str  # "long" or the plan source's name
    kind: str  # refused | skipped
    reason: str  # the rejected rows' finding codes, e.g. "invalid"
    rows: int
    sha256: str = ""  # of the file's bytes: a file refused again unchanged counts once


def problem_log(
    mark: str, plan_id: str, problems: Sequence[InputProblem], at: object
) -> tuple[str, list[tuple[object, ...]]]:
    """The statement and its rows that log ``problems`` at ``at`` (as the backend stores a
    time) in either store; ``mark`` is the backend's parameter mark."""
    marks = ", ".join([mark] * 8)
    sql = (
        "INSERT INTO input_problem (plan_id, at, file, source, kind, reason, rows, sha256) "  # noqa: S608
        f"VALUES ({marks})"
    )
    return sql, [
        (plan_id, at, p.file, p.source, p.kind, p.reason, p.rows, p.sha256) for p in problems
    ]


@dataclass(frozen=True)
class OpenProblem:
    """Refused or skipped rows of a source since its last accepted ingest."""

    source: str  # the plan source's name, or the file name for long-format files
    kind: str  # refused | skipped
    since: dt.datetime  # UTC, the first such ingest
    rows: int


# A config digest names the part of the bytes a read took (a workbook's sheet, one of the
# tables of a file holding several) after this mark: another part of the same bytes is other
# data, never a re-read of it. A digest without it took the only table of a text file (or
# was written before parts were named, and is then compared with such reads only).
PART_MARK = "/"


def with_part(digest: str, part: str) -> str:
    """``digest`` naming the part of the bytes read (``part`` empty: the only table)."""
    return f"{digest}{PART_MARK}{part}" if part else digest


def read_part(config_digest: str) -> str:
    """The part of the bytes a read took, as :func:`with_part` named it ('' for none)."""
    _, mark, part = config_digest.rpartition(PART_MARK)
    return part if mark else ""
