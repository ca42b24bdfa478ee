"""Checks across the plan model. Each rule returns findings; every rule runs.

Rules are registered in :data:`RULES`, one function each, so a new rule is one function
and one line.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Callable, Iterator
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from mktplan.errors import Finding, InvalidValue, Severity
from mktplan.i18n import Msg, msg
from mktplan.plan import formula, plausible, sources
from mktplan.plan.loader import LoadedYaml, Loc
from mktplan.plan.model import Module, Plan
from mktplan.plan.refs import KEYWORDS, kpi_refs, resolve_name
from mktplan.plan.vague import vague_message
from mktplan.suggest import Suggester
from mktplan.vocab import (
    LONGEST_KEY_TEXT,
    MEASURE_WORDS,
    key_text_bytes,
    kpi_currency,
    plain_number,
    unit_dimension,
)


def format_loc(loc: Loc) -> str:
    """('modules', 0, 'goal') → 'modules[0].goal'."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            shown = _key_as_yaml(part)
            out += f".{shown}" if out else shown
    return out


def _key_as_yaml(part: object) -> str:
    """A mapping key as YAML writes it: null, true (a null or boolean key is refused)."""
    if part is None:
        return "null"
    if isinstance(part, bool):
        return str(part).lower()
    return str(part)


class Context:
    def __init__(self, plan: Plan, loaded: LoadedYaml) -> None:
        self.plan = plan
        self.loaded = loaded
        self.refs = kpi_refs(plan)
        self.suggester: Suggester | None = None
        self._trees: dict[str, formula.Node | None] = {}

    def tree(self, qid: str) -> formula.Node | None:
        """The parsed formula of the KPI ``qid``, parsed once for every rule that reads it;
        None without a formula or when it does not parse (the formulas rule says why)."""
        if qid not in self._trees:
            text = self.refs[qid].kpi.formula
            try:
                self._trees[qid] = None if text is None else formula.parse(text)
            except formula.FormulaError:
                self._trees[qid] = None
        return self._trees[qid]

    def finding(
        self,
        loc: Loc,
        message: str | Msg,
        hint: str | Msg | None = None,
        *,
        severity: Severity = Severity.ERROR,
        code: str = "invalid",
    ) -> Finding:
        mark = self.loaded.mark(loc)
        return Finding.of(
            message,
            file=self.loaded.file,
            path=format_loc(loc),
            line=mark.line if mark else None,
            column=mark.column if mark else None,
            hint=hint,
            severity=severity,
            code=code,
        )

    def warning(
        self, loc: Loc, message: str | Msg, hint: str | Msg | None = None, code: str = "warning"
    ) -> Finding:
        return self.finding(loc, message, hint, severity=Severity.WARNING, code=code)


Rule = Callable[[Context], Iterator[Finding]]


def _pct_outside(part: Decimal, whole: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """``part`` as percent of ``whole`` outside ``low``..``high`` percent, with one decimal,
    or as many more as it takes to show it outside (9.99999, not 10.0 "between 10 and 15")."""
    share = part * 100 / whole
    places = Decimal("0.1")
    shown = share.quantize(places)
    while low <= shown <= high and places > Decimal("1e-20"):
        places /= 10
        shown = share.quantize(places)
    return shown


def _money(value: Decimal) -> str:
    """An amount as written in a message: to the cent, or exactly when it has finer digits
    (a gap of 0.000001 is "0.000001", never "0")."""
    if value == value.quantize(_CENT):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value.normalize():,f}"


_CENT = Decimal("0.01")


def smart_goals(ctx: Context) -> Iterator[Finding]:
    for m, module in enumerate(ctx.plan.modules):
        reason = vague_message(module.goal, (k.target for k in module.kpis if k.target is not None))
        if reason:
            yield ctx.finding(
                ("modules", m, "goal"),
                msg("validate.vague_goal", module=module.id, reason=reason),
                _cut_by_comment(ctx, ("modules", m, "goal"), module.goal)
                or msg("validate.vague_goal.hint"),
                code="vague_goal",
            )
        if not any(k.target is not None and k.due is not None for k in module.kpis):
            loc: Loc = ("modules", m, "kpis") if module.kpis else ("modules", m)
            yield ctx.finding(
                loc,
                msg("validate.no_measurable_kpi", module=module.id),
                msg("validate.no_measurable_kpi.hint"),
                code="no_measurable_kpi",
            )


def _cut_by_comment(ctx: Context, loc: Loc, value: str) -> Msg | None:
    """The hint for a plain value that ` #` cut short (`goal: Be #1 on Tmall` reads as "Be"),
    or None when the value's line holds no comment after it."""
    mark = ctx.loaded.marks.get(loc)
    source = ctx.loaded.source_line(mark.line) if mark else None
    if mark is None or source is None:
        return None
    rest = source[mark.column - 1 :]
    if not rest.startswith(value) or not re.match(r"[ \t]+#", rest[len(value) :]):
        return None  # quoted, or no comment: the value is as written
    written = rest.rstrip()
    quote = "'" if '"' in written else '"'
    key = str(loc[-1])
    return msg("validate.cut_by_comment.hint", value=value, fixed=f"{key}: {quote}{written}{quote}")


def reserve_share(ctx: Context) -> Iterator[Finding]:
    """The reserve (应急预备金) within `reserve_range` percent of the total."""
    budget = ctx.plan.budget
    total, reserve = budget.total, budget.reserve
    low, high = budget.reserve_range.min, budget.reserve_range.max
    if low > high:
        yield ctx.finding(
            ("budget", "reserve_range"),
            msg("validate.reserve_range_inverted", low=low, high=high),
            msg("validate.reserve_range_inverted.hint"),
        )
    elif total > 0:
        share = reserve * 100 / total
        if not low <= share <= high:
            # to the cent inside the range: 10 % of 333,333.33 is 33,333.333, so 33,333.34
            lo_amount = (total * low / 100).quantize(_CENT, rounding=ROUND_CEILING)
            hi_amount = (total * high / 100).quantize(_CENT, rounding=ROUND_FLOOR)
            if lo_amount > hi_amount:  # a range narrower than a cent: the exact bounds
                lo_amount, hi_amount = total * low / 100, total * high / 100
            yield ctx.finding(
                ("budget", "reserve"),
                msg(
                    "validate.reserve_out_of_range",
                    share=_pct_outside(reserve, total, low, high),
                    low=low,
                    high=high,
                ),
                msg(
                    "validate.reserve_out_of_range.hint",
                    low_amount=_money(lo_amount),
                    high_amount=_money(hi_amount),
                    low=low,
                    high=high,
                ),
                code="reserve_out_of_range",
            )


# A status threshold from here on is a percentage written for a fraction, or no threshold
STATUS_THRESHOLD_MAX = 10


def status_thresholds(ctx: Context) -> Iterator[Finding]:
    """`status_thresholds` as fractions of the pace or target (0.9 is 90 %; 1.05 asks a KPI
    to run ahead), at_risk not above on_track: checked as `reserve_range` is (bounds and
    order are errors). From 10 on a threshold is a percentage written for a fraction (90 for
    0.9) or no threshold at all: every KPI would be off track."""
    thresholds = ctx.plan.plan.status_thresholds
    loc: Loc = ("plan", "status_thresholds")
    too_high = False
    for name in ("on_track", "at_risk"):
        value: Decimal = getattr(thresholds, name)
        if value < STATUS_THRESHOLD_MAX:
            continue
        too_high = True
        if value <= 100:  # 90 for 90 %
            yield ctx.finding(
                (*loc, name),
                msg("validate.status_threshold_percent", field=name, value=plain_number(value)),
                msg(
                    "validate.status_threshold_percent.hint",
                    value=plain_number(value),
                    meant=plain_number(value / 100),
                ),
                code="invalid_status_thresholds",
            )
        else:
            yield ctx.finding(
                (*loc, name),
                msg("validate.status_threshold_above_one", field=name, value=plain_number(value)),
                msg("validate.status_threshold_above_one.hint"),
                code="invalid_status_thresholds",
            )
    if not too_high and thresholds.at_risk > thresholds.on_track:
        yield ctx.finding(
            (*loc, "at_risk"),
            msg(
                "validate.status_thresholds_inverted",
                at_risk=plain_number(thresholds.at_risk),
                on_track=plain_number(thresholds.on_track),
            ),
            msg(
                "validate.status_thresholds_inverted.hint",
                at_risk=plain_number(thresholds.at_risk),
                on_track=plain_number(thresholds.on_track),
            ),
            code="invalid_status_thresholds",
        )


def budget_overrun(ctx: Context) -> Iterator[Finding]:
    """Module budgets and the reserve within the total."""
    total, reserve = ctx.plan.budget.total, ctx.plan.budget.reserve
    allocated = sum((mod.budget or Decimal(0) for mod in ctx.plan.modules), Decimal(0))
    if allocated + reserve > total:
        yield ctx.finding(
            ("budget", "total"),
            msg(
                "validate.budget_overrun",
                allocated=_money(allocated),
                reserve=_money(reserve),
                sum=_money(allocated + reserve),
                total=_money(total),
            ),
            msg("validate.budget_overrun.hint", cut=_money(allocated + reserve - total)),
            code="budget_overrun",
        )


def budget_lines(ctx: Context) -> Iterator[Finding]:
    """Budget lines and the reserve add up to the total."""
    budget = ctx.plan.budget
    total, reserve = budget.total, budget.reserve
    if budget.lines is not None:
        lines = sum(budget.lines.values(), Decimal(0))
        if lines + reserve != total:
            gap = total - reserve - lines
            listed = _reserve_line(budget.lines, reserve) if -gap == reserve else None
            if listed is not None:
                yield ctx.finding(
                    ("budget", "lines", listed),
                    msg(
                        "validate.reserve_listed_as_line",
                        line=listed,
                        amount=_money(reserve),
                        sum=_money(lines + reserve),
                        total=_money(total),
                    ),
                    msg("validate.reserve_listed_as_line.hint", line=listed),
                    code="lines_mismatch",
                )
                return
            yield ctx.finding(
                ("budget", "lines"),
                msg(
                    "validate.lines_mismatch",
                    lines=_money(lines),
                    reserve=_money(reserve),
                    sum=_money(lines + reserve),
                    total=_money(total),
                ),
                msg(
                    "validate.lines_mismatch.hint_add"
                    if gap > 0
                    else "validate.lines_mismatch.hint_remove",
                    amount=_money(abs(gap)),
                ),
                code="lines_mismatch",
            )


# how a budget line that is the reserve is named: 应急预备金, 预备金, 备用金, contingency
_RESERVE_NAME = re.compile(r"预备|預備|备用|備用|应急|應急|储备|儲備|reserve|contingenc", re.I)


def _reserve_line(lines: dict[str, Decimal], reserve: Decimal) -> str | None:
    """The budget line that repeats the reserve (its amount, a reserve's name first), or
    None when no line's amount is the reserve."""
    same = [name for name, amount in lines.items() if reserve and amount == reserve]
    named = [name for name in same if _RESERVE_NAME.search(str(name))]
    return next(iter(named or same), None)


def action_budgets(ctx: Context) -> Iterator[Finding]:
    """A module's action budgets within its budget, and planning at least half of it."""
    for m, module in enumerate(ctx.plan.modules):
        planned = sum((a.budget or Decimal(0) for a in module.actions), Decimal(0))
        if module.budget is None:
            if planned > 0:
                yield ctx.finding(
                    ("modules", m, "budget"),
                    msg(
                        "validate.module_without_budget", module=module.id, planned=_money(planned)
                    ),
                    msg("validate.module_without_budget.hint"),
                )
            continue
        if planned > module.budget:
            yield ctx.finding(
                ("modules", m, "actions"),
                msg(
                    "validate.actions_over_budget",
                    module=module.id,
                    planned=_money(planned),
                    budget=_money(module.budget),
                ),
                msg("validate.actions_over_budget.hint", cut=_money(planned - module.budget)),
                code="actions_over_budget",
            )
        elif module.budget > 0 and (module.budget - planned) * 2 > module.budget:
            yield ctx.warning(
                ("modules", m, "budget"),
                msg(
                    "validate.budget_unplanned",
                    module=module.id,
                    planned=_money(planned),
                    budget=_money(module.budget),
                ),
                msg("validate.budget_unplanned.hint"),
                code="budget_unplanned",
            )


def dates_in_period(ctx: Context) -> Iterator[Finding]:
    period = ctx.plan.plan.period
    start, end = period.start, period.end
    if start > end:
        yield ctx.finding(
            ("plan", "period", "end"),
            msg("validate.period_inverted", start=start, end=end),
            msg("validate.swap_start_end"),
        )
        return
    span = msg("validate.plan_period", start=start, end=end)
    between = msg("validate.move_between", start=start, end=end)

    def outside(day: object) -> bool:
        return not (start <= day <= end)  # type: ignore[operator]

    for ref in ctx.refs.values():
        if ref.kpi.due is not None and outside(ref.kpi.due):
            yield ctx.finding(
                (*ref.loc, "due"),
                msg("validate.kpi_due_outside", kpi=ref.qualified, due=ref.kpi.due, span=span),
                msg("validate.kpi_due_outside.hint", start=start, end=end),
                code="date_outside_period",
            )
    for m, module in enumerate(ctx.plan.modules):
        for a, action in enumerate(module.actions):
            loc: Loc = ("modules", m, "actions", a)
            for name in ("start", "end"):
                day = getattr(action, name)
                if outside(day):
                    yield ctx.finding(
                        (*loc, name),
                        msg(
                            "validate.action_start_outside"
                            if name == "start"
                            else "validate.action_end_outside",
                            action=action.name,
                            day=day,
                            span=span,
                        ),
                        between,
                        code="date_outside_period",
                    )
            if action.start > action.end:
                yield ctx.finding(
                    (*loc, "end"),
                    msg(
                        "validate.action_inverted",
                        action=action.name,
                        start=action.start,
                        end=action.end,
                    ),
                    msg("validate.swap_start_end"),
                )
            if action.finished is not None and action.finished < action.start:
                yield ctx.finding(
                    (*loc, "finished"),
                    msg(
                        "validate.action_finished_early",
                        action=action.name,
                        finished=action.finished,
                        start=action.start,
                    ),
                    msg("validate.action_finished_early.hint"),
                )
    for i, milestone in enumerate(ctx.plan.plan.milestones):
        if outside(milestone.date):
            yield ctx.finding(
                ("plan", "milestones", i, "date"),
                msg(
                    "validate.milestone_outside",
                    milestone=milestone.name,
                    date=milestone.date,
                    span=span,
                ),
                between,
                code="date_outside_period",
            )
    for i, review in enumerate(ctx.plan.reviews):
        if outside(review.date):
            yield ctx.finding(
                ("reviews", i, "date"),
                msg("validate.review_outside", date=review.date, span=span),
                msg("validate.review_outside.hint", start=start, end=end),
                code="date_outside_period",
            )
    for i, approval in enumerate(ctx.plan.plan.approvals):
        if approval.date > end:
            yield ctx.finding(
                ("plan", "approvals", i, "date"),
                msg("validate.approval_after_end", name=approval.name, date=approval.date),
                msg("validate.approval_after_end.hint"),
            )


def unique_ids(ctx: Context) -> Iterator[Finding]:
    def dupes(ids: list[str], base: Loc, what: Msg) -> Iterator[Finding]:
        seen: dict[str, int] = {}
        for i, kid in enumerate(ids):
            if kid in seen:
                yield ctx.finding(
                    (*base, i, "id"),
                    msg(
                        "validate.duplicate_id",
                        what=what,
                        id=kid,
                        first=format_loc((*base, seen[kid])),
                    ),
                    msg("validate.duplicate_id.hint"),
                    code="duplicate_id",
                )
            else:
                seen[kid] = i

    yield from dupes([m.id for m in ctx.plan.modules], ("modules",), msg("validate.what_module"))
    yield from dupes([k.id for k in ctx.plan.kpis], ("kpis",), msg("validate.what_plan_kpi"))
    for m, module in enumerate(ctx.plan.modules):
        yield from dupes(
            [k.id for k in module.kpis],
            ("modules", m, "kpis"),
            msg("validate.what_module_kpi", module=module.id),
        )


# A unit that counts in tens of thousands, thousands, millions … of something (万元, 千元,
# 万次, 万UV, k USD, M): exports are read in whole units (1.2万 is 12,000), so such a KPI's
# target and its actuals would differ by the scale. A Chinese scale starts the unit, alone or
# before money, a counter or a code (万元, 万次, 万UV: not 千克, 百分点, 百度指数, 千川消耗,
# words of their own); a Latin one stands alone or before a space (k, M, k users: not KOLs,
# MAU, mins, kcal, nor m, metres), or after a currency (USD k, $m: not item, week)
_SCALED_UNIT = re.compile(
    r"(?:十|百|千|万|萬|十万|百万|千万|亿|億|十亿|十億)\s*"
    rf"(?:[\u4e00-\u9fff]{{0,2}}元|人民币|人次|{MEASURE_WORDS}|粉|"
    r"[A-Za-z]{2,}|[$¥￥€£])?(?:\s*/.*)?"
    r"|(?:[kKMwW]|(?i:mn|bn|thousands?|millions?|billions?))(?:\s+\S.*)?|m\s+\S.*"
    r"|(?:[$¥￥€£]|[A-Z]{3}|(?i:usd|cny|rmb|eur|gbp|hkd|jpy))\s*"
    r"(?:[kKmM]|(?i:mn|bn|thousands?|millions?|billions?))"
)


# Longer units are not looked at: the pattern's spaces and "/ …" tail backtrack in square
# time, seconds for a unit of 50,000 spaces (万 followed by a word is at most a few dozen)
_LONGEST_SCALED_UNIT = 200


def kpi_fields(ctx: Context) -> Iterator[Finding]:
    for ref in ctx.refs.values():
        kpi = ref.kpi
        unit = (kpi.unit or "").strip()
        # a formula's unit may be scaled: `sales / 10000` in 万元 is computed in it
        short = 0 < len(unit) <= _LONGEST_SCALED_UNIT
        if short and kpi.formula is None and _SCALED_UNIT.fullmatch(unit):
            yield ctx.finding(
                (*ref.loc, "unit"),
                msg("validate.scaled_unit", kpi=ref.qualified, unit=unit),
                msg("validate.scaled_unit.hint"),
                code="scaled_unit",
            )
        if kpi.formula is None:
            if not unit:
                yield ctx.finding(
                    ref.loc,
                    msg("validate.missing_unit", kpi=ref.qualified),
                    msg("validate.missing_unit.hint"),
                    code="missing_unit",
                )
            elif kpi.aggregation == "sum" and kpi.is_rate:
                # domain rule: a rate is never added up across days or channels
                given = "aggregation" in kpi.model_fields_set
                yield ctx.finding(
                    (*ref.loc, "aggregation") if given else ref.loc,
                    msg(
                        "validate.rate_summed_given" if given else "validate.rate_summed",
                        kpi=ref.qualified,
                        unit=unit,
                    ),
                    msg("validate.rate_summed.hint"),
                    code="rate_summed",
                )
            if not (kpi.source or "").strip():
                yield ctx.finding(
                    ref.loc,
                    msg("validate.missing_source", kpi=ref.qualified),
                    msg("validate.missing_source.hint"),
                    code="missing_source",
                )
        if kpi.role is not None:
            money = kpi_currency(unit, ctx.plan.plan.currency)
            if money is not None and money != ctx.plan.plan.currency:
                # spend and revenue are added up with the other role KPIs, in the plan's money
                yield ctx.finding(
                    (*ref.loc, "unit"),
                    msg(
                        "validate.role_other_currency",
                        kpi=ref.qualified,
                        role=kpi.role,
                        unit=unit,
                        currency=money,
                        plan=ctx.plan.plan.currency,
                    ),
                    msg("validate.role_other_currency.hint", plan=ctx.plan.plan.currency),
                    code="role_other_currency",
                )
        if kpi.formula is not None and kpi.is_percent and _times_100(kpi.formula):
            yield ctx.finding(
                (*ref.loc, "formula"),
                msg("validate.percent_times_100", kpi=ref.qualified, formula=kpi.formula),
                msg("validate.percent_times_100.hint"),
                code="percent_times_100",
            )
        if kpi.is_rate and kpi.aggregation == "mean" and kpi.weight is None:
            # domain rule 2: a rate is recomputed from its counts, never averaged plainly
            yield ctx.warning(
                (*ref.loc, "aggregation"),
                msg("validate.rate_mean_unweighted", kpi=ref.qualified, unit=unit),
                msg("validate.rate_mean_unweighted.hint"),
                code="rate_mean_unweighted",
            )
        if kpi.weight is not None:
            target = resolve_name(kpi.weight, ref.module, ctx.refs)
            if target is not None and target not in KEYWORDS and ctx.refs[target].kpi.formula:
                yield ctx.finding(
                    (*ref.loc, "weight"),
                    msg("validate.weight_formula", kpi=ref.qualified, weight=kpi.weight),
                    msg("validate.weight_formula.hint"),
                    code="unknown_kpi",
                )
            elif target is None or target in KEYWORDS:
                yield ctx.finding(
                    (*ref.loc, "weight"),
                    msg(
                        "validate.weight_unknown",
                        kpi=ref.qualified,
                        weight=kpi.weight,
                        suggestion=_did_you_mean(kpi.weight, ref.module, ctx),
                    ),
                    msg("validate.weight_unknown.hint"),
                    code="unknown_kpi",
                )
            if kpi.aggregation != "mean":
                yield ctx.finding(
                    (*ref.loc, "weight"),
                    msg("validate.weight_not_mean", kpi=ref.qualified, aggregation=kpi.aggregation),
                    msg("validate.weight_not_mean.hint"),
                )
        if kpi.target is not None and kpi.baseline not in (None, Decimal(0)):
            assert kpi.baseline is not None
            if abs(kpi.target) > abs(kpi.baseline) * 10:
                yield ctx.warning(
                    (*ref.loc, "target"),
                    msg(
                        "validate.target_far_from_baseline",
                        kpi=ref.qualified,
                        target=kpi.target,
                        baseline=kpi.baseline,
                    ),
                    msg("validate.target_far_from_baseline.hint"),
                    code="target_far_from_baseline",
                )


def _times_100(text: str) -> bool:
    """Whether a formula multiplies its value by 100 (`orders / visits * 100`,
    `100 * orders / visits`, or in disguise: `orders / (visits / 100)`, `x * 10 * 10`,
    `x / 0.01`): a `%` formula is its ratio times 100 already."""
    try:
        node = formula.parse(text)
    except formula.FormulaError:
        return False  # the formulas rule says what is wrong
    factors = [node]
    while factors:
        part = factors.pop()
        if isinstance(part, formula.Number) and part.value == 100:
            return True
        if isinstance(part, formula.Binary) and part.op in "*/":
            factors.append(part.left)
            if part.op == "*":
                factors.append(part.right)
    return formula.constant_factor(node) in (100, -100)


def _did_you_mean(name: str, module: Module | None, ctx: Context) -> Msg | str:
    if ctx.suggester is None:  # built on first use: most plans have no unknown id
        ctx.suggester = Suggester(ctx.refs)
    close = ctx.suggester.suggest(name)
    if module is not None:  # the module's own bare ids are candidates too
        local = Suggester(k.id for k in module.kpis).suggest(name)
        if local and (not close or _similarity(name, local[0]) > _similarity(name, close[0])):
            close = local
    return msg("validate.did_you_mean", name=close[0]) if close else ""


def _similarity(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio()


def formulas(ctx: Context) -> Iterator[Finding]:
    graph: dict[str, list[str]] = {}
    for ref in ctx.refs.values():
        text = ref.kpi.formula
        if text is None:
            continue
        loc = (*ref.loc, "formula")
        try:
            tree = formula.parse(text)
        except formula.FormulaError as exc:
            yield ctx.finding(
                loc,
                msg("validate.bad_formula", kpi=ref.qualified, formula=text, reason=exc.text),
                exc.hint or msg("validate.bad_formula.hint"),
                code="bad_formula",
            )
            continue
        deps: list[str] = []
        for name in formula.names(tree):
            resolved = resolve_name(name, ref.module, ctx.refs)
            if resolved is None:
                yield ctx.finding(
                    loc,
                    msg(
                        "validate.formula_unknown",
                        kpi=ref.qualified,
                        name=name,
                        suggestion=_did_you_mean(name, ref.module, ctx),
                    ),
                    msg("validate.formula_unknown.hint"),
                    code="unknown_kpi",
                )
            elif resolved not in KEYWORDS:
                deps.append(resolved)
            else:
                scope = (
                    ref.module.kpis
                    if ref.module
                    else [k for mod in ctx.plan.modules for k in mod.kpis]
                )
                if not any(k.role == resolved for k in scope):
                    where = (
                        msg("validate.what_module_named", module=ref.module.id)
                        if ref.module
                        else msg("validate.what_the_plan")
                    )
                    yield ctx.finding(
                        loc,
                        msg(
                            "validate.formula_no_role",
                            kpi=ref.qualified,
                            role=resolved,
                            where=where,
                        ),
                        msg("validate.formula_no_role.hint", role=resolved),
                        code="unknown_kpi",
                    )
                # spend/revenue depend on every role KPI in scope
                scope_refs = [
                    r.qualified
                    for r in ctx.refs.values()
                    if r.kpi.role == resolved and (ref.module is None or r.module is ref.module)
                ]
                deps.extend(scope_refs)
        graph[ref.qualified] = deps
    yield from _cycles(ctx, graph)


def rates_added(ctx: Context) -> Iterator[Finding]:
    """A warning for a formula that adds up (or averages) two rates, `a.rate + b.rate` or
    `(a.rate + b.rate) / 2`: domain rule 2, rates are recomputed from their counts. A
    difference of two rates (`a.rate - b.rate`, a change in points) is no sum and passes."""
    for ref in ctx.refs.values():
        tree = ctx.tree(ref.qualified)
        if tree is None:
            continue  # no formula, or the formulas rule says what is wrong
        added = _rates_added(ctx, tree, ref.module)
        if added:
            yield ctx.warning(
                (*ref.loc, "formula"),
                msg(
                    "validate.rates_added",
                    kpi=ref.qualified,
                    formula=ref.kpi.formula,
                    rates=", ".join(added),
                ),
                msg("validate.rates_added.hint"),
                code="rates_added",
            )


def _rates_added(ctx: Context, node: formula.Node, module: Module | None) -> list[str]:
    """The rate KPIs that one sum in ``node`` adds with the same sign (two or more), or []."""
    if isinstance(node, formula.Negate):
        return _rates_added(ctx, node.operand, module)
    if not isinstance(node, formula.Binary):
        return []
    if node.op in "+-":
        by_sign: dict[int, list[str]] = {1: [], -1: []}
        for sign, term in formula.summands(node):
            if (rate := _rate_term(ctx, term, module)) is not None:
                by_sign[sign].append(rate)
        for rates in by_sign.values():
            if len(rates) >= 2:
                return rates
        parts = [term for _, term in formula.summands(node)]
    else:
        parts = [node.left, node.right]
    for part in parts:
        if found := _rates_added(ctx, part, module):
            return found
    return []


def _rate_term(ctx: Context, node: formula.Node, module: Module | None) -> str | None:
    """The rate KPI a summand is, alone or scaled by numbers (`a.rate`, `a.rate * 0.5`,
    `a.rate / 2`), or None."""
    if isinstance(node, formula.Negate):
        return _rate_term(ctx, node.operand, module)
    if isinstance(node, formula.Name):
        qid = resolve_name(node.name, module, ctx.refs)
        rate = qid is not None and qid not in KEYWORDS and ctx.refs[qid].kpi.is_rate
        return qid if rate else None
    if isinstance(node, formula.Binary) and node.op in "*/":
        if isinstance(node.right, formula.Number):
            return _rate_term(ctx, node.left, module)
        if node.op == "*" and isinstance(node.left, formula.Number):
            return _rate_term(ctx, node.right, module)
    return None


def _cycles(ctx: Context, graph: dict[str, list[str]]) -> Iterator[Finding]:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    reported: set[frozenset[str]] = set()
    for start in graph:
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(graph.get(start, [])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(child) == 1:
                cycle = [*path[path.index(child) :], child]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    yield ctx.finding(
                        (*ctx.refs[child].loc, "formula"),
                        msg("validate.formula_cycle", cycle=" → ".join(cycle)),
                        msg("validate.formula_cycle.hint"),
                        code="formula_cycle",
                    )
            elif not state.get(child) and child in graph:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph[child])))


# A formula's dimension: (power of money, power of counts); None for a bare number, which
# takes the dimension it is added to or multiplied with
Dimension = tuple[int, int]
RATE: Dimension = (0, 0)


class _Mixed(Exception):
    """A formula adds or subtracts values of two dimensions (money + a count)."""

    def __init__(self, left: Dimension, right: Dimension) -> None:
        self.left, self.right = left, right


def _dimension_of(ctx: Context, qid: str) -> Dimension | None:
    """A KPI's (or the keywords') dimension by its unit; None when its unit says none."""
    if qid in KEYWORDS:
        return (1, 0)  # the plan's spend or revenue
    kpi = ctx.refs[qid].kpi
    unit = (kpi.unit or "").strip()
    if not unit:
        return None
    return RATE if kpi.is_rate else unit_dimension(unit, ctx.plan.plan.currency)


def _dimension(ctx: Context, node: formula.Node, module: Module | None) -> Dimension | None:
    """The dimension of a formula's value (see Dimension); _Mixed when it adds or subtracts
    two dimensions; None when it cannot be told (a name without a unit)."""
    if isinstance(node, formula.Number):
        return None
    if isinstance(node, formula.Name):
        resolved = resolve_name(node.name, module, ctx.refs)
        if resolved is None:
            raise LookupError(node.name)  # the formulas rule says it
        return _dimension_of(ctx, resolved)
    if isinstance(node, formula.Negate):
        return _dimension(ctx, node.operand, module)
    left = _dimension(ctx, node.left, module)
    right = _dimension(ctx, node.right, module)
    if node.op in "+-":  # money with money (per order or not), the rest with the rest
        if left is not None and right is not None and left[0] != right[0]:
            raise _Mixed(left, right)
        return left if left is not None else right
    if left is None or right is None:
        if isinstance(node.left, formula.Number) or isinstance(node.right, formula.Number):
            found = left if left is not None else right
            if node.op == "/" and isinstance(node.left, formula.Number) and found is not None:
                return (-found[0], -found[1])
            return found
        raise LookupError("unit")
    sign = 1 if node.op == "*" else -1
    return (left[0] + sign * right[0], left[1] + sign * right[1])


def _dimension_text(dimension: Dimension) -> Msg:
    known = {
        (0, 0): "rate",
        (1, 0): "money",
        (0, 1): "count",
        (1, -1): "money_per",
        (-1, 1): "count_per_money",
    }
    return msg(f"validate.dimension.{known.get(dimension, 'other')}")


def formula_units(ctx: Context) -> Iterator[Finding]:
    """A formula whose units do not make its KPI's unit, by the power of money in each: money
    added to a count, a `%` that divides a count by money, a money KPI that is a count (a
    warning: units name things loosely, and a formula may mean what they do not say)."""
    for ref in ctx.refs.values():
        kpi = ref.kpi
        tree = ctx.tree(ref.qualified)
        if tree is None or not (kpi.unit or "").strip():
            continue  # no formula, or the formulas rule says what is wrong
        try:
            found = _dimension(ctx, tree, ref.module)
        except LookupError:
            continue  # a name without a unit: nothing to tell
        except _Mixed as mixed:
            yield ctx.warning(
                (*ref.loc, "formula"),
                msg(
                    "validate.formula_mixes_units",
                    kpi=ref.qualified,
                    formula=kpi.formula,
                    left=_dimension_text(mixed.left),
                    right=_dimension_text(mixed.right),
                ),
                msg("validate.formula_units.hint"),
                code="formula_units",
            )
            continue
        wanted = _dimension_of(ctx, ref.qualified)
        if found is None or wanted is None:
            continue
        # the power of money decides: what a count or money is per varies with the names
        # (CAC in 元/人, LTV in CNY: LTV / CAC is a ratio)
        if found[0] != wanted[0]:
            yield ctx.warning(
                (*ref.loc, "formula"),
                msg(
                    "validate.formula_unit_mismatch",
                    kpi=ref.qualified,
                    formula=kpi.formula,
                    unit=kpi.unit,
                    found=_dimension_text(found),
                ),
                msg("validate.formula_units.hint"),
                code="formula_units",
            )


def references(ctx: Context) -> Iterator[Finding]:
    module_ids = {m.id for m in ctx.plan.modules}
    for i, alert in enumerate(ctx.plan.alerts):
        loc: Loc = ("alerts", i)
        ref = ctx.refs.get(alert.kpi)
        if ref is None:
            yield ctx.finding(
                (*loc, "kpi"),
                msg(
                    "validate.alert_unknown_kpi",
                    kpi=alert.kpi,
                    suggestion=_did_you_mean(alert.kpi, None, ctx),
                ),
                msg("validate.alert_unknown_kpi.hint"),
                code="unknown_kpi",
            )
        conditions = alert.conditions()
        if not conditions:
            yield ctx.finding(
                loc,
                msg("validate.alert_no_condition"),
                msg("validate.alert_no_condition.hint"),
            )
        values = dict(conditions)
        if "above" in values and "below" in values and values["above"] <= values["below"]:
            # each condition fires on its own (metrics._alerts): every value is above the
            # one or below the other
            above, below = plain_number(values["above"]), plain_number(values["below"])
            yield ctx.finding(
                (*loc, "above"),
                msg("validate.alert_always", kpi=alert.kpi, above=above, below=below),
                msg("validate.alert_always.hint", above=above, below=below),
                code="alert_always",
            )
        if ref is not None:
            for name, _ in conditions:
                if (
                    name in ("below_target", "above_target", "below_pace")
                    and ref.kpi.target is None
                ):
                    yield ctx.finding(
                        (*loc, name),
                        msg("validate.alert_no_target", condition=name, kpi=alert.kpi),
                        msg("validate.alert_no_target.hint"),
                    )
                if name == "below_pace" and not _is_cumulative(ctx, alert.kpi):
                    yield ctx.finding(
                        (*loc, name),
                        msg("validate.alert_pace_on_level", kpi=alert.kpi),
                        msg("validate.alert_pace_on_level.hint"),
                    )
    for i, review in enumerate(ctx.plan.reviews):
        if review.module is not None and review.module not in module_ids:
            yield ctx.finding(
                ("reviews", i, "module"),
                msg("validate.review_unknown_module", module=review.module),
                msg("validate.use_one_of", ids=", ".join(sorted(module_ids))),
                code="unknown_module",
            )
        if review.kpi is not None and review.kpi not in ctx.refs:
            yield ctx.finding(
                ("reviews", i, "kpi"),
                msg(
                    "validate.review_unknown_kpi",
                    kpi=review.kpi,
                    suggestion=_did_you_mean(review.kpi, None, ctx),
                ),
                msg("validate.review_unknown_kpi.hint"),
                code="unknown_kpi",
            )
        reviewed = ctx.refs.get(review.kpi) if review.kpi is not None else None
        if (
            reviewed is not None
            and reviewed.module is not None
            and review.module in module_ids
            and reviewed.module.id != review.module
        ):
            yield ctx.warning(
                ("reviews", i, "kpi"),
                msg(
                    "validate.review_other_module",
                    kpi=review.kpi,
                    module=review.module,
                    kpi_module=reviewed.module.id,
                ),
                msg("validate.review_other_module.hint", kpi_module=reviewed.module.id),
                code="review_other_module",
            )
    for name, source in ctx.plan.sources.items():
        loc = ("sources", name)
        routed: list[Module] = []
        if source.module_by and not source.modules:
            yield ctx.finding(
                (*loc, "module_by"),
                msg("validate.source_without_map", source=name, column=source.module_by),
                msg("validate.source_without_map.hint"),
            )
        if source.modules and not source.module_by:
            yield ctx.finding(
                (*loc, "modules"),
                msg("validate.source_without_module_by", source=name),
                msg("validate.source_without_module_by.hint"),
            )
        if source.module is not None:
            mod = ctx.plan.module(source.module)
            if mod is None:
                yield ctx.finding(
                    (*loc, "module"),
                    msg("validate.source_unknown_module", source=name, module=source.module),
                    msg("validate.use_one_of", ids=", ".join(sorted(module_ids))),
                    code="unknown_module",
                )
            else:
                routed.append(mod)
        for value, module_id in (source.modules or {}).items():
            mod = ctx.plan.module(module_id)
            if mod is None:
                yield ctx.finding(
                    (*loc, "modules", value),
                    msg(
                        "validate.source_routes_unknown",
                        source=name,
                        value=value,
                        module=module_id,
                    ),
                    msg("validate.use_one_of", ids=", ".join(sorted(module_ids))),
                    code="unknown_module",
                )
            else:
                routed.append(mod)
        for header, kpi_id in source.columns.items():
            targets = _targets(ctx, routed, kpi_id)
            owner, dot, bare = kpi_id.rpartition(".")
            if source.module_by and source.modules and dot and kpi_id in ctx.refs:
                # each row picks its module: a module's KPI would take every row's value
                yield ctx.finding(
                    (*loc, "columns", header),
                    msg(
                        "validate.source_routed_qualified",
                        source=name,
                        column=source.module_by,
                        header=header,
                        kpi=kpi_id,
                        module=owner,
                    ),
                    msg("validate.source_routed_qualified.hint", bare=bare, module=owner),
                    code="source_routed_qualified",
                )
            if not targets:
                yield ctx.finding(
                    (*loc, "columns", header),
                    msg(
                        "validate.source_column_unknown",
                        source=name,
                        column=header,
                        kpi=kpi_id,
                        suggestion=_did_you_mean(kpi_id, routed[0] if routed else None, ctx),
                    ),
                    msg("validate.source_column_unknown.hint"),
                    code="unknown_kpi",
                )
            # one finding per column, however many routed modules it reaches
            computed = sorted({q for q in targets if ctx.refs[q].kpi.formula})
            if computed:
                yield ctx.finding(
                    (*loc, "columns", header),
                    msg(
                        "validate.source_column_formula",
                        source=name,
                        column=header,
                        kpis=", ".join(map(repr, computed)),
                        n=len(computed),
                    ),
                    msg("validate.source_column_formula.hint"),
                )


def _targets(ctx: Context, routed: list[Module], kpi_id: str) -> list[str]:
    """The qualified KPIs a source's column names: in each module it routes to, or as given."""
    if "." in kpi_id or not routed:
        return [kpi_id] if kpi_id in ctx.refs else []
    return [q for mod in routed if (q := f"{mod.id}.{kpi_id}") in ctx.refs]


def rates_by_line(ctx: Context) -> Iterator[Finding]:
    """A percent or ratio KPI that sources would store under budget lines: from a line
    column, or from sources with different fixed lines (or one with and one without). The
    store adds up a day and channel's lines, and a rate of two lines is no sum (CTR 2 % on
    search and 3 % on display is no 5 %); ingest refuses such rows, in one file or across
    files, so the plan is told before a weekly file is. A warning: lines that never share a
    day and channel are fine."""
    lines: dict[str, dict[str, str | None]] = {}  # rate KPI → source → its fixed line
    for name, source in ctx.plan.sources.items():
        routed = [
            mod
            for mid in [source.module, *(source.modules or {}).values()]
            if mid is not None and (mod := ctx.plan.module(mid)) is not None
        ]
        fixed = source.fixed.line if source.fixed else None
        for header, kpi_id in source.columns.items():
            for qid in _targets(ctx, routed, kpi_id):
                kpi = ctx.refs[qid].kpi
                if kpi.formula is not None or not kpi.is_rate:
                    continue
                if source.line is not None:
                    yield ctx.warning(
                        ("sources", name, "line"),
                        msg("validate.rate_line_column", kpi=qid, source=name, column=header,
                            line=source.line),
                        msg("validate.rate_line_column.hint", line=source.line),
                        code="rate_by_line",
                    )  # fmt: skip
                    continue
                lines.setdefault(qid, {})[name] = fixed
    for qid, by_source in sorted(lines.items()):
        if len(set(by_source.values())) > 1:
            shown = ", ".join(f"{n}: {line or '-'}" for n, line in sorted(by_source.items()))
            yield ctx.warning(
                (*ctx.refs[qid].loc, "unit"),
                msg("validate.rate_lines_of_sources", kpi=qid, sources=shown),
                msg("validate.rate_lines_of_sources.hint"),
                code="rate_by_line",
            )


def source_options(ctx: Context) -> Iterator[Finding]:
    """A source's options by the rules ingest reads files with (:mod:`mktplan.plan.sources`):
    each `scale:` a factor, `date_format:` a whole date, `encoding:` a text codec, `table:`
    from 1, and channel or line read from a column or fixed, not both."""
    for name, source in ctx.plan.sources.items():
        loc = ("sources", name)
        for header, word in (source.scale or {}).items():
            try:
                sources.scale_factor(word)
            except InvalidValue as exc:
                yield ctx.finding(
                    (*loc, "scale", header),
                    msg("validate.source_problem", source=name, why=exc.text),
                    msg("ingest.bad_scale.hint"),
                    code="invalid_source",
                )
        if source.date_format is not None and (
            problem := sources.date_format_problem(source.date_format)
        ):
            yield ctx.finding(
                (*loc, "date_format"),
                msg("validate.source_problem", source=name, why=problem),
                msg("validate.source_date_format.hint"),
                code="invalid_source",
            )
        if source.encoding is not None and (problem := sources.encoding_problem(source.encoding)):
            yield ctx.finding(
                (*loc, "encoding"),
                msg("validate.source_problem", source=name, why=problem),
                msg("ingest.unknown_encoding.hint"),
                code="invalid_source",
            )
        if problem := sources.table_problem(source.table):
            yield ctx.finding(
                (*loc, "table"),
                msg("validate.source_problem", source=name, why=problem),
                msg("validate.source_table_from_one.hint"),
                code="invalid_source",
            )
        for kind, column in sources.given_twice(source):
            yield ctx.finding(
                (*loc, "fixed", kind),
                msg("ingest.column_and_fixed", source=name, kind=kind, column=column),
                msg("ingest.column_and_fixed.hint", kind=kind),
                code="invalid_source",
            )
        fixed = source.fixed
        for kind, value in (("channel", fixed.channel), ("line", fixed.line)) if fixed else ():
            if value is not None and (size := key_text_bytes(value)) > LONGEST_KEY_TEXT:
                # the limit ingest holds an export's cells to (PostgreSQL's key index)
                yield ctx.finding(
                    (*loc, "fixed", kind),
                    msg(
                        "validate.source_problem",
                        source=name,
                        why=msg(
                            "ingest.key_text_too_long",
                            size=f"{size:,}",
                            most=LONGEST_KEY_TEXT,
                            chinese=LONGEST_KEY_TEXT // 3,
                        ),
                    ),
                    msg("validate.fixed_too_long.hint", kind=kind),
                    code="invalid_source",
                )


_DEPARTMENT = re.compile(
    r"(?:部|部门|部門|中心|团队|團隊|小组|小組|事业部|委员会|办公室)$"
    r"|\b(?:marketing|sales|team|department|dept|division|office|group|committee|agency)\b",
    re.I,
)


def owners_are_people(ctx: Context) -> Iterator[Finding]:
    """A department (市场部, Marketing) owning the plan, a module or an action: a person
    answers for it."""
    if _DEPARTMENT.search(ctx.plan.plan.owner):
        yield ctx.warning(
            ("plan", "owner"),
            msg(
                "validate.department_owner",
                what=msg("validate.what_the_plan"),
                owner=ctx.plan.plan.owner,
            ),
            msg("validate.department_owner.plan_hint"),  # the plan has no `collaborators`
            code="department_owner",
        )
    for m, module in enumerate(ctx.plan.modules):
        owned: list[tuple[Loc, str, Msg]] = [
            (
                ("modules", m, "owner"),
                module.owner,
                msg("validate.what_module_named", module=module.id),
            )
        ]
        owned += [
            (
                ("modules", m, "actions", a, "owner"),
                action.owner,
                msg("validate.what_action_named", action=action.name),
            )
            for a, action in enumerate(module.actions)
        ]
        for loc, owner, what in owned:
            if _DEPARTMENT.search(owner):
                yield ctx.warning(
                    loc,
                    msg("validate.department_owner", what=what, owner=owner),
                    msg("validate.department_owner.hint"),
                    code="department_owner",
                )


def approvals(ctx: Context) -> Iterator[Finding]:
    if not ctx.plan.plan.approvals:
        yield ctx.warning(
            ("plan",),
            msg("validate.no_approvals"),
            msg("validate.no_approvals.hint"),
            code="no_approvals",
        )


RULES: list[Rule] = [
    smart_goals,
    unique_ids,
    kpi_fields,
    reserve_share,
    status_thresholds,
    budget_overrun,
    budget_lines,
    action_budgets,
    dates_in_period,
    formulas,
    rates_added,
    formula_units,
    references,
    rates_by_line,
    source_options,
    approvals,
    owners_are_people,
    plausible.percent_targets,
    plausible.percent_like_units,
    plausible.alert_thresholds_as_fractions,
    plausible.goals_match_targets,
    plausible.approvals_before_start,
]


def check(plan: Plan, loaded: LoadedYaml) -> list[Finding]:
    ctx = Context(plan, loaded)
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(ctx))
    return findings


def checkpoints(ctx: Context) -> Iterator[Finding]:
    """Phased targets: only on cumulative KPIs with a target, inside the KPI's window, each
    a value or a share of the target, never decreasing, never above the target."""
    from mktplan.plan.cumulative import checkpoint_share, cumulative_ids

    cumulative: set[str] | None = None
    start = ctx.plan.plan.period.start
    for ref in ctx.refs.values():
        kpi = ref.kpi
        if not kpi.checkpoints:
            continue
        loc = (*ref.loc, "checkpoints")
        if cumulative is None:
            cumulative = cumulative_ids(ctx.plan, ctx.refs)
        if ref.qualified not in cumulative:
            yield ctx.finding(
                loc,
                msg("validate.checkpoints_on_level", kpi=ref.qualified),
                msg("validate.checkpoints_on_level.hint"),
                code="invalid_checkpoints",
            )
            continue
        if kpi.target is None:
            yield ctx.finding(
                loc,
                msg("validate.checkpoints_without_target", kpi=ref.qualified),
                msg("validate.checkpoints_without_target.hint"),
                code="invalid_checkpoints",
            )
            continue
        due = kpi.due or ctx.plan.plan.period.end
        previous: tuple[object, Decimal] | None = None
        written = _written_keys(ctx.loaded.at(loc))
        told_fraction = False
        for day, raw in sorted(kpi.checkpoints.items()):
            at = (*loc, written[day]) if day in written else loc
            try:
                share = checkpoint_share(raw)
            except ValueError:
                yield ctx.finding(
                    at,
                    msg("validate.checkpoint_not_number", day=day, kpi=ref.qualified, raw=raw),
                    msg("validate.checkpoint_not_number.hint"),
                    code="invalid_checkpoints",
                )
                continue
            value = Decimal(raw) if share is None else kpi.target * share / 100
            if share is None and 0 < value < 1 < kpi.target and not told_fraction:
                # 0.15 of a 6,000,000 CNY target: a share written as a fraction (15%)
                told_fraction = True
                yield ctx.warning(
                    at,
                    msg(
                        "validate.checkpoint_as_fraction",
                        day=day,
                        kpi=ref.qualified,
                        value=plain_number(value),
                        unit=kpi.unit or "",
                        target=plain_number(kpi.target),
                        meant=plain_number(value * 100),
                    ),
                    msg(
                        "validate.checkpoint_as_fraction.hint",
                        day=day,
                        meant=plain_number(value * 100),
                    ),
                    code="checkpoint_as_fraction",
                )
            if not start <= day <= due:
                yield ctx.finding(
                    at,
                    msg(
                        "validate.checkpoint_outside",
                        day=day,
                        kpi=ref.qualified,
                        start=start,
                        due=due,
                    ),
                    msg("validate.checkpoint_outside.hint"),
                    code="invalid_checkpoints",
                )
            if value < 0 or value > kpi.target:
                yield ctx.finding(
                    at,
                    msg(
                        "validate.checkpoint_out_of_range",
                        day=day,
                        kpi=ref.qualified,
                        value=f"{value.normalize():f}",
                        target=f"{kpi.target.normalize():f}",
                    ),
                    msg("validate.checkpoint_out_of_range.hint"),
                    code="invalid_checkpoints",
                )
            elif day == due and value != kpi.target:
                # the curve ends at (due, target): a different value there would be ignored
                yield ctx.finding(
                    at,
                    msg(
                        "validate.checkpoint_on_due",
                        day=day,
                        kpi=ref.qualified,
                        value=f"{value.normalize():f}",
                        target=f"{kpi.target.normalize():f}",
                    ),
                    msg("validate.checkpoint_on_due.hint"),
                    code="invalid_checkpoints",
                )
            if previous is not None and value < previous[1]:
                yield ctx.finding(
                    at,
                    msg(
                        "validate.checkpoint_decreasing",
                        day=day,
                        kpi=ref.qualified,
                        value=f"{value.normalize():f}",
                        previous_day=previous[0],
                        previous=f"{previous[1].normalize():f}",
                    ),
                    msg("validate.checkpoint_decreasing.hint"),
                    code="invalid_checkpoints",
                )
            previous = (day, value)


RULES.append(checkpoints)

# The money each budget rule reads ("*" any item, "#" the module a finding names): when the
# model refused one of these, the rule's findings are not kept, but the other budget rules
# still run (a reserve that is not a number hides no action budgets over their module's).
READS_MONEY: dict[Rule, tuple[Loc, ...]] = {
    reserve_share: (("budget", "total"), ("budget", "reserve"), ("budget", "reserve_range")),
    budget_overrun: (("budget", "total"), ("budget", "reserve"), ("modules", "*", "budget")),
    budget_lines: (("budget", "total"), ("budget", "reserve"), ("budget", "lines")),
    action_budgets: (("modules", "#", "budget"), ("modules", "#", "actions", "*", "budget")),
}

# The rules that read the plan period: when the model refused it, they are not run on the
# placeholder that stands in for it (no "after the plan started on 2000-01-01").
READS_PERIOD: frozenset[Rule] = frozenset(
    {dates_in_period, checkpoints, plausible.approvals_before_start}
)


def _written_keys(data: Any) -> dict[dt.date, str]:
    """The keys of a mapping of the plan as written (see :meth:`LoadedYaml.at`), by the date
    each names (`2024-01-06` written so), for findings that point at one checkpoint's line."""
    found: dict[dt.date, str] = {}
    for key in data if isinstance(data, dict) else ():
        try:
            found[dt.date.fromisoformat(str(key))] = str(key)
        except ValueError:
            continue
    return found


_CUMULATIVE: weakref.WeakKeyDictionary[Context, set[str]] = weakref.WeakKeyDictionary()


def _is_cumulative(ctx: Context, qid: str) -> bool:
    """Whether ``qid`` is cumulative, working the plan's cumulative KPIs out once per check."""
    from mktplan.plan.cumulative import cumulative_ids

    if ctx not in _CUMULATIVE:
        _CUMULATIVE[ctx] = cumulative_ids(ctx.plan, ctx.refs)
    return qid in _CUMULATIVE[ctx]
