"""`mktplan store copy`: move a store between backends (SQLite file, PostgreSQL database)."""

from __future__ import annotations

import typer

from mktplan.cli import app
from mktplan.cli.options import LangChoice, choose_lang, lang_option
from mktplan.errors import EXIT_OK

store_app = typer.Typer(help="Work on a whole store: copy it to another backend.")
app.add_typer(store_app, name="store")


@store_app.command("copy")
def copy(
    source: str = typer.Argument(..., help="The store to copy: a SQLite file or PostgreSQL URI."),
    target: str = typer.Argument(
        ..., help="An empty store to copy into (a new file, or a new database)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    lang: LangChoice | None = lang_option(),
) -> None:
    """Copy every plan, ingest run, observation, correction and BI table of SOURCE into the
    empty store TARGET in one transaction, then compare both stores' contents.

    Exit 0 copied and identical, 1 TARGET is not empty or the copy differs, 2 usage, 4 a
    store cannot be used (locked, damaged, unreachable, from a newer mktplan).

    Example: mktplan store copy plans/.mktplan/store.sqlite postgresql://mk@db/marketing
    """
    from mktplan.cli.output import console, speak
    from mktplan.i18n import message
    from mktplan.store import locate
    from mktplan.store.copy import copy_store

    chosen = speak(choose_lang(lang))  # no plan here: --lang or MKTPLAN_LANG, else English
    outcome = copy_store(locate(source, "SOURCE"), locate(target, "TARGET"))
    if not quiet:
        out = console()
        shown = locate(target, "TARGET")
        counts = ", ".join(f"{n} {table}" for table, n in outcome.rows.items())
        text = message(
            "store.copy.done",
            chosen,
            n=len(outcome.plans),
            store=shown,
            counts=counts,
            digest=outcome.digest[:12],
        )
        out.print(
            text,
            markup=False,
            soft_wrap=True,
        )
    raise typer.Exit(EXIT_OK)
