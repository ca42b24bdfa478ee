"""Report labels in English and Chinese: one dict per language, the same keys in both.

The Chinese terms are those of the teams' planning templates (domain.md): 策略模块,
具体目标(SMART), 偏差值(目标-实际), 达成率, 贡献度, 应急预备金, 进行中 / 已完成 / 延期 …
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mktplan.evaluation import Evaluation
    from mktplan.render.numbers import Style

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

EN: dict[str, str] = {
    # report and section titles
    "report_title": "Marketing plan report",
    "summary": "Summary",
    "tracking": "Strategy tracking",
    "kpis": "KPIs",
    "budget": "Budget vs actual",
    "tasks": "Tasks",
    "alerts": "Alerts",
    "reviews": "Reviews",
    "daily": "Daily data",
    # plan facts
    "plan_id": "Plan id",
    "plan_name": "Plan",
    "plan_owner": "Owner",
    "period": "Period",
    "as_of": "As of",
    "currency": "Currency",
    "cadence": "Tracking cycle",
    "days_elapsed": "Days elapsed",
    # evaluation table
    "dimension": "Dimension",
    "target": "Target",
    "actual": "Actual",
    "attainment": "Attainment",
    "comment": "Comment",
    # strategy tracking table (11 columns)
    "module": "Module",
    "smart_target": "SMART target",
    "plan": "Plan",
    "kpi": "KPI",
    "source": "Data source",
    "variance": "Variance (target − actual)",
    "cause": "Cause",
    "measure": "Measure",
    "owner": "Owner",
    "deadline": "Deadline",
    # KPI table
    "kpi_id": "KPI id",
    "unit": "Unit",
    "aggregation": "Aggregation",
    "expected": "Expected",
    "pace": "Pace",
    "forecast": "Forecast",
    "status": "Status",
    "last_data": "Latest data",
    "stale": "stale",
    "observations": "Observations",
    "formula": "Formula",
    "better": "Better when",
    "baseline": "Baseline",
    "due": "Due",
    "module_id": "Module id",
    "planned_actions": "Planned actions",
    # budget
    "total": "Total budget",
    "reserve": "Contingency reserve",
    "reserve_share": "Reserve share",
    "allocated": "Allocated to modules",
    "spent": "Spent",
    "remaining": "Remaining",
    "remaining_total": "Remaining (reserve included)",
    "used": "Used",
    "budget_col": "Budget",
    "spend": "Spend",
    "revenue": "Revenue",
    "roi": "ROI",
    "budget_used": "Budget used",
    "spent_share_of": "of the budget less the reserve",
    "less_reserve": "Budget less the reserve",
    "spend_forecast": "Spend forecast",
    "spend_share": "Share of spend",
    "revenue_share": "Share of revenue",
    "contribution": "Contribution",
    "budget_lines": "Budget lines",
    "line": "Line",
    "unassigned": "unassigned",
    "percent_points": "{} pt",  # a difference of two percentages, in percent points
    "planned": "Planned",
    "by_module": "By module",
    # channel view
    "by_channel": "By channel",
    "no_channels": (
        "None: no KPI's data names a channel (an export's channel column mapped as "
        "`channel:` splits its values by channel)."
    ),
    "kpis_by_channel": "KPIs by channel",
    "modules_by_channel": "Modules by channel",
    "channel": "Channel",
    "share": "Share",
    "no_channel": "(no channel)",
    "plan_totals": "Plan totals",
    "item": "Item",
    "amount": "Amount",
    # tasks
    "task": "Task",
    "start": "Start",
    "planned_finish": "Planned finish",
    "actual_finish": "Actual finish",
    "days_late": "Days late",
    "issue": "Problem",
    # alerts
    "severity": "Severity",
    "rule": "Rule",
    "threshold": "Threshold",
    "message": "Message",
    "respond_by": "Respond by",
    "no_alerts": "No alerts.",
    "none": "None.",
    "date": "Date",
    "value": "Value",
    "plan_level": "(plan)",
    # workbook sheets
    "sheet_summary": "Summary",
    "sheet_tracking": "Tracking",
    "sheet_kpis": "KPIs",
    "sheet_budget": "Budget",
    "sheet_budget_lines": "Budget lines",
    "sheet_tasks": "Tasks",
    "sheet_alerts": "Alerts",
    "sheet_by_channel": "By channel",
    "sheet_daily": "Daily",
    "sheet_period": "Period",
    "sheet_trend": "Trend",
    # charts
    "chart_attainment": "Attainment by KPI",
    "chart_spend": "Spend vs budget by module",
    "chart_period_compare": "This period vs the previous one",
    "sheet_charts": "Charts",
    # tracking cycle
    "cadence_daily": "daily",
    "cadence_weekly": "weekly",
    "cadence_monthly": "monthly",
    # KPI status
    "status_on_track": "on track",
    "status_at_risk": "at risk",
    "status_off_track": "off track",
    "status_achieved": "achieved",
    "status_missed": "missed",
    "status_no_target": "no target",
    "status_no_data": "no data",
    # action status
    "action_planned": "planned",
    "action_in_progress": "in progress",
    "action_done": "done",
    "action_delayed": "delayed",
    "action_cancelled": "cancelled",
    # alert rules
    "rule_below_target": "below target",
    "rule_above_target": "above target",
    "rule_below_pace": "behind pace",
    "rule_above": "above threshold",
    "rule_below": "below threshold",
    "rule_over_budget": "over budget",
    "rule_forecast_over_budget": "forecast over budget",
    # alert severity
    "severity_info": "info",
    "severity_warning": "warning",
    "severity_critical": "critical",
    # this period vs the last, trend, time elapsed
    "period_section": "This period vs the last",
    "this_period": "This period",
    "previous_period": "Previous period",
    "change": "Change",
    "change_relative": "Change %",
    "trend_section": "Trend",
    "trend": "Trend",
    "trend_values": "Per period",
    "trend_capped": "Trends of the first {shown} of the {of} KPIs of the evaluation table: a "
    "report computes at most {shown}.",
    "time_elapsed": "Time elapsed",
    "period_day": "day {n}",
    "period_week": "week {n}",
    "period_month": "month {n}",
    "trend_cumulative": "Cumulative",
    "period_end": "End",
    "charts_section": "Charts",
    "chart_actual": "actual to date",
    "chart_target": "target curve",
    "chart_spend_burn": "Spend burn",
    "chart_spent": "spent to date",
    "chart_budget": "budget less reserve",
    "chart_forecast": "forecast",
    "chart_bars": "bars",
    "chart_line": "line {n}",
    "data_quality": "Data quality",
    "plan_changes": "Plan changes this period",
    "issue_stale": "source {source}: no new data for {kpis} since {since} ({days} days before as-of)",
    "issue_more": "{names} and {more} more",
    "issue_stale_unnamed": (
        "source {source}: no new data since {since} ({days} days before as-of), {count} KPI(s) stale"
    ),
    "issue_refused": "source {source}: {count} row(s) refused since {since}",
    "issue_skipped": "source {source}: {count} row(s) skipped since {since}",
    "issue_rate_channels": (
        "source {source}: {kpis} has values of {count} channels on {since}; a rate cannot be "
        "added up or averaged across channels, so it has no value there: record its numerator "
        "and denominator and make it a formula, or one channel"
    ),
    "issue_lagging_channels": (
        "source {source}: {kpis} has no value from {channels} on {since}, its latest day, "
        "though they reported in the week before; its total (the latest day's) leaves them "
        "out: ingest their data for {since}"
    ),
}

ZH: dict[str, str] = {
    "report_title": "营销计划报告",
    "summary": "效果评估",
    "tracking": "策略跟踪表",
    "kpis": "关键指标(KPI)",
    "budget": "预算与实际",
    "tasks": "任务跟踪表",
    "alerts": "风险预警",
    "reviews": "复盘记录",
    "daily": "每日数据",
    "plan_id": "活动编号",
    "plan_name": "计划",
    "plan_owner": "负责人",
    "period": "计划周期",
    "as_of": "截至日期",
    "currency": "币种",
    "cadence": "跟踪周期",
    "days_elapsed": "已过天数",
    "dimension": "评估维度",
    "target": "目标值",
    "actual": "实际完成值",
    "attainment": "达成率",
    "comment": "评价",
    "module": "策略模块",
    "smart_target": "具体目标(SMART)",
    "plan": "执行计划",
    "kpi": "关键指标(KPI)",
    "source": "数据来源",
    "variance": "偏差值(目标-实际)",
    "cause": "偏差原因分析",
    "measure": "优化措施",
    "owner": "负责人",
    "deadline": "完成时限",
    "kpi_id": "指标编号",
    "unit": "单位",
    "aggregation": "汇总方式",
    "expected": "应完成值",
    "pace": "进度达成率",
    "forecast": "预测值",
    "status": "状态",
    "last_data": "最新数据",
    "stale": "数据过期",
    "observations": "数据条数",
    "formula": "计算公式",
    "better": "优化方向",
    "baseline": "基线值",
    "due": "截止日期",
    "module_id": "模块编号",
    "planned_actions": "任务预算合计",
    "total": "总预算",
    "reserve": "应急预备金",
    "reserve_share": "应急预备金占比",
    "allocated": "已分配至模块",
    "spent": "已花费",
    "remaining": "剩余",
    "remaining_total": "剩余（含应急预备金）",
    "used": "使用率",
    "budget_col": "预算",
    "spend": "花费",
    "revenue": "收入",
    "roi": "投入产出比(ROI)",
    "budget_used": "预算使用率",
    "spent_share_of": "占扣除应急预备金后的预算",
    "less_reserve": "扣除应急预备金后的预算",
    "spend_forecast": "花费预测",
    "spend_share": "花费占比",
    "revenue_share": "收入占比",
    "contribution": "贡献度",
    "budget_lines": "预算科目",
    "line": "科目",
    "unassigned": "未分配",
    "percent_points": "{} 个百分点",
    "planned": "计划",
    "by_module": "按模块",
    "by_channel": "按渠道",
    "no_channels": "无：没有任何指标的数据标明渠道（把导出表的渠道列映射为 `channel:` 即可按渠道拆分）。",
    "kpis_by_channel": "各渠道关键指标",
    "modules_by_channel": "各渠道策略模块",
    "channel": "渠道",
    "share": "占比",
    "no_channel": "(未标注渠道)",
    "plan_totals": "计划总览",
    "item": "项目",
    "amount": "金额",
    "task": "任务名称",
    "start": "开始时间",
    "planned_finish": "计划完成时间",
    "actual_finish": "实际完成时间",
    "days_late": "延期天数",
    "issue": "问题描述",
    "severity": "级别",
    "rule": "规则",
    "threshold": "阈值",
    "message": "说明",
    "respond_by": "响应时限",
    "no_alerts": "无预警。",
    "none": "无。",
    "date": "日期",
    "value": "数值",
    "plan_level": "(计划)",
    "sheet_summary": "效果评估",
    "sheet_tracking": "策略跟踪表",
    "sheet_kpis": "关键指标",
    "sheet_budget": "预算",
    "sheet_budget_lines": "预算科目",
    "sheet_tasks": "任务跟踪表",
    "sheet_alerts": "风险预警",
    "sheet_by_channel": "分渠道",
    "sheet_daily": "每日数据",
    "sheet_period": "本期对比",
    "sheet_trend": "趋势",
    "chart_attainment": "各指标达成率",
    "chart_spend": "各模块花费与预算",
    "chart_period_compare": "本期与上期对比",
    "sheet_charts": "图表",
    "cadence_daily": "每日",
    "cadence_weekly": "每周",
    "cadence_monthly": "每月",
    "status_on_track": "正常",
    "status_at_risk": "有风险",
    "status_off_track": "偏离",
    "status_achieved": "已达成",
    "status_missed": "未达成",
    "status_no_target": "无目标",
    "status_no_data": "无数据",
    "action_planned": "未开始",
    "action_in_progress": "进行中",
    "action_done": "已完成",
    "action_delayed": "延期",
    "action_cancelled": "已取消",
    "rule_below_target": "低于目标",
    "rule_above_target": "高于目标",
    "rule_below_pace": "落后进度",
    "rule_above": "高于阈值",
    "rule_below": "低于阈值",
    "rule_over_budget": "超出预算",
    "rule_forecast_over_budget": "预计超预算",
    "severity_info": "提示",
    "severity_warning": "警告",
    "severity_critical": "严重",
    "period_section": "本期与上期(环比)",
    "this_period": "本期",
    "previous_period": "上期",
    "change": "环比增减",
    "change_relative": "环比增幅",
    "trend_section": "趋势",
    "trend": "趋势",
    "trend_values": "各期实际",
    "trend_capped": "仅列出效果评估表前 {shown} 个指标的趋势（共 {of} 个）：每份报告最多计算 {shown} 个。",
    "time_elapsed": "时间进度",
    "period_day": "第{n}天",
    "period_week": "第{n}周",
    "period_month": "第{n}个月",
    "trend_cumulative": "累计",
    "period_end": "结束时间",
    "charts_section": "图表",
    "chart_actual": "累计实际",
    "chart_target": "目标曲线",
    "chart_spend_burn": "花费进度",
    "chart_spent": "累计花费",
    "chart_budget": "预算(扣除应急预备金)",
    "chart_forecast": "预测值",
    "chart_bars": "柱",
    "chart_line": "线{n}",
    "data_quality": "数据质量",
    "plan_changes": "本期计划变更",
    "issue_stale": "数据来源 {source}：{kpis}自 {since} 起无新数据（截至日期前 {days} 天）",
    "issue_more": "{names}等 {count} 个指标",
    "issue_stale_unnamed": "数据来源 {source}：自 {since} 起无新数据（截至日期前 {days} 天），{count} 个指标数据过期",
    "issue_refused": "数据来源 {source}：自 {since} 起 {count} 行被拒收",
    "issue_skipped": "数据来源 {source}：自 {since} 起 {count} 行被跳过",
    "issue_rate_channels": (
        "数据来源 {source}：{kpis}在 {since} 有 {count} 个渠道的数值；比率不能跨渠道相加或平均，"
        "因此这里没有数值：请记录其分子和分母并改为公式，或只保留一个渠道"
    ),
    "issue_lagging_channels": (
        "数据来源 {source}：{kpis}在最新一天 {since} 没有 {channels} 的数值，"
        "但这些渠道前一周有数据；其合计（最新一天的）不含这些渠道：请导入它们 {since} 的数据"
    ),
}

LABELS: dict[Lang, dict[str, str]] = {"en": EN, "zh": ZH}


def labels(lang: str) -> dict[str, str]:
    """The label dict of ``lang`` (en or zh); a KeyError names an unknown language."""
    for known in LANGS:
        if known == lang:
            return LABELS[known]
    raise KeyError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")


@dataclass(frozen=True)
class Msg:
    """A sentence of the message catalogue: its stable key and the values it names, written
    out in a language by :meth:`render`. A value may itself be a Msg (a clause)."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str = "en") -> str:
        return message(self.key, lang, **dict(self.params))

    def __str__(self) -> str:  # where text is expected, the English sentence
        return self.render("en")


def msg(key: str, /, **params: object) -> Msg:
    """The catalogue sentence ``key`` naming ``params``, to be rendered in any language."""
    return Msg(key, tuple(params.items()))


class _Formatter(string.Formatter):
    """str.format plus ``{n:plural/error/errors}``, the English plural of a count."""

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec.startswith("plural/"):
            _, one, many = format_spec.split("/")
            return one if value == 1 else many
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of ``lang``: the report labels and the messages of every command, keyed by
    a stable code (``validate.vague_goal``, ``diff.summary``, …)."""
    from mktplan.messages import en, zh

    messages = {"en": en.MESSAGES, "zh": zh.MESSAGES}
    return {**labels(lang), **messages[lang if lang in messages else "en"]}


def message(key: str, lang: str = "en", /, **params: object) -> str:
    """The sentence ``key`` in ``lang`` with ``params`` filled in (clauses rendered in the
    same language); a key missing in ``lang`` falls back to English."""
    texts = catalogue(lang)
    template = texts.get(key) or catalogue("en")[key]
    values = {k: _rendered(v, lang) for k, v in params.items()}
    return _FORMATTER.format(template, **values)


LIST_SEPARATOR = {"en": ", ", "zh": "、"}


def _rendered(value: object, lang: str) -> object:
    """A parameter as its sentence names it: a clause in ``lang``, a tuple of clauses as a
    list in ``lang`` (a, b / a、b), anything else as it is."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, tuple) and value and all(isinstance(v, Msg) for v in value):
        return LIST_SEPARATOR.get(lang, ", ").join(v.render(lang) for v in value)
    return value


def summary_sentences(ev: Evaluation, lang: str, shown: Style | None = None) -> list[str]:
    """The summary paragraph, at most three sentences in ``lang``, from ``ev.summary``:
    the standing (n of m KPIs on track), the KPI furthest behind with its owner, score and
    the channel that fell most this period, and the budget burn against the time elapsed.
    Numbers in the ``shown`` style (万, 1:X), plain by default."""
    from mktplan.render import numbers

    shown = shown or numbers.PLAIN
    summary = ev.summary
    if summary is None:
        return []
    out: list[str] = []
    as_of = ev.plan.as_of.isoformat()
    if summary.graded == 0:
        out.append(message("summary.none_graded", lang, as_of=as_of))
    else:
        running = summary.graded - summary.finished  # running KPIs graded (with data)
        if not summary.finished:
            key = "summary.standing"
        elif running:
            key = "summary.standing_both"
        elif summary.running:  # the running ones have no data yet
            key = "summary.standing_finished_only"
        else:
            key = "summary.standing_final"
        out.append(
            message(
                key,
                lang,
                as_of=as_of,
                graded=summary.graded,
                on_track=summary.on_track,
                running=running,
                finished=summary.finished,
                achieved=summary.achieved,
            )
        )
    end = message("summary.end", lang)
    gap = summary.gap
    if gap is not None:
        status = labels(lang)[f"status_{gap.status}"]
        kpi = next((k for k in ev.kpis if k.id == gap.kpi), None)
        if gap.score is None and kpi is not None:  # no quotient ranks it (a target of 0)
            text = message(
                "summary.gap.unscored",
                lang,
                name=gap.name,
                owner=gap.owner,
                side=message(f"summary.gap.{'above' if kpi.better == 'lower' else 'below'}", lang),
                target=numbers.kpi_value(kpi.target, gap.unit, shown),
                status=status,
            )
        else:
            text = message(
                "summary.gap",
                lang,
                name=gap.name,
                owner=gap.owner,
                score=numbers.fraction(gap.score),
                measure=message(f"summary.gap.{gap.measure}", lang),
                status=status,
            )
        drop = gap.channel
        if drop is not None:
            text += message(
                "summary.channel_rise" if drop.change > 0 else "summary.channel_drop",
                lang,
                channel=drop.channel,
                before=numbers.kpi_value(drop.previous, gap.unit, shown),
                now=numbers.kpi_value(drop.current, gap.unit, shown),
            )
        out.append(text + end)
    currency = ev.plan.currency
    text = message(
        "summary.burn",
        lang,
        spent=numbers.money(summary.spent, shown),
        budget=numbers.money(summary.budget, shown),
        currency=currency,
        used=numbers.fraction(summary.budget_used),
        elapsed=numbers.fraction(summary.time_elapsed),
    )
    if summary.overspend is not None:
        # spent − budget once the spend has passed it (no forecast: it has happened), else
        # the forecast's excess; metrics puts the figure in ``overspend`` either way
        already = summary.spent > summary.budget
        text += message(
            "summary.overspent" if already else "summary.overspend",
            lang,
            overspend=numbers.money(summary.overspend, shown),
            currency=currency,
        )
    out.append(text + end)
    return out
