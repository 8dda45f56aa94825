"""The scored Excel audit: its sheets, safety, round trip, the template, and LibreOffice reading it."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE_INVENTORY, SAMPLE_SCORES
from openpyxl import load_workbook

from audit.access import LOCAL
from audit.cli import main
from audit.importing import read_import, store_import
from audit.inventory import read_inventory, read_inventory_bytes
from audit.metrics import audit_from_inventory, audit_stages, compute_audit, inventory_frame
from audit.scoring import combine, read_scores, scores_from_inventory
from audit.store import Store
from audit.workbook import (
    AuditMeta,
    audit_workbook,
    csv_bytes,
    csv_safe,
    template_workbook,
)

SHEETS = ["Summary", "Touchpoints", "Action plan", "Coverage", "Consistency", "Scores", "Method", "touchpoint_audit"]


def sample_workbook(weights: dict[str, float] | None = None) -> tuple[bytes, pd.DataFrame, pd.DataFrame]:
    inventory = read_inventory(SAMPLE_INVENTORY)
    scores = combine([scores_from_inventory(inventory), read_scores(SAMPLE_SCORES, inventory.touchpoints)]).frame
    touchpoints = inventory_frame(inventory)
    result = audit_from_inventory(inventory, scores, weights)
    meta = AuditMeta("Northwind", "Northwind Home", audit_stages(inventory), result.weights)
    return audit_workbook(result, touchpoints, scores, meta), touchpoints, scores


@pytest.fixture(scope="module")
def exported() -> tuple[bytes, pd.DataFrame, pd.DataFrame]:
    return sample_workbook({"relevance": 2.0, "meaningfulness": 1.0, "attractiveness": 1.0})


def test_sheets_and_finish(exported) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(exported[0]))
    assert book.sheetnames == SHEETS
    assert book["touchpoint_audit"].sheet_state == "hidden"
    touchpoints = book["Touchpoints"]
    headers = [c.value for c in touchpoints[1]]
    assert headers[:12] == ["Id", "Touchpoint", "Stage", "Channel", "Type", "Control", "Owner", "Importance",
                            "Reach", "Conversions", "Customer rating", "Notes"]  # fmt: skip
    assert headers[12] == "Region"  # the extra column travels
    assert {"Relevance mean", "Relevance n", "Relevance sd", "Composite", "Weak", "Why weak", "Priority",
            "Quadrant", "Discuss", "Perception gap"} <= set(headers)  # fmt: skip
    assert touchpoints.freeze_panes == "C2" and touchpoints.auto_filter.ref.startswith("A1:")
    assert touchpoints.page_setup.orientation == "landscape" and touchpoints.page_setup.fitToWidth == 1
    rules = {str(cf.sqref): [r.type for r in cf.rules] for cf in touchpoints.conditional_formatting}
    assert sorted(rules.values()) == [["colorScale"]] * 4 + [["expression"]]  # four colour scales, weak rows red
    weak_rule = next(cf.rules[0] for cf in touchpoints.conditional_formatting if cf.rules[0].type == "expression")
    assert weak_rule.formula == [f'${chr(ord("A") + headers.index("Weak"))}2="yes"']
    assert touchpoints.column_dimensions["N"].hidden is False
    scores = book["Scores"]
    [validation] = scores.data_validations.dataValidation
    assert (validation.type, validation.operator, validation.formula1, validation.formula2) == ("whole", "between",
                                                                                                "1", "5")  # fmt: skip
    assert str(validation.sqref).startswith("D2:F")
    assert len(book["Summary"]._charts) == 1 and len(book["Action plan"]._charts) == 1
    plan = [c.value for c in book["Action plan"][1]]
    assert plan[-4:] == ["Action", "Owner", "Due", "Status"]
    assert book["Action plan"]["C2"].value == "Delivery slot booking"
    method = {r[0].value: r[1].value for r in book["Method"].iter_rows()}
    assert method["Weights"] == "Relevance 2, Meaningfulness 1, Attractiveness 1"  # the criteria's labels
    assert method["Generated"].startswith("Touchpoint Audit 0.1.0, ")


def test_touchpoint_row_numbers_match_the_result(exported) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(exported[0]), data_only=True)
    sheet = book["Touchpoints"]
    headers = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    call_centre = rows["SE-05"]
    # Weights 2,1,1 on means 7/3, 8/3, 5/3: (14/3 + 8/3 + 5/3) / 4 = 27/12 = 2.25.
    assert call_centre["Composite"] == pytest.approx(2.25)
    assert (call_centre["Weak"], call_centre["Quadrant"]) == ("yes", "Concentrate here")
    assert call_centre["Relevance n"] == 3 and call_centre["Region"] == "South"


def test_hostile_text_never_becomes_a_formula() -> None:
    hostile = (
        'id,name,stage,notes\n'
        'T1,"=HYPERLINK(""http://evil.example"",""click"")",Awareness,"+cmd|\' /C calc\'!A0"\n'
        'T2,@SUM(1+1),Purchase,-2+3\n'
    )  # fmt: skip
    inventory = read_inventory_bytes(hostile.encode(), "hostile.csv")
    scores = pd.DataFrame(
        [("T1", "=evil()", "relevance", 3.0, "=1+1", "x", 1)],
        columns=["touchpoint_id", "assessor", "criterion", "score", "note", "source", "row"],
    )
    result = audit_from_inventory(inventory, scores)
    data = audit_workbook(result, inventory_frame(inventory), scores, AuditMeta("=A1", None, ["Awareness"], {}))
    book = load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell may hold a formula"
    values = {c.value for c in cells}
    assert {'=HYPERLINK("http://evil.example","click")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3", "=evil()",
            "=1+1"} <= values  # fmt: skip
    touchpoints = book["Touchpoints"]
    assert touchpoints["B2"].quotePrefix is True
    back = read_inventory_bytes(data, "back.xlsx", sheet="Touchpoints")
    assert [tp.name for tp in back.touchpoints] == ['=HYPERLINK("http://evil.example","click")', "@SUM(1+1)"]


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("fine", "fine"), (3, 3), (None, None)],
)  # fmt: skip
def test_csv_safe(value: object, safe: object) -> None:
    assert csv_safe(value) == safe


def test_csv_bytes_neutralise_formulas() -> None:
    frame = pd.DataFrame({"name": ["=HYPERLINK(1)", "Shop"], "score": [3.0, 4.0]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines() == ["name,score", "'=HYPERLINK(1),3.0", "Shop,4.0"]


def test_round_trip_restores_the_same_audit(exported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, touchpoints, scores = exported
    imported = read_import(("Northwind_audit.xlsx", data))
    meta, inventory, score_set = imported.meta, imported.inventory, imported.scores
    assert meta is not None
    assert (meta.name, meta.client) == ("Northwind", "Northwind Home")
    assert meta.stage_order == ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]
    assert meta.weights == {"relevance": 2.0, "meaningfulness": 1.0, "attractiveness": 1.0}
    assert score_set.problems == []
    back = inventory_frame(inventory)
    columns = ["id", "name", "stage", "channel", "type", "control", "owner", "importance", "reach", "conversions",
               "customer_rating", "notes", "extra"]  # fmt: skip
    pd.testing.assert_frame_equal(back[columns], touchpoints[columns], check_dtype=False)

    def key(frame: pd.DataFrame) -> set[tuple[object, ...]]:
        notes = frame["note"].where(frame["note"].notna(), None)
        return set(zip(frame["touchpoint_id"], frame["assessor"], frame["criterion"], frame["score"], notes,
                       strict=True))  # fmt: skip

    assert key(score_set.frame) == key(scores)
    store = Store.open(f"sqlite:///{tmp_path / 'rt.db'}")
    store_import(store, imported, meta.name, actor=LOCAL)
    assert store.audit(meta.name).client == "Northwind Home"
    assert store.audit(meta.name).weights == meta.weights
    again = store.snapshot(meta.name).result
    original = compute_audit(touchpoints, scores, meta.stage_order, meta.weights)
    assert again.weak_spots == original.weak_spots
    assert again.mean_composite == pytest.approx(original.mean_composite)
    assert again.agreement.alpha == pytest.approx(original.agreement.alpha)
    assert store.touchpoint_frame(meta.name).iloc[0]["extra"] == {"Region": "National"}


def test_a_score_edited_in_the_workbook_comes_back(exported) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(exported[0]))
    sheet = book["Scores"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "SE-05" and r[2].value == "Ana (CX lead)")
    assert row[3].value == 3
    row[3].value = 5  # Ana changed her mind about the call centre's relevance, offline
    buffer = io.BytesIO()
    book.save(buffer)
    imported = read_import(("edited.xlsx", buffer.getvalue()))
    meta, inventory, frame = imported.meta, imported.inventory, imported.score_frame
    assert meta is not None
    edited = frame[(frame["touchpoint_id"] == "SE-05") & (frame["assessor"] == "Ana (CX lead)")]
    assert edited.set_index("criterion")["score"]["relevance"] == 5.0
    result = compute_audit(inventory_frame(inventory), frame, meta.stage_order, meta.weights)
    # Relevance 5, 2, 2 -> 3; with weights 2,1,1: (6 + 8/3 + 5/3) / 4 = 31/12.
    assert result.touchpoints.set_index("id").loc["SE-05", "composite"] == pytest.approx(31 / 12)


@pytest.mark.parametrize(
    ("lang", "sheet", "name_header", "choices"),
    [
        ("en", "Inventory", "Touchpoint", '"controlled,partly,uncontrolled"'),
        ("ru", "Инвентаризация", "Название", '"Да,Частично,Нет"'),
        ("pt", "Inventário", "Ponto de contato", '"Sim,Parcialmente,Não"'),
        ("fa", "فهرست", "نام", '"بله,جزئی,خیر"'),
    ],
)
def test_template_in_four_languages(lang: str, sheet: str, name_header: str, choices: str) -> None:
    data = template_workbook(lang)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == sheet and len(book.sheetnames) == 2
    assert book[sheet]["B1"].value == name_header
    assert choices in [v.formula1 for v in book[sheet].data_validations.dataValidation]
    filled = io.BytesIO(data)
    book[sheet].append(["X1", "Site", None, "Web"])
    book.save(filled)
    inventory = read_inventory_bytes(filled.getvalue(), f"template_{lang}.xlsx")
    assert inventory.mapping["name"] == name_header and len(inventory.touchpoints) == 1


def test_cli_report_and_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    report = tmp_path / "nw.xlsx"
    argv = ["report", str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES), "-o", str(report)]
    assert main(argv, out=out, err=io.StringIO()) == 0
    assert load_workbook(report).sheetnames == SHEETS
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    main(["import", str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES), "--audit", "NW"], out=out)
    stored = tmp_path / "stored.xlsx"
    assert main(["report", "--audit", "NW", "-o", str(stored)], out=out) == 0
    assert load_workbook(stored)["Summary"]["A1"].value == "Touchpoint audit: NW"
    template = tmp_path / "t.xlsx"
    assert main(["template", "-o", str(template), "--lang", "pt"], out=out) == 0
    assert load_workbook(template).sheetnames == ["Inventário", "Instruções"]


def test_libreoffice_reads_the_workbook(exported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice is needed (Debian's libreoffice-calc-nogui): ./scripts/test installs it.")
    workbook = tmp_path / "audit.xlsx"
    workbook.write_bytes(exported[0])
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    run = subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                          str(workbook)], capture_output=True, text=True, timeout=180, check=False)  # fmt: skip
    pdf = tmp_path / "audit.pdf"
    assert run.returncode == 0 and pdf.exists(), run.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 7  # one page or more for every visible sheet
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Touchpoint audit: Northwind" in text and "Delivery slot booking" in text


def test_coverage_sheet_tells_a_gap_from_an_unknown_type() -> None:
    # Awareness: a physical and an untyped touchpoint, so digital and human are unknown, not gaps.
    # Purchase: one digital touchpoint, so physical and human are gaps.
    touchpoints = pd.DataFrame(
        [("T1", "Billboard", "Awareness", "Outdoor", "physical"), ("T2", "TV", "Awareness", "TV", None),
         ("T3", "Checkout", "Purchase", "Website", "digital")],
        columns=["id", "name", "stage", "channel", "type"],
    ).assign(control=None, owner=None, importance=3.0, reach=None, conversions=None, customer_rating=None,
             notes=None, extra=None)  # fmt: skip
    scores = pd.DataFrame(columns=["touchpoint_id", "assessor", "criterion", "score", "note", "source", "row"])
    result = compute_audit(touchpoints, scores, ["Awareness", "Purchase"])
    meta = AuditMeta("Tiny", None, ["Awareness", "Purchase"], result.weights)
    book = load_workbook(io.BytesIO(audit_workbook(result, touchpoints, scores, meta)))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Weak spots"] == "- (no scores yet)"  # not 0, which would read "all good"
    sheet = book["Coverage"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=3, max_row=4)}
    assert [c.value for c in sheet[2][:5]] == ["Stage", "physical", "digital", "human", "unknown"]
    assert [c.value for c in rows["Awareness"][1:5]] == [1, "?", "?", 1]
    assert [c.value for c in rows["Purchase"][1:5]] == [0, 1, 0, 0]
    fills = {c.coordinate: c.fill.fgColor.rgb for row in rows.values() for c in row[1:4]}
    assert (fills["C3"], fills["B4"], fills["D4"], fills["C4"]) == ("00FFF3CD", "00F8D7DA", "00F8D7DA", "00000000")
    texts = [r[0] for r in sheet.iter_rows(values_only=True) if r[0]]
    assert "Purchase has no physical touchpoint." in texts
    assert not any("Awareness has no" in t for t in texts)
    assert any(t.startswith("Awareness has 1 touchpoint with no type") for t in texts)
