"""The numbers of a report: a plan, its observations and an as-of date → :class:`Evaluation`.

A pure function (:func:`evaluate`): no I/O, no printing, no floats. Every formula used here
is written out with a worked example in ``docs/metrics.md``; keep the two in step.

Units: KPI values are ``Decimal`` in the KPI's unit (percent KPIs in percent points);
attainment, pace, ROI, budget used and shares are fractions quantized to six places.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple, TypeVar

from mktplan.evaluation import (
    ActionResult,
    AlertResult,
    BudgetLine,
    BudgetResult,
    Change,
    ChannelDrop,
    ChannelValue,
    DailyValue,
    DataIssue,
    Evaluation,
    Gap,
    KpiResult,
    KpiStatus,
    ModuleChannel,
    ModuleResult,
    PeriodKind,
    PeriodValue,
    PlanSummary,
    ReportSummary,
    ReviewNote,
    TrackingRow,
)
from mktplan.observations import (
    Aggregation,
    AggRequest,
    AggResult,
    Note,
    ObservationQuery,
    Span,
)
from mktplan.plan import formula
from mktplan.plan.cumulative import additive_names, checkpoint_values, cumulative_ids
from mktplan.plan.model import Action, Kpi, Module, Plan
from mktplan.plan.refs import KEYWORDS, KpiRef, kpi_refs, resolve_name
from mktplan.vocab import folded

QUANTUM = Decimal("0.000001")  # six places: exact to a millionth of a fraction or a cent
MILLIONTHS = 10**6  # units of QUANTUM in 1
# Rounding to six places needs as many digits as the number has: enough for any value a
# float can hold (10^308) and six places more; the default context (28 digits) is not.
WIDE = Context(prec=400)
HUNDRED = Decimal(100)
UNASSIGNED = "unassigned"  # label of spend whose observations name no budget line

# Days an observation may age before it is stale, by the plan's cadence (a month is 31 days).
STALE_AFTER_DAYS = {"daily": 1, "weekly": 7, "monthly": 31}

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}

_EMPTY = AggResult(None, 0, None, None)

# Aggregations whose value over one day is the sum of the day's channels (see _daily).
SUMMED = frozenset({"sum", "last"})


def quantize(value: Decimal) -> Decimal:
    """``value`` rounded half-up to six decimal places."""
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP, context=WIDE)


def at_most_six(value: Decimal) -> Decimal:
    """``value`` with at most six decimal places: rounded half-up only when it has more."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        return quantize(value)
    return value


def reported(value: Fraction) -> Decimal:
    """An exact value as a report gives it: with its own decimals when it has at most six,
    else rounded half-up to six (a tie away from zero, as ``ROUND_HALF_UP``)."""
    numerator, denominator = value.numerator, value.denominator
    if MILLIONTHS % denominator == 0:  # at most six decimals: exact
        return WIDE.divide(Decimal(numerator), Decimal(denominator))
    whole, rest = divmod(abs(numerator) * MILLIONTHS, denominator)
    if 2 * rest >= denominator:
        whole += 1
    return Decimal(-whole if numerator < 0 else whole).scaleb(-6, context=WIDE)


# The magnitudes a report computes with: money and targets beyond them (a slipped exponent)
# would need numbers wider than any renderer or spreadsheet holds.
LARGEST = Decimal("1e300")
SMALLEST = Decimal("1e-300")


def unreportable_numbers(plan: Plan) -> list[tuple[str, Decimal]]:
    """(field path, value) of every number in the plan above 10^300 or, other than 0, below
    10^-300 in magnitude, e.g. ``("modules[1].kpis[0].target", Decimal("1e400"))``."""
    numbers: list[tuple[str, object]] = [
        ("budget.total", plan.budget.total),
        ("budget.reserve", plan.budget.reserve),
        *((f"budget.lines.{k}", v) for k, v in (plan.budget.lines or {}).items()),
    ]

    def kpi_numbers(where: str, kpi: Kpi) -> None:
        numbers.extend(((f"{where}.target", kpi.target), (f"{where}.baseline", kpi.baseline)))
        for day, raw in (kpi.checkpoints or {}).items():
            numbers.append((f"{where}.checkpoints.{day}", raw))

    for i, kpi in enumerate(plan.kpis):
        kpi_numbers(f"kpis[{i}]", kpi)
    for m, module in enumerate(plan.modules):
        numbers.append((f"modules[{m}].budget", module.budget))
        for i, kpi in enumerate(module.kpis):
            kpi_numbers(f"modules[{m}].kpis[{i}]", kpi)
        for a, action in enumerate(module.actions):
            numbers.append((f"modules[{m}].actions[{a}].budget", action.budget))
    for i, alert in enumerate(plan.alerts):
        numbers.extend((f"alerts[{i}].{name}", value) for name, value in alert.conditions())
    found: list[tuple[str, Decimal]] = []
    for path, value in numbers:
        if isinstance(value, Decimal) and value.is_finite():
            size = abs(value)
            if size > LARGEST or (size and size < SMALLEST):
                found.append((path, value))
    return found


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator ÷ denominator to six places; None when either is unknown or the divisor is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return quantize(numerator / denominator)


def shares(values: Iterable[Decimal], total: Decimal) -> list[Decimal | None]:
    """``ratio(value, total)`` of each of ``values`` (a KPI's channel shares): the same
    division and rounding, the divisor checked once instead of per value."""
    if total == 0:
        return [None for _ in values]
    return [quantize(value / total) for value in values]


def days_inclusive(first: dt.date, last: dt.date) -> int:
    """Calendar days from ``first`` through ``last``, both counted; 0 when last < first."""
    return max(0, (last - first).days + 1)


RECENT_DAYS = 7  # the forecast's run rate looks at this many days up to as-of


def day_number(start: dt.date, day: dt.date) -> int:
    """Days from the start of ``start`` to the end of ``day`` (1 for the end of the first)."""
    return (day - start).days + 1


@dataclass(frozen=True)
class TargetCurve:
    """The cumulative value planned by the end of each day: piecewise linear through
    (start of the plan, 0), the checkpoints and (end of the due date, target), flat after.
    Points are (day number, value); see docs/metrics.md, "Target curve"."""

    points: tuple[tuple[int, Decimal], ...]

    @classmethod
    def of(
        cls,
        start: dt.date,
        due: dt.date,
        target: Decimal,
        checkpoints: Sequence[tuple[dt.date, Decimal]] = (),
    ) -> TargetCurve:
        inside = [(day_number(start, d), v) for d, v in checkpoints if start <= d < due]
        return cls(((0, Decimal(0)), *inside, (day_number(start, due), target)))

    def at(self, day: int) -> Decimal:
        """The planned cumulative value at the end of day number ``day``."""
        if day <= 0:
            return Decimal(0)
        for (x0, y0), (x1, y1) in zip(self.points, self.points[1:], strict=False):
            if day <= x1:
                return y0 + (y1 - y0) * (day - x0) / (x1 - x0) if x1 > x0 else y1
        return self.points[-1][1]


class _Window(NamedTuple):
    """The dates a figure covers: ``start`` through ``end`` (empty when end < start); a
    named tuple, hashed in C, as tens of thousands of them key the memoised values."""

    start: dt.date
    end: dt.date

    @property
    def empty(self) -> bool:
        return self.end < self.start


class _Figures:
    """Values of KPIs over windows, from one batch of aggregations, memoised.

    Names in formulas mean a KPI's value as a plain number: a percent KPI stands for its
    ratio (percent points ÷ 100), so ``ctr * impressions`` is clicks.
    """

    def __init__(
        self, plan: Plan, refs: dict[str, KpiRef], cumulative: frozenset[str] = frozenset()
    ) -> None:
        self.plan = plan
        self.refs = refs
        self.cumulative = cumulative  # qualified ids of the cumulative KPIs
        self._rises: dict[str, bool] = {}
        self._uses_rise: dict[str, bool] = {}
        self.results: dict[AggRequest, AggResult] = {}
        self._trees: dict[str, formula.Node] = {}
        self._leaves: dict[str, tuple[str, ...]] = {}
        self._values: dict[tuple[str, dt.date, dt.date], Decimal | None] = {}
        self._exact: dict[tuple[str, dt.date, dt.date], Fraction | None] = {}
        self._roles: dict[tuple[str, str | None], list[str]] = {}
        self._how: dict[str, tuple[Aggregation, str | None]] = {}
        self._role_totals: dict[tuple[str, str | None, dt.date, dt.date], Decimal | None] = {}

    @cached_property
    def shared_names(self) -> frozenset[str]:
        """Names more than one KPI of the plan has (counted once, when a label asks: the
        channel drop builds a _Figures per channel and window and names nothing)."""
        names = Counter(ref.kpi.name for ref in self.refs.values())
        return frozenset(name for name, n in names.items() if n > 1)

    def label(self, ref: KpiRef) -> str:
        """The KPI's name, with its module's when another KPI of the plan has the same
        name (see KpiResult.label)."""
        name = ref.kpi.name
        if ref.module is None or name not in self.shared_names:
            return name
        return f"{ref.module.name} · {name}"

    def tree(self, qid: str) -> formula.Node:
        if qid not in self._trees:
            text = self.refs[qid].kpi.formula
            assert text is not None
            self._trees[qid] = formula.parse(text)
        return self._trees[qid]

    def role_kpis(self, role: str, module: Module | None) -> list[str]:
        """Qualified ids of role KPIs in scope: the module's, or the whole plan's."""
        if not self._roles:  # one pass over the KPIs indexes every scope (2,000 KPIs)
            for q, ref in self.refs.items():
                if ref.kpi.role is None:
                    continue
                self._roles.setdefault((ref.kpi.role, None), []).append(q)
                if ref.module is not None:
                    self._roles.setdefault((ref.kpi.role, ref.module.id), []).append(q)
            self._roles.setdefault(("", ""), [])  # indexed, even without any role KPI
        return self._roles.get((role, module.id if module else None), [])

    def inputs(self, qid: str) -> list[str]:
        """What a formula KPI's names resolve to: KPI ids, plus role KPIs for spend/revenue."""
        ref = self.refs[qid]
        found: list[str] = []
        for name in formula.names(self.tree(qid)):
            resolved = resolve_name(name, ref.module, self.refs)
            if resolved in KEYWORDS:
                found.extend(self.role_kpis(resolved, ref.module))
            elif resolved is not None:
                found.append(resolved)
        return found

    def leaves(self, qid: str) -> tuple[str, ...]:
        """The measured KPIs a KPI's value is computed from (itself when measured)."""
        if qid not in self._leaves:
            if self.refs[qid].kpi.formula is None:
                self._leaves[qid] = (qid,)
            else:
                found: dict[str, None] = {}
                for dep in self.inputs(qid):
                    found.update(dict.fromkeys(self.leaves(dep)))
                self._leaves[qid] = tuple(found)
        return self._leaves[qid]

    def rises(self, qid: str) -> bool:
        """Whether the KPI's value over a window is the rise of its cumulative value: a
        cumulative formula that subtracts (a sum of KPIs is the sum of those with data);
        asked for every formula value, so told once per KPI."""
        if qid not in self._rises:
            self._rises[qid] = (
                qid in self.cumulative
                and self.refs[qid].kpi.formula is not None
                and not formula.is_sum(self.tree(qid))
            )
        return self._rises[qid]

    def to_date(self, window: _Window) -> tuple[_Window, _Window] | None:
        """The windows from the plan start through the day before ``window`` and through its
        end: a cumulative value's rise over ``window`` is the second's less the first's;
        None for a window from the plan start (or empty)."""
        start = self.plan.plan.period.start
        if window.empty or window.start <= start:
            return None
        return _Window(start, window.start - dt.timedelta(days=1)), _Window(start, window.end)

    def rise_windows(self, qid: str, window: _Window) -> tuple[_Window, ...]:
        """The windows (see :meth:`to_date`) whose values give the value of ``qid`` (or of a
        formula it uses) over ``window`` as a rise; none when it uses no rise."""
        found = self.to_date(window)
        return found if found is not None and self.uses_rise(qid) else ()

    def uses_rise(self, qid: str) -> bool:
        """Whether the KPI or a formula it is computed from :meth:`rises`, or it is computed
        from a :meth:`flow_to_date` KPI."""
        if qid not in self._uses_rise:
            self._uses_rise[qid] = self.refs[qid].kpi.formula is not None and (
                self.rises(qid)
                or any(self.flow_to_date(dep) or self.uses_rise(dep) for dep in self.inputs(qid))
            )
        return self._uses_rise[qid]

    def flow_to_date(self, qid: str) -> bool:
        """Whether a measured KPI is spend or revenue exported as a running total (a role
        KPI with `aggregation: last`, as ad platforms report spend to date): inside a
        formula, its value over a window is the money spent or earned *in* it, the rise of
        the running total, not the total at the window's end (a week's ROI is the week's
        revenue ÷ the week's spend, not ÷ all the spend so far)."""
        kpi = self.refs[qid].kpi
        return kpi.role is not None and _to_date(kpi)

    def _rise(
        self, window: _Window, value: Callable[[_Window], Fraction | None]
    ) -> Fraction | None:
        """The rise over ``window`` of a running total read by ``value``; the total itself
        over a window from the plan start. Nothing before the window counts as 0. A total
        that fell is unknown, not a negative flow: a running total only falls when a channel
        is missing from its latest day (one platform's export late, named by the report's
        banner), and a week's ROI of −6.00 would be read as a fact."""
        spans = self.to_date(window)
        if spans is None:
            return value(window)
        now = value(spans[1])
        return None if now is None else _risen(now, value(spans[0]))

    def flows(self, qid: str) -> bool:
        """Whether a formula adds or subtracts spend or revenue reported to date (see
        :meth:`flow_to_date`): its value over a period is then a sum of flows, and a period
        of another length than the one before it has no change, as for a cumulative KPI
        (``ads.spend + events.spend``, ``revenue - spend``)."""
        kpi = self.refs[qid].kpi
        return (
            kpi.formula is not None
            and self.uses_rise(qid)
            and additive_names(self.tree(qid)) is not None
        )

    def request(self, qid: str, window: _Window) -> AggRequest:
        how = self._how.get(qid)
        if how is None:  # asked for every window of every trend: resolve the weight once
            kpi = self.refs[qid].kpi
            weight = None
            if kpi.weight is not None and kpi.aggregation == "mean":
                weight = resolve_name(kpi.weight, self.refs[qid].module, self.refs)
            how = self._how[qid] = (kpi.aggregation, weight)
        return AggRequest(qid, window.start, window.end, how[0], how[1])

    def requests(self, qid: str, window: _Window) -> list[AggRequest]:
        """The aggregations needed for ``qid`` over ``window``."""
        if window.empty:
            return []
        return [self.request(leaf, window) for leaf in self.leaves(qid)]

    def needed(self, qid: str, window: _Window) -> list[AggRequest]:
        """The aggregations needed for ``qid`` over ``window``: as :meth:`requests`, less the
        role KPIs whose total over the window is already known (see :func:`_role_sums`)."""
        if window.empty:
            return []
        ref = self.refs[qid]
        if ref.kpi.formula is None:
            return [self.request(qid, window)]
        if not self._role_totals:
            return self.requests(qid, window)
        found: list[AggRequest] = []
        for name in formula.names(self.tree(qid)):
            resolved = resolve_name(name, ref.module, self.refs)
            if resolved in KEYWORDS:
                scope = ref.module.id if ref.module else None
                if (resolved, scope, window.start, window.end) in self._role_totals:
                    continue
                for q in self.role_kpis(resolved, ref.module):
                    found.extend(self.needed(q, window))
            elif resolved is not None:
                found.extend(self.needed(resolved, window))
        return found

    def needed_leaves(self, qid: str, window: _Window) -> list[str]:
        """The measured KPIs whose aggregations :meth:`needed` asks for."""
        return list(dict.fromkeys(r.kpi for r in self.needed(qid, window)))

    def result(self, qid: str, window: _Window) -> AggResult:
        """The aggregation of a measured KPI over the window (empty when out of range)."""
        if window.empty:
            return _EMPTY
        return self.results.get(self.request(qid, window), _EMPTY)

    def value(self, qid: str, window: _Window) -> Decimal | None:
        """The KPI's value in its own unit over the window, with at most six decimals (as
        reported); None when unknown."""
        key = (qid, window.start, window.end)
        if key not in self._values:
            if self.refs[qid].kpi.formula is None:
                raw = self.result(qid, window).value
                self._values[key] = None if raw is None else at_most_six(raw)
            else:
                exact = self.exact(qid, window)
                self._values[key] = None if exact is None else reported(exact)
        return self._values[key]

    def exact(self, qid: str, window: _Window) -> Fraction | None:
        """The KPI's value before it is rounded to six decimals: what formulas compute with,
        so that 3 × (1 ÷ 3) is 1, not 0.999999 (a weighted mean or a quotient has more)."""
        key = (qid, window.start, window.end)
        if key not in self._exact:
            self._exact[key] = self._compute(qid, window)
        return self._exact[key]

    def _compute(self, qid: str, window: _Window) -> Fraction | None:
        ref = self.refs[qid]
        if ref.kpi.formula is None:
            raw = self.result(qid, window).value
            return None if raw is None else Fraction(raw)
        spans = self.to_date(window) if self.rises(qid) else None
        if spans is not None:
            # the rise of the cumulative value, known even when an input has no rows in the
            # window (no spend this week: the net still rose with the sales)
            before = self.exact(qid, spans[0])
            now = None if before is None else self.exact(qid, spans[1])
            if before is not None and now is not None:
                return now - before

        def resolve(name: str) -> Fraction | None:
            resolved = resolve_name(name, ref.module, self.refs)
            if resolved is None:
                return None
            if resolved in KEYWORDS:
                if any(self.flow_to_date(q) for q in self.role_kpis(resolved, ref.module)):
                    role = resolved
                    return self._rise(window, lambda w: self.role_exact(role, ref.module, w))
                return self.role_exact(resolved, ref.module, window)
            if self.flow_to_date(resolved):
                found = resolved
                return self._rise(window, lambda w: self.plain(found, w))
            return self.plain(resolved, window)

        tree = self.tree(qid)
        result = formula.evaluate(tree, resolve)
        if result is None and formula.is_sum(tree):
            # a sum of KPIs is the sum of those with data, as `revenue` is of its KPIs: the
            # stores that have not sold yet do not blank the plan's total
            known = {name: resolve(name) for name in formula.names(tree)}
            if any(value is not None for value in known.values()):
                result = formula.evaluate(tree, lambda name: known[name] or Fraction(0))
        if result is None:
            return None
        return result * 100 if ref.kpi.is_percent else result

    def plain(self, qid: str, window: _Window) -> Fraction | None:
        """The value as a formula sees it, unrounded: percent points become a ratio."""
        value = self.exact(qid, window)
        if value is None or not self.refs[qid].kpi.is_percent:
            return value
        return value / 100

    def role_total(self, role: str, module: Module | None, window: _Window) -> Decimal | None:
        """Σ of the role KPIs in scope that have data, each as reported (so a module's spend
        is the sum of the rows listed); None when none has any."""
        key = (role, module.id if module else None, window.start, window.end)
        if key not in self._role_totals:  # every formula naming the role shares it
            values = [
                v for q in self.role_kpis(role, module) if (v := self.value(q, window)) is not None
            ]
            self._role_totals[key] = sum(values, Decimal(0)) if values else None
        return self._role_totals[key]

    def fetch(self, data: ObservationQuery, qids: Sequence[str], window: _Window) -> None:
        """Make the values of ``qids`` over ``window`` known where the report's batch of
        aggregations did not ask for them (the budget's lines)."""
        wanted = [r for q in qids for r in self.requests(q, window) if r not in self.results]
        if not wanted:
            return
        self.results.update(data.aggregate(wanted))
        for q in qids:  # values worked out before the fetch were unknown
            for key in (q, *self.leaves(q)):
                self._values.pop((key, window.start, window.end), None)
                self._exact.pop((key, window.start, window.end), None)

    def role_exact(self, role: str, module: Module | None, window: _Window) -> Fraction | None:
        """:meth:`role_total` as formulas use it: the role KPIs' unrounded values. Measured
        KPIs other than rates are stored sums of values with six decimals at most, so their
        total is the reported one (and may be known without their aggregations)."""
        kpis = self.role_kpis(role, module)
        if all(
            self.refs[q].kpi.formula is None and self.refs[q].kpi.aggregation != "mean"
            for q in kpis
        ):
            total = self.role_total(role, module, window)
            return None if total is None else Fraction(total)
        values = [v for q in kpis if (v := self.exact(q, window)) is not None]
        return sum(values, Fraction(0)) if values else None


def evaluate(
    plan: Plan,
    data: ObservationQuery,
    as_of: dt.date,
    *,
    include_daily: bool = False,
    period: PeriodKind | None = None,
) -> Evaluation:
    """Evaluate ``plan`` against ``data`` as of the end of ``as_of`` (see docs/metrics.md);
    ``period`` (day, week, month; default: the plan's cadence) sets the comparison periods.

    Pure: the only calls on ``data`` are one batched ``aggregate``, ``latest_dates``,
    ``sums_by_line`` (the window and its last 7 days; for spend KPIs that are not summed,
    their latest days and one more ``aggregate``), ``notes`` and, with
    ``include_daily``, ``daily_totals`` and one more ``aggregate`` for the days of KPIs
    that are not summed over channels (means, max, min; a weighted mean costs the store one
    query per KPI and day).
    """
    info = plan.plan
    start, end = info.period.start, info.period.end
    refs = kpi_refs(plan)
    cumulative = frozenset(cumulative_ids(plan, refs))
    figures = _Figures(plan, refs, cumulative)
    spend_window = _Window(start, min(as_of, end))

    def kpi_window(kpi: Kpi) -> _Window:
        return _Window(start, min(as_of, kpi.due or end))

    def rise_requests(qid: str, window: _Window) -> list[AggRequest]:
        # a subtracting formula's value over a window is the rise of its cumulative value
        return [r for w in figures.rise_windows(qid, window) for r in figures.needed(qid, w)]

    wanted: dict[AggRequest, None] = {}
    for qid, ref in refs.items():
        window = kpi_window(ref.kpi)
        wanted.update(dict.fromkeys(figures.requests(qid, window)))
        if qid in cumulative:
            wanted.update(dict.fromkeys(figures.requests(qid, _recent(window))))
            wanted.update(dict.fromkeys(rise_requests(qid, _recent(window))))
    for role in KEYWORDS:
        for qid in figures.role_kpis(role, None):
            wanted.update(dict.fromkeys(figures.requests(qid, spend_window)))
    for qid in figures.role_kpis("spend", None):  # the recent run rate of spend forecasts
        wanted.update(dict.fromkeys(figures.requests(qid, _recent(spend_window))))
        wanted.update(dict.fromkeys(rise_requests(qid, _recent(spend_window))))
    kind: PeriodKind = period or PERIOD_OF_CADENCE[info.cadence]
    # periods end at as-of, or at the plan end once as-of is past it: a report after the
    # campaign compares its last week with the week before, not one day with seven
    anchor = min(as_of, end)
    length = period_length(kind, anchor)
    steps = period_steps(start, end, anchor, length)
    trended = trend_ids(refs)
    trend_windows = {
        qid: _trend_windows(plan, ref.kpi, steps if qid in trended else steps[:2])
        for qid, ref in refs.items()
    }
    plan_windows = [
        w for w in reversed([_Window(max(a, start), min(b, end)) for a, b in steps]) if not w.empty
    ]
    # the plan's spend and revenue per period (spend trend, ROI trend) as one grouped read
    # per role, instead of every role KPI over every period
    _role_sums(
        figures,
        data,
        [plan_windows] + [trend_windows[q] for q in trended if refs[q].module is None],
        start,
    )
    for qid, windows in trend_windows.items():
        for window in windows:
            wanted.update(dict.fromkeys(figures.needed(qid, window)))
            if qid in trended:  # its rises come from the running sums (_add_running_sums)
                wanted.update(dict.fromkeys(_cumulative_requests(figures, qid, start, window)))
            else:
                wanted.update(dict.fromkeys(rise_requests(qid, window)))
    spend_ids = figures.role_kpis("spend", None)
    spend_known = bool(plan_windows) and _role_known(figures, "spend", plan_windows, start)
    if not spend_known:
        for qid in spend_ids:
            for window in plan_windows:
                wanted.update(dict.fromkeys(figures.requests(qid, window)))
                wanted.update(dict.fromkeys(_cumulative_requests(figures, qid, start, window)))
    figures.results = data.aggregate(list(wanted)) if wanted else {}
    mixed = _rate_levels_of_channels(figures, data)
    mixed += _lagging_channels(
        figures, data, {ref.qualified: kpi_window(ref.kpi) for ref in refs.values()}
    )
    running = {q: trend_windows[q] for q in trended}
    _add_running_sums(figures, running, start)
    if not spend_known:
        _add_running_sums(figures, dict.fromkeys(spend_ids, plan_windows), start)
    latest = data.latest_dates()

    channels = _Channels(figures, data)
    channels.fetch(
        [(ref.qualified, kpi_window(ref.kpi)) for ref in refs.values()]
        + [(q, spend_window) for role in KEYWORDS for q in figures.role_kpis(role, None)]
    )
    kpis = []
    for ref in refs.values():
        qid = ref.qualified
        periods = _periods(
            figures,
            qid,
            trend_windows[qid],
            steps,
            qid in cumulative,
            keep_trend=qid in trended,
            sums=qid in cumulative or figures.flows(qid),
        )
        kpis.append(
            _kpi_result(
                plan,
                figures,
                ref,
                kpi_window(ref.kpi),
                as_of,
                latest,
                qid in cumulative,
                periods=periods,
                channels=channels,
            )
        )
    modules = _modules(plan, figures, data, spend_window)
    modules = [
        replace(m, by_channel=channels.module_split(module, spend_window))
        for m, module in zip(modules, plan.modules, strict=True)
    ]
    by_id = {k.id: k for k in kpis}
    budget = _budget(plan, figures, data, spend_window)
    notes = data.notes(start, spend_window.end) if not spend_window.empty else []
    summary = _summary(plan, figures, data, kpis, budget, spend_window, as_of)
    return Evaluation(
        plan=PlanSummary(
            id=info.id,
            name=info.name,
            owner=info.owner,
            as_of=as_of,
            currency=info.currency,
            start=start,
            end=end,
            cadence=info.cadence,
            days_elapsed=days_inclusive(start, min(as_of, end)),
            days_total=days_inclusive(start, end),
            on_track=info.status_thresholds.on_track,
            at_risk=info.status_thresholds.at_risk,
            time_elapsed=ratio(
                Decimal(days_inclusive(start, min(as_of, end))), Decimal(days_inclusive(start, end))
            ),
            period=kind,
            period_number=period_number(start, anchor, length),
            **_plan_periods(start, end, steps),
            trend_shown=len(trended),
            trend_of=len(_evaluation_rows(refs)),
        ),
        kpis=kpis,
        modules=modules,
        budget=budget,
        alerts=sorted(
            _alerts(plan, refs, by_id, as_of) + _budget_alerts(plan, modules, budget, as_of),
            key=lambda a: (SEVERITY_ORDER[a.severity], a.kpi),
        ),
        actions=[
            _action(module, action, as_of) for module in plan.modules for action in module.actions
        ],
        tracking=_tracking(plan, refs, by_id, notes, as_of),
        reviews=[
            ReviewNote(r.date, r.module, r.kpi, r.cause, r.measure)
            for r in plan.reviews
            if r.date <= as_of
        ],
        daily=_daily(figures, data, latest, spend_window) if include_daily else [],
        summary=summary,
        data_issues=stale_sources(kpis, as_of) + mixed,
        spend_trend=_spend_trend(figures, plan_windows, start, budget.total - budget.reserve),
    )


class _Channels:
    """The channel view (docs/metrics.md, "By channel"): each KPI's value per channel over its
    window, from Σ value per channel of its measured inputs. Only KPIs whose measured inputs
    all aggregate by ``sum`` have one: a channel's sum is the piece of the total it holds."""

    def __init__(self, figures: _Figures, data: ObservationQuery) -> None:
        self.figures = figures
        self.data = data
        self.sums: dict[tuple[str, dt.date, dt.date], dict[str, Decimal]] = {}
        # Σ per channel of the role KPIs in a scope, as formulas see them (see role_sums)
        self._roles: dict[tuple[str, str | None, dt.date, dt.date], dict[str, Decimal] | None] = {}

    def summed(self, leaves: Iterable[str]) -> bool:
        return all(self.figures.refs[q].kpi.aggregation == "sum" for q in leaves)

    def fetch(self, wanted: Sequence[tuple[str, _Window]]) -> None:
        """Read Σ value per channel of every measured input of ``wanted`` in its window, in
        one call for every window."""
        spans: dict[Span, None] = {}
        for qid, window in wanted:
            leaves = self.figures.leaves(qid)
            if window.empty or not self.summed(leaves):
                continue
            spans.update(dict.fromkeys(Span(leaf, window.start, window.end) for leaf in leaves))
        for span, channels in self.data.channel_sums(list(spans)).items():
            self.sums[span] = channels

    def leaf(self, qid: str, window: _Window) -> dict[str, Decimal] | None:
        return self.sums.get((qid, window.start, window.end))

    def value(self, qid: str, window: _Window, channel: str) -> Fraction | None:
        """The KPI's exact value in one channel, in its own unit, computed as its total is: a
        measured input's channel sum (0 in a channel where it has no data but others do)."""
        ref = self.figures.refs[qid]
        if ref.kpi.formula is None:
            sums = self.leaf(qid, window)
            return None if sums is None else Fraction(sums.get(channel, Decimal(0)))

        def plain(q: str) -> Fraction | None:
            value = self.value(q, window, channel)
            if value is None or not self.figures.refs[q].kpi.is_percent:
                return value
            return value / 100

        def resolve(name: str) -> Decimal | Fraction | None:
            resolved = resolve_name(name, ref.module, self.figures.refs)
            if resolved is None:
                return None
            if resolved in KEYWORDS:
                sums = self.role_sums(resolved, ref.module, window)
                return None if sums is None else sums.get(channel, Decimal(0))
            return plain(resolved)

        result = formula.evaluate(self.figures.tree(qid), resolve)
        if result is None:
            return None
        return result * 100 if ref.kpi.is_percent else result

    def role_sums(
        self, role: str, module: Module | None, window: _Window
    ) -> dict[str, Decimal] | None:
        """Σ per channel of the role KPIs in scope that have data (each as a formula sees
        it, percent points as a ratio); None when none has any, as for the total."""
        key = (role, module.id if module else None, window.start, window.end)
        if key not in self._roles:
            totals: dict[str, Decimal] | None = None
            for q in self.figures.role_kpis(role, module):
                sums = self.leaf(q, window)
                if sums is None:
                    continue
                totals = {} if totals is None else totals
                scale = HUNDRED if self.figures.refs[q].kpi.is_percent else Decimal(1)
                for channel, value in sums.items():
                    totals[channel] = totals.get(channel, Decimal(0)) + value / scale
            self._roles[key] = totals
        return self._roles[key]

    def kpi_split(
        self, qid: str, actual: Decimal | None, window: _Window, cumulative: bool
    ) -> list[ChannelValue]:
        """Per channel actual and share of ``qid``, whose ``actual`` over the window is
        given; empty without channel data. A level (a ratio formula) is split only when
        every measured input has channel data."""
        leaves = self.figures.leaves(qid)
        if actual is None or window.empty or not self.summed(leaves):
            return []
        found = [self.leaf(q, window) for q in leaves]
        with_data = [sums for sums in found if sums is not None]
        named = [any(channel for channel in sums) for sums in with_data]
        if not any(named) or (not cumulative and not (len(with_data) == len(found) and all(named))):
            return []
        total = actual
        if len(found) == 1 and self.figures.refs[qid].kpi.formula is None:
            # measured: the sums are the values (stored sums, with at most six places already)
            sums = with_data[0]
            parts = shares(sums.values(), total) if cumulative else [None] * len(sums)
            rows = [
                ChannelValue(channel, value, share)
                for (channel, value), share in zip(sums.items(), parts, strict=True)
            ]
            # by actual, largest first, then channel: two sorts on attributes (stable), not
            # a key tuple with a negated Decimal per row (40,000 rows in a large report)
            rows.sort(key=attrgetter("channel"))
            rows.sort(key=attrgetter("actual"), reverse=True)
            return rows
        channels = {channel for sums in with_data for channel in sums}
        values = {channel: self.value(qid, window, channel) for channel in channels}
        rows = [
            ChannelValue(
                channel,
                actual := None if value is None else reported(value),
                ratio(actual, total) if cumulative else None,
            )
            for channel, value in values.items()
        ]
        return sorted(rows, key=lambda r: (r.actual is None, -(r.actual or 0), r.channel))

    def module_split(self, module: Module, window: _Window) -> list[ModuleChannel]:
        """Per channel spend, revenue and ROI of a module whose spend and revenue both have
        channel data (ROI is a ratio: a side booked without channels cannot be split);
        empty otherwise."""
        totals: dict[str, list[Decimal]] = {}
        for slot, role in enumerate(("spend", "revenue")):
            kpis = self.figures.role_kpis(role, module)
            if not self.summed(kpis):
                return []
            found = [s for q in kpis if (s := self.leaf(q, window)) is not None]
            if not any(channel for sums in found for channel in sums):
                return []
            for sums in found:
                for channel, value in sums.items():
                    totals.setdefault(channel, [Decimal(0), Decimal(0)])[slot] += value
        rows = [
            ModuleChannel(channel, spend, revenue, ratio(revenue, spend))
            for channel, (spend, revenue) in totals.items()
        ]
        return sorted(rows, key=lambda r: (-r.spend, r.channel))


# a running total's values: Decimal as reported, Fraction inside formulas
_N = TypeVar("_N", Decimal, Fraction)

GRADED = ("on_track", "at_risk", "off_track", "achieved", "missed")
FINAL = ("achieved", "missed")
# the summary's furthest behind: a running KPI before a finished one that missed
WORST_FIRST = {"off_track": 0, "at_risk": 1, "missed": 2, "on_track": 3, "achieved": 3}


def is_rate_level(kpi: Kpi) -> bool:
    """Whether a measured KPI is a rate read as a level (`unit: "%"` or `ratio` with
    `aggregation: last`): the values of several channels on one day cannot be added up,
    nor averaged (a rate is recomputed from its numerator and denominator)."""
    return _to_date(kpi) and kpi.is_rate


def _rate_levels_of_channels(figures: _Figures, data: ObservationQuery) -> list[DataIssue]:
    """Unknown, rather than the channels' sum, is the value of a rate level whose latest day
    in a window has several channels (two stores' satisfaction of 60 % and 62 % is no
    122 %); one issue per KPI names the day and the channels, latest first."""
    asked: dict[Span, list[AggRequest]] = {}
    for req, res in figures.results.items():
        ref = figures.refs.get(req.kpi)
        if ref is None or res.value is None or res.last is None or req.how != "last":
            continue
        if is_rate_level(ref.kpi):
            asked.setdefault(Span(req.kpi, res.last, res.last), []).append(req)
    if not asked:
        return []
    by_channel = data.channel_sums(list(asked))
    latest: dict[str, tuple[dt.date, int]] = {}
    for day, requests in asked.items():
        channels = len(by_channel.get(day, {}))
        if channels < 2:
            continue
        for req in requests:
            res = figures.results[req]
            figures.results[req] = AggResult(None, res.count, res.first, res.last)
        if day.kpi not in latest or latest[day.kpi][0] < day.start:
            latest[day.kpi] = (day.start, channels)
    issues = []
    for qid in sorted(latest):
        kpi = figures.refs[qid].kpi
        since, channels = latest[qid]
        named = ((qid, kpi.name),)
        issues.append(DataIssue("rate_channels", kpi.source or qid, since, channels, None, named))
    return issues


# A channel that reported this many days before a level's latest day, and not on it, lags
LAG_DAYS = 7


def _lagging_channels(
    figures: _Figures, data: ObservationQuery, windows: dict[str, _Window]
) -> list[DataIssue]:
    """The channels a level reported as of its latest day (`aggregation: last`: spend to
    date, followers) leaves out: those with values in the :data:`LAG_DAYS` days before that
    day and none on it. The level is the total of its latest day, so one platform's export
    a day late made spend to date fall by that platform's whole total: said, never silent.
    One issue per KPI of its actual window (a rate level has its own, rate_channels)."""
    days: dict[str, tuple[Span, Span]] = {}
    for qid, window in windows.items():
        kpi = figures.refs[qid].kpi
        if not _to_date(kpi) or is_rate_level(kpi):
            continue
        last = figures.result(qid, window).last
        if last is None or last <= window.start:
            continue
        before = Span(qid, max(window.start, last - dt.timedelta(days=LAG_DAYS)), last)
        days[qid] = (Span(qid, last, last), before._replace(end=last - dt.timedelta(days=1)))
    if not days:
        return []
    sums = data.channel_sums([span for pair in days.values() for span in pair])
    issues = []
    for qid, (on, before) in days.items():
        missing = sorted(set(sums.get(before, {})) - set(sums.get(on, {})) - {""})
        if missing:
            kpi = figures.refs[qid].kpi
            issues.append(
                DataIssue(
                    kind="lagging_channels",
                    source=kpi.source or qid,
                    since=on.start,
                    count=len(missing),
                    kpis=((qid, figures.label(figures.refs[qid])),),
                    channels=tuple(missing),
                )
            )
    return issues


def stale_sources(kpis: Sequence[KpiResult], as_of: dt.date) -> list[DataIssue]:
    """One issue per data source with stale measured KPIs: which ones, since their latest
    data (none of them has any after it; the source's other KPIs may), how many days before
    as_of; sorted by source. A KPI without a `source:` is named by its id."""
    found: dict[str, list[KpiResult]] = {}
    for k in kpis:
        if k.stale and k.formula is None:
            found.setdefault(k.source or k.id, []).append(k)
    issues: list[DataIssue] = []
    for source in sorted(found):
        dates = [k.last_date for k in found[source] if k.last_date is not None]
        since = max(dates, default=None)
        days = None if since is None else (as_of - since).days
        stale = tuple((k.id, k.name) for k in found[source])
        issues.append(DataIssue("stale", source, since, len(stale), days, stale))
    return issues


def _summary(
    plan: Plan,
    figures: _Figures,
    data: ObservationQuery,
    kpis: Sequence[KpiResult],
    budget: BudgetResult,
    spend_window: _Window,
    as_of: dt.date,
) -> ReportSummary:
    """The summary paragraph's numbers: standing of the evaluation table's KPIs, the one
    furthest behind (with the channel that fell most this period), and the budget burn."""
    rows = [k for k in kpis if k.module is None] + [
        k for k in kpis if k.module is not None and k.target is not None
    ]
    graded = [k for k in rows if k.status in GRADED]
    behind = [k for k in graded if k.status not in ("on_track", "achieved")]

    def score(k: KpiResult) -> Decimal | None:  # a finished KPI by its attainment
        return k.pace if k.pace is not None and k.status not in FINAL else k.attainment

    def rank(k: KpiResult) -> tuple[int, bool, Decimal]:
        # a worse status first (off track before at risk, a running KPI before one that
        # missed), then the lowest score, a KPI without one (a target of 0) after the scored
        # ones of its status; min keeps plan order
        measured = score(k)
        return (WORST_FIRST[k.status], measured is None, measured or Decimal(0))

    gap = None
    if behind:
        worst = min(behind, key=rank)
        ref = figures.refs[worst.id]
        gap = Gap(
            kpi=worst.id,
            name=worst.label,
            module=worst.module,
            owner=ref.module.owner if ref.module else plan.plan.owner,
            unit=worst.unit,
            status=worst.status,
            score=score(worst),
            measure="attainment" if worst.pace is None or worst.status in FINAL else "pace",
            channel=_channel_drop(figures, data, worst),
        )
    working = budget.total - budget.reserve
    has_spend = bool(figures.role_kpis("spend", None)) and not spend_window.empty
    recent = _recent_spend(figures, data, None, spend_window) if has_spend else None
    forecast = _spend_forecast(plan, spend_window, budget.spent, recent) if has_spend else None
    over = None  # what the sentence says is over: the spend's excess once it has passed
    if has_spend and budget.spent > working:
        over = budget.spent - working
    elif forecast is not None and forecast > working:
        over = forecast - working
    return ReportSummary(
        graded=len(graded),
        on_track=sum(1 for k in graded if k.status == "on_track"),
        finished=sum(1 for k in graded if k.status in FINAL),
        achieved=sum(1 for k in graded if k.status == "achieved"),
        running=sum(1 for k in rows if as_of < (k.due or plan.plan.period.end)),
        gap=gap,
        spent=budget.spent,
        budget=working,
        budget_used=budget.used,
        time_elapsed=ratio(
            Decimal(days_inclusive(plan.plan.period.start, min(as_of, plan.plan.period.end))),
            Decimal(days_inclusive(plan.plan.period.start, plan.plan.period.end)),
        ),
        spend_forecast=forecast,
        overspend=over,
    )


def _channel_drop(figures: _Figures, data: ObservationQuery, kpi: KpiResult) -> ChannelDrop | None:
    """The channel whose value of ``kpi`` moved most the wrong way from the previous period
    to this one: fell most, or rose most for a `better: lower` KPI (a cost); None when no
    channel did, or the KPI is built from other than sums (a channel's level or mean would
    need the rows themselves). An input with data in a period but none in a channel counts
    0 there, as in the channel view: a channel whose orders stopped has a rate of 0."""
    periods = (kpi.previous_period, kpi.period)
    if any(p is None or p.actual is None for p in periods):
        return None  # without a value in both periods, no channel has one either
    summed = kpi.id in figures.cumulative or figures.flows(kpi.id)
    if summed and _uneven(kpi.period, kpi.previous_period):
        return None  # a sum over fewer or more days than the period before (see _uneven)
    windows = [_Window(p.start, p.end) for p in periods if p is not None]
    leaves = figures.leaves(kpi.id)
    if any(figures.request(leaf, windows[0]).how != "sum" for leaf in leaves):
        return None
    read = data.channel_sums([Span(leaf, w.start, w.end) for w in windows for leaf in leaves])
    sums = [
        {leaf: read[span] for leaf in leaves if (span := Span(leaf, w.start, w.end)) in read}
        for w in windows
    ]
    channels = sorted({c for part in sums for by in part.values() for c in by} - {""})
    worse = -1 if figures.refs[kpi.id].kpi.better == "lower" else 1  # a fall is worse
    found: ChannelDrop | None = None
    for channel in channels:
        values: list[Decimal | None] = []
        for window, part in zip(windows, sums, strict=True):
            one = _Figures(figures.plan, figures.refs)
            one._leaves = figures._leaves
            one._trees = figures._trees
            one._roles = figures._roles
            one._how = figures._how
            for leaf in leaves:
                by_channel = part.get(leaf)
                if by_channel is None:  # no data in the period at all: unknown, as the total
                    continue
                # value() reads the sum only, not the row count
                total = by_channel.get(channel, Decimal(0))
                one.results[figures.request(leaf, window)] = AggResult(total, 0, None, None)
            values.append(one.value(kpi.id, window))
        before, now = values
        if before is None or now is None or (now - before) * worse >= 0:
            continue
        if found is None or (now - before) * worse < found.change * worse:
            found = ChannelDrop(channel, before, now, now - before)
    return found


PERIOD_OF_CADENCE: dict[str, PeriodKind] = {"daily": "day", "weekly": "week", "monthly": "month"}


def period_length(kind: PeriodKind, as_of: dt.date) -> int:
    """Days in a comparison period ending at ``as_of``: 1, 7, or for a month the days after
    the same day of the previous month through as_of (31 for 2023-07-31, 28 for 2023-03-15)."""
    if kind == "day":
        return 1
    if kind == "week":
        return 7
    year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    try:
        back = dt.date(year, month, min(as_of.day, last_day))
    except ValueError:  # before year 1: a month of 31 days
        return 31
    return (as_of - back).days


def period_steps(
    start: dt.date, end: dt.date, as_of: dt.date, length: int
) -> list[tuple[dt.date, dt.date]]:
    """The periods of ``length`` days stepping back from ``as_of``, unclipped: first the
    current one and the previous one, then on until one reaches the plan ``start``; the
    periods wholly after the plan ``end`` (past the second) are skipped, as they hold nothing."""
    skip = max(0, (as_of - end).days // length)
    lowest = dt.date.min.toordinal()

    def day(ordinal: int) -> dt.date:  # the calendar's first day bounds every period
        return dt.date.fromordinal(max(lowest, ordinal))

    steps: list[tuple[dt.date, dt.date]] = []
    k = 0
    top = as_of.toordinal()
    while True:
        last = top - k * length
        first = last - length + 1
        steps.append((day(first), day(last)))
        if (first <= start.toordinal() or first <= lowest) and len(steps) >= 2:
            return steps
        k = max(k + 1, skip) if k >= 1 else k + 1


def period_number(start: dt.date, as_of: dt.date, length: int) -> int:
    """The current period counted from the plan start (1 = the first, maybe partial, one);
    0 before the plan starts."""
    return 0 if as_of < start else (as_of - start).days // length + 1


TREND_KPIS = 50  # KPIs with a trend: the evaluation table's first 50 rows


def _evaluation_rows(refs: dict[str, KpiRef]) -> list[str]:
    """The evaluation table's KPIs: plan-level ones, then module KPIs with a target."""
    plan_level = [q for q, r in refs.items() if r.module is None]
    targeted = [q for q, r in refs.items() if r.module is not None and r.kpi.target is not None]
    return plan_level + targeted


def trend_ids(refs: dict[str, KpiRef]) -> set[str]:
    """The KPIs whose trend is computed: the evaluation table's rows (plan-level KPIs, then
    module KPIs with a target), the first TREND_KPIS of them, so a plan of thousands of KPIs
    over a year of weeks reports in seconds (the report says when rows were left out:
    ``plan.trend_shown`` of ``plan.trend_of``). Every KPI gets this period and the last."""
    return set(_evaluation_rows(refs)[:TREND_KPIS])


def _plan_periods(
    start: dt.date, end: dt.date, steps: Sequence[tuple[dt.date, dt.date]]
) -> dict[str, dt.date]:
    """This period's and the previous one's first and last days, clipped to the plan."""
    found: dict[str, dt.date] = {}
    for name, (first, last) in zip(("period", "previous"), steps[:2], strict=True):
        window = _Window(max(first, start), min(last, end))
        found[f"{name}_start"], found[f"{name}_end"] = (
            (first, last) if window.empty else (window.start, window.end)
        )
    return found


def _trend_windows(plan: Plan, kpi: Kpi, steps: Sequence[tuple[dt.date, dt.date]]) -> list[_Window]:
    """The KPI's trend windows, oldest first: each step clipped to the plan start and the
    KPI's last counted day (its due date, else the plan end); steps wholly outside dropped."""
    start = plan.plan.period.start
    limit = kpi.due or plan.plan.period.end
    clipped = [_Window(max(first, start), min(last, limit)) for first, last in steps]
    return [w for w in reversed(clipped) if not w.empty]


def _role_sums(
    figures: _Figures, data: ObservationQuery, spans: Sequence[Sequence[_Window]], start: dt.date
) -> None:
    """Fill the plan-level totals of spend and revenue over every window of ``spans`` (lists
    of consecutive periods) and over the plan start through each window's end (running sums,
    or read when a list does not start at the plan start), from one ``window_sums`` read per
    role. Only for a role whose KPIs are all measured and summed: then the total over a window
    is the sum of the window's observations, as :meth:`_Figures.role_total` computes it."""
    windows = list(dict.fromkeys(w for span in spans for w in span if not w.empty))
    if not windows:
        return
    for role in KEYWORDS:
        kpis = figures.role_kpis(role, None)
        if not kpis or any(
            figures.refs[q].kpi.formula is not None or figures.refs[q].kpi.aggregation != "sum"
            for q in kpis
        ):
            continue
        reads = list(windows)
        for span in spans:
            if not _consecutive(span, start):
                reads.extend(_Window(start, w.end) for w in span if not w.empty)
        reads = list(dict.fromkeys(reads))
        totals = dict(zip(reads, data.window_sums(kpis, reads), strict=True))
        known = figures._role_totals
        for window, total in totals.items():
            known[(role, None, window.start, window.end)] = total
        for span in spans:
            if not _consecutive(span, start):
                continue
            running: Decimal | None = None
            for window in span:
                part = totals[window]
                if part is not None:
                    running = part if running is None else running + part
                known.setdefault((role, None, start, window.end), running)


def _consecutive(span: Sequence[_Window], start: dt.date) -> bool:
    """Whether ``span`` runs day after day from ``start`` (its running sums are totals)."""
    if not span or span[0].start != start:
        return False
    return all(b.start == a.end + dt.timedelta(days=1) for a, b in itertools.pairwise(span))


def _role_known(figures: _Figures, role: str, windows: Sequence[_Window], start: dt.date) -> bool:
    """Whether the plan total of ``role`` over each window and each cumulative window is
    already known (filled by :func:`_role_sums`)."""
    known = figures._role_totals
    return all(
        (role, None, w.start, w.end) in known and (role, None, start, w.end) in known
        for w in windows
    )


def _cumulative_requests(
    figures: _Figures, qid: str, start: dt.date, window: _Window
) -> list[AggRequest]:
    """The aggregations of the plan start through ``window.end`` that running sums of the
    trend cannot give (every leaf not aggregated by sum)."""
    whole = _Window(start, window.end)
    return [r for r in figures.needed(qid, whole) if r.how != "sum"]


def _add_running_sums(
    figures: _Figures, trend_windows: dict[str, list[_Window]], start: dt.date
) -> None:
    """Results of sum leaves over plan start … each trend window's end, added up from the
    contiguous trend windows' results, so a long trend costs no wider queries."""
    done: set[tuple[str, tuple[_Window, ...]]] = set()
    for qid, windows in trend_windows.items():
        if not windows:
            continue
        span = tuple(windows)
        # the leaves asked for over the trend (a role already summed per period has none)
        for leaf in dict.fromkeys(r.kpi for w in windows for r in figures.needed(qid, w)):
            if (leaf, span) in done:  # formulas over one role share their leaves
                continue
            done.add((leaf, span))
            running = _EMPTY
            for window in windows:
                request = figures.request(leaf, window)
                if request.how != "sum":
                    break
                part = figures.results.get(request, _EMPTY)
                running = _combine(running, part)
                whole = figures.request(leaf, _Window(start, window.end))
                figures.results.setdefault(whole, running)


def _combine(a: AggResult, b: AggResult) -> AggResult:
    """Two sums over adjacent windows as one."""
    if a.value is None:
        return b
    if b.value is None:
        return a
    firsts = [d for d in (a.first, b.first) if d is not None]
    lasts = [d for d in (a.last, b.last) if d is not None]
    return AggResult(
        a.value + b.value, a.count + b.count, min(firsts, default=None), max(lasts, default=None)
    )


class _Periods(NamedTuple):
    """A KPI's trend, this period, the previous one and the change between them."""

    current: PeriodValue
    previous: PeriodValue
    change: Change
    trend: list[PeriodValue]


def _periods(
    figures: _Figures,
    qid: str,
    windows: Sequence[_Window],
    steps: Sequence[tuple[dt.date, dt.date]],
    cumulative: bool,
    *,
    keep_trend: bool = True,
    sums: bool | None = None,
) -> _Periods:
    """The trend of ``qid`` over ``windows`` (empty unless ``keep_trend``), this period, the
    previous one and the change between them. Without a trend (all but the first rows of the
    evaluation table) only the two periods' values are computed: no target curve."""

    start = figures.plan.plan.period.start
    kpi = figures.refs[qid].kpi
    due = kpi.due or figures.plan.plan.period.end
    actuals = {w: figures.value(qid, w) for w in windows}
    trend: list[PeriodValue] = []
    if keep_trend:
        curve = None
        if cumulative and kpi.target is not None and day_number(start, due) > 0:
            curve = TargetCurve.of(start, due, kpi.target, checkpoint_values(kpi))

        def planned(day: dt.date) -> Decimal | None:
            if curve is None:
                return None if cumulative else kpi.target
            return at_most_six(curve.at(day_number(start, day)))

        trend = [
            PeriodValue(
                w.start,
                w.end,
                actuals[w],
                figures.value(qid, _Window(start, w.end)),
                planned(w.end),
            )
            for w in windows
        ]

    def one(first: dt.date, last: dt.date) -> PeriodValue:
        window = _Window(max(first, start), min(last, due))
        if window.empty:
            return PeriodValue(first, last, None)
        return PeriodValue(window.start, window.end, actuals.get(window))

    current, previous = one(*steps[0]), one(*steps[1])
    if (cumulative if sums is None else sums) and _uneven(current, previous):  # 5 against 7
        change = period_change(None, None, percent=kpi.is_percent)
    else:
        change = period_change(current.actual, previous.actual, percent=kpi.is_percent)
    return _Periods(current, previous, change, trend)


def _uneven(current: PeriodValue | None, previous: PeriodValue | None) -> bool:
    """Whether the two periods hold different numbers of days: this one cut short at the
    KPI's due date, or the previous one at the plan start (a plan starting on a Friday: its
    first week is 2 days). A cumulative KPI's change between them, or a channel's, would
    compare a sum over fewer days with one over more (+250 % for a steady 100 a day); a
    level (a rate, a mean, a value to date) compares as well over any days."""
    if current is None or previous is None:
        return False
    return (current.end - current.start) != (previous.end - previous.start)


def period_change(current: Decimal | None, previous: Decimal | None, *, percent: bool) -> Change:
    """current − previous, and ÷ |previous| as a fraction (not for percent KPIs: points)."""
    if current is None or previous is None:
        return Change(None, None)
    absolute = current - previous
    relative = None if percent else ratio(absolute, abs(previous))
    return Change(absolute, relative)


def _recent(window: _Window) -> _Window:
    """The last RECENT_DAYS days of ``window`` (all of it when shorter)."""
    return _Window(max(window.start, window.end - dt.timedelta(days=RECENT_DAYS - 1)), window.end)


def is_count(unit: str | None) -> bool:
    """A unit of whole things (sign-ups, orders): forecasts of it are whole numbers."""
    return (unit or "").strip().lower() == "count"


def _kpi_result(
    plan: Plan,
    figures: _Figures,
    ref: KpiRef,
    window: _Window,
    as_of: dt.date,
    latest: dict[str, dt.date],
    cumulative: bool,
    *,
    periods: _Periods,
    channels: _Channels,
) -> KpiResult:
    """The KPI's figures over ``window``, with its ``periods`` and channel split: built once
    (a copy per KPI with ``dataclasses.replace`` cost 4 % of evaluate)."""
    kpi = ref.kpi
    start = plan.plan.period.start
    due = kpi.due or plan.plan.period.end
    actual = figures.value(ref.qualified, window)
    target = kpi.target
    lower = kpi.better == "lower"
    leaves = figures.leaves(ref.qualified)
    used = [figures.result(leaf, window) for leaf in leaves]
    last_date = max((r.last for r in used if r.last is not None), default=None)

    attainment = None
    variance = None
    if actual is not None and target is not None:
        attainment = _score(target, actual) if lower else _score(actual, target)
        variance = target - actual

    expected = pace = forecast = None
    curve = None
    if cumulative and day_number(start, due) > 0:
        shape = target if target is not None else Decimal(1)  # the forecast needs only a shape
        curve = TargetCurve.of(start, due, shape, checkpoint_values(kpi))
    if target is not None:
        if curve is not None:
            elapsed = day_number(start, min(as_of, plan.plan.period.end))
            expected = at_most_six(curve.at(elapsed))
        elif not cumulative:
            expected = target  # a level is graded against the target itself, never prorated
    if actual is not None and expected is not None:
        pace = _score(expected, actual) if lower else _score(actual, expected)
    if actual is not None and not window.empty:
        if curve is None:
            forecast = actual if not cumulative else None
        else:
            forecast = _forecast(figures, ref.qualified, window, actual, curve, due, start)
            if forecast is not None and is_count(kpi.unit):
                forecast = forecast.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=WIDE)

    status: KpiStatus
    if target is None:
        status = "no_target"
    elif actual is None:
        status = "no_data"
    elif cumulative and expected is not None and as_of < due:
        status = _grade(plan, pace, actual, expected, lower)
    elif as_of >= due:  # its time is up: the target was met or it was not
        status = _final(attainment, actual, target, lower)
    else:
        status = _grade(plan, attainment, actual, target, lower)

    stale = start <= as_of and any(  # through its due date at the most (see _aged)
        _aged(plan, figures.refs[leaf].kpi, latest.get(leaf), min(as_of, due)) for leaf in leaves
    )
    return KpiResult(
        id=ref.qualified,
        module=ref.module.id if ref.module else None,
        name=kpi.name,
        label=figures.label(ref),
        unit=kpi.unit,
        aggregation=kpi.aggregation,
        formula=kpi.formula,
        source=kpi.source,
        definition=kpi.definition,
        better=kpi.better,
        baseline=kpi.baseline,
        target=target,
        due=kpi.due,
        actual=actual,
        attainment=attainment,
        variance=variance,
        expected=expected,
        pace=pace,
        forecast=forecast,
        status=status,
        stale=stale,
        last_date=last_date,
        observations=used[0].count if kpi.formula is None else 0,
        by_channel=channels.kpi_split(ref.qualified, actual, window, cumulative),
        period=periods.current,
        previous_period=periods.previous,
        change=periods.change,
        trend=periods.trend,
    )


def _forecast(
    figures: _Figures,
    qid: str,
    window: _Window,
    actual: Decimal,
    curve: TargetCurve,
    due: dt.date,
    start: dt.date,
) -> Decimal | None:
    """actual + (increase over the recent days ÷ the curve's planned increase over them) ×
    the curve's remaining increase to due; on a flat stretch of the curve, the plain run
    rate × the days left. The actual itself once due."""
    recent = _recent(window)
    last, first = day_number(start, recent.end), day_number(start, recent.start) - 1
    end = day_number(start, due)
    if last >= end:
        return actual
    increase = figures.value(qid, recent) or Decimal(0)  # no data lately: no increase
    planned = curve.at(last) - curve.at(first)
    if planned > 0:
        return at_most_six(actual + increase * (curve.at(end) - curve.at(last)) / planned)
    return at_most_six(actual + increase * (end - last) / (last - first))


def _aged(plan: Plan, kpi: Kpi, latest: dt.date | None, as_of: dt.date) -> bool:
    """A measured KPI whose latest observation is older than the plan's cadence allows
    before ``as_of``, or before its due date once that has passed (a closing report whose
    data stopped two months before the end says so); a KPI that never had data is no_data,
    not stale."""
    if latest is None:
        return False
    until = min(as_of, kpi.due or plan.plan.period.end)
    return (until - latest).days > STALE_AFTER_DAYS[plan.plan.cadence]


def _score(numerator: Decimal, divisor: Decimal) -> Decimal | None:
    """Attainment or pace: ``numerator ÷ divisor``, unknown unless the divisor is above 0. A
    quotient by 0 or a negative number ranks nothing: a `better: lower` cost of −2 (refunds
    beyond it) against 4 would be −200 %, below every KPI that missed its target; such a KPI
    is graded by the plain comparison instead (see :func:`_grade`)."""
    return ratio(numerator, divisor) if divisor > 0 else None


def _grade(
    plan: Plan, score: Decimal | None, actual: Decimal, reference: Decimal, lower: bool
) -> KpiStatus:
    """on_track / at_risk / off_track from a score (attainment or pace); without a score
    (a zero divisor) the plain comparison decides: meeting the reference is on track."""
    thresholds = plan.plan.status_thresholds
    if score is None:
        return "on_track" if _meets(actual, reference, lower) else "off_track"
    shown = _shown(score)
    if shown >= thresholds.on_track:
        return "on_track"
    if shown >= thresholds.at_risk:
        return "at_risk"
    return "off_track"


def _meets(actual: Decimal, reference: Decimal, lower: bool) -> bool:
    """Whether ``actual`` is at least ``reference``, or at most for a `better: lower` KPI:
    what decides a status without a score (a zero divisor)."""
    return actual <= reference if lower else actual >= reference


# scores are graded as the reports show them: percentages to one place, rounded half up
SHOWN = Decimal("0.001")


def _shown(score: Decimal) -> Decimal:
    """A score as a report writes it (99.96 % is shown 100.0 %): the status beside it agrees."""
    return score.quantize(SHOWN, rounding=ROUND_HALF_UP)


def _final(score: Decimal | None, actual: Decimal, target: Decimal, lower: bool) -> KpiStatus:
    """achieved / missed for a KPI whose due date has come: its attainment as shown (see
    _shown) reaches 100.0 %, or without one the plain comparison with the target."""
    if score is None:
        return "achieved" if _meets(actual, target, lower) else "missed"
    return "achieved" if _shown(score) >= 1 else "missed"


def _modules(
    plan: Plan, figures: _Figures, data: ObservationQuery, window: _Window
) -> list[ModuleResult]:
    plan_spend = figures.role_total("spend", None, window)
    plan_revenue = figures.role_total("revenue", None, window)
    out: list[ModuleResult] = []
    for module in plan.modules:
        spend = figures.role_total("spend", module, window)
        revenue = figures.role_total("revenue", module, window)
        roi = ratio(revenue, spend)
        recent = _recent_spend(figures, data, module, window) if spend is not None else None
        out.append(
            ModuleResult(
                id=module.id,
                name=module.name,
                owner=module.owner,
                goal=module.goal,
                budget=module.budget,
                planned_actions=sum(
                    (a.budget for a in module.actions if a.budget is not None), Decimal(0)
                ),
                spend=spend,
                revenue=revenue,
                roi=roi,
                budget_used=ratio(spend, module.budget),
                spend_share=ratio(spend, plan_spend),
                revenue_share=ratio(revenue, plan_revenue),
                spend_forecast=_spend_forecast(plan, window, spend, recent),
            )
        )
    return out


def _risen(now: _N, before: _N | None) -> _N | None:
    """How far a running total rose from ``before`` (nothing before: 0) to ``now``; None when
    it fell, as it does when a channel is missing from its latest day (see
    :meth:`_Figures._rise`): unknown, never a negative flow."""
    rise = now - (before or 0)
    return rise if rise >= 0 else None


def _spend_forecast(
    plan: Plan, window: _Window, spent: Decimal | None, recent: Decimal | None
) -> Decimal | None:
    """Spend projected to the plan end: spent + the recent days' spend × days left ÷ recent
    days (the forecast rule on a straight curve); the spend itself once the plan is over.
    Spend never runs backwards: recent spend below 0 (a spend to date that fell, one
    platform's export late; refunds beyond the spend) projects no more spend, not less."""
    if spent is None or window.empty:
        return None
    start, end = plan.plan.period.start, plan.plan.period.end
    last, left = (
        day_number(start, window.end),
        day_number(start, end) - day_number(start, window.end),
    )
    if left <= 0:
        return spent
    days = last - (day_number(start, _recent(window).start) - 1)
    return at_most_six(spent + max(recent or Decimal(0), Decimal(0)) * left / days)


def _budget(plan: Plan, figures: _Figures, data: ObservationQuery, window: _Window) -> BudgetResult:
    budget = plan.budget
    spent = figures.role_total("spend", None, window) or Decimal(0)
    spend_kpis = figures.role_kpis("spend", None)
    by_line: dict[str, Decimal] = {}
    recent: dict[str, Decimal] = {}
    if spend_kpis and not window.empty:
        spelled = {folded(name): name for name in budget.lines or {}}
        by_line = _as_planned(_spend_by_line(figures, data, spend_kpis, window), spelled)
        last_days = _recent(window)
        recent = _as_planned(
            _spend_by_line(figures, data, spend_kpis, last_days, since=window.start), spelled
        )

    def forecast(name: str, line_spent: Decimal) -> Decimal | None:
        return _spend_forecast(plan, window, line_spent, recent.get(name, Decimal(0)))

    lines: list[BudgetLine] = []
    for name, planned in (budget.lines or {}).items():
        line_spent = by_line.get(name, Decimal(0))
        lines.append(
            BudgetLine(
                name,
                planned,
                line_spent,
                planned - line_spent,
                ratio(line_spent, planned),
                forecast(name, line_spent),
            )
        )
    for name in sorted(set(by_line) - set(budget.lines or {})):
        lines.append(
            BudgetLine(
                name or UNASSIGNED, None, by_line[name], None, None, forecast(name, by_line[name])
            )
        )
    return BudgetResult(
        total=budget.total,
        reserve=budget.reserve,
        reserve_share=ratio(budget.reserve, budget.total) or Decimal(0),
        allocated=sum((m.budget for m in plan.modules if m.budget is not None), Decimal(0)),
        spent=spent,
        remaining=budget.total - spent,
        used=ratio(spent, budget.total - budget.reserve),
        lines=lines,
    )


def _as_planned(by_line: dict[str, Decimal], spelled: dict[str, str]) -> dict[str, Decimal]:
    """Spend by line, a line written otherwise than the plan spells it (`Media`, `ＭＥＤＩＡ`
    for `media`) counted under the plan's line: it was a line of its own, the plan's at 0."""
    out: dict[str, Decimal] = {}
    for line, amount in by_line.items():
        name = spelled.get(folded(line), line) if line else line
        out[name] = out.get(name, Decimal(0)) + amount
    return out


def _spend_trend(
    figures: _Figures, windows: Sequence[_Window], start: dt.date, budget: Decimal
) -> list[PeriodValue]:
    """The plan's spend per period and to date. A `last` spend KPI (spend to date) stands
    for its level: a period's spend is then the rise of the total to date over the period,
    not the level itself; unknown when the total fell (see :meth:`_Figures._rise`)."""
    spend = figures.role_kpis("spend", None)
    if not spend:
        return []
    to_date = {w.end: figures.role_total("spend", None, _Window(start, w.end)) for w in windows}
    levels = any(_to_date(figures.refs[q].kpi) for q in spend)
    out = []
    for w in windows:
        actual = figures.role_total("spend", None, w)
        if levels and actual is not None:
            now, before = to_date[w.end], to_date.get(w.start - dt.timedelta(days=1))
            actual = None if now is None else _risen(now, before)
        out.append(PeriodValue(w.start, w.end, actual, to_date[w.end], budget))
    return out


def _recent_spend(
    figures: _Figures, data: ObservationQuery, module: Module | None, window: _Window
) -> Decimal | None:
    """The spend of ``module`` (the plan's with None) in the last days of ``window``, for its
    forecast: a spend to date's rise over them, not its level."""
    spend = figures.role_kpis("spend", module)
    if not any(_to_date(figures.refs[q].kpi) for q in spend):
        return figures.role_total("spend", module, _recent(window))
    lines = _spend_by_line(figures, data, spend, _recent(window), since=window.start)
    return sum(lines.values(), Decimal(0)) if lines else None


def _to_date(kpi: Kpi) -> bool:
    """Whether a measured KPI is reported as a running total (`aggregation: last`)."""
    return kpi.formula is None and kpi.aggregation == "last"


def _spend_by_line(
    figures: _Figures,
    data: ObservationQuery,
    kpis: Sequence[str],
    window: _Window,
    *,
    since: dt.date | None = None,
) -> dict[str, Decimal]:
    """The spend of ``kpis`` over ``window`` by budget line ('' for none), adding up to
    their role total. A summed KPI's rows are added by line; a `last` one (spend to date, as
    ad platforms report it) counts its lines on its latest date in the window, less those on
    its latest date before the window when ``since`` (the spend window's start) is given, for
    the spend *in* a recent window; a formula counts as spend without a line."""
    summed = [
        q
        for q in kpis
        if figures.refs[q].kpi.formula is None and figures.refs[q].kpi.aggregation == "sum"
    ]
    by_line = data.sums_by_line(summed, window.start, window.end) if summed else {}
    rest = [q for q in kpis if q not in summed]
    figures.fetch(data, rest, window)
    earlier = _Window(since, window.start - dt.timedelta(days=1)) if since is not None else None
    if earlier is not None and not earlier.empty:
        figures.fetch(data, rest, earlier)

    def add(line: str, value: Decimal) -> None:
        by_line[line] = by_line.get(line, Decimal(0)) + value

    for q in rest:
        kpi = figures.refs[q].kpi
        if _to_date(kpi):
            day = None if window.empty else figures.result(q, window).last
            if day is None:
                continue  # nothing reported in the window: no spend in it either
            for line, value in data.sums_by_line([q], day, day).items():
                add(line, value)
            before = None if earlier is None or earlier.empty else figures.result(q, earlier)
            if before is not None and before.last is not None:
                for line, value in data.sums_by_line([q], before.last, before.last).items():
                    add(line, -value)
            continue
        amount = figures.value(q, window)
        if amount is not None:
            add("", amount)
    return by_line


def _budget_alerts(
    plan: Plan, modules: Sequence[ModuleResult], budget: BudgetResult, as_of: dt.date
) -> list[AlertResult]:
    """over_budget (spend > budget) and, when not over yet, forecast_over_budget (spend
    forecast to the plan end > budget) for every module with a budget and every budget line,
    at the severities of ``budget_alerts:`` (an ``off`` rule raises nothing)."""
    levels = plan.budget_alerts
    respond_by = _respond_by(as_of, plan.plan.alert_response_hours)
    end = plan.plan.period.end
    found: list[AlertResult] = []

    def check(
        subject: str,
        name: str,
        module: str | None,
        owner: str,
        budget_: Decimal | None,
        spent: Decimal | None,
        forecast: Decimal | None,
    ) -> None:
        if budget_ is None or spent is None:
            return
        gap: Decimal | None = None
        if spent > budget_:
            rule, level, value = "over_budget", levels.over_budget, spent
            gap = ratio(spent * HUNDRED, budget_)
        elif forecast is not None and forecast > budget_:
            rule, level, value = "forecast_over_budget", levels.forecast_over_budget, forecast
        else:
            return
        if level == "off":
            return
        found.append(
            AlertResult(
                kpi=subject,
                module=module,
                rule=rule,
                threshold=budget_,
                actual=value,
                severity=level,
                message="",
                owner=owner,
                respond_by=respond_by,
                name=name,
                reference=budget_,
                unit=plan.plan.currency,
                gap=gap,
                spent=spent,
                until=end,
            )
        )

    owners = {m.id: m.owner for m in plan.modules}
    for m in modules:
        check(
            f"budget.modules.{m.id}",
            m.name,
            m.id,
            owners[m.id],
            m.budget,
            m.spend,
            m.spend_forecast,
        )
    for line in budget.lines:
        check(
            f"budget.lines.{line.line}",
            line.line,
            None,
            plan.plan.owner,
            line.planned,
            line.spent,
            line.forecast,
        )
    return found


def _action(module: Module, action: Action, as_of: dt.date) -> ActionResult:
    closed = action.status in ("done", "cancelled")
    finished = action.finished
    status = "delayed" if not closed and as_of > action.end else action.status
    if action.status == "cancelled":
        late = 0  # a cancelled action has no finish to be late for
    elif action.status == "done" and finished is not None and finished > as_of:
        # a report for a day before the action was done: it was still open that day
        finished = None
        status = (
            "delayed"
            if as_of > action.end
            else "in_progress"
            if as_of >= action.start
            else "planned"
        )
        late = (as_of - action.end).days
    elif finished is not None:
        late = (finished - action.end).days
    elif not closed:
        late = (as_of - action.end).days
    else:
        late = 0
    return ActionResult(
        module=module.id,
        name=action.name,
        owner=action.owner,
        status=status,
        start=action.start,
        end=action.end,
        finished=finished,
        budget=action.budget,
        issue=action.issue,
        days_late=max(0, late),
    )


def _alerts(
    plan: Plan, refs: dict[str, KpiRef], kpis: dict[str, KpiResult], as_of: dt.date
) -> list[AlertResult]:
    respond_by = _respond_by(as_of, plan.plan.alert_response_hours)
    found: list[AlertResult] = []
    for alert in plan.alerts:
        result = kpis.get(alert.kpi)
        ref = refs.get(alert.kpi)
        if result is None or ref is None or result.actual is None:
            continue
        owner = ref.module.owner if ref.module else plan.plan.owner
        for rule, threshold in alert.conditions():
            fired = _fired(rule, threshold, result)
            if fired is None:
                continue
            reference, gap = fired
            found.append(
                AlertResult(
                    kpi=alert.kpi,
                    module=result.module,
                    rule=rule,
                    threshold=threshold,
                    actual=result.actual,
                    severity=alert.severity,
                    message="",
                    owner=owner,
                    respond_by=respond_by,
                    name=result.label,
                    reference=reference,
                    unit=result.unit,
                    gap=gap,
                    note=alert.message or None,
                )
            )
    return found


def _respond_by(as_of: dt.date, hours: int) -> dt.datetime:
    """The end of ``as_of`` (the data is cut there) plus the plan's response hours; the last
    minute of the calendar (9999-12-31 23:59) when that lies beyond it."""
    try:
        return dt.datetime.combine(as_of, dt.time()) + dt.timedelta(days=1, hours=hours)
    except OverflowError:
        return dt.datetime.max.replace(second=0, microsecond=0)


def _fired(
    rule: str, threshold: Decimal, kpi: KpiResult
) -> tuple[Decimal | None, Decimal | None] | None:
    """When ``rule`` fires for ``kpi``: the reference compared with (target or pace line)
    and the gap to it in percent (None when the reference is 0); else None. Rules compare
    values literally whatever `better` says: below means a smaller number."""
    actual = kpi.actual
    assert actual is not None
    if rule in ("below_target", "above_target", "below_pace"):
        reference = kpi.expected if rule == "below_pace" else kpi.target
        if reference is None:
            return None
        gap = ratio((actual - reference) * HUNDRED, abs(reference)) if reference else None
        if rule == "above_target":
            if not actual > reference * (1 + threshold / HUNDRED):
                return None
            return reference, gap
        if not actual < reference * (1 - threshold / HUNDRED):
            return None
        return reference, gap
    if rule == "above" and actual > threshold:
        return None, None
    if rule == "below" and actual < threshold:
        return None, None
    return None


def _tracking(
    plan: Plan,
    refs: dict[str, KpiRef],
    kpis: dict[str, KpiResult],
    notes: Sequence[Note],
    as_of: dt.date,
) -> list[TrackingRow]:
    notes_by_module: dict[str, list[Note]] = {}
    for note in reversed(notes):  # latest first
        ref = refs.get(note.kpi)
        if ref is not None and ref.module is not None:
            notes_by_module.setdefault(ref.module.id, []).append(note)
    rows: list[TrackingRow] = []
    for module in plan.modules:
        results = [kpis[f"{module.id}.{k.id}"] for k in module.kpis]
        targeted = [r for r in results if r.target is not None]
        reviews = sorted(
            (
                r
                for r in plan.reviews
                if r.date <= as_of
                and (
                    r.module == module.id
                    or (r.kpi is not None and r.kpi in refs and refs[r.kpi].module is module)
                )
            ),
            key=lambda r: r.date,
            reverse=True,
        )
        module_notes = notes_by_module.get(module.id, [])
        causes = [f"{r.date}: {r.cause}" for r in reviews if r.cause]
        # a wide export's row note lands on every KPI of the row: say it once per row
        grouped: dict[tuple[object, str, str], list[str]] = {}
        for n in module_notes:
            names = grouped.setdefault((n.date, n.channel, n.note), [])
            if refs[n.kpi].kpi.name not in names:
                names.append(refs[n.kpi].kpi.name)
        order = {k.name: i for i, k in enumerate(module.kpis)}
        causes += [
            f"{day} {', '.join(sorted(names, key=lambda n: order.get(n, len(order))))}"
            f"{f' ({channel})' if channel else ''}: {note}"
            for (day, channel, note), names in grouped.items()
        ]
        dues = [k.due for k in module.kpis if k.due is not None]
        rows.append(
            TrackingRow(
                module=module.name,
                target=module.goal,
                plan="; ".join(_action_span(a) for a in module.actions),
                kpis=", ".join(k.name for k in module.kpis),
                source=", ".join(_distinct(k.source for k in module.kpis)),
                actual="",
                variance="",
                cause="; ".join(causes),
                measure="; ".join(f"{r.date}: {r.measure}" for r in reviews if r.measure),
                owner=module.owner,
                deadline=max(dues, default=None),
                key_kpis=tuple(r.id for r in targeted),
            )
        )
    return rows


def _action_span(action: Action) -> str:
    return f"{action.name} ({action.start.isoformat()}–{action.end.isoformat()})"


def _distinct(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _daily(
    figures: _Figures, data: ObservationQuery, latest: dict[str, dt.date], window: _Window
) -> list[DailyValue]:
    """Each KPI's value on each day with data: its aggregation over the day's channels. A
    sum or a last value adds its channels up; a mean (a rate), a max or a min does not (CTR
    2 % and 1 % in two channels is no 3 %), so those days are aggregated like any window,
    and a rate read as a level has no value on a day of several channels."""
    if window.empty or not latest:
        return []
    totals = data.daily_totals(sorted(latest), window.start, window.end)
    by_day: dict[tuple[str, dt.date], AggRequest] = {}
    levels: set[str] = set()
    for kpi, day, _ in totals:
        ref = figures.refs.get(kpi)
        if ref is None or ref.kpi.formula is not None:
            continue
        if is_rate_level(ref.kpi):
            levels.add(kpi)
        if ref.kpi.aggregation not in SUMMED or kpi in levels:
            by_day[(kpi, day)] = figures.request(kpi, _Window(day, day))
    found = data.aggregate(list(by_day.values())) if by_day else {}
    daily: list[DailyValue] = []
    for kpi, day, total in totals:
        request = by_day.get((kpi, day))
        value = total if request is None else found[request].value
        if kpi in levels and request is not None and found[request].count > 1:
            value = None  # a rate of several channels: not their sum (see above)
        if value is not None:  # a weighted mean on a day without its weight has none
            daily.append(DailyValue(kpi, day, at_most_six(value)))
    return daily


__all__ = [
    "LARGEST",
    "SMALLEST",
    "at_most_six",
    "days_inclusive",
    "evaluate",
    "quantize",
    "ratio",
    "unreportable_numbers",
]
