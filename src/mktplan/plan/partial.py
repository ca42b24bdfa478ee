"""Every problem at once: when the model cannot be built, check the parts that did parse.

One unknown field or one bad value used to stop validation at the model, hiding the vague
goal, the reserve and the formula typos behind it until it was fixed. Here the plan's data
are patched where the model refused them (an unknown field dropped, a bad optional value
left to its default, a bad required value replaced by a neutral placeholder), the model is
built from the patched data, every rule runs on it, and only findings that cannot be
caused by a patch are kept: nothing at, inside or directly above a patched place, no
budget sum that adds a patched amount, and no rule that reads the period when the period
itself was patched.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from mktplan.errors import Finding
from mktplan.plan import rules
from mktplan.plan.loader import LoadedYaml, Loc
from mktplan.plan.model import Plan

ROUNDS = 8  # patching uncovers nested required fields one level at a time


KEY = "[key]"  # the last part of a pydantic error's loc when a mapping's key is refused


def error_loc(error: Any) -> Loc:
    """The field path of a pydantic error, with the field a model-level error names, without
    the union member pydantic appends (`table.int`, `scale.Sales.constrained-str`). A refused
    mapping key ends the path as the plan holds it (pydantic's loc names a null key 'None'
    and a true key 1)."""
    loc: Loc = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
    if loc and loc[-1] == KEY:
        return (*loc[:-2], error["input"])
    cut = union_member_at(loc)
    if cut is not None:
        return loc[:cut]
    field = str(error.get("ctx", {}).get("field", ""))
    if error["type"] == "out_of_range" and field:  # raised for a whole model: add its field
        loc = (*loc, *field.split("\x00"))
    return loc


def union_member_at(loc: Loc) -> int | None:
    """The position in ``loc`` of the union member's tag pydantic names when a value fits
    none of a union's types (`int` in `sources.x.table.int`), or None."""
    if KEY in loc:
        return None  # a refused key: no key of a plan's mappings is a union
    current: Any = Plan
    for position, part in enumerate(loc):
        current = _unwrap(current)
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        elif origin in (typing.Union, types.UnionType):
            return position
        elif origin is list and args:
            current = args[0]
        elif origin is dict and len(args) == 2:
            current = args[1]
        else:
            return None
    return None


def model_at(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model whose field set applies at ``loc`` (for 'did you mean')."""
    current: Any = Plan
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        else:
            origin = typing.get_origin(current)
            args = typing.get_args(current)
            if origin is list and args:
                current = args[0]
            elif origin is dict and len(args) == 2:
                current = args[1]
            else:
                return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] down to the type that holds fields."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) == 1:
                annotation = options[0]
                continue
        return annotation


def _field_at(loc: Loc) -> tuple[type[BaseModel] | None, Any]:
    """The model holding the field at ``loc`` and that field's info (or None, None)."""
    if not loc or not isinstance(loc[-1], str):
        return None, None
    model = model_at(loc[:-1])
    if model is None or loc[-1] not in model.model_fields:
        return model, None
    return model, model.model_fields[loc[-1]]


def _placeholder(annotation: Any) -> Any:
    """A neutral value of the field's type, valid for the model."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
            continue
        break
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if origin is list:
        return []
    if origin is dict or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return {}
    name = getattr(annotation, "__name__", "")
    if name == "date":
        return "2000-01-01"
    if name in ("Decimal", "int", "float"):
        return 1
    return "unknown"


def _patch(data: Any, loc: Loc, kind: str) -> bool:
    """Patch ``data`` where the model refused ``loc``; False when it cannot."""
    if not loc:
        return False
    parent: Any = data
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = loc[-1]
    if isinstance(parent, dict):
        if kind == "extra_forbidden":
            parent.pop(last, None)
            return True
        model, info = _field_at(loc)
        if model is None:
            parent.pop(last, None)  # a bad item of a mapping (a checkpoint, a scale): the rest
            return True  # still get checked
        if info is None:
            return False
        if not info.is_required():
            parent.pop(last, None)
            return True
        parent[last] = _placeholder(info.annotation)
        return True
    if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        # a list item of the wrong shape: an empty one of the right shape, filled next round
        parent[last] = {} if isinstance(parent[last], (dict, str, int, float)) else []
        return True
    return False


def _path(loc: Loc) -> str:
    return rules.format_loc(loc)


def _related(path: str, patched: str) -> bool:
    """Whether a finding at ``path`` may stem from the patch at ``patched``."""
    if path == patched or path.startswith((patched + ".", patched + "[")):
        return True
    above = patched.startswith((path + ".", path + "["))
    return above and "[" in path  # a list item above the patch: its KPIs, its sums


def partial_findings(data: Any, errors: list[Any], loaded: LoadedYaml) -> list[Finding]:
    """Findings of every rule on ``data`` patched past the model's ``errors``; [] when the
    model cannot be built even so."""
    patched_data = copy.deepcopy(data)
    patched: list[Loc] = []
    for _round in range(ROUNDS):
        for error in errors:
            loc = error_loc(error)
            if not _patch(patched_data, loc, error["type"]):
                return []
            patched.append(loc)
        try:
            plan = Plan.model_validate(patched_data)
            break
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
    else:
        return []
    paths = [_path(loc) for loc in patched]
    skipped: set[rules.Rule] = set()
    if any(loc[:2] == ("plan", "period") or loc == ("plan",) for loc in patched):
        skipped.update(rules.READS_PERIOD)
    ctx = rules.Context(plan, loaded)
    kept: list[Finding] = []
    for rule in rules.RULES:
        if rule in skipped:
            continue
        reads = rules.READS_MONEY.get(rule)
        if reads is not None:  # a budget sum: kept unless a number it adds was patched
            kept.extend(f for f in rule(ctx) if not _reads_patched(f.path, reads, patched))
            continue
        kept.extend(
            finding
            for finding in rule(ctx)
            if not any(_related(finding.path, patch) for patch in paths)
        )
    return kept


_MODULE = re.compile(r"modules\[(\d+)\]")


def _reads_patched(path: str, reads: tuple[Loc, ...], patched: list[Loc]) -> bool:
    """Whether a budget finding at ``path`` reads a patched value: a patch at, inside or
    above one of ``reads`` (see :data:`rules.READS_MONEY`; "#" is the module at ``path``)."""
    named = _MODULE.match(path)
    module = int(named[1]) if named else None
    for read in reads:
        pattern = tuple(module if part == "#" and module is not None else part for part in read)
        for loc in patched:
            if all(
                want in ("*", "#") or want == part for want, part in zip(pattern, loc, strict=False)
            ):
                return True
    return False
