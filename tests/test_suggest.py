"""'Did you mean': the same answers as difflib, from an index, within a budget per run."""

from __future__ import annotations

import difflib
import random
from pathlib import Path

from mktplan.suggest import MAX_LOOKUPS, Suggester
from tests.conftest import run_cli
from tests.plan.plans import mutate, write


def _ids(count: int) -> list[str]:
    rng = random.Random(7)  # noqa: S311 - reproducible test ids, not secrets
    words = ["sales", "orders", "visitors", "spend", "clicks", "leads", "roi", "cac", "gmv"]
    return [f"m{i:04d}.{rng.choice(words)}_{rng.randrange(100)}" for i in range(count)]


def _typo(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text))
    kind = rng.randrange(3)
    if kind == 0:
        return text[:at] + text[at + 1 :]
    if kind == 1:
        return text[:at] + "x" + text[at:]
    return text[:at] + "q" + text[at + 1 :]


def test_suggestions_agree_with_difflib_against_thousands_of_candidates() -> None:
    candidates = _ids(2_000)
    rng = random.Random(11)  # noqa: S311 - reproducible typos, not secrets
    names = [_typo(rng.choice(candidates), rng) for _ in range(150)]
    suggester = Suggester(candidates)
    agree = 0
    for name in names:
        expected = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        got = suggester.suggest(name)
        assert len(got) == len(expected)
        if got:
            # the same similarity as difflib's best, even where two candidates tie
            best = difflib.SequenceMatcher(None, name, expected[0]).ratio()
            assert difflib.SequenceMatcher(None, name, got[0]).ratio() == best
            agree += got == expected
    assert agree >= 140


def test_small_candidate_lists_are_exactly_difflib() -> None:
    fields = ["id", "name", "owner", "budget", "goal", "kpis", "actions", "collaborators"]
    for name in ["ownr", "budgte", "gaol", "kpi", "zzz", "actoins"]:
        assert Suggester(fields).suggest(name) == difflib.get_close_matches(name, fields, 1, 0.6)


def test_the_number_of_suggestions_computed_per_run_is_capped() -> None:
    candidates = _ids(500)
    suggester = Suggester(candidates, max_lookups=3)
    names = [c[:-1] + "z" for c in candidates[:5]]
    answers = [suggester.suggest(n) for n in names]
    assert all(answers[:3])
    assert answers[3:] == [[], []]
    assert suggester.suggest(names[0]) == answers[0]  # a remembered answer is still given


def _plan_with_formula_typos(tmp_path: Path, names: list[str]) -> Path:
    extra = "".join(
        f"  - {{id: r{i}, name: R{i}, unit: ratio, formula: {name} / online.visitors}}\n"
        for i, name in enumerate(names)
    )
    return write(tmp_path, mutate("kpis:\n  - {id: roi,", "kpis:\n" + extra + "  - {id: roi,"))


def test_validate_caps_the_suggestions_computed_in_a_plan_full_of_typos(tmp_path: Path) -> None:
    names = [f"online.sales{i}" for i in range(MAX_LOOKUPS + 20)]
    run = run_cli("validate", _plan_with_formula_typos(tmp_path, names))
    assert run.code == 1
    assert run.stdout.count("which is not a KPI") == MAX_LOOKUPS + 20  # every one reported
    assert run.stdout.count("did you mean 'online.sales'?") == MAX_LOOKUPS  # suggestions capped
    assert "refers to 'online.sales0', which is not a KPI; did you mean" in run.stdout


def test_the_same_typo_is_looked_up_once_and_suggested_everywhere(tmp_path: Path) -> None:
    names = ["online.salse"] * (MAX_LOOKUPS + 20)
    run = run_cli("validate", _plan_with_formula_typos(tmp_path, names))
    assert run.code == 1
    assert run.stdout.count("did you mean 'online.sales'?") == MAX_LOOKUPS + 20


def test_a_bare_kpi_id_suggests_every_module_kpi_it_names() -> None:
    from mktplan.suggest import close_kpis

    refs = [f"m{i:03d}.{kpi}" for i in range(300) for kpi in ("sales", "orders", "visitors")]
    assert Suggester(refs).same_tail("orders") == sorted(r for r in refs if r.endswith(".orders"))
    assert close_kpis("sales", refs)[:2] == ["m000.sales", "m001.sales"]
    found = close_kpis("m007.salse", refs)
    assert found[0] == "m007.sales"
    assert found[0] == difflib.get_close_matches("m007.salse", refs, 1, 0.6)[0]
    assert close_kpis("zzzz", refs) == []
