"""Hostile files, built in memory, and a way to read them in bounded time and memory.

Each builder returns the bytes of one kind of file that a careless reader would crash on,
hang on or let through: zip tricks, workbook XML that makes calamine allocate without
end, old .xls records that lie, text that is not quite text. Nothing large is committed;
everything is built when a test asks for it, and cached for the session.

`bounded(action)` runs the action in a forked child with a cap on its address space and a
deadline, so that a reader that aborts the process, allocates half a terabyte or loops
fails one test instead of taking pytest down with it.
"""

from __future__ import annotations

import faulthandler
import io
import os
import pickle
import resource
import select
import signal
import struct
import tempfile
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TypeVar
from xml.sax.saxutils import escape

T = TypeVar("T")
MB = 1024 * 1024

# --- running a reader in bounded time and memory ------------------------------------------------


class Unbounded(AssertionError):
    """The action crashed the process, ran past its deadline or needed more memory than allowed."""


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def bounded(action: Callable[[], T], *, seconds: float = 5.0, megabytes: int = 500) -> T:
    """Run `action` in a forked child; return its result or raise its exception here.

    The child may grow its address space by `megabytes` at most (RLIMIT_AS, which counts
    what Rust code allocates too, unlike tracemalloc) and must answer within `seconds`.
    """
    read_end, write_end = os.pipe()
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - the child writes into it; closed below
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        code = 0
        try:
            os.dup2(errors.fileno(), 2)  # what a crash prints goes into the failure message
            faulthandler.disable()
            limit = _address_space() + megabytes * MB
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
            try:
                answer: tuple[str, object] = ("result", action())
            except MemoryError:
                answer = ("unbounded", f"needed more than {megabytes} MB (MemoryError)")
            except BaseException as error:  # noqa: BLE001 - every exception goes back to the parent
                answer = ("raised", error)
            try:
                payload = pickle.dumps(answer)
            except Exception:  # an unpicklable result or exception: send what it says
                payload = pickle.dumps(("raised", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # noqa: BLE001
            code = 70
        finally:
            os._exit(code)
    os.close(write_end)
    start = time.perf_counter()
    chunks: list[bytes] = []
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            left = seconds - (time.perf_counter() - start)
            ready, _, _ = select.select([pipe], [], [], max(left, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                errors.close()
                raise Unbounded(f"still running after {seconds} s")
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    errors.seek(0)
    printed = errors.read().decode(errors="replace").strip()[:300]
    errors.close()
    if os.WIFSIGNALED(status):
        raise Unbounded(f"the process died of signal {os.WTERMSIG(status)}: {printed or 'no message'}")
    if not chunks:
        raise Unbounded(f"the process exited with code {os.WEXITSTATUS(status)} and no answer")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "unbounded":
        raise Unbounded(str(value))
    if kind == "raised":
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[no-any-return]


# --- zip archives --------------------------------------------------------------------------------


def zip_bytes(entries: dict[str, bytes] | Iterable[tuple[str, bytes]], *, level: int = 9) -> bytes:
    """A deflated zip of the entries, in order; a list of pairs may repeat a name."""
    pairs = entries.items() if isinstance(entries, dict) else entries
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        warnings.simplefilter("ignore")  # a repeated name is the point of some files here
        for name, content in pairs:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def lie_about_size(data: bytes, part: str, declared: int, *, crc_of_prefix: bool) -> bytes:
    """Rewrite `part`'s local and central headers to declare `declared` bytes unpacked.

    With `crc_of_prefix` the CRC matches the first `declared` bytes, so a reader that stops
    at the declared size finds nothing wrong while one that inflates the stream reads on.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(part)
    content = archive.read(part)
    crc = zlib.crc32(content[:declared]) if crc_of_prefix else info.CRC
    out = bytearray(data)
    local = info.header_offset
    assert out[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", out, local + 14, crc)
    struct.pack_into("<I", out, local + 22, declared)
    central = out.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", out, central + 28)[0]
        if bytes(out[central + 46 : central + 46 + name_length]) == part.encode():
            struct.pack_into("<I", out, central + 16, crc)
            struct.pack_into("<I", out, central + 24, declared)
            return bytes(out)
        central = out.find(b"PK\x01\x02", central + 4)
    raise AssertionError(f"no central header for {part}")


def set_flag_bits(data: bytes, part: str, *, flags: int = 0, method: int | None = None) -> bytes:
    """Set general-purpose flag bits (1: encrypted) or the compression method of one part."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    out = bytearray(data)
    headers = [(info.header_offset, 6)]
    start = 0
    while (start := out.find(b"PK\x01\x02", start)) >= 0:
        name_length = struct.unpack_from("<H", out, start + 28)[0]
        if bytes(out[start + 46 : start + 46 + name_length]) == part.encode():
            headers.append((start, 8))
        start += 4
    for offset, field in headers:
        old = struct.unpack_from("<H", out, offset + field)[0]
        struct.pack_into("<H", out, offset + field, old | flags)
        if method is not None:
            struct.pack_into("<H", out, offset + field + 2, method)
    return bytes(out)


# --- xlsx workbooks ------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = f"{_REL}/worksheet"


def cell_ref(row: int, column: int) -> str:
    """'A1' for (1, 1)."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def cells_xml(rows: Sequence[Sequence[object]], *, first_row: int = 1) -> bytes:
    """`<row>` elements for the values: inline strings and numbers, None left out."""
    parts: list[str] = []
    for r, values in enumerate(rows, start=first_row):
        parts.append(f'<row r="{r}">')
        for c, value in enumerate(values, start=1):
            ref = cell_ref(r, c)
            if value is None:
                continue
            if isinstance(value, bool | int | float):
                parts.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        parts.append("</row>")
    return "".join(parts).encode()


def worksheet(sheet_data: bytes, *, before: bytes = b"", after: bytes = b"") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'.encode()
        + before
        + b"<sheetData>"
        + sheet_data
        + b"</sheetData>"
        + after
        + b"</worksheet>"
    )


INVENTORY_ROWS: list[list[object]] = [["Name", "Stage"], ["Website", "Awareness"], ["Shop", "Purchase"]]


def xlsx(
    sheets: Sequence[bytes] | None = None,
    *,
    names: Sequence[str] | None = None,
    targets: Sequence[str] | None = None,
    shared_strings: bytes | None = None,
    extra: dict[str, bytes] | None = None,
    extra_relationships: str = "",
    entries_after: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """A workbook with the given worksheet parts (the small inventory when none are given)."""
    sheets = list(sheets) if sheets is not None else [worksheet(cells_xml(INVENTORY_ROWS))]
    names = list(names) if names is not None else [f"Sheet{i}" for i in range(1, len(sheets) + 1)]
    targets = list(targets) if targets is not None else [f"worksheets/sheet{i}.xml" for i in range(1, len(sheets) + 1)]
    sheet_list = "".join(
        f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1)
    )
    relationships = "".join(
        f'<Relationship Id="rId{i}" Type="{_SHEET_TYPE}" Target="{t}"/>' for i, t in enumerate(targets, start=1)
    )
    if shared_strings is not None:
        relationships += f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    entries: list[tuple[str, bytes]] = [
        (
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="xml" ContentType="application/xml"/></Types>',
        ),
        (
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'.encode(),
        ),
        (
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheet_list}</sheets>'
            "</workbook>".encode(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{_PKG_REL}">{relationships}{extra_relationships}'
            "</Relationships>".encode(),
        ),
    ]
    written = set()
    for target, content in zip(targets, sheets, strict=False):
        if target not in written:
            entries.append((f"xl/{target}", content))
            written.add(target)
    if shared_strings is not None:
        entries.append(("xl/sharedStrings.xml", shared_strings))
    entries += list((extra or {}).items()) + list(entries_after)
    return zip_bytes(entries, level=6)


def shared_strings_xml(strings: Iterable[str], *, unique_count: int | None = None) -> bytes:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    count = "" if unique_count is None else f' uniqueCount="{unique_count}"'
    return f'<?xml version="1.0"?><sst xmlns="{_MAIN}"{count}>{items}</sst>'.encode()


def shared_cells_xml(rows: Sequence[Sequence[int]]) -> bytes:
    """Rows of cells that point into the shared-strings table by index."""
    parts = []
    for r, indexes in enumerate(rows, start=1):
        cells = "".join(f'<c r="{cell_ref(r, c)}" t="s"><v>{i}</v></c>' for c, i in enumerate(indexes, start=1))
        parts.append(f'<row r="{r}">{cells}</row>')
    return "".join(parts).encode()


# --- ods spreadsheets ------------------------------------------------------------------------------


def ods(table_body: bytes) -> bytes:
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        b' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b'<office:body><office:spreadsheet><table:table table:name="Inventory">'
        + table_body
        + b"</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        b' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        b'<manifest:file-entry manifest:full-path="/"'
        b' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        b"</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ods_cell(text: str) -> bytes:
    return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'.encode()


def ods_row(*cells: bytes, repeated: int | None = None) -> bytes:
    attribute = b"" if repeated is None else f' table:number-rows-repeated="{repeated}"'.encode()
    return b"<table:table-row" + attribute + b">" + b"".join(cells) + b"</table:table-row>"


def ods_empty_cells(repeated: int) -> bytes:
    return f'<table:table-cell table:number-columns-repeated="{repeated}"/>'.encode()


# --- OLE compound files and BIFF8 (.xls) --------------------------------------------------------

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version 3 OLE compound file holding the streams (each padded to 4,096 bytes or more).

    Streams of 4,096 bytes or more live in ordinary sectors, so no mini stream is needed.
    """
    streams = {n: s + bytes(max(0, 4096 - len(s))) for n, s in streams.items()}
    body = bytearray()
    fat: list[int] = []
    starts: dict[str, int] = {}
    for name, content in streams.items():
        count = -(-len(content) // 512)
        starts[name] = len(fat)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [_END]
        body += content + bytes(count * 512 - len(content))
    entries = [_directory_entry("Root Entry", 5, child=1 if streams else _FREE, start=_END, size=0)]
    names = list(streams)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else _FREE
        entries.append(_directory_entry(name, 2, right=right, start=starts[name], size=len(streams[name])))
    while len(entries) % 4:
        entries.append(bytes(64) + struct.pack("<HBB3I", 0, 0, 0, _FREE, _FREE, _FREE) + bytes(48))
    directory = b"".join(entries)
    directory_start = len(fat)
    directory_sectors = len(directory) // 512
    fat += [directory_start + i + 1 for i in range(directory_sectors - 1)] + [_END]
    body += directory
    fat_sectors = 1
    while fat_sectors * 128 < len(fat) + fat_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "a compound file this large needs DIFAT sectors; not written here"
    fat_start = len(fat)
    fat += [_FAT] * fat_sectors
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    difat = [fat_start + i for i in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, fat_sectors, directory_start, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == 512
    return header + bytes(body) + struct.pack(f"<{len(fat)}I", *fat)


def _directory_entry(name: str, kind: int, *, child: int = _FREE, right: int = _FREE, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB3I", len(encoded), kind, 1, _FREE, right, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", start, size)
    )


def biff_record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff_label(row: int, column: int, text: str) -> bytes:
    encoded = text.encode("latin-1")
    return biff_record(0x0204, struct.pack("<HHHHB", row, column, 15, len(encoded), 0) + encoded)


def biff_number(row: int, column: int, value: float) -> bytes:
    return biff_record(0x0203, struct.pack("<HHHd", row, column, 15, value))


def biff_dimensions(rows: int, columns: int) -> bytes:
    """DIMENSIONS: first row, last row + 1, first column, last column + 1 (BIFF8, 14 bytes)."""
    return biff_record(0x0200, struct.pack("<IIHHH", 0, rows, 0, columns, 0))


def xls(
    sheet_records: bytes, *, dimensions: bytes | None = None, globals_extra: bytes = b"", sheet_offset: int = 0
) -> bytes:
    """A one-sheet BIFF8 workbook ("Inventory") around the sheet's cell records.

    `sheet_offset` moves where the sheet list says the sheet starts, to make it lie.
    """
    bof_globals = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    bof_sheet = biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
    name = b"Inventory"
    sheet_entry_length = 4 + 4 + 2 + 2 + len(name)
    globals_length = len(bof_globals) + len(globals_extra) + sheet_entry_length + 4
    position = globals_length + sheet_offset
    boundsheet = biff_record(0x0085, struct.pack("<IBBBB", position, 0, 0, len(name), 0) + name)
    stream = bof_globals + globals_extra + boundsheet + biff_record(0x000A)
    assert len(stream) == globals_length
    stream += bof_sheet + (dimensions or b"") + sheet_records + biff_record(0x000A)
    return compound_file({"Workbook": stream})


def xls_rows(rows: Iterable[Sequence[object]]) -> bytes:
    """Cell records for rows of text and numbers (row 0 first)."""
    records = []
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, int | float):
                records.append(biff_number(r, c, float(value)))
            elif value is not None:
                records.append(biff_label(r, c, str(value)))
    return b"".join(records)


# --- the corpus: one builder per kind (cached: some take a second to build) ----------------------


def inventory_csv(rows: Sequence[Sequence[object]]) -> bytes:
    return "".join(",".join("" if v is None else str(v) for v in row) + "\r\n" for row in rows).encode()


@cache
def far_cell_by_row_number() -> bytes:
    """Cells without r attributes in a row numbered 1,048,576: calamine places them by the row."""
    far = b'<row r="1048576"><c t="inlineStr"><is><t>far</t></is></c><c/><c/></row>'
    return xlsx([worksheet(cells_xml(INVENTORY_ROWS) + far)])


@cache
def far_cell_in_single_quotes() -> bytes:
    far = b"<row r = '1048576'><c r = 'XFD1048576' t = 'inlineStr'><is><t>far</t></is></c></row>"
    return xlsx([worksheet(cells_xml(INVENTORY_ROWS) + far)])


@cache
def far_cell_in_an_odd_part() -> bytes:
    """The sheet's relationship points at a part that is not under xl/worksheets/ nor named .xml."""
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'
    return xlsx([worksheet(cells_xml(INVENTORY_ROWS) + far)], targets=["media/image1.png"])


@cache
def row_of_16384_columns() -> bytes:
    row = [f"v{i}" for i in range(16_384)]
    return xlsx([worksheet(cells_xml([["Name", "Stage"], row]))])


@cache
def ten_thousand_sheets() -> bytes:
    """10,000 sheets that all point at one small part: few zip entries, many sheets."""
    count = 10_000
    return xlsx(
        [worksheet(cells_xml([["Total", 1], [2, 3]]))] * count,
        names=[f"S{i}" for i in range(count)],
        targets=["worksheets/sheet1.xml"] * count,
    )


@cache
def many_sheets_one_busy_part() -> bytes:
    """300 sheets sharing one part of 50,000 numbers: each sheet is cheap, reading them all is not."""
    rows = [[float(r * 50 + c) for c in range(50)] for r in range(1000)]
    return xlsx(
        [worksheet(cells_xml(rows))] * 300,
        names=[f"S{i}" for i in range(300)],
        targets=["worksheets/sheet1.xml"] * 300,
    )


@cache
def ten_megabyte_cell() -> bytes:
    text = os.urandom(5 * MB).hex()  # random, so that it does not look like a zip bomb
    return xlsx([worksheet(cells_xml([["Name", "Stage"], [text, "Awareness"], ["Shop", "Purchase"]]))])


@cache
def million_shared_strings() -> bytes:
    strings = ["Name", "Stage", "Website", "Awareness"] + [f"s{i}" for i in range(1_000_000)]
    return xlsx([worksheet(shared_cells_xml([[0, 1], [2, 3]]))], shared_strings=shared_strings_xml(strings))


@cache
def shared_strings_claiming_billions() -> bytes:
    """uniqueCount="4000000000": calamine reserves room for that many strings up front."""
    strings = ["Name", "Stage", "Website", "Awareness"]
    sst = shared_strings_xml(strings, unique_count=4_000_000_000)
    return xlsx([worksheet(shared_cells_xml([[0, 1], [2, 3]]))], shared_strings=sst)


@cache
def shared_string_index_past_the_table() -> bytes:
    strings = ["Name", "Stage", "Website", "Awareness"]
    return xlsx(
        [worksheet(shared_cells_xml([[0, 1], [2, 3], [99, 4_000_000_000]]))], shared_strings=shared_strings_xml(strings)
    )


@cache
def encrypted_ooxml() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE file with the package encrypted."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version='1.0'?><encryption/>"
    package = struct.pack("<Q", 6000) + os.urandom(6000)
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})


@cache
def macro_workbook() -> bytes:
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b'Attribute VB_Name = "Module1"\nSub Auto_Open()\nShell "calc"\nEnd Sub'
    return xlsx(
        extra={"xl/vbaProject.bin": vba},
        extra_relationships=(
            '<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            'Target="vbaProject.bin"/>'
        ),
    )


@cache
def external_links_workbook() -> bytes:
    link = (
        f'<?xml version="1.0"?><externalLink xmlns="{_MAIN}" xmlns:r="{_REL}"><externalBook r:id="rId1">'
        '<sheetNames><sheetName val="Secret"/></sheetNames></externalBook></externalLink>'
    ).encode()
    link_rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/externalLinkPath" Target="file:///C:/secret/budget.xlsx" TargetMode="External"/>'
        "</Relationships>"
    ).encode()
    sheet = worksheet(
        cells_xml(INVENTORY_ROWS[:2]) + b'<row r="3"><c r="A3" t="str"><f>[1]Secret!A1</f><v>Shop</v></c>'
        b'<c r="B3" t="inlineStr"><is><t>Purchase</t></is></c></row>'
    )
    return xlsx(
        [sheet],
        extra={"xl/externalLinks/externalLink1.xml": link, "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels},
        extra_relationships=(
            f'<Relationship Id="rIdX" Type="{_REL}/externalLink" Target="externalLinks/externalLink1.xml"/>'
        ),
    )


@cache
def formulas_without_values() -> bytes:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="str"><f>"tp"&amp;ROW()</f></c><c r="B{r}"><f>ROW()*2</f></c></row>'
        for r in range(1, 6)
    )
    return xlsx([worksheet(rows.encode())])


@cache
def deeply_nested_xml() -> bytes:
    """200,000 elements, each inside the last, with random names so that the part does not look like a bomb."""
    names = [f"x{os.urandom(3).hex()}".encode() for _ in range(200_000)]
    nested = b"".join(b"<" + n + b">" for n in names) + b"".join(b"</" + n + b">" for n in reversed(names))
    return xlsx([worksheet(cells_xml(INVENTORY_ROWS), after=b"<extLst>" + nested + b"</extLst>")])


@cache
def regex_trap() -> bytes:
    """Half a million '<c r="A1" ' never closed, then one wide cell: a scan that backtracks takes hours."""
    trap = b"".join(b'<c r="A1" ' + os.urandom(2).hex().encode() for _ in range(500_000))
    return xlsx([worksheet(cells_xml(INVENTORY_ROWS), after=b"<extLst><x>" + trap + b'<c r="AB1"></x></extLst>')])


@cache
def merged_ranges(refs: tuple[str, ...]) -> bytes:
    merges = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
    after = f'<mergeCells count="{len(refs)}">{merges}</mergeCells>'.encode()
    return xlsx([worksheet(cells_xml(INVENTORY_ROWS), after=after)])


@cache
def ods_empty_columns_then_value() -> bytes:
    return ods(
        ods_row(ods_cell("Name"), ods_cell("Stage"))
        + ods_row(ods_cell("Website"), ods_empty_cells(16_000), ods_cell("far"))
    )


@cache
def ods_empty_rows_then_value() -> bytes:
    return ods(
        ods_row(ods_cell("Name"), ods_cell("Stage"))
        + ods_row(ods_empty_cells(2), repeated=1_000_000)
        + ods_row(ods_cell("Website"), ods_empty_cells(16_000), ods_cell("far"))
    )


@cache
def xls_inventory_rows(count: int) -> bytes:
    rows: list[list[object]] = [["Name", "Stage", "Reach"]] + [[f"tp{i}", "Awareness", i] for i in range(1, count)]
    return xls(xls_rows(rows), dimensions=biff_dimensions(count, 3))


@cache
def xls_corners(columns: int) -> bytes:
    """Values at the corners of 65,536 rows by `columns`: calamine allocates the whole rectangle."""
    records = biff_label(0, 0, "Name") + biff_label(1, 0, "Website") + biff_label(65_535, columns - 1, "corner")
    return xls(records)


@cache
def xls_lying_dimensions() -> bytes:
    """DIMENSIONS claiming 4 billion rows by 65,535 columns over a two-row sheet."""
    return xls(xls_rows(INVENTORY_ROWS), dimensions=biff_dimensions(4_000_000_000, 65_535))


@cache
def xls_column_beyond_256() -> bytes:
    return xls(xls_rows(INVENTORY_ROWS) + biff_label(60_000, 65_000, "far"))


@cache
def xls_password() -> bytes:
    filepass = biff_record(0x002F, struct.pack("<HHH", 1, 1, 1) + os.urandom(48))
    return xls(xls_rows(INVENTORY_ROWS), globals_extra=filepass)


@cache
def ole_with_a_looping_directory() -> bytes:
    """The directory's sector points to itself: calamine follows it until memory runs out."""
    data = bytearray(xls(xls_rows(INVENTORY_ROWS)))
    directory_start = struct.unpack_from("<I", data, 48)[0]
    fat_offset = (struct.unpack_from("<I", data, 76)[0] + 1) * 512
    struct.pack_into("<I", data, fat_offset + 4 * directory_start, directory_start)
    return bytes(data)


@cache
def ole_without_a_workbook() -> bytes:
    return compound_file({"WordDocument": b"\xec\xa5" + bytes(5000)})


@cache
def xls_sheet_outside_the_stream() -> bytes:
    return xls(xls_rows(INVENTORY_ROWS), sheet_offset=1_000_000)


@cache
def too_many_parts() -> bytes:
    return xlsx(extra={f"xl/media/note{i}.txt": b"x" for i in range(5_001)})


@cache
def libreoffice_style_ods() -> bytes:
    """What LibreOffice writes: trailing empty cells and rows repeated to the sheet's edge."""
    return ods(
        ods_row(ods_cell("Name"), ods_cell("Stage"), ods_empty_cells(1022))
        + ods_row(ods_cell("Website"), ods_cell("Awareness"), ods_empty_cells(1022))
        + ods_row(ods_empty_cells(1024), repeated=1_048_573)
    )


@cache
def declared_dimension_of_the_whole_sheet() -> bytes:
    return xlsx([worksheet(cells_xml(INVENTORY_ROWS), before=b'<dimension ref="A1:XFD1048576"/>')])
