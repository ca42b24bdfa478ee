"""`mktplan schema`: valid JSON that accepts both example plans, rejects broken ones, and
explains the main fields, so editors (yaml-language-server) can complete and check plans.

jsonschema is not a dependency, so a small validator below covers the keywords the
generated schema uses: $ref, anyOf, type, enum, const, required, properties,
additionalProperties, items, minimum, minItems and pattern.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mktplan.plan.loader import load_yaml_file
from mktplan.plan.validate import check_plan_file
from tests.conftest import PLANS, run_cli

EXAMPLES = sorted(PLANS.glob("*.yaml"))
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


def schema_errors(schema: dict[str, Any], value: Any, root: dict[str, Any], at: str) -> list[str]:
    """Every reason ``value`` fails ``schema``, each prefixed with its path."""
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        return schema_errors(root["$defs"][ref.removeprefix("#/$defs/")], value, root, at)
    if "anyOf" in schema:
        options = [schema_errors(option, value, root, at) for option in schema["anyOf"]]
        if any(not found for found in options):
            return []
        return [f"{at}: matches no option ({'; '.join(e for o in options for e in o)})"]
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        allowed = _TYPES[kind]
        is_bool = isinstance(value, bool)
        if not isinstance(value, allowed) or (is_bool and kind in ("number", "integer")):
            return [f"{at}: {value!r} is not of type {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{at}: {value!r} is not {schema['const']!r}")
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        errors.append(f"{at}: {value} < {schema['minimum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{at}: missing {name!r}")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(properties[name], item, root, f"{at}.{name}")
            elif extra is False:
                errors.append(f"{at}: unknown field {name!r}")
            elif isinstance(extra, dict):
                errors += schema_errors(extra, item, root, f"{at}.{name}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{at}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                errors += schema_errors(schema["items"], item, root, f"{at}[{i}]")
    return errors


def as_json_data(value: Any) -> Any:
    """YAML data as an editor's YAML 1.2 server sees it: dates are strings."""
    if isinstance(value, dict):
        return {str(k): as_json_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json_data(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = run_cli("schema")
    assert result.code == 0, result.output
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def load(path: Path) -> Any:
    """A plan as mktplan reads it (the examples rely on its flow-mapping comma folding)."""
    return as_json_data(load_yaml_file(path).data)


def load_plain_yaml(path: Path) -> Any:
    """A plan as any YAML 1.2 tool reads it: what an editor's language server sees."""
    return as_json_data(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_schema_is_a_json_schema_document(schema: dict[str, Any]) -> None:
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert set(schema["required"]) >= {"plan", "budget", "modules"}
    assert schema["additionalProperties"] is False
    assert "reserve" in schema["description"]


def test_validator_catches_what_it_should() -> None:
    """The little validator itself must be able to fail, or the tests below prove nothing."""
    root: dict[str, Any] = {"$defs": {}}
    shape = {"type": "object", "properties": {"n": {"type": "number"}}, "required": ["n"]}
    assert schema_errors(shape, {"n": 1}, root, "$") == []
    assert schema_errors(shape, {"n": "x"}, root, "$")
    assert schema_errors(shape, {}, root, "$")
    assert schema_errors({"type": "integer"}, True, root, "$")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_plans_validate_against_the_schema(schema: dict[str, Any], path: Path) -> None:
    assert schema_errors(schema, load(path), schema, "$") == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_starter_plans_validate_against_the_schema(
    schema: dict[str, Any], lang: str, tmp_path: Path
) -> None:
    path = tmp_path / "plan.yaml"
    assert run_cli("init", path, "--lang", lang).code == 0
    # Starters are teaching material: plain YAML that an editor reads the same way.
    assert schema_errors(schema, load_plain_yaml(path), schema, "$") == []


def test_unknown_field_is_rejected(schema: dict[str, Any]) -> None:
    data = load(PLANS / "q3-2023-growth.yaml")
    data["modules"][0]["ownr"] = "Zhang Min"
    errors = schema_errors(schema, data, schema, "$")
    assert errors == ["$.modules[0]: unknown field 'ownr'"]


def test_wrong_types_are_rejected(schema: dict[str, Any]) -> None:
    data = load(PLANS / "q3-2023-growth.yaml")
    data["modules"][1]["kpis"] = "sales"
    data["kpis"][0]["aggregation"] = "median"
    data["plan"]["cadence"] = 7
    data["budget"]["total"] = {"amount": 375000}
    errors = schema_errors(schema, data, schema, "$")
    assert len(errors) == 4
    paths = {e.split(":", 1)[0] for e in errors}
    assert paths == {
        "$.modules[1].kpis",
        "$.kpis[0].aggregation",
        "$.plan.cadence",
        "$.budget.total",
    }


@pytest.mark.parametrize(("currency", "valid"), [("CNY", True), ("LKR", True), ("RMB", False)])
def test_the_currency_is_an_iso_code_as_validate_says(
    schema: dict[str, Any], currency: str, valid: bool, tmp_path: Path
) -> None:
    data = load(PLANS / "q3-2023-growth.yaml")
    data["plan"]["currency"] = currency
    assert (schema_errors(schema, data, schema, "$") == []) is valid
    text = (PLANS / "q3-2023-growth.yaml").read_text(encoding="utf-8")
    plan = tmp_path / "p.yaml"
    plan.write_text(text.replace("currency: CNY", f"currency: {currency}"), encoding="utf-8")
    found = run_cli("validate", "-q", "--format", "json", plan)
    codes = {f["code"] for f in json.loads(found.stdout)["errors"]}
    assert ("currency_not_iso" not in codes) is valid


def test_string_budget_is_rejected(schema: dict[str, Any]) -> None:
    data = load(PLANS / "q3-2023-growth.yaml")
    data["budget"]["total"] = "a lot"
    errors = schema_errors(schema, data, schema, "$")
    assert [e.split(":", 1)[0] for e in errors] == ["$.budget.total"]


MAIN_FIELDS = {
    "PlanInfo": ["id", "owner", "currency", "cadence"],
    "Budget": ["total", "reserve", "lines"],
    "Module": ["owner", "goal"],
    "Kpi": ["unit", "formula", "aggregation", "source", "definition", "role", "better"],
    "Source": ["date", "columns", "module_by", "modules"],
    "Alert": ["below_target", "below_pace", "above"],
}


def test_main_fields_carry_english_descriptions(schema: dict[str, Any]) -> None:
    missing = [
        f"{model}.{name}"
        for model, names in MAIN_FIELDS.items()
        for name in names
        if not schema["$defs"][model]["properties"][name].get("description")
    ]
    assert missing == []
    assert (
        "one accountable person" in schema["$defs"]["Module"]["properties"]["owner"]["description"]
    )


# pydantic's own constraint names; JSON Schema ignores them, so editors would accept the value
NON_STANDARD = {"ge", "gt", "le", "lt", "multiple_of", "decimal_places", "max_digits"}


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in _keys(value)}
    if isinstance(node, list):
        return {k for value in node for k in _keys(value)}
    return set()


def test_limits_are_standard_keywords(schema: dict[str, Any]) -> None:
    assert _keys(schema) & NON_STANDARD == set()
    below = json.dumps(schema["$defs"]["Alert"]["properties"]["below_target"])
    assert '"minimum": 0' in below


@pytest.mark.parametrize("value", [-5, "-5", "-5%"])
@pytest.mark.parametrize("field", ["below_target", "above_target", "below_pace"])
def test_a_negative_alert_percentage_is_rejected_as_validate_does(
    schema: dict[str, Any], field: str, value: Any
) -> None:
    data = load(PLANS / "q3-2023-growth.yaml")
    data["alerts"][0] = {"kpi": "online.conversion_rate", field: value}
    errors = schema_errors(schema, data, schema, "$")
    assert [e.split(":", 1)[0] for e in errors] == [f"$.alerts[0].{field}"]


@pytest.mark.parametrize("value", [30, "30%", "30 ％", "+12.5"])
def test_an_alert_percentage_may_carry_a_percent_sign(schema: dict[str, Any], value: Any) -> None:
    data = load(PLANS / "q3-2023-growth.yaml")
    data["alerts"][0]["below_target"] = value
    assert schema_errors(schema, data, schema, "$") == []


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("budget", "reserve"), "12000%"),
        (("budget", "total"), "100000%"),
        (("budget", "total"), "-5"),
        (("modules", 0, "budget"), "80000％"),
    ],
)
def test_money_with_a_percent_sign_or_a_minus_is_rejected_as_validate_does(
    schema: dict[str, Any], where: tuple[str | int, ...], value: str
) -> None:
    data = load(PLANS / "q3-2023-growth.yaml")
    parent = data
    for part in where[:-1]:
        parent = parent[part]
    parent[where[-1]] = value
    errors = schema_errors(schema, data, schema, "$")
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
    assert [e.split(":", 1)[0] for e in errors] == [path]


def test_money_as_plain_number_text_is_still_accepted(schema: dict[str, Any]) -> None:
    data = load(PLANS / "q3-2023-growth.yaml")
    data["budget"]["reserve"] = str(data["budget"]["reserve"])
    assert schema_errors(schema, data, schema, "$") == []


# --- text where a number belongs: the schema and validate read the same values as numbers --

GROWTH = (PLANS / "q3-2023-growth.yaml").read_text(encoding="utf-8")
LAUNCH = (PLANS / "2024-06-launch.yaml").read_text(encoding="utf-8")
# (plan, text to replace, its replacement with {} for the value, field path, plain value)
NUMBER_FIELDS = [
    (GROWTH, "total: 375000", "total: {}", "budget.total", "375000"),
    (GROWTH, "reserve: 45000 ", "reserve: {} ", "budget.reserve", "45000"),
    (GROWTH, "target: 3  ", "target: {}  ", "kpis[0].target", "3"),
    (GROWTH, "above: 50,", "above: {},", "alerts[2].above", "50"),
    (GROWTH, "below_target: 30%", "below_target: {}", "alerts[0].below_target", "30"),
    (
        GROWTH,
        "cadence: weekly",
        "cadence: weekly\n  status_thresholds: {{on_track: {}}}",
        "plan.status_thresholds.on_track",
        "0.95",
    ),
    (
        GROWTH,
        "target: 5000000, due: 2023-07-31,",
        "target: 5000000, due: 2023-07-31, checkpoints: {{2023-07-15: {}}},",
        "modules[0].kpis[1].checkpoints.2023-07-15",
        "15",  # a value, or with % a share of the target
    ),
    (
        LAUNCH,
        "      销售额(元): sales\n",
        "      销售额(元): sales\n    scale: {{销售额(元): {}}}\n",
        "sources.daily_report.scale.销售额(元)",
        "1",
    ),
]


def _spellings(plain: str) -> list[str]:
    """Text that may or may not stand for ``plain``: quoted as YAML writes text."""
    wide = plain.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    arabic = plain.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    exponent = f"{plain}e0"
    grouped = plain[0] + "_" + plain[1:] if len(plain) > 1 else plain + "_0"
    texts = [plain, f"+{plain}", f"-{plain}", f"{plain}%", f" {plain} ", exponent, wide]
    texts += [arabic, grouped, "lots", "K", "万", "1e3"]
    return [f'"{text}"' for text in texts] + [f"! {plain}", f"! {exponent}"]


CASES = [
    (plan, old, new.format(value), path, value)
    for plan, old, new, path, plain in NUMBER_FIELDS
    for value in _spellings(plain)
]


@pytest.mark.parametrize(
    ("plan", "old", "new", "path", "value"), CASES, ids=[f"{c[3]}={c[4]}" for c in CASES]
)
def test_text_is_a_number_to_validate_exactly_when_the_schema_says_so(
    schema: dict[str, Any], tmp_path: Path, plan: str, old: str, new: str, path: str, value: str
) -> None:
    """An editor checking a plan with the schema and `mktplan validate` agree on every
    spelling: what one reads as a number the other does too, nothing more (`"1e5"`, `"３０"`,
    `"1_000"` and `! 30` are text to YAML, so to both)."""
    assert plan.count(old) == 1
    file = tmp_path / "plan.yaml"
    file.write_text(plan.replace(old, new), encoding="utf-8")
    errors = [finding for finding in check_plan_file(file).errors if finding.path == path]
    refused = schema_errors(schema, load(file), schema, "$")
    assert bool(errors) == bool(refused), (errors, refused)
