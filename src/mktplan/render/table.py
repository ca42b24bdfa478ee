"""The report as rich tables for a terminal: the same sections and numbers as the Markdown."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from mktplan.evaluation import Evaluation
from mktplan.i18n import labels
from mktplan.render import columns, numbers

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.text import Text

_STATUS_STYLE = {
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
    "achieved": "green",
    "missed": "red",
    "done": "green",
    "in_progress": "yellow",
    "delayed": "red",
    "warning": "yellow",
    "critical": "bold red",
}


# Tables longer than this are drawn by _AlignedTable: rich measures and wraps every cell,
# which takes seconds for a 2,000-KPI plan; aligned rows take a fraction of that.
RICH_ROWS = 100


# Each word (columns.WORDS: a line may break between two) and the gap before it.
_TOKENS = re.compile(rf"(\s*)({columns.WORDS.pattern})")

# The width of a report that goes to a pipe, when COLUMNS does not say otherwise.
PIPE_WIDTH = 80


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` terminal cells (a CJK character takes two),
    broken at spaces or between CJK characters, its own line breaks kept. Only a word wider
    than ``width`` is cut, as the last resort; columns.needed_width makes room for the
    longest."""
    from rich.cells import cell_len

    width = max(1, width)
    if text.isprintable() and cell_len(text) <= width:  # most cells: one line as it is
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for gap, word in _TOKENS.findall(paragraph):
            size = cell_len(word)
            space = " " if gap and line else ""
            if line and used + len(space) + size > width:
                lines.append(line)
                line, used, space = "", 0, ""
            if not line and size > width:
                *whole, word = _fold(word, width)
                lines += whole
                size = cell_len(word)
            line += space + word
            used += len(space) + size
        lines.append(line)
    return lines


def _fold(word: str, width: int) -> list[str]:
    """``word`` in pieces of at most ``width`` cells."""
    from rich.cells import get_character_cell_size

    pieces, piece, used = [], "", 0
    for char in word:
        size = get_character_cell_size(char)
        if piece and used + size > width:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += size
    return [*pieces, piece]


class _Section:
    """One table of the report: its rows as styled texts, drawn as a rich table when short
    and as aligned lines when long."""

    def __init__(self, title: str, headers: list[str], right: set[int] | None = None) -> None:
        self.title = title
        self.headers = headers
        self.right = right or set()
        self.whole: set[int] = set()  # columns never wrapped or cut (numbers, dates)
        self.least: list[int] = []  # each column's least width (columns.needed_width)
        self.width: int | None = None  # the console's, when the table was fitted to it
        self.rows: list[list[Text]] = []
        self.breaks: set[int] = set()  # a rule before these rows

    def add_row(self, *cells: str | Text) -> None:
        from rich.text import Text

        # every cell, whatever built it, loses control characters: ESC in an export note
        # would otherwise reach the terminal as a command
        self.rows.append(
            [
                Text(numbers.without_controls(c.plain), style=c.style)
                if isinstance(c, Text)
                else Text(numbers.without_controls(c))
                for c in cells
            ]
        )

    def add_section(self) -> None:
        self.breaks.add(len(self.rows))

    def renderable(self) -> RenderableType:
        if len(self.rows) > RICH_ROWS:
            return _AlignedTable(self)
        from rich import box
        from rich.table import Table
        from rich.text import Text

        # a Text, not a str: rich would read [brackets] from the plan's text as markup
        table = Table(
            title=Text(self.title, style="italic") if self.title else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_lines=False,
            show_edge=False,  # two cells between columns, none at the edges:
            collapse_padding=True,  # columns.frame_width
            pad_edge=False,
        )
        widths = self._widths()

        def lines(text: str, index: int) -> str:
            # each cell wrapped here, at words: rich would cut a word (or a CJK run with a
            # word inside) at the column's edge
            if widths is None:
                return text
            return "\n".join(wrap(text, widths[index]))

        for index, header in enumerate(self.headers):
            table.add_column(
                Text(lines(header, index)),
                justify="right" if index in self.right else "left",
                width=None if widths is None else widths[index],
                no_wrap=widths is None,
                overflow="fold",
            )
        for index, row in enumerate(self.rows):
            if index in self.breaks and index:
                table.add_section()
            table.add_row(
                *(
                    cell
                    if i in self.whole or i in self.right
                    else Text(lines(cell.plain, i), cell.style)
                    for i, cell in enumerate(row)
                )
            )
        return table

    def _widths(self, texts: list[list[str]] | None = None) -> list[int] | None:
        """Column widths that fit the console: each column its least width (what
        columns.fit counted on), the room left shared one cell at a time among the columns
        whose text is wider. When even the least widths do not fit (the columns that stay
        in any width, or a very long word), the widest text columns narrow and their
        longest words are cut: the lines still fit. None when no width is known. ``texts``:
        the rows' texts as they will be drawn (default: as added)."""
        from rich.cells import cell_len

        if self.width is None or len(self.least) != len(self.headers):
            return None
        if texts is None:
            texts = [[cell.plain for cell in row] for row in self.rows]
        room = self.width - columns.frame_width(len(self.headers))
        widths = [  # numbers whole, those of rows added since (the budget totals) too
            max([least] + [cell_len(r[i]) for r in texts])
            if i in self.whole or i in self.right
            else least
            for i, least in enumerate(self.least)
        ]
        while sum(widths) > room:
            text = [i for i in range(len(widths)) if i not in self.whole and widths[i] > 1]
            if not text:
                break
            widths[max(text, key=lambda i: widths[i])] -= 1
        wanted = [
            max([cell_len(h)] + [cell_len(line) for r in texts for line in r[i].split("\n")])
            for i, h in enumerate(self.headers)
        ]
        spare = room - sum(widths)
        while spare > 0:
            # the nearest to whole first: a short status stays on one line
            short = sorted(
                (i for i in range(len(widths)) if widths[i] < wanted[i]),
                key=lambda i: wanted[i] - widths[i],
            )
            if not short:
                break
            for i in short[:spare]:
                widths[i] += 1
            spare -= min(spare, len(short))
        return widths


class _AlignedTable:
    """A long table as aligned lines: the widths of the short tables' layout (or each column
    as wide as its widest cell when no width is known), text wrapped at words, numbers
    right-aligned; drawn as segments, which rich only writes."""

    def __init__(self, section: _Section) -> None:
        self.section = section
        # a row a line unless a text needs more: line breaks and tabs in a cell as spaces
        self.texts = [[_one_line(cell.plain) for cell in row] for row in section.rows]

    def _widths(self) -> list[int]:
        from rich.cells import cell_len

        fitted = self.section._widths(self.texts)
        if fitted is not None:
            return fitted
        widths = [cell_len(h) for h in self.section.headers]
        for row in self.texts:
            for index, text in enumerate(row):
                widths[index] = max(widths[index], cell_len(text))
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Segments, not Texts: rich then only writes them (no wrapping to work out)."""
        from rich.cells import cell_len
        from rich.segment import Segment
        from rich.style import Style

        section = self.section
        widths = self._widths()
        fixed = section.whole | section.right  # numbers and dates: never wrapped
        styles: dict[str, Style] = {}

        def style_of(name: str) -> Style:
            if name not in styles:
                styles[name] = console.get_style(name) if name else Style.null()
            return styles[name]

        def pad(text: str, width: int, right: bool) -> str:
            space = " " * max(0, width - cell_len(text))
            return space + text if right else text + space

        def lines(cells: list[tuple[str, str]], header: bool = False) -> Iterator[Segment]:
            wrapped = [  # a header wraps at words in every column
                [text] if index in fixed and not header else wrap(text, width)
                for index, ((text, _), width) in enumerate(zip(cells, widths, strict=True))
            ]
            for at in range(max(len(w) for w in wrapped)):
                for index, (parts, (_, style)) in enumerate(zip(wrapped, cells, strict=True)):
                    if index:
                        yield Segment("  ")
                    text = parts[at] if at < len(parts) else ""
                    yield Segment(pad(text, widths[index], index in section.right), style_of(style))
                yield Segment.line()

        def cells_of(row: list[Text], texts: list[str]) -> list[tuple[str, str]]:
            return [(text, str(cell.style or "")) for cell, text in zip(row, texts, strict=True)]

        rule = [
            Segment("─" * (sum(widths) + 2 * (len(widths) - 1)), style_of("dim")),
            Segment.line(),
        ]
        if section.title:
            yield Segment(section.title, style_of("italic"))
            yield Segment.line()
        yield from lines([(header, "bold") for header in section.headers], header=True)
        yield from rule
        for index, (row, texts) in enumerate(zip(section.rows, self.texts, strict=True)):
            if index in section.breaks and index:
                yield from rule
            yield from lines(cells_of(row, texts))


# line breaks, tabs and other control characters as spaces: they would break the alignment
_CONTROLS = dict.fromkeys([*range(32), 127], " ")


def _one_line(text: str) -> str:
    return text.replace("\r\n", " ").translate(_CONTROLS)


def _styled(text: str, key: str) -> Text:
    from rich.text import Text

    return Text(text, style=_STATUS_STYLE.get(key, ""))


def _plain(value: object) -> str:
    return numbers.terminal_text(value)


def _section(title: str, table: columns.TextTable, width: int | None = None) -> _Section:
    """A table from its column specification; status-like cells in their colour; given the
    console ``width`` it was fitted to, its columns share that width."""
    t = _Section(title, table.headers, {i for i, right in enumerate(table.right) if right})
    t.whole = {i for i, whole in enumerate(table.whole) if whole}
    t.least = [columns.needed_width(table, i) for i in range(len(table.headers))]
    t.width = width
    for cells, codes in zip(table.rows, table.codes, strict=True):
        t.add_row(
            *(
                cell if code is None else _styled(cell, code)
                for cell, code in zip(cells, codes, strict=True)
            )
        )
    return t


def _prose(text: str, width: int | None, style: str = "", indent: str = "") -> Text:
    """A paragraph wrapped at words to ``width`` (CJK text between characters), each line
    after the first under ``indent``'s end: "- " and two spaces for a list item."""
    from rich.text import Text

    text = numbers.without_controls(text)
    if width is None:
        return Text(indent + text, style=style)
    lines = wrap(text, width - len(indent))
    hang = " " * len(indent)
    return Text(
        "\n".join(hang + line if i else indent + line for i, line in enumerate(lines)), style
    )


def _facts(facts: list[str], width: int | None) -> Text:
    """Facts joined by " · ", a line broken between two facts rather than inside one."""
    from rich.cells import cell_len
    from rich.text import Text

    if width is None:
        return Text(" · ".join(facts))
    lines: list[str] = []
    for fact in facts:
        if lines and cell_len(f"{lines[-1]} · {fact}") <= width:
            lines[-1] = f"{lines[-1]} · {fact}"
        else:
            lines += wrap(numbers.without_controls(fact), width)
    return Text("\n".join(lines))


def _list(title: str, items: list[str], width: int | None, style: str = "italic") -> Text:
    """A heading and one "- " line per item, wrapped."""
    from rich.text import Text

    return Text("\n").join(
        [_prose(title, width, style), *(_prose(item, width, indent="- ") for item in items)]
    )


def report_renderables(
    ev: Evaluation,
    lang: str = "en",
    units: numbers.Units | None = None,
    width: int | None = None,
) -> list[RenderableType]:
    """The report's sections as rich renderables, in the Markdown report's order (without its
    charts and channel tables); given a console ``width``, the text wrapped to it and each
    table without the columns it cannot fit (by their priority)."""
    from rich.text import Text

    from mktplan.render.text import plan_change_line
    from mktplan.render.weekly import data_issue_text, summary_paragraph

    w = labels(lang)
    p, b = ev.plan, ev.budget
    shown = columns.display(ev, lang, units)
    style = shown.style

    out: list[RenderableType] = [_prose(f"{w['report_title']}: {_plain(p.name)}", width, "bold")]
    if ev.data_issues:
        issues = [data_issue_text(issue, lang) for issue in ev.data_issues]
        out.append(_list(w["data_quality"], issues, width, "bold yellow"))
    if ev.summary is not None:
        out.append(_prose(summary_paragraph(ev, lang, style), width))
    facts = [
        f"{w['plan_id']} {_plain(p.id)}",
        f"{w['plan_owner']} {_plain(p.owner)}",
        f"{w['period']} {p.start.isoformat()} – {p.end.isoformat()}",
        f"{w['as_of']} {p.as_of.isoformat()} ({p.days_elapsed}/{p.days_total})",
        f"{w['time_elapsed']} {numbers.fraction(p.time_elapsed)}",
    ]
    out.append(_facts(facts, width))

    summary = columns.text_table(columns.SUMMARY, ev.summary_kpis(), "table", shown, _plain, width)
    out.append(_section(w["summary"], summary, width).renderable())
    if ev.plan_changes:
        changes = [plan_change_line(c, lang, style) for c in ev.plan_changes]
        out.append(_list(w["plan_changes"], changes, width))

    trends = columns.trend_lines(ev, style)
    trend = columns.text_table(columns.COMPACT_TREND, trends, "table", shown, _plain, width)
    out.append(_section(w["trend_section"], trend, width).renderable())
    if p.trend_of > p.trend_shown:
        capped = w["trend_capped"].format(
            shown=numbers.number(p.trend_shown), of=numbers.number(p.trend_of)
        )
        out.append(_prose(capped, width))

    periods = (
        f"{w['this_period']}: {shown.periods['current']} · "
        f"{w['previous_period']}: {shown.periods['previous']}"
    )
    out.append(
        Text("\n").join([_prose(w["period_section"], width, "italic"), _prose(periods, width)])
    )
    period = columns.text_table(columns.PERIOD, ev.summary_kpis(), "table", shown, _plain, width)
    out.append(_section("", period, width).renderable())

    tracking = columns.text_table(columns.TRACKING, ev.tracking, "table", shown, _plain, width)
    out.append(_section(w["tracking"], tracking, width).renderable())

    kpis = columns.text_table(columns.KPIS, ev.kpis, "table", shown, _plain, width)
    out.append(_section(w["kpis"], kpis, width).renderable())

    modules = columns.text_table(columns.MODULES, ev.modules, "table", shown, _plain)
    totals = [  # the plan totals under the modules, fitted to the width with them; the
        # share used is of the budget less the reserve, on that row (metrics.md, "Budget")
        {"budget": numbers.money(b.total, style)},
        {"budget": numbers.money(b.reserve, style)},
        {
            "budget": numbers.money(b.total - b.reserve, style),
            "spend": numbers.money(b.spent, style),
            "budget_used": numbers.fraction(b.used),
        },
        {"budget": numbers.money(b.remaining, style)},
    ]
    blank: list[str | None] = [None] * len(modules.keys)
    totals_labels = (w["total"], w["reserve"], w["less_reserve"], w["remaining_total"])
    with_totals = dataclasses.replace(
        modules,
        rows=[
            *modules.rows,
            *(
                [label, *(cells.get(key, "") for key in modules.keys[1:])]
                for label, cells in zip(totals_labels, totals, strict=True)
            ),
        ],
        codes=[*modules.codes, *(list(blank) for _ in totals)],
    )
    fitted = with_totals if width is None else columns.fit(with_totals, width)
    t = _section(f"{w['budget']} ({_plain(p.currency)})", fitted, width)
    t.breaks.add(len(modules.rows))  # a rule between the modules and the totals
    out.append(t.renderable())
    if b.lines:
        lines = columns.text_table(columns.BUDGET_LINES, b.lines, "table", shown, _plain, width)
        out.append(_section(w["budget_lines"], lines, width).renderable())

    tasks = columns.text_table(columns.TASKS, ev.actions, "table", shown, _plain, width)
    out.append(_section(w["tasks"], tasks, width).renderable())

    if ev.alerts:
        alerts = columns.text_table(columns.ALERTS, ev.alerts, "table", shown, _plain, width)
        out.append(_section(w["alerts"], alerts, width).renderable())
    else:
        out.append(Text.assemble((w["alerts"], "bold"), f": {w['no_alerts']}"))
    return out


def report_width(console: Console) -> int:
    """The width the report is laid out in: a terminal's own; for a pipe or a file, COLUMNS,
    else PIPE_WIDTH (rich would take the width of a terminal on stdin or stderr)."""
    import os

    if console.is_terminal:
        return console.width
    given = os.environ.get("COLUMNS", "")
    return int(given) if given.isdigit() and int(given) > 0 else PIPE_WIDTH


def print_report(
    ev: Evaluation,
    console: Console,
    lang: str = "en",
    units: numbers.Units | None = None,
    width: int | None = None,
) -> None:
    """Print the report on ``console`` in ``width`` cells (default: :func:`report_width`),
    its sentences in ``lang``; ``units``: large money and counts in 万/亿 or plain (default:
    万 in Chinese). A blank line after each section."""
    from mktplan.render.text import localize

    width = report_width(console) if width is None else width
    shown = numbers.style(lang, units)
    localized = localize(ev, lang, shown)
    for renderable in report_renderables(localized, lang, units, width):
        # the text is wrapped to the width already: nothing for rich to wrap or crop
        console.print(renderable, width=width, crop=False, soft_wrap=False)
        console.print()


def render_table_text(
    ev: Evaluation, lang: str = "en", width: int = 160, units: numbers.Units | None = None
) -> str:
    """The terminal report as plain text (no colour), for ``--format table --out FILE``."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    print_report(ev, console, lang, units, width)
    return buffer.getvalue()
