"""`mktplan diff`: what changed between two versions of a plan, for review."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import typer

from mktplan.cli import app
from mktplan.cli.options import LangChoice, choose_lang, declared_lang, lang_option
from mktplan.cli.output import console, error_console, format_finding, speak, write_stdout
from mktplan.errors import EXIT_INVALID, EXIT_OK, UsageError
from mktplan.i18n import message, msg


class DiffFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


@app.command()
def diff(
    old: Path = typer.Argument(
        ...,
        readable=False,
        help="The old plan file (or, with --rev, the plan to compare).",
        show_default=False,
    ),
    new: Path | None = typer.Argument(
        None, readable=False, help="The new plan file.", show_default=False
    ),
    rev: str | None = typer.Option(
        None, "--rev", help="Compare the plan with its version at this git revision."
    ),
    output_format: DiffFormat = typer.Option(
        DiffFormat.text, "--format", "-f", help="text (a table), md (a PR comment), or json."
    ),
    exit_code: bool = typer.Option(
        False, "--exit-code", help="Exit 1 when the plans differ, like git diff --exit-code."
    ),
    lang: LangChoice | None = lang_option(),
) -> None:
    """Show every change between two versions of a plan, grouped by what it affects.

    Every field of the plan is compared (targets, dates, money, source mappings, status
    thresholds, alerts, reviews, milestones, approvals, owners); changes that alter numbers
    or grades already reported are marked ⚠ review carefully; budget totals are shown
    before and after. Prints nothing and exits 0 when the plans are the same; a plan that
    does not validate on either side exits 1 with its errors. The JSON document is
    described in docs/review.md.

    Examples: mktplan diff old.yaml new.yaml;
    mktplan diff plans/q3.yaml --rev origin/main --format md
    """
    from mktplan.plan import diff as plan_diff

    # the language of the plan under review (the new side), unless --lang or MKTPLAN_LANG says
    chosen = speak(choose_lang(lang, declared_lang(new if new is not None else old)))
    if (new is None) == (rev is None):
        raise UsageError(msg("diff.usage"), hint=msg("diff.usage.hint"))
    try:
        if new is not None:
            old_plan = plan_diff.load_side(old)
            new_plan = plan_diff.load_side(new)
            labels = (str(old), str(new))
        else:
            assert rev is not None  # checked above; narrows the type
            version = plan_diff.read_at_rev(old, rev)
            old_plan = plan_diff.load_text_side(version.text, version.label, old.name)
            new_plan = plan_diff.load_side(old)
            labels = (version.label, str(old))
    except plan_diff.InvalidSide as exc:
        err = error_console()
        err.print(f"mktplan: {exc.in_lang(chosen).message}", soft_wrap=True, markup=False)
        for finding in plan_diff.findings_of(exc):
            err.print(format_finding(finding, chosen))
        raise typer.Exit(EXIT_INVALID) from None

    result = plan_diff.compare(old_plan, new_plan, *labels)
    if not result.changed:
        raise typer.Exit(EXIT_OK)
    if output_format is DiffFormat.json:
        write_stdout(
            json.dumps(result.as_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        )
    elif output_format is DiffFormat.md:
        write_stdout(plan_diff.to_markdown(result, chosen))
    else:
        from rich.table import Table
        from rich.text import Text

        from mktplan.render.numbers import without_controls

        def cells(values: Sequence[str]) -> list[Text]:
            # plan text is shown as written: "[bold]…" is no rich markup, ESC no command
            return [Text(without_controls(v)) for v in values]

        out = console()
        out.print(f"{result.old_label} → {result.new_label}", soft_wrap=True, markup=False)
        for group, found in plan_diff.groups(result):
            table = Table(title=plan_diff.group_label(group, chosen), title_justify="left")
            for header, label in zip(plan_diff.HEADERS, plan_diff.headers(chosen), strict=True):
                numeric = header == "change"
                # ids, fields and values fold onto more lines in a narrow terminal, never cut
                # to "online.sa…" or "1,3…"
                table.add_column(
                    label, justify="right" if numeric else "left", no_wrap=numeric, overflow="fold"
                )
            for change in found:
                table.add_row(*cells(plan_diff.render_cells(change, chosen)))
            out.print(table)
        totals = Table(title=message("diff.budget_totals", chosen), title_justify="left")
        for header, label in zip(
            plan_diff.TOTAL_HEADERS, plan_diff.total_headers(chosen), strict=True
        ):
            totals.add_column(label, justify="left" if header == "budget" else "right")
        for total in result.totals:
            totals.add_row(*cells(plan_diff.render_total(total, chosen)))
        out.print(totals)
        out.print(plan_diff.summary(result, chosen), soft_wrap=True, markup=False)
    raise typer.Exit(EXIT_INVALID if exit_code else EXIT_OK)
