"""The YAML loader: marks, duplicate keys, alias bombs, deep nesting, bad files."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.errors import PlanError
from mktplan.plan.loader import MAX_DEPTH, load_yaml_file, load_yaml_text
from tests.conftest import run_cli
from tests.plan.plans import VALID, mutate, write


def test_marks_point_at_keys_and_values() -> None:
    loaded = load_yaml_text("a: 1\nb:\n  - x\n  - {c: 2, d: 3}\n", "f.yaml")
    assert loaded.data == {"a": 1, "b": ["x", {"c": 2, "d": 3}]}
    assert loaded.marks[("a",)].line == 1
    assert loaded.marks[("b",)].line == 2
    assert loaded.marks[("b", 1)].line == 4
    assert loaded.marks[("b", 1, "d")].line == 4
    assert loaded.marks[("b", 1, "d")].column == 15  # the value: "  - {c: 2, d: 3}"
    assert loaded.mark(("b", 1, "nope")) == loaded.marks[("b", 1)]


def test_values_are_typed_by_the_core_schema() -> None:
    loaded = load_yaml_text("d: 2024-06-01\nn: 12.5\ni: 3\nt: true\nz: ~\ns: '2024-06-01'\n", "f")
    assert loaded.data == {
        "d": "2024-06-01",
        "n": Decimal("12.5"),
        "i": 3,
        "t": True,
        "z": None,
        "s": "2024-06-01",
    }


def test_duplicate_key_is_refused_with_both_lines() -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text("plan:\n  id: a\n  name: x\n  id: b\n", "dup.yaml")
    assert info.value.line == 4
    assert "duplicate key 'id'" in info.value.message
    assert "first at line 2" in info.value.message


@pytest.mark.parametrize(
    ("mapping", "first", "second"),
    [
        ("{1: a, true: b}", "1", "true"),
        ("{1: a, 1.0: b}", "1", "1.0"),
        ("{0: a, false: b}", "0", "false"),
    ],
)
def test_keys_yaml_holds_apart_are_not_called_duplicates(
    mapping: str, first: str, second: str
) -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text(f"k:\n  x: 1\n  y: {mapping}\n", "keys.yaml")
    assert info.value.line == 3
    assert info.value.message == (
        f"the keys {first} (line 3) and {second} are different in YAML but one key to mktplan"
    )
    assert f'"{second}"' in str(info.value.hint)


def test_a_duplicate_null_key_is_named_as_yaml_writes_it() -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text("k: {null: 1, ~: 2}\n", "dup.yaml")
    assert info.value.message == "duplicate key null (first at line 1)"


def test_duplicate_key_in_flow_mapping() -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text("k: {a: 1, a: 2}\n", "dup.yaml")
    assert info.value.line == 1


BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(PlanError) as info:
        load_yaml_text(BOMB, "bomb.yaml")
    assert time.perf_counter() - started < 1.0  # a bound on the defence, not a benchmark
    assert "alias bomb" in info.value.message
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    run = run_cli("validate", path)
    assert run.code == 1
    assert "Traceback" not in run.output
    assert "alias bomb" in run.stdout


def test_small_aliases_are_fine() -> None:
    loaded = load_yaml_text("base: &b {x: 1}\nother: *b\n", "f")
    assert loaded.data["other"] == {"x": 1}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000])
def test_deep_nesting_fails_fast(tmp_path: Path, depth: int) -> None:
    text = "a: " + "[" * depth + "]" * depth + "\n"
    # Which guard stops it first (ours at MAX_DEPTH, or libyaml's own nesting limit) depends
    # on the PyYAML release; the behaviour is what counts: a plan error with its place, exit 1.
    with pytest.raises(PlanError) as info:
        load_yaml_text(text, "deep.yaml")
    assert info.value.file == "deep.yaml"
    assert info.value.line == 1
    assert "nest" in info.value.message.lower()
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    run = run_cli("validate", path)
    assert run.code == 1
    assert "Traceback" not in run.output
    assert "internal error" not in run.output
    assert f"{path}:1" in run.stdout


def test_block_nesting_10000_levels(tmp_path: Path) -> None:
    text = "".join(f"{' ' * i}k{i}:\n" for i in range(10_000))
    with pytest.raises(PlanError):
        load_yaml_text(text, "deep.yaml")


def test_python_tags_are_refused() -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text("a: !!python/object/apply:os.system ['echo hi']\n", "evil.yaml")
    assert "not allowed" in info.value.message


def test_merge_keys_are_refused() -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "m.yaml")
    assert "merge keys" in info.value.message


@pytest.mark.parametrize("escape", ["\\0", "\\x00", "\\u0000"])
def test_a_nul_written_by_an_escape_is_refused_at_its_line(escape: str) -> None:
    """The file holds no NUL byte, but a double-quoted escape writes one into the value:
    PostgreSQL cannot store it (every ingest of the plan would then fail on the export)."""
    with pytest.raises(PlanError) as info:
        load_yaml_text(f'plan:\n  id: a\n  name: "Sales{escape}"\n', "nul.yaml")
    assert info.value.message.startswith("a quoted value writes a NUL character")
    assert (info.value.line, info.value.column) == (3, 9)
    # other escapes, and a backslash in single quotes, are text as written
    assert load_yaml_text("a: \"x\\ty\"\nb: '\\0'\n", "ok.yaml").data == {"a": "x\ty", "b": "\\0"}


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text("plan:\n  id: a\n  name: [unclosed\nbudget: 1\n", "bad.yaml")
    assert info.value.line is not None
    assert info.value.line >= 3
    assert info.value.message.startswith("not valid YAML")


def test_two_documents_are_refused() -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text("a: 1\n---\nb: 2\n", "two.yaml")
    assert "more than one YAML document" in info.value.message


def test_a_comma_in_a_flow_mapping_separates_entries_as_in_every_yaml_tool() -> None:
    loaded = load_yaml_text("k: {definition: paid / all, organic and paid, unit: count}\n", "f")
    assert loaded.data == {
        "k": {"definition": "paid / all", "organic and paid": None, "unit": "count"}
    }


def test_a_comma_in_a_flow_mapping_is_an_unknown_field_not_folded_text(tmp_path: Path) -> None:
    text = mutate(
        "{id: visitors, name: Visitors, unit: count, source: shop}",
        "{id: visitors, name: Visitors, unit: count, source: shop, all visits}",
    )
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert "unknown field 'all visits'" in run.stdout


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1:3.5", "1:3.5"),  # YAML 1.1: sexagesimal 63.5
        ("1:30:00", "1:30:00"),
        ("0100000", 100000),  # YAML 1.1: octal 32768
        ("0o17", 15),
        ("0x1F", 31),
        ("0b101", "0b101"),  # YAML 1.1: binary 5
        ("1_000", "1_000"),  # YAML 1.1: 1000
        ("-42", -42),
        ("+7", 7),
        ("12.5", Decimal("12.5")),
        (".5", Decimal("0.5")),
        ("1e27", Decimal("1e27")),  # YAML 1.1: text (no dot)
        ("1E-3", Decimal("0.001")),
        ("0.1", Decimal("0.1")),  # exact, never the binary float 0.1000000000000000055…
        ("999999999999.999999", Decimal("999999999999.999999")),
        ("yes", "yes"),  # YAML 1.1: true
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("tRUE", "tRUE"),
        ("null", None),
        ("Null", None),
        ("~", None),
        ("", None),
        ("2024-06-01", "2024-06-01"),  # YAML 1.1: a date; the model reads it as one
        ("2024-06-01 10:00:00", "2024-06-01 10:00:00"),
        ("'0100000'", "0100000"),
        ('"true"', "true"),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text: str, value: object) -> None:
    loaded = load_yaml_text(f"k: {text}\n", "f")
    assert loaded.data == {"k": value}
    assert type(loaded.data["k"]) is type(value)


def test_inf_and_nan_are_numbers_by_the_core_schema() -> None:
    data = load_yaml_text("k: [.inf, -.Inf, +.INF, .nan, .NaN]\n", "f").data["k"]
    assert data[:3] == [Decimal("Infinity"), Decimal("-Infinity"), Decimal("Infinity")]
    assert all(v.is_nan() for v in data[3:])


def test_an_infinite_budget_is_an_error_not_a_crash(tmp_path: Path) -> None:
    run = run_cli("validate", write(tmp_path, mutate("total: 100000", "total: .inf")))
    assert run.code == 1
    assert ":12 budget.total: .inf is not a finite number for 'total'" in run.stdout


def test_explicit_core_tags_and_other_tags() -> None:
    data = load_yaml_text("k: !!str 12\nf: !!float 3\ni: !!int '7'\n", "f").data
    assert data == {"k": "12", "f": Decimal(3), "i": 7}
    assert type(data["f"]) is Decimal
    with pytest.raises(PlanError) as info:
        load_yaml_text("k: !!int yes\n", "f")
    assert "'yes' does not match its tag !!int" in info.value.message
    with pytest.raises(PlanError) as info:
        load_yaml_text("k: !!timestamp 2024-01-01\n", "f")
    assert "not allowed" in info.value.message


def test_the_non_specific_tag_makes_a_scalar_text() -> None:
    # YAML 1.2 (6.9.1): `!` resolves a scalar to text; PyYAML resolves it as if plain
    data = load_yaml_text("a: ! 2024\nb: ! true\nc: ! null\nd: ! [1]\ne: 2024\n", "f").data
    assert data == {"a": "2024", "b": "true", "c": "null", "d": [1], "e": 2024}


def test_a_number_of_thousands_of_digits_is_a_plan_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as info:
        load_yaml_text("k: " + "9" * 5000 + "\n", "f")
    assert "5,000 digits" in info.value.message
    assert info.value.line == 1


def test_keys_follow_the_core_schema_too() -> None:
    assert load_yaml_text("yes: 1\non: 2\n2024: 3\n", "f").data == {"yes": 1, "on": 2, 2024: 3}


def test_a_sexagesimal_roi_target_is_an_error_with_the_number_to_write(tmp_path: Path) -> None:
    text = mutate(
        "formula: revenue / spend, target: 3,", "formula: revenue / spend, target: 1:3.5,"
    )
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert ":19 kpis[0].target: '1:3.5' is not a number for 'target'" in run.stdout
    assert "ROI targets are written as the return per 1 spent: write 3.5 for 1:3.5" in run.stdout


def test_a_leading_zero_budget_is_the_decimal_number(tmp_path: Path) -> None:
    # 0100000 is 100000 by YAML 1.2 (1.1: octal 32768, which broke the reserve share)
    text = mutate("total: 100000", "total: 0100000")
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 0, run.stdout
    assert "1 valid" in run.stdout


def test_yes_as_an_owner_is_a_name_not_a_boolean(tmp_path: Path) -> None:
    text = mutate("owner: Sun Li", "owner: yes")
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 0, run.stdout


def test_unquoted_dates_keep_their_meaning(tmp_path: Path) -> None:
    import datetime as dt

    from mktplan.plan.cache import load_plan

    plan = load_plan(write(tmp_path, VALID), remember=False)
    assert plan.plan.period.start == dt.date(2024, 1, 1)
    assert plan.modules[0].kpis[0].due == dt.date(2024, 3, 31)
    assert plan.plan.approvals[0].date == dt.date(2023, 12, 20)
    assert plan.modules[0].actions[0].end == dt.date(2024, 3, 20)
    assert plan.reviews[0].date == dt.date(2024, 2, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"# only a comment\n\n", "empty"),
        (b"plan: \xff\xfe bad\n", "not UTF-8"),
        (b"a: 1\x00\n", "NUL"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    with pytest.raises(PlanError) as info:
        load_yaml_file(path)
    assert message in info.value.message
    run = run_cli("validate", path)
    assert run.code == 1
    assert "Traceback" not in run.output
    assert message in run.stdout


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing = run_cli("validate", tmp_path / "nope.yaml")
    assert missing.code == 1
    assert "not found" in missing.stdout
    directory = run_cli("validate", tmp_path)
    assert directory.code == 1
    assert "directory" in directory.stdout


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    run = run_cli("validate", path)
    assert run.code == 1
    assert "mapping" in run.stdout


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_yaml_file(path).data == {"a": 1}


def test_an_impossible_date_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        mutate("{start: 2024-01-01, end: 2024-03-31}", "{start: 2024-02-30, end: 2024-03-31}"),
    )
    run = run_cli("validate", path, tmp_path / "missing.yaml")
    assert run.code == 1
    assert "internal error" not in run.output
    assert (
        f"{path}:5 plan.period.start: '2024-02-30' is not a valid date for 'start' "
        "(that month has no such day)"
    ) in run.stdout
    assert "missing.yaml" in run.stdout  # the other file is still checked


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("2024-13-01", "月份不在 01-12 之间"),
        ('"２０２４-02-01"', "年份里有 0-9 以外的字符"),
        ("2024-2-1", "太短：月和日各写两位"),
        ('"2024-02-01x"', "日期后面还有别的字符"),
    ],
)
def test_why_a_date_is_unreadable_is_said_in_the_plans_language(
    tmp_path: Path, written: str, why: str
) -> None:
    # pydantic's reasons are English sentences: each known one is the catalogue's
    text = mutate("{start: 2024-01-01, end: 2024-03-31}", f"{{start: {written}, end: 2024-03-31}}")
    run = run_cli("validate", "--lang", "zh", write(tmp_path, text))
    assert run.code == 1
    value = written.strip('"')
    assert f"plan.period.start: '{value}' 不是 'start' 的有效日期（{why}）" in run.stdout


@pytest.mark.parametrize(
    ("old", "new", "line", "message", "hint"),
    [
        (
            "  cadence: weekly\n",
            "  cadence: weekly\n  description: %\n",
            8,
            "the value '%' starts with '%', which YAML reserves",
            'quote it: `description: "%"`',
        ),
        (
            "  currency: CNY\n",
            "\tcurrency: CNY\n",
            6,
            "line 6 is indented with a tab; YAML indents with spaces only",
            "replace the tab at the start of the line with spaces",
        ),
        (
            "  currency: CNY\n",
            "  currency:CNY\n",
            6,
            "missing space after the colon in `currency:CNY`",
            "write it with a space after the colon: `currency: CNY`",
        ),
        (
            "{id: visitors, name: Visitors,",
            "{id:visitors, name: Visitors,",
            29,
            "unknown field 'id:visitors': a missing space after the colon",
            "write it with a space after the colon: `id: visitors`",
        ),
        (
            "formula: revenue / spend, target: 3,",
            'formula: revenue / spend, target: "1:6",',
            19,
            "'1:6' is not a number for 'target'",
            "ROI targets are written as the return per 1 spent: write 6 for 1:6",
        ),
        (
            "target: 500000,",
            "target: 1200万,",
            28,
            "'1200万' is not a number for 'target'",
            "write 12000000 for 1200万",
        ),
    ],
)
def test_yaml_mistakes_people_make_are_explained(
    tmp_path: Path, old: str, new: str, line: int, message: str, hint: str
) -> None:
    plan = write(tmp_path, mutate(old, new))
    run = run_cli("validate", plan)
    assert run.code == 1
    assert f"{plan}:{line}" in run.stdout
    assert message in run.stdout
    assert f"hint: {hint}" in run.stdout
    assert "missing required field" not in run.stdout  # one finding per mistake


def test_nel_ls_and_ps_are_characters_of_a_value_not_line_breaks() -> None:
    # YAML 1.2 (spec 5.4) reads U+0085, U+2028 and U+2029 as ordinary characters; PyYAML,
    # by YAML 1.1, broke the plain value at them ("could not find expected ':'")
    text = 'audience: Women\u202825-35\nnote: "a\u2029b"\nname: x\x85y\nowner: Li Na\n'
    loaded = load_yaml_text(text, "plan.yaml")
    assert loaded.data == {
        "audience": "Women\u202825-35",
        "note": "a\u2029b",
        "name": "x\x85y",
        "owner": "Li Na",
    }
    assert loaded.marks[("owner",)].line == 4  # no extra lines counted


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),  # Notepad's "Unicode"
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
    ],
)
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    # YAML 1.2 (spec 5.2) reads them; they were refused as "not UTF-8 (byte 0xff at offset 0)"
    text = mutate(
        "goal: Online sales of 500,000 CNY by 31 March 2024",
        "goal: Improve brand awareness",
        VALID.replace("\n", "\r\n"),
    )
    path = tmp_path / "plan.yaml"
    path.write_bytes(bom + text.encode(encoding))
    assert load_yaml_file(path).data["plan"]["name"] == "Test plan"
    run = run_cli("validate", path)
    assert run.code == 1
    line = text.splitlines().index("    goal: Improve brand awareness") + 1
    assert f"{path}:{line} modules[0].goal: module 'online': the goal" in run.stdout
    assert "UTF-8" not in run.stdout


def test_invalid_utf16_after_its_bom_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"\xff\xfe" + "a: 1\nb: 2\n".encode("utf-16-le") + b"\x00\xdc")
    with pytest.raises(PlanError) as info:
        load_yaml_file(path)
    assert info.value.message == (
        "the plan file starts with a UTF-16 byte-order mark but is not valid UTF-16 "
        "(at byte offset 22)"
    )
    assert info.value.line == 3


@pytest.mark.parametrize("key", ["goal", "name", "definition"])
def test_a_colon_and_space_in_a_text_value_says_to_quote_it(tmp_path: Path, key: str) -> None:
    # "mapping values are not allowed in this context" said nothing of the colon in the goal
    text = (
        "plan:\n  id: t\n  name: T\nmodules:\n  - id: m\n"
        f"    {key}: Sales up 30% (vs. Q2): 1.3M\n    owner: Li Na\n"
    )
    path = write(tmp_path, text)
    run = run_cli("validate", path)
    assert run.code == 1
    assert (
        f"{path}:6: the value of `{key}:` holds a colon and a space (Sales up 30% (vs. Q2): 1.3M)"
    ) in run.stdout
    assert f'hint: quote it: `{key}: "Sales up 30% (vs. Q2): 1.3M"`' in run.stdout
    assert "mapping values are not allowed" not in run.stdout


def test_a_colon_in_another_field_keeps_the_parsers_message(tmp_path: Path) -> None:
    path = write(tmp_path, "plan:\n  id: t\n  owner: a: b\n")
    run = run_cli("validate", path)
    assert "not valid YAML: mapping values are not allowed" in run.stdout
