"""Pydantic models of the plan file. Shapes and single-field rules only; checks that look
across fields (sums, dates, references, SMART) live in :mod:`mktplan.plan.rules`."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from mktplan.errors import InvalidValue
from mktplan.i18n import msg
from mktplan.plan import bounds
from mktplan.vocab import ISO_4217, currency_of, is_percent, is_ratio

Aggregation = Literal["sum", "last", "max", "min", "mean"]
Role = Literal["spend", "revenue"]
Better = Literal["higher", "lower"]
Cadence = Literal["daily", "weekly", "monthly"]
ActionStatus = Literal["planned", "in_progress", "done", "delayed", "cancelled"]
AlertSeverity = Literal["info", "warning", "critical"]

ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
PLAN_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

Identifier = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=64),
    Field(description="A short id: letters, digits and underscores, not starting with a digit."),
]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


def _plain_number_text(value: Any, info: ValidationInfo) -> Any:
    """Refuse text that Python reads as a number but YAML and editors read as text (not in
    JSON, the plan cache, where a decimal is written as text: `1E+6`)."""
    if info.mode == "json":
        return value
    if isinstance(value, str) and (error := unread_number(value, info.field_name or "")):
        raise error
    return value


# Text a number field reads as its number: what the JSON Schema's patterns allow (digits 0-9,
# a sign, a decimal point; `%` where the field takes one). Python's Decimal() and int() read
# more: `1e5`, `375_000`, full-width `３０`, Arabic-Indic `٣٠`, all text to YAML and editors.
DIGITS_WRITTEN = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_NUMBER_WRITTEN = re.compile(rf"[+-]?{DIGITS_WRITTEN}")


def unread_number(text: str, field: str) -> PydanticCustomError | None:
    """The error for text that is a number to Python but not to YAML or an editor (`375_000`,
    `"1e5"`, `３０%`), or None: plain quoted numbers ("375000", "30%") are read as numbers,
    and text that is no number at all is left to the field's own error."""
    written = text.strip()
    body = written.removesuffix("%").removesuffix("％").rstrip()
    if _NUMBER_WRITTEN.fullmatch(body):
        return None
    try:
        number = Decimal(body.replace("_", ""))
    except ArithmeticError:
        return None  # not a number either way: the type's own error says so
    if not number.is_finite():
        return None  # "Infinity": refused as not finite, with its own hint
    percent = "%" if body != written else ""
    if "_" in body:
        return bounds.refuse(
            msg("validate.number_underscore", value=written, field=field),
            msg("validate.number_underscore.hint", number=written.replace("_", "")),
            "number_underscore",
        )
    digits = "".join(c for c in body if c.isdigit())
    reason = "validate.number_digits" if not digits.isascii() else "validate.number_exponent"
    plain = format(number, "f") if -12 <= number.adjusted() <= 15 else None
    return bounds.refuse(
        msg(reason, value=written, field=field),
        msg("validate.number_text.hint", number=plain + percent)
        if plain is not None
        else msg("validate.hint_plain_number"),
        "number_text",
    )


# A number as YAML writes it: a YAML number, or text that is a plain number ("35000")
Number = Annotated[Decimal, BeforeValidator(_plain_number_text)]
WholeNumber = Annotated[int, BeforeValidator(_plain_number_text)]
# (the check goes after the constraints, so that the JSON Schema keeps them as minimum, …)
Money = Annotated[
    Decimal, Field(ge=0, allow_inf_nan=False, decimal_places=6), BeforeValidator(_plain_number_text)
]


def _not_a_number(value: Any, info: ValidationInfo) -> Any:
    """Refuse a number where a date belongs: pydantic would read 1696032000 as a Unix
    timestamp (2023-09-30) and 0 as 1970-01-01, which no YAML tool does."""
    number: Decimal | None = None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = Decimal(value.strip())  # "20230930": text of digits, read as a timestamp
    if number is None:
        return value
    written = str(value).strip()
    meant = _date_meant(number)
    raise bounds.refuse(
        msg("validate.date_is_number", value=written, field=info.field_name or ""),
        msg("validate.date_is_number.hint", date=meant.isoformat())
        if meant
        else msg("validate.hint_dates"),
        "number_not_date",
    )


def _date_meant(number: Decimal) -> dt.date | None:
    """The date a number probably stands for: 20230930 (YYYYMMDD) or a Unix timestamp of a
    midnight (1696032000) within the years a plan can cover; None when it is neither."""
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        return None
    whole = int(number)
    digits = str(whole)
    candidates: list[dt.date] = []
    if len(digits) == 8:
        with contextlib.suppress(ValueError):  # 20231331 is no day
            candidates.append(dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])))
    if whole % 86400 == 0 and whole < 10**11:
        candidates.append(dt.date(1970, 1, 1) + dt.timedelta(days=whole // 86400))
    return next((day for day in candidates if bounds.FIRST_DAY <= day <= bounds.LAST_DAY), None)


_DAY_WITH_TIME = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[Tt ]\s*\d.*")


def _no_time_of_day(value: Any, info: ValidationInfo) -> Any:
    """Refuse a date written with a time: pydantic reads `2024-06-01 00:00:00` (any midnight)
    as the day but refuses every other time, and two checkpoints written `2024-06-01` and
    `2024-06-01 00:00:00` became one key, the other silently dropped."""
    if isinstance(value, str) and (found := _DAY_WITH_TIME.fullmatch(value)):
        raise bounds.refuse(
            msg("validate.date_with_time", value=value.strip(), field=info.field_name or ""),
            msg("validate.date_with_time.hint", date=found[1]),
            "day_with_time",
        )
    return value


# A date as YAML writes it, YYYY-MM-DD; never a number, never with a time of day
Day = Annotated[dt.date, BeforeValidator(_not_a_number), BeforeValidator(_no_time_of_day)]


_CHINESE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}(?<![组組部室科处處队隊心])")

# what a template or a draft holds where nobody is accountable yet (not "unknown": the
# text partial.py puts in place of a refused value, which must pass)
_PLACEHOLDER_OWNERS = frozenset(
    {
        "-", "--", "—", "–", "/", "?", "？", "tbd", "tbc", "n/a", "n.a", "none", "nobody",
        "unassigned", "todo", "xxx", "待定", "未定", "待分配", "待确认", "待確認",
        "无", "無", "暂无", "暫無", "未知", "某某", "空缺",
    }
)  # fmt: skip
# "and others" after a name: 张三等, 张三等人, Zhang San et al., Zhang San etc. (a lone Etc
# follows no name)
_AND_OTHERS = re.compile(r"(?<=\S\S)等人?$|(?<=\S)\s+(?:et\s+al|etc)\b\.?$", re.I)


# names joined by a separator or a word: Li Hua and Zhao Qiang, Zhang Min (with Li Hua),
# 张敏（李华协助）, 张敏 协同 李华, 张敏李华共同负责; not the word inside a name or a team's
# name (张协同, 品牌协同组 孙丽), nor a name that is the word with a capital (Randy And)
_JOINED = re.compile(
    r"[,，、/;；&+／＆＋]|\b(?:and|und|with|or|AND|WITH|OR)\b"
    r"|[(（][^)）]*(?:协助|协同|配合|备份|替补|B角|(?i:backup|back-up|co-owner))[^)）]*[)）]"
    r"|(?:^|\s)(?:协助|协同|配合)(?:\s|$)"
    r"|共同负责"
)


def _one_person(value: Any) -> Any:
    """An owner is one person: a list, or names joined with 'and', 'or', 'with', ',', '/' (or
    its full-width form), '、',
    和 or 协助 is two, 张三等 (and others) is several, and TBD, 待定 or - is nobody."""
    if isinstance(value, (list, tuple)):
        raise InvalidValue(msg("validate.owner_list", n=len(value)))
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            raise InvalidValue(msg("validate.owner_empty"))
        if stripped.casefold().strip(".()（）[]") in _PLACEHOLDER_OWNERS:
            raise InvalidValue(msg("validate.owner_placeholder", owner=stripped))
        # 周云 王芳: two Chinese names side by side are two people (渠道组 孙丽 is one, of a team)
        names = [t for t in stripped.split() if _CHINESE_NAME.fullmatch(t)]
        if (
            len(names) > 1
            or _JOINED.search(stripped)
            or any(_joins_two_names(token) for token in stripped.split())
            or _AND_OTHERS.search(stripped)
        ):
            raise InvalidValue(msg("validate.owner_several", owner=stripped))
        return stripped
    return value


_LONGEST_NAME = 4  # 欧阳娜娜: a compound surname and a two-character given name


def _joins_two_names(token: str) -> bool:
    """Whether 和, 与, 及, 或 or 跟 in ``token`` (text without spaces) joins two names: 张三和李四
    and 张三或李四 are two people, but 张和平, 和珅 and 王与之 are one each, the character part
    of the name. It joins when both sides are names of two or more characters, or when the
    token is longer than one name; 跟 only between two names (跟进 and 跟踪 are words of
    teams' names: 销售跟进组); standing alone between spaces (张三 和 李四) it always does."""
    if token in {"和", "与", "及", "或", "跟"}:
        return True
    for at, char in enumerate(token):
        if char not in "和与及或跟" or at == 0 or at == len(token) - 1:
            continue  # 和珅: a character of the name, not a conjunction
        before, after = token[:at], token[at + 1 :]
        if char == "跟":
            if _CHINESE_NAME.fullmatch(before) and _CHINESE_NAME.fullmatch(after):
                return True
            continue
        if (len(before) >= 2 and len(after) >= 2) or len(token) > _LONGEST_NAME:
            return True
    return False


Owner = Annotated[
    str,
    BeforeValidator(_one_person),
    Field(
        description="The one accountable person (负责人). List helpers under `collaborators`.",
        examples=["Zhang Min"],
    ),
]


def _percent(value: Any) -> Any:
    """`30%`, `30 %` or 30 all mean thirty percent points."""
    if isinstance(value, str):
        text = value.strip().replace("％", "%")
        if text.endswith("%"):
            text = text[:-1].strip()
        return text
    return value


# text a percentage field reads: 30, 30%, 30 %, +30％ (never negative)
PERCENT_TEXT = rf"^\s*\+?{DIGITS_WRITTEN}\s*[%％]?\s*$"
_PERCENT_POINTS = "Percent points: `30%` or 30 mean 30 %."

PercentPoints = Annotated[
    Decimal,
    BeforeValidator(_percent),
    BeforeValidator(_plain_number_text),  # runs first: `3_0%` as written
    Field(ge=0, allow_inf_nan=False, description=_PERCENT_POINTS),
    # stated in full: pydantic would put `ge` beside the union, a key JSON Schema ignores
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": PERCENT_TEXT},
            ],
            "description": _PERCENT_POINTS,
        }
    ),
]


def _checkpoint_value(
    value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
) -> Any:
    """One checkpoint: a number within the store's bounds, or text (a share such as `15%`,
    read by the checkpoints rule). Refused here, one error per checkpoint at its own date,
    so a bad value is named once (not once per member of the union it failed) and beside
    the other checkpoints' errors."""
    _plain_number_text(value, info)
    try:
        checked = handler(value)
    except ValidationError:
        if isinstance(value, Decimal) and not value.is_finite():
            raise bounds.refuse(
                msg("validate.not_finite", value=str(value), field="checkpoints"),
                msg("validate.hint_plain_number"),
                "invalid_checkpoints",
            ) from None
        raise bounds.refuse(
            msg("validate.checkpoint_not_a_value", value=_as_yaml(value)),
            msg("validate.checkpoint_not_number.hint"),
            "invalid_checkpoints",
        ) from None
    if isinstance(checked, str) and (
        # quoted, a plain number is that number, as in every number field; JSON (the plan
        # cache) writes every decimal as text, `1E+6` included
        info.mode == "json" or _NUMBER_WRITTEN.fullmatch(checked.strip())
    ):
        try:
            number = Decimal(checked)
        except ArithmeticError:
            return checked
        checked = number if number.is_finite() else checked
    if isinstance(checked, Decimal):
        bounds.check_number("checkpoints", checked)
    return checked


def _as_yaml(value: Any) -> str:
    """A loaded value as YAML writes it: null, true, [1] (not Python's None, True)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)


CheckpointValue = Annotated[
    Decimal | str,
    WrapValidator(_checkpoint_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": PERCENT_TEXT},
            ]
        }
    ),
]


class StrictModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True
    )

    @model_validator(mode="after")
    def _within_bounds(self) -> Any:
        """Every number and date a report can handle (see :mod:`mktplan.plan.bounds`)."""
        bounds.check_model(self)
        return self


class Period(StrictModel):
    start: Day = Field(description="First day of the plan, YYYY-MM-DD.")
    end: Day = Field(description="Last day of the plan, inclusive.")


class Milestone(StrictModel):
    date: Day = Field(description="The day of the milestone, inside the plan period.")
    name: Text = Field(description="What is reached on that day.")


class Approval(StrictModel):
    role: Text = Field(description="Who approves, e.g. department head (部门负责人), management.")
    name: Text = Field(description="The approver's name.")
    date: Day = Field(description="The day of approval; an undated approval is no approval.")


class StatusThresholds(StrictModel):
    on_track: Number = Field(
        default=Decimal("0.9"), gt=0, description="Pace or attainment at or above: on track."
    )
    at_risk: Number = Field(
        default=Decimal("0.7"), gt=0, description="At or above (below on_track): at risk."
    )


def _iso_currency(value: str) -> str:
    """Refuse a code that is no ISO 4217 code: RMB would be taken as a currency of its own,
    and every KPI in CNY, 元 or ¥ refused as "another currency"."""
    if value in ISO_4217:
        return value
    code = currency_of(value, "")  # RMB is a name of CNY
    if code is not None:
        raise bounds.refuse(
            msg("validate.currency_alias", value=value, code=code),
            msg("validate.currency_alias.hint", value=value, code=code),
            kind="currency_not_iso",
        )
    raise bounds.refuse(
        msg("validate.currency_unknown", value=value),
        msg("validate.hint_currency"),
        kind="currency_not_iso",
    )


class PlanInfo(StrictModel):
    id: Annotated[str, StringConstraints(pattern=PLAN_ID_PATTERN, max_length=80)] = Field(
        description="The plan's registered id (活动编号); keys its data in the store."
    )
    name: Text = Field(description="The plan's title, shown in reports.")
    owner: Owner
    period: Period = Field(
        description="The plan period; every due date, action and review falls inside it."
    )
    currency: Annotated[
        str, StringConstraints(pattern=r"^[A-Z]{3}$"), AfterValidator(_iso_currency)
    ] = Field(default="CNY", description="ISO 4217 code of all money in the plan.")
    cadence: Cadence = Field(
        default="weekly", description="How often data arrive; older data are reported stale."
    )
    audience: str | None = Field(
        default=None, description="Who the plan is for: age, region, spend, pain points."
    )
    background: str | None = Field(
        default=None,
        description="Why the plan exists: strategy, market, competitors, last results.",
    )
    milestones: list[Milestone] = Field(
        default_factory=list,
        description="Dated events (时间节点) inside the period, for the record: they set no "
        "number; phase a KPI's target with its `checkpoints`.",
    )
    approvals: list[Approval] = Field(
        default_factory=list,
        description="Sign-offs (审批); a plan without any is reported with a warning.",
    )
    status_thresholds: StatusThresholds = Field(
        default_factory=StatusThresholds,
        description="Where a running KPI turns from on track to at risk to off track (from "
        "its due date on it is achieved at 100 % of its target, else missed).",
    )
    alert_response_hours: WholeNumber = Field(
        default=24,
        gt=0,
        le=24 * 366,
        description="Hours after the as-of date by which an alert needs a response.",
    )
    lang: Literal["en", "zh"] | None = Field(
        default=None,
        description="Language of the plan's reports and messages (en or zh) when neither "
        "--lang nor MKTPLAN_LANG says; default en.",
    )


class ReserveRange(StrictModel):
    min: Number = Field(default=Decimal(10), ge=0, le=100, description="Percent of total.")
    max: Number = Field(default=Decimal(15), ge=0, le=100, description="Percent of total.")


class Budget(StrictModel):
    total: Money = Field(description="The whole budget, reserve included.")
    reserve: Money = Field(description="Contingency reserve (应急预备金), 10–15 % of the total.")
    lines: dict[str, Money] | None = Field(
        default=None,
        description="The same money by cost category (labour, materials, …); lines + reserve = total.",
    )
    reserve_range: ReserveRange = Field(
        default_factory=ReserveRange,
        description="Allowed reserve as percent of the total (default 10–15).",
    )


class Kpi(StrictModel):
    id: Identifier
    name: Text = Field(description="The KPI's display name.")
    unit: str | None = Field(
        default=None, description='Unit: a currency code, "count", "%" (percent points), "ratio".'
    )
    formula: str | None = Field(
        default=None,
        description="Computed from other KPIs: ids, numbers, spend, revenue, + - * / and ().",
    )
    target: Number | None = Field(
        default=None,
        allow_inf_nan=False,
        description="The number to reach by `due`, in the KPI's unit (percent points for %).",
    )
    baseline: Number | None = Field(
        default=None,
        allow_inf_nan=False,
        description="Where the KPI stood before the plan; a target over 10× it is a warning.",
    )
    due: Day | None = Field(
        default=None, description="The deadline (完成时限) for the target, inside the plan period."
    )
    aggregation: Aggregation = Field(
        default="sum", description="How daily values combine: sum, last, max, min, mean."
    )
    weight: str | None = Field(
        default=None, description="With aggregation mean: the KPI whose values weight the mean."
    )
    source: str | None = Field(default=None, description="Where the data come from (数据来源).")
    definition: str | None = Field(default=None, description="How it is counted (统计口径).")
    role: Role | None = Field(
        default=None, description="spend or revenue: money actually spent or earned."
    )
    better: Better = Field(
        default="higher", description="lower for costs: attainment = target / actual."
    )
    checkpoints: dict[Day, CheckpointValue] | None = Field(
        default=None,
        description="Phased target of a cumulative KPI: date → cumulative value, or share of "
        'the target ("15%"), reached by the end of that date.',
    )

    @property
    def is_percent(self) -> bool:
        return is_percent(self.unit)

    @property
    def is_rate(self) -> bool:
        """A rate (`unit: "%"` or `ratio`): never added up across days, channels or lines."""
        return self.is_percent or is_ratio(self.unit)


class Action(StrictModel):
    name: Text = Field(description="What is done (任务名称).")
    owner: Owner
    collaborators: list[str] = Field(
        default_factory=list, description="Helpers and collaborating teams (协作部门)."
    )
    start: Day = Field(description="Planned start, inside the plan period.")
    end: Day = Field(description="Planned finish (计划完成时间), inside the plan period.")
    budget: Money | None = Field(
        default=None,
        description="Money for this action; the actions of a module stay within its budget.",
    )
    status: ActionStatus = Field(
        default="planned",
        description="Task status (状态); past `end` and not done is reported as delayed.",
    )
    finished: Day | None = Field(default=None, description="Actual finish date (实际完成时间).")
    issue: str | None = Field(default=None, description="Problem if delayed (问题描述).")


class Module(StrictModel):
    id: Identifier
    name: Text = Field(description="The strategy module's display name (策略模块).")
    owner: Owner
    collaborators: list[str] = Field(
        default_factory=list, description="Helpers and collaborating teams (协作部门); not owners."
    )
    budget: Money | None = Field(
        default=None, description="The module's share of the budget; modules + reserve ≤ total."
    )
    goal: Text = Field(
        description="The SMART goal: a metric, a number, a unit and a date.",
        examples=["Brand keyword searches +30 % by 30 September 2023"],
    )
    kpis: list[Kpi] = Field(
        default_factory=list,
        description="The module's KPIs; at least one has a numeric target and a due date.",
    )
    actions: list[Action] = Field(
        default_factory=list,
        description="What will be done (行动), by whom, when and with which money.",
    )


class FixedValues(StrictModel):
    """Values a source gives every row of its files."""

    channel: str | None = Field(
        default=None, description="The channel of every row (a store, a platform: 天猫)."
    )
    line: str | None = Field(default=None, description="The budget line of every row (推广费).")


class Source(StrictModel):
    """How a wide export maps to KPIs: a date column and one column per KPI."""

    date: Text = Field(description="Header of the date column.")
    columns: dict[str, str] = Field(description="Export header → KPI id (`kpi` or `module.kpi`).")
    module: Identifier | None = Field(default=None, description="Every row belongs to this module.")
    module_by: str | None = Field(default=None, description="Header whose value picks the module.")
    modules: dict[str, Identifier] | None = Field(
        default=None, description="With module_by: cell value → module id."
    )
    channel: str | None = Field(default=None, description="Header of the channel column.")
    note: str | None = Field(default=None, description="Header of a free-text note column.")
    line: str | None = Field(default=None, description="Header of a budget-line column.")
    ref: str | None = Field(
        default=None,
        description="Header of a document (invoice) id column: different refs on one day add "
        "up, the same ref in a later file replaces it.",
    )
    encoding: str | None = Field(
        default=None,
        description="The export's text encoding when detection guesses wrong (e.g. gbk).",
    )
    sheet: str | None = Field(default=None, description="Excel sheet name (default: the first).")
    header_row: Annotated[int, Field(ge=1), BeforeValidator(_plain_number_text)] | None = Field(
        default=None,
        description="The header's line (CSV) or row (xlsx), when it is not the first line "
        "within the first 50 that holds the date and mapped columns.",
    )
    table: str | int | None = Field(
        default=None,
        description="Which table of a file holding several: its title, or its number from 1.",
    )
    date_format: str | None = Field(
        default=None,
        description="strftime format of the date column (e.g. %m/%d/%Y, %b %d, %Y) when the "
        "column alone does not settle it.",
    )
    scale: dict[str, Decimal | str] | None = Field(
        default=None,
        description="Header → factor for columns in thousands or millions: a number, K, M, "
        "千, 万 or 亿 (units in a header such as (万元) are read without this).",
    )
    currency: str | None = Field(
        default=None,
        description="Header of a currency column; a row in another currency than the plan's "
        "is refused.",
    )
    period: Literal["day", "week", "month"] = Field(
        default="day",
        description="What one row stands for; week or month rows are stored on the day the "
        "export names for the row (a range's first day).",
    )
    fixed: FixedValues | None = Field(
        default=None,
        description="A channel and/or budget line given to every row (e.g. {channel: 京东}).",
    )


ALERT_CONDITIONS = ("below_target", "above_target", "below_pace", "above", "below")


class Alert(StrictModel):
    kpi: Text = Field(description="The KPI watched, as `module.kpi` or a plan-level id.")
    below_target: PercentPoints | None = Field(
        default=None, description="Fires when actual is this many percent below target."
    )
    above_target: PercentPoints | None = Field(
        default=None, description="Fires when actual is this many percent above target."
    )
    below_pace: PercentPoints | None = Field(
        default=None, description="Fires when actual is this many percent behind the pace line."
    )
    above: Number | None = Field(default=None, description="Fires when actual exceeds this value.")
    below: Number | None = Field(
        default=None, description="Fires when actual falls below this value."
    )
    severity: AlertSeverity = Field(
        default="warning",
        description="info, warning or critical; `report --fail-on` exits 3 at that level.",
    )
    message: str | None = Field(
        default=None,
        description="Text shown with the alert; a default is built from the condition.",
    )

    def conditions(self) -> list[tuple[str, Decimal]]:
        return [
            (name, value) for name in ALERT_CONDITIONS if (value := getattr(self, name)) is not None
        ]


class Review(StrictModel):
    date: Day = Field(description="The day of the review meeting, inside the plan period.")
    module: Identifier | None = Field(default=None, description="The module reviewed.")
    kpi: str | None = Field(default=None, description="The KPI discussed, as `module.kpi`.")
    cause: str | None = Field(default=None, description="Why actual differs (偏差原因分析).")
    measure: str | None = Field(default=None, description="What will change (优化措施).")


# `off` written unquoted is the boolean false to a YAML 1.1 reader: it still means off
BudgetAlertLevel = Annotated[
    Literal["info", "warning", "critical", "off"],
    BeforeValidator(lambda value: "off" if value is False else value),
]


class BudgetAlerts(StrictModel):
    """The built-in budget alerts on modules and budget lines, each a severity or `off`."""

    over_budget: BudgetAlertLevel = Field(
        default="warning", description="A module or budget line whose spend exceeds its budget."
    )
    forecast_over_budget: BudgetAlertLevel = Field(
        default="warning",
        description="A module or budget line whose spend forecast to the plan end exceeds it.",
    )


class Plan(StrictModel):
    """A marketing plan: goals, modules with KPIs and actions, budget, sources, alerts."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        json_schema_extra={"title": "mktplan plan"},
    )

    plan: PlanInfo = Field(
        description="Who, what and when: the plan's registration, owner, period and approvals."
    )
    budget: Budget = Field(
        description="Total budget, contingency reserve and the split by cost category."
    )
    kpis: list[Kpi] = Field(default_factory=list, description="Plan-level KPIs (bare ids).")
    modules: list[Module] = Field(
        min_length=1,
        description="Strategy modules (策略模块), each with one owner, a SMART goal, KPIs, actions.",
    )
    sources: dict[str, Source] = Field(
        default_factory=dict,
        description="Named mappings of wide exports to KPIs, for `mktplan ingest --source NAME`.",
    )
    alerts: list[Alert] = Field(
        default_factory=list, description="Alert rules (风险预警) checked by `mktplan report`."
    )
    reviews: list[Review] = Field(
        default_factory=list,
        description="Weekly review notes: cause (偏差原因分析) and measure (优化措施).",
    )
    budget_alerts: BudgetAlerts = Field(
        default_factory=BudgetAlerts,
        description="Severity (or `off`) of the built-in over_budget and forecast_over_budget "
        "alerts.",
    )

    def kpi_index(self) -> dict[str, tuple[Module | None, Kpi]]:
        """Every KPI by its qualified id: `module.kpi`, or the bare id at plan level."""
        index: dict[str, tuple[Module | None, Kpi]] = {}
        for kpi in self.kpis:
            index.setdefault(kpi.id, (None, kpi))
        for module in self.modules:
            for kpi in module.kpis:
                index.setdefault(f"{module.id}.{kpi.id}", (module, kpi))
        return index

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)
