"""Load a plan file and check it: (plan or None, findings), never an exception."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mktplan.errors import Finding, InvalidValue, MktplanError, Severity
from mktplan.i18n import Msg, msg
from mktplan.plan import rules
from mktplan.plan.cache import load_plan
from mktplan.plan.loader import LoadedYaml, Loc, load_yaml_file
from mktplan.plan.model import Plan
from mktplan.plan.partial import (
    KEY,
    error_loc,
    model_at,
    partial_findings,
    union_member_at,
)
from mktplan.suggest import Suggester
from mktplan.vocab import currency_of, plain_number


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
    "owner": "validate.hint_owner",
    "goal": "validate.hint_goal",
    "due": "validate.hint_due",
    "date": "validate.hint_date",
    "start": "validate.hint_date",
    "end": "validate.hint_date",
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


def _shown(value: object) -> str:
    """A value as the plan wrote it: numbers plain (12.5, 1E+27), text quoted, null, true."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, Decimal) else repr(value)


def number_message(value: object) -> Msg:
    """How to write ``value`` (text a person meant as a number) as the number mktplan reads."""
    generic = msg("validate.hint_plain_number")
    if not isinstance(value, str):
        return generic
    written = value.strip()
    if ratio := _RATIO.fullmatch(value):
        left, right = Decimal(ratio[1]), Decimal(ratio[2])
        if left == 1:
            return msg("validate.hint_roi", number=plain_number(right), written=written)
        if left:
            per_one = plain_number((right / left).quantize(Decimal("0.0001")))
            return msg("validate.hint_ratio", number=per_one, written=written)
    if scaled := _SCALED.fullmatch(value):
        number = Decimal(scaled[1]) * _SCALES[scaled[2]]
        return msg("validate.hint_scaled", number=plain_number(number), written=written)
    if percent := _PERCENT.fullmatch(value):
        return msg(
            "validate.hint_percent", number=plain_number(Decimal(percent[1])), written=written
        )
    if grouped := _GROUPED.fullmatch(value):
        number = Decimal(grouped[1].replace(",", "").replace("，", ""))
        return msg("validate.hint_grouped", number=plain_number(number))
    return generic


def number_hint(value: object) -> str:
    """:func:`number_message` in English."""
    return number_message(value).render("en")


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
    # A value that fits none of a union's types fails once per type: one finding says so.
    members: dict[Loc, list[str]] = {}
    for error in errors:
        raw = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
        cut = union_member_at(raw)
        if cut is not None:
            members.setdefault(raw[:cut], []).append(str(raw[cut]))
    for error in errors:
        loc = error_loc(error)
        if error["type"] == "missing" and loc in renamed:
            continue
        kind = error["type"]
        message: Msg | str
        hint: Msg | str | None
        if error["loc"][-1] == KEY or kind == "invalid_key":  # a refused key, by its mapping
            message, hint = _explain_key(error, loc)
        elif loc in members:
            tags = members[loc]
            if not tags:
                continue  # told already, with the union's first error
            value = error.get("input")
            message, hint = _fits_no_type(value, loc, tags, loaded.written(loc, value))
            members[loc] = []
            kind = "invalid_type"
        else:
            written = loaded.written(loc, error.get("input"))
            total = _budget_total(loaded.at(("budget", "total")))
            message, hint = _explain(error, loc, written, total)
        mark = loaded.mark(loc)
        findings.append(
            Finding.of(
                message,
                hint,
                file=loaded.file,
                path=rules.format_loc(loc),
                line=mark.line if mark else None,
                column=mark.column if mark else None,
                code=kind,
            )
        )
    return findings


def _budget_total(total: object) -> Decimal | None:
    """The plan's budget total as written, when it is a number: what a percentage of it is."""
    if isinstance(total, bool) or not isinstance(total, int | float | Decimal):
        return None
    value = Decimal(str(total))
    return value if value.is_finite() and value > 0 else None


# the kind of value each union member pydantic tags an error with stands for
_MEMBER_KINDS = {
    "decimal": "validate.kind_number",
    "float": "validate.kind_number",
    "int": "validate.kind_whole_number",
    "str": "validate.kind_text",
    "constrained-str": "validate.kind_text",
    "date": "validate.kind_date",
}
# what to write instead, by the field holding the union
_UNION_HINTS = {"table": "validate.source_table_from_one.hint", "scale": "ingest.bad_scale.hint"}


_as_yaml = _shown


def _fits_no_type(
    value: object, loc: Loc, tags: list[str], written: str | None = None
) -> tuple[Msg, Msg | None]:
    """The one finding for a value that fits none of a union's types (tagged ``tags``);
    ``written``: the value as the plan wrote it, when known."""
    kinds = list(dict.fromkeys(msg(_MEMBER_KINDS[t]) for t in tags if t in _MEMBER_KINDS))
    if not kinds:
        kinds = [msg("validate.kind_other")]
    listed = kinds[0]
    for kind in kinds[1:]:
        listed = msg("validate.kinds_or", head=listed, last=kind)
    field_name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    hint_key = next((_UNION_HINTS[p] for p in reversed(loc) if p in _UNION_HINTS), None)
    return (
        msg(
            "validate.fits_no_type",
            value=written or _as_yaml(value),
            field=field_name,
            kinds=listed,
        ),
        msg(hint_key) if hint_key else None,
    )


# pydantic's limits on numbers: the catalogue code, the context entry naming the limit, and
# the hint saying what to write
_LIMITS = {
    "greater_than": ("validate.greater_than", "gt", "validate.hint_greater_than"),
    "greater_than_equal": ("validate.greater_than_equal", "ge", "validate.hint_at_least"),
    "less_than": ("validate.less_than", "lt", "validate.hint_less_than"),
    "less_than_equal": ("validate.less_than_equal", "le", "validate.hint_at_most"),
}

# the alert thresholds, in percent points (Alert's PercentPoints fields)
_ALERT_PERCENTS = frozenset({"below_target", "above_target", "below_pace"})


def _is_money(loc: Loc) -> bool:
    """Whether ``loc`` is an amount of money: budget total, reserve and lines, a module's or
    an action's budget."""
    if loc[:1] == ("budget",):
        return len(loc) >= 2 and loc[1] in ("total", "reserve", "lines")
    return loc[:1] == ("modules",) and loc[-1] == "budget"


def _limit_hint(loc: Loc, field_name: str, kind: str, limit: object) -> Msg:
    """What to write instead of a number beyond a field's limit."""
    if kind == "greater_than_equal" and _is_money(loc):
        return msg("validate.hint_money_not_negative", field=field_name)
    if kind == "greater_than_equal" and field_name in _ALERT_PERCENTS:
        return msg("validate.hint_alert_percent", field=field_name)
    return msg(_LIMITS[kind][2], limit=limit)


# pydantic error types explained by the catalogue code `validate.<type>`
TYPE_ERRORS = ("string_type", "bool_type", "bool_parsing", "int_type")


# what to write instead when a value YAML read as a number or a yes/no is not text
_TYPE_HINTS: dict[str, dict[type, Msg]] = {
    "string_type": {
        bool: msg("validate.string_type.bool_hint"),
        int: msg("validate.string_type.number_hint"),
        Decimal: msg("validate.string_type.number_hint"),
    }
}


def _explain(
    error: Any, loc: Loc, written: str | None = None, total: Decimal | None = None
) -> tuple[Msg | str, Msg | str | None]:
    """The message and hint of one pydantic error at ``loc``, as catalogue sentences;
    ``written``: the value as the plan wrote it, when known; ``total``: the plan's budget
    total, when it is a number (a percentage of money is worked out from it)."""
    kind = error["type"]
    field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    hint_key = _FIELD_HINTS.get(field_name)
    hint: Msg | str | None = msg(hint_key) if hint_key else None
    value = error.get("input")
    shown = written or _shown(value)
    context = error.get("ctx", {})
    if kind == "extra_forbidden":
        model = model_at(loc[:-1])
        known = sorted(model.model_fields) if model else []
        close = Suggester(known).suggest(str(field_name))
        key, colon, rest = str(field_name).partition(":")
        if colon and rest and not rest.startswith(" ") and value is None:
            return (
                msg("validate.unknown_field_no_space", field=field_name),
                msg("validate.hint_space_after_colon", fixed=f"{key}: {rest}"),
            )
        if close:
            return (
                msg("validate.unknown_field_close", field=field_name, close=close[0]),
                msg("validate.hint_rename", close=close[0]),
            )
        hint = msg("validate.hint_known_fields", fields=", ".join(known)) if known else None
        return msg("validate.unknown_field", field=field_name), hint
    if kind == "missing":
        parent = rules.format_loc(loc[:-1])
        return msg("validate.missing_field", field=field_name), hint or (
            msg("validate.hint_add_field", field=field_name, parent=parent)
            if parent
            else msg("validate.hint_add_field_top", field=field_name)
        )
    if kind == "literal_error":
        return (
            msg("validate.not_allowed", value=shown, field=field_name),
            msg("validate.hint_use_one_of", expected=_choices(str(context.get("expected", "")))),
        )
    if kind.startswith(("date_", "datetime_")):
        reason = str(error["msg"]).partition(", ")[2]
        spaced = isinstance(value, str) and value != value.strip() and _ISO_DAY.fullmatch(value)
        if spaced:  # speedate counts the space as a digit short or one too many
            why: Msg | str = msg("validate.date_why.space")
            text = msg("validate.bad_date_why", value=shown, field=field_name, why=why)
            return text, msg("validate.hint_date_space", date=value.strip())
        day_first = _day_first_hint(value)
        if day_first is not None:
            why = msg("validate.date_why.day_first")
            return msg("validate.bad_date_why", value=shown, field=field_name, why=why), day_first
        if reason:
            why = next(
                (msg(key) for start, key in _DATE_REASONS if reason.startswith(start)), reason
            )
            text = msg("validate.bad_date_why", value=shown, field=field_name, why=why)
        else:
            text = msg("validate.bad_date", value=shown, field=field_name)
        return text, msg("validate.hint_dates")
    if kind == "finite_number":
        return (
            msg("validate.not_finite", value=shown, field=field_name),
            msg("validate.hint_plain_number"),
        )
    if kind == "decimal_max_places":
        return (
            msg(
                "validate.too_many_places",
                value=shown,
                field=field_name,
                limit=context.get("decimal_places"),
            ),
            msg("validate.too_many_places.hint", limit=context.get("decimal_places")),
        )
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        limit = context.get("max_digits", context.get("whole_digits"))
        return (
            msg("validate.too_many_digits", value=shown, field=field_name, limit=limit),
            msg("validate.too_many_digits.hint", limit=limit),
        )
    if kind.startswith("decimal_") or kind in ("float_parsing", "int_parsing", "float_type"):
        hint = number_message(value)
        percent = _PERCENT.fullmatch(value) if isinstance(value, str) else None
        if percent and _is_money(loc):  # not hint_percent: that speaks of percent KPIs
            share = Decimal(percent[1])
            hint = (
                msg(
                    "validate.hint_money_percent_of_total",
                    number=plain_number(share),
                    field=field_name,
                    total=plain_number(total),
                    amount=plain_number(total * share / 100),
                )
                if total is not None and loc[:2] != ("budget", "total")
                else msg(
                    "validate.hint_money_percent", number=plain_number(share), field=field_name
                )
            )
        return msg("validate.not_a_number", value=shown, field=field_name), hint
    if kind == "string_pattern_mismatch":
        # currency and the plan's id have patterns of their own: the id hint misled them
        if field_name == "currency":
            # usd is USD in small letters; rmb is no code at all: name the code it stands for
            code = currency_of(value, "") if isinstance(value, str) else None
            pattern_hint = (
                msg("validate.currency_alias.hint", value=value, code=code)
                if code and code != str(value).strip().upper()
                else msg("validate.hint_currency")
            )
        elif loc == ("plan", "id"):
            pattern_hint = msg("validate.hint_plan_id")
        else:
            pattern_hint = msg("validate.hint_ids")
        return msg("validate.bad_id", value=shown, field=field_name), pattern_hint
    if kind == "out_of_range" or isinstance(context.get("text"), Msg):
        # raised by the model with its catalogue sentences (plan/bounds.py, checkpoints)
        text = context.get("text")
        shown_hint = context.get("hint_text") or str(context.get("hint", "")) or None
        return (text if isinstance(text, Msg) else str(error["msg"])), shown_hint
    if kind == "value_error":
        cause = context.get("error")
        if isinstance(cause, InvalidValue):
            return cause.text, hint
        return str(cause if cause is not None else error["msg"]), hint
    if kind in ("model_type", "dict_type"):
        return (
            msg("validate.not_mapping", field=field_name or "the plan", type=_yaml_kind(value)),
            hint or msg("validate.hint_mapping"),
        )
    if kind == "too_short" and loc == ("modules",):
        return msg("validate.no_modules"), msg("validate.no_modules.hint")
    if kind == "too_short":
        return (
            msg("validate.list_too_short", field=field_name, limit=context.get("min_length")),
            hint,
        )
    if kind == "list_type":
        return msg("validate.not_list", field=field_name), msg("validate.hint_list")
    if kind in _LIMITS:
        code, name, _hint = _LIMITS[kind]
        limit = context.get(name)
        return (
            msg(code, value=shown, field=field_name, limit=limit),
            hint or _limit_hint(loc, field_name, kind, limit),
        )
    if (kind == "string_type" and value is None) or kind == "string_too_short":
        # `name:` with nothing after it, `name: null`, `name: ""`: all say nothing
        return (
            msg("validate.empty_field", field=field_name),
            hint or msg("validate.empty_field.hint", field=field_name),
        )
    if kind in TYPE_ERRORS:
        return (
            msg("validate." + kind, value=shown, field=field_name),
            hint or _TYPE_HINTS.get(kind, {}).get(type(value)),
        )
    if field_name:
        return msg("validate.pydantic_field", field=field_name, why=error["msg"]), hint
    return str(error["msg"]), hint


# a date as the plan should write it, with spaces around it (`"2023-07-31 "` in quotes)
_ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")
# a day written day first: 31-07-2023, 31/07/2023, 31.07.2023
_DAY_FIRST = re.compile(r"\s*(\d{1,2})([-/.])(\d{1,2})\2(\d{4})\s*")


def _day_first_hint(value: object) -> Msg | None:
    """The hint for a date written day first (31-07-2023): the same day as YYYY-MM-DD, both
    readings when the first two parts could each be the month (07-08-2023)."""
    found = _DAY_FIRST.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    first, second, year = int(found[1]), int(found[3]), int(found[4])
    readings = []
    for day, month in ((first, second), (second, first)):
        try:
            readings.append(dt.date(year, month, day).isoformat())
        except ValueError:
            continue
    readings = list(dict.fromkeys(readings))
    if not readings:
        return None
    if len(readings) == 1:
        return msg("validate.hint_date_order", date=readings[0])
    return msg("validate.hint_date_order_either", date=readings[0], other=readings[1])


# pydantic's (speedate's) reasons for a date it cannot read, in the catalogue's words
_DATE_REASONS = (
    ("day value is outside", "validate.date_why.day"),
    ("month value is outside", "validate.date_why.month"),
    ("invalid character in year", "validate.date_why.year"),
    ("invalid character in month", "validate.date_why.month_digits"),
    ("invalid character in day", "validate.date_why.day_digits"),
    ("invalid date separator", "validate.date_why.separator"),
    ("input is too short", "validate.date_why.short"),
    ("input is too long", "validate.date_why.long"),
    ("invalid datetime separator", "validate.date_why.after"),
    ("unexpected extra characters", "validate.date_why.after"),
)


def _explain_key(error: Any, loc: Loc) -> tuple[Msg | str, Msg | str | None]:
    """The message and hint of a refused mapping key at ``loc`` (the key is its last part)."""
    mapping = next((str(p) for p in reversed(loc[:-1]) if isinstance(p, str)), "")
    key = error.get("input")
    if error["type"] in ("string_type", "invalid_key"):
        if key is None:
            return msg("validate.key_empty", field=mapping), msg("validate.key_empty.hint")
        if isinstance(key, int | float | Decimal) and not isinstance(key, bool):
            # `target: 5,000000` in `{…}`: YAML splits at the comma, and 000000 is a key
            hint = msg("validate.key_number.hint", key=_as_yaml(key))
        else:
            hint = msg("validate.key_not_text.hint", key=_as_yaml(key))
        return msg("validate.key_not_text", key=_as_yaml(key), field=mapping), hint
    return _explain(error, loc[:-1])


def _yaml_kind(value: object) -> Msg:
    """What a YAML value is, in the plan writer's words (not Python's ``NoneType``)."""
    if value is None:
        return msg("validate.kind.empty")
    if isinstance(value, bool):
        return msg("validate.kind.bool")
    if isinstance(value, int | float | Decimal):
        return msg("validate.kind.number")
    if isinstance(value, dt.date):
        return msg("validate.kind.date")
    if isinstance(value, list | tuple):
        return msg("validate.kind.list")
    return msg("validate.kind.text")


def _choices(expected: str) -> Msg | str:
    """pydantic's list of allowed values ("'a', 'b' or 'c'") joined by the language's own
    "or" (或), as a catalogue clause."""
    head, _or, last = expected.rpartition(" or ")
    if not head:
        return expected
    return msg("validate.choices", head=head, last=last)


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
                Finding.of(
                    msg("validate.not_a_plan_mapping"),
                    msg("validate.not_a_plan_mapping.hint"),
                    file=name,
                    line=1,
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
