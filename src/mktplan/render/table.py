"""The report as rich tables for a terminal: the same sections and numbers as the Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mktplan.evaluation import Evaluation, KpiResult
from mktplan.i18n import TRACKING_COLUMNS, labels
from mktplan.render import numbers

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table

_STATUS_STYLE = {
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
    "done": "green",
    "in_progress": "yellow",
    "delayed": "red",
    "warning": "yellow",
    "critical": "bold red",
}


def _table(title: str, headers: list[str], right: set[int] | None = None) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_lines=False)
    for index, header in enumerate(headers):
        table.add_column(header, justify="right" if right and index in right else "left")
    return table


def _styled(text: str, key: str) -> str:
    from rich.markup import escape

    style = _STATUS_STYLE.get(key)
    return f"[{style}]{escape(text)}[/{style}]" if style else escape(text)


def _plain(value: object) -> str:
    from rich.markup import escape

    return escape(numbers.text(value))


def report_renderables(ev: Evaluation, lang: str = "en") -> list[RenderableType]:
    """The report's sections as rich renderables, in the Markdown report's order."""
    w = labels(lang)
    p, b = ev.plan, ev.budget
    names: dict[str | None, str] = {m.id: m.name for m in ev.modules}
    names[None] = w["plan_level"]

    def status(k: KpiResult) -> str:
        text = w[f"status_{k.status}"] + (f", {w['stale']}" if k.stale else "")
        return _styled(text, k.status)

    header = (
        f"[bold]{_plain(w['report_title'])}: {_plain(p.name)}[/bold]\n"
        f"{w['plan_id']} {_plain(p.id)} · {w['plan_owner']} {_plain(p.owner)} · "
        f"{w['period']} {p.start.isoformat()} – {p.end.isoformat()} · "
        f"{w['as_of']} {p.as_of.isoformat()} ({p.days_elapsed}/{p.days_total})"
    )
    out: list[RenderableType] = [header]

    summary = ev.summary_kpis()
    t = _table(
        w["summary"],
        [w["dimension"], w["target"], w["actual"], w["attainment"], w["comment"]],
        {1, 2, 3},
    )
    for k in summary:
        t.add_row(
            _plain(k.name),
            numbers.kpi_value(k.target, k.unit),
            numbers.kpi_value(k.actual, k.unit),
            numbers.fraction(k.attainment),
            status(k),
        )
    out.append(t)

    t = _table(
        w["tracking"],
        [w[key] for key in TRACKING_COLUMNS],
    )
    for r in ev.tracking:
        t.add_row(
            *(
                _plain(v)
                for v in (
                    r.module,
                    r.target,
                    r.plan,
                    r.kpis,
                    r.source,
                    r.actual,
                    r.variance,
                    r.cause,
                    r.measure,
                    r.owner,
                )
            ),
            numbers.date(r.deadline),
        )
    out.append(t)

    t = _table(
        w["kpis"],
        [
            w["module"],
            w["kpi"],
            w["target"],
            w["actual"],
            w["attainment"],
            w["variance"],
            w["expected"],
            w["pace"],
            w["forecast"],
            w["status"],
        ],
        {2, 3, 4, 5, 6, 7, 8},
    )
    for k in ev.kpis:
        t.add_row(
            _plain(names.get(k.module, k.module)),
            _plain(k.name),
            numbers.kpi_value(k.target, k.unit),
            numbers.kpi_value(k.actual, k.unit),
            numbers.fraction(k.attainment),
            numbers.kpi_value(k.variance, k.unit),
            numbers.kpi_value(k.expected, k.unit),
            numbers.fraction(k.pace),
            numbers.kpi_value(k.forecast, k.unit),
            status(k),
        )
    out.append(t)

    t = _table(
        f"{w['budget']} ({_plain(p.currency)})",
        [
            w["module"],
            w["owner"],
            w["budget_col"],
            w["spend"],
            w["budget_used"],
            w["revenue"],
            w["roi"],
            w["spend_share"],
            w["revenue_share"],
        ],
        {2, 3, 4, 5, 6, 7, 8},
    )
    for m in ev.modules:
        t.add_row(
            _plain(m.name),
            _plain(m.owner),
            numbers.money(m.budget),
            numbers.money(m.spend),
            numbers.fraction(m.budget_used),
            numbers.money(m.revenue),
            numbers.roi_label(m.roi),
            numbers.fraction(m.spend_share),
            numbers.fraction(m.revenue_share),
        )
    t.add_section()
    t.add_row(
        f"[bold]{w['total']}[/bold]",
        "",
        numbers.money(b.total),
        numbers.money(b.spent),
        numbers.fraction(b.used),
        "",
        "",
        "",
        "",
    )
    t.add_row(w["reserve"], "", numbers.money(b.reserve), "", "", "", "", "", "")
    t.add_row(w["remaining"], "", numbers.money(b.remaining), "", "", "", "", "", "")
    out.append(t)
    if b.lines:
        t = _table(
            w["budget_lines"],
            [w["line"], w["planned"], w["spent"], w["remaining"], w["used"]],
            {1, 2, 3, 4},
        )
        for line in b.lines:
            t.add_row(
                _plain(line.line),
                numbers.money(line.planned),
                numbers.money(line.spent),
                numbers.money(line.remaining),
                numbers.fraction(line.used),
            )
        out.append(t)

    t = _table(
        w["tasks"],
        [
            w["module"],
            w["task"],
            w["owner"],
            w["planned_finish"],
            w["actual_finish"],
            w["status"],
            w["days_late"],
            w["issue"],
        ],
        {6},
    )
    for a in ev.actions:
        t.add_row(
            _plain(names.get(a.module, a.module)),
            _plain(a.name),
            _plain(a.owner),
            numbers.date(a.end),
            numbers.date(a.finished),
            _styled(w[f"action_{a.status}"], a.status),
            str(a.days_late),
            _plain(a.issue),
        )
    out.append(t)

    if ev.alerts:
        t = _table(
            w["alerts"],
            [w["severity"], w["kpi"], w["message"], w["owner"], w["respond_by"]],
        )
        for al in ev.alerts:
            t.add_row(
                _styled(w[f"severity_{al.severity}"], al.severity),
                _plain(al.kpi),
                _plain(al.message),
                _plain(al.owner),
                numbers.timestamp(al.respond_by),
            )
        out.append(t)
    else:
        out.append(f"[bold]{w['alerts']}[/bold]: {w['no_alerts']}")
    return out


def print_report(ev: Evaluation, console: Console, lang: str = "en") -> None:
    """Print the report's tables on ``console``."""
    for renderable in report_renderables(ev, lang):
        console.print(renderable)


def render_table_text(ev: Evaluation, lang: str = "en", width: int = 160) -> str:
    """The terminal report as plain text (no colour), for ``--format table --out FILE``."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    print_report(ev, console, lang)
    return buffer.getvalue()
