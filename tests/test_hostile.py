"""Hostile files: each kind is refused with a sentence, or read, within bounded time and memory.

The importer's contract: for any bytes under any name, reading either returns a result
(with problems for bad cells) or raises a `ReadError` whose message names the file and says
what is wrong and what to do; never another exception, never a crashed process, never
unbounded time or memory. Every read here runs through `bounded`, in a forked child with
its address space capped, so a reader that aborts fails its test instead of pytest.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import hostile_files as h
import pytest
import python_calamine
from conftest import DATA, SAMPLE_INVENTORY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.inventory import Inventory, read_inventory_bytes
from audit.problems import FileTooLarge, NotASpreadsheet, PasswordProtected, ReadError, UnsafeWorkbook
from audit.scoring import read_scores_bytes

Build = Callable[[], bytes]


def _csv(text: str) -> Build:
    return lambda: text.encode()


def _lying(crc_of_prefix: bool) -> Build:
    def build() -> bytes:
        sheet = h.worksheet(
            h.cells_xml(h.INVENTORY_ROWS)
            + h.cells_xml([["padding " * 2000]], first_row=5)
            + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'
        )
        return h.lie_about_size(h.xlsx([sheet]), "xl/worksheets/sheet1.xml", 300, crc_of_prefix=crc_of_prefix)

    return build


def _duplicate_sheet() -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(h.xlsx()))
    entries = [(i.filename, archive.read(i)) for i in archive.infolist()]
    return h.zip_bytes([*entries, ("xl/worksheets/sheet1.xml", h.worksheet(h.cells_xml([["Other", "Stage"]])))])


# (builder, file name, exception, what the message says, whether score files meet it too)
REFUSED = [
    pytest.param(
        _lying(False), "liar.xlsx", UnsafeWorkbook, "unpacks to more than the 300 bytes it declares", id="zip-size-lie"
    ),
    pytest.param(
        _lying(True),
        "liar.xlsx",
        UnsafeWorkbook,
        "unpacks to more than the 300 bytes it declares",
        id="zip-size-lie-crc",
    ),
    pytest.param(
        _duplicate_sheet, "twice.xlsx", UnsafeWorkbook, "two parts called xl/worksheets/sheet1.xml", id="zip-duplicate"
    ),
    pytest.param(
        lambda: h.set_flag_bits(h.xlsx(), "xl/worksheets/sheet1.xml", flags=1),
        "locked.xlsx",
        PasswordProtected,
        "part xl/worksheets/sheet1.xml is encrypted. Save the workbook without a password",
        id="zip-encrypted-part",
    ),
    pytest.param(
        lambda: h.set_flag_bits(h.xlsx(), "xl/worksheets/sheet1.xml", method=12),
        "bzip.xlsx",
        NotASpreadsheet,
        "compressed with method 12, which spreadsheet programs do not use",
        id="zip-unknown-method",
    ),
    pytest.param(h.too_many_parts, "parts.xlsx", UnsafeWorkbook, "holds 5,00[0-9] files inside", id="zip-entries"),
    pytest.param(
        h.far_cell_in_an_odd_part,
        "odd.xlsx",
        UnsafeWorkbook,
        "xl/media/image1.png: a cell sits at row 1,048,576, column 16,384",
        id="sheet-in-odd-part",
    ),
    pytest.param(
        h.far_cell_by_row_number,
        "rows.xlsx",
        UnsafeWorkbook,
        "a cell sits at row 1,048,576, column 3",
        id="far-row-no-ref",
    ),
    pytest.param(
        h.far_cell_in_single_quotes,
        "quotes.xlsx",
        UnsafeWorkbook,
        "a cell sits at row 1,048,576, column 16,384",
        id="far-cell-quoted",
    ),
    pytest.param(
        h.row_of_16384_columns, "xfd.xlsx", UnsafeWorkbook, "a cell sits at row 2, column 16,384", id="xfd-row"
    ),
    pytest.param(
        h.ten_thousand_sheets, "sheets.xlsx", FileTooLarge, "holds 10,000 sheets; the limit is 1,000", id="10000-sheets"
    ),
    pytest.param(
        h.many_sheets_one_busy_part,
        "busy.xlsx",
        FileTooLarge,
        "went through more than 5,000,000 cells across its sheets. Choose the sheet",
        id="300-busy-sheets",
    ),
    pytest.param(
        h.ten_megabyte_cell, "long.xlsx", FileTooLarge, "one cell holds 10,485,760 characters", id="10mb-cell"
    ),
    pytest.param(
        h.shared_strings_claiming_billions,
        "sst.xlsx",
        UnsafeWorkbook,
        "claims 4,000,000,000 distinct texts",
        id="sst-unique-count",
    ),
    pytest.param(
        h.shared_string_index_past_the_table,
        "index.xlsx",
        NotASpreadsheet,
        "Cell string index not found in shared strings table. Open it in Excel",
        id="sst-index-past-end",
    ),
    pytest.param(
        lambda: h.merged_ranges(("B2:A1", "A0:B-1")),
        "merged.xlsx",
        NotASpreadsheet,
        "sheet 'Sheet1' cannot be read: Range is missing the expected row component. Open it",
        id="merge-negative",
    ),
    pytest.param(
        h.ods_empty_columns_then_value,
        "columns.ods",
        UnsafeWorkbook,
        "a value sits at row 2, column 16,002 once repeated rows and cells are counted",
        id="ods-empty-columns-then-value",
    ),
    pytest.param(
        h.ods_empty_rows_then_value,
        "rows.ods",
        UnsafeWorkbook,
        "a value sits at row 1,000,002, column 16,002",
        id="ods-empty-rows-then-value",
    ),
    pytest.param(
        h.encrypted_ooxml,
        "secret.xlsx",
        PasswordProtected,
        r"is password-protected \(encrypted\).*remove the password",
        id="encrypted-ooxml",
    ),
    pytest.param(h.xls_password, "secret.xls", PasswordProtected, "is password-protected", id="xls-filepass"),
    pytest.param(
        lambda: h.xls_corners(256),
        "corners.xls",
        UnsafeWorkbook,
        "sheet 'Inventory': a cell sits at row 65,536, column 256",
        id="xls-65536x256",
    ),
    pytest.param(
        lambda: h.xls_corners(100),
        "corners.xls",
        FileTooLarge,
        "spans 65,536 rows by 100 columns, more than the limit of 5,000,000 cells",
        id="xls-65536x100",
    ),
    pytest.param(
        h.xls_lying_dimensions,
        "dims.xls",
        UnsafeWorkbook,
        "declares 4,000,000,000 rows by 65,535 columns",
        id="xls-dimensions-lie",
    ),
    pytest.param(
        h.xls_column_beyond_256, "wide.xls", UnsafeWorkbook, "a cell sits at row 60,001, column 65,001", id="xls-column"
    ),
    pytest.param(
        h.ole_with_a_looping_directory,
        "loop.xls",
        NotASpreadsheet,
        r"damaged Office file \(a chain of sectors loops or leaves the file\)",
        id="ole-loop",
    ),
    pytest.param(h.ole_without_a_workbook, "letter.xls", NotASpreadsheet, "holds no workbook", id="ole-no-workbook"),
    pytest.param(
        h.xls_sheet_outside_the_stream,
        "moved.xls",
        NotASpreadsheet,
        "sheet 'Inventory' lies outside the workbook stream",
        id="xls-sheet-offset",
    ),
    pytest.param(
        lambda: b"Name," + b"x" * (19 * h.MB),
        "line.csv",
        FileTooLarge,
        "record 1: one cell holds more than 131,072 characters",
        id="csv-19mb-line",
    ),
    pytest.param(
        lambda: b'Name,Stage\n"Website' + b"x" * (10 * h.MB) + b'",Awareness\n',
        "quote.csv",
        FileTooLarge,
        "record 2: one cell holds more than 131,072 characters",
        id="csv-10mb-cell",
    ),
    pytest.param(
        lambda: b"Name,Stage" + b",a" * (9 * h.MB),
        "commas.csv",
        FileTooLarge,
        "line 1: more than 10,000 commas in one line",
        id="csv-9m-columns",
    ),
    pytest.param(
        _csv("Name,Stage," + ",".join(f"h{i}" for i in range(1000)) + "\nWebsite,Awareness\n"),
        "wide.csv",
        FileTooLarge,
        "record 1: 1,002 columns; the limit is 200",
        id="csv-1002-columns",
    ),
]


# Files whose refusal is real work, not a runaway: the 300 busy sheets are read up to the 5,000,000-cell
# limit before the refusal, 3.3-4.5 s on a 2-core machine (before and after issue 12, measured side by
# side), which a 5 s bound failed once in three fresh-clone runs. Unbounded work would take minutes.
SECONDS = {"busy.xlsx": 10.0}


def _read(data: bytes, name: str) -> Inventory:
    return read_inventory_bytes(data, name)


@pytest.mark.parametrize(("build", "name", "error", "message"), REFUSED)
def test_hostile_inventory_is_refused_with_a_sentence(build: Build, name: str, error: type, message: str) -> None:
    data = build()
    with pytest.raises(error, match=message) as caught:
        h.bounded(lambda: _read(data, name), seconds=SECONDS.get(name, 5.0))
    assert str(caught.value).startswith(name), "the message names the file first"
    assert caught.value.file == name


# The same files as score uploads; a score file reads only its first sheet, so the 300 busy sheets pass.
@pytest.mark.parametrize(("build", "name", "error", "message"), [p for p in REFUSED if p.id != "300-busy-sheets"])
def test_hostile_score_file_is_refused_with_a_sentence(build: Build, name: str, error: type, message: str) -> None:
    data = build()
    with pytest.raises(error, match=message):
        h.bounded(lambda: read_scores_bytes(data, name, []))


def _codes(inventory: Inventory) -> list[str]:
    return [p.code for p in inventory.problems]


def _outcome(data: bytes, name: str) -> tuple[list[str], list[str]]:
    inventory = read_inventory_bytes(data, name)
    return [t.name for t in inventory.touchpoints], _codes(inventory)


def _mixed_line_endings() -> bytes:
    return b"Name,Stage\r\nWebsite,Awareness\n\xef\xbb\xbfShop,Purchase\rApp,Service\r\n"


READ = [
    pytest.param(
        lambda: h.xlsx(extra={"../../../../tmp/evil.txt": b"x", "/etc/passwd": b"x"}),
        "traversal.xlsx",
        ["Website", "Shop"],
        [],
        id="zip-path-traversal",
    ),
    pytest.param(h.macro_workbook, "macros.xlsm", ["Website", "Shop"], ["macros_ignored"], id="xlsm-vba"),
    pytest.param(h.external_links_workbook, "links.xlsx", ["Website", "Shop"], ["external_links"], id="external-links"),
    pytest.param(
        h.formulas_without_values,
        "formulas.xlsx",
        [],
        ["formulas_without_values", "empty_file"],
        id="formulas-without-values",
    ),
    pytest.param(
        lambda: h.xlsx([h.worksheet(h.cells_xml([["Name"]]))]),
        "one.xlsx",
        [],
        ["no_stage_column", "header_only"],
        id="1x1-sheet",
    ),
    pytest.param(h.million_shared_strings, "strings.xlsx", ["Website"], [], id="million-shared-strings"),
    pytest.param(h.deeply_nested_xml, "nested.xlsx", ["Website", "Shop"], [], id="deeply-nested-xml"),
    pytest.param(h.regex_trap, "trap.xlsx", ["Website", "Shop"], [], id="regex-backtracking-trap"),
    pytest.param(
        lambda: h.merged_ranges(("A1:XFD1048576",)),
        "merged.xlsx",
        ["Name", "Name"],
        ["duplicate_column", "no_stage_column"],
        id="merge-whole-sheet",
    ),
    pytest.param(
        h.declared_dimension_of_the_whole_sheet, "dimension.xlsx", ["Website", "Shop"], [], id="dimension-whole-sheet"
    ),
    pytest.param(h.libreoffice_style_ods, "libre.ods", ["Website"], [], id="ods-trailing-repeats"),
    pytest.param(lambda: h.ods(b""), "bare.ods", [], ["empty_file"], id="ods-without-rows"),
    pytest.param(
        lambda: h.xls(h.xls_rows(h.INVENTORY_ROWS)), "small.xls", ["Website", "Shop"], [], id="xls-hand-written"
    ),
    pytest.param(
        lambda: b"Name,Stage\r\nWeb\x00site,Awareness\r\nShop,Purchase\x00\x00\r\n",
        "nul.csv",
        ["Website", "Shop"],
        ["text_format", "nul_bytes_removed"],
        id="csv-nul-bytes",
    ),
    pytest.param(
        _mixed_line_endings, "mixed.csv", ["Website", "Shop", "App"], ["text_format"], id="csv-line-endings-mid-bom"
    ),
    pytest.param(
        lambda: "Name,Stage\nWebsite,Awareness\n".encode("utf-16-le"),
        "utf16le.csv",
        ["Website"],
        ["text_format"],
        id="utf16-le-no-bom",
    ),
    pytest.param(
        lambda: "Name,Stage\nWebsite,Awareness\n".encode("utf-16-be"),
        "utf16be.csv",
        ["Website"],
        ["text_format"],
        id="utf16-be-no-bom",
    ),
    pytest.param(
        lambda: "Name,Stage\nWebsite,Awareness\n".encode("utf-16") + b"!",
        "odd.csv",
        ["Website", "\ufffd"],
        ["text_format", "missing_stage"],
        id="utf16-odd-length",
    ),
    pytest.param(
        lambda: b"Name,Stage\nWebsite,Awareness\n",
        "text.xlsx",
        ["Website"],
        ["text_format", "extension_mismatch"],
        id="csv-named-xlsx",
    ),
    pytest.param(
        _csv("Name,Stage" + "," * 5000 + "\nWebsite,Awareness" + "," * 5000 + "\n"),
        "trailing.csv",
        ["Website"],
        ["text_format"],
        id="csv-5000-empty-columns",
    ),
]


@pytest.mark.parametrize(("build", "name", "touchpoints", "codes"), READ)
def test_hostile_inventory_is_read(build: Build, name: str, touchpoints: list[str], codes: list[str]) -> None:
    data = build()
    assert h.bounded(lambda: _outcome(data, name)) == (touchpoints, codes)


def test_utf16_without_bom_says_so() -> None:
    data = "Name,Stage\nWebsite,Awareness\n".encode("utf-16-le")
    note = read_inventory_bytes(data, "utf16.csv").problems[0].message
    assert note == "Read as UTF-16 (without BOM) text, comma-separated."


def test_a_real_65536_row_xls_is_read(tmp_path: Path) -> None:
    # An id column: without one, inventory.py derives ids in time quadratic in the rows.
    rows: list[list[object]] = [["ID", "Name", "Stage"]] + [[f"T{i}", f"tp{i}", "Awareness"] for i in range(1, 65_536)]
    data = h.xls(h.xls_rows(rows), dimensions=h.biff_dimensions(65_536, 3))
    names = h.bounded(lambda: [t.name for t in read_inventory_bytes(data, "big.xls").touchpoints], seconds=10)
    assert len(names) == 65_535
    assert names[:2] == ["tp1", "tp2"] and names[-1] == "tp65535"


# --- the harness itself must be able to fail -------------------------------------------------


def test_bounded_fails_on_a_crash_a_hang_and_a_memory_grab() -> None:
    with pytest.raises(h.Unbounded, match="died of signal 6"):
        h.bounded(os.abort)
    with pytest.raises(h.Unbounded, match="still running after 0.5 s"):
        h.bounded(lambda: time.sleep(5), seconds=0.5)
    with pytest.raises(h.Unbounded, match="needed more than 100 MB"):
        h.bounded(lambda: bytearray(300 * h.MB), megabytes=100)
    assert h.bounded(lambda: "answer") == "answer"


def test_calamine_alone_would_crash_on_a_far_cell() -> None:
    """Why the inspection exists: without it, one cell at XFD1048576 takes the process down."""
    data = h.far_cell_in_single_quotes()

    def unguarded() -> object:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return book.get_sheet_by_name("Sheet1").to_python()

    with pytest.raises(h.Unbounded, match="died of signal|needed more than"):
        h.bounded(unguarded)


# --- fuzzing: mutated valid files never raise anything but ReadError ------------------------

SEEDS = sorted(
    p for p in [*(DATA / "inventories").iterdir(), *(DATA / "scores").iterdir(), SAMPLE_INVENTORY] if p.is_file()
)
SEED_BYTES = {p.name: p.read_bytes() for p in SEEDS}
# CI runs the same examples every time; HOSTILE_FUZZ_SCALE=20 HOSTILE_FUZZ_RANDOM=1 hunts further.
_SCALE = float(os.environ.get("HOSTILE_FUZZ_SCALE", "1"))


def _fuzz(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * _SCALE)),
        deadline=None,  # `bounded` gives each example 10 s
        derandomize=not os.environ.get("HOSTILE_FUZZ_RANDOM"),
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _verdict(data: bytes, name: str) -> str:
    """What a reader made of the file; any exception but ReadError escapes and fails the test."""
    try:
        inventory = read_inventory_bytes(data, name)
        verdict = f"{len(inventory.touchpoints)} touchpoints"
    except ReadError as error:
        assert str(error).strip(), "a ReadError says something"
        verdict = type(error).__name__
    with contextlib.suppress(ReadError):
        read_scores_bytes(data, name, [])
    return verdict


def _check(data: bytes, name: str) -> None:
    h.bounded(lambda: _verdict(data, name), seconds=10, megabytes=500)


# Tokens that mean something to a reader: far cells, huge counts and repeats, markers of OLE sectors.
TOKENS = [
    b"9999999",
    b"4294967295",
    b'r="XFD1048576"',
    b'<c r="ZZ9"><v>1</v></c>',
    b'<row r="1048576"><c><v>1</v></c></row>',
    b'uniqueCount="4000000000"',
    b'table:number-columns-repeated="16384"',
    b'table:number-rows-repeated="1048576"',
    b'<mergeCell ref="A1:XFD1048576"/>',
    b"<!DOCTYPE x>",
    b"\xff\xff\xff\xff",
    b"\xfe\xff\xff\xff",
    b"\x00\x00\x00\x00",
    b"\xff\xff\x00\x01",
    b"\x00\x00\x01\x00",
]
mutation = st.tuples(
    st.sampled_from(["flip", "overwrite", "insert", "delete", "truncate", "repeat"]),
    st.one_of(st.floats(0, 1), st.floats(0, 0.02)),  # often the head, where headers live
    st.one_of(st.binary(min_size=1, max_size=16), st.sampled_from(TOKENS)),
)


def _mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    out = bytearray(data)
    for op, where, payload in mutations:
        at = min(int(where * len(out)), max(len(out) - 1, 0))
        if op == "flip" and out:
            out[at] ^= payload[0] or 0xFF
        elif op == "overwrite":  # keeps every offset after it, as binary formats need
            out[at : at + len(payload)] = payload
        elif op == "insert":
            out[at:at] = payload
        elif op == "delete":
            del out[at : at + len(payload) * 8]
        elif op == "truncate":
            del out[at:]
        elif op == "repeat":
            out[at:at] = out[at : at + 64 * len(payload)]
    return bytes(out)


@_fuzz(600)
@given(st.sampled_from(sorted(SEED_BYTES)), st.lists(mutation, min_size=1, max_size=4))
def test_fuzz_raw_bytes(seed: str, mutations: list[tuple[str, float, bytes]]) -> None:
    _check(_mutate(SEED_BYTES[seed], mutations), seed)


ZIP_SEEDS = sorted(n for n, d in SEED_BYTES.items() if d.startswith(b"PK"))


@_fuzz(500)
@given(st.sampled_from(ZIP_SEEDS), st.data(), st.lists(mutation, min_size=1, max_size=4))
def test_fuzz_workbook_parts(seed: str, data: st.DataObject, mutations: list[tuple[str, float, bytes]]) -> None:
    """Mutate one part inside the zip and zip it again, so that the mutation reaches calamine's XML parser."""
    archive = zipfile.ZipFile(io.BytesIO(SEED_BYTES[seed]))
    parts = {i.filename: archive.read(i) for i in archive.infolist()}
    part = data.draw(st.sampled_from(sorted(parts)))
    parts[part] = _mutate(parts[part], mutations)
    _check(h.zip_bytes(parts, level=1), seed)


text_cell = st.one_of(
    st.text(max_size=20),
    st.text(st.characters(codec="utf-8", max_codepoint=0x1F), max_size=5),
    st.sampled_from(["NaN", "nan", "inf", "-inf", "1e309", "-0", "=1/0", '=HYPERLINK("http://x")', "#REF!", " "]),
    st.sampled_from(["Name", "Stage", "Reach", "Conversions", "Relevance", "Assessor", "Touchpoint", ""]),
    st.integers(min_value=1, max_value=3).map(lambda n: "x" * (n * 20_000)),
)
cell = st.one_of(
    text_cell,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
)
grid = st.lists(st.lists(cell, max_size=8), min_size=1, max_size=8)


def _xlsx_cell(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # a number cell cannot hold NaN; the text does
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return float(value)
    if isinstance(value, str):
        return "".join(c for c in value if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))  # XML 1.0
    return value


def _as_csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


@_fuzz(200)
@given(grid, st.sampled_from(["csv", "xlsx", "ods"]))
def test_fuzz_cells(rows: list[list[object]], kind: str) -> None:
    """Valid files of hostile cells: huge numbers, NaN text, control characters, formulas, long strings."""
    if kind == "csv":
        data = _as_csv(rows)
    elif kind == "xlsx":
        data = h.xlsx([h.worksheet(h.cells_xml([[_xlsx_cell(v) for v in row] for row in rows]))])
    else:
        body = b"".join(
            h.ods_row(*(h.ods_cell(str(_xlsx_cell(v))) if v is not None else h.ods_empty_cells(1) for v in row))
            for row in rows
        )
        data = h.ods(body)
    _check(data, f"cells.{kind}")
