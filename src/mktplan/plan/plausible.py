"""Plausibility warnings: plans that are valid but probably not what was meant.

Warnings only (exit 0 unless ``validate --strict``): a percent target written as a fraction,
a goal whose numbers match none of its module's KPI targets, an approval dated after the
plan started.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from typing import TYPE_CHECKING

from mktplan.errors import Finding
from mktplan.i18n import msg
from mktplan.plan.model import Module
from mktplan.plan.vague import PASSED_FIGURE, strip_dates, strip_names, vague_message
from mktplan.vocab import folded, plain_number

if TYPE_CHECKING:
    from mktplan.plan.rules import Context

_SCALES = {
    "万": Decimal(10_000), "萬": Decimal(10_000), "亿": Decimal(10) ** 8, "億": Decimal(10) ** 8,
    "千": Decimal(1_000), "k": Decimal(1_000), "thousand": Decimal(1_000),
    "million": Decimal(10) ** 6, "m": Decimal(10) ** 6, "mn": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9,
}  # fmt: skip
_QUANTITY = re.compile(
    r"(\d+(?:[,，]\d{3})*(?:\.\d+)?)\s*(万|萬|亿|億|千|thousand|million|billion|mn|bn|m|k)?"
    r"(?![a-z])\s*([%％])?",
    re.I,
)
_DIGIT_SCALES = {
    "": 1, "十": 10, "百": 100, "千": 1_000, "万": 10_000, "萬": 10_000,
    "亿": 10**8, "億": 10**8,
}  # fmt: skip
TOLERANCE = Decimal("0.005")  # "1.3 million" for 1,296,000 is the same number


def goal_numbers(goal: str) -> list[Decimal]:
    """The quantities a goal names, in units: "70 万元" is 700000, "1.6 万" 16000, "5 %" 5.
    破亿 is 100000000, 过万 10000. Dates, event names (by 31 July 2023, 双11) and names with
    digits (B2B, 5G) are not quantities."""
    numbers: list[Decimal] = []
    text = strip_names(strip_dates(goal))
    for match in _QUANTITY.finditer(text):
        try:
            value = Decimal(match[1].replace(",", "").replace("，", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits digits only
            continue
        scale = _SCALES.get((match[2] or "").lower(), Decimal(1))
        numbers.append(value * scale)
    for passed in PASSED_FIGURE.finditer(text):
        if passed[2]:  # 破千万: 千 times 万
            numbers.append(Decimal(_DIGIT_SCALES[passed[1]] * _DIGIT_SCALES[passed[2]]))
        else:
            numbers.append(Decimal(_DIGIT_SCALES[passed[3]]))
    return numbers


def _module_targets(module: Module) -> list[Decimal]:
    """The numbers a goal may name for this module: each KPI's target, and its change over
    the baseline in percent ("+30 %" for 1,300,000 over 1,000,000) and in units ("增加 30
    万元", 300,000)."""
    found: list[Decimal] = []
    for kpi in module.kpis:
        if kpi.target is None:
            continue
        found.append(kpi.target)
        if kpi.baseline:
            found.append(abs(kpi.target - kpi.baseline) * 100 / abs(kpi.baseline))
        if kpi.baseline is not None and kpi.target != kpi.baseline:
            found.append(abs(kpi.target - kpi.baseline))
    return found


def _rounded(number: Decimal) -> str:
    """A number a goal says, to the cent (goals write 1.5 million, not 1,500,000.004)."""
    return f"{number.quantize(Decimal('0.01')).normalize():f}"


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def goals_match_targets(ctx: Context) -> Iterator[Finding]:
    for m, module in enumerate(ctx.plan.modules):
        said = goal_numbers(module.goal)
        targets = _module_targets(module)
        if not said or not targets:
            continue  # a goal without numbers is the SMART rule's finding
        if vague_message(module.goal, targets) is not None:
            continue  # refused as not measurable: its numbers are no target to compare
        if not any(_close(number, target) for number in said for target in targets):
            shown = ", ".join(_rounded(t) for t in targets[:5])
            yield ctx.warning(
                ("modules", m, "goal"),
                msg(
                    "validate.goal_target_mismatch",
                    module=module.id,
                    said=", ".join(_rounded(n) for n in said),
                    targets=shown,
                ),
                msg("validate.goal_target_mismatch.hint"),
                code="goal_target_mismatch",
            )


def percent_targets(ctx: Context) -> Iterator[Finding]:
    for ref in ctx.refs.values():
        target = ref.kpi.target
        if ref.kpi.is_percent and target is not None and 0 < target < 1:
            yield ctx.warning(
                (*ref.loc, "target"),
                msg(
                    "validate.percent_as_fraction",
                    kpi=ref.qualified,
                    target=plain_number(target),
                    meant=plain_number(target * 100),
                ),
                msg("validate.percent_as_fraction.hint", meant=plain_number(target * 100)),
                code="percent_as_fraction",
            )


# what a unit says when its writer meant percent, though it is none of the percent spellings
_PERCENT_LIKE = re.compile(r"[%％]|percent(?!ile)|pct|百分")
_PERCENT_WORDS = ("percent", "percentage", "pct")


def percent_like_units(ctx: Context) -> Iterator[Finding]:
    """A unit that looks like percent but is not read as one (`percnt`, `% of users`,
    `百分数值`): its values are plain numbers, and a rate formula's 0.04 stays 0.04."""
    for ref in ctx.refs.values():
        unit = (ref.kpi.unit or "").strip()
        if not unit or ref.kpi.is_rate:
            continue
        word = folded(unit)
        if _PERCENT_LIKE.search(word) or get_close_matches(word, _PERCENT_WORDS, cutoff=0.75):
            yield ctx.warning(
                (*ref.loc, "unit"),
                msg("validate.unit_like_percent", kpi=ref.qualified, unit=unit),
                msg("validate.unit_like_percent.hint"),
                code="unit_like_percent",
            )


_ALERT_PERCENTS = ("below_target", "above_target", "below_pace")


def alert_thresholds_as_fractions(ctx: Context) -> Iterator[Finding]:
    """An alert threshold in percent points written as a fraction (`below_target: 0.3` for
    30 %), as :func:`percent_targets` tells a KPI target; `0.3%` written so is meant."""
    for i, alert in enumerate(ctx.plan.alerts):
        for condition in _ALERT_PERCENTS:
            value = getattr(alert, condition)
            if value is None or not 0 < value < 1:
                continue
            written = ctx.loaded.at(("alerts", i, condition))
            if isinstance(written, str) and written.strip().endswith(("%", "％")):
                continue
            yield ctx.warning(
                ("alerts", i, condition),
                msg(
                    "validate.alert_percent_as_fraction",
                    condition=condition,
                    kpi=alert.kpi,
                    value=plain_number(value),
                    meant=plain_number(value * 100),
                ),
                msg(
                    "validate.alert_percent_as_fraction.hint",
                    value=plain_number(value),
                    meant=plain_number(value * 100),
                ),
                code="alert_percent_as_fraction",
            )


def approvals_before_start(ctx: Context) -> Iterator[Finding]:
    period = ctx.plan.plan.period
    for i, approval in enumerate(ctx.plan.plan.approvals):
        if period.start < approval.date <= period.end:
            yield ctx.warning(
                ("plan", "approvals", i, "date"),
                msg(
                    "validate.late_approval",
                    name=approval.name,
                    date=approval.date,
                    start=period.start,
                ),
                msg("validate.late_approval.hint"),
                code="late_approval",
            )
