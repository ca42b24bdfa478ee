"""Checks across the plan model. Each rule returns findings; every rule runs.

Rules are registered in :data:`RULES`, one function each, so a new rule is one function
and one line.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from decimal import Decimal

from mktplan.errors import Finding, Severity
from mktplan.plan import formula, plausible
from mktplan.plan.loader import LoadedYaml, Loc
from mktplan.plan.model import Module, Plan
from mktplan.plan.refs import KEYWORDS, kpi_refs, resolve_name
from mktplan.plan.vague import REWRITE_EXAMPLE, vague_reason
from mktplan.suggest import Suggester


def format_loc(loc: Loc) -> str:
    """('modules', 0, 'goal') → 'modules[0].goal'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class Context:
    def __init__(self, plan: Plan, loaded: LoadedYaml) -> None:
        self.plan = plan
        self.loaded = loaded
        self.refs = kpi_refs(plan)
        self.suggester: Suggester | None = None

    def finding(
        self,
        loc: Loc,
        message: str,
        hint: str | None = None,
        *,
        severity: Severity = Severity.ERROR,
        code: str = "invalid",
    ) -> Finding:
        mark = self.loaded.mark(loc)
        return Finding(
            message=message,
            file=self.loaded.file,
            path=format_loc(loc),
            line=mark.line if mark else None,
            column=mark.column if mark else None,
            hint=hint,
            severity=severity,
            code=code,
        )

    def warning(
        self, loc: Loc, message: str, hint: str | None = None, code: str = "warning"
    ) -> Finding:
        return self.finding(loc, message, hint, severity=Severity.WARNING, code=code)


Rule = Callable[[Context], Iterator[Finding]]


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal(0)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def smart_goals(ctx: Context) -> Iterator[Finding]:
    for m, module in enumerate(ctx.plan.modules):
        reason = vague_reason(module.goal, (k.target for k in module.kpis if k.target is not None))
        if reason:
            yield ctx.finding(
                ("modules", m, "goal"),
                f"module {module.id!r}: {reason}. A SMART goal is specific, measurable, "
                "achievable, relevant and time-bound: a metric, a number, a unit and a date",
                f"rewrite it measurably, {REWRITE_EXAMPLE}",
                code="vague_goal",
            )
        if not any(k.target is not None and k.due is not None for k in module.kpis):
            loc: Loc = ("modules", m, "kpis") if module.kpis else ("modules", m)
            yield ctx.finding(
                loc,
                f"module {module.id!r} has no KPI with a numeric target and a due date, so its "
                "goal cannot be measured",
                "give at least one KPI `target:` (a number) and `due:` (a date in the plan period)",
                code="no_measurable_kpi",
            )


def budget_sums(ctx: Context) -> Iterator[Finding]:
    budget = ctx.plan.budget
    total, reserve = budget.total, budget.reserve
    low, high = budget.reserve_range.min, budget.reserve_range.max
    if low > high:
        yield ctx.finding(
            ("budget", "reserve_range"),
            f"reserve_range min {low} % is above max {high} %",
            "swap the two bounds",
        )
    elif total > 0:
        share = reserve * 100 / total
        if not low <= share <= high:
            lo_amount, hi_amount = total * low / 100, total * high / 100
            yield ctx.finding(
                ("budget", "reserve"),
                f"the reserve is {_pct(reserve, total)} % of the total; it must be between "
                f"{low} % and {high} %",
                f"set reserve between {_money(lo_amount)} and {_money(hi_amount)} "
                f"(应急预备金 {low}–{high} %)",
                code="reserve_out_of_range",
            )
    allocated = sum((mod.budget or Decimal(0) for mod in ctx.plan.modules), Decimal(0))
    if allocated + reserve > total:
        yield ctx.finding(
            ("budget", "total"),
            f"module budgets ({_money(allocated)}) plus the reserve ({_money(reserve)}) come to "
            f"{_money(allocated + reserve)}, more than the total {_money(total)}",
            f"cut module budgets by {_money(allocated + reserve - total)} or raise the total",
            code="budget_overrun",
        )
    if budget.lines is not None:
        lines = sum(budget.lines.values(), Decimal(0))
        if lines + reserve != total:
            gap = total - reserve - lines
            yield ctx.finding(
                ("budget", "lines"),
                f"budget lines ({_money(lines)}) plus the reserve ({_money(reserve)}) come to "
                f"{_money(lines + reserve)}, not the total {_money(total)}",
                f"{'add' if gap > 0 else 'remove'} {_money(abs(gap))} across the lines",
                code="lines_mismatch",
            )
    for m, module in enumerate(ctx.plan.modules):
        planned = sum((a.budget or Decimal(0) for a in module.actions), Decimal(0))
        if module.budget is None:
            if planned > 0:
                yield ctx.finding(
                    ("modules", m, "budget"),
                    f"module {module.id!r} has no budget but its actions plan {_money(planned)}",
                    "give the module a `budget:` at least as large as its actions' budgets",
                )
            continue
        if planned > module.budget:
            yield ctx.finding(
                ("modules", m, "actions"),
                f"actions of module {module.id!r} plan {_money(planned)}, more than its budget "
                f"{_money(module.budget)}",
                f"cut action budgets by {_money(planned - module.budget)} or raise the module budget",
                code="actions_over_budget",
            )
        elif module.budget > 0 and (module.budget - planned) * 2 > module.budget:
            yield ctx.warning(
                ("modules", m, "budget"),
                f"actions of module {module.id!r} plan {_money(planned)} of its "
                f"{_money(module.budget)}; more than half the budget is unplanned",
                "add the actions the rest of the money is for, or lower the budget",
                code="budget_unplanned",
            )


def dates_in_period(ctx: Context) -> Iterator[Finding]:
    period = ctx.plan.plan.period
    start, end = period.start, period.end
    if start > end:
        yield ctx.finding(
            ("plan", "period", "end"),
            f"the plan ends ({end}) before it starts ({start})",
            "swap start and end",
        )
        return
    span = f"the plan period {start} – {end}"

    def outside(day: object) -> bool:
        return not (start <= day <= end)  # type: ignore[operator]

    for ref in ctx.refs.values():
        if ref.kpi.due is not None and outside(ref.kpi.due):
            yield ctx.finding(
                (*ref.loc, "due"),
                f"KPI {ref.qualified!r} is due {ref.kpi.due}, outside {span}",
                f"set a due date between {start} and {end}",
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
                        f"action {action.name!r} {name}s {day}, outside {span}",
                        f"move it between {start} and {end}",
                        code="date_outside_period",
                    )
            if action.start > action.end:
                yield ctx.finding(
                    (*loc, "end"),
                    f"action {action.name!r} ends ({action.end}) before it starts ({action.start})",
                    "swap start and end",
                )
            if action.finished is not None and action.finished < action.start:
                yield ctx.finding(
                    (*loc, "finished"),
                    f"action {action.name!r} finished ({action.finished}) before it started "
                    f"({action.start})",
                    "check the actual finish date",
                )
    for i, milestone in enumerate(ctx.plan.plan.milestones):
        if outside(milestone.date):
            yield ctx.finding(
                ("plan", "milestones", i, "date"),
                f"milestone {milestone.name!r} on {milestone.date} is outside {span}",
                f"move it between {start} and {end}",
                code="date_outside_period",
            )
    for i, review in enumerate(ctx.plan.reviews):
        if outside(review.date):
            yield ctx.finding(
                ("reviews", i, "date"),
                f"review of {review.date} is outside {span}",
                f"date it between {start} and {end}",
                code="date_outside_period",
            )
    for i, approval in enumerate(ctx.plan.plan.approvals):
        if approval.date > end:
            yield ctx.finding(
                ("plan", "approvals", i, "date"),
                f"approval by {approval.name} is dated {approval.date}, after the plan ends",
                "an approval comes before or during the plan",
            )


def unique_ids(ctx: Context) -> Iterator[Finding]:
    def dupes(ids: list[str], base: Loc, what: str) -> Iterator[Finding]:
        seen: dict[str, int] = {}
        for i, kid in enumerate(ids):
            if kid in seen:
                yield ctx.finding(
                    (*base, i, "id"),
                    f"{what} id {kid!r} is used twice (first at {format_loc((*base, seen[kid]))})",
                    "ids must be unique; rename one of them",
                    code="duplicate_id",
                )
            else:
                seen[kid] = i

    yield from dupes([m.id for m in ctx.plan.modules], ("modules",), "module")
    yield from dupes([k.id for k in ctx.plan.kpis], ("kpis",), "plan-level KPI")
    for m, module in enumerate(ctx.plan.modules):
        yield from dupes([k.id for k in module.kpis], ("modules", m, "kpis"), f"{module.id} KPI")


def kpi_fields(ctx: Context) -> Iterator[Finding]:
    for ref in ctx.refs.values():
        kpi = ref.kpi
        if kpi.formula is None:
            if not (kpi.unit or "").strip():
                yield ctx.finding(
                    ref.loc,
                    f"KPI {ref.qualified!r} has no unit",
                    'add `unit:` such as count, CNY or "%"',
                    code="missing_unit",
                )
            if not (kpi.source or "").strip():
                yield ctx.finding(
                    ref.loc,
                    f"KPI {ref.qualified!r} has no data source (数据来源)",
                    "add `source:` naming the system or sheet its numbers come from",
                    code="missing_source",
                )
        if kpi.weight is not None:
            target = resolve_name(kpi.weight, ref.module, ctx.refs)
            if target is not None and target not in KEYWORDS and ctx.refs[target].kpi.formula:
                yield ctx.finding(
                    (*ref.loc, "weight"),
                    f"KPI {ref.qualified!r} is weighted by {kpi.weight!r}, a formula KPI: "
                    "weights come from stored rows, and formula KPIs have none",
                    "weight by a measured KPI exported in the same rows (e.g. impressions)",
                    code="unknown_kpi",
                )
            elif target is None or target in KEYWORDS:
                yield ctx.finding(
                    (*ref.loc, "weight"),
                    f"KPI {ref.qualified!r} is weighted by {kpi.weight!r}, which is not a KPI"
                    + _did_you_mean(kpi.weight, ref.module, ctx),
                    "name a KPI of the same module (or `module.kpi`) whose values weight the mean",
                    code="unknown_kpi",
                )
            if kpi.aggregation != "mean":
                yield ctx.finding(
                    (*ref.loc, "weight"),
                    f"KPI {ref.qualified!r} has a weight but aggregation {kpi.aggregation!r}",
                    "a weight applies to `aggregation: mean` only",
                )
        if kpi.target is not None and kpi.baseline not in (None, Decimal(0)):
            assert kpi.baseline is not None
            if abs(kpi.target) > abs(kpi.baseline) * 10:
                yield ctx.warning(
                    (*ref.loc, "target"),
                    f"KPI {ref.qualified!r} targets {kpi.target}, more than 10× its baseline "
                    f"{kpi.baseline}",
                    "check for a slipped digit; an achievable target is part of SMART",
                    code="target_far_from_baseline",
                )


def _did_you_mean(name: str, module: Module | None, ctx: Context) -> str:
    if ctx.suggester is None:  # built on first use: most plans have no unknown id
        ctx.suggester = Suggester(ctx.refs)
    close = ctx.suggester.suggest(name)
    if module is not None:  # the module's own bare ids are candidates too
        local = Suggester(k.id for k in module.kpis).suggest(name)
        if local and (not close or _similarity(name, local[0]) > _similarity(name, close[0])):
            close = local
    return f"; did you mean {close[0]!r}?" if close else ""


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
                f"KPI {ref.qualified!r}: formula {text!r}: {exc}",
                "a formula uses KPI ids, numbers, spend, revenue, + - * / and parentheses",
                code="bad_formula",
            )
            continue
        deps: list[str] = []
        for name in formula.names(tree):
            resolved = resolve_name(name, ref.module, ctx.refs)
            if resolved is None:
                yield ctx.finding(
                    loc,
                    f"KPI {ref.qualified!r}: formula refers to {name!r}, which is not a KPI"
                    + _did_you_mean(name, ref.module, ctx),
                    "use a KPI id of this module, `module.kpi`, a plan-level id, spend or revenue",
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
                    where = f"module {ref.module.id!r}" if ref.module else "the plan"
                    yield ctx.finding(
                        loc,
                        f"KPI {ref.qualified!r}: formula uses {resolved!r} but {where} has no KPI "
                        f"with role: {resolved}",
                        f"mark the KPI that records it with `role: {resolved}`",
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
                        "formulas refer to each other in a circle: " + " → ".join(cycle),
                        "one KPI of the circle must be measured, not computed",
                        code="formula_cycle",
                    )
            elif not state.get(child) and child in graph:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph[child])))


def references(ctx: Context) -> Iterator[Finding]:
    module_ids = {m.id for m in ctx.plan.modules}
    for i, alert in enumerate(ctx.plan.alerts):
        loc: Loc = ("alerts", i)
        ref = ctx.refs.get(alert.kpi)
        if ref is None:
            yield ctx.finding(
                (*loc, "kpi"),
                f"alert refers to KPI {alert.kpi!r}, which does not exist"
                + _did_you_mean(alert.kpi, None, ctx),
                "name the KPI as `module.kpi`, or by its bare id at plan level",
                code="unknown_kpi",
            )
        conditions = alert.conditions()
        if not conditions:
            yield ctx.finding(
                loc,
                "alert has no condition",
                "add one of below_target, above_target, below_pace (percent) or above, below (value)",
            )
        if ref is not None:
            for name, _ in conditions:
                if (
                    name in ("below_target", "above_target", "below_pace")
                    and ref.kpi.target is None
                ):
                    yield ctx.finding(
                        (*loc, name),
                        f"alert {name} on {alert.kpi!r}, which has no target",
                        "give the KPI a target, or use `above:`/`below:` with a value",
                    )
                if name == "below_pace" and not _is_cumulative(ctx, alert.kpi):
                    yield ctx.finding(
                        (*loc, name),
                        f"alert below_pace on {alert.kpi!r}: a level has no pace line (its "
                        "pace is its attainment)",
                        "use below_target for levels, rates and ratio formulas; below_pace "
                        "fits KPIs that add up (sum, or formulas adding such KPIs)",
                    )
    for i, review in enumerate(ctx.plan.reviews):
        if review.module is not None and review.module not in module_ids:
            yield ctx.finding(
                ("reviews", i, "module"),
                f"review refers to module {review.module!r}, which does not exist",
                f"use one of: {', '.join(sorted(module_ids))}",
                code="unknown_module",
            )
        if review.kpi is not None and review.kpi not in ctx.refs:
            yield ctx.finding(
                ("reviews", i, "kpi"),
                f"review refers to KPI {review.kpi!r}, which does not exist"
                + _did_you_mean(review.kpi, None, ctx),
                "name the KPI as `module.kpi`",
                code="unknown_kpi",
            )
    for name, source in ctx.plan.sources.items():
        loc = ("sources", name)
        routed: list[Module] = []
        if source.module_by and not source.modules:
            yield ctx.finding(
                (*loc, "module_by"),
                f"source {name!r} routes rows by {source.module_by!r} but has no `modules:` map",
                "add `modules: {cell value: module id}`",
            )
        if source.modules and not source.module_by:
            yield ctx.finding(
                (*loc, "modules"),
                f"source {name!r} has a `modules:` map but no `module_by:` column",
                "name the column whose value picks the module",
            )
        if source.module is not None:
            mod = ctx.plan.module(source.module)
            if mod is None:
                yield ctx.finding(
                    (*loc, "module"),
                    f"source {name!r}: module {source.module!r} does not exist",
                    f"use one of: {', '.join(sorted(module_ids))}",
                    code="unknown_module",
                )
            else:
                routed.append(mod)
        for value, module_id in (source.modules or {}).items():
            mod = ctx.plan.module(module_id)
            if mod is None:
                yield ctx.finding(
                    (*loc, "modules", value),
                    f"source {name!r} routes {value!r} to module {module_id!r}, which does not exist",
                    f"use one of: {', '.join(sorted(module_ids))}",
                    code="unknown_module",
                )
            else:
                routed.append(mod)
        for header, kpi_id in source.columns.items():
            if "." in kpi_id or not routed:
                targets = [kpi_id] if kpi_id in ctx.refs else []
            else:
                targets = [q for mod in routed if (q := f"{mod.id}.{kpi_id}") in ctx.refs]
            if not targets:
                yield ctx.finding(
                    (*loc, "columns", header),
                    f"source {name!r} maps column {header!r} to {kpi_id!r}, which is not a KPI"
                    + _did_you_mean(kpi_id, routed[0] if routed else None, ctx),
                    "map to a KPI id of the routed modules, or `module.kpi`",
                    code="unknown_kpi",
                )
            # one finding per column, however many routed modules it reaches
            computed = sorted({q for q in targets if ctx.refs[q].kpi.formula})
            if computed:
                yield ctx.finding(
                    (*loc, "columns", header),
                    f"source {name!r} maps column {header!r} to "
                    f"{' and '.join(map(repr, computed))}, "
                    f"{'a formula KPI' if len(computed) == 1 else 'formula KPIs'}",
                    "formula KPIs are computed from their inputs; map the inputs instead",
                )


_DEPARTMENT = re.compile(
    r"(?:部|部门|部門|中心|团队|團隊|小组|小組|事业部|委员会|办公室)$"
    r"|\b(?:marketing|sales|team|department|dept|division|office|group|committee|agency)\b",
    re.I,
)


def owners_are_people(ctx: Context) -> Iterator[Finding]:
    """A department (市场部, Marketing) owning a module or an action: a person answers for it."""
    for m, module in enumerate(ctx.plan.modules):
        owned: list[tuple[Loc, str, str]] = [
            (("modules", m, "owner"), module.owner, f"module {module.id!r}")
        ]
        owned += [
            (("modules", m, "actions", a, "owner"), action.owner, f"action {action.name!r}")
            for a, action in enumerate(module.actions)
        ]
        for loc, owner, what in owned:
            if _DEPARTMENT.search(owner):
                yield ctx.warning(
                    loc,
                    f"{what} is owned by {owner!r}, which looks like a department or team, not a "
                    "person",
                    "name the one person who answers for it (负责人); list the team under "
                    "`collaborators`",
                    code="department_owner",
                )


def approvals(ctx: Context) -> Iterator[Finding]:
    if not ctx.plan.plan.approvals:
        yield ctx.warning(
            ("plan",),
            "the plan has no approvals (审批); it has not been signed off",
            "add `approvals:` with role, name and date for the department head and management",
            code="no_approvals",
        )


RULES: list[Rule] = [
    smart_goals,
    unique_ids,
    kpi_fields,
    budget_sums,
    dates_in_period,
    formulas,
    references,
    approvals,
    owners_are_people,
    plausible.percent_targets,
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
                f"KPI {ref.qualified!r} has checkpoints but is a level, not cumulative",
                "checkpoints phase a target that adds up over time: a KPI with aggregation "
                "sum, or a formula that only adds or subtracts such KPIs; drop them here",
                code="invalid_checkpoints",
            )
            continue
        if kpi.target is None:
            yield ctx.finding(
                loc,
                f"KPI {ref.qualified!r} has checkpoints but no target",
                "add `target:`; checkpoints are steps towards it",
                code="invalid_checkpoints",
            )
            continue
        due = kpi.due or ctx.plan.plan.period.end
        previous: tuple[object, Decimal] | None = None
        for day, raw in sorted(kpi.checkpoints.items()):
            try:
                share = checkpoint_share(raw)
            except ValueError:
                yield ctx.finding(
                    loc,
                    f"checkpoint {day} of KPI {ref.qualified!r} is {raw!r}, neither a number "
                    "nor a share of the target",
                    "write a cumulative value (150000) or a share of the target (15%)",
                    code="invalid_checkpoints",
                )
                continue
            value = Decimal(raw) if share is None else kpi.target * share / 100
            if not start <= day <= due:
                yield ctx.finding(
                    loc,
                    f"checkpoint {day} of KPI {ref.qualified!r} lies outside its window "
                    f"{start} … {due}",
                    "date checkpoints between the plan start and the KPI's due date",
                    code="invalid_checkpoints",
                )
            if value < 0 or value > kpi.target:
                yield ctx.finding(
                    loc,
                    f"checkpoint {day} of KPI {ref.qualified!r} is {value.normalize():f}, "
                    f"outside 0 … the target {kpi.target.normalize():f}",
                    "a checkpoint is the cumulative value planned by that date, at most the "
                    "target (at most 100%)",
                    code="invalid_checkpoints",
                )
            if previous is not None and value < previous[1]:
                yield ctx.finding(
                    loc,
                    f"checkpoint {day} of KPI {ref.qualified!r} ({value.normalize():f}) is "
                    f"below the one of {previous[0]} ({previous[1].normalize():f})",
                    "checkpoints are cumulative: each is at least the one before it",
                    code="invalid_checkpoints",
                )
            previous = (day, value)


RULES.append(checkpoints)


_CUMULATIVE: weakref.WeakKeyDictionary[Context, set[str]] = weakref.WeakKeyDictionary()


def _is_cumulative(ctx: Context, qid: str) -> bool:
    """Whether ``qid`` is cumulative, working the plan's cumulative KPIs out once per check."""
    from mktplan.plan.cumulative import cumulative_ids

    if ctx not in _CUMULATIVE:
        _CUMULATIVE[ctx] = cumulative_ids(ctx.plan, ctx.refs)
    return qid in _CUMULATIVE[ctx]
