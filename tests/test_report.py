"""The report for the meeting: the deck's slides read back with python-pptx, the PDF read with poppler,
the command line's `report -o x.pptx|x.pdf`, and the Export page's two buttons."""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from conftest import SAMPLE_INVENTORY, SAMPLE_SCORES, app
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from audit import charts, report
from audit.cli import main
from audit.inventory import read_inventory
from audit.meta import AuditMeta
from audit.metrics import (
    TOUCHPOINT_COLUMNS,
    WEAK_COMPOSITE,
    WEAK_CRITERION,
    AuditResult,
    Finding,
    audit_from_inventory,
    audit_stages,
    compute_audit,
)
from audit.report import (
    ACTION_PLAN_ROWS,
    BULLETS_PER_SLIDE,
    CHART_TITLES,
    MAX_FINDINGS,
    NEEDS_LIBREOFFICE,
    NOT_SCORED_YET,
    ROWS_PER_SLIDE,
    TOP_WEAK_SPOTS,
    ReportError,
    audit_report,
    chart_spec,
    pdf_pages,
    report_pdf,
    slide_count,
)
from audit.scoring import RELIABLE, TENTATIVE, combine, empty_scores, read_scores, scores_from_inventory
from audit.workshop import RUBRIC

ON = date(2026, 5, 4)
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Audit:
    result: AuditResult
    meta: AuditMeta
    deck: bytes

    @property
    def slides(self) -> list:  # type: ignore[type-arg]
        return list(Presentation(io.BytesIO(self.deck)).slides)


def _audit(scores: pd.DataFrame, client: str | None = "Northwind Home") -> Audit:
    inventory = read_inventory(SAMPLE_INVENTORY)
    result = audit_from_inventory(inventory, scores)
    meta = AuditMeta("Northwind", client, audit_stages(inventory), result.weights)
    return Audit(result, meta, audit_report(result, meta, on=ON))


@pytest.fixture(scope="module")
def sample_scores() -> pd.DataFrame:
    inventory = read_inventory(SAMPLE_INVENTORY)
    return combine([scores_from_inventory(inventory), read_scores(SAMPLE_SCORES, inventory.touchpoints)]).frame


@pytest.fixture(scope="module")
def sample(sample_scores: pd.DataFrame) -> Audit:
    return _audit(sample_scores)


@pytest.fixture(scope="module")
def unscored(sample_scores: pd.DataFrame) -> Audit:
    return _audit(sample_scores.iloc[0:0], client=None)


@pytest.fixture(scope="module")
def one_assessor(sample_scores: pd.DataFrame) -> Audit:
    return _audit(sample_scores[sample_scores["assessor"] == sample_scores["assessor"].iloc[0]])


def tool(name: str, package: str) -> str:
    """A program the PDF checks need; missing, the test fails (./scripts/test installs it), as for the workbook."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is needed (Debian's {package}): ./scripts/test installs it.")
    return path


@pytest.fixture(scope="module")
def pdf(sample: Audit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's deck converted once by LibreOffice: converting means LibreOffice opened the PPTX."""
    tool("soffice", "libreoffice-impress-nogui")
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(report_pdf(sample.deck))
    return path


def title(slide) -> str:  # type: ignore[no-untyped-def]
    return str(slide.shapes.title.text)


def texts(slide) -> list[str]:  # type: ignore[no-untyped-def]
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def body(slide):  # type: ignore[no-untyped-def]
    """The first text box under the title."""
    return next(shape.text_frame for shape in slide.shapes if shape.has_text_frame and not shape.is_placeholder)


def table_rows(slide) -> list[list[str]]:  # type: ignore[no-untyped-def]
    [table] = [shape.table for shape in slide.shapes if shape.has_table]
    return [[cell.text for cell in row.cells] for row in table.rows]


def pictures(slide) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def section(slides, name: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    """The slides of one section: its first slide and the "(continued)" ones."""
    return [s for s in slides if title(s) in (name, f"{name} (continued)")]


def drawn(result: AuditResult) -> list[str]:
    return [name for name in CHART_TITLES if charts.empty_reason(name, result) is None]


def pages(rows: int, most: int) -> list[str]:
    return ["" if page == 0 else " (continued)" for page in range(max(1, math.ceil(rows / most)))]


# --- the deck ------------------------------------------------------------------------------


def test_the_sample_deck_has_its_slides_in_order(sample: Audit) -> None:
    result = sample.result
    plan_rows = min(len(result.weak_spots), ACTION_PLAN_ROWS)
    expected = [
        "Northwind",
        "Headline figures",
        "Findings",
        "Top weak spots",
        *[CHART_TITLES[name] for name in drawn(result)],
        *[f"Action plan{suffix}" for suffix in pages(plan_rows, ROWS_PER_SLIDE)],
        "Method",
    ]
    assert len(drawn(result)) == len(CHART_TITLES)  # the sample has something for every chart
    assert [title(s) for s in sample.slides] == expected
    assert slide_count(sample.deck) == len(expected)
    presentation = Presentation(io.BytesIO(sample.deck))
    assert (presentation.slide_width, presentation.slide_height) == (Emu(12_192_000), Emu(6_858_000))  # 16:9


def test_one_png_picture_per_chart_with_its_caption_as_text(sample: Audit) -> None:
    by_title = {title(s): s for s in sample.slides}
    for name in drawn(sample.result):
        slide = by_title[CHART_TITLES[name]]
        [picture] = pictures(slide)
        blob = picture.image.blob
        width = int.from_bytes(blob[16:20], "big")
        assert blob.startswith(PNG) and picture.image.content_type == "image/png"
        assert 20_000 < len(blob) < 3_000_000 and width >= 1_500, (name, len(blob), width)
        caption = charts.caption(name, deck=True)  # without "hover a bar": a slide has no pointer
        assert any(t.startswith(caption) for t in texts(slide))  # editable text under the picture
    others = [s for s in sample.slides if title(s) not in CHART_TITLES.values()]
    assert not any(pictures(s) for s in others)


@pytest.mark.parametrize("which", ["sample", "unscored", "one_assessor"])
def test_no_empty_text_no_empty_placeholder_nothing_off_the_slide(which: str, request: pytest.FixtureRequest) -> None:
    audit: Audit = request.getfixturevalue(which)
    presentation = Presentation(io.BytesIO(audit.deck))
    for number, slide in enumerate(presentation.slides, start=1):
        for shape in slide.shapes:
            where = (number, title(slide), shape.name)
            if shape.has_text_frame:
                assert shape.text_frame.text.strip(), where
            if shape.is_placeholder:
                assert shape.has_text_frame and shape.text_frame.text.strip(), where
            assert shape.left >= 0 and shape.top >= 0, where
            assert shape.left + shape.width <= presentation.slide_width, where
            assert shape.top + shape.height <= presentation.slide_height, where


def test_the_title_slide_names_the_audit_client_date_and_assessors(sample: Audit, unscored: Audit) -> None:
    first = texts(sample.slides[0])
    assert "Northwind" in first and "TOUCHPOINT AUDIT" in first
    assert first[-1].splitlines() == [
        "Client: Northwind Home",
        "Date: May 4, 2026",  # the date as the report's language writes it (audit.i18n.date)
        f"Assessors: {', '.join(sample.result.assessors)}",
        f"Touchpoints: {len(sample.result.touchpoints)}",
    ]
    assert texts(unscored.slides[0])[-1].splitlines()[1:] == [
        "Assessors: no assessors yet",
        f"Touchpoints: {len(unscored.result.touchpoints)}",
    ]


def figures(audit: Audit) -> dict[str, tuple[str, str]]:
    """The headline panels: label -> (value, sentence)."""
    slide = next(s for s in audit.slides if title(s) == "Headline figures")
    panels = [t.split("\n") for t in texts(slide)[1:] if "\n" in t]
    return {label: (value, sentence) for label, value, sentence in panels}


def test_headline_figures_are_the_results_numbers(sample: Audit) -> None:
    result = sample.result
    agreement = result.agreement
    assert agreement.alpha is not None and result.mean_composite is not None
    assert result.overall_consistency is not None and result.coverage.scoring_share is not None
    shown = figures(sample)
    assert {label: value for label, (value, _) in shown.items()} == {
        "Touchpoints": str(len(result.touchpoints)),
        "Scored": f"{result.coverage.scoring_share:.0%}",
        "Mean composite": f"{result.mean_composite:.2f}",
        "Consistency": f"{result.overall_consistency:.0%}",
        "Agreement": f"{agreement.alpha:.2f} ({agreement.band})",
        "Weak spots": str(len(result.weak_spots)),
    }
    assert shown["Agreement"][1] == agreement.message
    top = result.touchpoints.set_index("id").loc[result.weak_spots[0]]
    assert f"{top['name']} (priority {top['priority']:.2f})" in shown["Weak spots"][1]


def test_the_weak_spot_table_is_the_top_weak_spots_with_their_reasons(sample: Audit) -> None:
    [slide] = section(sample.slides, "Top weak spots")
    weak = sample.result.touchpoints.set_index("id").loc[sample.result.weak_spots[:TOP_WEAK_SPOTS]]
    assert len(weak) == TOP_WEAK_SPOTS < len(sample.result.weak_spots)
    assert table_rows(slide) == [
        ["Weak spot", "Stage", "Composite", "Priority", "Why"],
        *[[r["name"], r["stage"], f"{r['composite']:.2f}", f"{r['priority']:.2f}", r["reasons"]]
          for r in weak.to_dict("records")],
    ]  # fmt: skip
    note = f"The {TOP_WEAK_SPOTS} weak spots with the highest priority, of {len(sample.result.weak_spots)}"
    assert any(t.startswith(note) for t in texts(slide))


def test_the_action_plan_lists_every_weak_spot_by_priority_to_fill_in(sample: Audit) -> None:
    slides = section(sample.slides, "Action plan")
    tables = [table_rows(s) for s in slides]
    assert all(t[0] == ["#", "Weak spot", "Stage", "Current owner", "Priority", "Quadrant", "Action", "Owner", "Due",
                        "Status"] for t in tables)  # fmt: skip
    rows = [row for t in tables for row in t[1:]]
    weak = sample.result.touchpoints.set_index("id").loc[sample.result.weak_spots]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        (str(i), name, f"{priority:.2f}")
        for i, (name, priority) in enumerate(zip(weak["name"], weak["priority"], strict=True), 1)
    ]
    assert {cell for r in rows for cell in r[-4:]} == {""}
    assert "Continued on the next slide." in texts(slides[0]) and len(slides) > 1


def test_the_method_is_one_slide_from_the_rules_constants(sample: Audit) -> None:
    [slide] = section(sample.slides, "Method")
    text = "\n".join(texts(slide))
    for sentence in RUBRIC.values():
        assert sentence in text
    for number in (f"{WEAK_COMPOSITE:.1f}", f"{WEAK_CRITERION:.1f}", f"{RELIABLE:.3f}", f"{TENTATIVE:.3f}"):
        assert number in text


def test_an_audit_with_no_scores_says_so(unscored: Audit) -> None:
    result = unscored.result
    shown = figures(unscored)
    assert {label: value for label, (value, _) in shown.items()} == {
        "Touchpoints": str(len(result.touchpoints)),
        "Scored": "no scores yet",
        "Mean composite": "no scores yet",
        "Consistency": "no scores yet",
        "Agreement": "not computed",
        "Weak spots": "no scores yet",
    }
    slides = unscored.slides
    assert sum(len(pictures(s)) for s in slides) == len(drawn(result)) == 2  # the coverage charts
    [empty] = section(slides, "Charts not drawn yet")
    text = "\n".join(texts(empty))
    for name in set(CHART_TITLES) - set(drawn(result)):
        assert CHART_TITLES[name] in text and str(charts.empty_reason(name, result, deck=True)) in text
    assert " page" not in text and "hover" not in text  # the app's how-to stays in the app
    [plan] = section(slides, "Action plan")
    assert texts(plan)[1] == f"Nothing to plan yet. {NOT_SCORED_YET}"
    [weak] = section(slides, "Top weak spots")
    assert texts(weak)[1] == NOT_SCORED_YET


def test_a_deck_says_why_without_the_apps_how_to() -> None:
    unscored = compute_audit(pd.DataFrame(columns=TOUCHPOINT_COLUMNS), empty_scores(), ["Awareness"])
    assert charts.empty_reason("journey", unscored, deck=True) == "This audit has no touchpoints yet."
    assert charts.empty_reason("journey", unscored) == (
        "This audit has no touchpoints yet. Import an inventory on the Import page, or add touchpoints on the "
        "Inventory page."
    )
    assert charts.caption("weak_spots", deck=True) == (
        "Weak touchpoints ranked by priority = importance x (5 - composite)."
    )
    assert charts.caption("weak_spots").endswith(" Hover a bar for the reason.")


def test_one_assessor_has_no_agreement_and_no_disagreement_chart(one_assessor: Audit) -> None:
    result = one_assessor.result
    assert len(result.assessors) == 1
    assert figures(one_assessor)["Agreement"] == ("not computed", result.agreement.message)
    assert f"Assessors: {result.assessors[0]}" in texts(one_assessor.slides[0])[-1]
    [empty] = section(one_assessor.slides, "Charts not drawn yet")
    assert str(charts.empty_reason("disagreement", result, deck=True)) in "\n".join(texts(empty))
    assert CHART_TITLES["disagreement"] not in [title(s) for s in one_assessor.slides]


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts as a tiny PNG: for tests of the text slides, which need no real chart."""
    image = io.BytesIO()
    Image.new("RGB", (980, 360), "white").save(image, "PNG")
    monkeypatch.setattr(report, "chart_png", lambda chart: image.getvalue())


def test_long_finding_lists_go_on_over_continued_slides(sample: Audit, quick_charts: None) -> None:
    many = [Finding("type_gap", f"Stage {i}/human", f"Stage {i} has no human touchpoint.") for i in range(50)]
    result = replace(sample.result, findings=many, uncontrolled=[])
    slides = list(Presentation(io.BytesIO(audit_report(result, sample.meta, on=ON))).slides)
    findings = section(slides, "Findings")
    assert [title(s) for s in findings] == ["Findings"] + ["Findings (continued)"] * (len(findings) - 1)
    lists = [body(s).paragraphs for s in findings]
    bullets = [p.text for paragraphs in lists for p in paragraphs]
    assert all(len(paragraphs) <= BULLETS_PER_SLIDE for paragraphs in lists)
    assert bullets == [f.message for f in many[:MAX_FINDINGS]] + [
        f"... and {50 - MAX_FINDINGS} more findings: the scored Excel audit (Summary sheet) lists all 50."
    ]
    assert all("Continued on the next slide." in texts(s) for s in findings[:-1])
    assert "Continued on the next slide." not in texts(findings[-1])


def test_a_comparison_slide_goes_in_after_the_headline_figures(sample: Audit, quick_charts: None) -> None:
    image = io.BytesIO()
    Image.new("RGB", (400, 200), "white").save(image, "PNG")

    def comparison(deck: report.Deck) -> None:
        report.chart_slide(deck, "Against the baseline", image.getvalue(), ["Service rose by 0.4 points."])

    slides = list(
        Presentation(io.BytesIO(audit_report(sample.result, sample.meta, comparison_slide=comparison))).slides
    )
    assert [title(s) for s in slides[1:4]] == ["Headline figures", "Against the baseline", "Findings"]
    assert len(pictures(slides[2])) == 1 and "Service rose by 0.4 points." in texts(slides[2])


def test_chart_specs_carry_their_data_inline_and_fit_the_slide(sample: Audit) -> None:
    for name in drawn(sample.result):
        spec = chart_spec(charts.CHARTS[name](sample.result))
        assert json.loads(json.dumps(spec))["datasets"], name  # serialises, data inline
        assert (spec["width"], spec["height"], spec["autosize"]["type"]) == (*report.CHART_PIXELS, "fit")
    big = alt.Chart(pd.DataFrame({"x": range(6_000)})).mark_point().encode(x="x:Q")
    with pytest.raises(alt.MaxRowsError):
        big.to_dict()  # Altair's own transformer refuses it...
    [rows] = chart_spec(big)["datasets"].values()  # ...the report's does not
    assert len(rows) == 6_000


# --- PDF -----------------------------------------------------------------------------------


def test_the_pdf_has_a_page_per_slide_with_the_text(sample: Audit, pdf: Path) -> None:
    info = subprocess.run([tool("pdfinfo", "poppler-utils"), str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
    assert count == slide_count(sample.deck) == pdf_pages(pdf.read_bytes())
    text = subprocess.run([tool("pdftotext", "poppler-utils"), str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    top = sample.result.touchpoints.set_index("id").loc[sample.result.weak_spots[0], "name"]
    assert "Northwind" in text and top in text and "Headline figures" in text


def test_every_pdf_page_renders_to_a_picture_that_is_not_blank(pdf: Path, tmp_path: Path) -> None:
    subprocess.run([tool("pdftoppm", "poppler-utils"), "-r", "30", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)  # fmt: skip
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pdf_pages(pdf.read_bytes())
    for image in images:
        darkest, _ = Image.open(image).convert("L").getextrema()
        assert darkest < 128, image.name  # text or a chart, not an empty page


def test_report_pdf_says_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    with pytest.raises(ReportError, match="with apt-get install libreoffice-impress-nogui"):
        report_pdf(b"PK")
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\nexit 0\n")
    fake.chmod(0o755)
    with pytest.raises(ReportError, match=r"could not convert the report to PDF \(Error: source file could not"):
        report_pdf(b"PK")
    fake.write_text("#!/bin/sh\nexec /bin/sleep 30\n")
    with pytest.raises(ReportError, match="took more than 0.5 s"):
        report_pdf(b"PK", timeout=0.5)


# --- the command line and the Export page --------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_cli_writes_the_pptx_and_refuses_an_unknown_extension(tmp_path: Path) -> None:
    deck = tmp_path / "audit.pptx"
    status, out, _ = run("report", str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES), "-o", str(deck))
    slides = list(Presentation(str(deck)).slides)
    assert status == 0 and out == f"Wrote {deck}: {len(slides)} slides; 48 touchpoints, 14 weak spots.\n"
    assert title(slides[0]) == "northwind_inventory"
    wrong = tmp_path / "audit.docx"
    status, out, err = run("report", str(SAMPLE_INVENTORY), "-o", str(wrong))
    assert (status, out) == (2, "") and not wrong.exists()
    assert ".xlsx (the scored workbook), .pptx (PowerPoint) or .pdf" in err


def test_cli_reports_a_stored_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    run("import", str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES), "--audit", "NW", "--client", "Northwind Home")
    deck = tmp_path / "stored.pptx"
    status, out, _ = run("report", "--audit", "NW", "-o", str(deck))
    slides = list(Presentation(str(deck)).slides)
    assert status == 0 and out.startswith(f"Wrote {deck}: {len(slides)} slides;")
    assert title(slides[0]) == "NW" and "Client: Northwind Home" in texts(slides[0])[-1]


def test_cli_writes_the_pdf_or_says_libreoffice_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool("soffice", "libreoffice-impress-nogui")
    written = tmp_path / "audit.pdf"
    status, out, _ = run("report", str(SAMPLE_INVENTORY), "-o", str(written))
    assert (
        status == 0
        and out == f"Wrote {written}: {pdf_pages(written.read_bytes())} pages; 48 touchpoints, 0 weak spots.\n"
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    status, _, err = run("report", str(SAMPLE_INVENTORY), "-o", str(tmp_path / "again.pdf"))
    assert (status, err) == (2, f"error: {NEEDS_LIBREOFFICE}.\n")


def test_the_export_page_builds_the_pptx_and_explains_a_missing_libreoffice(
    db: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test = app("views/export.py")
    test.button(key="build_report_pptx").click().run()
    assert not test.exception
    audit, data = test.session_state["report_pptx"]
    assert data[:2] == b"PK" and slide_count(data) > 10
    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    test.button(key="build_report_pdf").click().run()
    assert not test.exception
    assert [e.value for e in test.error] == [f"{NEEDS_LIBREOFFICE}."]
    assert "report_pdf" not in test.session_state


@pytest.fixture(autouse=True, scope="module")
def _no_leftover_profiles() -> Iterator[None]:
    """Each conversion's LibreOffice profile lives in its temporary folder, gone afterwards."""
    folder = Path(tempfile.gettempdir())
    before = set(folder.glob("touchpoint_report_*"))
    yield
    assert set(folder.glob("touchpoint_report_*")) <= before
