"""Shared pieces of the ingest property tests: a plan built for them, the real CLI run
in-process, CSV/xlsx writers that spell clean numbers the ways exports do, and store read-back.

Every expected figure is computed here from the clean Decimals a test encoded, never from
what mktplan parsed, so a parser that misreads a spelling makes the comparison fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from mktplan.cli import main
from mktplan.store import Store

PLAN_ID = "prop-ingest"
START = dt.date(2024, 6, 1)
END = dt.date(2024, 6, 30)
AS_OF = END

PLAN = """\
plan:
  id: prop-ingest
  name: Ingest property plan
  owner: Li Na
  period: {start: 2024-06-01, end: 2024-06-30}
budget:
  total: 100000
  reserve: 10000
kpis:
  - {id: share, name: Share, unit: ratio, aggregation: max, target: 1, due: 2024-06-30, source: export}
modules:
  - id: web
    name: Web
    owner: Wang Fang
    budget: 50000
    goal: Web sales reach 100,000 CNY by 30 June 2024
    kpis:
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 100000, due: 2024-06-30, source: export}
      - {id: visits, name: Visits, unit: count, source: export}
      - {id: cr, name: Conversion, unit: "%", aggregation: mean, source: export}
  - id: shop
    name: Shop
    owner: Zhou Yun
    budget: 40000
    goal: Shop sales reach 50,000 CNY by 30 June 2024
    kpis:
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 50000, due: 2024-06-30, source: export}
      - {id: visits, name: Visits, unit: count, source: export}
      - {id: cr, name: Conversion, unit: "%", aggregation: mean, source: export}
sources:
  daily:
    date: 日期
    module_by: 渠道
    modules: {线上: web, 门店: shop}
    channel: 平台
    columns: {访问: visits, 销售额: sales, 转化率: cr}
    note: 备注
"""

MODULES = ("web", "shop")
SUM_KPIS = ("web.sales", "web.visits", "shop.sales", "shop.visits")
# wide header of each module KPI, in the `daily` source
WIDE_COLUMNS = {"visits": "访问", "sales": "销售额", "cr": "转化率"}
ROUTES = {"web": "线上", "shop": "门店"}
WIDE_HEADER = ("日期", "渠道", "平台", "访问", "销售额", "转化率", "备注", "备用")
LONG_HEADER = ("date", "kpi", "value", "channel", "note", "spare")

Key = tuple[str, dt.date, str]  # (qualified KPI, date, channel)


def write_plan(folder: Path) -> Path:
    path = folder / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_main(*args: str | Path) -> Run:
    """The real entry point, in this process: its exit code and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
    if not isinstance(code, int):
        raise AssertionError(f"exit with a non-integer code {code!r}: {err.getvalue()}")
    return Run(code, out.getvalue(), err.getvalue())


def assert_clean(run: Run) -> None:
    """No traceback and no internal error reached the user; exit code 0, 1 or 2 only."""
    assert run.code in (0, 1, 2), run.output
    assert "Traceback" not in run.output, run.output
    assert "internal error" not in run.output, run.output


# --- spelling numbers and dates as exports do -------------------------------------------

NO_VALUE_SPELLINGS = ("", "-", "N/A", "/", "—", "--", "null", "n/a", " ")
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def thousands(value: Decimal) -> str:
    return f"{value:,}"


def spell_number(value: Decimal, style: str, *, money: bool) -> str:
    """``value`` written in one of the spellings readers.parse_value accepts."""
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if style == "thousands":
        return sign + thousands(magnitude)
    if style == "yen" and money:
        return f"{sign}¥{thousands(magnitude)}"
    if style == "fullwidth_yen" and money:
        return f"￥{sign}{thousands(magnitude)}"
    if style == "yuan" and money:
        return f"{sign}{magnitude}元"
    if style == "paren" and value < 0:
        return f"({thousands(magnitude)})"
    if style == "padded":
        return f"  {value} "
    if style == "fullwidth":
        return f"{value}".translate(FULL_WIDTH)
    if style == "minus_sign" and value < 0:
        return f"\u2212{magnitude}"
    return str(value)


NUMBER_STYLES = (
    "plain",
    "thousands",
    "yen",
    "fullwidth_yen",
    "yuan",
    "paren",
    "padded",
    "fullwidth",
    "minus_sign",
)


def spell_percent(points: Decimal, style: str) -> str:
    """A number of percent points as "2.1%", " 2.1 % ", "２.１％" or "(2.1%)"."""
    if style == "padded":
        return f" {points} % "
    if style == "fullwidth":
        return f"{points}％".translate(FULL_WIDTH)
    if style == "paren" and points < 0:
        return f"({-points}%)"
    return f"{points}%"


def spell_date(day: dt.date, style: str) -> str:
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "dot":
        return f"{day.year}.{day.month}.{day.day}"
    if style == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "compact":
        return day.strftime("%Y%m%d")
    if style == "time":
        return f"{day.isoformat()} 10:30:00"
    return day.isoformat()


DATE_STYLES = ("iso", "slash", "dot", "chinese", "compact", "time")


# --- CSV bytes ------------------------------------------------------------------------


def csv_field(text: str, delimiter: str = ",") -> str:
    """A field quoted as spreadsheet tools quote it: only when it must be."""
    if any(c in text for c in (delimiter, '"', "\r", "\n")):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_bytes(
    rows: Sequence[Sequence[str]],
    encoding: str,
    endings: Sequence[str] = ("\n",),
    *,
    final_newline: bool = True,
) -> bytes:
    """Rows joined with comma, each line ended by the next of ``endings`` in turn."""
    lines = [",".join(csv_field(c) for c in row) for row in rows]
    parts: list[str] = []
    for i, line in enumerate(lines):
        parts.append(line)
        if i < len(lines) - 1 or final_newline:
            parts.append(endings[i % len(endings)])
    text = "".join(parts)
    data = text.encode(encoding)
    if encoding == "gb18030" and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        # bytes valid as both are read as UTF-8 by design (readers.detect_encoding, where a
        # guess could garble real UTF-8): such a rare draw is written as the UTF-8 it reads as
        return text.encode("utf-8")
    return data


# --- expected figures -----------------------------------------------------------------


def stored_values(store: Path) -> dict[Key, Decimal]:
    with Store.open(store) as opened:
        return {
            (s.observation.kpi, s.observation.date, s.observation.channel): s.observation.value
            for s in opened.observations(PLAN_ID)
        }


def digest(store: Path) -> str:
    with Store.open(store) as opened:
        return opened.content_digest()


def sums_by_kpi(values: dict[Key, Decimal]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for (kpi, _, _), value in values.items():
        found[kpi] = found.get(kpi, Decimal(0)) + value
    return found


@dataclass(frozen=True)
class LongRow:
    """One clean long-format row: what the test means, before it is spelled."""

    kpi: str
    day: dt.date
    channel: str
    value: Decimal


def combine(rows: Iterable[LongRow]) -> dict[Key, Decimal]:
    """Rows of one file at the plan's grain: sum KPIs summed, the ratio KPI's maximum, and a
    rate (one row per key by construction) as it is."""
    found: dict[Key, Decimal] = {}
    for row in rows:
        key = (row.kpi, row.day, row.channel)
        if key not in found:
            found[key] = row.value
        elif row.kpi == "share":
            found[key] = max(found[key], row.value)
        elif row.kpi.endswith(".cr"):
            raise AssertionError(f"two rows for rate {key}: the generator must not do that")
        else:
            found[key] += row.value
    return found


def big_long_csv(path: Path, count: int, seed: int, prefix: str = "c") -> dict[Key, Decimal]:
    """A long-format CSV of ``count`` distinct rows (sum KPIs, channels ``prefix``0…);
    returns what it holds per key."""
    rng = random.Random(seed)  # noqa: S311  # reproducible test data, not secrets
    expected: dict[Key, Decimal] = {}
    lines = ["date,kpi,value,channel\n"]
    days = (END - START).days + 1
    for n in range(count):
        kpi = SUM_KPIS[n % len(SUM_KPIS)]
        day = START + dt.timedelta(days=(n // len(SUM_KPIS)) % days)
        channel = f"{prefix}{n // (len(SUM_KPIS) * days)}"
        value = Decimal(rng.randrange(-(10**6), 10**8)) / 100
        expected[(kpi, day, channel)] = value
        lines.append(f"{day.isoformat()},{kpi},{value},{channel}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return expected
