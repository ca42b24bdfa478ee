"""The JSON Schema of the plan format, generated from the models (for editors)."""

from __future__ import annotations

from typing import Any

from mktplan.plan.model import Plan

SCHEMA_ID = "https://mktplan.invalid/schema/plan.json"


def plan_json_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = (
        "A mktplan marketing plan: plan metadata, budget with a 10–15 % reserve, modules with "
        "one owner, a SMART goal, KPIs and actions, export sources, alerts and reviews."
    )
    return schema
