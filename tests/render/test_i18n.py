from __future__ import annotations

import pytest

from mktplan.i18n import EN, LABELS, LANGS, ZH, labels


def test_every_language_has_the_same_keys() -> None:
    assert set(EN) == set(ZH)
    assert set(LABELS) == set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_no_label_is_empty(lang: str) -> None:
    assert all(value.strip() for value in labels(lang).values())


def test_chinese_labels_use_the_templates_terms() -> None:
    expected = {
        "module": "策略模块",
        "smart_target": "具体目标(SMART)",
        "plan": "执行计划",
        "kpi": "关键指标(KPI)",
        "source": "数据来源",
        "actual": "实际完成值",
        "variance": "偏差值(目标-实际)",
        "cause": "偏差原因分析",
        "measure": "优化措施",
        "owner": "负责人",
        "deadline": "完成时限",
        "attainment": "达成率",
        "contribution": "贡献度",
        "reserve": "应急预备金",
        "action_in_progress": "进行中",
        "action_done": "已完成",
        "action_delayed": "延期",
    }
    for key, term in expected.items():
        assert ZH[key] == term, key


def test_unknown_language_is_refused() -> None:
    with pytest.raises(KeyError, match="fr"):
        labels("fr")
