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

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from mktplan.errors import PlanError
from mktplan.i18n import Msg, msg
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
    text: str = ""  # the document's source, for quoting a value as it was written

    @functools.cached_property
    def _lines(self) -> list[str]:
        """The source's lines as YAML counts them (NEL, LS and PS are no line breaks)."""
        return re.split(r"\r\n|\r|\n", self.text)

    def written(self, loc: Loc, value: object) -> str | None:
        """How the plan wrote ``value``, the plain scalar (a number, true, null) at ``loc``
        (``1e3`` rather than 1E+3, ``0x1F`` rather than 31), or None when ``loc`` has no
        mark of its own or the text there does not read as ``value``."""
        mark = self.marks.get(loc)
        if mark is None or isinstance(value, str):
            return None
        lines = self._lines
        if not 0 < mark.line <= len(lines):
            return None
        found = _PLAIN_TOKEN.match(lines[mark.line - 1], mark.column - 1)
        if found is None:
            return None
        try:
            read = _core_value(found.group())
        except ValueError:
            return None
        return found.group() if type(read) is type(value) and read == value else None

    def at(self, loc: Loc) -> Any:
        """The value at ``loc`` in the document as loaded (before the model reads it), or
        None when there is none."""
        data = self.data
        for part in loc:
            try:
                data = data[part]
            except (KeyError, IndexError, TypeError):
                return None
        return data

    def source_line(self, line: int) -> str | None:
        """The text of the 1-based ``line`` of the source, or None past its end."""
        lines = self._lines
        return lines[line - 1] if 0 < line <= len(lines) else None

    def mark(self, loc: Loc) -> Mark | None:
        """The mark of ``loc`` or of its nearest ancestor that has one."""
        probe = tuple(loc)
        while probe:
            found = self.marks.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return self.marks.get(())


# A plain scalar that is no text (a number, true, null) as written: up to a blank, a comment
# or a flow collection's punctuation.
_PLAIN_TOKEN = re.compile(r"[^\s,\[\]{}#]+")

# NEL, LS and PS: line breaks to YAML 1.1 and so to PyYAML, ordinary characters to YAML 1.2
# (spec 5.4), as text pasted from a web page or a chat may hold them. They are read through
# stand-ins from a private-use plane, then put back in every scalar.
_NON_BREAKS = "\x85\u2028\u2029"
_STAND_INS = "\U000f0085\U000f2028\U000f2029"


class _Builder:
    def __init__(self, file: str, restore: dict[int, int] | None = None) -> None:
        self.file = file
        self.marks: dict[Loc, Mark] = {}
        self.nodes = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        self._plain: dict[str, Any] = {}  # plain scalar -> its core-schema value (immutable)
        self._restore = restore  # stand-ins back to the characters they stand for

    def fail(self, message: Msg, mark: YamlMark, hint: Msg | None = None) -> PlanError:
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
                msg("yaml.too_many_values", max=f"{MAX_NODES:,}"),
                mark,
                hint=msg("yaml.too_many_values.hint"),
            )

    def _text(self, event: Any) -> str:
        """A scalar that is text. The file holds no NUL (it is refused as not text), but a
        double-quoted escape (\\0, \\x00, \\u0000) can write one: no store keeps it (PostgreSQL
        refuses it in text), so the plan is refused here, at its line."""
        text: str = event.value
        if event.style == '"' and "\x00" in text:
            raise self.fail(
                msg("yaml.nul_escape"), event.start_mark, hint=msg("yaml.nul_escape.hint")
            )
        return text

    def scalar(self, event: Any) -> Any:
        if self._restore is not None:
            event.value = event.value.translate(self._restore)
        tag = event.tag
        if tag is None or tag == "!":
            # a plain scalar is resolved by the core schema; quoted or `!`-tagged is text
            # (YAML 1.2, 6.9.1: `! 2024` is the text 2024; PyYAML resolves it as if plain)
            if tag is None and event.implicit[0] and event.style in (None, ""):  # C: ""
                text = event.value
                if text and text[0] not in _MAYBE_NOT_TEXT:  # most values are text
                    return text
                found = self._plain.get(text, _NO_KEY)
                if found is _NO_KEY:  # values repeat (units, dates): resolve each once
                    found = self._plain[text] = self._core_value(event)
                return found
            return self._text(event)
        if tag == _STR_TAG:
            return self._text(event)
        if tag in _CORE_TAGS:
            value: Any = self._core_value(event)
            if tag == _FLOAT_TAG and type(value) is int:
                value = Decimal(value)
            if _CORE_TAGS[tag] is not type(value):
                raise self.fail(
                    msg("yaml.tag_mismatch", value=event.value, tag=tag.rsplit(":", 1)[1]),
                    event.start_mark,
                    hint=msg("yaml.tag_mismatch.hint"),
                )
            return value
        if tag == "tag:yaml.org,2002:merge":
            raise self.fail(
                msg("yaml.merge_key"), event.start_mark, hint=msg("yaml.merge_key.hint")
            )
        raise self.fail(
            msg("yaml.tag_not_allowed", tag=event.tag),
            event.start_mark,
            hint=msg("yaml.tag_not_allowed.hint"),
        )

    def _core_value(self, event: Any) -> Any:
        try:
            return _core_value(event.value)
        except ValueError:  # an integer of more digits than Python converts
            raise self.fail(
                msg("yaml.too_many_digits", start=event.value[:40], digits=f"{len(event.value):,}"),
                event.start_mark,
                hint=msg("yaml.too_many_digits.hint"),
            ) from None

    def _duplicate_key(
        self, container: dict[Any, Any], loc: Loc, key: Any, start: YamlMark
    ) -> PlanError:
        """The error for ``key`` met again in ``container``. Python holds 1, 1.0 and true (or
        0 and false) as one key where YAML holds them apart: that is said, not "duplicate"."""
        first = self.marks.get((*loc, key))
        earlier = next(k for k in container if k == key)
        if type(earlier) is not type(key):
            shown = {"key": _key_text(key), "first": _key_text(earlier)}
            return self.fail(
                msg("yaml.equal_keys_at", **shown, line=first.line)
                if first
                else msg("yaml.equal_keys", **shown),
                start,
                hint=msg("yaml.equal_keys.hint", key=_key_text(key)),
            )
        return self.fail(
            msg("yaml.duplicate_key_at", key=_key_text(key), first=first.line)
            if first
            else msg("yaml.duplicate_key", key=_key_text(key)),
            start,
            hint=msg("yaml.duplicate_key.hint"),
        )

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
                    raise self.fail(msg("yaml.complex_key"), start)
                if value in container:
                    raise self._duplicate_key(container, loc, value, start)
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
                    raise self.fail(msg("yaml.unknown_alias", alias=event.anchor), event.start_mark)
                value, size = self.anchors[event.anchor]
                self.count(size, event.start_mark)
                place(value, event.start_mark, size)
                continue
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(
                        msg("yaml.too_deep", depth=MAX_DEPTH),
                        event.start_mark,
                        hint=msg("yaml.too_deep.hint"),
                    )
                if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    raise self.fail(msg("yaml.tag_not_allowed", tag=event.tag), event.start_mark)
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
                    raise self.fail(msg("yaml.merge_key"), start, hint=msg("yaml.merge_key.hint"))
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


def _key_text(key: Any) -> str:
    """A scalar key as YAML writes it: null, true, 1.0, 'text' (not None, True, Decimal)."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return str(key).lower()
    return repr(key) if isinstance(key, str) else str(key)


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


def explain_mistake(text: str, line: int) -> tuple[int, Msg, Msg] | None:
    """(line, message, hint) for a YAML mistake people make, found at or just before the
    ``line`` where the parser gave up; None when it is none of them."""
    lines = text.splitlines()
    for number in (line, line - 1):
        if not 1 <= number <= len(lines):
            continue
        source = lines[number - 1]
        if _TAB_INDENT.match(source):
            return (number, msg("yaml.tab", line=number), msg("yaml.tab.hint"))
        if colon := _NO_SPACE_AFTER_COLON.match(source):
            fixed = f"{colon[1]}{colon[2]}: {colon[3]}"
            return (
                number,
                msg("yaml.no_space_after_colon", source=source.strip()),
                msg("validate.hint_space_after_colon", fixed=fixed.strip()),
            )
        if reserved := _RESERVED_START.match(source):
            value = reserved[2]
            quote = "'" if '"' in value else '"'
            return (
                number,
                msg("yaml.reserved_start", value=value, char=value[0]),
                msg(
                    "yaml.reserved_start.hint", fixed=(reserved[1] + quote + value + quote).strip()
                ),
            )
    return None


# a text field whose plain value holds ": " (goal: Sales up 30% (vs. Q2): 1.3M)
_TEXT_WITH_COLON = re.compile(
    r"^(\s*(?:-\s+)?)(goal|name|definition|audience|background|issue)(\s*:\s+)"
    r"([^'\"\s{\[].*?:\s.*?)\s*$"
)


def explain_colon_in_value(text: str, line: int) -> tuple[int, Msg, Msg] | None:
    """(line, message, hint) when YAML's "mapping values are not allowed" at ``line`` comes
    from a colon and a space inside a text field's unquoted value; None otherwise."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    found = _TEXT_WITH_COLON.match(lines[line - 1])
    if found is None:
        return None
    value = found[4]
    quote = "'" if '"' in value else '"'
    fixed = f"{found[2]}{found[3]}{quote}{value}{quote}"
    return (
        line,
        msg("yaml.colon_in_value", field=found[2], value=value),
        msg("yaml.reserved_start.hint", fixed=fixed.strip()),
    )


def load_yaml_text(text: str, file: str) -> LoadedYaml:
    """Parse one YAML document; raise :class:`PlanError` with a location on any problem."""
    restore = None
    parsed = text
    if any(c in text for c in _NON_BREAKS) and not any(c in text for c in _STAND_INS):
        parsed = text.translate(str.maketrans(_NON_BREAKS, _STAND_INS))
        restore = str.maketrans(_STAND_INS, _NON_BREAKS)
    builder = _Builder(file, restore)
    try:
        events = yaml.parse(parsed, Loader=_PARSER)
        data = builder.build(events)
        # A second document in the same file is almost always a mistake.
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                raise builder.fail(
                    msg("yaml.two_documents"),
                    event.start_mark,
                    hint=msg("yaml.two_documents.hint"),
                )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "malformed YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        explained = None
        if mark and (exc.problem or "").startswith("mapping values are not allowed"):
            explained = explain_colon_in_value(text, mark.line + 1)
        if mark and explained is None:
            explained = explain_mistake(text, mark.line + 1)
        if explained is not None:
            line, message, hint = explained
            raise PlanError(message, file=file, line=line, hint=hint) from None
        raise builder.fail(
            msg("yaml.invalid", problem=problem), mark, hint=msg("yaml.invalid.hint")
        ) from None
    except yaml.YAMLError as exc:
        raise PlanError(msg("yaml.invalid", problem=str(exc)), file=file) from None
    except RecursionError:
        raise PlanError(msg("yaml.too_deep", depth=MAX_DEPTH), file=file) from None
    return LoadedYaml(data=data, file=file, marks=builder.marks, text=text)


def read_text_file(path: Path, *, what: str = "plan") -> str:
    """Read a UTF-8 text file with errors a user can act on."""
    name = str(path)
    try:
        exists = path.exists()
        is_dir = exists and path.is_dir()
    except OSError as exc:  # a folder on the way this user may not open
        raise PlanError(
            msg("file.unreadable", what=what, why=exc.strerror or str(exc)),
            file=name,
            hint=msg("file.unreadable.hint"),
        ) from None
    if not exists:
        raise PlanError(
            msg("file.not_found", what=what), file=name, hint=msg("file.not_found.hint")
        )
    if is_dir:
        raise PlanError(
            msg("file.is_directory", what=what), file=name, hint=msg("file.is_directory.hint")
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PlanError(msg("file.too_large", what=what, size=f"{size:,}"), file=name)
        raw = read_at_most(path, MAX_BYTES)  # a device or pipe has no size to check first
    except OSError as exc:
        raise PlanError(
            msg("file.unreadable", what=what, why=exc.strerror or str(exc)),
            file=name,
            hint=msg("file.unreadable.hint"),
        ) from None
    return decode_text(raw, name, what=what)


# Byte-order marks and the encodings they announce, UTF-32 first: its little-endian mark
# begins with UTF-16's. YAML 1.2 (spec 5.2) reads all of them; Notepad's "Unicode" is UTF-16.
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def encoding_of(raw: bytes) -> tuple[str, int]:
    """The encoding a text file's bytes are in, by their byte-order mark (UTF-8 without
    one), and the mark's length in bytes."""
    return next(((codec, len(bom)) for bom, codec in _BOMS if raw.startswith(bom)), ("utf-8", 0))


def text_of(raw: bytes) -> str:
    """The text of a file's bytes, decoded by their byte-order mark (UTF-8 without one) and
    the mark dropped; raises UnicodeDecodeError."""
    codec, skip = encoding_of(raw)
    return raw[skip:].decode(codec)


def decode_text(raw: bytes, name: str, *, what: str = "plan") -> str:
    """The text of a file's bytes (UTF-8, or UTF-16 or UTF-32 with a byte-order mark; the mark
    dropped), or a PlanError a user can act on."""
    if len(raw) > MAX_BYTES:
        raise PlanError(msg("file.over_limit", what=what, max=f"{MAX_BYTES:,}"), file=name)
    codec, skip = encoding_of(raw)
    body = raw[skip:]
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].decode(codec, "replace").count("\n") + 1
        offset = skip + exc.start
        if codec != "utf-8":
            raise PlanError(
                msg("file.bad_unicode", what=what, encoding=codec[:6].upper(), offset=offset),
                file=name,
                line=line,
                hint=msg("file.not_utf8.hint"),
            ) from None
        raise PlanError(
            msg("file.not_utf8", what=what, byte=f"0x{raw[offset]:02x}", offset=offset),
            file=name,
            line=line,
            hint=msg("file.not_utf8.hint"),
        ) from None
    if "\x00" in text:
        raise PlanError(msg("file.nul_bytes", what=what), file=name)
    return text


def load_yaml_file(path: Path, data: bytes | None = None) -> LoadedYaml:
    """The YAML document in ``path``, or in ``data`` (its bytes, already read)."""
    text = read_text_file(path) if data is None else decode_text(data, str(path))
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise PlanError(msg("file.empty"), file=str(path), hint=msg("file.empty.hint"))
    return load_yaml_text(text, str(path))
