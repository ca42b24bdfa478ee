"""A small hand-made plan and data whose every number is worked out by hand in the tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan

AS_OF = dt.date(2024, 1, 5)  # day 5 of a 10-day plan


def day(n: int) -> dt.date:
    return dt.date(2024, 1, n)


def small_plan(**plan_info: Any) -> Plan:
    """Plan 2024-01-01 … 2024-01-10, modules web and shop (see the tests for the numbers)."""
    return Plan.model_validate(
        {
            "plan": {
                "id": "t",
                "name": "Test plan",
                "owner": "Pat Lee",
                "period": {"start": "2024-01-01", "end": "2024-01-10"},
                "cadence": "daily",
                "alert_response_hours": 48,
                **plan_info,
            },
            "budget": {
                "total": 1000,
                "reserve": 100,
                "lines": {"ads": 600, "people": 300},
            },
            "kpis": [
                {
                    "id": "roi",
                    "name": "ROI",
                    "unit": "ratio",
                    "formula": "revenue / spend",
                    "target": 2,
                    "due": "2024-01-10",
                },
            ],
            "modules": [
                {
                    "id": "web",
                    "name": "Web shop",
                    "owner": "Ann Wu",
                    "budget": 600,
                    "goal": "Web sales of 1,000 CNY by 10 January 2024",
                    "kpis": [
                        {"id": "visits", "name": "Visits", "unit": "count", "source": "analytics"},
                        {"id": "orders", "name": "Orders", "unit": "count", "source": "shop"},
                        {
                            "id": "cr",
                            "name": "Conversion",
                            "unit": "%",
                            "formula": "orders / visits",
                            "target": 5,
                            "due": "2024-01-10",
                        },
                        {
                            "id": "sales",
                            "name": "Sales",
                            "unit": "CNY",
                            "role": "revenue",
                            "target": 1000,
                            "due": "2024-01-10",
                            "source": "shop",
                        },
                        {
                            "id": "spend",
                            "name": "Spend",
                            "unit": "CNY",
                            "role": "spend",
                            "source": "ledger",
                        },
                        {
                            "id": "followers",
                            "name": "Followers",
                            "unit": "count",
                            "aggregation": "last",
                            "target": 500,
                            "due": "2024-01-10",
                            "source": "social",
                        },
                        {
                            "id": "impressions",
                            "name": "Impressions",
                            "unit": "count",
                            "source": "ads",
                        },
                        {
                            "id": "ctr",
                            "name": "CTR",
                            "unit": "%",
                            "aggregation": "mean",
                            "weight": "impressions",
                            "source": "ads",
                        },
                        {
                            "id": "peak",
                            "name": "Peak",
                            "unit": "count",
                            "aggregation": "max",
                            "source": "ads",
                        },
                        {
                            "id": "low",
                            "name": "Low",
                            "unit": "count",
                            "aggregation": "min",
                            "source": "ads",
                        },
                        {
                            "id": "avg",
                            "name": "Avg",
                            "unit": "count",
                            "aggregation": "mean",
                            "source": "ads",
                        },
                        {
                            "id": "complaints",
                            "name": "Complaints",
                            "unit": "count",
                            "better": "lower",
                            "target": 10,
                            "due": "2024-01-10",
                            "source": "support",
                        },
                        {
                            "id": "cpa",
                            "name": "Cost per order",
                            "unit": "CNY",
                            "formula": "spend / orders",
                            "better": "lower",
                            "target": 4,
                            "due": "2024-01-10",
                        },
                        {
                            "id": "signups",
                            "name": "Signups",
                            "unit": "count",
                            "target": 50,
                            "due": "2024-01-10",
                            "source": "crm",
                        },
                        {
                            "id": "leads",
                            "name": "Leads",
                            "unit": "count",
                            "target": 100,
                            "due": "2024-01-04",
                            "source": "crm",
                        },
                    ],
                    "actions": [
                        {
                            "name": "Launch",
                            "owner": "Ann Wu",
                            "start": "2024-01-01",
                            "end": "2024-01-03",
                            "budget": 100,
                            "status": "done",
                            "finished": "2024-01-04",
                        },
                        {
                            "name": "Ads",
                            "owner": "Ann Wu",
                            "start": "2024-01-02",
                            "end": "2024-01-04",
                            "budget": 200,
                            "issue": "agency late",
                        },
                        {
                            "name": "Blog",
                            "owner": "Ann Wu",
                            "start": "2024-01-03",
                            "end": "2024-01-08",
                            "budget": 50,
                            "status": "in_progress",
                        },
                        {
                            "name": "Old",
                            "owner": "Ann Wu",
                            "start": "2024-01-01",
                            "end": "2024-01-02",
                            "status": "cancelled",
                            "finished": "2024-01-08",  # called off late: still not "late"
                        },
                    ],
                },
                {
                    "id": "shop",
                    "name": "Stores",
                    "owner": "Bo Li",
                    "budget": 300,
                    "goal": "Store sales of 500 CNY by 10 January 2024",
                    "kpis": [
                        {
                            "id": "sales",
                            "name": "Store sales",
                            "unit": "CNY",
                            "role": "revenue",
                            "target": 500,
                            "due": "2024-01-10",
                            "source": "till",
                        },
                        {
                            "id": "spend",
                            "name": "Store spend",
                            "unit": "CNY",
                            "role": "spend",
                            "source": "ledger",
                        },
                    ],
                },
            ],
            "alerts": [
                {"kpi": "web.sales", "above": 1000, "severity": "critical"},
                {"kpi": "web.complaints", "above": 6, "severity": "info"},
                {"kpi": "web.followers", "below": 200},
                {"kpi": "web.leads", "below_pace": "20%"},
                {"kpi": "web.cpa", "above_target": "20%"},
                {"kpi": "web.cr", "below_target": "30%", "severity": "critical"},
                {"kpi": "web.signups", "below": 10, "severity": "critical"},
                {"kpi": "web.sales", "above_target": "10%"},
            ],
            "reviews": [
                {"date": "2024-01-02", "module": "web", "cause": "cause A", "measure": "fix A"},
                {"date": "2024-01-04", "kpi": "web.sales", "cause": "cause B"},
                {"date": "2024-01-08", "module": "web", "cause": "too late to count"},
                {"date": "2024-01-03", "module": "shop", "measure": "shop measure"},
            ],
        }
    )


def obs(
    kpi: str,
    n: int,
    value: str,
    channel: str = "",
    note: str | None = None,
    line: str | None = None,
) -> Observation:
    return Observation(kpi, day(n), Decimal(value), channel, note, line)


def small_data() -> MemoryObservations:
    return MemoryObservations(small_rows())


def small_rows() -> list[Observation]:
    """The small plan's observations (see the tests for the numbers)."""
    return [
        # visits and orders: two channels, three days
        obs("web.visits", 1, "100", "a"),
        obs("web.visits", 1, "400", "b"),
        obs("web.visits", 2, "100", "a", note="outage"),
        obs("web.visits", 2, "400", "b"),
        obs("web.visits", 3, "300", "a"),
        obs("web.visits", 3, "100", "b"),
        obs("web.orders", 1, "10", "a"),
        obs("web.orders", 1, "4", "b"),
        obs("web.orders", 2, "10", "a"),
        obs("web.orders", 2, "4", "b"),
        obs("web.orders", 3, "6", "a"),
        obs("web.orders", 3, "2", "b"),
        obs("web.sales", 1, "100"),
        obs("web.sales", 2, "200"),
        obs("web.sales", 3, "150"),
        obs("web.sales", 4, "50"),
        obs("web.sales", 7, "999"),  # after as_of: ignored
        obs("web.spend", 1, "40", line="ads"),
        obs("web.spend", 2, "60", line="ads"),
        obs("web.spend", 3, "50", line="people"),
        obs("web.spend", 4, "30"),
        obs("web.followers", 1, "100", "a"),
        obs("web.followers", 1, "50", "b"),
        obs("web.followers", 3, "120", "a"),
        obs("web.followers", 3, "60", "b"),
        obs("web.impressions", 1, "1000", "a"),
        obs("web.impressions", 1, "3000", "b"),
        obs("web.ctr", 1, "2", "a"),
        obs("web.ctr", 1, "1", "b"),
        obs("web.peak", 1, "5", "a"),
        obs("web.peak", 1, "9", "b"),
        obs("web.peak", 2, "7", "a"),
        obs("web.low", 1, "5", "a"),
        obs("web.low", 1, "9", "b"),
        obs("web.low", 2, "7", "a"),
        obs("web.avg", 1, "5", "a"),
        obs("web.avg", 1, "9", "b"),
        obs("web.avg", 2, "7", "a"),
        obs("web.complaints", 1, "3"),
        obs("web.complaints", 2, "4"),
        obs("web.leads", 1, "30"),
        obs("web.leads", 2, "30"),
        obs("web.leads", 5, "50"),  # after the KPI's due date: ignored
        obs("shop.spend", 2, "70", line="events"),
        obs("shop.sales", 3, "250", note="shop note"),
    ]
