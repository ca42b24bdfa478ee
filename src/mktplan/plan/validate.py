"""Load a plan file and check it: (plan or None, findings), never an exception."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from mktplan.errors import Finding, MktplanError, Severity
from mktplan.plan import rules
from mktplan.plan.cache import load_plan
from mktplan.plan.loader import LoadedYaml, Loc, load_yaml_file
from mktplan.plan.model import Plan
from mktplan.plan.partial import error_loc, model_at, partial_findings
from mktplan.suggest import Suggester


@dataclass(frozen=True)
class PlanCheck:
    """The outcome of loading and checking one plan file."""

    file: str
    plan: Plan | None
    findings: list[Finding] = field(default_factory=list)
    loaded: LoadedYaml | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        return self.plan is not None and not self.errors


_FIELD_HINTS = {
    "owner": "name exactly one accountable person (负责人); list others under `collaborators`",
    "goal": "state the module's SMART goal: metric, number, unit and date",
    "due": "a date in the plan period, written YYYY-MM-DD",
    "date": "a date written YYYY-MM-DD",
    "start": "a date written YYYY-MM-DD",
    "end": "a date written YYYY-MM-DD",
}


_RATIO = re.compile(r"\s*(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)\s*")
_SCALED = re.compile(
    r"\s*([-+]?\d+(?:\.\d+)?)\s*(万|萬|亿|億|千|百万|百萬|k|K|w|W)\s*(?:元|块|人|次|单|個|个)?\s*"
)
_SCALES = {
    "千": 1_000, "k": 1_000, "K": 1_000, "万": 10_000, "萬": 10_000, "w": 10_000, "W": 10_000,
    "百万": 1_000_000, "百萬": 1_000_000, "亿": 100_000_000, "億": 100_000_000,
}  # fmt: skip
_PERCENT = re.compile(r"\s*([-+]?\d+(?:\.\d+)?)\s*[%％]\s*")
_GROUPED = re.compile(
    r"\s*[¥￥$€£]?\s*([-+]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?)\s*"
)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _shown(value: object) -> str:
    """A value as the plan wrote it: numbers plain (12.5, 1E+27), text quoted."""
    return str(value) if isinstance(value, Decimal) else repr(value)


def number_hint(value: object) -> str:
    """How to write ``value`` (text a person meant as a number) as the number mktplan reads."""
    generic = "write a plain number such as 35000 or 12.5, without units or thousands commas"
    if not isinstance(value, str):
        return generic
    if ratio := _RATIO.fullmatch(value):
        left, right = Decimal(ratio[1]), Decimal(ratio[2])
        if left == 1:
            return (
                f"ROI targets are written as the return per 1 spent: write {_plain(right)} "
                f"for {value.strip()} (a plain number, no colon)"
            )
        if left:
            per_one = _plain((right / left).quantize(Decimal("0.0001")))
            return f"write the ratio {value.strip()} as one number: {per_one} (1:{per_one})"
    if scaled := _SCALED.fullmatch(value):
        number = Decimal(scaled[1]) * _SCALES[scaled[2]]
        return (
            f"write {_plain(number)} for {value.strip()}: numbers are written out in full, "
            "and the unit belongs in the KPI's `unit:`"
        )
    if percent := _PERCENT.fullmatch(value):
        return (
            f"write {_plain(Decimal(percent[1]))} for {value.strip()}: a KPI with "
            '`unit: "%"` counts in percent points'
        )
    if grouped := _GROUPED.fullmatch(value):
        number = Decimal(grouped[1].replace(",", "").replace("，", ""))
        return f"write {_plain(number)}: no currency sign and no thousands separators"
    return generic


def _pydantic_findings(exc: ValidationError, loaded: LoadedYaml) -> list[Finding]:
    findings: list[Finding] = []
    errors = exc.errors(include_url=False)
    # A typo (`ownr:`) is one mistake, not two: drop the "missing owner" it causes.
    renamed: set[Loc] = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
            model = model_at(loc[:-1])
            close = Suggester(model.model_fields).suggest(str(loc[-1])) if model else []
            key = str(loc[-1]).partition(":")[0]  # `id:visitors` is `id` without its space
            if model and key in model.model_fields:
                close = [key]
            if close:
                renamed.add((*loc[:-1], close[0]))
    for error in errors:
        loc = error_loc(error)
        if error["type"] == "missing" and loc in renamed:
            continue
        kind = error["type"]
        field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        hint = _FIELD_HINTS.get(field_name)
        value = error.get("input")
        if kind == "extra_forbidden":
            model = model_at(loc[:-1])
            known = sorted(model.model_fields) if model else []
            close = Suggester(known).suggest(str(field_name))
            message = f"unknown field {field_name!r}"
            key, colon, rest = str(field_name).partition(":")
            if colon and rest and not rest.startswith(" ") and value is None:
                message += ": a missing space after the colon makes `key:value` one piece of text"
                close, hint = [], f"write it with a space after the colon: `{key}: {rest}`"
            elif close:
                message += f"; did you mean {close[0]!r}?"
                hint = f"rename it to {close[0]!r}"
            else:
                hint = f"known fields here: {', '.join(known)}" if known else None
        elif kind == "missing":
            message = f"missing required field {field_name!r}"
            parent = rules.format_loc(loc[:-1]) or "the top level"
            hint = hint or f"add `{field_name}:` under {parent}; see docs/plan-format.md"
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            message = f"{_shown(value)} is not allowed for {field_name!r}"
            hint = f"use one of {expected}"
        elif kind.startswith(("date_", "datetime_")):
            reason = str(error["msg"]).partition(", ")[2]
            message = f"{_shown(value)} is not a valid date for {field_name!r}" + (
                f" ({reason})" if reason else ""
            )
            hint = "write dates as YYYY-MM-DD, e.g. 2024-06-20, a day that exists in the calendar"
        elif kind == "finite_number":
            message = f"{_shown(value)} is not a finite number for {field_name!r}"
            hint = "write a plain number such as 35000 or 12.5"
        elif kind.startswith("decimal_") or kind in ("float_parsing", "int_parsing", "float_type"):
            message = f"{_shown(value)} is not a number for {field_name!r}"
            hint = number_hint(value)
        elif kind == "string_pattern_mismatch":
            message = f"{_shown(value)} is not a valid {field_name!r}"
            hint = (
                "ids use letters, digits and underscores and start with a letter, e.g. online_sales"
            )
        elif kind == "out_of_range":
            message = str(error["msg"])
            hint = str(error.get("ctx", {}).get("hint", "")) or None
        elif kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
        elif kind in ("model_type", "dict_type"):
            message = f"{field_name or 'the plan'!r} must be a mapping of fields, not {type(value).__name__}"
            hint = hint or "write `key: value` pairs, indented under this field"
        elif kind == "list_type":
            message = f"{field_name!r} must be a list"
            hint = "write each item on its own line starting with '- '"
        else:
            message = f"{field_name!r}: {error['msg']}" if field_name else error["msg"]
        mark = loaded.mark(loc)
        findings.append(
            Finding(
                message=message,
                file=loaded.file,
                path=rules.format_loc(loc),
                line=mark.line if mark else None,
                column=mark.column if mark else None,
                hint=hint,
                code=kind,
            )
        )
    return findings


def _reading_order(finding: Finding) -> tuple[int, int]:
    return (finding.line or 0, finding.column or 0)


def check_plan_file(path: Path, data: bytes | None = None) -> PlanCheck:
    """Load and check one plan file (or ``data``, its bytes already read). All problems come
    back as findings."""
    name = str(path)
    try:
        loaded = load_yaml_file(path, data)
    except MktplanError as exc:
        return PlanCheck(name, None, [exc.as_finding()])
    if not isinstance(loaded.data, dict):
        return PlanCheck(
            name,
            None,
            [
                Finding(
                    "the plan must be a YAML mapping with plan:, budget: and modules:",
                    file=name,
                    line=1,
                    hint="start from `mktplan init plan.yaml` for a commented example",
                )
            ],
            loaded,
        )
    try:
        plan = Plan.model_validate(loaded.data)
    except ValidationError as exc:
        # every problem at once: the rules still run on the parts that did parse
        errors = exc.errors(include_url=False)
        findings = _pydantic_findings(exc, loaded) + partial_findings(loaded.data, errors, loaded)
        return PlanCheck(name, None, sorted(findings, key=_reading_order), loaded)
    return PlanCheck(name, plan, rules.check(plan, loaded), loaded)


__all__ = ["PlanCheck", "check_plan_file", "load_plan"]
