"""The command line: a typer app whose commands parse arguments, call one library function,
print, and pick the exit code. No domain logic lives here.

Imports of pydantic, pandas, openpyxl and jinja2 happen inside the commands so that
``mktplan --help`` starts fast.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

# mktplan's pydantic models are its own; looking up installed pydantic plugins (entry points
# through importlib.metadata) costs every command 15 ms for nothing. Set it to "" to look.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer  # after the setting above: typer imports pydantic

from mktplan import __version__, interrupt
from mktplan.errors import EXIT_INVALID, EXIT_PIPE, EXIT_USAGE, MktplanError

app = typer.Typer(
    add_completion=True,
    name="mktplan",
    help=(
        "Marketing plans as text files: validate the plan, ingest the weekly exports, "
        "report attainment, pacing, ROI and budget.\n\n"
        "Example: mktplan validate plans/q3-2023-growth.yaml"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mktplan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Marketing plans as text files: validate, ingest, report."""


# Each family of commands lives in its own module; importing it adds its commands to `app`,
# in this order in `mktplan --help`.
COMMAND_MODULES = (
    "plan_commands",
    "ingest_commands",
    "report_commands",
    "diff_commands",
    "cron_commands",
    "store_commands",
)


def _register() -> None:
    import importlib
    import importlib.util

    for name in COMMAND_MODULES:
        if importlib.util.find_spec(f"mktplan.cli.{name}") is not None:
            importlib.import_module(f"mktplan.cli.{name}")


_register()


def _print_error(exc: MktplanError) -> None:
    from mktplan.cli.output import error_console, format_error

    error_console().print(format_error(exc), soft_wrap=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run a command and exit with its code; never show a traceback.

    Typer's standalone mode handles --help, usage errors (exit 2) and `typer.Exit`; every
    other exception is turned into a one-paragraph message here.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    _replace_what_the_terminal_cannot_show()
    if argv is None:
        interrupt.install()  # already done by mktplan.__main__; not by an older entry script
    try:
        with interrupt.armed:
            _run(args)
    except interrupt.Interrupted:
        stored = interrupt.stored_changes
        print(interrupt.STORED_MESSAGE if stored else interrupt.MESSAGE, file=sys.stderr)
        sys.exit(interrupt.EXIT_INTERRUPTED)
    finally:
        if argv is None:  # the process ends here: skip the garbage collector's last full
            gc.freeze()  # pass over every object (0.1 s after a 2,000-KPI ingest)


# Text of every kind mktplan prints: Chinese messages and plans, ✓, …, –, €.
_SAMPLE = "中文✓…–€"
_FAILING = ("strict", "surrogateescape")


def _replace_what_the_terminal_cannot_show() -> None:
    """Let standard output and error write what their encoding cannot hold as \\uXXXX
    escapes (PYTHONIOENCODING=ascii, a C locale's terminal) instead of failing with
    UnicodeEncodeError: the message stays whole and readable."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        # surrogateescape (a C locale's default) fails on any character outside the
        # encoding too; another handler (PYTHONIOENCODING=ascii:replace) is the user's choice
        if not encoding or getattr(stream, "errors", "strict") not in _FAILING:
            continue
        try:
            _SAMPLE.encode(encoding)
        except UnicodeEncodeError:
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        except LookupError:
            continue


def _run(args: list[str]) -> None:
    from typer._click import exceptions as click  # the click that typer carries

    try:
        # not standalone: click's usage errors come here, to be said in one paragraph in
        # the user's language (click prints three English lines), and a broken pipe keeps
        # its own exit code
        code = app(args=args, prog_name="mktplan", standalone_mode=False)
    except click.NoArgsIsHelpError as exc:  # `mktplan report` alone: its help
        exc.show()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        from mktplan.cli.usage import usage_message

        print(usage_message(exc, args), file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:  # a file typer itself could not open
        print(f"mktplan: {exc.format_message()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:  # Ctrl-C or end of input at a prompt
        print(interrupt.MESSAGE, file=sys.stderr)
        sys.exit(interrupt.EXIT_INTERRUPTED)
    except MktplanError as exc:
        _print_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:  # in a process whose SIGINT handler is Python's default
        print(interrupt.MESSAGE, file=sys.stderr)
        sys.exit(interrupt.EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(EXIT_PIPE)
    except OSError as exc:  # the system refused a path: too long, no permission, disk full
        where = f"{str(exc.filename)[:200]}: " if exc.filename else ""
        print(
            f"mktplan: {where}{exc.strerror or exc}. Hint: check the path, its permissions and "
            "the free disk space.",
            file=sys.stderr,
        )
        sys.exit(EXIT_INVALID)
    except Exception as exc:  # the last line of defence: a message, never a traceback
        if os.environ.get("MKTPLAN_DEBUG"):
            raise
        print(
            f"mktplan: internal error: {type(exc).__name__}: {exc}. This is a bug in mktplan; "
            "run again with MKTPLAN_DEBUG=1 to see the traceback and report it.",
            file=sys.stderr,
        )
        sys.exit(EXIT_INVALID)
    # typer.Exit(code) is returned when not standalone; every run ends in SystemExit, as
    # click's standalone mode ended it (the entry point leaves by os._exit on it)
    sys.exit(code if isinstance(code, int) else 0)
