"""Turn a file into grids of cells, safely.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine, a Rust reader many
times faster than openpyxl. Calamine trusts its input: a workbook with one cell at
XFD1048576 makes it allocate half a terabyte and abort the whole process, and so do a
shared-strings table that claims billions of entries, an .xls whose records lie about its
size and an OLE container whose sector chains loop. So every workbook is inspected first,
in bounded time and memory, and refused with a sentence when calamine would choke on it:

* zip workbooks (.xlsx, .xlsm, .ods): the number of parts, duplicate names, declared sizes,
  compression ratios, encryption, and each part inflated by us, at most to its declared size
  (a part that holds more than it declares is refused), then DTDs, the furthest cell that
  holds a value, the shared-strings count, overlong cells and the number of sheets;
* OLE files (.xls, and password-protected Office files, which are OLE containers): every
  sector chain calamine will follow, then the BIFF records of the workbook stream: a
  password, the sheets' declared dimensions and the furthest cell that holds a value.

CSV and TSV files have their encoding (UTF-8 with or without BOM, UTF-16 with or without
BOM, cp1251, cp1252) and delimiter (comma, semicolon, tab) detected without asking.

A `Grid` is a sheet as the user sees it: `rows[i]` is sheet row `i + 1`, merged cells
hold their value in every cell they cover.
"""

from __future__ import annotations

import array
import csv
import functools
import io
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import python_calamine

from audit import i18n
from audit.cells import Cell
from audit.i18n import N_, _, ngettext
from audit.problems import (
    FileTooLarge,
    NotASpreadsheet,
    PasswordProtected,
    Problem,
    SheetNotFound,
    UnsafeWorkbook,
)

WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
SUPPORTED_EXTENSIONS = WORKBOOK_EXTENSIONS | TEXT_EXTENSIONS
MB = 1024 * 1024
# The longest cell accepted: Python's csv module stops there, and Excel itself at 32,767.
MAX_CELL_CHARACTERS = 131_072
# What to do about a damaged or strange file: the last sentence of many messages, as `{resave}`.
# TRANSLATORS: the advice that ends many messages about a damaged file, where they say {resave}.
RESAVE = N_("Open it in Excel or LibreOffice, save it again and upload the new copy.")


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
    max_sheets: int = 1_000

    @property
    def row_limit(self) -> int:
        """Sheet rows accepted: the touchpoint limit plus room for title rows and a header."""
        return self.max_rows + 1000


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
            raise SheetNotFound(
                _("No sheet called {sheet}; the workbook has {names}.").format(sheet=repr(sheet), names=names),
                file=self.file,
            )
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
        if extension:
            message = _(
                "{file}: files with {extension} are not read. "
                "Save the inventory as .xlsx, .xlsm, .xls, .ods, .csv or .tsv."
            )
        else:
            message = _(
                "{file}: files with no extension are not read. "
                "Save the inventory as .xlsx, .xlsm, .xls, .ods, .csv or .tsv."
            )
        raise NotASpreadsheet(message.format(file=name, extension=extension), file=name)
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
                _(_MISMATCH[kind]).format(file=name, extension=extension),
            )
        )
    return source


# What a file named for another kind holds, by the kind it was read as.
_MISMATCH = {
    "xlsx": N_("{file} is named {extension} but holds an Excel workbook (.xlsx); it was read as that."),
    "xls": N_("{file} is named {extension} but holds an old Excel workbook (.xls); it was read as that."),
    "ods": N_("{file} is named {extension} but holds an OpenDocument spreadsheet (.ods); it was read as that."),
    "csv": N_("{file} is named {extension} but holds plain text (CSV); it was read as that."),
}


def _check_size(size: int, name: str, limits: Limits) -> None:
    if size > limits.max_bytes:
        message = _(
            "{file} is {size} MB; the limit is {limit} MB. Remove unused sheets or images, or split the inventory."
        )
        size_shown, limit_shown = i18n.number(size / MB, 1), i18n.number(limits.max_bytes / MB, 0)
        raise FileTooLarge(message.format(file=name, size=size_shown, limit=limit_shown), file=name)


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff_kind(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, name)
    if data.startswith(_OLE_SIGNATURE):
        return "xls"
    if _looks_like_text(data):
        return "csv"
    message = _(
        "{file} is not a spreadsheet: it is neither a workbook nor text. "
        "Save the inventory as .xlsx or .csv and upload that."
    )
    raise NotASpreadsheet(message.format(file=name), file=name)


# What Python's zipfile raises on archives it cannot make sense of.
_ZIP_ERRORS = (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, struct.error, OverflowError)


def _open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as error:
        # TRANSLATORS: {error} is the zip reader's own (English) words; {resave} says how to save the file again.
        message = _("{file} is a damaged zip archive and cannot be read ({error}). {resave}")
        raise NotASpreadsheet(message.format(file=name, error=error, resave=_(RESAVE)), file=name) from None


def _zip_kind(data: bytes, name: str) -> str:
    names = set(_open_zip(data, name).namelist())
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            message = _("{file} is a binary workbook (.xlsb); save it as .xlsx.")
            raise NotASpreadsheet(message.format(file=name), file=name)
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    if "word/document.xml" in names:
        raise NotASpreadsheet(_("{file} is a Word document, not a spreadsheet.").format(file=name), file=name)
    raise NotASpreadsheet(_("{file} is a zip archive, not a spreadsheet.").format(file=name), file=name)


def _looks_like_text(data: bytes) -> bool:
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head):
        return True
    # NUL padding is tolerated (and removed later); other control bytes mark a binary file.
    control = sum(1 for b in head if 0 < b < 32 and b not in (9, 10, 13))
    return control <= len(head) // 100 and head.count(0) <= len(head) // 10


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte is zero, as in Latin text saved as UTF-16."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even_zeros, odd_zeros = head[0 : pairs * 2 : 2].count(0), head[1 : pairs * 2 : 2].count(0)
    if odd_zeros >= pairs * 0.4 and even_zeros <= pairs * 0.05:
        return "utf-16-le"
    if even_zeros >= pairs * 0.4 and odd_zeros <= pairs * 0.05:
        return "utf-16-be"
    return None


# --- zip workbooks: inspect before calamine sees them -------------------------------------


def inspect_zip(data: bytes, name: str, limits: Limits) -> list[Problem]:
    """Refuse a zip workbook that would cost more than the limits, before calamine inflates it.

    Returns notes for the user (macros, external links, formulas without saved results).
    """
    archive = _open_zip(data, name)
    entries = archive.infolist()
    _check_entries(entries, name, limits)
    notes: list[Problem] = []
    kind = "xlsx" if any(e.filename == "xl/workbook.xml" for e in entries) else "ods"
    for entry in entries:  # directories too: a relationship may point at one that holds bytes
        content = _inflate(data, entry, name)
        _inspect_part(content, entry.filename, kind, name, limits, notes)
    names = {e.filename for e in entries}
    if "xl/vbaProject.bin" in names:
        notes.append(
            Problem(
                "info",
                "macros_ignored",
                None,
                None,
                _("{file} holds macros (VBA); they were not run, only the saved cell values were read.").format(
                    file=name
                ),
            )
        )
    if any(n.startswith("xl/externalLinks/") for n in names):
        notes.append(
            Problem(
                "info",
                "external_links",
                None,
                None,
                _(
                    "{file} links to other workbooks; the values saved with it were read, the links were not followed."
                ).format(file=name),
            )
        )
    return notes


def _check_entries(entries: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    if len(entries) > limits.max_zip_entries:
        message = _("{file} holds {count} files inside; a workbook needs far fewer.")
        raise UnsafeWorkbook(message.format(file=name, count=i18n.integer(len(entries))), file=name)
    seen: set[str] = set()
    for entry in entries:
        if entry.filename in seen:
            message = _(
                "{file} holds two parts called {part}; a workbook never does, and readers disagree "
                "on which one counts, so the file was refused. {resave}"
            )
            raise UnsafeWorkbook(message.format(file=name, part=entry.filename, resave=_(RESAVE)), file=name)
        seen.add(entry.filename)
        if entry.flag_bits & 0x1:
            message = _("{file}: part {part} is encrypted. Save the workbook without a password and upload it again.")
            raise PasswordProtected(message.format(file=name, part=entry.filename), file=name)
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            message = _(
                "{file}: part {part} is compressed with method {method}, which spreadsheet programs do not use. "
                "{resave}"
            )
            shown = message.format(file=name, part=entry.filename, method=entry.compress_type, resave=_(RESAVE))
            raise NotASpreadsheet(shown, file=name)
    declared = sum(e.file_size for e in entries)
    if declared > limits.max_uncompressed_bytes:
        message = _("{file} would unpack to {size} MB (limit {limit} MB); it was refused before being unpacked.")
        size, limit = i18n.number(declared / MB, 0), i18n.number(limits.max_uncompressed_bytes / MB, 0)
        raise UnsafeWorkbook(message.format(file=name, size=size, limit=limit), file=name)
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > MB and ratio > limits.max_compression_ratio:
            message = _(
                "{file}: part {part} is compressed {ratio} to 1, the mark of a zip bomb; "
                "it was refused before being unpacked."
            )
            raise UnsafeWorkbook(message.format(file=name, part=entry.filename, ratio=i18n.number(ratio, 0)), file=name)


_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


def _inflate(data: bytes, entry: zipfile.ZipInfo, name: str) -> bytes:
    """The part's bytes, never more than it declares; one that holds more is refused.

    Python's zipfile stops at the declared size without noticing that the stream goes on,
    while calamine's zip reader reads on: what we inspect must be all there is.
    """

    def damaged(what: str) -> NotASpreadsheet:
        # TRANSLATORS: {what} says what is wrong with the part, e.g. "its checksum does not match".
        message = _("{file}: part {part} is damaged ({what}). {resave}")
        return NotASpreadsheet(message.format(file=name, part=entry.filename, what=what, resave=_(RESAVE)), file=name)

    offset = entry.header_offset
    if offset < 0 or offset + _LOCAL_HEADER.size > len(data):
        raise damaged(_("its header lies outside the file"))
    signature, _version, flags, method, *_rest, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, offset)
    if signature != b"PK\x03\x04":
        raise damaged(_("no local header where the directory points"))
    if method != entry.compress_type or (flags & 0x1) != (entry.flag_bits & 0x1):
        raise damaged(_("its local header and the archive's directory disagree"))
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[start : start + entry.compress_size]
    if len(raw) < entry.compress_size:
        raise damaged(_("the file is cut short"))
    if entry.compress_type == zipfile.ZIP_STORED:
        if entry.compress_size != entry.file_size:
            raise _oversized_part(entry, name)
        content = raw
    else:
        inflater = zlib.decompressobj(-15)
        try:
            content = inflater.decompress(raw, entry.file_size + 1)
        except zlib.error as error:
            raise damaged(str(error)) from None
        if len(content) > entry.file_size:
            raise _oversized_part(entry, name)
        if len(content) < entry.file_size:
            raise damaged(_("it holds less than it declares"))
    if zlib.crc32(content) != entry.CRC:
        raise damaged(_("its checksum does not match"))
    return content


def _oversized_part(entry: zipfile.ZipInfo, name: str) -> UnsafeWorkbook:
    message = _(
        "{file}: part {part} unpacks to more than the {size} bytes it declares, "
        "a trick to get past size checks; the file was refused."
    )
    return UnsafeWorkbook(message.format(file=name, part=entry.filename, size=i18n.integer(entry.file_size)), file=name)


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Attribute scans stop at the next '<' or '>' so that no start can rescan another's text:
# every pattern here runs in time linear in the part, whatever the part holds.
_PREFIXED_CELL = re.compile(rb"<\w+:c[\s/>]")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^<>]*)>")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["']\s*([0-9]+)""")
_CELL_REF = re.compile(rb"""\br\s*=\s*["']\s*([A-Za-z]+)\s*([0-9]+)""")
_SST_COUNT = re.compile(rb"""<(?:\w+:)?sst\b[^<>]*?\buniqueCount\s*=\s*["']\s*([0-9]+)""")
_LONG_TEXT = re.compile(rb"<(?:\w+:)?[tvp]\b[^<>]*>([^<]{%d})" % (MAX_CELL_CHARACTERS + 1))
_ENTITY = re.compile(r"&#?\w{1,10};")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b")


def _inspect_part(content: bytes, part: str, kind: str, name: str, limits: Limits, notes: list[Problem]) -> None:
    """Every part, whatever its name: a relationship may point a sheet at any part of the zip."""
    if b"<" not in content:
        return
    if b"!" in content and _DTD.search(content):  # one byte first (memchr): 3 ms where the regex takes 35
        message = _(
            "{file}: part {part} declares XML entities (a DTD), which spreadsheets never need "
            "and attacks use; the file was refused."
        )
        raise UnsafeWorkbook(message.format(file=name, part=part), file=name)
    _check_cell_lengths(content, part, name)
    if kind == "ods":
        if part == "content.xml":
            _check_ods_extent(content, name, limits)
        return
    if part == "xl/workbook.xml":
        _check_sheet_count(len(_SHEET_TAG.findall(content)), name, limits)
    _check_shared_strings(content, part, name, limits)
    _check_xlsx_extent(content, name, part, limits)
    _note_formulas_without_values(content, part, name, notes)


def _check_sheet_count(count: int, name: str, limits: Limits) -> None:
    if count > limits.max_sheets:
        message = _(
            "{file} holds {count} sheets; the limit is {limit}. "
            "Copy the inventory sheet into a new workbook and upload that."
        )
        shown = message.format(file=name, count=i18n.integer(count), limit=i18n.integer(limits.max_sheets))
        raise FileTooLarge(shown, file=name)


def _may_hold_long_text(content: bytes) -> bool:
    """Whether some run of text between two tags is longer than a cell may be.

    Such a run covers one of the points every half-limit through the part, so looking around
    those few points finds it: a 35 MB sheet costs a few hundred short searches, not a scan.
    """
    stride = MAX_CELL_CHARACTERS // 2
    for point in range(stride, len(content), stride):
        before = content.rfind(b"<", 0, point)
        after = content.find(b"<", point)
        if (after if after >= 0 else len(content)) - before - 1 > MAX_CELL_CHARACTERS:
            return True
    return False


def _check_cell_lengths(content: bytes, part: str, name: str) -> None:
    if not _may_hold_long_text(content):
        return
    for match in _LONG_TEXT.finditer(content):
        end = content.find(b"<", match.start(1))
        text = content[match.start(1) : end if end >= 0 else None].decode("utf-8", "replace")
        length = len(_ENTITY.sub("x", text))
        if length > MAX_CELL_CHARACTERS:
            message = _(
                "{file}, {part}: one cell holds {length} characters; the limit is {limit} "
                "(Excel itself stops at {excel}). Shorten it and save again."
            )
            shown = message.format(
                file=name,
                part=part,
                length=i18n.integer(length),
                limit=i18n.integer(MAX_CELL_CHARACTERS),
                excel=i18n.integer(32_767),
            )
            raise FileTooLarge(shown, file=name)


def _check_shared_strings(content: bytes, part: str, name: str, limits: Limits) -> None:
    # calamine reserves room for uniqueCount strings before reading one.
    match = _SST_COUNT.search(content) if b"q" in content and b"uniqueCount" in content else None
    if match and int(match.group(1)) > limits.max_cells:
        message = _(
            "{file}: part {part} claims {count} distinct texts, more than the "
            "{limit} cells a sheet may hold; the file was refused. {resave}"
        )
        count, limit = i18n.integer(int(match.group(1))), i18n.integer(limits.max_cells)
        shown = message.format(file=name, part=part, count=count, limit=limit, resave=_(RESAVE))
        raise UnsafeWorkbook(shown, file=name)


def column_number(letters: str) -> int:
    """1 for A, 27 for AA."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


# A styled empty cell is written <c r=".." s="1"/> or, by openpyxl with lxml, <c r=".." s="1"></c>: neither
# holds a value, so neither counts as a cell in use.
_NOT_EMPTY = rb"(?!\s*</(?:\w+:)?c>)"


@functools.cache
def _beyond_columns(limit: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Patterns for a reference past column `limit`: a cheap one, and one for valued cells."""
    letters = column_letters(limit)
    options = [f"[A-Z]{{{len(letters) + 1},}}"]
    for i, letter in enumerate(letters):
        if letter < "Z":
            rest = len(letters) - i - 1
            options.append(letters[:i] + f"[{chr(ord(letter) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    columns = "|".join(options).encode()
    return (
        re.compile(rb'r="(?:' + columns + rb")[0-9]", re.IGNORECASE),
        re.compile(rb'<(?:\w+:)?c\s[^<>]*?\br="(' + columns + rb')([0-9]+)"[^<>]*(?<!/)>' + _NOT_EMPTY, re.IGNORECASE),
    )


@functools.cache
def _beyond_rows(limit: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Patterns for a reference past row `limit`: a cheap one, and one for valued cells.

    Only rows past the limit match, so a sheet of 100,000 rows (six digits each) yields nothing.
    """
    digits = str(limit)
    options = [f"[1-9][0-9]{{{len(digits)},}}"]  # more digits
    for i, digit in enumerate(digits):
        if digit < "9":
            rest = len(digits) - i - 1
            options.append(digits[:i] + f"[{int(digit) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    rows = "|".join(options).encode()
    return (
        re.compile(rb'r="[A-Za-z]+0*(?:' + rows + rb')"'),
        re.compile(rb'<(?:\w+:)?c\s[^<>]*?\br="([A-Za-z]+)0*(' + rows + rb')"[^<>]*(?<!/)>' + _NOT_EMPTY),
    )


def column_letters(number: int) -> str:
    """A for 1, AA for 27: the reverse of `column_number`."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_tags(content: bytes) -> int:
    return sum(content.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def _check_xlsx_extent(content: bytes, name: str, part: str, limits: Limits) -> None:
    """Refuse a sheet whose furthest valued cell lies beyond the row or column limit."""
    plain = content.count(b'<c r="')
    tags = content.count(b"<c")  # the usual sheet: every <c.. tag is a cell with r="..", or a <col
    cells = plain if tags == plain or tags == plain + content.count(b"<col") else _cell_tags(content)
    prefixed = b":c" in content and _PREFIXED_CELL.search(content)  # memchr first: the regex is slow
    if cells and (plain != cells or prefixed):
        last_row, last_column = _xlsx_extent_by_rows(content)  # cells without r="A1": count them
    else:
        if _short_references(content, limits):
            return
        # Only cells past the limits match, so an ordinary sheet, however large, yields nothing.
        any_wide, valued_wide = _beyond_columns(limits.max_columns)
        any_far, valued_far = _beyond_rows(limits.row_limit)
        if not any_far.search(content) and not any_wide.search(content):
            return
        found = valued_wide.findall(content) + valued_far.findall(content)  # (column letters, row number)
        last_row = max((int(r) for _, r in found), default=0)
        last_column = max((column_number(c.decode()) for c in {c for c, _ in found}), default=0)
    if last_row > limits.row_limit or last_column > limits.max_columns:
        raise UnsafeWorkbook(_far_cell(f"{name}, {part}", last_row, last_column, limits), file=name)


def _far_cell(where: str, row: int, column: int, limits: Limits) -> str:
    # TRANSLATORS: {where} is the file and the part or sheet, e.g. "book.xlsx, sheet 'Data'".
    message = _(
        "{where}: a cell sits at row {row}, column {column}; a sheet may use up to "
        "{rows} rows and {columns} columns. Delete the stray cells and save again."
    )
    return message.format(
        where=where,
        row=i18n.integer(row),
        column=i18n.integer(column),
        rows=i18n.integer(limits.row_limit),
        columns=i18n.integer(limits.max_columns),
    )


# Every letter becomes A and every digit 0: the shape of each reference, found by plain substring search.
_SHAPES = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", b"A" * 52 + b"0" * 10)


def _short_references(content: bytes, limits: Limits) -> bool:
    """True when every cell reference (all written `<c r="..`, as the caller made sure) has one
    letter and a row within the limit, for limits of 26 columns and 99,999 rows or more: the
    common sheet, told by substring searches on the shapes of the text instead of a regular
    expression tried at every cell. Anything unusual answers False, and the exact scan decides."""
    if limits.max_columns < 26 or limits.row_limit < 99_999:
        return False
    shapes = content.translate(_SHAPES)
    if b"AA0" in shapes:  # two letters before a digit: maybe a wide reference
        return False
    # A letter before six digits: maybe a row from 100,000, where the limit lies; read those numbers.
    position, seen = shapes.find(b"A000000"), 0
    while position >= 0:
        seen += 1
        if content[position - 6 : position] == b'<c r="':
            end = content.find(b'"', position + 1, position + 16)
            digits = content[position + 1 : end]
            if end < 0 or not digits.isdigit() or int(digits) > limits.row_limit or seen > 10_000:
                return False
        elif seen > 10_000:
            return False
        position = shapes.find(b"A000000", position + 7)
    return True


def _xlsx_extent_by_rows(content: bytes) -> tuple[int, int]:
    """The furthest row and column a value may reach, for writers that leave out cell references.

    calamine places a cell without `r` after the previous one, and a row without `r` after the
    previous row, so the bound is the largest reference given plus the count of those without.
    Conservative: empty cells count too.
    """
    tags = list(_ROW_TAG.finditer(content))
    starts = [0] + [tag.end() for tag in tags]  # cells before the first row land in row 1
    ends = [tag.start() for tag in tags] + [len(content)]
    numbered = [int(m.group(1)) for tag in tags if (m := _ROW_NUMBER.search(tag.group(1)))]
    last_row, last_column = max(numbered, default=0) + len(tags) - len(numbered), 0
    for start, end in zip(starts, ends, strict=True):
        row = content[start:end]
        refs = _CELL_REF.findall(row)
        last_row = max(last_row, max((int(number) for _, number in refs), default=0))
        unnamed = _cell_tags(row) + len(_PREFIXED_CELL.findall(row)) - len(refs)
        explicit = max((column_number(letters.decode()) for letters, _ in refs), default=0)
        last_column = max(last_column, explicit + max(unnamed, 0))
    return last_row, last_column


def _note_formulas_without_values(content: bytes, part: str, name: str, notes: list[Problem]) -> None:
    if b"<v>" in content or b"<v " in content or b"<f" not in content:  # a saved value comes early in a sheet
        return
    if b"sheetData" not in content:  # a chart's series are formulas too, with no cells to fill
        return
    formulas = content.count(b"<f>") + content.count(b"<f ")
    if formulas:
        notes.append(
            Problem(
                "warning",
                "formulas_without_values",
                None,
                None,
                _(
                    "{file}: {part} holds {count} formulas but none of their results was saved, and only "
                    "saved results are read. Open the file in Excel or LibreOffice, let it calculate, save it "
                    "and upload it again."
                ).format(file=name, part=part, count=i18n.integer(formulas)),
            )
        )


# ODS: rows and cells repeat by attribute; walk the rows to find where values land.
_ODS_TABLE_OR_ROW = re.compile(rb"<table:table(-row)?(?=[\s/>])([^<>]*?)(/?)>")
_ODS_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated\s*=\s*"([0-9]+)"')
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^<>]*?)(/?)>")
_ODS_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated\s*=\s*"([0-9]+)"')


def _check_ods_extent(content: bytes, name: str, limits: Limits) -> None:
    tables = content.count(b"<table:table ") + content.count(b"<table:table>")
    _check_sheet_count(tables, name, limits)
    row_tags = content.count(b"<table:table-row")
    if row_tags > 4 * limits.row_limit:
        message = _("{file} holds {count} rows; the limit is {limit} touchpoints.")
        shown = message.format(file=name, count=i18n.integer(row_tags), limit=i18n.integer(limits.max_rows))
        raise FileTooLarge(shown, file=name)
    tags = list(_ODS_TABLE_OR_ROW.finditer(content))
    ends = [tag.start() for tag in tags[1:]] + [len(content)] * bool(tags)  # a row's cells end at the next tag
    row_index = 0
    for match, end in zip(tags, ends, strict=True):
        if match.group(1) is None:  # a new sheet starts
            row_index = 0
            continue
        repeated = _ODS_ROWS_REPEATED.search(match.group(2))
        count = int(repeated.group(1)) if repeated else 1
        body = b"" if match.group(3) else content[match.end() : end]
        if b"office:value-type" in body or b"<text:p" in body:
            last_column = _ods_row_width(body)
            last_row = row_index + count
            if last_row > limits.row_limit or last_column > limits.max_columns:
                message = _(
                    "{file}: a value sits at row {row}, column {column} once repeated rows "
                    "and cells are counted; a sheet may use up to {rows} rows and "
                    "{columns} columns. Delete the stray cells and save again."
                )
                shown = message.format(
                    file=name,
                    row=i18n.integer(last_row),
                    column=i18n.integer(last_column),
                    rows=i18n.integer(limits.row_limit),
                    columns=i18n.integer(limits.max_columns),
                )
                raise UnsafeWorkbook(shown, file=name)
        row_index += count


def _ods_row_width(body: bytes) -> int:
    """The column of the row's last cell that holds something (empty cells repeated count)."""
    column = last = 0
    for cell in _ODS_CELL.finditer(body):
        repeated = _ODS_COLUMNS_REPEATED.search(cell.group(1))
        count = int(repeated.group(1)) if repeated else 1
        column += count
        if b"office:value-type" in cell.group(1) or not cell.group(2):
            last = column
    return last


# --- OLE files (.xls, encrypted Office files): inspect before calamine sees them ------------

_END_OF_CHAIN = 0xFFFFFFFE
_LAST_REGULAR = 0xFFFFFFFA  # sector ids from here on are markers
_DIFAT_SECTOR = 0xFFFFFFFC
_BIFF_HEADER = struct.Struct("<HH")


class _Compound:
    """Just enough of an OLE compound file to follow the chains calamine follows, checking each."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name
        if len(data) < 512:
            raise self.damaged(_("shorter than its header"))
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise self.damaged(_("unknown sector sizes"))
        self.size = 1 << shift
        self.last_id = len(data) // self.size
        # Sector counts and starts; the transaction signature, mini cutoff and DIFAT count are not needed.
        fat_sectors, directory_start, mini_fat_start, mini_fat_sectors, difat_start = (
            struct.unpack_from("<8I", data, 44)[i] for i in (0, 1, 4, 5, 6)
        )
        # calamine reserves a DIFAT of the size it reads, by mistake, from bytes 62-65 of the header.
        if fat_sectors > self.last_id or struct.unpack_from("<I", data, 62)[0] > 1 << 24:
            raise self.damaged(_("its header declares more sectors than the file holds"))
        self.fat = self._fat(difat_start)
        directory = self.chain(directory_start, None)
        self.entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
        if not self.entries:
            raise self.damaged(_("no directory"))
        self.mini_fat: array.array[int] = array.array("I")
        self.mini_stream = b""
        if mini_fat_sectors:
            root_start, root_size = self.entry_position(self.entries[0])
            self.mini_stream = self.chain(root_start, root_size)
            self.mini_fat = _u32_array(self.chain(mini_fat_start, mini_fat_sectors * self.size))

    def damaged(self, what: str) -> NotASpreadsheet:
        # TRANSLATORS: {what} says what is wrong with the file, e.g. "its sector table loops".
        message = _("{file} is a damaged Office file ({what}). {resave}")
        return NotASpreadsheet(message.format(file=self.name, what=what, resave=_(RESAVE)), file=self.name)

    def sector(self, sector_id: int) -> bytes:
        if sector_id > self.last_id:
            raise self.damaged(_("sector {sector} lies past the end of the file").format(sector=sector_id))
        start = (sector_id + 1) * self.size
        return self.data[start : start + self.size]

    def _fat(self, difat_start: int) -> array.array[int]:
        difat = list(struct.unpack_from("<109I", self.data, 76))
        sector_id, steps = difat_start, 0
        while sector_id < _LAST_REGULAR:
            steps += 1
            if steps > self.last_id + 1:
                raise self.damaged(_("its sector table loops"))
            difat += _u32_array(self.sector(sector_id))
            sector_id = difat.pop()
        fat_ids = [i for i in difat if i < _DIFAT_SECTOR]
        if len(fat_ids) > self.last_id + 1:
            raise self.damaged(_("its sector table lists more sectors than the file holds"))
        return _u32_array(b"".join(self.sector(i) for i in fat_ids))

    def chain(self, start: int, length: int | None, *, mini: bool = False) -> bytes:
        """The bytes of a chain, up to `length`; a loop or a sector out of range is damage."""
        size, table = (64, self.mini_fat) if mini else (self.size, self.fat)
        parts: list[bytes] = []
        total, sector_id = 0, start
        for _step in range(len(self.data) // size + 2):  # more steps than sectors: the chain loops
            if sector_id == _END_OF_CHAIN or (length is not None and total >= length):
                break
            piece = self.mini_stream[sector_id * 64 : sector_id * 64 + 64] if mini else self.sector(sector_id)
            if mini and len(piece) < 64 and length is not None and total + len(piece) < length:
                raise self.damaged(_("a small stream lies outside the mini stream"))
            parts.append(piece)
            total += len(piece)
            if length is not None and total >= length:
                break
            if sector_id >= len(table):
                raise self.damaged(_("a chain of sectors leaves the sector table"))
            sector_id = table[sector_id]
        else:
            raise self.damaged(_("a chain of sectors loops or leaves the file"))
        content = b"".join(parts)
        return content if length is None else content[:length]

    def entry_position(self, entry: bytes) -> tuple[int, int]:
        start = struct.unpack_from("<I", entry, 116)[0]
        size = struct.unpack_from("<I" if self.size == 512 else "<Q", entry, 120)[0]
        return start, size

    def names(self) -> list[str]:
        return [e[:64].decode("utf-16-le", "replace").split("\x00")[0] for e in self.entries]

    def stream(self, wanted: str) -> bytes | None:
        for entry, entry_name in zip(self.entries, self.names(), strict=False):
            if entry_name == wanted:
                start, size = self.entry_position(entry)
                if size > len(self.data):
                    raise self.damaged(
                        _("stream {stream} declares {size} bytes, more than the file holds").format(
                            stream=wanted, size=i18n.integer(size)
                        )
                    )
                return self.chain(start, size, mini=size < 4096)
        return None


def _u32_array(content: bytes) -> array.array[int]:
    values = array.array("I")
    values.frombytes(content[: len(content) // 4 * 4])
    if sys.byteorder == "big":
        values.byteswap()
    return values


def inspect_compound(data: bytes, name: str, limits: Limits) -> None:
    """Refuse an OLE file that is encrypted, is no workbook, or would cost calamine more than the limits."""
    compound = _Compound(data, name)
    names = compound.names()
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        message = _(
            "{file} is password-protected (encrypted), so it cannot be read. Open it in Excel, remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password, then clear it), save it and "
            "upload it again."
        )
        raise PasswordProtected(message.format(file=name), file=name)
    stream = compound.stream("Workbook")
    if stream is None:
        stream = compound.stream("Book")
    if stream is None:
        message = _(
            "{file} is an Office file but holds no workbook (a Word or PowerPoint file?). "
            "Save the inventory as .xlsx and upload that."
        )
        raise NotASpreadsheet(message.format(file=name), file=name)
    _scan_biff(stream, name, limits)


# BIFF records that hold one cell: (row, column) are their first four bytes.
_CELL_RECORDS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD})
_MULRK, _FORMULA, _DIMENSIONS, _BOF, _EOF, _FILEPASS, _BOUNDSHEET = 0x00BD, 0x0006, 0x0200, 0x0809, 0x000A, 0x2F, 0x85


def _scan_biff(stream: bytes, name: str, limits: Limits) -> None:
    """Walk the workbook's records: a password, then each sheet's dimensions and furthest cell."""
    sheets: list[tuple[int, str]] = []
    position = 0
    while position + 4 <= len(stream):
        kind, length = _BIFF_HEADER.unpack_from(stream, position)
        body = stream[position + 4 : position + 4 + length]
        if kind == _FILEPASS and body[:2] != b"\x00\x00":
            message = _(
                "{file} is password-protected, so it cannot be read. Open it in Excel, remove the password "
                "(File > Info > Protect Workbook), save it as .xlsx and upload that."
            )
            raise PasswordProtected(message.format(file=name), file=name)
        if kind == _BOUNDSHEET and len(body) >= 4:
            sheets.append((struct.unpack_from("<I", body)[0], _biff_sheet_name(body)))
        if kind == _EOF:
            break
        position += 4 + length
    _check_sheet_count(len(sheets), name, limits)
    for start, title in sheets:
        if start > len(stream):
            message = _("{file}: sheet {sheet} lies outside the workbook stream. {resave}")
            raise NotASpreadsheet(message.format(file=name, sheet=repr(title), resave=_(RESAVE)), file=name)
        _scan_biff_sheet(stream, start, _("{file}, sheet {sheet}").format(file=name, sheet=repr(title)), name, limits)


def _biff_sheet_name(body: bytes) -> str:
    if len(body) < 8:
        return "?"
    length, wide = body[6], body[7] & 1
    raw = body[8 : 8 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


def _scan_biff_sheet(stream: bytes, position: int, where: str, name: str, limits: Limits) -> None:
    top = left = 1 << 32
    bottom = right = -1
    seen_bof, depth = False, 0
    unpack = _BIFF_HEADER.unpack_from
    while position + 4 <= len(stream):
        kind, length = unpack(stream, position)
        start, position = position + 4, position + 4 + length
        if depth:  # an embedded chart's records: calamine skips them, so do we
            depth += (kind == _BOF) - (kind == _EOF)
            continue
        if kind == _BOF:
            depth, seen_bof = (depth + 1 if seen_bof else 0), True
        elif kind == _EOF:
            break
        elif kind in _CELL_RECORDS or kind in (_FORMULA, _MULRK):
            if length < 4 or position > len(stream):
                continue
            row, column = struct.unpack_from("<HH", stream, start)
            last_column = column + max((length - 6) // 6, 1) - 1 if kind == _MULRK else column
            top, bottom = min(top, row), max(bottom, row)
            left, right = min(left, column), max(right, last_column)
        elif kind == _DIMENSIONS:
            _check_biff_dimensions(stream[start:position], where, name, limits)
    if bottom < 0:
        return
    if bottom + 1 > limits.row_limit or right + 1 > limits.max_columns:
        raise UnsafeWorkbook(_far_cell(where, bottom + 1, right + 1, limits), file=name)
    rows, columns = bottom - top + 1, right - left + 1
    if rows * columns > limits.max_cells:
        # TRANSLATORS: {where} is the file and the sheet, e.g. "book.xls, sheet 'Data'".
        message = _(
            "{where} spans {rows} rows by {columns} columns, more than the limit of {limit} "
            "cells. Delete the cells outside the inventory and save again."
        )
        shown = message.format(
            where=where, rows=i18n.integer(rows), columns=i18n.integer(columns), limit=i18n.integer(limits.max_cells)
        )
        raise FileTooLarge(shown, file=name)


def _check_biff_dimensions(body: bytes, where: str, name: str, limits: Limits) -> None:
    """calamine reserves room for the declared rows x columns before it reads one cell."""
    if len(body) == 14:
        first_row, end_row, first_column, end_column = struct.unpack_from("<IIHH", body)
    elif len(body) == 10:
        first_row, end_row, first_column, end_column = struct.unpack_from("<HHHH", body)
    else:
        return
    if first_column > 0xFF or end_column < first_column:
        first_column = 0
    if end_row < 1 or end_column < 1:
        return
    rows = ((end_row - 1 - first_row) % (1 << 32) + 1) % (1 << 32)
    columns = ((end_column - 1 - first_column) % (1 << 32) + 1) % (1 << 32)
    if rows * columns > limits.max_cells:
        # TRANSLATORS: {where} is the file and the sheet, e.g. "book.xls, sheet 'Data'".
        message = _(
            "{where} declares {rows} rows by {columns} columns, more than the limit of {limit} "
            "cells; the file was refused before being read. {resave}"
        )
        shown = message.format(
            where=where,
            rows=i18n.integer(rows),
            columns=i18n.integer(columns),
            limit=i18n.integer(limits.max_cells),
            resave=_(RESAVE),
        )
        raise UnsafeWorkbook(shown, file=name)


# --- workbooks ----------------------------------------------------------------------------


def _sentence(error: BaseException) -> str:
    return str(error).strip().rstrip(".") + "."


def _calamine_failed(error: BaseException) -> bool:
    """An error of calamine's, including a Rust panic (pyo3's PanicException is no Exception)."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def _open_workbook(data: bytes, kind: str, name: str, limits: Limits) -> Source:
    notes: list[Problem] = []
    if kind in ("xlsx", "ods"):
        notes = inspect_zip(data, name, limits)
    else:
        inspect_compound(data, name, limits)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_names = list(book.sheet_names)
        hidden = {m.name for m in book.sheets_metadata if str(m.visible).lower().endswith(("hidden", "veryhidden"))}
    except BaseException as error:
        if not _calamine_failed(error):
            raise
        # TRANSLATORS: {error} is the workbook reader's own (English) sentence.
        message = _("{file} cannot be read as a workbook: {error} {resave}")
        raise NotASpreadsheet(message.format(file=name, error=_sentence(error), resave=_(RESAVE)), file=name) from None
    if not sheet_names:
        raise NotASpreadsheet(_("{file} holds no sheets. {resave}").format(file=name, resave=_(RESAVE)), file=name)
    _check_sheet_count(len(sheet_names), name, limits)
    budget = [limits.max_cells]  # cells all the sheets read from this file may span together

    def load(sheet: str | None) -> Grid:
        title = sheet if sheet is not None else sheet_names[0]
        return _read_sheet(book, title, name, limits, budget)

    return Source(file=name, kind=kind, sheet_names=sheet_names, hidden=hidden, notes=notes, _load=load)


def _read_sheet(
    book: python_calamine.CalamineWorkbook, title: str, name: str, limits: Limits, budget: list[int]
) -> Grid:
    try:
        sheet = book.get_sheet_by_name(title)
        end_row, end_column = sheet.end or (0, 0)
    except BaseException as error:
        if not _calamine_failed(error):
            raise
        raise _unreadable_sheet(name, title, error) from None
    if end_row + 1 > limits.row_limit:
        message = _("{file}: sheet {sheet} has {count} rows; the limit is {limit} touchpoints.")
        shown = message.format(
            file=name, sheet=repr(title), count=i18n.integer(end_row + 1), limit=i18n.integer(limits.max_rows)
        )
        raise FileTooLarge(shown, file=name)
    cells = (end_row + 1) * (end_column + 1)
    if cells > limits.max_cells:
        message = _(
            "{file}: sheet {sheet} spans {rows} rows by {columns} columns, more than the limit of {limit} cells."
        )
        shown = message.format(
            file=name,
            sheet=repr(title),
            rows=i18n.integer(end_row + 1),
            columns=i18n.integer(end_column + 1),
            limit=i18n.integer(limits.max_cells),
        )
        raise FileTooLarge(shown, file=name)
    budget[0] -= cells
    if budget[0] < 0:
        message = _(
            "{file}: looking for the inventory went through more than {limit} cells across its "
            "sheets. Choose the sheet to read, or move the inventory to the first sheet."
        )
        raise FileTooLarge(message.format(file=name, limit=i18n.integer(limits.max_cells)), file=name)
    try:
        rows = cast(list[list[Cell]], sheet.to_python(skip_empty_area=False))
    except BaseException as error:
        if not _calamine_failed(error):
            raise
        raise _unreadable_sheet(name, title, error) from None
    _fill_merged(rows, sheet.merged_cell_ranges or [])
    return Grid(name=title, rows=rows)


def _unreadable_sheet(name: str, title: str, error: BaseException) -> NotASpreadsheet:
    # TRANSLATORS: {error} is the workbook reader's own (English) sentence.
    message = _("{file}: sheet {sheet} cannot be read: {error} {resave}")
    return NotASpreadsheet(
        message.format(file=name, sheet=repr(title), error=_sentence(error), resave=_(RESAVE)), file=name
    )


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
UTF16_WITHOUT_BOM = N_("UTF-16 (without BOM)")  # an encoding's name, shown in the text format note
# How a text file was read, by its delimiter.
_TEXT_FORMAT = {
    # TRANSLATORS: {encoding} is the name of a text encoding: "UTF-8", "cp1251", "UTF-16 (without BOM)".
    ",": N_("Read as {encoding} text, comma-separated."),
    ";": N_("Read as {encoding} text, semicolon-separated."),
    "\t": N_("Read as {encoding} text, tab-separated."),
}
# A line with too many delimiters, by its delimiter.
_TOO_MANY_DELIMITERS = {
    ",": N_(
        "{file}, line {line}: more than {count} commas in one line; an inventory has a few dozen columns. "
        "Check that the file is the inventory."
    ),
    ";": N_(
        "{file}, line {line}: more than {count} semicolons in one line; an inventory has a few dozen columns. "
        "Check that the file is the inventory."
    ),
    "\t": N_(
        "{file}, line {line}: more than {count} tabs in one line; an inventory has a few dozen columns. "
        "Check that the file is the inventory."
    ),
}


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was written in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    without_bom = _utf16_without_bom(data[:65536])
    if without_bom:
        return data.decode(without_bom, errors="replace"), UTF16_WITHOUT_BOM
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


# A line with more delimiters than this is refused before csv splits it into a list that long.
MAX_DELIMITERS_PER_LINE = 10_000


def _open_text(data: bytes, name: str, limits: Limits) -> Source:
    text, encoding = decode_text(data)
    notes = []
    nul = text.count("\x00")
    if nul:
        # Some exports pad with NUL; no cell means one, and PostgreSQL cannot store it.
        text = text.replace("\x00", "")
        message = ngettext("{file} held {n} NUL character; removed.", "{file} held {n} NUL characters; removed.", nul)
        notes.append(
            Problem("warning", "nul_bytes_removed", None, None, message.format(file=name, n=i18n.integer(nul)))
        )
    text = text.replace("\ufeff", "")  # a byte-order mark inside: two files pasted together
    delimiter = "\t" if name.lower().endswith(".tsv") and "\t" in text[:65536] else detect_delimiter(text)
    shown = _(_TEXT_FORMAT[delimiter]).format(encoding=_(encoding) if encoding == UTF16_WITHOUT_BOM else encoding)
    notes.insert(0, Problem("info", "text_format", None, None, shown))

    def load(_sheet: str | None) -> Grid:
        rows: list[list[str]] = []
        # Lines are checked one by one only when one may hold more delimiters than a line may: a line
        # longer than that many characters.
        long_line = len(text) > MAX_DELIMITERS_PER_LINE and max(map(len, text.splitlines())) > MAX_DELIMITERS_PER_LINE
        lines = _lines(text, delimiter, name) if long_line else io.StringIO(text, newline="")
        widest, most = limits.max_columns, limits.row_limit
        try:
            for row in csv.reader(lines, delimiter=delimiter):
                rows.append(row if len(row) <= widest else _within_columns(row, len(rows) + 1, name, limits))
                if len(rows) > most:
                    message = _("{file} has more than {limit} rows, the limit for one inventory.")
                    raise FileTooLarge(message.format(file=name, limit=i18n.integer(limits.max_rows)), file=name)
        except csv.Error as error:
            record = i18n.integer(len(rows) + 1)
            if "field larger than field limit" in str(error):
                message = _(
                    "{file}, record {record}: one cell holds more than {limit} characters "
                    "(often a quote that is never closed). Check that record and save again."
                )
                shown = message.format(file=name, record=record, limit=i18n.integer(MAX_CELL_CHARACTERS))
                raise FileTooLarge(shown, file=name) from None
            # TRANSLATORS: {error} is the CSV reader's own (English) words.
            message = _("{file}, record {record}: {error}.")
            raise NotASpreadsheet(message.format(file=name, record=record, error=error), file=name) from None
        return Grid(name=None, rows=cast(list[list[Cell]], rows))

    return Source(file=name, kind="csv", sheet_names=[], notes=notes, _load=load)


def _lines(text: str, delimiter: str, name: str) -> Iterator[str]:
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if line.count(delimiter) > MAX_DELIMITERS_PER_LINE:
            message = _(_TOO_MANY_DELIMITERS[delimiter]).format(
                file=name, line=i18n.integer(number), count=i18n.integer(MAX_DELIMITERS_PER_LINE)
            )
            raise FileTooLarge(message, file=name)
        yield line


def _within_columns(row: list[str], number: int, name: str, limits: Limits) -> list[str]:
    """The row, without trailing empty cells past the column limit; too many filled ones are refused."""
    if len(row) <= limits.max_columns:
        return list(row)
    end = len(row)
    while end > limits.max_columns and not row[end - 1].strip():
        end -= 1
    if end > limits.max_columns:
        message = _(
            "{file}, record {record}: {count} columns; the limit is {limit}. "
            "Delete the columns the inventory does not use and save again."
        )
        shown = message.format(
            file=name, record=i18n.integer(number), count=i18n.integer(end), limit=i18n.integer(limits.max_columns)
        )
        raise FileTooLarge(shown, file=name)
    return list(row[:end])
