"""Turn a file into grids of cells, safely.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine, a Rust reader many
times faster than openpyxl. Calamine trusts its input: a workbook with one cell at
XFD1048576 makes it allocate half a terabyte and abort the whole process. So every zip
workbook is inspected first, without inflating more than the limits allow: declared
sizes, compression ratios, DTDs and the furthest cell that holds a value.

CSV and TSV files have their encoding (UTF-8 with or without BOM, UTF-16 with BOM, cp1251,
cp1252) and delimiter (comma, semicolon, tab) detected without asking.

A `Grid` is a sheet as the user sees it: `rows[i]` is sheet row `i + 1`, merged cells
hold their value in every cell they cover.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import python_calamine

from audit.cells import Cell
from audit.problems import FileTooLarge, NotASpreadsheet, Problem, SheetNotFound, UnsafeWorkbook

WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
SUPPORTED_EXTENSIONS = WORKBOOK_EXTENSIONS | TEXT_EXTENSIONS
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much the reader accepts before it refuses a file."""

    max_bytes: int = 20 * MB
    max_rows: int = 100_000
    max_columns: int = 200
    max_cells: int = 5_000_000
    max_uncompressed_bytes: int = 200 * MB
    max_compression_ratio: int = 200
    max_zip_entries: int = 5_000


DEFAULT_LIMITS = Limits()


@dataclass
class Grid:
    """One sheet's cells; `rows[i]` is the sheet's row `i + 1`."""

    name: str | None
    rows: list[list[Cell]]


@dataclass
class Source:
    """An opened file: its sheets by name, read on demand."""

    file: str
    kind: str  # "xlsx", "xls", "ods" or "csv"
    sheet_names: list[str]
    hidden: set[str] = field(default_factory=set)
    notes: list[Problem] = field(default_factory=list)
    _load: Callable[[str | None], Grid] | None = None

    def grid(self, sheet: str | None = None) -> Grid:
        """The named sheet (the only one for CSV)."""
        if self._load is None:
            raise RuntimeError("source has no loader")
        if sheet is not None and self.kind != "csv" and sheet not in self.sheet_names:
            names = ", ".join(repr(n) for n in self.sheet_names)
            raise SheetNotFound(f"No sheet called {sheet!r}; the workbook has {names}.", file=self.file)
        return self._load(sheet)


def open_source(path: str | Path, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Open a file from disk; `name` is how the user knows it (an upload's file name)."""
    path = Path(path)
    display = name or path.name
    size = path.stat().st_size
    _check_size(size, display, limits)
    return open_bytes(path.read_bytes(), name=display, limits=limits)


def open_bytes(data: bytes, *, name: str, limits: Limits = DEFAULT_LIMITS) -> Source:
    """Open an in-memory file (an upload); its kind comes from its content, not its name."""
    _check_size(len(data), name, limits)
    extension = Path(name).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        shown = extension or "no extension"
        raise NotASpreadsheet(
            f"{name}: files with {shown} are not read. Save the inventory as .xlsx, .xlsm, .xls, .ods, .csv or .tsv.",
            file=name,
        )
    kind = _sniff_kind(data, name)
    source = _open_text(data, name, limits) if kind == "csv" else _open_workbook(data, kind, name, limits)
    expected = "csv" if extension in TEXT_EXTENSIONS else extension.lstrip(".").replace("xlsm", "xlsx")
    if kind != expected:
        source.notes.append(
            Problem(
                "warning",
                "extension_mismatch",
                None,
                None,
                f"{name} is named {extension} but holds {_KIND_WORDS[kind]}; it was read as that.",
            )
        )
    return source


_KIND_WORDS = {
    "xlsx": "an Excel workbook (.xlsx)",
    "xls": "an old Excel workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "csv": "plain text (CSV)",
}


def _check_size(size: int, name: str, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise FileTooLarge(
            f"{name} is {size / MB:.1f} MB; the limit is {limits.max_bytes / MB:.0f} MB. "
            "Remove unused sheets or images, or split the inventory.",
            file=name,
        )


def _sniff_kind(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if _looks_like_text(data):
        return "csv"
    raise NotASpreadsheet(
        f"{name} is not a spreadsheet: it is neither a workbook nor text. "
        "Save the inventory as .xlsx or .csv and upload that.",
        file=name,
    )


def _zip_kind(data: bytes, name: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise NotASpreadsheet(f"{name} is a damaged zip archive and cannot be read ({error}).", file=name) from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            raise NotASpreadsheet(f"{name} is a binary workbook (.xlsb); save it as .xlsx.", file=name)
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    what = "a Word document" if "word/document.xml" in names else "a zip archive"
    raise NotASpreadsheet(f"{name} is {what}, not a spreadsheet.", file=name)


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return control <= len(head) // 100


# --- zip workbooks: inspect before calamine sees them -------------------------------------

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# A cell that holds something (not self-closing), with its reference.
_VALUED_CELL_ROW = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="[A-Z]{1,3}([0-9]{6,})"[^>]*(?<!/)>')
_VALUED_CELL_WIDE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{2,3})[0-9]+"[^>]*(?<!/)>')
_ODS_REPEATED_ROW = re.compile(rb'<table:table-row\b[^>]*?table:number-rows-repeated="([0-9]+)"[^>]*>')
_ODS_REPEATED_CELL = re.compile(rb'<table:table-cell\b[^>]*?table:number-columns-repeated="([0-9]+)"[^>]*>')


def inspect_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a zip workbook that would cost more than the limits, before it is inflated."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        raise UnsafeWorkbook(f"{name} holds {len(entries):,} files inside; a workbook needs far fewer.", file=name)
    declared = sum(e.file_size for e in entries)
    if declared > limits.max_uncompressed_bytes:
        raise UnsafeWorkbook(
            f"{name} would unpack to {declared / MB:,.0f} MB (limit {limits.max_uncompressed_bytes / MB:.0f} MB); "
            "it was refused before being unpacked.",
            file=name,
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > MB and ratio > limits.max_compression_ratio:
            raise UnsafeWorkbook(
                f"{name}: part {entry.filename} is compressed {ratio:,.0f} to 1, the mark of a zip bomb; "
                "it was refused before being unpacked.",
                file=name,
            )
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            _inspect_xml_part(archive, entry, name, limits)


def _inspect_xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    try:
        content = archive.read(entry)  # bounded by the declared size checked above; CRC-checked
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as error:
        raise NotASpreadsheet(f"{name}: part {entry.filename} is damaged ({error}).", file=name) from None
    if _DTD.search(content, 0, 4096) or _DTD.search(content):
        raise UnsafeWorkbook(
            f"{name}: part {entry.filename} declares XML entities (a DTD), which spreadsheets never need "
            "and attacks use; the file was refused.",
            file=name,
        )
    if entry.filename.startswith("xl/worksheets/"):
        _check_xlsx_extent(content, f"{name}, {entry.filename}", limits)
    elif entry.filename == "content.xml":
        _check_ods_repeats(content, name, limits)


def column_number(letters: str) -> int:
    """1 for A, 27 for AA."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# Cheap scans that find nothing in an ordinary sheet; the exact patterns above run only when they hit.
_ANY_FAR_ROW = re.compile(rb'r="[A-Z]{1,3}[0-9]{6,}"')
_ANY_WIDE = re.compile(rb'r="[A-Z]{2,3}[0-9]')


def _check_xlsx_extent(content: bytes, where: str, limits: Limits) -> None:
    if not _ANY_FAR_ROW.search(content) and not _ANY_WIDE.search(content):
        return
    far_rows = [int(r) for r in _VALUED_CELL_ROW.findall(content)]
    last_row = max(far_rows, default=0)
    wide = {c.decode() for c in _VALUED_CELL_WIDE.findall(content)}
    last_column = max((column_number(c) for c in wide), default=0)
    row_limit = limits.max_rows + 1000  # room for title rows and a header
    if last_row > row_limit or last_column > limits.max_columns:
        raise UnsafeWorkbook(
            f"{where}: a cell sits at row {last_row:,}, column {last_column:,}; a sheet may use up to "
            f"{row_limit:,} rows and {limits.max_columns} columns. Delete the stray cells and save again.",
        )


def _check_ods_repeats(content: bytes, name: str, limits: Limits) -> None:
    for match in _ODS_REPEATED_CELL.finditer(content):
        if int(match.group(1)) > limits.max_columns and b"office:value-type" in match.group(0):
            raise UnsafeWorkbook(f"{name}: a value is repeated across {int(match.group(1)):,} columns.", file=name)
    for match in _ODS_REPEATED_ROW.finditer(content):
        if int(match.group(1)) <= limits.max_rows:
            continue
        end = content.find(b"</table:table-row>", match.end())
        if b"office:value-type" in content[match.end() : end if end >= 0 else None]:
            raise UnsafeWorkbook(f"{name}: a row of values is repeated {int(match.group(1)):,} times.", file=name)


# --- workbooks ----------------------------------------------------------------------------


def _open_workbook(data: bytes, kind: str, name: str, limits: Limits) -> Source:
    if kind in ("xlsx", "ods"):
        inspect_zip(data, name, limits)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own CalamineError and plain ValueErrors
        raise NotASpreadsheet(f"{name} cannot be read as a workbook: {error}", file=name) from None
    hidden = {m.name for m in book.sheets_metadata if str(m.visible).lower().endswith(("hidden", "veryhidden"))}

    def load(sheet: str | None) -> Grid:
        title = sheet if sheet is not None else book.sheet_names[0]
        return _read_sheet(book, title, name, limits)

    return Source(file=name, kind=kind, sheet_names=list(book.sheet_names), hidden=hidden, _load=load)


def _read_sheet(book: python_calamine.CalamineWorkbook, title: str, name: str, limits: Limits) -> Grid:
    try:
        sheet = book.get_sheet_by_name(title)
    except Exception as error:
        raise NotASpreadsheet(f"{name}: sheet {title!r} cannot be read: {error}", file=name) from None
    end_row, end_column = sheet.end or (0, 0)
    if end_row + 1 > limits.max_rows + 1000:
        raise FileTooLarge(
            f"{name}: sheet {title!r} has {end_row + 1:,} rows; the limit is {limits.max_rows:,} touchpoints.",
            file=name,
        )
    if (end_row + 1) * (end_column + 1) > limits.max_cells:
        raise FileTooLarge(
            f"{name}: sheet {title!r} spans {end_row + 1:,} rows by {end_column + 1:,} columns, "
            f"more than the limit of {limits.max_cells:,} cells.",
            file=name,
        )
    rows = cast(list[list[Cell]], sheet.to_python(skip_empty_area=False))
    _fill_merged(rows, sheet.merged_cell_ranges or [])
    return Grid(name=title, rows=rows)


def _fill_merged(rows: list[list[Cell]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value


# --- text files -----------------------------------------------------------------------------

_CYRILLIC_WORD = re.compile(r"\b[а-яА-ЯёЁ]{2,}\b")
_MIXED_LATIN_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[À-ÿ])[a-zA-ZÀ-ÿ]+\b")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was written in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    as_1251 = data.decode("cp1251", errors="replace")
    try:
        as_1252 = data.decode("cp1252")
    except UnicodeDecodeError:
        return as_1251, "cp1251"
    russian = len(_CYRILLIC_WORD.findall(as_1251))
    western = len(_MIXED_LATIN_WORD.findall(as_1252))
    return (as_1251, "cp1251") if russian > western else (as_1252, "cp1252")


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, most regular columns."""
    sample = text[:65536].splitlines()[:50]
    best, best_score = ",", -1.0
    for delimiter in DELIMITERS:
        widths = [len(r) for r in csv.reader(sample, delimiter=delimiter) if any(c.strip() for c in r)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = common * widths.count(common) / len(widths) if common > 1 else 0.0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_text(data: bytes, name: str, limits: Limits) -> Source:
    text, encoding = decode_text(data)
    delimiter = "\t" if name.lower().endswith(".tsv") and "\t" in text[:65536] else detect_delimiter(text)
    note = Problem(
        "info",
        "text_format",
        None,
        None,
        f"Read as {encoding} text, {DELIMITERS[delimiter]}-separated.",
    )

    def load(_sheet: str | None) -> Grid:
        rows: list[list[Cell]] = []
        try:
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                rows.append(list(row))
                if len(rows) > limits.max_rows + 1000:
                    raise FileTooLarge(
                        f"{name} has more than {limits.max_rows:,} rows, the limit for one inventory.", file=name
                    )
        except csv.Error as error:
            raise NotASpreadsheet(f"{name}, record {len(rows) + 1}: {error}.", file=name) from None
        return Grid(name=None, rows=rows)

    return Source(file=name, kind="csv", sheet_names=[], notes=[note], _load=load)
