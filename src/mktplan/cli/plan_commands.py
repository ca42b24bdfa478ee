"""`mktplan validate`, `mktplan schema` and `mktplan init`: commands on plan files."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path

import typer

from mktplan.cli import app
from mktplan.cli.options import LangChoice, choose_lang, declared_lang, lang_option
from mktplan.cli.output import console, format_finding, speak, write_stdout
from mktplan.errors import EXIT_INVALID, EXIT_OK, UsageError
from mktplan.i18n import message, msg


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _gh_escape(value: str, *, prop: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


@app.command()
def validate(
    plans: list[Path] = typer.Argument(
        ..., readable=False, help="One or more plan YAML files.", show_default=False
    ),
    output_format: ValidateFormat = typer.Option(
        ValidateFormat.text,
        "--format",
        "-f",
        help="text (readable), json, or github (CI annotations).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors (exit 1)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print problems only, no summary."),
    lang: LangChoice | None = lang_option(),
) -> None:
    """Check plan files: SMART goals, owners, budget and reserve, dates, references, formulas.

    Every problem is reported at once with file, line and field. Exit 0 valid, 1 invalid.

    Example: mktplan validate plans/q3-2023-growth.yaml plans/2024-06-launch.yaml
    """
    from mktplan.plan.cache import check_and_remember

    checked = [check_and_remember(path) for path in plans]
    # each file's findings in its own language; the summary in the one they share
    langs = [
        choose_lang(lang, declared_lang(path, r.loaded.data if r.loaded else None))
        for path, r in zip(plans, checked, strict=True)
    ]
    results = [
        dataclasses.replace(r, findings=[f.in_lang(chosen) for f in r.findings])
        for r, chosen in zip(checked, langs, strict=True)
    ]
    summary_lang = speak(langs[0] if len(set(langs)) == 1 else choose_lang(lang))
    failed = [r for r in results if not r.valid or (strict and r.warnings)]

    if output_format is ValidateFormat.json:
        files = [
            {
                "file": r.file,
                "valid": r.valid and not (strict and r.warnings),
                "errors": [f.as_dict() for f in r.errors],
                "warnings": [f.as_dict() for f in r.warnings],
            }
            for r in results
        ]
        document = {
            "valid": not failed,
            "errors": [e for f in files for e in f["errors"]],  # type: ignore[attr-defined]
            "warnings": [w for f in files for w in f["warnings"]],  # type: ignore[attr-defined]
            "files": files,
        }
        write_stdout(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    elif output_format is ValidateFormat.github:
        for r in results:
            for finding in r.findings:
                level = "error" if finding in r.errors or strict else "warning"
                props = [f"file={_gh_escape(finding.file or r.file, prop=True)}"]
                if finding.line is not None:
                    props.append(f"line={finding.line}")
                if finding.column is not None:
                    props.append(f"col={finding.column}")
                if finding.path:
                    props.append(f"title={_gh_escape(finding.path, prop=True)}")
                shown = finding.message
                if finding.hint:
                    shown += message("validate.github_hint", summary_lang, hint=finding.hint)
                write_stdout(f"::{level} {','.join(props)}::{_gh_escape(shown, prop=False)}\n")
    else:
        from rich.text import Text

        out = console()
        for r, chosen in zip(results, langs, strict=True):
            if not r.findings:
                if not quiet:
                    out.print(Text.assemble((message("cli.ok", chosen), "green"), f" {r.file}"))
                continue
            # grouped by file: a header with the counts, then one line a finding
            head = message(
                "validate.file_counts_warnings" if r.warnings else "validate.file_counts",
                chosen,
                errors=len(r.errors),
                warnings=len(r.warnings),
            )
            out.print(Text.assemble((r.file, "bold underline"), f" ({head})"))
            for finding in r.findings:
                out.print(Text("  ").append_text(format_finding(finding, chosen)))
        if not quiet:
            out.print(
                message(
                    "validate.summary",
                    summary_lang,
                    plans=len(results),
                    valid=len(results) - len(failed),
                    invalid=len(failed),
                    errors=sum(len(r.errors) for r in results),
                    warnings=sum(len(r.warnings) for r in results),
                )
            )
    raise typer.Exit(EXIT_INVALID if failed else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the plan format, for editors (yaml-language-server).

    Example: mktplan schema > plan.schema.json, then start a plan with
    `# yaml-language-server: $schema=plan.schema.json`
    """
    from mktplan.plan.schema import plan_json_schema

    write_stdout(
        json.dumps(plan_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    raise typer.Exit(EXIT_OK)


@app.command()
def init(
    path: Path = typer.Argument(
        ..., readable=False, help="Where to write the starter plan.", show_default=False
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    lang: LangChoice | None = lang_option(),
) -> None:
    """Write a commented starter plan that validates, to edit into your own.

    Example: mktplan init plans/2025-q1.yaml --lang zh
    """
    from importlib.resources import files

    chosen = speak(choose_lang(lang))
    # a directory first: --force would not help, so "pass --force" would send the user astray
    if path.is_dir():
        raise UsageError(msg("init.directory"), file=str(path), hint=msg("init.directory.hint"))
    if path.exists() and not force:
        raise UsageError(msg("init.exists"), file=str(path), hint=msg("init.exists.hint"))
    text = files("mktplan").joinpath("templates", f"starter.{chosen}.yaml").read_text("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            msg("init.unwritable", why=exc.strerror or str(exc)), file=str(path)
        ) from None
    console().print(message("init.wrote", chosen, path=str(path)), markup=False)
    raise typer.Exit(EXIT_OK)
