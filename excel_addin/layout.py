"""How the data-collection workbook looks and prints: one named font, column widths and row
heights from the content, and the page set-up.

A spreadsheet measures a column in widths of the digit 0 of the workbook's font and does not
size rows for wrapped text written by a program, so both are estimated here from the text
itself. The estimate gives each character a width relative to the digit 0 that is at least its
width in Arial (the workbook's font) and in DejaVu Sans, which LibreOffice draws where Arial is
missing: what fits here fits in either.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FONT",
    "LINE_HEIGHT",
    "SIZE",
    "fit_columns",
    "fit_rows",
    "font",
    "lines_of",
    "print_pages",
    "text_width",
    "use_font",
]

#: The one font of the workbook: a sans-serif found on every office machine.
FONT, SIZE = "Arial", 10
#: Points of one line of text at :data:`SIZE`.
LINE_HEIGHT = 12.75
#: Widths, in digits, that a cell takes beyond its text (margins on both sides).
_PADDING = 1.5
_BOLD = 1.2
#: Each character's width relative to the digit 0: the wider of Arial and DejaVu Sans, rounded
#: up; letters not listed take 1, other capitals and non-ASCII characters 1.35.
_WIDTH = {
    **dict.fromkeys(" .,:;'|!ijlI", 0.5),
    **dict.fromkeys("ftJ/", 0.62),
    **dict.fromkeys("r()-[]", 0.66),
    **dict.fromkeys("cksvxyzL", 0.93),
    **dict.fromkeys("FTZ", 1.12),
    **dict.fromkeys("AEBKPSVXY&", 1.23),
    **dict.fromkeys("wCDHNRU", 1.32),
    **dict.fromkeys("GOQ", 1.42),
    **dict.fromkeys("mM%", 1.6),
    **dict.fromkeys("W@", 1.85),
}


def use_font(workbook: Workbook) -> None:
    """Make :data:`FONT` the workbook's default font: of the cells written and of the cells a
    user types into later (openpyxl starts every workbook with Calibri 11)."""
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    font = Font(name=FONT, size=SIZE, family=2)
    workbook._fonts = IndexedList([font])
    workbook._named_styles["Normal"].font = font


def font(**attributes: Any) -> Any:
    """A :class:`openpyxl.styles.Font` of :data:`FONT` (bold, colour, size as given)."""
    from openpyxl.styles import Font

    return Font(name=FONT, size=attributes.pop("size", SIZE), family=2, **attributes)


def text_width(text: str, bold: bool = False) -> float:
    """The width of ``text`` on one line, in widths of the digit 0."""
    width = 0.0
    for char in text:
        if char in _WIDTH:
            width += _WIDTH[char]
        else:
            width += 1.35 if char.isupper() or not char.isascii() else 1.0
    return width * (_BOLD if bold else 1.0)


def lines_of(text: str, width: float, bold: bool = False) -> int:
    """How many lines ``text`` takes wrapped at word boundaries in a column ``width`` wide."""
    room, lines = max(width - _PADDING, 1.0), 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            size = text_width(word, bold)
            gap = text_width(" ", bold) if used else 0.0
            if used and used + gap + size > room:
                lines += 1
                used = size
            else:
                used += gap + size
            lines += max(math.ceil(size / room) - 1, 0)  # a word longer than the column
    return lines


def fit_columns(
    ws: Worksheet,
    header_row: int,
    wrap: Mapping[str, float] | None = None,
    shows: Mapping[str, Iterable[str]] | None = None,
    room: Mapping[str, float] | None = None,
) -> None:
    """Set each column's width from what it holds from ``header_row`` down: the widest text or
    number written, for a column of formulas the texts in ``shows`` (what its formulas can
    show), and at least ``room`` for a column a user types into. A column in ``wrap`` wraps its
    texts at that width; the header row wraps, so a header needs room for its longest word."""
    wrap, shows, room = wrap or {}, shows or {}, room or {}
    words: dict[str, float] = {}  # the longest word of each column
    lines: dict[str, float] = {}  # the longest unwrapped line of each column
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            if cell.value is None or _is_formula(cell.value):
                continue
            text, bold = _text(cell.value, cell.number_format), cell.row == header_row
            letter = cell.column_letter
            if bold:  # the header
                word = max((text_width(w, bold) for w in text.split()), default=0.0)
                words[letter] = max(words.get(letter, 0.0), word)
            else:
                line = max(text_width(part) for part in text.split("\n"))
                lines[letter] = max(lines.get(letter, 0.0), line)
    for letter, texts in shows.items():
        lines[letter] = max([lines.get(letter, 0.0), *(text_width(t) for t in texts)])
    for letter in words.keys() | lines.keys() | room.keys():
        line = min(lines.get(letter, 0.0), wrap.get(letter, math.inf))
        width = max(words.get(letter, 0.0), line, room.get(letter, 0.0))
        ws.column_dimensions[letter].width = round(width + _PADDING, 1)


def _text(value: Any, number_format: str) -> str:
    """A written value as the spreadsheet shows it."""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float)):
        return _shown(value, number_format)
    return str(value)


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _shown(number: float, number_format: str) -> str:
    """A number as a spreadsheet shows it in one of the workbook's formats."""
    if number_format.endswith("%"):
        return f"{number * 100:,.2f} %"
    if number_format == "#,##0.00":
        return f"{number:,.2f}"
    if number_format == "0.0":
        return f"{number:.1f}"
    return f"{number:g}"


def fit_rows(ws: Worksheet, first: int, last: int) -> None:
    """Set the height of each row from ``first`` to ``last`` whose wrapped texts take more than
    one line, so that they show whole without overlapping the next row."""
    widths = {letter: dimension.width for letter, dimension in ws.column_dimensions.items()}
    for row in ws.iter_rows(min_row=first, max_row=last):
        lines = 1
        for cell in row:
            value = cell.value
            if value is None or _is_formula(value) or not cell.alignment.wrap_text:
                continue
            width = _merged_width(ws, cell, widths)
            lines = max(lines, lines_of(str(value), width, bool(cell.font.bold)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT + 2


def _merged_width(ws: Worksheet, cell: Any, widths: Mapping[str, float]) -> float:
    """The width of a cell, or of the merged range it opens."""
    from openpyxl.utils import get_column_letter

    for merged in ws.merged_cells.ranges:
        if merged.min_row == cell.row and merged.min_col == cell.column:
            columns = range(merged.min_col, merged.max_col + 1)
            return sum(widths.get(get_column_letter(c), 8.43) or 8.43 for c in columns)
    return widths.get(cell.column_letter, 8.43) or 8.43


def print_pages(
    ws: Worksheet,
    title_rows: str | None,
    area: str,
    breaks: Sequence[int] = (),
    high: int = 0,
) -> None:
    """Print ``area`` of a sheet landscape on A4, fitted to the page width (and to ``high``
    pages in height, if given), the ``title_rows`` (the table's header) repeated on every page
    and a new page after each row in ``breaks`` (one section per dimension); each page's header
    names the sheet, its footer the page."""
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.pagebreak import Break, RowBreak
    from openpyxl.worksheet.properties import PageSetupProperties

    setup = ws.page_setup
    setup.orientation, setup.paperSize = ws.ORIENTATION_LANDSCAPE, ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, high
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.gridLines = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = area
    ws.row_breaks = RowBreak()
    for row in breaks:
        ws.row_breaks.append(Break(id=row))
    header = f'&"{FONT},Bold"&{SIZE}'
    ws.oddHeader.left.text = f"{header}U4SSC data collection: &A"
    ws.oddFooter.right.text = f'&"{FONT},Regular"&{SIZE}page &P of &N'
