"""YAML → plain Python data with the line and column of every key and value.

Built on PyYAML's event stream rather than its constructor so that it can refuse what the
safe loader accepts silently or slowly:

* duplicate keys (PyYAML keeps the last one without a word);
* alias bombs ("billion laughs"): every alias counts the size of what it points to, and the
  document is refused once it would expand past ``MAX_NODES`` nodes;
* deep nesting: refused past ``MAX_DEPTH`` levels, before any recursion can blow the stack.

Plain scalars are read by the YAML 1.2 core schema, like yaml-language-server and most
editors and tools, not by PyYAML's YAML 1.1 rules: ``1:3.5`` is text (1.1 reads it as the
sexagesimal 63.5), ``0100000`` is the decimal 100000 (1.1: octal 32768), ``yes``/``no``/
``on``/``off`` are text, ``1e27`` is a number, and an unquoted date stays text until the
model reads it as a date. Floats are built as exact :class:`~decimal.Decimal` values. A plan
means to mktplan exactly what it means to every YAML tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from mktplan.errors import PlanError
from mktplan.plan import MAX_PLAN_BYTES, read_at_most

MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_BYTES = MAX_PLAN_BYTES

Loc = tuple[str | int, ...]
# PyYAML's stubs type event marks as a union of its pure and C marks, or None; both have
# the same fields, and events from the parser always carry them.
YamlMark = Any


class Mark(NamedTuple):
    """Where a key or value starts; a tuple because a plan has tens of thousands of them."""

    line: int  # 1-based
    column: int  # 1-based


@dataclass
class LoadedYaml:
    """A YAML document as Python data, with marks keyed by field path."""

    data: Any
    file: str
    marks: dict[Loc, Mark] = field(default_factory=dict)

    def mark(self, loc: Loc) -> Mark | None:
        """The mark of ``loc`` or of its nearest ancestor that has one."""
        probe = tuple(loc)
        while probe:
            found = self.marks.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return self.marks.get(())


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.marks: dict[Loc, Mark] = {}
        self.nodes = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        self._plain: dict[str, Any] = {}  # plain scalar -> its core-schema value (immutable)

    def fail(self, message: str, mark: YamlMark, hint: str | None = None) -> PlanError:
        return PlanError(
            message,
            file=self.file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint=hint,
        )

    def count(self, n: int, mark: YamlMark) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise self.fail(
                f"the document expands to more than {MAX_NODES:,} values "
                "(an alias bomb or a file far larger than any plan)",
                mark,
                hint="write the values out instead of nesting anchors and aliases",
            )

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            # a plain scalar is resolved by the core schema; quoted or `!`-tagged is text
            if event.implicit[0] and event.style in (None, ""):  # plain: C gives ""
                text = event.value
                if text and text[0] not in _MAYBE_NOT_TEXT:  # most values are text
                    return text
                found = self._plain.get(text, _NO_KEY)
                if found is _NO_KEY:  # values repeat (units, dates): resolve each once
                    found = self._plain[text] = self._core_value(event)
                return found
            return event.value
        if tag == _STR_TAG:
            return event.value
        if tag in _CORE_TAGS:
            value: Any = self._core_value(event)
            if tag == _FLOAT_TAG and type(value) is int:
                value = Decimal(value)
            if _CORE_TAGS[tag] is not type(value):
                raise self.fail(
                    f"the value {event.value!r} does not match its tag !!{tag.rsplit(':', 1)[1]}",
                    event.start_mark,
                    hint="remove the tag and write the value plainly",
                )
            return value
        if tag == "tag:yaml.org,2002:merge":
            raise self.fail(
                "merge keys (<<) are not supported in plans",
                event.start_mark,
                hint="write the shared fields out in each entry",
            )
        raise self.fail(
            f"the YAML tag {event.tag!r} is not allowed in a plan",
            event.start_mark,
            hint="remove the tag; plans use plain YAML values only",
        )

    def _core_value(self, event: Any) -> Any:
        try:
            return _core_value(event.value)
        except ValueError:  # an integer of more digits than Python converts
            raise self.fail(
                f"the number {event.value[:40]}… has {len(event.value):,} digits, more than "
                "any plan value",
                event.start_mark,
                hint="write the number the plan means; money and targets are far shorter",
            ) from None

    def build(self, events: Any) -> Any:
        """Consume the events of one document and return its value."""
        # Each frame: [container, loc, pending_key, anchor, start_index_of_nodes, start_mark]
        stack: list[list[Any]] = []
        root: Any = None
        have_root = False

        def place(value: Any, start: YamlMark, size: int) -> None:
            nonlocal root, have_root
            if not stack:
                root, have_root = value, True
                self.marks[()] = Mark(start.line + 1, start.column + 1)
                return
            frame = stack[-1]
            container, loc = frame[0], frame[1]
            if type(container) is list:
                item_loc = (*loc, len(container))
                container.append(value)
                self.marks[item_loc] = Mark(start.line + 1, start.column + 1)
                return
            if frame[2] is _NO_KEY:
                if isinstance(value, (dict, list)):
                    raise self.fail(
                        "a mapping key must be a plain value, not a list or mapping", start
                    )
                if value in container:
                    first = self.marks.get((*loc, value))
                    where = f" (first at line {first.line})" if first else ""
                    raise self.fail(
                        f"duplicate key {value!r}{where}",
                        start,
                        hint="each key may appear once in a mapping; merge the two entries",
                    )
                frame[2] = value
                self.marks[(*loc, value)] = Mark(start.line + 1, start.column + 1)
                return
            key = frame[2]
            container[key] = value
            frame[2] = _NO_KEY
            # a container value keeps the mark of its key's line: that is where a reader looks
            if not isinstance(value, (dict, list)):
                self.marks[(*loc, key)] = Mark(start.line + 1, start.column + 1)

        def child_loc() -> Loc:
            if not stack:
                return ()
            frame = stack[-1]
            container, loc = frame[0], frame[1]
            if isinstance(container, list):
                return (*loc, len(container))
            return (*loc, frame[2])

        event: Any
        for event in events:
            kind = type(event)
            # scalars are most events: test for them first
            if kind is yaml.ScalarEvent:
                self.count(1, event.start_mark)
                value = self.scalar(event)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                place(value, event.start_mark, 1)
                continue
            if kind is yaml.StreamStartEvent or kind is yaml.DocumentStartEvent:
                continue
            if kind is yaml.DocumentEndEvent:
                break
            if kind is yaml.AliasEvent:
                if event.anchor not in self.anchors:
                    raise self.fail(f"unknown alias *{event.anchor}", event.start_mark)
                value, size = self.anchors[event.anchor]
                self.count(size, event.start_mark)
                place(value, event.start_mark, size)
                continue
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(
                        f"the document nests deeper than {MAX_DEPTH} levels",
                        event.start_mark,
                        hint="a plan is a few levels deep; check the indentation",
                    )
                if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    raise self.fail(
                        f"the YAML tag {event.tag!r} is not allowed in a plan", event.start_mark
                    )
                self.count(1, event.start_mark)
                loc = child_loc()
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                begin: YamlMark = event.start_mark
                self.marks.setdefault(loc, Mark(begin.line + 1, begin.column + 1))
                stack.append([container, loc, _NO_KEY, event.anchor, self.nodes, event.start_mark])
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frame = stack.pop()
                container, anchor, first_count, start = frame[0], frame[3], frame[4], frame[5]
                size = self.nodes - first_count + 1
                if anchor:
                    self.anchors[anchor] = (container, size)
                if isinstance(container, dict) and "<<" in container:
                    raise self.fail(
                        "merge keys (<<) are not supported in plans",
                        start,
                        hint="write the shared fields out in each entry",
                    )
                place(container, start, size)
                continue
        if not have_root:
            return None
        return root


_NO_KEY = object()
_STR_TAG = "tag:yaml.org,2002:str"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_CORE_TAGS: dict[str, type] = {
    "tag:yaml.org,2002:null": type(None),
    "tag:yaml.org,2002:bool": bool,
    "tag:yaml.org,2002:int": int,
    _FLOAT_TAG: Decimal,
}

# The YAML 1.2.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema), in full.
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT_DECIMAL = re.compile(r"[-+]?[0-9]+")
_INT_OCTAL = re.compile(r"0o[0-7]+")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = frozenset({".nan", ".NaN", ".NAN"})
# only a plain scalar starting with one of these can be anything but text
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")


def _core_value(text: str) -> Any:
    """A plain scalar's value by the YAML 1.2 core schema: None, bool, int, a float as an
    exact Decimal, or text."""
    if text and text[0] not in _MAYBE_NOT_TEXT:
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT_DECIMAL.fullmatch(text):
        return int(text)  # 0100000 is the decimal 100000 (YAML 1.1 read it as octal)
    if _INT_OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _INT_HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return Decimal(text)  # exact: money is never a binary float (0.1 stays 0.1)
    if _INF.fullmatch(text):
        return Decimal("-Infinity") if text.startswith("-") else Decimal("Infinity")
    if text in _NAN:
        return Decimal("NaN")
    return text


# libyaml's parser emits the same events and marks (character offsets) 20× faster.
_PARSER: Any = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None
_PARSER = _PARSER or yaml.SafeLoader


_TAB_INDENT = re.compile(r"^ *\t")
_NO_SPACE_AFTER_COLON = re.compile(
    r"^(\s*(?:-\s+)?)([A-Za-z_\u4e00-\u9fff][\w.\-]*):(?![/\s])(\S.*)$"
)
_RESERVED_START = re.compile(r"^(\s*(?:-\s+)?[\w.\-]+:\s+)([%@`*&!|>].*?)\s*$")


def explain_mistake(text: str, line: int) -> tuple[int, str, str] | None:
    """(line, message, hint) for a YAML mistake people make, found at or just before the
    ``line`` where the parser gave up; None when it is none of them."""
    lines = text.splitlines()
    for number in (line, line - 1):
        if not 1 <= number <= len(lines):
            continue
        source = lines[number - 1]
        if _TAB_INDENT.match(source):
            return (
                number,
                f"line {number} is indented with a tab; YAML indents with spaces only",
                "replace the tab at the start of the line with spaces (two per level, as the "
                "lines around it)",
            )
        if colon := _NO_SPACE_AFTER_COLON.match(source):
            fixed = f"{colon[1]}{colon[2]}: {colon[3]}"
            return (
                number,
                f"missing space after the colon in `{source.strip()}`: YAML reads "
                "`key:value` as one piece of text",
                f"write it with a space after the colon: `{fixed.strip()}`",
            )
        if reserved := _RESERVED_START.match(source):
            value = reserved[2]
            quote = "'" if '"' in value else '"'
            return (
                number,
                f"the value {value!r} starts with {value[0]!r}, which YAML reserves: a value "
                "starting with %, @, `, *, &, !, | or > must be quoted",
                f"quote it: `{(reserved[1] + quote + value + quote).strip()}`",
            )
    return None


def load_yaml_text(text: str, file: str) -> LoadedYaml:
    """Parse one YAML document; raise :class:`PlanError` with a location on any problem."""
    builder = _Builder(file)
    try:
        events = yaml.parse(text, Loader=_PARSER)
        data = builder.build(events)
        # A second document in the same file is almost always a mistake.
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                raise builder.fail(
                    "the file holds more than one YAML document",
                    event.start_mark,
                    hint="a plan file holds one plan; remove the '---' separator",
                )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "malformed YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        explained = explain_mistake(text, mark.line + 1) if mark else None
        if explained is not None:
            line, message, hint = explained
            raise PlanError(message, file=file, line=line, hint=hint) from None
        raise builder.fail(
            f"not valid YAML: {problem}",
            mark,
            hint="check indentation, colons and quotes on this line and the one before",
        ) from None
    except yaml.YAMLError as exc:
        raise PlanError(f"not valid YAML: {exc}", file=file) from None
    except RecursionError:
        raise PlanError(f"the document nests deeper than {MAX_DEPTH} levels", file=file) from None
    return LoadedYaml(data=data, file=file, marks=builder.marks)


def read_text_file(path: Path, *, what: str = "plan") -> str:
    """Read a UTF-8 text file with errors a user can act on."""
    name = str(path)
    if not path.exists():
        raise PlanError(f"{what} file not found", file=name, hint="check the path and spelling")
    if path.is_dir():
        raise PlanError(
            f"this is a directory, not a {what} file",
            file=name,
            hint="name the YAML file itself, e.g. plans/q3.yaml",
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PlanError(f"{what} file is {size:,} bytes, larger than any plan", file=name)
        raw = read_at_most(path, MAX_BYTES)  # a device or pipe has no size to check first
    except OSError as exc:
        raise PlanError(f"cannot read the {what} file: {exc.strerror}", file=name) from None
    return decode_text(raw, name, what=what)


def decode_text(raw: bytes, name: str, *, what: str = "plan") -> str:
    """The text of a file's bytes (UTF-8, BOM dropped), or a PlanError a user can act on."""
    if len(raw) > MAX_BYTES:
        raise PlanError(f"{what} file is over {MAX_BYTES:,} bytes, larger than any plan", file=name)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlanError(
            f"the {what} file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            file=name,
            line=line,
            hint="save the file as UTF-8; most editors offer it under 'Save with encoding'",
        ) from None
    if "\x00" in text:
        raise PlanError(f"the {what} file contains NUL bytes; it is not a text file", file=name)
    return text


def load_yaml_file(path: Path, data: bytes | None = None) -> LoadedYaml:
    """The YAML document in ``path``, or in ``data`` (its bytes, already read)."""
    text = read_text_file(path) if data is None else decode_text(data, str(path))
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise PlanError(
            "the plan file is empty",
            file=str(path),
            hint="start from `mktplan init plan.yaml`, which writes a commented starter plan",
        )
    return load_yaml_text(text, str(path))
