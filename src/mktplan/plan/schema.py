"""The JSON Schema of the plan format, generated from the models (for editors)."""

from __future__ import annotations

from typing import Any

from mktplan.plan.model import DIGITS_WRITTEN, Plan
from mktplan.plan.sources import SCALE_WORDS
from mktplan.vocab import ISO_4217

SCHEMA_ID = "https://mktplan.invalid/schema/plan.json"

# pydantic lets a string stand for a Decimal ("12.5"); editors should still flag `total: lots`,
# and validate reads as a number only the text these patterns allow (model.unread_number).
SIGNED_TEXT = rf"^\s*[+-]?{DIGITS_WRITTEN}\s*$"
# a number that is at least 0 (money, the reserve range): no minus; `%` is refused there too
# (`reserve: 12000%`); percentages and checkpoints state their own patterns in the model
UNSIGNED_TEXT = rf"^\s*\+?{DIGITS_WRITTEN}\s*$"


def _scale_text() -> str:
    """A source's `scale:` as text: a number, exponent allowed, or a scale word in any case."""
    words = sorted(SCALE_WORDS, key=len, reverse=True)
    either = "|".join(
        "".join(f"[{c}{c.upper()}]" if c.isascii() and c.isalpha() else c for c in word)
        for word in words
    )
    return rf"^\s*(?:\+?{DIGITS_WRITTEN}(?:[eE][+-]?[0-9]+)?|{either})\s*$"


def _numbers_as_text(node: Any) -> None:
    """Give every `string` alternative of a number a pattern that only numbers match."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        numbers = [o for o in options or () if isinstance(o, dict) and o.get("type") == "number"]
        if isinstance(options, list) and numbers:
            lowest = [o.get("minimum", o.get("exclusiveMinimum", -1)) for o in numbers]
            unsigned = all(bound is not None and bound >= 0 for bound in lowest)
            for option in options:
                if option == {"type": "string"}:
                    option["pattern"] = UNSIGNED_TEXT if unsigned else SIGNED_TEXT
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
    # an ISO 4217 code, as validate checks it (RMB is a name of CNY, no code)
    schema["$defs"]["PlanInfo"]["properties"]["currency"]["enum"] = sorted(ISO_4217)
    scale = schema["$defs"]["Source"]["properties"]["scale"]
    [values] = [option for option in scale["anyOf"] if option.get("type") == "object"]
    values["additionalProperties"] = {
        "anyOf": [
            {"type": "number", "exclusiveMinimum": 0},
            {"type": "string", "pattern": _scale_text()},
        ]
    }
    return schema
