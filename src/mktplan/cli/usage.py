"""Click's usage errors (a missing argument, an unknown option, a value not among the
choices) said as mktplan says every error: one paragraph on standard error, in the user's
language, with the command's help as the hint. Click printed three English lines."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from typer._click import exceptions as click

from mktplan.cli.options import LANG_ENV, declared_lang
from mktplan.i18n import Msg, message, msg


def usage_message(exc: click.UsageError, args: Sequence[str]) -> str:
    """The one-paragraph message for ``exc``, raised for the command line ``args``."""
    lang = _lang(args)
    command = exc.ctx.command_path if exc.ctx is not None else "mktplan"
    unknown = _NO_SUCH_COMMAND.match(exc.message) is not None
    if command == "mktplan" and args and not args[0].startswith("-") and not unknown:
        command = f"mktplan {args[0]}"  # an option's missing value fails before the command
    return message("cli.usage", lang, command=command, what=_what(exc))


def _what(exc: click.UsageError) -> Msg | str:
    """What is wrong, as a catalogue clause where click's sentence is a known one."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        if exc.param_type == "argument" or exc.param.param_type_name == "argument":
            return msg("cli.missing_argument", name=(exc.param.name or "").upper())
        return msg("cli.missing_option", name=exc.param.opts[0] if exc.param.opts else "")
    if isinstance(exc, click.NoSuchOption):
        near = sorted(exc.possibilities or ())
        if near:
            return msg("cli.no_such_option_near", name=exc.option_name, near=", ".join(near))
        return msg("cli.no_such_option", name=exc.option_name)
    if isinstance(exc, click.BadParameter):
        hint = exc.param_hint
        if hint is None and exc.param is not None:
            hint = list(exc.param.opts) or [exc.param.name or ""]
        shown = " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint or "")
        why = exc.message.removeprefix("Value error, ").rstrip(".")
        if choice := _NOT_ONE_OF.fullmatch(why):
            return msg("cli.not_one_of", name=shown, value=choice[1], choices=choice[2])
        return msg("cli.bad_value", name=shown, why=why)
    if isinstance(exc, click.BadOptionUsage) and "requires an argument" in exc.message:
        return msg("cli.option_needs_value", name=exc.option_name)
    if command := _NO_SUCH_COMMAND.match(exc.message):
        return msg("cli.no_such_command", name=command[1])
    if exc.message.startswith("Got unexpected extra argument(s) ("):
        extra = exc.message.removeprefix("Got unexpected extra argument(s) (")[:-1]
        return msg("cli.extra_arguments", extra=extra)
    return exc.message.rstrip(".")


_NOT_ONE_OF = re.compile(r"'(.*)' is not one of (.*)", re.DOTALL)
_NO_SUCH_COMMAND = re.compile(r"No such command '(.*?)'")


def _lang(args: Sequence[str]) -> str:
    """The language the command line asks for: --lang, else $MKTPLAN_LANG, else the lang: of
    a plan it names, else English (the line did not parse, so no option was read)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in ("en", "zh"):
            return args[i + 1]
        if arg in ("--lang=en", "--lang=zh"):
            return arg.rpartition("=")[2]
    if (env := os.environ.get(LANG_ENV, "").strip()) in ("en", "zh"):
        return env
    for arg in args:
        if arg.endswith((".yaml", ".yml")):
            try:
                declared = declared_lang(Path(arg))
            except OSError:
                continue
            if declared is not None:
                return declared
    return "en"
