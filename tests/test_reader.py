"""The reader: encodings, delimiters, and hostile files refused in bounded time and memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import INVENTORIES, SAMPLE_INVENTORY
from hostile_files import bounded
from openpyxl import Workbook

from audit.inventory import read_inventory, read_inventory_bytes
from audit.problems import FileTooLarge, NotASpreadsheet, ReadError, SheetNotFound, UnsafeWorkbook
from audit.reader import DEFAULT_LIMITS, Limits, column_number, decode_text, detect_delimiter, inspect_zip, open_source


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Название;Этап\n".encode(), "Название;Этап\n", "UTF-8"),
        ("\ufeffNome,Etapa\n".encode(), "Nome,Etapa\n", "UTF-8"),
        ("Название;Этап\nСайт;Покупка\n".encode("cp1251"), "Название;Этап\nСайт;Покупка\n", "cp1251"),
        ("Atenção;Observações\n".encode("cp1252"), "Atenção;Observações\n", "cp1252"),
        ("Café,Crème brûlée\n".encode("latin-1"), "Café,Crème brûlée\n", "cp1252"),
        ("name\tstage\n".encode("utf-16"), "name\tstage\n", "UTF-16"),
    ],
)
def test_decode_text(data: bytes, text: str, encoding: str) -> None:
    assert decode_text(data) == (text, encoding)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n4;5,5;6\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ('name,notes\n"Shop","open; closed; open"\n', ","),
    ],
)
def test_detect_delimiter(text: str, delimiter: str) -> None:
    assert detect_delimiter(text) == delimiter


@pytest.mark.parametrize(("letters", "number"), [("A", 1), ("Z", 26), ("AA", 27), ("GR", 200), ("XFD", 16384)])
def test_column_number(letters: str, number: int) -> None:
    assert column_number(letters) == number


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


XLSX_SKELETON = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
}


def test_zip_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = _zip(XLSX_SKELETON | {"xl/worksheets/sheet1.xml": b"<sheetData>" + b" " * 150_000_000})
    assert len(bomb) < 1_000_000
    with pytest.raises(UnsafeWorkbook, match="compressed .* to 1, the mark of a zip bomb"):
        bounded(lambda: read_inventory_bytes(bomb, "bomb.xlsx"), seconds=2, megabytes=50)


def test_workbook_unpacking_beyond_the_limit_is_refused() -> None:
    big = _zip(XLSX_SKELETON | {"xl/sharedStrings.xml": bytes(range(256)) * 40_000})
    with pytest.raises(UnsafeWorkbook, match="would unpack to 10 MB"):
        read_inventory_bytes(big, "big.xlsx", limits=Limits(max_uncompressed_bytes=5 * 1024 * 1024))


def test_xml_entities_are_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<sst><si><t>&lol2;</t></si></sst>"
    )
    book = io.BytesIO()
    Workbook().save(book)
    with zipfile.ZipFile(io.BytesIO(book.getvalue())) as original:
        entries = {i.filename: original.read(i) for i in original.infolist()}
    entries["xl/sharedStrings.xml"] = laughs
    with pytest.raises(UnsafeWorkbook, match="declares XML entities"):
        read_inventory_bytes(_zip(entries), "laughs.xlsx")


def test_a_cell_far_away_is_refused_instead_of_killing_the_process(tmp_path: Path) -> None:
    # calamine would try to allocate 512 GB for this sheet and abort the whole process.
    book = Workbook()
    book.active["A1"] = "Name"
    book.active["XFD1048576"] = "far away"
    path = tmp_path / "far.xlsx"
    book.save(path)
    with pytest.raises(UnsafeWorkbook, match="row 1,048,576, column 16,384"):
        bounded(lambda: read_inventory(path), seconds=5, megabytes=100)


def test_styled_empty_cells_far_away_are_harmless(tmp_path: Path) -> None:
    from openpyxl.styles import Font

    book = Workbook()
    book.active.append(["Name", "Stage"])
    book.active.append(["Website", "Awareness"])
    book.active["XFD1048576"].font = Font(bold=True)  # written <c .../> or, with lxml installed, <c ...></c>
    path = tmp_path / "styled.xlsx"
    book.save(path)
    assert len(read_inventory(path).touchpoints) == 1


def test_a_value_far_away_is_refused_naming_its_row_and_column(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Name", "Stage"])
    book.active.append(["Website", "Awareness"])
    book.active["C1048576"] = 1
    path = tmp_path / "far.xlsx"
    book.save(path)
    with pytest.raises(UnsafeWorkbook, match="a cell sits at row 1,048,576, column 3;"):
        read_inventory(path)


def test_ods_with_a_value_repeated_across_the_sheet_is_refused() -> None:
    content = (
        b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
        b'<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">'
        b'<table:table-cell table:number-columns-repeated="16000" office:value-type="string"/>'
        b"</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    ods = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content})
    with pytest.raises(UnsafeWorkbook, match="a value sits at row 1,000,000, column 16,000 once repeated rows"):
        read_inventory_bytes(ods, "repeat.ods")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"name\n" + b"x" * (21 * 1024 * 1024))
    with pytest.raises(FileTooLarge, match=r"big.csv is 21.0 MB; the limit is 20 MB"):
        bounded(lambda: read_inventory(path), seconds=2, megabytes=50)


def test_configured_size_limit() -> None:
    with pytest.raises(FileTooLarge, match="the limit is 0 MB"):
        read_inventory(SAMPLE_INVENTORY, limits=Limits(max_bytes=1000))


def test_more_rows_than_the_row_limit(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("name\n" + "".join(f"tp{i}\n" for i in range(11)), encoding="utf-8")
    with pytest.raises(FileTooLarge, match="more than 10 touchpoints"):
        read_inventory(path, limits=Limits(max_rows=10))
    assert len(read_inventory(path, limits=Limits(max_rows=11)).touchpoints) == 11


def test_more_rows_than_the_row_limit_in_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["Name"])
    for i in range(30):
        book.active.append([f"tp{i}"])
    path = tmp_path / "rows.xlsx"
    book.save(path)
    with pytest.raises(FileTooLarge, match="more than 20 touchpoints"):
        read_inventory(path, limits=Limits(max_rows=20))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "is not a spreadsheet"),
        ("report.pdf", b"%PDF-1.7\n", "files with .pdf are not read"),
        ("noextension", b"name\nWebsite\n", "files with no extension are not read"),
        ("letter.xlsx", _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}), "a Word document"),
        ("archive.xlsx", _zip({"readme.txt": b"hello"}), "a zip archive, not a spreadsheet"),
        ("broken.xlsx", b"PK\x03\x04" + bytes(100), "damaged zip archive"),
        ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "damaged Office file"),
    ],
)
def test_not_a_spreadsheet(name: str, data: bytes, message: str) -> None:
    with pytest.raises(NotASpreadsheet, match=message):
        read_inventory_bytes(data, name)


def test_truncated_workbook_is_a_clear_error() -> None:
    data = SAMPLE_INVENTORY.read_bytes()
    with pytest.raises(NotASpreadsheet):
        read_inventory_bytes(data[: len(data) // 2], "cut.xlsx")


def test_unknown_sheet_names_the_sheets() -> None:
    with pytest.raises(SheetNotFound, match="No sheet called 'Nope'; the workbook has 'Cover', 'Inventory'"):
        read_inventory(SAMPLE_INVENTORY, sheet="Nope")


def test_hidden_sheets_are_passed_over_but_can_be_asked_for() -> None:
    source = open_source(INVENTORIES / "multi_sheet_pt.xlsx")
    assert source.hidden == {"Antigo"}
    assert [t.name for t in read_inventory(INVENTORIES / "multi_sheet_pt.xlsx", sheet="Antigo").touchpoints] == [
        "Folheto"
    ]


def test_every_read_error_is_a_read_error() -> None:
    for error in (FileTooLarge, NotASpreadsheet, UnsafeWorkbook, SheetNotFound):
        assert issubclass(error, ReadError)


@pytest.mark.parametrize(
    ("cells", "refused"),
    [
        (b'<c r="A1"><v>1</v></c><c r="O100000"><v>2</v></c>', False),  # six digits, within the limit
        (b'<c r="A1"><v>1</v></c><c r="C101001"><v>2</v></c>', True),  # one row past it
        (b'<c r="A1" t="inlineStr"><is><t>TP000123 A1048576</t></is></c><c r="B101001"><v>2</v></c>', True),
        (b'<c r="A1" t="inlineStr"><is><t>A1048576</t></is></c>', False),  # text that looks like a reference
        (b'<c r="A1"><v>1</v></c><c r="XFD5"><v>2</v></c>', True),  # three letters
    ],
)
def test_the_quick_look_at_references_agrees_with_the_exact_scan(cells: bytes, refused: bool) -> None:
    sheet = b'<worksheet><sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>"
    data = _zip(XLSX_SKELETON | {"xl/worksheets/sheet1.xml": sheet})
    if refused:
        with pytest.raises(UnsafeWorkbook, match="a cell sits at row"):
            inspect_zip(data, "quick.xlsx", DEFAULT_LIMITS)
    else:
        inspect_zip(data, "quick.xlsx", DEFAULT_LIMITS)  # passes the pre-scan
