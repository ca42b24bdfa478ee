"""One person owns a module or an action: two names are an error, a department a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.plan.plans import mutate, write


@pytest.mark.parametrize(
    "owner",
    [
        "周云 王芳",
        "张三/李四",
        "Li Hua and Zhao Qiang",
        "王芳、李雷",
        # names joined by 和, 与 or 及
        "张三和李四",
        "张三 和 李四",
        "王芳与李雷",
        "周云及王芳",
        "欧阳娜娜和李四",
        "张三丰与李四",
        "Li Hua 和 王芳",
        # a second person who helps is a second owner
        "Zhang Min (with Li Hua)",
        "Li Hua with Zhao Qiang",
        "Li Hua AND Zhao Qiang",
        "张敏（李华协助）",
        "张敏 协同 李华",
        "张敏、李华共同负责",
        # full-width separators, "or" (a pipe is a team or role: "Wu Fang | Content")
        "张敏／李华",
        "Ann ＆ Bob",
        "张敏＋李华",
        "Ann or Bob",
        # 或 (or), 跟 (with), and a named backup or deputy
        "张敏或李华",
        "张敏跟李华",
        "Zhang Min (Li Hua backup)",
        "Zhang Min (Backup Li Hua)",
        "张敏（李华备份）",
        "张敏（B角 李华）",
    ],
)
def test_two_people_as_owner_are_an_error(tmp_path: Path, owner: str) -> None:
    plan = write(tmp_path, mutate("    owner: Zhao Qiang\n", f"    owner: {owner}\n"))
    run = run_cli("validate", plan)
    assert run.code == 1
    assert f"{plan}:24 modules[0].owner: {owner!r} names more than one owner" in run.stdout


# "and others" names several people, however it is written
@pytest.mark.parametrize(
    "owner", ["张三等", "张三等人", "Li Hua et al.", "Li Hua etc.", "Li Hua et al", "Li Hua etc"]
)
def test_a_name_and_others_as_owner_is_an_error(tmp_path: Path, owner: str) -> None:
    plan = write(tmp_path, mutate("    owner: Zhao Qiang\n", f"    owner: {owner}\n"))
    run = run_cli("validate", plan)
    assert run.code == 1
    assert f"{plan}:24 modules[0].owner: {owner!r} names more than one owner" in run.stdout


# a draft's placeholder is no owner: nobody is accountable yet
@pytest.mark.parametrize(
    ("written", "owner"),
    [("TBD", "TBD"), ("待定", "待定"), ('"-"', "-"), ("N/A", "N/A"), ("Unassigned", "Unassigned"),
     ("无", "无"), ("未定", "未定"), ("none", "none"), ("N.A.", "N.A.")],
)  # fmt: skip
def test_a_placeholder_owner_is_an_error(tmp_path: Path, written: str, owner: str) -> None:
    plan = write(tmp_path, mutate("    owner: Zhao Qiang\n", f"    owner: {written}\n"))
    run = run_cli("validate", plan)
    assert run.code == 1
    assert f"{plan}:24 modules[0].owner: {owner!r} is a placeholder, not an owner" in run.stdout


# Na (娜) is a common given name and Tba can be one: neither is a placeholder; a lone Etc
# follows no name, so it is not "and others"; with, And, 协同 or 配合 inside a name or a
# team's name joins nobody
@pytest.mark.parametrize(
    "owner",
    ["Na", "Tba", "Etc", "Etc.", "Jane Smith", "Keith Withers", "Randy And",
     "张协同", "品牌协同组 孙丽", "市场部配合组 王芳",
     # 跟进 and 跟踪 are words of a team's name, a deputy head one person's title
     "销售跟进组 孙丽", "订单跟踪组 王芳", "Li Hua (deputy head)"],
)  # fmt: skip
def test_a_name_like_a_placeholder_or_a_joining_word_is_one_owner(
    tmp_path: Path, owner: str
) -> None:
    run = run_cli(
        "validate", write(tmp_path, mutate("    owner: Zhao Qiang\n", f"    owner: {owner}\n"))
    )
    assert run.code == 0, run.stdout


# 和, 与, 及, 或 and 跟 are also characters of names: 和平 is a common given name, 和 a surname
@pytest.mark.parametrize(
    "owner",
    [
        "张和平",
        "刘和平",
        "和珅",
        "和凝",
        "王与之",
        "沈与求",
        "李及",
        "欧阳和平",
        "孙和",
        "与之",
        "跟华",
        "王或",
        "Alice Deputy",
    ],
)
def test_a_name_with_he_yu_ji_in_it_is_one_owner(tmp_path: Path, owner: str) -> None:
    run = run_cli(
        "validate", write(tmp_path, mutate("    owner: Zhao Qiang\n", f"    owner: {owner}\n"))
    )
    assert run.code == 0, run.stdout


@pytest.mark.parametrize(
    "owner", ["周云", "Zhao Qiang", "欧阳娜娜", "Mary-Jane O'Neil", "渠道组 孙丽"]
)
def test_one_person_is_fine(tmp_path: Path, owner: str) -> None:
    run = run_cli(
        "validate", write(tmp_path, mutate("    owner: Zhao Qiang\n", f"    owner: {owner}\n"))
    )
    assert run.code == 0, run.stdout


@pytest.mark.parametrize(
    ("old", "new", "line", "what"),
    [
        (
            "    owner: Zhao Qiang\n",
            "    owner: 市场部\n",
            24,
            "module 'online' is owned by '市场部'",
        ),
        (
            "    owner: Zhang Min\n",
            "    owner: Marketing\n",
            38,
            "module 'brand' is owned by 'Marketing'",
        ),
        (
            "owner: Sun Li,",
            "owner: 电商运营中心,",
            34,
            "action 'Search ads' is owned by '电商运营中心'",
        ),
        (
            "owner: Li Hua,",
            "owner: Content team,",
            45,
            "action 'KOL posts' is owned by 'Content team'",
        ),
    ],
)
def test_a_department_as_owner_is_a_warning(
    tmp_path: Path, old: str, new: str, line: int, what: str
) -> None:
    plan = write(tmp_path, mutate(old, new))
    run = run_cli("validate", plan)
    assert run.code == 0
    assert f"warning {plan}:{line} " in run.stdout
    assert f"{what}, which looks like a department or team, not a person" in run.stdout
    assert run_cli("validate", "--strict", plan).code == 1


@pytest.mark.parametrize("owner", ["市场部", "Marketing team", "品牌中心"])
def test_a_department_as_the_plan_owner_is_a_warning(tmp_path: Path, owner: str) -> None:
    plan = write(tmp_path, mutate("  owner: Chen Jing\n", f"  owner: {owner}\n"))
    run = run_cli("validate", plan)
    assert run.code == 0
    assert (
        f"warning {plan}:4 plan.owner: the plan is owned by {owner!r}, which looks like a"
        " department or team, not a person" in run.stdout
    )
    assert "the one person who answers for the whole plan" in run.stdout
    assert run_cli("validate", "--strict", plan).code == 1
    assert "计划 的负责人是" in run_cli("validate", "--lang", "zh", plan).stdout


def test_a_placeholder_owner_hides_no_other_finding(tmp_path: Path) -> None:
    text = mutate("    owner: Zhao Qiang\n", "    owner: TBD\n")
    text = mutate("formula: orders / visitors", "formula: orderz / visitors", text)
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert "'TBD' is a placeholder, not an owner" in run.stdout
    assert "formula refers to 'orderz'" in run.stdout
