"""The vague-goal detector, in English and Chinese (simplified and traditional)."""

from __future__ import annotations

import pytest

from mktplan.plan.vague import vague_reason

VAGUE = [
    "Improve brand awareness",
    "Raise brand awareness by 2024",
    "Increase brand awareness in Q3",
    "Increase user stickiness",
    "Increase user engagement by end of September",
    "Grow sales significantly",
    "Boost sales as much as possible by 31 July 2023",
    "提升品牌知名度",
    "2024年9月30日前提升品牌知名度",
    "提高用户粘性",
    "扩大影响力",
    "擴大品牌影響力",
    "提高用戶黏性",
    "大幅提升销量",
    "第三季度提升销售额",
]

MEASURABLE = [
    "Social followers +15 % and topic reads above 5 million by 31 July 2023",
    "Online sales up 30 % over Q2 (1.0 million CNY) and conversion rate at 5 % by 31 August 2023",
    "2,000 new registrations with redemption of at least 60 % by 20 July 2023",
    "6 月 20 日前线上销售额达到 70 万元,新增用户 1.6 万",
    "brand keyword searches +30 % by 30 Sep",
    "Raise brand awareness: brand keyword searches +30 % by 30 Sep 2023",
    "repeat purchase rate from 15 % to 20 % by 2024-12-31",
    "9 月 30 日前品牌词搜索量提升 30%",
    "2000 new registrations by July",
    "复购率从 15% 提升到 20%",
    "销售额翻一番",
]


@pytest.mark.parametrize("goal", VAGUE)
def test_vague_goals_are_rejected(goal: str) -> None:
    assert vague_reason(goal) is not None


@pytest.mark.parametrize("goal", MEASURABLE)
def test_measurable_goals_pass(goal: str) -> None:
    assert vague_reason(goal) is None


def test_known_pattern_is_quoted() -> None:
    reason = vague_reason("提升品牌知名度")
    assert reason is not None
    assert "提升品牌知名度" in reason
    assert "known" in reason


def test_dates_alone_do_not_make_a_goal_measurable() -> None:
    reason = vague_reason("Improve our marketing by 31 July 2023")
    assert reason is not None
    assert "no number apart from dates" in reason
