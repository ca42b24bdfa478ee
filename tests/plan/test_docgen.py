"""docs/plan-format.md is generated from the models and must match them exactly."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from mktplan.plan import docgen
from mktplan.plan.model import Kpi, Plan
from tests.conftest import ROOT

DOC = ROOT / "docs" / "plan-format.md"


def test_committed_reference_equals_generated_output() -> None:
    generated = docgen.generate()
    committed = DOC.read_text(encoding="utf-8")
    assert committed == generated, (
        "docs/plan-format.md is out of date; run "
        "`python -m mktplan.plan.docgen > docs/plan-format.md`"
    )


def test_module_entry_point_prints_the_reference() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mktplan.plan.docgen"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert proc.stdout == docgen.generate()


def test_every_field_of_every_model_is_documented_with_a_meaning() -> None:
    models = docgen.models_in_order()
    names = {model.__name__ for model, _ in models}
    assert names >= {"Plan", "PlanInfo", "Budget", "Module", "Kpi", "Action", "Source", "Alert"}
    text = docgen.generate()
    for model, _ in models:
        section = text.split(f"\n## {model.__name__}\n", 1)[1].split("\n## ", 1)[0]
        for name, field in model.model_fields.items():
            row = next(ln for ln in section.splitlines() if ln.startswith(f"| `{name}` |"))
            meaning = row.rsplit("|", 2)[1].strip()
            assert meaning, f"{model.__name__}.{name} has no meaning"
            assert meaning == docgen.meaning(model, name, field)


def test_every_field_is_described_in_the_model_and_the_json_schema() -> None:
    """Descriptions live on the models only: the docs and the editors' hover help (the JSON
    schema) read the same text, and a new field without one fails here."""
    for model, _ in docgen.models_in_order():
        for name, field in model.model_fields.items():
            assert docgen.meaning(model, name, field), f"{model.__name__}.{name} has no description"
    schema = Plan.model_json_schema()
    for definition, body in schema["$defs"].items():
        for name, prop in body.get("properties", {}).items():
            assert prop.get("description"), f"{definition}.{name} has no description in the schema"


def test_types_and_defaults_are_rendered_for_readers() -> None:
    class Sample(BaseModel):
        when: Literal["a", "b"] = "a"
        amount: Decimal = Field(ge=0)
        items: list[Kpi] = Field(default_factory=list)
        note: str | None = None

    fields = Sample.model_fields
    assert docgen.type_name(fields["when"].annotation) == "one of `a`, `b`"
    assert docgen.type_name(fields["amount"].annotation, fields["amount"].metadata) == (
        "number (≥ 0)"
    )
    assert docgen.type_name(fields["items"].annotation) == "list of [Kpi](#kpi)"
    assert docgen.type_name(fields["note"].annotation) == "text"
    assert [docgen.default_text(fields[n]) for n in ("when", "amount", "items", "note")] == [
        "`a`",
        "*required*",
        "`[]`",
        "none",
    ]


def test_where_each_model_sits_in_the_file() -> None:
    paths = dict(docgen.models_in_order(Plan))
    assert paths[Kpi] == ["kpis[]", "modules[].kpis[]"]
