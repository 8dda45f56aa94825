"""Comparing two audits, on a small pair worked out by hand (every number below was done on paper).

Stages Awareness, Purchase. Assessors A and B score (relevance, meaningfulness, attractiveness).

    Q1 (the baseline)                          Q2 (the follow-up)
    T1 Website   Awareness digital             T1  Website     Awareness digital
       A 2 2 2  B 2 2 2: composite 2, weak        A 4 4 4  B 4 4 4: composite 4
    T2 Store     Purchase  physical            S-2 store       Purchase  physical (matched by name)
       A 3 3 3  B 5 5 5: composite 4, sd 1        A 4 4 4  B 5 5 5: composite 4.5, sd 0.5
    T3 Call centre Purchase human              T3  Call centre Purchase  human
       A 2 3 4  B 2 3 4: means 2 3 4, weak        A 1 3 4  B 3 3 4: means 2 3 4, sd 1 on R, weak
    T4 Flyer     Awareness physical            T5  App         Purchase  digital (new)
       A 4 4 4  B 4 4 4: composite 4              A 2 2 2  B 2 2 2: composite 2, weak

Touchpoints: T1 +2.00, noise max(0, 0) = 0: beyond the noise, better. S-2 +0.50, noise max(1, 0.5)
= 1: within. T3 0.00, noise max(0, 1) = 1: within. Unmatched: T4 before, T5 after.
Weak spots: T1 fixed; T3 still open; T5 new.
Stages: Awareness (2 + 4) / 2 = 3.0 -> 4.0, +1.0; disagreement Q1 mean(T1 0, T4 0) = 0 over 2,
Q2 mean(T1 0) = 0 over 1: noise sqrt(0/2 + 0/1) = 0, beyond. Purchase (4 + 3) / 2 = 3.5 ->
(4.5 + 3 + 2) / 3 = 3.166667, -0.333333; disagreement Q1 mean(1, 0) = 0.5 over 2, Q2
mean(0.5, 1, 0) = 0.5 over 3: noise sqrt(0.25/2 + 0.25/3) = 0.456435, within.
Gaps: Q1 Awareness no human, Purchase no digital; Q2 Awareness no physical, no human.
Closed: Purchase/digital. Opened: Awareness/physical.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import ROOT, SAMPLE_INVENTORY, SAMPLE_SCORES
from openpyxl import load_workbook
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from streamlit.testing.v1 import AppTest

from audit.access import OPERATOR, Facilitator, Role
from audit.cli import main
from audit.compare import Comparison, Kind, compare_audits, match_touchpoints, name_key, stage_key
from audit.importing import read_import
from audit.meta import AuditMeta
from audit.metrics import compute_audit
from audit.report import report_file
from audit.scoring import SCORE_COLUMNS
from audit.store import AccessDenied, AuditNotFound, Store, StoreError
from audit.workbook import audit_workbook
from ui import state

STAGES = ["Awareness", "Purchase"]
COLUMNS = ["id", "name", "stage", "channel", "type", "control", "owner", "importance", "reach", "conversions",
           "customer_rating"]  # fmt: skip


def inventory(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(i, n, s, n, t, "controlled", None, 3.0, None, None, None) for i, n, s, t in rows], columns=COLUMNS
    )


def scores(raw: dict[tuple[str, str], tuple[int, int, int]]) -> pd.DataFrame:
    records = [
        (tp, assessor, criterion, float(value), None, "test", None)
        for (tp, assessor), values in raw.items()
        for criterion, value in zip(("relevance", "meaningfulness", "attractiveness"), values, strict=True)
    ]
    return pd.DataFrame.from_records(records, columns=SCORE_COLUMNS)


Q1 = inventory(
    [
        ("T1", "Website", "Awareness", "digital"),
        ("T2", "Store", "Purchase", "physical"),
        ("T3", "Call centre", "Purchase", "human"),
        ("T4", "Flyer", "Awareness", "physical"),
    ]
)
Q1_SCORES = {
    ("T1", "A"): (2, 2, 2), ("T1", "B"): (2, 2, 2),
    ("T2", "A"): (3, 3, 3), ("T2", "B"): (5, 5, 5),
    ("T3", "A"): (2, 3, 4), ("T3", "B"): (2, 3, 4),
    ("T4", "A"): (4, 4, 4), ("T4", "B"): (4, 4, 4),
}  # fmt: skip
Q2 = inventory(
    [
        ("T1", "Website", "Awareness", "digital"),
        ("S-2", "  store ", "Purchase", "physical"),
        ("T3", "Call centre", "Purchase", "human"),
        ("T5", "App", "Purchase", "digital"),
    ]
)
Q2_SCORES = {
    ("T1", "A"): (4, 4, 4), ("T1", "B"): (4, 4, 4),
    ("S-2", "A"): (4, 4, 4), ("S-2", "B"): (5, 5, 5),
    ("T3", "A"): (1, 3, 4), ("T3", "B"): (3, 3, 4),
    ("T5", "A"): (2, 2, 2), ("T5", "B"): (2, 2, 2),
}  # fmt: skip


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    before = compute_audit(Q1, scores(Q1_SCORES), STAGES)
    after = compute_audit(Q2, scores(Q2_SCORES), STAGES)
    return compare_audits(before, after, before_label="Q1", after_label="Q2")


def test_touchpoints_match_by_id_then_by_name(comparison: Comparison) -> None:
    table = comparison.touchpoints
    assert table[["id", "before_id", "matched_by"]].values.tolist() == [
        ["T1", "T1", "id"],
        ["S-2", "T2", "name"],
        ["T3", "T3", "id"],
    ]
    assert comparison.unmatched_before.values.tolist() == [["T4", "Flyer", "Awareness"]]
    assert comparison.unmatched_after.values.tolist() == [["T5", "App", "Purchase"]]


@pytest.mark.parametrize(
    ("tp", "before", "after", "change", "noise", "beyond", "movement"),
    [
        ("T1", 2.0, 4.0, 2.0, 0.0, True, "better"),
        ("S-2", 4.0, 4.5, 0.5, 1.0, False, "within the noise"),
        ("T3", 3.0, 3.0, 0.0, 1.0, False, "within the noise"),
    ],
)
def test_touchpoint_changes(
    comparison: Comparison,
    tp: str,
    before: float,
    after: float,
    change: float,
    noise: float,
    beyond: bool,
    movement: str,
) -> None:
    row = comparison.touchpoints.set_index("id").loc[tp]
    assert (row["composite_before"], row["composite_after"]) == pytest.approx((before, after))
    assert row["composite_change"] == pytest.approx(change)
    assert row["noise"] == pytest.approx(noise)
    assert (row["beyond_noise"], row["movement"]) == (beyond, movement)


def test_criterion_changes(comparison: Comparison) -> None:
    row = comparison.touchpoints.set_index("id").loc["T3"]
    assert [row[f"{c}_change"] for c in ("relevance", "meaningfulness", "attractiveness")] == [0.0, 0.0, 0.0]
    row = comparison.touchpoints.set_index("id").loc["S-2"]
    assert row["relevance_before"] == 4.0 and row["relevance_after"] == 4.5


def test_stage_changes(comparison: Comparison) -> None:
    stages = comparison.stages.set_index("stage")
    assert stages.loc["Awareness", ["composite_before", "composite_after", "composite_change"]].tolist() == (
        pytest.approx([3.0, 4.0, 1.0])
    )
    assert stages.loc["Awareness", "noise"] == 0.0 and stages.loc["Awareness", "beyond_noise"] is True
    assert stages.loc["Purchase", ["composite_before", "composite_after", "composite_change"]].tolist() == (
        pytest.approx([3.5, 19 / 6, -1 / 3])
    )
    assert stages.loc["Purchase", "noise"] == pytest.approx(0.456435, abs=1e-6)
    assert stages.loc["Purchase", "movement"] == "within the noise"
    assert stages.loc["Purchase", ["touchpoints_before", "touchpoints_after"]].tolist() == [2, 3]


def test_weak_spots_and_gaps(comparison: Comparison) -> None:
    assert (comparison.weak_fixed, comparison.weak_open, comparison.weak_new) == (["T1"], ["T3"], ["T5"])
    assert [g.key for g in comparison.gaps_closed] == ["Purchase/digital"]
    assert [g.message for g in comparison.gaps_opened] == ["Awareness has no physical touchpoint."]


def test_sentences_say_what_moved(comparison: Comparison) -> None:
    assert comparison.sentences()[:3] == [
        "Stages that moved beyond the room's disagreement: Awareness +1.00.",
        "Weak spots: 1 fixed, 1 new, 1 still open.",
        "Coverage: 1 gap closed, 1 opened.",
    ]
    assert comparison.sentences()[3] == "3 touchpoints matched; 1 only in Q1, 1 only in Q2."


def test_json_has_the_documented_keys(comparison: Comparison) -> None:
    data = comparison.to_json()
    assert {"touchpoints", "stages", "weak_spots", "unmatched"} <= data.keys()
    first = data["touchpoints"][0]
    assert {k: first[k] for k in ("id", "name", "stage", "beyond_noise")} == {
        "id": "T1",
        "name": "Website",
        "stage": "Awareness",
        "beyond_noise": True,
    }
    assert (
        first["before"]["composite"] == 2.0
        and first["after"]["composite"] == 4.0
        and first["change"]["composite"] == 2.0
    )
    assert data["weak_spots"] == {"fixed": ["T1"], "new": ["T5"], "open": ["T3"], "not_rescored": []}
    assert data["unmatched"]["before"] == [{"id": "T4", "name": "Flyer", "stage": "Awareness"}]


def test_one_assessor_cannot_tell_noise_from_change() -> None:
    before = compute_audit(Q1, scores({("T1", "A"): (2, 2, 2)}), STAGES)
    after = compute_audit(Q1, scores({("T1", "A"): (3, 3, 3)}), STAGES)
    row = compare_audits(before, after).touchpoints.set_index("id").loc["T1"]
    assert row["composite_change"] == 1.0
    assert row["beyond_noise"] is None and row["movement"] == "cannot tell (one assessor)"


def test_unscored_weak_spot_is_not_called_fixed() -> None:
    before = compute_audit(Q1, scores({("T1", "A"): (2, 2, 2)}), STAGES)
    after = compute_audit(Q1, scores({("T2", "A"): (4, 4, 4)}), STAGES)  # the follow-up has not reached T1
    comparison = compare_audits(before, after)
    assert (comparison.weak_fixed, comparison.weak_unscored) == ([], ["T1"])
    assert comparison.touchpoints.set_index("id").loc["T1", "movement"] == "not scored in both"


@pytest.mark.parametrize("kind", list(Kind))
def test_an_audit_with_no_scores_is_compared_by_its_inventory_only(kind: Kind) -> None:
    scored = compute_audit(Q1, scores(Q1_SCORES), STAGES)
    fresh = compute_audit(Q2, scores({}), STAGES)
    for before, after, unscored in ((scored, fresh, "Q2"), (fresh, scored, "Q1")):
        comparison = compare_audits(before, after, kind=kind, before_label="Q1", after_label="Q2")
        assert comparison.unscored == (unscored,)
        assert (
            comparison.sentences()[0]
            == f"'{unscored}' has no scores yet, so there is nothing to compare but the inventories."
        )
        assert not any(s.startswith("Weak spots") for s in comparison.sentences())  # not "14 new"
        assert (comparison.weak_fixed, comparison.weak_new, comparison.weak_open) == ([], [], [])


def test_competitor_sentences_say_who_is_ahead(comparison: Comparison) -> None:
    before = compute_audit(Q1, scores(Q1_SCORES), STAGES)
    after = compute_audit(Q2, scores(Q2_SCORES), STAGES)
    rival = compare_audits(before, after, kind=Kind.COMPETITOR, before_label="Rival", after_label="Us")
    assert rival.sentences()[:3] == [
        "Us is ahead of Rival beyond the noise in Awareness; behind in no stage.",
        "Weak spots: 1 in both, 1 only in ours, 1 only in theirs.",
        "Coverage: 1 gap only they have, 1 only we have.",
    ]
    assert rival.stages.set_index("stage").loc["Awareness", "movement"] == "ahead"
    assert rival.words["fixed"] == "Weak only in theirs"


def test_a_stage_emptied_since_closes_none_of_its_type_gaps() -> None:
    # Q1's Awareness lacks a human touchpoint; in Q2 Awareness has no touchpoint at all: a bigger gap, not a closed one.
    before = compute_audit(Q1, scores({}), STAGES)
    after = compute_audit(Q1[Q1["stage"] != "Awareness"], scores({}), STAGES)
    comparison = compare_audits(before, after)
    assert comparison.gaps_closed == []  # Purchase still lacks a digital one; Awareness lacks everything now
    assert [g.message for g in comparison.gaps_opened] == ["Awareness has no touchpoint at all."]


def test_duplicate_names_match_once_each_in_order() -> None:
    before = inventory([("a", "Email", "Awareness", "digital"), ("b", "Email", "Purchase", "digital")])
    after = inventory([("x", "email", "Purchase", "digital"), ("y", "EMAIL", "Awareness", "digital")])
    assert match_touchpoints(before, after) == [(0, 0, "name"), (1, 1, "name")]
    comparison = compare_audits(compute_audit(before, scores({}), STAGES), compute_audit(after, scores({}), STAGES))
    assert comparison.touchpoints["matched_by"].tolist() == ["name, stage was Awareness", "name, stage was Purchase"]


@pytest.mark.parametrize(
    ("text", "key"),
    [("  Call   Centre ", "call centre"), ("Écran", "ecran"), ("Осведомлённость", "осведомленность")],
)
def test_name_key(text: str, key: str) -> None:
    assert name_key(text) == key


def test_stage_key_meets_stages_across_languages() -> None:
    assert stage_key("Awareness") == stage_key("Осведомлённость") == stage_key("Conscientização")


# --- the command line, the store and the page ----------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


SPRING = ["sample_data/northwind_spring_inventory.xlsx", "--scores", "sample_data/northwind_spring_scores.csv"]
AUTUMN = [str(SAMPLE_INVENTORY), "--scores", str(SAMPLE_SCORES)]


def test_cli_compares_two_files_with_their_scores() -> None:
    status, out, err = run("compare", *SPRING, *AUTUMN, "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert (data["before"], data["after"], len(data["touchpoints"])) == (
        "northwind_spring_inventory",
        "northwind_inventory",
        46,
    )
    assert data["unmatched"]["before"] == [{"id": "PU-09", "name": "Printed price list", "stage": "Purchase"}]
    assert [t["id"] for t in data["unmatched"]["after"]] == ["AW-10", "CO-10"]
    service = next(s for s in data["stages"] if s["stage"] == "Service")
    assert service["beyond_noise"] is True and service["change"]["composite"] > 0
    status, out, _ = run("compare", *SPRING, *AUTUMN)
    assert out.startswith("northwind_inventory compared with its baseline northwind_spring_inventory\n")
    assert "  Stages that moved beyond the room's disagreement: Service +0.47." in out
    assert "Only in northwind_spring_inventory (1): PU-09 Printed price list" in out


def test_cli_compares_stored_audits_in_the_order_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run("import", *SPRING, "--audit", "Spring")[0] == 0
    assert run("import", *AUTUMN, "--audit", "Autumn")[0] == 0
    stored = json.loads(run("compare", "--audit", "Spring", "--audit", "Autumn", "--json")[1])
    files = json.loads(run("compare", *SPRING, *AUTUMN, "--json")[1])
    assert stored["stages"] == files["stages"] and stored["weak_spots"] == files["weak_spots"]
    mixed = json.loads(run("compare", "--audit", "Spring", *AUTUMN, "--json")[1])
    assert (mixed["before"], mixed["after"], mixed["weak_spots"]) == (
        "Spring",
        "northwind_inventory",
        files["weak_spots"],
    )
    status, _, err = run("compare", "--audit", "Autumn")
    assert status == 2 and "names no baseline" in err
    Store.open().set_comparison("Autumn", "Spring", actor=OPERATOR)
    assert json.loads(run("compare", "--audit", "Autumn", "--json")[1])["stages"] == files["stages"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["compare", str(SAMPLE_INVENTORY)],
            "compare takes two sides (files or --audit NAME), the baseline first; got 1.",
        ),
        (["compare", "--scores", str(SAMPLE_SCORES), str(SAMPLE_INVENTORY)], "--scores follows the inventory file"),
        (["compare", "a.xlsx", "b.xlsx", "--frobnicate"], "unrecognized argument: --frobnicate"),
    ],
)
def test_cli_compare_refuses_wrong_sides(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(*argv)
    assert status == 2
    assert message in err + capsys.readouterr().err


def test_set_comparison_is_checked_against_who_is_acting(store: Store) -> None:
    for name, owner in (("Ours", "lead@example.com"), ("Spring", "lead@example.com"), ("Rival", "other@example.com")):
        store.create_audit(name, actor=OPERATOR, owner=owner)
    lead, other = Facilitator("lead@example.com"), Facilitator("other@example.com")
    store.set_comparison("Ours", "Spring", actor=lead)
    assert (store.audit("Ours").compared_with, store.audit("Ours").compared_as) == ("Spring", "baseline")
    with pytest.raises(AuditNotFound):  # an audit the lead may not open cannot be named, nor confirmed to exist
        store.set_comparison("Ours", "Rival", "competitor", actor=lead)
    store.share("Ours", "other@example.com", Role.VIEWER, actor=lead)
    with pytest.raises(AccessDenied):  # a viewer reads, and does not change what an audit is compared with
        store.set_comparison("Ours", "Rival", "competitor", actor=other)
    with pytest.raises(StoreError, match="itself"):
        store.set_comparison("Ours", "Ours", actor=lead)
    store.set_comparison("Ours", None, actor=lead)
    assert store.audit("Ours").compared_with is None


def compare_page() -> AppTest:
    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    test.run()
    test.switch_page("views/compare.py").run()
    return test


def test_compare_page_shows_the_sample_against_its_spring_baseline(db: str) -> None:
    test = compare_page()
    assert not test.exception
    assert test.selectbox(key="compare_with").value == state.SAMPLE_BASELINE_AUDIT
    assert "Stages that moved beyond the room's disagreement: Service +0.47." in test.markdown[0].value
    stages = test.dataframe[0].value
    assert stages.set_index("Stage").loc["Service", "Movement"] == "better"
    test.toggle(key="compare_only_moved").set_value(True).run()
    moved = test.dataframe[1].value
    assert set(moved["Movement"]) <= {"better", "worse"} and len(moved) == 9


def test_compare_page_without_another_audit_says_what_to_do(db: str) -> None:
    test = compare_page()
    Store.open(db).delete_audit(state.SAMPLE_BASELINE_AUDIT, actor=OPERATOR)
    test.run()
    assert not test.exception
    assert "There is no other audit to compare with" in test.info[0].value


def test_workbook_comparison_sheet_and_the_workbook_still_imports(comparison: Comparison, tmp_path: Path) -> None:
    after = compute_audit(Q2, scores(Q2_SCORES), STAGES)
    meta = AuditMeta("Q2", None, STAGES, after.weights)
    path = tmp_path / "q2.xlsx"
    path.write_bytes(
        audit_workbook(after, Q2.assign(notes=None, extra=None), scores(Q2_SCORES), meta, comparison=comparison)
    )
    book = load_workbook(path)
    assert book.sheetnames.index("Comparison") == book.sheetnames.index("Consistency") + 1
    rows = [[v for v in row if v is not None] for row in book["Comparison"].iter_rows(values_only=True)]
    assert rows[0] == ["Q2 compared with its baseline Q1"]
    assert rows[1] == ["• Stages that moved beyond the room's disagreement: Awareness +1.00."]
    header = rows.index(["Stage", "Composite change", "Movement", "Composite Before", "Composite Now", "Noise",
                         "Touchpoints Before", "Touchpoints Now", *[f"{c} {s}" for c in ("Relevance", "Meaningfulness",
                         "Attractiveness") for s in ("change", "Before", "Now")]])  # fmt: skip
    assert rows[header + 1][:6] == ["Awareness", 1.0, "better", 3.0, 4.0, 0.0]
    assert ["Fixed (1)", "Website (T1)"] in rows and ["Only in Q1 (1)", "Flyer (T4)"] in rows
    assert ["Opened (1)", "Awareness has no physical touchpoint."] in rows
    back = read_import(path)
    assert back.can_import and [t.id for t in back.inventory.touchpoints] == ["T1", "S-2", "T3", "T5"]


def test_report_has_the_comparison_slides(comparison: Comparison) -> None:
    after = compute_audit(Q2, scores(Q2_SCORES), STAGES)
    deck = Presentation(io.BytesIO(report_file(after, AuditMeta("Q2", None, STAGES, after.weights), "pptx",
                                               comparison=comparison)))  # fmt: skip
    titles = [slide.shapes.title.text if slide.shapes.title else _first_text(slide) for slide in deck.slides]
    since = titles.index("Since Q1")
    assert titles[since - 1] == "Headline figures" and titles[since + 1] == "What changed since Q1"
    chart = deck.slides[since]
    assert [s.shape_type for s in chart.shapes].count(MSO_SHAPE_TYPE.PICTURE) == 1
    assert "Stages that moved beyond the room's disagreement: Awareness +1.00." in _all_text(chart)
    changed = _all_text(deck.slides[since + 1])
    assert "Moved beyond the noise: Website +2.00." in changed
    assert "Weak spots fixed: Website (T1)." in changed and "Weak spots new: App (T5)." in changed


def _all_text(slide: Any) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def _first_text(slide: Any) -> str:
    return next((shape.text_frame.text for shape in slide.shapes if shape.has_text_frame), "")


def test_cli_report_of_a_stored_audit_carries_its_comparison(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run("import", *SPRING, "--audit", "Spring")[0] == 0
    assert run("import", *AUTUMN, "--audit", "Autumn")[0] == 0
    status, out, _ = run("report", "--audit", "Autumn", "-o", str(tmp_path / "plain.xlsx"))
    assert status == 0 and "compared with" not in out
    assert "Comparison" not in load_workbook(tmp_path / "plain.xlsx").sheetnames
    Store.open().set_comparison("Autumn", "Spring", actor=OPERATOR)
    status, out, _ = run("report", "--audit", "Autumn", "-o", str(tmp_path / "compared.xlsx"))
    assert (status, out.strip().endswith("compared with 'Spring'.")) == (0, True)
    assert "Comparison" in load_workbook(tmp_path / "compared.xlsx").sheetnames
    Store.open().delete_audit("Spring", actor=OPERATOR)  # a baseline deleted since: the report goes on without it
    status, out, _ = run("report", "--audit", "Autumn", "-o", str(tmp_path / "after.xlsx"))
    assert status == 0 and "Comparison" not in load_workbook(tmp_path / "after.xlsx").sheetnames


def test_the_dashboards_filters_and_the_compare_choices_survive_a_visit_to_another_page(db: str) -> None:
    test = compare_page()
    test.selectbox(key="compare_stage").set_value("Service").run()
    test.toggle(key="compare_only_moved").set_value(True).run()
    test.switch_page("views/dashboard.py").run()
    test.multiselect(key="dash_stage").set_value(["Service"]).run()
    test.switch_page("views/export.py").run()
    test.switch_page("views/compare.py").run()
    assert (test.selectbox(key="compare_stage").value, test.toggle(key="compare_only_moved").value) == ("Service", True)
    test.switch_page("views/dashboard.py").run()
    assert test.multiselect(key="dash_stage").value == ["Service"]
    assert not test.exception


def test_the_compare_page_shows_no_zero_against_an_unscored_audit(db: str) -> None:
    test = compare_page()  # the sample loads, with its spring baseline
    store = Store.open(db)
    store.create_audit("Fresh", stage_order=["Awareness"], actor=OPERATOR, owner="local")
    store.add_touchpoint("Fresh", {"name": "Website", "stage": "Awareness"}, actor=OPERATOR)
    test.run()  # the page lists the audits as they are now
    test.selectbox(key="compare_with").set_value("Fresh").run()
    figures = {m.label: m.value for m in test.metric}
    assert (figures["Moved beyond the noise"], figures["Weak spots fixed / new"]) == ("-", "-")
    assert "'Fresh' has no scores yet" in test.markdown[0].value
