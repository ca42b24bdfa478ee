"""YAML → plain Python data with the line and column of every key and value.

Built on PyYAML's event stream rather than its constructor so that it can refuse what the
safe loader accepts silently or slowly:

* duplicate keys (PyYAML keeps the last one without a word);
* alias bombs ("billion laughs"): every alias counts the size of what it points to, and the
  document is refused once it would expand past ``MAX_NODES`` nodes;
* deep nesting: refused past ``MAX_DEPTH`` levels, before any recursion can blow the stack.

Only the tags of YAML's core schema are built (the same as ``yaml.safe_load``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self.text = text
        self.marks: dict[Loc, Mark] = {}
        self.nodes = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        # A throwaway loader gives us PyYAML's own tag resolution and scalar construction.
        self._scalar_loader = yaml.SafeLoader("")
        self._tags: dict[tuple[str, Any], str] = {}

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
            key = (event.value, event.implicit)
            tag = self._tags.get(key)
            if tag is None:
                tag = self._scalar_loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
                self._tags[key] = tag
        if tag == _STR_TAG:  # most values are text: skip building a node for them
            return event.value
        if tag == "tag:yaml.org,2002:merge":
            raise self.fail(
                "merge keys (<<) are not supported in plans",
                event.start_mark,
                hint="write the shared fields out in each entry",
            )
        if not tag.startswith("tag:yaml.org,2002:"):
            raise self.fail(
                f"the YAML tag {event.tag!r} is not allowed in a plan",
                event.start_mark,
                hint="remove the tag; plans use plain YAML values only",
            )
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self._scalar_loader.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2024-02-30
            raise self.fail(
                f"cannot read the value {event.value!r}: {exc}",
                event.start_mark,
                hint="dates are YYYY-MM-DD and must exist in the calendar"
                if tag.endswith(":timestamp")
                else None,
            ) from None

    def _continues_text(self, frame: list[Any], event: Any) -> bool:
        """In a flow mapping, `{definition: paid / all, organic and paid}` means one text
        value with a comma in it: PyYAML would make `organic and paid` a key with no value.
        Fold such a colon-less, digit-free plain key back into the text value before it."""
        container, loc, key = frame[0], frame[1], frame[2]
        if not (type(container) is dict and frame[6] and key is not _NO_KEY):
            return False
        if event.value != "" or event.style not in (None, "") or not container:  # plain: C gives ""
            return False
        if not isinstance(key, str) or any(ch.isdigit() for ch in key):
            return False
        key_mark = self.marks.get((*loc, key))
        between = self.text[frame[7] : event.start_mark.index] if self.text else ":"
        if ":" in between or key_mark is None:
            return False
        last_key = next(reversed(container))
        last_value = container[last_key]
        if not isinstance(last_value, str):
            return False
        container[last_key] = f"{last_value}, {key}"
        del self.marks[(*loc, key)]
        frame[2] = _NO_KEY
        return True

    def build(self, events: Any) -> Any:
        """Consume the events of one document and return its value."""
        # Each frame: [container, loc, pending_key, anchor, start_index_of_nodes, key_mark]
        stack: list[list[Any]] = []
        root: Any = None
        have_root = False

        def place(value: Any, start: YamlMark, size: int, end_index: int = 0) -> None:
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
                frame[7] = end_index
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
                if stack and stack[-1][6] and self._continues_text(stack[-1], event):
                    continue
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                end: YamlMark = event.end_mark
                place(value, event.start_mark, 1, end.index)
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
                flow = bool(event.flow_style) and isinstance(event, yaml.MappingStartEvent)
                stack.append(
                    [container, loc, _NO_KEY, event.anchor, self.nodes, event.start_mark, flow, 0]
                )
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
# libyaml's parser emits the same events and marks (character offsets) 20× faster.
_PARSER: Any = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None
_PARSER = _PARSER or yaml.SafeLoader


def load_yaml_text(text: str, file: str) -> LoadedYaml:
    """Parse one YAML document; raise :class:`PlanError` with a location on any problem."""
    builder = _Builder(file, text)
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
