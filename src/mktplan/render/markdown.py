"""Markdown reports from Jinja2 templates.

The bundled templates (``report.md.j2`` and its partials) live in the repository's top-level
``templates/`` folder, which the wheel ships as ``mktplan.report_templates``. A team may pass
its own template file; it is loaded from its own folder only (includes cannot leave that
folder, symlinks included) in a sandboxed environment. Autoescaping is off for Markdown and
on for ``.html``/``.xml`` templates. Numbers go through fixed filters, so the same evaluation
always gives the same bytes.
"""

from __future__ import annotations

import contextlib
import decimal
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktplan.errors import ReportError
from mktplan.evaluation import Evaluation, KpiResult
from mktplan.i18n import labels, msg
from mktplan.render import columns, numbers
from mktplan.render.weekly import weekly_filters

if TYPE_CHECKING:
    import jinja2

REPORT_TEMPLATE = "report.md.j2"
# Extensions whose output is HTML-like and must be autoescaped (with or without .j2).
ESCAPED_EXTENSIONS = ("html", "htm", "xml", "html.j2", "htm.j2", "xml.j2")


def builtin_templates() -> Path:
    """The folder of the bundled report templates: the installed ``mktplan.report_templates``
    (a wheel), else ``templates/`` beside ``src/`` (a source checkout or editable install)."""
    import importlib.util

    spec = importlib.util.find_spec("mktplan.report_templates")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        if (Path(location) / REPORT_TEMPLATE).is_file():
            return Path(location)
    checkout = Path(__file__).resolve().parents[3] / "templates"
    if (checkout / REPORT_TEMPLATE).is_file():
        return checkout
    raise ReportError(
        msg("template.bundled_missing"),
        file=REPORT_TEMPLATE,
        hint=msg("template.bundled_missing.hint"),
    )


def _folder_loader(folder: Path) -> jinja2.BaseLoader:
    """A FileSystemLoader that refuses any file whose real path leaves ``folder``."""
    import jinja2

    root = os.path.realpath(folder)

    class FolderLoader(jinja2.FileSystemLoader):
        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            source, filename, uptodate = super().get_source(environment, template)
            real = os.path.realpath(filename)
            if os.path.commonpath([root, real]) != root:
                raise jinja2.TemplateNotFound(template)
            return source, filename, uptodate

    return FolderLoader(str(folder), encoding="utf-8", followlinks=False)


def markdown_filters(
    lang: str, shown: numbers.Style = numbers.PLAIN, html: bool = False
) -> dict[str, Callable[..., str]]:
    """The formatting filters templates use; labels are resolved in ``lang``, numbers are
    written in the ``shown`` style (万/亿, 1:X). ``html``: the template is autoescaped HTML,
    so ``text`` and ``cell`` escape for HTML (once: Markdown's backslashes and entities would
    show) and ``html_table`` writes a table."""
    words = labels(lang)

    def status(value: str) -> str:
        return words.get(f"status_{value}", value)

    def comment(kpi: KpiResult) -> str:
        text = status(kpi.status)
        return f"{text}, {words['stale']}" if kpi.stale else text

    return {
        "num": lambda value, places=None: numbers.number(value, places, shown),
        "money": lambda value: numbers.money(value, shown),
        "pct": numbers.fraction,
        "points": numbers.points,
        "kv": lambda value, unit: numbers.kpi_value(value, unit, shown),
        "roi": numbers.roi_label,
        "date": numbers.date,
        "ts": numbers.timestamp,
        "text": numbers.html_text if html else numbers.md_text,
        "cell": numbers.html_cell if html else numbers.md_cell,
        "md_table": columns.markdown_table,
        "html_table": columns.html_table,
        "status": status,
        "comment": comment,
        "action_status": lambda value: words.get(f"action_{value}", str(value)),
        "severity": lambda value: words.get(f"severity_{value}", str(value)),
        "cadence": lambda value: words.get(f"cadence_{value}", str(value)),
    }


# The options of the templates' environment that change how a template compiles.
_SYNTAX = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}


def _bytecode_cache(environment: type[jinja2.Environment]) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: compiling the bundled ones is about a tenth of
    a second of every report. They are kept in Jinja's private folder of this user under the
    temporary directory (created 0700; Jinja refuses one another user owns or can write, so
    nobody else can plant code there). An entry holds its template's source checksum, so an
    edited template compiles afresh; its file name carries Jinja's version, the options above
    and the ``environment`` class (a sandbox compiles operators into checked calls), which
    that check does not cover. Off when ``MKTPLAN_CACHE_DIR`` is set empty (as
    the plan cache); None when there is no safe folder."""
    import hashlib

    import jinja2

    from mktplan.plan.cache import caching_off

    if caching_off():
        return None
    mark = hashlib.sha256(
        repr(
            (
                jinja2.__version__,
                environment.__qualname__,
                sorted(_SYNTAX.items()),
                ESCAPED_EXTENSIONS,
            )
        ).encode()
    ).hexdigest()[:16]

    class BestEffort(jinja2.FileSystemBytecodeCache):
        """A full, unwritable or damaged cache only means compiling the template again."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # an unreadable entry, whatever its error
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):  # a full disk: the next report compiles again
                super().dump_bytecode(bucket)

    try:
        return BestEffort(pattern=f"__mktplan_{mark}_%s.cache")
    except (OSError, RuntimeError):  # no temporary folder, or not a private one
        return None


_ESCAPED_ENDINGS = tuple(f".{ext}" for ext in ESCAPED_EXTENSIONS)


def _escaped(name: str) -> bool:
    """Whether a template of this file name is autoescaped (HTML or XML)."""
    return name.lower().endswith(_ESCAPED_ENDINGS)


def _environment(
    loader: jinja2.BaseLoader,
    lang: str,
    shown: numbers.Style = numbers.PLAIN,
    html: bool = False,
) -> jinja2.Environment:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=loader,
        autoescape=lambda name: name is not None and _escaped(name),
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(SandboxedEnvironment),
        **_SYNTAX,
    )
    env.filters.update(markdown_filters(lang, shown, html))
    env.filters.update(weekly_filters(lang, shown))
    return env


def report_tables(
    ev: Evaluation, lang: str, units: numbers.Units | None = None, html: bool = False
) -> dict[str, columns.TextTable]:
    """Each report table as Markdown-safe texts (``html``: HTML-escaped ones), from its
    column specification."""
    shown = columns.display(ev, lang, units)
    cell: Callable[[str], str] = numbers.html_cell if html else numbers.md_cell
    channels = columns.channel_parts(ev)
    return {
        "summary": columns.text_table(columns.SUMMARY, ev.summary_kpis(), "md", shown, cell),
        "tracking": columns.text_table(columns.TRACKING, ev.tracking, "md", shown, cell),
        "tasks": columns.text_table(columns.TASKS, ev.actions, "md", shown, cell),
        "kpis": columns.text_table(columns.KPIS, ev.kpis, "md", shown, cell),
        "modules": columns.text_table(columns.MODULES, ev.modules, "md", shown, cell),
        "alerts": columns.text_table(columns.ALERTS, ev.alerts, "md", shown, cell),
        "lines": columns.text_table(columns.BUDGET_LINES, ev.budget.lines, "md", shown, cell),
        "period": columns.text_table(columns.PERIOD, ev.summary_kpis(), "md", shown, cell),
        "trend": columns.text_table(
            columns.COMPACT_TREND,
            columns.trend_lines(ev, shown.style),
            "md",
            shown,
            cell,
        ),
        "kpi_channels": columns.text_table(columns.KPI_CHANNELS, channels[0], "md", shown, cell),
        "module_channels": columns.text_table(
            columns.MODULE_CHANNELS, channels[1], "md", shown, cell
        ),
    }


def template_context(
    ev: Evaluation, lang: str, units: numbers.Units | None = None, html: bool = False
) -> dict[str, Any]:
    """What a template sees: ``ev`` (the Evaluation), ``plan``, ``L`` (labels), ``lang``,
    ``summary_kpis`` (plan-level KPIs, then module KPIs with a target) and ``tables`` (each
    table's ``headers``, ``right`` alignments and ``rows`` of escaped cell texts; the
    ``md_table`` filter writes one as a Markdown table)."""
    summary = ev.summary_kpis()
    return {
        "ev": ev,
        "plan": ev.plan,
        "L": labels(lang),
        "lang": lang,
        "summary_kpis": summary,
        "tables": report_tables(ev, lang, units, html),
    }


def render_markdown(
    ev: Evaluation,
    lang: str = "en",
    template: Path | None = None,
    units: numbers.Units | None = None,
) -> str:
    """The report rendered by the bundled template, or by ``template`` (a file path);
    ``units``: large money and counts in 万/亿 or plain (default: 万 in Chinese).

    Raises :class:`ReportError` with the template's file and line when it cannot be read,
    has a syntax error, uses an unknown name or tries to include a file outside its folder.
    """
    import jinja2

    folder, name = (
        (builtin_templates(), REPORT_TEMPLATE)
        if template is None
        else (template.parent, template.name)
    )
    shown = numbers.style(lang, units)
    html = _escaped(name)
    env = _environment(_folder_loader(folder), lang, shown, html)
    module_names = {m.id: m.name for m in ev.modules}
    plan_label = labels(lang)["plan_level"]
    env.filters["module_name"] = lambda value: (
        plan_label if value is None else module_names.get(value, value)
    )
    where = str(template) if template is not None else name
    try:
        return env.get_template(name).render(template_context(ev, lang, units, html))
    except jinja2.TemplateNotFound as exc:
        raise ReportError(
            msg("template.not_found", name=str(exc.name)),
            **_failing_line(exc, folder, where),
            hint=msg("template.not_found.hint"),
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise ReportError(
            msg("template.syntax", detail=str(exc.message)),
            file=exc.filename or where,
            line=exc.lineno,
            hint=msg("template.syntax.hint"),
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise ReportError(
            msg("template.unsafe", detail=str(exc)),
            **_failing_line(exc, folder, where),
            hint=msg("template.unsafe.hint"),
        ) from None
    except (jinja2.UndefinedError, TypeError) as exc:
        raise ReportError(
            msg("template.error", detail=str(exc)),
            **_failing_line(exc, folder, where),
            hint=msg("template.error.hint"),
        ) from None
    except UnicodeDecodeError:
        raise ReportError(
            msg("template.not_utf8"), file=where, hint=msg("template.not_utf8.hint")
        ) from None
    except OSError as exc:
        raise ReportError(
            msg("template.unreadable", why=str(exc.strerror)),
            file=where,
            hint=msg("template.unreadable.hint"),
        ) from None
    except decimal.DecimalException:
        raise  # a number the filters cannot format is the data's problem, not the template's
    except Exception as exc:  # anything else a template's own expressions raise is its error
        raise ReportError(
            msg("template.failed", kind=type(exc).__name__, detail=str(exc)),
            **_failing_line(exc, folder, where),
            hint=msg("template.failed.hint"),
        ) from None


def _failing_line(exc: BaseException, folder: Path, where: str) -> dict[str, Any]:
    """``file`` and ``line`` of the template line that raised ``exc`` while rendering (an
    included template's own file and line): Jinja rewrites the traceback so that each
    template frame carries its file and line. ``where`` alone when no frame is a template's."""
    import traceback

    root = os.path.realpath(folder)
    found: dict[str, Any] = {"file": where}
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(".py") or filename.startswith("<"):
            continue  # Python code (mktplan's filters, Jinja itself), or a compiled string
        real = os.path.realpath(filename)
        if os.path.commonpath([root, real]) == root:
            # the main template by the name it was given; an included one by its path
            main = real == os.path.realpath(folder / Path(where).name)
            found = {"file": where if main else filename, "line": line}
    return found
