"""The YAML loader: marks, duplicate keys, alias bombs, deep nesting, bad files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mktplan.errors import PlanError
from mktplan.plan.loader import MAX_DEPTH, load_yaml_file, load_yaml_text
from tests.conftest import run_cli


def test_marks_point_at_keys_and_values() -> None:
    loaded = load_yaml_text("a: 1\nb:\n  - x\n  - {c: 2, d: 3}\n", "f.yaml")
    assert loaded.data == {"a": 1, "b": ["x", {"c": 2, "d": 3}]}
    assert loaded.marks[("a",)].line == 1
    assert loaded.marks[("b",)].line == 2
    assert loaded.marks[("b", 1)].line == 4
    assert loaded.marks[("b", 1, "d")].line == 4
    assert loaded.marks[("b", 1, "d")].column == 15  # the value: "  - {c: 2, d: 3}"
    assert loaded.mark(("b", 1, "nope")) == loaded.marks[("b", 1)]


def test_values_are_typed_like_safe_load() -> None:
    import datetime as dt

    loaded = load_yaml_text("d: 2024-06-01\nn: 12.5\ni: 3\nt: true\nz: ~\ns: '2024-06-01'\n", "f")
    assert loaded.data == {
        "d": dt.date(2024, 6, 1),
        "n": 12.5,
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


def test_flow_mapping_text_with_a_comma_stays_one_value() -> None:
    loaded = load_yaml_text("k: {definition: paid / all, organic and paid, unit: count}\n", "f")
    assert loaded.data == {"k": {"definition": "paid / all, organic and paid", "unit": "count"}}


def test_flow_mapping_continuation_never_swallows_a_keyed_field() -> None:
    loaded = load_yaml_text("k: {name: x, target 5}\n", "f")
    assert loaded.data == {"k": {"name": "x", "target 5": None}}


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
    with pytest.raises(PlanError) as info:
        load_yaml_text("plan:\n  period: {start: 2024-02-30, end: 2024-03-31}\n", "d.yaml")
    assert info.value.line == 2
    assert "day is out of range" in info.value.message
    path = tmp_path / "d.yaml"
    path.write_text("plan:\n  period: {start: 2024-02-30, end: 2024-03-31}\n")
    run = run_cli("validate", path, tmp_path / "missing.yaml")
    assert run.code == 1
    assert "internal error" not in run.output
    assert f"{path}:2" in run.stdout
    assert "missing.yaml" in run.stdout  # the other file is still checked
