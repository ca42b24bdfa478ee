"""What changed between two versions of a plan: targets, dates, budgets, owners, KPIs.

The comparison is pure (:func:`diff_plans` takes two :class:`Plan` objects); loading a side
from a file or from a git revision is in :func:`load_side` and :func:`load_side_at_rev`, and
rendering to Markdown or JSON is in :func:`to_markdown` and :meth:`PlanDiff.as_dict`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from mktplan.errors import Finding, PlanError, UsageError
from mktplan.i18n import Msg, labels, message, msg
from mktplan.plan import formula
from mktplan.plan import model as plan_model
from mktplan.plan.git import run_git
from mktplan.plan.loader import text_of
from mktplan.plan.model import Action, Alert, Kpi, Module, Plan
from mktplan.plan.validate import PlanCheck, check_plan_file
from mktplan.render.numbers import md_cell, without_controls

Value = str | Decimal | dt.date | None


@dataclass(frozen=True)
class Description:
    """The one-line description of an added or removed entry: catalogue clauses (and plain
    ``field value`` pairs, named as the YAML writes them), joined in the reader's language."""

    parts: tuple[Msg | str | Description, ...]
    label: str = ""  # a field's YAML name before its list of parts: `columns 曝光量 → impressions`

    def render(self, lang: str = "en") -> str:
        sep = "，" if lang == "zh" else ", "
        text = sep.join(p if isinstance(p, str) else p.render(lang) for p in self.parts)
        return f"{self.label} {text}" if self.label else text

    def __str__(self) -> str:  # the JSON and other stable places keep the English
        return self.render("en")


Shown = Value | Description  # what a change shows as its old or new side
_K = TypeVar("_K")


class Area(StrEnum):
    """Which part of the plan a change is in; the first column of every rendering."""

    plan = "plan"
    budget = "budget"
    module = "module"
    kpi = "kpi"
    action = "action"
    alert = "alert"
    source = "source"
    review = "review"
    milestone = "milestone"
    approval = "approval"


class Group(StrEnum):
    """What a change affects, for review: the sections of the Markdown comment, in order."""

    grading = "grading rules"
    mapping = "data mapping"
    targets = "targets and dates"
    money = "money"
    people = "people"
    text = "descriptions"


_MONEY = frozenset({"total", "reserve", "budget", "amount"})
_TARGETS = frozenset({"target", "due", "baseline", "start", "end", "finished", "date", "status"})
_MAPPING = frozenset(
    {
        "unit",
        "formula",
        "aggregation",
        "weight",
        "role",
        "source",
        "definition",
        "currency",
        "cadence",
    }
)
_GRADING = frozenset(
    {"better", "alert_response_hours", "status_thresholds", "reserve_range", "budget_alerts"}
)
_PEOPLE = frozenset({"owner", "collaborators"})
# The group of an added or removed entry: the first whose fields the entry has a value in.
_ENTRY_GROUPS = (
    (_MONEY, Group.money),
    (_TARGETS - {"status"}, Group.targets),
    (_PEOPLE, Group.people),
)
# Changes that alter past numbers or grades: a reviewer must look twice.
_CAREFUL = frozenset({"formula", "aggregation", "weight", "role", "unit", "better"})


class Kind(StrEnum):
    added = "added"
    removed = "removed"
    changed = "changed"


@dataclass(frozen=True)
class Change:
    """One difference: ``item`` (e.g. ``online.sales``) had ``field`` ``old``, now ``new``.

    For an added or removed item, ``field`` is empty and old/new hold a short description.
    """

    area: Area
    item: str
    field: str
    kind: Kind
    old: Shown
    new: Shown
    # an added or removed entry: the fields it has a value in (a module's include "role" when
    # one of its KPIs has a role), which decide its group and whether it is careful
    carries: frozenset[str] = frozenset()

    @property
    def _whole_entry(self) -> bool:
        """An added or removed module, KPI or action (not a field inside one)."""
        return (
            self.kind is not Kind.changed
            and not self.field
            and self.area in (Area.module, Area.kpi, Area.action)
        )

    @property
    def group(self) -> Group:
        """What the change affects: grading, data mapping, targets and dates, money, people.
        An added or removed module, KPI or action goes where its weightiest field would:
        money if it has a budget, else targets and dates if it has a target, due date or
        dates, else people (an owner), else data mapping."""
        head = self.field.split(".")[0]
        if self.area is Area.source:
            return Group.mapping
        if self.area is Area.alert or "checkpoint" in self.field:
            return Group.grading
        if self.area is Area.approval:
            return Group.people
        if self.area is Area.milestone:
            return Group.targets
        if self._whole_entry:
            for heads, group in _ENTRY_GROUPS:
                if self.carries & heads:
                    return group
            return Group.mapping
        if self.item in _GRADING or head in _GRADING:
            return Group.grading
        if self.area is Area.budget or head in _MONEY:
            return Group.money
        if head in _TARGETS:
            return Group.targets
        if head in _MAPPING:
            return Group.mapping
        if head in _PEOPLE:
            return Group.people
        return Group.text

    @property
    def careful(self) -> bool:
        """Whether the change alters numbers or grades already reported (mappings, thresholds,
        aggregation, formulas, checkpoints): marked "review carefully"."""
        head = self.field.split(".")[0]
        if self.area is Area.source or "checkpoint" in self.field or "checkpoint" in self.item:
            return True
        if self._whole_entry and self.area is not Area.action:
            # a removed module or KPI takes its reported numbers and grades (and, renamed,
            # its stored data) out of the report; a KPI with a role re-totals spend,
            # revenue and ROI of its module and the plan
            return self.kind is Kind.removed or "role" in self.carries
        if self.item == "status_thresholds":
            return True
        return self.area is Area.kpi and self.kind is Kind.changed and head in _CAREFUL

    @property
    def delta(self) -> Decimal | int | None:
        """new − old: money or target units for numbers, days for dates, None otherwise."""
        if isinstance(self.old, Decimal) and isinstance(self.new, Decimal):
            return self.new - self.old
        if isinstance(self.old, dt.date) and isinstance(self.new, dt.date):
            return (self.new - self.old).days
        return None

    def delta_text(self, lang: str = "en") -> str:
        """`+30,000 (+10.0 %)` for numbers, `+7 days` for dates, empty otherwise."""
        delta = self.delta
        if delta is None:
            return ""
        if isinstance(delta, int):
            return message("diff.days", lang, days=f"{delta:+d}", n=abs(delta))
        text = f"{'+' if delta >= 0 else '-'}{format_value(abs(delta))}"
        if isinstance(self.old, Decimal) and self.old != 0:
            share = delta / self.old * 100
            text += f" ({share:+.1f} %)"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "area": self.area.value,
            "item": self.item,
            "field": self.field,
            "kind": self.kind.value,
            "old": json_value(self.old),
            "new": json_value(self.new),
            "delta": json_value(self.delta),
            "group": self.group.value,
            "careful": self.careful,
        }


@dataclass(frozen=True)
class Total:
    """A budget figure a reviewer needs, before and after (money, or percent for the share)."""

    name: str
    old: Decimal
    new: Decimal

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "old": json_value(self.old),
            "new": json_value(self.new),
            "delta": json_value(self.new - self.old),
        }


def budget_totals(plan: Plan) -> dict[str, Decimal]:
    """Total, reserve (amount and % of the total), allocated to modules and unallocated."""
    budget = plan.budget
    allocated = sum((m.budget or Decimal(0) for m in plan.modules), Decimal(0))
    share = (
        (budget.reserve * 100 / budget.total).quantize(Decimal("0.1"))
        if budget.total
        else Decimal(0)
    )
    return {
        "total budget": budget.total,
        "reserve": budget.reserve,
        "reserve %": share,
        "allocated to modules": allocated,
        "unallocated": budget.total - budget.reserve - allocated,
    }


FORMAT_VERSION = 2  # of the JSON document; see docs/review.md


@dataclass(frozen=True)
class PlanDiff:
    """All changes from the plan labelled ``old_label`` to the one labelled ``new_label``."""

    old_label: str
    new_label: str
    changes: tuple[Change, ...]
    totals: tuple[Total, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def careful(self) -> int:
        return sum(c.careful for c in self.changes)

    def as_dict(self) -> dict[str, object]:
        return {
            "format_version": FORMAT_VERSION,
            "old": self.old_label,
            "new": self.new_label,
            "changed": self.changed,
            "review_carefully": self.careful,
            "changes": [c.as_dict() for c in self.changes],
            "totals": [t.as_dict() for t in self.totals],
        }


def format_value(value: Shown | int, lang: str = "en") -> str:
    """Numbers with thousands separators and no trailing zeros; dates ISO; None as '–'; a
    description in ``lang``."""
    if value is None:
        return "–"
    if isinstance(value, Description):
        return value.render(lang)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return f"{value.normalize():,f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_value(value: Shown | int) -> str | int | float | None:
    """A JSON-ready scalar: integral numbers as int, others as float, dates ISO, a
    description in English (JSON keeps stable text; the terminal and Markdown translate)."""
    if isinstance(value, Description):
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _shown(value: object) -> Shown:
    """A side of a change as a reviewer reads it: a block of settings as its ``field value``
    pairs (`line promotion`), a mapping as `key → value` pairs, anything else as a value."""
    if isinstance(value, BaseModel):
        return _describe(value)
    if isinstance(value, dict):
        return _describe_mapping(value)
    return _as_value(value)


def _describe_mapping(mapping: dict[object, object], label: str = "") -> Description:
    """`曝光量 → impressions, 点击量 → clicks`: a mapping's keys and values, in its order."""
    return Description(
        tuple(
            f"{format_value(_as_value(key))} → {format_value(_shown(value))}"
            for key, value in mapping.items()
        ),
        label,
    )


def _as_value(value: object) -> Value:
    if value is None or isinstance(value, (str, Decimal, dt.date)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _describe_kpi(kpi: Kpi) -> Description:
    parts: list[Msg | str] = [kpi.name]
    if kpi.target is not None:
        target = f"{format_value(kpi.target)}{_unit_suffix(kpi)}"
        parts.append(msg("diff.describe.target", value=target))
    if kpi.due is not None:
        parts.append(msg("diff.describe.due", date=kpi.due.isoformat()))
    return Description(tuple(parts))


def _unit_suffix(kpi: Kpi) -> str:
    if kpi.is_percent:
        return " %"
    return f" {kpi.unit}" if kpi.unit else ""


def _describe_action(action: Action) -> Description:
    parts: list[Msg | str] = [
        action.owner,
        f"{action.start.isoformat()} – {action.end.isoformat()}",
    ]
    if action.budget is not None:
        parts.append(msg("diff.describe.budget", value=format_value(action.budget)))
    return Description(tuple(parts))


def _describe_module(module: Module) -> Description:
    parts: list[Msg | str] = [module.name, msg("diff.describe.owner", owner=module.owner)]
    if module.budget is not None:
        parts.append(msg("diff.describe.budget", value=format_value(module.budget)))
    parts.append(msg("diff.describe.kpis", n=len(module.kpis)))
    parts.append(msg("diff.describe.actions", n=len(module.actions)))
    return Description(tuple(parts))


def _describe_alert(alert: Alert) -> Description:
    conditions = ", ".join(f"{name} {format_value(value)}" for name, value in alert.conditions())
    severity = msg(f"severity_{alert.severity}")
    return Description((msg("diff.describe.alert", conditions=conditions, severity=severity),))


def _describe(model: BaseModel) -> Description:
    """A one-line description of an added or removed entry."""
    if isinstance(model, Kpi):
        return _describe_kpi(model)
    if isinstance(model, Action):
        return _describe_action(model)
    if isinstance(model, Module):
        return _describe_module(model)
    if isinstance(model, Alert):
        return _describe_alert(model)
    parts: list[Msg | str | Description] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value in (None, [], {}):
            continue
        if isinstance(value, dict):
            parts.append(_describe_mapping(value, name))
        elif isinstance(value, BaseModel):
            parts.append(dataclasses.replace(_describe(value), label=name))
        else:
            parts.append(f"{name} {format_value(_as_value(value))}")
    return Description(tuple(parts))


def _union_order(old: list[_K], new: list[_K]) -> list[_K]:
    """Keys in the old order, then keys only the new side has, in the new order."""
    known = set(old)
    return old + [k for k in new if k not in known]


# Entries of these lists are matched by a key, not by position, and shown in this area.
_LIST_AREAS = {
    "modules": Area.module,
    "kpis": Area.kpi,
    "actions": Area.action,
    "alerts": Area.alert,
    "reviews": Area.review,
    "milestones": Area.milestone,
    "approvals": Area.approval,
}
_DICT_AREAS = {"sources": Area.source}


def _entry_key(model: BaseModel) -> str:
    """What identifies an entry across versions: its id, else its name, else its kpi, else
    its date; the n-th repetition is told apart by the caller."""
    for name in ("id", "name", "kpi", "date"):
        value = getattr(model, name, None)
        if value is not None:
            return format_value(_as_value(value))
    return type(model).__name__.lower()


def _shape(model: BaseModel) -> object:
    """What tells apart entries that share a key: an alert's conditions (below_target or
    below_pace on the same KPI), an action's owner (two "Ads" actions); None otherwise."""
    if isinstance(model, Alert):
        return tuple(name for name, _ in model.conditions())
    if isinstance(model, Action):
        return model.owner
    return None


Pair = tuple[str, BaseModel | None, BaseModel | None]


def _pair_up(old: list[BaseModel], new: list[BaseModel]) -> list[tuple[int, int]]:
    """Indexes (into old, into new) of the entries that are one entry across versions, among
    entries that share a key: equal entries first (a reordering is no change), then entries
    of the same shape, then the rest in order."""
    pairs: list[tuple[int, int]] = []
    free_old, free_new = list(range(len(old))), list(range(len(new)))
    for same in (lambda a, b: a == b, lambda a, b: _shape(a) == _shape(b), lambda a, b: True):
        for i in list(free_old):
            j = next((j for j in free_new if same(old[i], new[j])), None)
            if j is not None:
                pairs.append((i, j))
                free_old.remove(i)
                free_new.remove(j)
    return pairs


def _matched(old: Sequence[BaseModel], new: Sequence[BaseModel]) -> Iterator[Pair]:
    """The entries of two versions of a list, matched by content, not position: by key
    (:func:`_entry_key`), and among entries sharing a key by :func:`_pair_up`. An entry whose
    key repeats is named by its place among them (`key (#2)`), in the new list if it is
    there, else in the old one; keys in the old order, then keys only the new side has."""
    old_groups: dict[str, list[BaseModel]] = {}
    new_groups: dict[str, list[BaseModel]] = {}
    for entries, groups in ((old, old_groups), (new, new_groups)):
        for entry in entries:
            groups.setdefault(_entry_key(entry), []).append(entry)
    for key in _union_order(list(old_groups), list(new_groups)):
        before, after = old_groups.get(key, []), new_groups.get(key, [])
        pairs = _pair_up(before, after)
        paired_old = {i for i, _ in pairs}
        paired_new = {j: i for i, j in pairs}
        for j, entry in enumerate(after):
            i = paired_new.get(j)
            yield _nth(key, j), None if i is None else before[i], entry
        for i, entry in enumerate(before):
            if i not in paired_old:
                yield _nth(key, i), entry, None


def _nth(key: str, index: int) -> str:
    """The name of the entry at ``index`` among those sharing ``key``: `key`, `key (#2)`."""
    return key + (f" (#{index + 1})" if index else "")


def _entry_item(area: Area, parent: str, key: str) -> str:
    if area is Area.kpi:
        return f"{parent}.{key}" if parent else key
    if area is Area.action:
        return f"{parent}: {key}"
    return key


def _entries(
    area: Area, parent: str, old: Sequence[BaseModel], new: Sequence[BaseModel]
) -> Iterator[Change]:
    for key, before, after in _matched(old, new):
        item = _entry_item(area, parent, key)
        if before is None and after is not None:
            yield Change(area, item, "", Kind.added, None, _describe(after), _carried(after))
            yield from _added_children(after, item)
        elif after is None and before is not None:
            yield Change(area, item, "", Kind.removed, _describe(before), None, _carried(before))
        elif before is not None and after is not None:
            yield from _walk(area, item, before, after)


def _carried(model: BaseModel) -> frozenset[str]:
    """The fields ``model`` has a value in; a module adds "role" if one of its KPIs has one."""
    names = {name for name in type(model).model_fields if getattr(model, name) not in _EMPTY}
    if isinstance(model, Module) and any(k.role is not None for k in model.kpis):
        names.add("role")
    return frozenset(names)


_EMPTY: tuple[object, ...] = (None, [], {}, "")


def _added_children(model: BaseModel, item: str) -> Iterator[Change]:
    """A new module brings its KPIs and actions: each is listed as added."""
    if isinstance(model, Module):
        yield from _entries(Area.kpi, model.id, [], model.kpis)
        yield from _entries(Area.action, model.id, [], model.actions)


def _walk(
    area: Area, item: str, old: BaseModel, new: BaseModel, prefix: str = ""
) -> Iterator[Change]:
    """Every field of two versions of one model, generically: a field added to the model is
    compared without new code. Nested models extend the field name (`status_thresholds.on_track`),
    lists of entries and named mappings are matched by key."""
    for name in type(new).model_fields:
        before, after = getattr(old, name), getattr(new, name)
        if before == after or (name == "formula" and _same_formula(before, after)):
            continue
        if name in _LIST_AREAS and isinstance(after, list) and isinstance(before, list):
            parent = item if area is Area.module else ""
            yield from _entries(_LIST_AREAS[name], parent, before, after)
        elif name in _DICT_AREAS:
            yield from _named(_DICT_AREAS[name], before or {}, after or {})
        elif isinstance(before, BaseModel) and isinstance(after, BaseModel):
            nested = name if item in ("plan", "budget") and not prefix else item
            yield from _walk(
                area, nested, before, after, "" if nested == name else f"{prefix}{name}."
            )
        elif _is_entries(before) and _is_entries(after):
            yield from _sublist(area, item, f"{prefix}{name}", before, after)
        elif isinstance(before, dict) or isinstance(after, dict):
            yield from _mapping(area, item, f"{prefix}{name}", before or {}, after or {})
        else:
            yield Change(area, item, f"{prefix}{name}", Kind.changed, _shown(before), _shown(after))


def _same_formula(old: object, new: object) -> bool:
    """Whether two formulas compute the same: equal parsed trees (spacing, brackets that
    change nothing and `×` for `*` are no change)."""
    if not isinstance(old, str) or not isinstance(new, str):
        return False
    try:
        return formula.parse(old) == formula.parse(new)
    except formula.FormulaError:
        return False


def _is_entries(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, BaseModel) for v in value)


def _sublist(
    area: Area, item: str, field: str, old: Sequence[BaseModel], new: Sequence[BaseModel]
) -> Iterator[Change]:
    """A list of entries inside an entry (a KPI's checkpoints, …): matched by key, each
    change named `field[key].subfield`."""
    for key, before, after in _matched(old, new):
        if before is None and after is not None:
            yield Change(area, item, f"{field}[{key}]", Kind.added, None, _describe(after))
        elif after is None and before is not None:
            yield Change(area, item, f"{field}[{key}]", Kind.removed, _describe(before), None)
        elif before is not None and after is not None:
            yield from _walk(area, item, before, after, f"{field}[{key}].")


def _mapping(
    area: Area, item: str, field: str, old: dict[str, object], new: dict[str, object]
) -> Iterator[Change]:
    for key in _union_order(list(old), list(new)):
        before, after = _as_value(old.get(key)), _as_value(new.get(key))
        if before == after:
            continue
        kind = Kind.added if key not in old else Kind.removed if key not in new else Kind.changed
        if area is Area.budget and field == "lines":  # a budget line reads as an item
            yield Change(area, f"{LINE_PREFIX}{key}", "amount", kind, before, after)
        else:  # a key added or removed (a checkpoint moved a day) reads as one, not as "–"
            yield Change(area, item, f"{field}.{key}", kind, before, after)


def _named(area: Area, old: dict[str, BaseModel], new: dict[str, BaseModel]) -> Iterator[Change]:
    for key in _union_order(list(old), list(new)):
        before, after = old.get(key), new.get(key)
        if before is None and after is not None:
            yield Change(area, key, "", Kind.added, None, _describe(after))
        elif after is None and before is not None:
            yield Change(area, key, "", Kind.removed, _describe(before), None)
        elif before is not None and after is not None:
            yield from _walk(area, key, before, after)


def diff_plans(old: Plan, new: Plan) -> list[Change]:
    """Every change from ``old`` to ``new``: every field of the plan model, walked generically."""
    changes: list[Change] = []
    for name in type(new).model_fields:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if name == "plan":
            changes.extend(_walk(Area.plan, "plan", before, after))
        elif name == "budget":
            changes.extend(_walk(Area.budget, BUDGET_ITEM, before, after))
        elif name in _LIST_AREAS:
            changes.extend(_entries(_LIST_AREAS[name], "", before, after))
        elif name in _DICT_AREAS:
            changes.extend(_named(_DICT_AREAS[name], before, after))
        elif _is_entries(before) and _is_entries(after):  # a new list of entries
            changes.extend(_sublist(Area.plan, name, name, before, after))
        elif isinstance(before, BaseModel) and isinstance(after, BaseModel):
            # a block of settings (budget_alerts): each field named `budget_alerts.over_budget`
            changes.extend(_walk(Area.plan, "plan", before, after, f"{name}."))
        elif isinstance(before, dict) or isinstance(after, dict):
            changes.extend(_mapping(Area.plan, "plan", name, before or {}, after or {}))
        else:  # a new top-level field of the plan: compared as a value
            changes.append(
                Change(Area.plan, name, "", Kind.changed, _as_value(before), _as_value(after))
            )
    return sorted(changes, key=lambda c: list(Group).index(c.group))


def compare(old: Plan, new: Plan, old_label: str, new_label: str) -> PlanDiff:
    before, after = budget_totals(old), budget_totals(new)
    totals = tuple(Total(name, before[name], after[name]) for name in before)
    return PlanDiff(old_label, new_label, tuple(diff_plans(old, new)), totals)


class InvalidSide(PlanError):
    """One side of the comparison does not load or validate; ``findings`` holds why."""


def _plan_or_raise(result: PlanCheck, label: str) -> Plan:
    if result.plan is None or result.errors:
        errors = result.errors
        raise InvalidSide(
            msg("diff.invalid_side", label=label, errors=len(errors)),
            file=label,
            hint=msg("diff.invalid_side.hint"),
            findings=errors,
        )
    return result.plan


def load_side(path: Path) -> Plan:
    """The validated plan in ``path``; :class:`InvalidSide` with the findings otherwise."""
    return _plan_or_raise(check_plan_file(path), str(path))


@dataclass(frozen=True)
class GitVersion:
    """A plan file's text at a git revision, and the name it is shown under."""

    text: str
    label: str  # REV:path/from/repo/top


def read_at_rev(path: Path, rev: str) -> GitVersion:
    """``git show REV:PATH`` for the plan at ``path``, with the path taken from the repo top."""
    if rev.startswith("-"):
        raise UsageError(msg("diff.not_a_rev", rev=rev), hint=msg("diff.not_a_rev.hint"))
    absolute = path.resolve()
    directory = absolute.parent
    if not directory.is_dir():
        raise UsageError(msg("diff.no_folder"), file=str(path))
    top = run_git(["rev-parse", "--show-toplevel"], directory)
    if top.returncode != 0:
        raise UsageError(msg("diff.not_a_repo"), file=str(path), hint=msg("diff.not_a_repo.hint"))
    root = Path(top.stdout.decode("utf-8", "replace").strip()).resolve()
    relative = absolute.relative_to(root).as_posix()
    resolved = run_git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    if resolved.returncode != 0:
        raise UsageError(msg("diff.unknown_rev", rev=rev), hint=msg("diff.unknown_rev.hint"))
    shown = run_git(["show", f"{rev}:{relative}"], root)
    if shown.returncode != 0 and (before := _renamed_from(root, rev, relative)) is not None:
        relative = before  # renamed or moved since: compare with the file it was then
        shown = run_git(["show", f"{rev}:{relative}"], root)
    label = f"{rev}:{relative}"
    if shown.returncode != 0:
        raise UsageError(
            msg("diff.not_at_rev", path=relative, rev=rev),
            file=str(path),
            hint=msg("diff.not_at_rev.hint", path=relative, rev=rev),
        )
    try:
        text = text_of(shown.stdout)
    except UnicodeDecodeError:
        raise PlanError(
            msg("diff.not_utf8", label=label), file=label, hint=msg("diff.not_utf8.hint")
        ) from None
    return GitVersion(text, label)


def _renamed_from(root: Path, rev: str, relative: str) -> str | None:
    """The path ``relative`` had at ``rev``, when git sees the file renamed or moved between
    ``rev`` and the working tree (``git diff -M``, as ``git log --follow`` finds renames)."""
    found = run_git(["diff", "-z", "-M", "--name-status", "--diff-filter=R", rev, "--"], root)
    if found.returncode != 0:
        return None
    fields = found.stdout.decode("utf-8", "surrogateescape").split("\0")
    # -z writes each rename as three fields: R<similarity>, the old path, the new path
    for at in range(0, len(fields) - 2, 3):
        if fields[at].startswith("R") and fields[at + 2] == relative:
            return fields[at + 1]
    return None


def load_text_side(text: str, label: str, name: str) -> Plan:
    """Validate plan ``text`` as if it were a file called ``name``; findings name ``label``."""
    with tempfile.TemporaryDirectory(prefix="mktplan-diff-") as tmp:
        copy = Path(tmp) / Path(name).name
        copy.write_text(text, encoding="utf-8")
        result = check_plan_file(copy)
    relabelled = [dataclasses.replace(f, file=label) for f in result.findings]
    return _plan_or_raise(dataclasses.replace(result, file=label, findings=relabelled), label)


# `@name` or `@org/team` where GitHub would link and notify it (not inside `a@b.com`)
_MENTION = re.compile(r"(?<![\w@])@(?=\w)")
_JOINER = "\u2060"  # WORD JOINER: invisible, and GitHub's mention pattern stops at it


def _cell(value: str) -> str:
    """A Markdown table cell as the report writes one (:func:`md_cell`: HTML, links and
    images escaped, ``|`` escaped, line breaks as ``<br>``), and @mentions defused: the
    diff is posted as a pull-request comment, where `@team` from a plan would notify."""
    if not value.strip():  # an empty cell stays empty (md_cell writes "-" for no value)
        return ""
    return _MENTION.sub("@" + _JOINER, md_cell(value))


def _code_span(label: str) -> str:
    """``label`` (a path or REV:path) as one inline code span, whatever backticks or line
    breaks it holds: inside it no tag, link or mention is rendered."""
    text = without_controls(label).replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


CAREFUL_MARK = "⚠"


def render_cells(change: Change, lang: str = "en") -> tuple[str, str, str, str, str, str]:
    """(area, item, field, old, new, change) as display text in ``lang``, shared by table
    and Markdown; a change to review carefully has its field marked ⚠. Field names are the
    YAML's in English and translated in Chinese (:func:`field_label`: 目标值 for target, as
    the weekly report names it)."""
    kind = message(f"diff.kind.{change.kind.value}", lang)
    field = field_label(change.field, lang)
    what = field if change.kind is Kind.changed else kind
    if change.kind is not Kind.changed and change.field and change.field != "amount":
        what = f"{field} {kind}"  # an entry inside an entry, a key of a mapping
    if change.careful:
        what = f"{CAREFUL_MARK} {what}"
    old = "" if change.old is None and change.kind is Kind.added else format_value(change.old, lang)
    new = (
        "" if change.new is None and change.kind is Kind.removed else format_value(change.new, lang)
    )
    area = message(f"diff.area.{change.area.value}", lang)
    return (area, item_label(change.item, lang), what, old, new, change.delta_text(lang))


def _model_fields() -> tuple[frozenset[str], frozenset[str]]:
    """Every field name of the plan's models, and those whose values are mappings keyed by
    the plan's own words (`columns`, `lines`, `checkpoints`, …)."""
    names: set[str] = set()
    keyed: set[str] = set()
    for model in vars(plan_model).values():
        if isinstance(model, type) and issubclass(model, BaseModel):
            for name, info in model.model_fields.items():
                names.add(name)
                if "dict[" in str(info.annotation):
                    keyed.add(name)
    return frozenset(names), frozenset(keyed)


_MODEL_FIELDS, _KEYED_FIELDS = _model_fields()
# every field a change can name: the models' own, and a budget line's `amount`, which the
# plan writes as the line's value (`lines: {promotion: 60000}`)
FIELD_NAMES = _MODEL_FIELDS | {"amount"}
_SEGMENT = re.compile(r"([^.\[]*)(\[[^\]]*\])?\.?")


def field_label(field: str, lang: str = "en") -> str:
    """A change's dotted field in ``lang``: each field name translated (zh: 预算预警.超预算
    for budget_alerts.over_budget), the plan's own keys (a column header, a budget line,
    a checkpoint date) left as written. In English, the YAML's names."""
    if lang == "en" or not field:
        return field
    out: list[str] = []
    after_keyed = False
    for name, index in _SEGMENT.findall(field):
        if not name and not index:
            continue
        shown = name
        if name in FIELD_NAMES and not after_keyed:
            shown = message(f"diff.field.{name}", lang)
        out.append(shown + index)
        after_keyed = name in _KEYED_FIELDS and not index
    return ".".join(out)


LINE_PREFIX = "line "  # a budget line's item: `line promotion` (JSON keeps it so)
BUDGET_ITEM = "budget"  # the plan's budget block itself (total, reserve)


def item_label(item: str, lang: str = "en") -> str:
    """The item a change names, in ``lang``: a budget line reads `预算科目 promotion` in zh."""
    if item.startswith(LINE_PREFIX):
        return message("diff.budget_line", lang, line=item.removeprefix(LINE_PREFIX))
    if item == BUDGET_ITEM:
        return message("diff.budget_item", lang)
    return item


def plain(value: Shown) -> Value:
    """A change's side as a plain value (a description in English)."""
    return str(value) if isinstance(value, Description) else value


HEADERS = ("area", "item", "field", "old", "new", "change")
TOTAL_HEADERS = ("budget", "old", "new", "change")


def headers(lang: str = "en") -> tuple[str, ...]:
    """The column labels of a group's table in ``lang``."""
    return tuple(message(f"diff.header.{h}", lang) for h in HEADERS)


def total_headers(lang: str = "en") -> tuple[str, ...]:
    """The column labels of the budget totals in ``lang``."""
    return tuple(message(f"diff.total_header.{h}", lang) for h in TOTAL_HEADERS)


def group_label(group: Group, lang: str = "en") -> str:
    """What a group of changes affects, in ``lang``."""
    return message(f"diff.group.{group.name}", lang)


TOTAL_KEYS = {
    "total budget": "diff.total.total",
    "reserve": "diff.total.reserve",
    "reserve %": "diff.total.reserve_share",
    "allocated to modules": "diff.total.allocated",
    "unallocated": "diff.total.unallocated",
}


def render_total(total: Total, lang: str = "en") -> tuple[str, str, str, str]:
    share = total.name.endswith("%")
    unit = " %" if share else ""
    delta = total.new - total.old
    # a share's change is in percent points, as every difference of percentages (metrics.md)
    size = format_value(abs(delta))
    size = labels(lang)["percent_points"].format(size) if share else size
    change = "" if not delta else f"{'+' if delta > 0 else '-'}{size}"
    key = TOTAL_KEYS.get(total.name)
    return (
        message(key, lang) if key else total.name,
        format_value(total.old) + unit,
        format_value(total.new) + unit,
        change,
    )


def summary(diff: PlanDiff, lang: str = "en") -> str:
    """`3 changes: 1 budget, 2 kpi`, the counts per area in area order, and how many to
    review carefully, in ``lang``."""
    counts = {area: sum(c.area is area for c in diff.changes) for area in Area}
    parts = [
        message("diff.area_count", lang, n=n, area=message(f"diff.area.{area.value}", lang))
        for area, n in counts.items()
        if n
    ]
    areas = message("diff.list_separator", lang).join(parts)
    text = message("diff.summary", lang, n=len(diff.changes), areas=areas)
    if diff.careful:
        text += message("diff.summary_careful", lang, mark=CAREFUL_MARK, n=diff.careful)
    return text


def groups(diff: PlanDiff) -> list[tuple[Group, list[Change]]]:
    """The changes by what they affect, in :class:`Group` order."""
    return [
        (group, found)
        for group in Group
        if (found := [c for c in diff.changes if c.group is group])
    ]


def to_markdown(diff: PlanDiff, lang: str = "en") -> str:
    """A pull-request comment in ``lang``: a heading, a summary line, one table per group of
    changes (what they affect), and the budget totals before and after."""
    old, new = _code_span(diff.old_label), _code_span(diff.new_label)
    heading = message("diff.md_heading", lang, old=old, new=new)
    lines = [heading, "", summary(diff, lang)]
    for group, found in groups(diff):
        lines += [
            "",
            f"#### {group_label(group, lang)}",
            "",
            "| " + " | ".join(headers(lang)) + " |",
            "|" + "---|" * len(HEADERS),
        ]
        lines += [
            "| " + " | ".join(_cell(c) for c in render_cells(ch, lang)) + " |" for ch in found
        ]
    if diff.totals:
        lines += [
            "",
            "#### " + message("diff.budget_totals", lang),
            "",
            "| " + " | ".join(total_headers(lang)) + " |",
            "|" + "---|" * len(TOTAL_HEADERS),
        ]
        lines += [
            "| " + " | ".join(_cell(c) for c in render_total(t, lang)) + " |" for t in diff.totals
        ]
    return "\n".join(lines) + "\n"


def findings_of(exc: PlanError) -> list[Finding]:
    """The validation findings carried by a load error, or the error itself as one."""
    return exc.findings or [exc.as_finding()]
