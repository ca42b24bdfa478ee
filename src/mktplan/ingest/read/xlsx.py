"""The read stage for .xlsx workbooks: a sheet's rows as the texts Excel shows, with the
guards against damaged workbooks, zip bombs and uncalculated formulas."""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from mktplan.errors import IngestError, shorten
from mktplan.i18n import msg
from mktplan.ingest.cells import CELL_SCALES
from mktplan.vocab import currency_of, folded, normalize_text


def _excel_cell_text(value: Any, number_format: str) -> str:
    """A cell as the text a CSV export would hold: dates ISO, percent cells with %."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        # a 100 % cell is stored as 1 and read back as an int: the format decides, not the type
        exact = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        # Excel refuses a format beyond 255 characters: a longer one is crafted, and means nothing
        shape = number_format or ""
        shape = shape if len(shape) <= MAX_NUMBER_FORMAT else ""
        # "$"#,##0.00 shows $1,234.50: the currency goes with the number, as in a CSV cell
        unit = _format_currency(shape)
        shown = f"{unit} " if unit else ""
        percent = _percent_format(shape)
        if percent == "scaled":
            return f"{shown}{(exact * 100).normalize():f}%"
        if percent == "literal":
            return f"{shown}{exact.normalize():f}%"  # 0.0"%" shows 2.1 as 2.1%: no scaling
        return f"{shown}{exact:f}{_format_scale(shape, exact < 0)}"
    return str(value)


MAX_NUMBER_FORMAT = 255  # Excel's limit on a number format's length


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]\[]*\]')


def _percent_format(number_format: str) -> str:
    """'scaled' when Excel multiplies by 100 for the format (a bare %), 'literal' when the %
    is only quoted or escaped text (0.0"%" or 0.0\\%), else ''."""
    if "%" not in number_format:
        return ""
    return "scaled" if "%" in _FORMAT_LITERALS.sub("", number_format) else "literal"


# The pieces of a number format that Excel shows as written: "quoted text", \escaped
# characters, a [$symbol-locale] currency, and runs of characters that are no format code
# (the $ of $#,##0); paddings (_x), fills (*x) and [conditions] or [colours] show nothing.
# No bracket holds another, so a run of unclosed "[$" cannot be split in many ways and
# matching stays linear (the former [^\]-]*[^\]]* took minutes on "[$" * 6000).
_FORMAT_TEXT = re.compile(
    r'"(?P<quoted>[^"]*)"?|\\(?P<escaped>.)|\[\$(?P<symbol>[^\]\[-]*)(?:-(?P<locale>[^\]\[]*))?\]|\[[^\]\[]*\]'
    r"|[_*].?"
    r"|(?P<bare>[^\"\\\[_*\d#?.,;%@/\s()+\-:!^&'~{}<>=]+)",
    re.DOTALL,
)


@functools.lru_cache(maxsize=256)
def _format_currency(number_format: str) -> str:
    """The currency a number format shows beside its numbers, as a cell would write it (its
    ISO code; "¥" as written, which means CNY or JPY by the plan, unless the format's locale
    is Japanese: [$¥-411] is JPY), or "" for none.

    The built-in currency formats (ids 5-8, 42, 44) show the currency of the computer that
    opens the file ($ in the US, ¥ in China): they say nothing about the number."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    if number_format in {BUILTIN_FORMATS[i] for i in (5, 6, 7, 8, 42, 44)}:
        return ""
    for found in _FORMAT_TEXT.finditer(number_format):
        token = next((t for t in found.group("quoted", "escaped", "symbol", "bare") if t), "")
        code = currency_of(token, "") if token.strip() else None
        if code is not None:
            if normalize_text(token) != "¥":
                return code
            # [$¥-411] is Japanese yen, [$¥-804] Chinese yuan; a bare ¥ is the plan's
            japanese = _locale_id(found.group("locale") or "") == _JAPANESE
            return "JPY" if japanese else "¥"
    return ""


_JAPANESE = 0x411  # the Windows locale id of ja-JP


def _locale_id(text: str) -> int | None:
    """The Windows locale id of a format's [$symbol-locale]: its low 16 bits (the higher
    ones choose a calendar or digits), or None when it is no hexadecimal number."""
    try:
        return int(text, 16) & 0xFFFF if text.isascii() and text.isalnum() else None
    except ValueError:
        return None


# The units a cell may write after its number that scale it (cells.CELL_SCALES: 万, 亿, w),
# as they start a format's text after its last digit placeholder
_SCALE_STARTS = tuple(CELL_SCALES)
# Excel's ways to show a number divided: a comma after the last digit placeholder (0.0,
# shows 1200 as 1.2) and a literal point among the digits (0!.0000 shows 12345 as 1.2345)
_DIVIDED = re.compile(r"[0#?],+(?![0#?,])")
_LITERAL_POINT = ("!.", "\\.", '"."')
_DIGIT = re.compile(r"[0#?]")  # a digit placeholder, outside the texts _FORMAT_TEXT finds
# what may hide a ";" that does not separate a format's sections
_SECTION_PIECES = re.compile(r'"[^"]*"?|\\.|\[[^\]\[]*\]|[_*].|;', re.DOTALL)


def _format_section(number_format: str, negative: bool) -> str:
    """The section of a number format that shows a positive (or zero) or a ``negative``
    number: positive;negative;zero;text, the first serving all when it is alone."""
    sections, start = [], 0
    for piece in _SECTION_PIECES.finditer(number_format):
        if piece.group() == ";":
            sections.append(number_format[start : piece.start()])
            start = piece.end()
    sections.append(number_format[start:])
    return sections[1] if negative and len(sections) > 1 else sections[0]


@functools.lru_cache(maxsize=256)
def _format_scale(number_format: str, negative: bool = False) -> str:
    """The text a number format writes after the number as it is, when that text starts
    with a unit that scales a cell (万, 亿, w): 0.0"万" shows 1.2 as 1.2万, which means
    12,000, and "万元" or "万次" are handed to the cell parser as written, which reads the
    first and refuses the second. Else "": a format that divides the number first (0!.0,"万"
    shows 12345 as 1.2万) shows a value that is whole already, and 0"万"0000 writes 万
    between the digits."""
    section = _format_section(number_format, negative)
    after: list[str] = []  # the texts after the last digit placeholder so far
    at = 0
    for found in _FORMAT_TEXT.finditer(section):
        if _DIGIT.search(section, at, found.start()):
            after = []
        at = found.end()
        after.append(next((t for t in found.group("quoted", "escaped", "bare") if t), ""))
    shown = "" if _DIGIT.search(section, at) else "".join(after).strip()
    if not folded(shown).startswith(_SCALE_STARTS):
        return ""
    if any(point in section for point in _LITERAL_POINT):
        return ""
    return "" if _DIVIDED.search(_FORMAT_LITERALS.sub("", section)) else shown


# A workbook's parts may inflate to at most this in all (a zip bomb is refused before any
# part is read); real exports stay far below it: a 200,000-row sheet is about 35 MB of XML.
MAX_XLSX_INFLATED = 1 << 30


# A part larger than XLSX_RATIO_FLOOR may inflate at most this many times: sheet XML, however
# repetitive, compresses about 12:1; a bomb of one repeated byte about 1000:1.
MAX_XLSX_RATIO = 100


XLSX_RATIO_FLOOR = 16 << 20


_XLSX_HINT = msg("ingest.xlsx_unreadable.hint")


def _check_inflated_size(path: Path) -> None:
    """Refuse a workbook whose parts would inflate beyond :data:`MAX_XLSX_INFLATED`, or a
    large part packed more densely than any spreadsheet: the sizes are the zip directory's,
    and zipfile never inflates a part beyond its recorded size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(
            msg("ingest.xlsx_unreadable", why=_damage(exc)), file=str(path), hint=_XLSX_HINT
        ) from None
    total = sum(part.file_size for part in parts)
    dense = [
        p
        for p in parts
        if p.file_size > XLSX_RATIO_FLOOR and p.file_size > MAX_XLSX_RATIO * max(p.compress_size, 1)
    ]
    if total > MAX_XLSX_INFLATED or dense:
        why = (
            msg("ingest.xlsx_too_large", size=f"{total:,}", max=f"{MAX_XLSX_INFLATED:,}")
            if total > MAX_XLSX_INFLATED
            else msg(
                "ingest.xlsx_zip_bomb",
                part=dense[0].filename,
                size=f"{dense[0].file_size:,}",
                packed=f"{dense[0].compress_size:,}",
                ratio=MAX_XLSX_RATIO,
            )
        )
        raise IngestError(
            msg("ingest.xlsx_refused", why=why),
            file=str(path),
            hint=msg("ingest.xlsx_refused.hint"),
        )


def _damage(exc: BaseException) -> str:
    """What is wrong with a damaged workbook, in a few words."""
    import zlib

    if isinstance(exc, zlib.error):
        return "its compressed data is corrupt"
    text = shorten(str(exc), 200)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# A formula element's start, as Excel writes it (`<f>`, `<f t="shared" …>`) or with a
# namespace prefix, as the Open XML SDK does (`<x:f>`): all the same length, for the tail.
_FORMULA_TAGS = (b"<f>", b"<f ", b":f>", b":f ")


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the workbook holds a formula (a streamed look at the sheet XML;
    a false alarm only costs :func:`_uncalculated_formulas` a second read)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as part:
                    tail = b""
                    for chunk in iter(lambda: part.read(1 << 20), b""):
                        window = tail + chunk
                        if any(tag in window for tag in _FORMULA_TAGS):
                            return True
                        tail = chunk[-3:]
    return False


# workbook.xml names the sheets and defined names: far below this in any real workbook
MAX_WORKBOOK_PART = 16 << 20

# fullCalcOnLoad="1" (or "true") on the workbook's calcPr, any namespace prefix
_FULL_CALC_ON_LOAD = re.compile(
    rb"<(?:[\w.-]+:)?calcPr\b[^>]*\bfullCalcOnLoad\s*=\s*[\"'](?:1|true)[\"']"
)


def _calculated_on_opening(path: Path) -> bool:
    """Whether the workbook asks to be calculated in full when it is opened: its writer
    (XlsxWriter, openpyxl, ...) saved its formulas without computing them, so a saved result
    (XlsxWriter's 0, a value an edit made stale) is not what Excel shows. Excel clears the
    flag when it saves. openpyxl reads it as set when it is absent: workbook.xml is read here."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        name = _workbook_part(archive)
        if name not in archive.namelist():
            return False
        with archive.open(name) as part:
            return _FULL_CALC_ON_LOAD.search(part.read(MAX_WORKBOOK_PART)) is not None


# the package relationship naming the workbook part: <Relationship Type="…/officeDocument"
# Target="xl/workbook.xml"/>, its attributes in any order
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b[^<>]*>")
_OFFICE_DOCUMENT = re.compile(rb"\bType\s*=\s*[\"'][^\"']*/officeDocument[\"']")
_TARGET = re.compile(rb"\bTarget\s*=\s*[\"']([^\"']+)[\"']")


def _workbook_part(archive: Any) -> str:
    """The workbook part _rels/.rels names as the package's office document, as openpyxl
    finds it; xl/workbook.xml when the package names none."""
    try:
        with archive.open("_rels/.rels") as rels:
            text = rels.read(MAX_WORKBOOK_PART)
    except KeyError:
        return "xl/workbook.xml"
    for tag in _RELATIONSHIP.findall(text):
        target = _TARGET.search(tag)
        if _OFFICE_DOCUMENT.search(tag) and target:
            return target.group(1).decode("utf-8", "replace").lstrip("/")
    return "xl/workbook.xml"


def _load_workbook(path: Path, *, data_only: bool) -> Any:
    """A read-only workbook, without openpyxl's warnings about styles and extensions it
    ignores (they say nothing about the data and would reach the user's terminal)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)


def _uncalculated_formulas(
    path: Path,
    sheet: str,
    body: list[tuple[str, ...]],
    empty_texts: set[tuple[int, int]],
    *,
    recalculated: bool,
) -> list[Any]:
    """``body`` (every row from row 1) with the formula text in place of the cells whose
    formula has no saved result (files written by scripts), or of every formula cell when
    the workbook is ``recalculated`` on opening (see :func:`_calculated_on_opening`): a
    value that is not there must pass neither for "no value" nor for the writer's 0.
    ``empty_texts`` (row index, column index) are formulas whose saved result is the empty
    text (``=IF(…,"",…)``, saved by Excel as ``t="str"`` with an empty value): no value."""

    workbook = _load_workbook(path, data_only=False)
    try:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()  # never trust the dimension record (see _open_sheet)
        rows = worksheet.iter_rows()
        out: list[Any] = []
        for r, (texts, cells) in enumerate(zip(body, rows, strict=False)):
            fixed = list(texts)
            for i, cell in enumerate(cells):
                value = cell.value
                if not (i < len(fixed) and isinstance(value, str) and value[:1] == "="):
                    continue
                if recalculated or (not fixed[i] and (r, i) not in empty_texts):
                    fixed[i] = value
            out.append(tuple(fixed))
        return out
    finally:
        workbook.close()


_T = TypeVar("_T")


def excel_guard(path: Path, read: Callable[[], _T]) -> _T:
    """``read()`` of a workbook, whose damage (bad XML, corrupt compressed data, an entity
    bomb, a missing part) is an :class:`IngestError`; a zip bomb is refused before any part
    is read."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    try:
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise IngestError("reading .xlsx needs openpyxl", file=str(path)) from None
    _check_inflated_size(path)
    try:
        return read()
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        zlib.error,
        ParseError,
        OSError,
        EOFError,
        KeyError,
        ValueError,
        TypeError,  # openpyxl's typed attributes refuse a damaged value so
        IndexError,  # a shared-string index past the table
    ) as exc:
        raise IngestError(
            msg("ingest.xlsx_unreadable", why=_damage(exc)), file=str(path), hint=_XLSX_HINT
        ) from None


Merged = tuple[tuple[int, int, int], ...]  # (0-based column, first row, last row)


def excel_rows(path: Path, sheet: str | None) -> tuple[list[tuple[str, ...]], str, Merged]:
    """Every row of a sheet as texts, row 1 first (blank rows kept: ``rows[n - 1]`` is row
    ``n``), the sheet's name, and its cells merged down over rows (see :func:`fill_merged`).
    Where the header is, is sniff's to find."""
    return excel_guard(path, lambda: _read_sheet(path, sheet))


# The merged-cell scan of sheet XML (any namespace prefix) tells apart: a comment, a CDATA
# section or a processing instruction, whose text may look like a tag and is skipped; the
# end of the sheet data, after which <mergeCells> lie; and there, a <mergeCell …> tag.
# Within the sheet data, the bulk of the part, only _IN_DATA is looked for, by bytes.find
# (a regex alternation tries every "<" of the cells and takes three times as long).
_IN_DATA = (b"<!", b"<?", b"sheetData")
_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>|<(?:[\w.-]+:)?sheetData\s*/>")
# [^<>] keeps a tag within its brackets: a run of "<mergeCell " is scanned once
_AFTER_DATA = re.compile(rb"<[!?]|<(?:[\w.-]+:)?mergeCell\b[^<>]*>")
_SKIPPED = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))
_MERGE_REF = re.compile(
    rb"\bref\s*=\s*[\"']"
    rb"\$?([A-Za-z]{1,3})\$?([0-9]{1,7}):\$?([A-Za-z]{1,3})\$?([0-9]{1,7})[\"']"
)
_TAG_SPAN = 200  # longer than any tag the scan reads: one cut at a chunk's end is read whole


class _MergeScan:
    """The state of :func:`_merged_down` between chunks of sheet XML."""

    def __init__(self) -> None:
        self.after_data = False
        self.closing = b""  # the end of the comment, CDATA or instruction being skipped
        self.found: list[tuple[int, int, int]] = []
        self.ahead: dict[bytes, int] = {}  # where each of _IN_DATA is next in the window

    def _next_in_data(self, window: bytes, at: int) -> tuple[int, bytes] | None:
        """The first of _IN_DATA from ``at`` (each needle searched again only once passed)."""
        for needle in _IN_DATA:
            if self.ahead.get(needle, -1) < at:
                found = window.find(needle, at)
                self.ahead[needle] = len(window) if found < 0 else found
        start, needle = min((p, n) for n, p in self.ahead.items())
        return None if start == len(window) else (start, needle)

    def scan(self, window: bytes, limit: int) -> int:
        """Read the markup in ``window`` that starts before ``limit``; returns where the
        text to carry into the next window starts."""
        from openpyxl.utils.cell import column_index_from_string

        at, self.ahead = 0, {}
        while True:
            if self.closing:
                end = window.find(self.closing, at)
                if end < 0:  # what may be the closing's start, cut at the end, is kept
                    return max(at, len(window) - len(self.closing) + 1)
                at, self.closing = end + len(self.closing), b""
            if self.after_data:
                match = _AFTER_DATA.search(window, at)
                start, token = (match.start(), match.group()) if match else (len(window), b"")
            else:
                start, token = self._next_in_data(window, at) or (len(window), b"")
            if start >= limit:
                return max(at, limit)
            at = start + len(token)
            if token in (b"<!", b"<?"):
                for opener, closing in _SKIPPED:
                    if window.startswith(opener, start):
                        at, self.closing = start + len(opener), closing
                        break
            elif token == b"sheetData":
                lt = window.rfind(b"<", max(0, start - _TAG_SPAN), start)
                if lt >= 0 and (end_tag := _DATA_END.match(window, lt)):
                    at, self.after_data = max(at, end_tag.end()), True
            elif ref := _MERGE_REF.search(token):
                first, last = int(ref.group(2)), int(ref.group(4))
                if last > first:
                    column = column_index_from_string(ref.group(1).decode().upper()) - 1
                    self.found.append((column, first, last))


def _merged_down(path: Path, part: str) -> Merged:
    """The merged cells of the sheet in the workbook's ``part`` that span rows, as (column,
    first row, last row): a 0-based column (the range's first) and 1-based rows. Excel shows
    such a cell's text on every row it spans; the file holds it in the first row only.
    Only tags after the sheet data count, outside comments and CDATA: a cell's text such as
    <![CDATA[<mergeCell ref="D2:D4"/>]]> merges nothing."""
    import zipfile

    scan = _MergeScan()
    with zipfile.ZipFile(path) as archive, archive.open(part) as source:
        tail = b""
        for chunk in iter(lambda: source.read(1 << 20), b""):
            window = tail + chunk
            tail = window[scan.scan(window, len(window) - _TAG_SPAN) :]
        scan.scan(tail, len(tail))
    return tuple(scan.found)


def fill_merged(
    rows: Sequence[tuple[str, ...]],
    merged: Merged,
    text_positions: set[int],
    header_line: int,
) -> list[tuple[str, ...]]:
    """``rows`` (row 1 first) with the text of a cell merged down over rows below the header
    repeated on each of them, as Excel shows it: a date or channel merged over a day's rows.
    Only the columns in ``text_positions`` (every column read as text): a number merged over
    rows is one value, counted once, in its first row."""
    filled = list(rows)
    for column, first, last in merged:
        if column not in text_positions or first <= header_line or first > len(filled):
            continue
        top = filled[first - 1]
        text = top[column] if column < len(top) else ""
        for number in range(first + 1, min(last, len(filled)) + 1):
            # the covered cells are left out of the file: in a sheet's last column, the rows
            # below the first end before it
            row = filled[number - 1]
            row = (*row, *("",) * (column + 1 - len(row)))
            if not row[column]:
                filled[number - 1] = (*row[:column], text, *row[column + 1 :])
    return filled


def _open_sheet(workbook: Any, path: Path, sheet: str | None) -> Any:
    if not workbook.sheetnames:
        raise IngestError(msg("ingest.no_readable_sheet"), file=str(path), hint=_XLSX_HINT)
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise IngestError(
                msg("ingest.no_such_sheet", sheet=sheet),
                file=str(path),
                hint=msg("ingest.no_such_sheet.hint", sheets=", ".join(workbook.sheetnames)),
            )
        worksheet = workbook[sheet]
    else:
        worksheet = workbook.worksheets[0]
    # read-only mode stops at the sheet's <dimension> record, which some writers leave
    # at A1:C2 whatever the sheet holds; Excel ignores it, and so do we
    worksheet.reset_dimensions()
    return worksheet


def _row_texts(row: Any) -> tuple[str, ...]:
    return tuple(_excel_cell_text(c.value, getattr(c, "number_format", "")) for c in row)


def sheet_header(
    path: Path, sheet: str | None, header_row: int | None
) -> tuple[int, tuple[str, ...], str]:
    """The first header of a sheet: its row (``header_row``, else the first non-empty row),
    its cells stripped without the empty ones at its end, and the sheet's name."""
    workbook = _load_workbook(path, data_only=True)
    try:
        worksheet = _open_sheet(workbook, path, sheet)
        name = str(worksheet.title)
        for number, row in enumerate(worksheet.iter_rows(), start=1):
            if header_row is not None and number < header_row:
                continue
            headers = tuple(t.strip() for t in _row_texts(row))
            while headers and not headers[-1]:
                headers = headers[:-1]
            if headers or header_row is not None:
                break
        else:
            headers, number = (), header_row or 1
        if not headers:
            raise IngestError(
                msg("ingest.empty_sheet")
                if header_row is None
                else msg("ingest.header_row_beyond_sheet", row=header_row),
                file=str(path),
                path=name,
                line=number,
            )
        return number, headers, name
    finally:
        workbook.close()


def _read_sheet(path: Path, sheet: str | None) -> tuple[list[tuple[str, ...]], str, Merged]:
    workbook = _load_workbook(path, data_only=True)
    try:
        worksheet = _open_sheet(workbook, path, sheet)
        name = str(worksheet.title)
        rows: list[tuple[str, ...]] = []
        empty_texts: set[tuple[int, int]] = set()  # openpyxl reads an empty <v/> as None
        formulas = _has_formulas(path)  # else no cell's result needs a second look
        for r, row in enumerate(worksheet.iter_rows()):
            rows.append(_row_texts(row))
            if formulas:
                empty_texts.update(
                    (r, i)
                    for i, cell in enumerate(row)
                    if cell.value is None and getattr(cell, "data_type", "") == "str"
                )
        if formulas:
            rows = _uncalculated_formulas(
                path, name, rows, empty_texts, recalculated=_calculated_on_opening(path)
            )
        part = getattr(worksheet, "_worksheet_path", None)  # openpyxl's read-only sheets
        return rows, name, _merged_down(path, part) if isinstance(part, str) else ()
    finally:
        workbook.close()
