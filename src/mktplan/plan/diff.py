"""What changed between two versions of a plan: targets, dates, budgets, owners, KPIs.

The comparison is pure (:func:`diff_plans` takes two :class:`Plan` objects); loading a side
from a file or from a git revision is in :func:`load_side` and :func:`load_side_at_rev`, and
rendering to Markdown or JSON is in :func:`to_markdown` and :meth:`PlanDiff.as_dict`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from mktplan.errors import Finding, PlanError, UsageError
from mktplan.plan.model import Action, Alert, Kpi, Module, Plan
from mktplan.plan.validate import PlanCheck, check_plan_file

Value = str | Decimal | dt.date | None
_K = TypeVar("_K")


class Area(StrEnum):
    """Which part of the plan a change is in; the first column of every rendering."""

    plan = "plan"
    budget = "budget"
    module = "module"
    kpi = "kpi"
    action = "action"
    alert = "alert"


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
    old: Value
    new: Value

    @property
    def delta(self) -> Decimal | int | None:
        """new − old: money or target units for numbers, days for dates, None otherwise."""
        if isinstance(self.old, Decimal) and isinstance(self.new, Decimal):
            return self.new - self.old
        if isinstance(self.old, dt.date) and isinstance(self.new, dt.date):
            return (self.new - self.old).days
        return None

    def delta_text(self) -> str:
        """`+30,000 (+10.0 %)` for numbers, `+7 days` for dates, empty otherwise."""
        delta = self.delta
        if delta is None:
            return ""
        if isinstance(delta, int):
            return f"{delta:+d} day{'s' * (abs(delta) != 1)}"
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
        }


@dataclass(frozen=True)
class PlanDiff:
    """All changes from the plan labelled ``old_label`` to the one labelled ``new_label``."""

    old_label: str
    new_label: str
    changes: tuple[Change, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def as_dict(self) -> dict[str, object]:
        return {
            "old": self.old_label,
            "new": self.new_label,
            "changed": self.changed,
            "changes": [c.as_dict() for c in self.changes],
        }


def format_value(value: Value | int) -> str:
    """Numbers with thousands separators and no trailing zeros; dates ISO; None as '–'."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return f"{value.normalize():,f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_value(value: Value | int) -> str | int | float | None:
    """A JSON-ready scalar: integral numbers as int, others as float, dates ISO."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# KPI fields compared, in display order; target and due get their own area in reviews.
KPI_FIELDS = (
    "name",
    "target",
    "due",
    "baseline",
    "unit",
    "formula",
    "aggregation",
    "weight",
    "source",
    "definition",
    "role",
    "better",
)
ACTION_FIELDS = ("owner", "start", "end", "budget", "status", "finished")
MODULE_FIELDS = ("name", "owner", "goal", "budget")


def _as_value(value: object) -> Value:
    if value is None or isinstance(value, (str, Decimal, dt.date)):
        return value
    return str(value)


def _fields(
    area: Area, item: str, old: object, new: object, names: Sequence[str]
) -> Iterator[Change]:
    for name in names:
        before, after = _as_value(getattr(old, name)), _as_value(getattr(new, name))
        if before != after:
            yield Change(area, item, name, Kind.changed, before, after)


def _describe_kpi(kpi: Kpi) -> str:
    parts = [kpi.name]
    if kpi.target is not None:
        parts.append(f"target {format_value(kpi.target)}{_unit_suffix(kpi)}")
    if kpi.due is not None:
        parts.append(f"due {kpi.due.isoformat()}")
    return ", ".join(parts)


def _unit_suffix(kpi: Kpi) -> str:
    if kpi.is_percent:
        return " %"
    return f" {kpi.unit}" if kpi.unit else ""


def _kpis(prefix: str, old: Sequence[Kpi], new: Sequence[Kpi]) -> Iterator[Change]:
    old_by_id = {k.id: k for k in old}
    new_by_id = {k.id: k for k in new}
    for kid in _union_order(list(old_by_id), list(new_by_id)):
        item = f"{prefix}{kid}"
        before, after = old_by_id.get(kid), new_by_id.get(kid)
        if before is None and after is not None:
            yield Change(Area.kpi, item, "", Kind.added, None, _describe_kpi(after))
        elif after is None and before is not None:
            yield Change(Area.kpi, item, "", Kind.removed, _describe_kpi(before), None)
        elif before is not None and after is not None:
            yield from _fields(Area.kpi, item, before, after, KPI_FIELDS)


def _action_keys(actions: Sequence[Action]) -> dict[tuple[str, int], Action]:
    """Actions by (name, n-th occurrence): names are not unique, order breaks ties."""
    seen: dict[str, int] = {}
    keyed: dict[tuple[str, int], Action] = {}
    for action in actions:
        n = seen.get(action.name, 0)
        seen[action.name] = n + 1
        keyed[(action.name, n)] = action
    return keyed


def _describe_action(action: Action) -> str:
    text = f"{action.owner}, {action.start.isoformat()} – {action.end.isoformat()}"
    if action.budget is not None:
        text += f", budget {format_value(action.budget)}"
    return text


def _actions(module_id: str, old: Sequence[Action], new: Sequence[Action]) -> Iterator[Change]:
    old_by_key, new_by_key = _action_keys(old), _action_keys(new)
    for key in _union_order(list(old_by_key), list(new_by_key)):
        name, n = key
        item = f"{module_id}: {name}" + (f" (#{n + 1})" if n else "")
        before, after = old_by_key.get(key), new_by_key.get(key)
        if before is None and after is not None:
            yield Change(Area.action, item, "", Kind.added, None, _describe_action(after))
        elif after is None and before is not None:
            yield Change(Area.action, item, "", Kind.removed, _describe_action(before), None)
        elif before is not None and after is not None:
            yield from _fields(Area.action, item, before, after, ACTION_FIELDS)


def _describe_module(module: Module) -> str:
    text = f"{module.name}, owner {module.owner}"
    if module.budget is not None:
        text += f", budget {format_value(module.budget)}"
    return text + f", {len(module.kpis)} KPIs, {len(module.actions)} actions"


def _describe_alert(alert: Alert) -> str:
    conditions = ", ".join(f"{name} {format_value(value)}" for name, value in alert.conditions())
    return f"{conditions} ({alert.severity})"


def _alerts(old: Sequence[Alert], new: Sequence[Alert]) -> Iterator[Change]:
    old_by_key = {(a.kpi, _describe_alert(a)): a for a in old}
    new_by_key = {(a.kpi, _describe_alert(a)): a for a in new}
    for key in _union_order(list(old_by_key), list(new_by_key)):
        kpi, text = key
        if key not in new_by_key:
            yield Change(Area.alert, kpi, "", Kind.removed, text, None)
        elif key not in old_by_key:
            yield Change(Area.alert, kpi, "", Kind.added, None, text)


def _union_order(old: list[_K], new: list[_K]) -> list[_K]:
    """Keys in the old order, then keys only the new side has, in the new order."""
    known = set(old)
    return old + [k for k in new if k not in known]


def diff_plans(old: Plan, new: Plan) -> list[Change]:
    """Every change from ``old`` to ``new`` that a reviewer of a plan needs to see."""
    changes: list[Change] = []
    info_old, info_new = old.plan, new.plan
    for name in ("id", "name", "owner", "currency", "cadence"):
        before, after = getattr(info_old, name), getattr(info_new, name)
        if before != after:
            changes.append(Change(Area.plan, "plan", name, Kind.changed, before, after))
    for name in ("start", "end"):
        before, after = getattr(info_old.period, name), getattr(info_new.period, name)
        if before != after:
            changes.append(Change(Area.plan, "period", name, Kind.changed, before, after))

    changes.extend(_fields(Area.budget, "budget", old.budget, new.budget, ("total", "reserve")))
    for name in ("min", "max"):
        before, after = (
            getattr(old.budget.reserve_range, name),
            getattr(new.budget.reserve_range, name),
        )
        if before != after:
            changes.append(Change(Area.budget, "reserve_range", name, Kind.changed, before, after))
    lines_old, lines_new = old.budget.lines or {}, new.budget.lines or {}
    for line in _union_order(list(lines_old), list(lines_new)):
        before, after = lines_old.get(line), lines_new.get(line)
        if before != after:
            kind = Kind.added if before is None else Kind.removed if after is None else Kind.changed
            changes.append(Change(Area.budget, f"line {line}", "amount", kind, before, after))

    changes.extend(_kpis("", old.kpis, new.kpis))

    old_modules = {m.id: m for m in old.modules}
    new_modules = {m.id: m for m in new.modules}
    for mid in _union_order(list(old_modules), list(new_modules)):
        before, after = old_modules.get(mid), new_modules.get(mid)
        if before is None and after is not None:
            changes.append(Change(Area.module, mid, "", Kind.added, None, _describe_module(after)))
            changes.extend(_kpis(f"{mid}.", [], after.kpis))
            changes.extend(_actions(mid, [], after.actions))
        elif after is None and before is not None:
            changes.append(
                Change(Area.module, mid, "", Kind.removed, _describe_module(before), None)
            )
        elif before is not None and after is not None:
            changes.extend(_fields(Area.module, mid, before, after, MODULE_FIELDS))
            changes.extend(_kpis(f"{mid}.", before.kpis, after.kpis))
            changes.extend(_actions(mid, before.actions, after.actions))

    changes.extend(_alerts(old.alerts, new.alerts))
    return changes


def compare(old: Plan, new: Plan, old_label: str, new_label: str) -> PlanDiff:
    return PlanDiff(old_label, new_label, tuple(diff_plans(old, new)))


class InvalidSide(PlanError):
    """One side of the comparison does not load or validate; ``findings`` holds why."""


def _plan_or_raise(result: PlanCheck, label: str) -> Plan:
    if result.plan is None or result.errors:
        errors = result.errors
        raise InvalidSide(
            f"{label} is not a valid plan ({len(errors)} error{'s' * (len(errors) != 1)})",
            file=label,
            hint="fix the errors listed, or compare with another revision",
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


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise UsageError("git is not installed or not on PATH", hint="install git to use --rev")
    return subprocess.run(  # noqa: S603  (fixed git binary, arguments are not shell-parsed)
        [git, *args], cwd=cwd, capture_output=True, check=False
    )


def read_at_rev(path: Path, rev: str) -> GitVersion:
    """``git show REV:PATH`` for the plan at ``path``, with the path taken from the repo top."""
    if rev.startswith("-"):
        raise UsageError(f"{rev!r} is not a revision", hint="name a commit, e.g. --rev HEAD~1")
    absolute = path.resolve()
    directory = absolute.parent
    if not directory.is_dir():
        raise UsageError("the plan's folder does not exist", file=str(path))
    top = _git(["rev-parse", "--show-toplevel"], directory)
    if top.returncode != 0:
        raise UsageError(
            "not inside a git repository, so --rev has nothing to compare with",
            file=str(path),
            hint="compare two files instead: mktplan diff OLD.yaml NEW.yaml",
        )
    root = Path(top.stdout.decode("utf-8", "replace").strip()).resolve()
    relative = absolute.relative_to(root).as_posix()
    resolved = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    if resolved.returncode != 0:
        raise UsageError(
            f"unknown revision {rev!r}",
            hint="name a commit, branch or tag that exists, e.g. --rev HEAD~1 or --rev main",
        )
    shown = _git(["show", f"{rev}:{relative}"], root)
    label = f"{rev}:{relative}"
    if shown.returncode != 0:
        raise UsageError(
            f"{relative} does not exist at revision {rev!r}",
            file=str(path),
            hint="the plan was added later; pick a later revision or compare two files",
        )
    try:
        text = shown.stdout.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError(
            f"{label} is not UTF-8", file=label, hint="plans are UTF-8 text files"
        ) from None
    return GitVersion(text, label)


def load_text_side(text: str, label: str, name: str) -> Plan:
    """Validate plan ``text`` as if it were a file called ``name``; findings name ``label``."""
    with tempfile.TemporaryDirectory(prefix="mktplan-diff-") as tmp:
        copy = Path(tmp) / Path(name).name
        copy.write_text(text, encoding="utf-8")
        result = check_plan_file(copy)
    relabelled = [dataclasses.replace(f, file=label) for f in result.findings]
    return _plan_or_raise(dataclasses.replace(result, file=label, findings=relabelled), label)


def _cell(value: str) -> str:
    """Markdown table cell: pipes escaped, newlines folded."""
    return value.replace("|", "\\|").replace("\n", " ")


def render_cells(change: Change) -> tuple[str, str, str, str, str, str]:
    """(area, item, field, old, new, change) as display text, shared by table and Markdown."""
    what = change.field if change.kind is Kind.changed else change.kind.value
    old = "" if change.old is None and change.kind is Kind.added else format_value(change.old)
    new = "" if change.new is None and change.kind is Kind.removed else format_value(change.new)
    return (change.area.value, change.item, what, old, new, change.delta_text())


HEADERS = ("area", "item", "field", "old", "new", "change")


def summary(diff: PlanDiff) -> str:
    """`3 changes: 1 budget, 2 kpi`, the counts per area in area order."""
    counts = {area: sum(c.area is area for c in diff.changes) for area in Area}
    parts = [f"{n} {area.value}" for area, n in counts.items() if n]
    total = len(diff.changes)
    return f"{total} change{'s' * (total != 1)}: {', '.join(parts)}"


def to_markdown(diff: PlanDiff) -> str:
    """A pull-request comment: a heading, a summary line and one table row per change."""
    lines = [
        f"### mktplan diff: `{diff.old_label}` → `{diff.new_label}`",
        "",
        summary(diff),
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
    ]
    for change in diff.changes:
        lines.append("| " + " | ".join(_cell(c) for c in render_cells(change)) + " |")
    return "\n".join(lines) + "\n"


def findings_of(exc: PlanError) -> list[Finding]:
    """The validation findings carried by a load error, or the error itself as one."""
    return exc.findings or [exc.as_finding()]
