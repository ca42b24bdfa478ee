"""`mktplan validate`, `mktplan schema` and `mktplan init`: commands on plan files."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from mktplan.cli import app
from mktplan.cli.output import console, format_finding
from mktplan.errors import EXIT_INVALID, EXIT_OK, UsageError


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class Lang(StrEnum):
    en = "en"
    zh = "zh"


def _gh_escape(value: str, *, prop: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


@app.command()
def validate(
    plans: list[Path] = typer.Argument(
        ..., help="One or more plan YAML files.", show_default=False
    ),
    output_format: ValidateFormat = typer.Option(
        ValidateFormat.text,
        "--format",
        "-f",
        help="text (readable), json, or github (CI annotations).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors (exit 1)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print problems only, no summary."),
) -> None:
    """Check plan files: SMART goals, owners, budget and reserve, dates, references, formulas.

    Every problem is reported at once with file, line and field. Exit 0 valid, 1 invalid.

    Example: mktplan validate plans/q3-2023-growth.yaml plans/2024-06-launch.yaml
    """
    from mktplan.plan.cache import check_and_remember

    results = [check_and_remember(path) for path in plans]
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
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))
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
                message = finding.message + (f". Hint: {finding.hint}" if finding.hint else "")
                typer.echo(f"::{level} {','.join(props)}::{_gh_escape(message, prop=False)}")
    else:
        from rich.text import Text

        out = console()
        for r in results:
            if not r.findings:
                if not quiet:
                    out.print(Text.assemble(("ok", "green"), f" {r.file}"))
                continue
            # grouped by file: a header with the counts, then one line a finding
            head = f"{len(r.errors)} error{'s' * (len(r.errors) != 1)}"
            if r.warnings:
                head += f", {len(r.warnings)} warning{'s' * (len(r.warnings) != 1)}"
            out.print(Text.assemble((r.file, "bold underline"), f" ({head})"))
            for finding in r.findings:
                out.print(Text("  ").append_text(format_finding(finding)))
        if not quiet:
            errors = sum(len(r.errors) for r in results)
            warnings = sum(len(r.warnings) for r in results)
            valid = len(results) - len(failed)
            out.print(
                f"{len(results)} plan{'s' * (len(results) != 1)} checked: {valid} valid, "
                f"{len(failed)} invalid ({errors} error{'s' * (errors != 1)}, "
                f"{warnings} warning{'s' * (warnings != 1)})"
            )
    raise typer.Exit(EXIT_INVALID if failed else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the plan format, for editors (yaml-language-server).

    Example: mktplan schema > plan.schema.json, then start a plan with
    `# yaml-language-server: $schema=plan.schema.json`
    """
    from mktplan.plan.schema import plan_json_schema

    typer.echo(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2, sort_keys=True))
    raise typer.Exit(EXIT_OK)


@app.command()
def init(
    path: Path = typer.Argument(..., help="Where to write the starter plan.", show_default=False),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of names and comments: en or zh."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented starter plan that validates, to edit into your own.

    Example: mktplan init plans/2025-q1.yaml --lang zh
    """
    from importlib.resources import files

    if path.exists() and not force:
        raise UsageError(
            "the file exists already", file=str(path), hint="pick another path or pass --force"
        )
    if path.is_dir():
        raise UsageError("this is a directory", file=str(path), hint="name the file to write")
    text = files("mktplan").joinpath("templates", f"starter.{lang.value}.yaml").read_text("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the plan: {exc.strerror}", file=str(path)) from None
    console().print(f"wrote {path}; check it with: mktplan validate {path}")
    raise typer.Exit(EXIT_OK)
