"""The scored workbook and the report in Russian, Portuguese and Persian: the sheets' names, headers and
direction in the workbook's language, numbers still numbers, the same audit on re-import, and LibreOffice
opening it. The expected words are read from the catalogs (audit/locale), so these tests follow the
translations; a test that a name differs from the English one fails while its catalog is untranslated."""

from __future__ import annotations

import gettext
import io
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE_INVENTORY, SAMPLE_SCORES
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from PIL import Image
from pptx import Presentation
from test_report import tool

from audit import i18n, report
from audit.i18n import _
from audit.importing import META_SHEET, read_import
from audit.inventory import read_inventory
from audit.meta import AuditMeta
from audit.metrics import AuditResult, audit_from_inventory, audit_stages, inventory_frame
from audit.scoring import combine, read_scores, score_field_for_header, scores_from_inventory
from audit.vocabulary import LANGUAGES, control_level, field_for_header, touchpoint_type
from audit.workbook import audit_workbook, sheet_name

CODES = ["ru", "pt", "fa"]
PSEUDO = "xx"  # a test language whose catalog wraps every message: ⟦Summary⟧
WEIGHTS = {"relevance": 2.0, "meaningfulness": 1.0, "attractiveness": 1.0}
# The English names of the sheets, in the workbook's order (the sample has no comparison).
ENGLISH_SHEETS = ["Summary", "Touchpoints", "Action plan", "Coverage", "Consistency", "Scores", "Method"]
COMPUTED = [
    "Relevance mean", "Relevance n", "Relevance sd", "Meaningfulness mean", "Meaningfulness n", "Meaningfulness sd",
    "Attractiveness mean", "Attractiveness n", "Attractiveness sd", "Composite", "Weak", "Why weak", "Priority",
    "Quadrant", "Discuss", "Perception gap", "Conversion rate",
]  # fmt: skip
# The Scores sheet's headers, with the field the importer must read each as (None: not read).
SCORE_HEADERS = [
    ("Touchpoint id", "touchpoint"), ("Touchpoint", None), ("Assessor", "assessor"), ("Relevance", "relevance"),
    ("Meaningfulness", "meaningfulness"), ("Attractiveness", "attractiveness"), ("Note", "note"),
]  # fmt: skip
INVENTORY_COLUMNS = ["id", "name", "stage", "channel", "type", "control", "owner", "importance", "reach",
                     "conversions", "customer_rating", "notes", "extra"]  # fmt: skip


@dataclass(frozen=True)
class Sample:
    result: AuditResult
    touchpoints: pd.DataFrame
    scores: pd.DataFrame
    meta: AuditMeta


class Pseudo(gettext.NullTranslations):
    """Every message wrapped, placeholders kept: what a fully translated catalog does to the layout."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


@pytest.fixture(scope="module")
def sample() -> Sample:
    inventory = read_inventory(SAMPLE_INVENTORY)
    scores = combine([scores_from_inventory(inventory), read_scores(SAMPLE_SCORES, inventory.touchpoints)]).frame
    result = audit_from_inventory(inventory, scores, WEIGHTS)
    meta = AuditMeta("Northwind", "Northwind Home", audit_stages(inventory), result.weights)
    return Sample(result, inventory_frame(inventory), scores, meta)


@pytest.fixture(scope="module")
def workbooks(sample: Sample) -> dict[str, bytes]:
    """The sample's workbook in each language, written from an English session."""
    return {code: _workbook(sample, code) for code in CODES}


@pytest.fixture
def pseudo() -> Iterator[str]:
    i18n.register(PSEUDO, Pseudo())
    yield PSEUDO
    i18n.register(PSEUDO, None)


def _workbook(sample: Sample, code: str) -> bytes:
    return audit_workbook(sample.result, sample.touchpoints, sample.scores, sample.meta, language=code)


def _open(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def in_language(code: str, *messages: str) -> list[str]:
    """The messages as the catalog of `code` has them."""
    with i18n.use(code):
        return [_(message) for message in messages]


def headers(book: Workbook, sheet: str, row: int = 1) -> list[object]:
    return [cell.value for cell in book[sheet][row]]


# --- the sheets' names, headers and direction ------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_the_sheets_are_named_from_the_catalog(code: str, workbooks: dict[str, bytes]) -> None:
    book = _open(workbooks[code])
    assert book.sheetnames == [*in_language(code, *ENGLISH_SHEETS), META_SHEET]
    assert book[META_SHEET].sheet_state == "hidden"


@pytest.mark.parametrize("code", CODES)
def test_the_sheet_names_are_translated(code: str, workbooks: dict[str, bytes]) -> None:
    """Fails until audit/locale/<code>/LC_MESSAGES/messages.po translates the sheets' names."""
    shown = _open(workbooks[code]).sheetnames[: len(ENGLISH_SHEETS)]
    untranslated = [name for name, english in zip(shown, ENGLISH_SHEETS, strict=True) if name == english]
    assert untranslated == [], f"{code}: sheets still named in English"


@pytest.mark.parametrize("code", CODES)
def test_the_headers_are_the_languages(code: str, workbooks: dict[str, bytes]) -> None:
    book = _open(workbooks[code])
    summary, touchpoints, plan, _coverage, consistency, scores, method = in_language(code, *ENGLISH_SHEETS)
    template = LANGUAGES[code].template
    assert template is not None
    # The inventory's columns are the blank template's (which read back), then the extra column, then results.
    assert headers(book, touchpoints) == [*template.headers, "Region", *in_language(code, *COMPUTED)]
    expected_scores = in_language(code, *(english for english, _key in SCORE_HEADERS))
    assert headers(book, scores) == expected_scores
    for header, (english, key) in zip(expected_scores, SCORE_HEADERS, strict=True):
        if key is not None:  # a translation must be a word the importer knows (audit/languages/<code>.toml)
            assert score_field_for_header(header) == key, f"{code}: {english!r} -> {header!r} does not read back"
    assert headers(book, plan)[-4:] == in_language(code, "Action", "Owner", "Due", "Status")
    assert headers(book, consistency)[:2] == in_language(code, "Stage", "Touchpoints")
    assert book[summary]["A1"].value == in_language(code, "Touchpoint audit: {name}")[0].format(name="Northwind")
    labels = [row[0] for row in book[method].iter_rows(values_only=True)]
    assert in_language(code, "Scale", "Weights", "Generated") == [labels[0], labels[4], labels[-1]]
    with i18n.use(code):
        assert labels[1:4] == [i18n.label(c) for c in ("relevance", "meaningfulness", "attractiveness")]


@pytest.mark.parametrize("code", CODES)
def test_only_a_right_to_left_language_sets_the_sheets_right_to_left(code: str, workbooks: dict[str, bytes]) -> None:
    book = _open(workbooks[code])
    directions = {sheet.title: bool(sheet.sheet_view.rightToLeft) for sheet in book}
    assert set(directions.values()) == {i18n.right_to_left(code)}
    assert i18n.right_to_left("fa") and not i18n.right_to_left("ru")


@pytest.mark.parametrize("code", CODES)
def test_numbers_stay_numbers(code: str, workbooks: dict[str, bytes], sample: Sample) -> None:
    book = _open(workbooks[code])
    summary, touchpoints, plan, _coverage, _consistency, scores, _method = in_language(code, *ENGLISH_SHEETS)
    facts = {row[0]: row[1] for row in book[summary].iter_rows(values_only=True) if row[0]}
    assert facts[in_language(code, "Touchpoints")[0]] == len(sample.result.touchpoints)
    assert facts[in_language(code, "Weak spots")[0]] == len(sample.result.weak_spots)
    names = headers(book, touchpoints)
    rows = {r[0]: dict(zip(names, r, strict=True)) for r in book[touchpoints].iter_rows(min_row=2, values_only=True)}
    call_centre = rows["SE-05"]
    composite, relevance_n, importance = in_language(code, "Composite", "Relevance n")[:2] + [names[7]]
    assert call_centre[composite] == pytest.approx(2.25)  # as in English (tests/test_workbook.py)
    assert call_centre[relevance_n] == 3 and isinstance(call_centre[importance], int | float)
    assert all(isinstance(r[3], int) for r in book[scores].iter_rows(min_row=2, values_only=True) if r[3] is not None)
    first = next(book[plan].iter_rows(min_row=2, values_only=True))
    assert first[0] == 1 and isinstance(first[5], float)


@pytest.mark.parametrize("code", CODES)
def test_types_and_control_levels_are_written_in_the_words_that_read_back(
    code: str, workbooks: dict[str, bytes], sample: Sample
) -> None:
    book = _open(workbooks[code])
    touchpoints = in_language(code, "Touchpoints")[0]
    template = LANGUAGES[code].template
    assert template is not None
    rows = list(book[touchpoints].iter_rows(min_row=2, values_only=True))
    assert {r[4] for r in rows if r[4]} <= set(template.types)
    assert {r[5] for r in rows if r[5]} <= set(template.controls)
    stored = sample.touchpoints.set_index("id")
    for row in rows:
        assert touchpoint_type(row[4]) == (stored.loc[row[0], "type"] if row[4] else None)
        if row[5]:
            assert control_level(row[5]) == stored.loc[row[0], "control"]


# --- the re-import ----------------------------------------------------------------------------------


def _assert_the_same_audit(data: bytes, sample: Sample) -> None:
    imported = read_import(("Northwind_audit.xlsx", data))
    meta, score_set = imported.meta, imported.scores
    assert meta is not None and (meta.name, meta.client, meta.weights) == ("Northwind", "Northwind Home", WEIGHTS)
    assert meta.stage_order == sample.meta.stage_order
    assert imported.inventory.problems == [] or all(p.severity != "error" for p in imported.inventory.problems)
    assert score_set.problems == []
    back = inventory_frame(imported.inventory)
    pd.testing.assert_frame_equal(back[INVENTORY_COLUMNS], sample.touchpoints[INVENTORY_COLUMNS], check_dtype=False)

    def key(frame: pd.DataFrame) -> set[tuple[object, ...]]:
        notes = frame["note"].where(frame["note"].notna(), None)
        return set(zip(frame["touchpoint_id"], frame["assessor"], frame["criterion"], frame["score"], notes,
                       strict=True))  # fmt: skip

    assert key(score_set.frame) == key(sample.scores)


@pytest.mark.parametrize("code", CODES)
def test_the_workbook_reimports_to_the_same_touchpoints_and_scores(
    code: str, workbooks: dict[str, bytes], sample: Sample
) -> None:
    _assert_the_same_audit(workbooks[code], sample)
    inventory = read_import(("again.xlsx", workbooks[code])).inventory
    template = LANGUAGES[code].template
    assert template is not None
    assert inventory.mapping["name"] == template.headers[1]  # read by the language's own header


def test_a_fully_translated_workbook_reimports(pseudo: str, sample: Sample) -> None:
    """Every sheet name and header translated (the pseudo-language, which has no catalog file): the importer
    finds the Touchpoints and Scores sheets by the names the hidden sheet records, not by their English names."""
    data = _workbook(sample, pseudo)
    book = _open(data)
    assert book.sheetnames[:2] == ["⟦Summary⟧", "⟦Touchpoints⟧"]
    hidden = {row[0]: row[1] for row in book[META_SHEET].iter_rows(values_only=True)}
    assert (hidden["touchpoints_sheet"], hidden["scores_sheet"], hidden["language"]) == (
        "⟦Touchpoints⟧",
        "⟦Scores⟧",
        pseudo,
    )
    assert headers(book, "⟦Scores⟧")[0] == "⟦Touchpoint id⟧"  # a translation the importer reads back
    assert [field_for_header(h) for h in headers(book, "⟦Touchpoints⟧")[:2]] == ["id", "name"]
    _assert_the_same_audit(data, sample)


def test_progress_speaks_the_callers_language(pseudo: str, sample: Sample) -> None:
    told: list[str] = []
    data = audit_workbook(sample.result, sample.touchpoints, sample.scores, sample.meta, language=pseudo,
                          progress=lambda done, text: told.append(text))  # fmt: skip
    assert told[0] == "Writing Summary..." and told[-1] == "Done"
    assert _open(data).sheetnames[0] == "⟦Summary⟧"
    assert i18n.current() == "en"  # the workbook's language ends with it


def test_a_sheet_name_is_one_excel_accepts() -> None:
    name = sheet_name("Points: [contact] / touchpoints? * many\\ more words than fit")
    assert len(name) <= 31 and not set("[]:*?/\\") & set(name)
    assert sheet_name("Summary") == "Summary"


# --- LibreOffice ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_libreoffice_reads_the_workbook(code: str, workbooks: dict[str, bytes], tmp_path: Path) -> None:
    soffice = tool("soffice", "libreoffice-calc-nogui")
    workbook = tmp_path / f"audit_{code}.xlsx"
    workbook.write_bytes(workbooks[code])
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    run = subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                          str(workbook)], capture_output=True, text=True, timeout=180, check=False)  # fmt: skip
    pdf = tmp_path / f"audit_{code}.pdf"
    assert run.returncode == 0 and pdf.exists(), run.stderr
    info = subprocess.run([tool("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
    assert pages >= 7  # one page or more for every visible sheet
    text = subprocess.run([tool("pdftotext", "poppler-utils"), "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Northwind" in text and "Delivery slot booking" in text


# --- the report -------------------------------------------------------------------------------------


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts as a blank PNG: these tests read the slides' words, not the pictures."""
    image = io.BytesIO()
    Image.new("RGB", (980, 360), "white").save(image, "PNG")
    monkeypatch.setattr(report, "chart_png", lambda chart: image.getvalue())


@pytest.mark.parametrize("code", CODES)
def test_the_report_is_in_its_language(code: str, sample: Sample, quick_charts: None) -> None:
    deck = report.report_file(sample.result, sample.meta, "pptx", language=code)
    slides = list(Presentation(io.BytesIO(deck)).slides)
    titles = [slide.shapes.title.text for slide in slides]
    assert titles[:3] == ["Northwind", *in_language(code, "Headline figures", "Findings")]
    assert titles[-1].startswith(in_language(code, "Method")[0])  # the method, or its continuation
    paragraphs = [p._p for slide in slides for shape in slide.shapes if shape.has_text_frame
                  for p in shape.text_frame.paragraphs if p.text]  # fmt: skip
    right_to_left = {p.pPr is not None and p.pPr.get("rtl") == "1" for p in paragraphs}
    assert right_to_left == {i18n.right_to_left(code)}
    assert i18n.current() == "en"
