"""The round trip through every door: an exported workbook read by `check`, `import`, `metrics`,
`report` and the app's Import page gives back the same audit, client and weights included, also
after a manager edited a score in the workbook. And the import action's own promises: one
transaction, the workshop state of a new audit, nothing written when there are errors."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SAMPLE_INVENTORY, SAMPLE_SCORES
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from audit import i18n
from audit.access import LOCAL, OPERATOR
from audit.cli import main
from audit.i18n import _
from audit.importing import SCORES_SHEET, TOUCHPOINTS_SHEET, read_import, sheet_names, store_import
from audit.phases import Phase
from audit.store import Store, StoreError
from audit.workshops import Workshops
from ui import state

AUDIT = "Northwind"
WEIGHTS = {"relevance": 2.0, "meaningfulness": 1.0, "attractiveness": 1.0}
STAGES = ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A store the CLI and the app both use, holding the sample audit with a client and weights 2,1,1."""
    url = f"sqlite:///{tmp_path / 'doors.db'}"
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", url)
    state.forget_caches()
    status, _, err = run("import", str(SAMPLE_INVENTORY), "--audit", AUDIT, "--client", "Northwind Home",
                         "--scores", str(SAMPLE_SCORES))  # fmt: skip
    assert status == 0, err
    Store.open(url).set_weights(AUDIT, WEIGHTS, actor=OPERATOR)
    yield url
    state.forget_caches()


@pytest.fixture
def workbook(db: str, tmp_path: Path) -> Path:
    path = tmp_path / "northwind_audit.xlsx"
    status, _, err = run("report", "--audit", AUDIT, "-o", str(path))
    assert status == 0, err
    return path


def metrics_of_audit(name: str) -> dict[str, object]:
    status, out, err = run("metrics", "--audit", name, "--json")
    assert status == 0, err
    return dict(json.loads(out))


def same_audit(got: dict[str, object], expected: dict[str, object]) -> None:
    """Two `metrics --json` objects describe the same audit: every figure and finding, in order."""
    for key in ("touchpoints", "stages", "weak_spots", "findings", "agreement", "coverage", "weights"):
        assert got.get(key) == expected.get(key), key


def stored(url: str, name: str) -> tuple[object, pd.DataFrame, pd.DataFrame]:
    snapshot = Store.open(url).snapshot(name)
    touchpoints = snapshot.touchpoints.drop(columns=["archived_at"]).reset_index(drop=True)
    scores = snapshot.scores[["touchpoint_id", "assessor", "criterion", "score"]]
    scores = scores.sort_values(["touchpoint_id", "assessor", "criterion"]).reset_index(drop=True)
    return snapshot.info, touchpoints, scores


def test_check_recognises_the_workbook_and_reads_its_sheets(workbook: Path) -> None:
    status, out, err = run("check", str(workbook), "--json")
    assert status == 0, err
    report = json.loads(out)
    assert (report["kind"], report["sheet"], report["touchpoints"], report["scores"]) == (
        "audit workbook", "Touchpoints", 48, 519
    )  # fmt: skip
    assert report["audit"] == {"name": AUDIT, "client": "Northwind Home", "stage_order": STAGES, "weights": WEIGHTS,
                               "phase": "round1", "locked": False}  # fmt: skip
    assert [p for p in report["problems"] if p["severity"] != "info"] == []
    status, text, _ = run("check", str(workbook))
    assert "a Touchpoint Audit workbook of 'Northwind' for Northwind Home" in text
    assert "Scores:      519 from 4 assessors" in text  # a plural since the CLI went through ngettext


def test_metrics_of_the_workbook_are_the_stored_audit(workbook: Path) -> None:
    status, out, err = run("metrics", str(workbook), "--json")
    assert status == 0, err
    same_audit(json.loads(out), metrics_of_audit(AUDIT))  # the workbook's weights 2,1,1, not equal ones


def test_import_of_the_workbook_restores_the_audit_whole(db: str, workbook: Path) -> None:
    status, out, err = run("import", str(workbook), "--audit", "Copy")
    assert status == 0, err
    assert "From the workbook: client 'Northwind Home', stage order, weights 2/1/1." in out
    info, touchpoints, scores = stored(db, "Copy")
    original, original_tps, original_scores = stored(db, AUDIT)
    assert (info.client, info.weights, info.stage_order) == ("Northwind Home", WEIGHTS, STAGES)  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(touchpoints, original_tps)
    pd.testing.assert_frame_equal(scores, original_scores)
    same_audit(metrics_of_audit("Copy"), metrics_of_audit(AUDIT))


def test_report_of_the_workbook_writes_the_same_workbook_again(workbook: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    status, _, err = run("report", str(workbook), "-o", str(again))
    assert status == 0, err
    first, second = read_import(workbook), read_import(again)
    assert second.meta == first.meta
    unsourced = [frame.drop(columns=["source"]) for frame in (second.score_frame, first.score_frame)]
    pd.testing.assert_frame_equal(*unsourced)
    status, out, _ = run("metrics", str(again), "--json")
    same_audit(json.loads(out), metrics_of_audit(AUDIT))


def test_the_import_page_restores_the_workbook_as_the_cli_does(db: str, workbook: Path) -> None:
    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    test.run()
    test.switch_page("views/import_inventory.py").run()
    test.file_uploader(key="inventory_upload").set_value(
        ("northwind_audit.xlsx", workbook.read_bytes(), "application/octet-stream")
    ).run()
    assert test.text_input(key="import_name").value == AUDIT  # the workbook's own name is offered
    test.text_input(key="import_name").set_value("From the page").run()
    test.button(key="import_button").click().run()
    assert not test.exception
    run("import", str(workbook), "--audit", "From the CLI")
    page, cli = stored(db, "From the page"), stored(db, "From the CLI")
    assert (page[0].client, page[0].weights, page[0].stage_order) == ("Northwind Home", WEIGHTS, STAGES)  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(page[1], cli[1])
    pd.testing.assert_frame_equal(page[2], cli[2])
    same_audit(metrics_of_audit("From the page"), metrics_of_audit(AUDIT))


def test_a_score_edited_in_the_workbook_reaches_every_door(db: str, workbook: Path, tmp_path: Path) -> None:
    book = load_workbook(workbook)
    sheet = book["Scores"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "SE-05" and r[2].value == "Ana (CX lead)")
    assert row[3].value == 3
    row[3].value = 5  # Ana changed her mind about the call centre's relevance, offline
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    # Relevance 5, 2, 2 -> 3; with weights 2,1,1: (6 + 8/3 + 5/3) / 4 = 31/12.
    status, out, _ = run("metrics", str(edited), "--json")
    composite = {t["id"]: t["composite"] for t in json.loads(out)["touchpoints"]}
    assert composite["SE-05"] == pytest.approx(31 / 12)
    status, out, err = run("import", str(edited), "--audit", AUDIT)  # back into the audit it came from
    assert status == 0, err
    assert "Scores: 0 new, 1 changed." in out
    stored_now = metrics_of_audit(AUDIT)
    assert {t["id"]: t["composite"] for t in stored_now["touchpoints"]}["SE-05"] == pytest.approx(31 / 12)  # type: ignore[attr-defined]
    history = Store.open(db).history(AUDIT, "SE-05")
    assert (history.iloc[0]["old_value"], history.iloc[0]["new_value"]) == (3, 5)
    assert history.iloc[0]["changed_by"] == "import by command line"
    again = tmp_path / "again.xlsx"
    run("report", str(edited), "-o", str(again))
    assert read_import(again).score_frame.query("touchpoint_id == 'SE-05' and assessor == 'Ana (CX lead)' "
                                                "and criterion == 'relevance'")["score"].tolist() == [5.0]  # fmt: skip


def test_a_new_audit_gets_the_workshop_state_a_running_one_keeps_its_own(db: str, tmp_path: Path) -> None:
    store = Store.open(db)
    Workshops(store).set_phase(AUDIT, Phase.REVEALED, actor=OPERATOR)
    Workshops(store).set_locked(AUDIT, True, actor=OPERATOR)
    path = tmp_path / "revealed.xlsx"
    run("report", "--audit", AUDIT, "-o", str(path))
    status, out, _ = run("import", str(path), "--audit", "Restored")
    assert "workshop phase revealed, locked" in out
    restored = Workshops(store).state("Restored")
    assert (restored.phase, restored.locked) == (Phase.REVEALED, True)
    Workshops(store).set_phase(AUDIT, Phase.ROUND1, actor=OPERATOR)
    run("import", str(path), "--audit", AUDIT)  # a file never moves a room that is running
    assert Workshops(store).state(AUDIT).phase is Phase.ROUND1


def test_an_import_that_fails_midway_changes_nothing(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(db)
    imported = read_import(SAMPLE_INVENTORY, score_files=[SAMPLE_SCORES])
    import audit.store as store_module

    def broken(*_args: object, **_kwargs: object) -> tuple[int, int]:
        raise StoreError("the disk is full (simulated)")

    monkeypatch.setattr(store_module, "_write_scores", broken)  # after the audit and its touchpoints are written
    with pytest.raises(StoreError, match="simulated"):
        store_import(store, imported, "Half", actor=LOCAL)
    assert "Half" not in store.audit_names()  # the new audit was not left behind, empty
    with pytest.raises(StoreError, match="simulated"):
        store_import(store, imported, AUDIT, actor=OPERATOR)
    assert len(store.snapshot(AUDIT).scores) == 519


def test_nothing_is_stored_from_a_file_with_errors(db: str) -> None:
    imported = read_import(("empty.csv", b""))
    assert not imported.can_import
    with pytest.raises(StoreError, match="empty.csv cannot be imported until its errors are fixed"):
        store_import(Store.open(db), imported, "Empty", actor=LOCAL)
    assert "Empty" not in Store.open(db).audit_names()


def test_check_needs_neither_pandas_nor_a_database(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from audit.cli import main; status = main(['check', sys.argv[1], '--json']); "
        "heavy = sorted(m for m in ('pandas', 'sqlalchemy', 'openpyxl', 'streamlit', 'altair') if m in sys.modules); "
        "print(heavy, file=sys.stderr); sys.exit(status)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(SAMPLE_INVENTORY)], capture_output=True, text=True,
                          cwd=ROOT, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


# --- languages: a workbook written in another language, and messages in the user's ---------------


def test_a_workbook_whose_sheets_have_other_names_is_read_back_whole(workbook: Path, tmp_path: Path) -> None:
    """The workbook names its sheets in the audit's language: the importer finds them by what they hold."""
    book = load_workbook(workbook)
    book["Touchpoints"].title = "Точки контакта"
    book["Scores"].title = "Оценки"
    renamed = tmp_path / "renamed.xlsx"
    book.save(renamed)
    first, again = read_import(workbook), read_import(renamed)
    assert (again.is_audit_workbook, again.inventory.sheet, again.inventory.language) == (True, "Точки контакта", "en")
    assert again.score_names == ["renamed.xlsx, sheet 'Оценки'"]
    assert [tp.id for tp in again.inventory.touchpoints] == [tp.id for tp in first.inventory.touchpoints]
    unsourced = [frame.drop(columns=["source"]) for frame in (again.score_frame, first.score_frame)]
    pd.testing.assert_frame_equal(*unsourced)
    assert [p for p in again.problems if p.severity != "info"] == []


def test_the_workbooks_sheets_are_known_by_their_names_in_every_language() -> None:
    for code in i18n.CODES:
        with i18n.use(code):
            assert {_(TOUCHPOINTS_SHEET), "Touchpoints"} <= sheet_names(TOUCHPOINTS_SHEET)
            assert {_(SCORES_SHEET), "Scores"} <= sheet_names(SCORES_SHEET)


@pytest.mark.usefixtures("in_pseudo")
def test_score_file_problems_are_said_in_the_users_language(tmp_path: Path) -> None:
    scores = ROOT / "tests" / "data" / "scores"
    unreadable = tmp_path / "scores.md"
    unreadable.write_text("not scores", encoding="utf-8")
    imported = read_import(
        ROOT / "tests" / "data" / "inventories" / "title_rows.xlsx",
        score_files=[scores / "wide_en.csv", scores / "long_ru.csv", scores / "no_assessor.csv", unreadable,
                     scores / "wide_en.csv"],
    )  # fmt: skip
    sourced = imported.sourced_problems
    assert {p.code for _file, p in sourced} >= {"unmatched_touchpoint", "missing_assessor", "score_out_of_range",
        "score_not_a_number", "score_not_whole", "missing_touchpoint", "unknown_criterion", "no_score_columns",
        "unreadable_file", "duplicate_score"}  # fmt: skip
    for _file, problem in sourced:
        assert problem.message.startswith("⟦") and problem.message.endswith("⟧"), problem
        assert i18n.placeholders(problem.message) == [], problem
    assert ("⟦score files⟧", "duplicate_score") in {(file, p.code) for file, p in sourced}


@pytest.mark.usefixtures("in_pseudo")
def test_agreement_and_weights_are_said_in_the_users_language() -> None:
    from audit.scoring import agreement, parse_weights

    scores = pd.DataFrame(
        {"touchpoint_id": ["T1", "T1", "T2", "T2"], "assessor": ["A", "B", "A", "B"],
         "criterion": ["relevance"] * 4, "score": [4.0, 5.0, 2.0, 2.0]}
    )  # fmt: skip
    assert agreement(scores).message.startswith("⟦Krippendorff's alpha is ")
    assert agreement(scores[scores["assessor"] == "A"]).message == (
        "⟦Not computed: agreement needs at least two assessors.⟧"
    )
    with pytest.raises(ValueError, match="^⟦weights 'x' are not numbers"):
        parse_weights("x")


def test_the_agreement_sentence_in_english_counts_its_pairs() -> None:
    from audit.scoring import agreement

    scores = pd.DataFrame(
        {"touchpoint_id": ["T1", "T1", "T1", "T1", "T1", "T1"], "assessor": ["A", "B", "A", "B", "A", "B"],
         "criterion": ["relevance", "relevance", "meaningfulness", "meaningfulness", "attractiveness",
                       "attractiveness"], "score": [4.0, 4.0, 2.0, 2.0, 5.0, 5.0]}
    )  # fmt: skip
    assert agreement(scores).message == (
        "Krippendorff's alpha is 1.000 (reliable) over 3 scored pairs of touchpoint and criterion by 2 assessors: "
        "the room agrees; the scores can be reported as they are."
    )
    one = scores[scores["criterion"] != "relevance"].assign(score=[4.0, 4.0, 1.0, 2.0])
    assert " over 2 scored pairs " in agreement(one).message
