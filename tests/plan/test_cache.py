"""The validated-plan cache: hits only for the same bytes and the same plan code, never
changes what load_plan returns or refuses, and never makes a load fail."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from mktplan.errors import PlanError
from mktplan.plan import cache
from mktplan.plan.validate import check_plan_file, load_plan
from tests.conftest import PLANS

EXAMPLES = sorted(PLANS.glob("*.yaml"))


@pytest.fixture
def plan_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    target = tmp_path / "plan.yaml"
    shutil.copy(PLANS / "q3-2023-growth.yaml", target)
    return target


def entries(plan: Path) -> list[Path]:
    return sorted((plan.parent / ".mktplan" / "cache").glob("plan-*.json"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_cached_plan_equals_a_fresh_load(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    plan_path = tmp_path / example.name
    shutil.copy(example, plan_path)
    fresh = check_plan_file(plan_path).plan
    first = load_plan(plan_path)
    assert len(entries(plan_path)) == 1
    cached = cache.lookup(plan_path, plan_path.read_bytes())
    assert cached is not None
    assert cached == first == fresh
    assert load_plan(plan_path) == fresh


def test_numbers_written_with_an_exponent_come_back_from_the_cache(plan_copy: Path) -> None:
    # the cache's JSON writes 1E+6 as text, which a plan may not (`"1e6"` is text to YAML)
    text = plan_copy.read_text(encoding="utf-8").replace(
        "target: 5000000, due: 2023-07-31,",
        "target: 5e6, due: 2023-07-31, checkpoints: {2023-07-15: 2.5e6, 2023-07-20: 60%},",
    )
    plan_copy.write_text(text, encoding="utf-8")
    fresh = check_plan_file(plan_copy).plan
    assert fresh is not None
    assert load_plan(plan_copy) == fresh
    assert cache.lookup(plan_copy, plan_copy.read_bytes()) == fresh


def test_an_edited_plan_is_checked_afresh(plan_copy: Path) -> None:
    load_plan(plan_copy)
    text = plan_copy.read_text(encoding="utf-8")
    plan_copy.write_text(text.replace("reserve: 45000", "reserve: 150000"), encoding="utf-8")
    assert "reserve: 150000" in plan_copy.read_text(encoding="utf-8")
    with pytest.raises(PlanError, match="reserve"):
        load_plan(plan_copy)
    assert len(entries(plan_copy)) == 1  # the invalid plan was not cached
    plan_copy.write_text(text, encoding="utf-8")  # back to the valid bytes: a hit again
    assert load_plan(plan_copy) == check_plan_file(plan_copy).plan


def test_changed_plan_code_misses(plan_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_plan(plan_copy)
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: b"another mktplan")
    assert cache.lookup(plan_copy, plan_copy.read_bytes()) is None
    load_plan(plan_copy)
    assert len(entries(plan_copy)) == 2


def test_empty_cache_dir_turns_the_cache_off(
    plan_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "")
    load_plan(plan_copy)
    assert not (plan_copy.parent / ".mktplan").exists()


def test_cache_dir_from_the_environment(
    plan_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "elsewhere"))
    load_plan(plan_copy)
    assert len(list((tmp_path / "elsewhere").glob("plan-*.json"))) == 1
    assert not (plan_copy.parent / ".mktplan").exists()


def test_a_corrupt_entry_is_ignored_and_replaced(plan_copy: Path) -> None:
    expected = load_plan(plan_copy)
    (entry,) = entries(plan_copy)
    entry.write_text('{"plan": "not a plan"}', encoding="utf-8")
    assert cache.lookup(plan_copy, plan_copy.read_bytes()) is None
    assert load_plan(plan_copy) == expected
    assert cache.lookup(plan_copy, plan_copy.read_bytes()) == expected  # rewritten


def test_an_unusable_cache_dir_never_fails_a_load(
    plan_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    assert load_plan(plan_copy) == check_plan_file(plan_copy).plan
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_old_entries_are_pruned(plan_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    text = plan_copy.read_text(encoding="utf-8")
    for i in range(5):  # five different valid plans: a comment changes the bytes
        plan_copy.write_text(f"{text}\n# edit {i}\n", encoding="utf-8")
        load_plan(plan_copy)
    assert len(entries(plan_copy)) == 3


def test_a_plan_saved_again_during_a_load_cannot_poison_the_cache(
    plan_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bytes read first are the bytes checked and the key: an editor saving another
    version while the plan is checked (A→B→A) cannot put B under A's key."""
    from mktplan.plan import validate

    original = plan_copy.read_bytes()
    other = original.replace(b"reserve: 45000", b"reserve: 40000")
    real_check = validate.check_plan_file

    def check_while_saving(path: Path, data: bytes | None = None) -> validate.PlanCheck:
        plan_copy.write_bytes(other)  # saved meanwhile
        try:
            return real_check(path, data)
        finally:
            plan_copy.write_bytes(original)  # and back

    monkeypatch.setattr(validate, "check_plan_file", check_while_saving)
    loaded = load_plan(plan_copy)
    monkeypatch.undo()
    assert loaded.budget.reserve == 45000
    assert cache.lookup(plan_copy, original) == loaded
    assert cache.lookup(plan_copy, other) is None


def test_validate_remembers_a_valid_plan_for_ingest_and_report(plan_copy: Path) -> None:
    from tests.conftest import run_cli

    run = run_cli("validate", plan_copy)
    assert run.code == 0, run.output
    assert cache.lookup(plan_copy, plan_copy.read_bytes()) == check_plan_file(plan_copy).plan
    broken = plan_copy.read_text(encoding="utf-8").replace("reserve: 45000", "reserve: 150000")
    plan_copy.write_text(broken, encoding="utf-8")
    assert run_cli("validate", plan_copy).code == 1
    assert cache.lookup(plan_copy, plan_copy.read_bytes()) is None


def test_a_file_too_large_to_be_a_plan_is_not_read_into_memory(
    plan_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mktplan.plan import validate

    monkeypatch.setattr(cache, "MAX_PLAN_BYTES", 100)
    seen: list[bytes | None] = []
    real_check = validate.check_plan_file

    def spy(path: Path, data: bytes | None = None) -> validate.PlanCheck:
        seen.append(data)
        return real_check(path, data)

    monkeypatch.setattr(validate, "check_plan_file", spy)
    cache.check_and_remember(plan_copy)
    assert seen == [None]  # the loader's own size check then refuses the file


def test_a_pipe_in_place_of_an_entry_is_left_alone(plan_copy: Path) -> None:
    expected = load_plan(plan_copy)
    (entry,) = entries(plan_copy)
    entry.unlink()
    os.mkfifo(entry)
    assert cache.lookup(plan_copy, plan_copy.read_bytes()) is None  # not read: no writer
    assert load_plan(plan_copy) == expected
    assert stat.S_ISFIFO(os.lstat(entry).st_mode)  # not replaced by the rename
