"""Reading workshop score files: wide and long, four languages, every problem with its row."""

from __future__ import annotations

import pytest
from conftest import DATA, INVENTORIES, SAMPLE_INVENTORY, SAMPLE_SCORES, where

from audit.inventory import read_inventory
from audit.metrics import audit_from_inventory
from audit.scoring import combine, read_scores, score_field_for_header, scores_from_inventory

SCORES = DATA / "scores"
TOUCHPOINTS = read_inventory(INVENTORIES / "title_rows.xlsx").touchpoints


def records(score_set) -> list[tuple[str, str, str, float]]:  # type: ignore[no-untyped-def]
    frame = score_set.frame
    return list(zip(frame["touchpoint_id"], frame["assessor"], frame["criterion"], frame["score"], strict=True))


@pytest.mark.parametrize(
    ("file", "expected", "problems"),
    [
        (
            "wide_en.csv",
            [
                ("T1", "Ana", "relevance", 4.0), ("T1", "Ana", "meaningfulness", 5.0),
                ("T1", "Ana", "attractiveness", 3.0), ("T2", "Ana", "relevance", 2.0),
                ("T2", "Ana", "meaningfulness", 2.0), ("T2", "Ana", "attractiveness", 1.0),
                ("T1", "Ben", "relevance", 5.0), ("T1", "Ben", "meaningfulness", 4.0),
                ("T1", "Ana", "relevance", 3.0), ("T1", "Ana", "meaningfulness", 5.0),
                ("T1", "Ana", "attractiveness", 3.0),
            ],
            [
                ("unmatched_touchpoint", 5, "touchpoint"), ("missing_assessor", 6, "assessor"),
                ("score_out_of_range", 7, "relevance"), ("score_not_a_number", 7, "meaningfulness"),
                ("score_not_whole", 7, "attractiveness"), ("missing_touchpoint", 8, "touchpoint"),
            ],
        ),
        (
            "long_ru.csv",
            [("T4", "Ирина", "relevance", 4.0), ("T4", "Ирина", "meaningfulness", 3.0),
             ("T4", "Ирина", "attractiveness", 5.0)],
            [("unknown_criterion", 5, "Критерий"), ("score_out_of_range", 6, "Оценка")],
        ),
        (
            "wide_pt.xlsx",
            [("T5", "Rui", "relevance", 2.0), ("T5", "Rui", "meaningfulness", 1.0),
             ("T5", "Rui", "attractiveness", 2.0), ("T3", "Rui", "relevance", 3.0),
             ("T3", "Rui", "meaningfulness", 3.0)],
            [],
        ),
        ("long_fa.csv", [("T2", "سارا", "attractiveness", 4.0), ("T2", "سارا", "relevance", 5.0)], []),
        ("no_assessor.csv", [], [("no_score_columns", 1, None)]),
    ],
)  # fmt: skip
def test_score_files(file: str, expected: list[tuple[str, str, str, float]], problems: list[tuple]) -> None:
    score_set = read_scores(SCORES / file, TOUCHPOINTS)
    assert records(score_set) == expected
    assert where(score_set.problems) == problems


def test_score_rows_keep_their_note_and_row() -> None:
    frame = read_scores(SCORES / "wide_pt.xlsx", TOUCHPOINTS).frame
    assert frame.loc[0, ["note", "row", "source"]].tolist() == ["espera longa", 3, "wide_pt.xlsx"]


def test_a_later_score_wins_and_the_repeat_is_reported() -> None:
    combined = combine([read_scores(SCORES / "wide_en.csv", TOUCHPOINTS)])
    ana_t1 = combined.frame[(combined.frame["touchpoint_id"] == "T1") & (combined.frame["assessor"] == "Ana")]
    assert ana_t1.set_index("criterion")["score"].to_dict() == {
        "relevance": 3.0, "meaningfulness": 5.0, "attractiveness": 3.0
    }  # fmt: skip
    assert where(combined.problems)[-3:] == [
        ("duplicate_score", 2, "relevance"), ("duplicate_score", 2, "meaningfulness"),
        ("duplicate_score", 2, "attractiveness"),
    ]  # fmt: skip
    assert "Ana scored relevance of T1 more than once (wide_en.csv, row 2); the later score counts." in (
        combined.problems[-3].message
    )


def test_several_files_at_once() -> None:
    sets = [read_scores(SCORES / f, TOUCHPOINTS) for f in ("wide_pt.xlsx", "long_ru.csv", "long_fa.csv")]
    combined = combine(sets)
    assert combined.assessors == ["Rui", "Ирина", "سارا"]
    assert len(combined.frame) == 10


def test_inventory_score_columns_are_one_assessor_named_after_the_file() -> None:
    score_set = scores_from_inventory(read_inventory(INVENTORIES / "title_rows.xlsx"))
    assert records(score_set) == [
        ("T1", "title_rows", "relevance", 4.0), ("T2", "title_rows", "relevance", 5.0),
        ("T3", "title_rows", "relevance", 3.0), ("T5", "title_rows", "relevance", 2.0),
    ]  # fmt: skip


def test_an_empty_cell_is_not_a_zero() -> None:
    inventory = read_inventory(INVENTORIES / "title_rows.xlsx")
    result = audit_from_inventory(inventory, read_scores(SCORES / "wide_pt.xlsx", TOUCHPOINTS).frame)
    t3 = result.touchpoints.set_index("id").loc["T3"]
    assert (t3["attractiveness_n"], t3["composite"]) == (0, 3.0)


@pytest.mark.parametrize(
    ("header", "field"),
    [("Assessor", "assessor"), ("Оценщик", "assessor"), ("Avaliador", "assessor"), ("ارزیاب", "assessor"),
     ("Criterion", "criterion"), ("Critério", "criterion"), ("Score", "score"), ("Балл", "score"),
     ("Touchpoint", "touchpoint"), ("Relevância", "relevance"), ("Comment", "note"), ("Region", None)],
)  # fmt: skip
def test_score_headers(header: str, field: str | None) -> None:
    assert score_field_for_header(header) == field


def test_sample_audit_headline_numbers() -> None:
    inventory = read_inventory(SAMPLE_INVENTORY)
    scores = combine([scores_from_inventory(inventory), read_scores(SAMPLE_SCORES, inventory.touchpoints)])
    assert scores.problems == []
    result = audit_from_inventory(inventory, scores.frame)
    assert result.assessors == ["Ana (CX lead)", "Boris (Retail)", "Chen (E-commerce)", "Dana (Care)"]
    assert len(scores.frame) == 519  # non-empty score cells, counted with awk
    assert result.coverage.scoring_share == pytest.approx(46 / 48)
    assert result.coverage.share == pytest.approx(14 / 15)
    assert [g.message for g in result.coverage.gaps] == ["Loyalty has no physical touchpoint."]
    # Regression pins for the sample (correctness is shown on the hand-computed audit in test_metrics.py).
    assert result.mean_composite == pytest.approx(3.2808, abs=1e-4)
    assert result.overall_consistency == pytest.approx(0.7101, abs=1e-4)
    assert (result.agreement.band, result.agreement.units) == ("low", 138)
    assert result.agreement.alpha == pytest.approx(0.5298, abs=1e-4)
    assert result.weak_spots[:3] == ["SE-01", "SE-05", "CO-02"]
    # The worked example of docs/method.md, by hand: R [3,2,2], M [3,2,3], A [2,2,1] -> 20/9.
    call_centre = result.touchpoints.set_index("id").loc["SE-05"]
    assert call_centre["composite"] == pytest.approx(20 / 9)
    assert call_centre["priority"] == pytest.approx(5 * (5 - 20 / 9))
    assert len(result.weak_spots) == 14
    assert result.weakest_stage is not None and result.weakest_stage.subject == "Service"
    assert result.stages["inconsistent"].tolist() == [False, True, True, False, False]
    assert [f.subject for f in result.perception_gaps] == ["LO-01"]
    assert result.uncontrolled == ["AW-06", "AW-07", "CO-08", "PU-06", "SE-10", "LO-06"]
