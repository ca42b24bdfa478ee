"""The JSON Schema of the plan format, generated from the models (for editors)."""

from __future__ import annotations

from typing import Any

from mktplan.plan.model import Plan

SCHEMA_ID = "https://mktplan.invalid/schema/plan.json"

# pydantic lets a string stand for a Decimal ("12.5"); editors should still flag `total: lots`.
NUMBER_TEXT = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*[%％]?\s*$"
# a number that is at least 0 (money, the reserve range): no minus, and no % sign, which
# validate refuses there (`reserve: 12000%`); percentages state their own (PERCENT_TEXT)
UNSIGNED_TEXT = r"^\s*\+?(\d+(\.\d*)?|\.\d+)\s*$"


def _numbers_as_text(node: Any) -> None:
    """Give every `string` alternative of a number a pattern that only numbers match."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        numbers = [o for o in options or () if isinstance(o, dict) and o.get("type") == "number"]
        if isinstance(options, list) and numbers:
            unsigned = all(o.get("minimum", -1) >= 0 for o in numbers)
            for option in options:
                if option == {"type": "string"}:
                    option["pattern"] = UNSIGNED_TEXT if unsigned else NUMBER_TEXT
        for value in node.values():
            _numbers_as_text(value)
    elif isinstance(node, list):
        for value in node:
            _numbers_as_text(value)


def plan_json_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = (
        "A mktplan marketing plan: plan metadata, budget with a 10–15 % reserve, modules with "
        "one owner, a SMART goal, KPIs and actions, export sources, alerts and reviews."
    )
    _numbers_as_text(schema)
    return schema
