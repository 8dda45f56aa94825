"""Workshops without a browser: join codes, names, phases, the grid's score rule, the room,
and the workshop records in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from conftest import SAMPLE_INVENTORY
from openpyxl import load_workbook

from audit.access import LOCAL
from audit.inventory import read_inventory
from audit.invites import (
    CODE_ALPHABET,
    InviteError,
    clean_name,
    code_digest,
    digest,
    format_code,
    name_key,
    new_code,
)
from audit.metrics import compute_audit
from audit.phases import Phase, WorkshopState, refusal, transition_error
from audit.scoring import SCORE_COLUMNS, band, empty_scores
from audit.store import Store, StoreError
from audit.workbook import AuditMeta, audit_workbook
from audit.workshop import discuss_queue, grid_changes, progress, refused_cells, room, score_grid, spread
from audit.workshops import JoinRefused, ScoringRefused, Workshops

WEIGHTS = dict.fromkeys(("relevance", "meaningfulness", "attractiveness"), 1.0)


def touchpoints() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["T1", "T2", "T3"],
            "name": ["Website", "Store", "Call centre"],
            "stage": ["Awareness", "Purchase", "Service"],
            "channel": ["web", "store", "phone"],
            "owner": [None, "Retail", None],
        }
    )


def scores(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame([(t, a, c, s, None, "test", None) for t, a, c, s in rows], columns=SCORE_COLUMNS)


# --- codes, tokens and names ------------------------------------------------------------------


def test_a_join_code_is_two_groups_of_four_unambiguous_characters() -> None:
    code = new_code()
    assert len(code) == 9 and code[4] == "-"
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert not set("0O1IL5S8BZ") & set(CODE_ALPHABET)


@pytest.mark.parametrize("typed", ["k7qm-42xd", "K7QM42XD", " k7qm 42xd ", "K7QM_42XD"])
def test_a_typed_code_is_read_whatever_its_case_and_separators(typed: str) -> None:
    assert format_code(typed) == "K7QM-42XD"
    assert code_digest(typed) == code_digest("K7QM-42XD")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the join code"),
        ("K7QM-42X", "'K7QM-42X' is not a join code"),
        ("K7QM-42X0", "'K7QM-42X0' is not a join code: codes never use 0"),  # no guessing at look-alikes
        ("ABCD-EFGH", "'ABCD-EFGH' is not a join code: codes never use B"),
    ],
)
def test_a_wrong_code_is_refused_with_a_sentence(typed: str, message: str) -> None:
    with pytest.raises(InviteError, match=message):
        format_code(typed)


def test_names_are_trimmed_and_compared_without_case_or_accents() -> None:
    assert clean_name("  Ana   María ") == "Ana María"
    assert name_key("ANA MARIA") == name_key("ana maría")
    with pytest.raises(InviteError, match="Type your name"):
        clean_name("   ")
    with pytest.raises(InviteError, match="keep it under 61"):
        clean_name("x" * 61)


# --- phases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "key", "refused"),
    [
        (WorkshopState(Phase.ROUND1), "T1", None),
        (WorkshopState(Phase.ROUND1, locked=True), "T1", "Scoring is locked by the facilitator. This was not saved."),
        (WorkshopState(Phase.REVEALED), "T1", "Scoring is paused while the room discusses"),
        (WorkshopState(Phase.ROUND2, round2_keys=frozenset({"T1"})), "T1", None),
        (WorkshopState(Phase.ROUND2, round2_keys=frozenset({"T1"})), "T2", "Round 2 reopens only the touchpoints"),
        (WorkshopState(Phase.ROUND2, locked=True, round2_keys=frozenset({"T1"})), "T1", "locked"),
    ],
)
def test_what_each_phase_refuses(state: WorkshopState, key: str, refused: str | None) -> None:
    answer = refusal(state, key)
    assert answer == refused if refused is None else refused in str(answer)


def test_round_two_needs_a_reveal_and_something_to_discuss() -> None:
    assert "Reveal the room's scores first" in str(transition_error(WorkshopState(Phase.ROUND1), Phase.ROUND2, {"T1"}))
    assert "No touchpoint is flagged" in str(transition_error(WorkshopState(Phase.REVEALED), Phase.ROUND2, ()))
    assert transition_error(WorkshopState(Phase.REVEALED), Phase.ROUND2, {"T1"}) is None
    assert transition_error(WorkshopState(Phase.ROUND1), Phase.REVEALED) is None
    assert WorkshopState(Phase.ROUND2).round == 2 and WorkshopState(Phase.REVEALED).round == 1


# --- the grid -------------------------------------------------------------------------------


def own(rows: list[tuple[str, str, float | None, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["touchpoint_id", "criterion", "score", "note"])
    frame["score"] = frame["score"].astype("Float64")
    return frame


def test_the_grid_shows_scores_as_text_and_empty_cells_as_empty() -> None:
    grid = score_grid(touchpoints(), own([("T1", "relevance", 4.0, "slow"), ("T2", "meaningfulness", None, "n")]))
    assert grid.loc[0, "relevance"] == "4" and grid.loc[0, "meaningfulness"] == ""
    assert grid.loc[0, "note"] == "slow" and grid.loc[1, "note"] == "n"
    assert grid.loc[1, "meaningfulness"] == "" and grid.loc[2, "owner"] == ""  # never "None"
    assert all(str(t) == "string" for t in grid.dtypes)  # the browser gets one schema, whatever the values


def test_an_empty_grid_has_the_same_schema_as_a_full_one() -> None:
    empty = score_grid(touchpoints(), own([]))
    full = score_grid(touchpoints(), own([("T1", c, 3.0, "x") for c in WEIGHTS]))
    assert empty.dtypes.tolist() == full.dtypes.tolist()


@pytest.mark.parametrize(
    ("typed", "value", "error"),
    [
        ("4", 4, None),
        (" 5 ", 5, None),
        ("7", None, "7 is outside 1-5. Not saved."),
        ("0", None, "0 is outside 1-5. Not saved."),
        ("-1", None, "-1 is outside 1-5. Not saved."),
        ("3.5", None, "3.5 is not a whole number; scores are 1, 2, 3, 4 or 5. Not saved."),
        ("abc", None, "'abc' is not a number; scores are whole numbers 1-5. Not saved."),
        ("", None, None),  # a cleared cell clears the score
    ],
)
def test_every_typed_value_is_checked_never_clamped(typed: str, value: int | None, error: str | None) -> None:
    before = score_grid(touchpoints(), own([("T1", "relevance", 2.0, None)]))
    after = before.copy()
    after.loc[0, "relevance"] = typed
    edits, notes = grid_changes(before, after)
    assert [(e.key, e.criterion, e.value, e.error) for e in edits] == [("T1", "relevance", value, error)]
    assert notes == []
    assert [e.typed for e in refused_cells(before, after)] == ([typed] if error else [])


def test_a_note_is_one_edit_of_its_row() -> None:
    before = score_grid(touchpoints(), own([]))
    after = before.copy()
    after.loc[1, "note"] = "Queue at the till"
    edits, notes = grid_changes(before, after)
    assert edits == [] and [(n.key, n.note) for n in notes] == [("T2", "Queue at the till")]


def test_progress_counts_touchpoints_with_all_three_criteria() -> None:
    mine = own(
        [("T1", c, 3.0, None) for c in WEIGHTS] + [("T2", "relevance", 5.0, None), ("T3", "relevance", None, "x")]
    )
    assert progress(mine, ["T1", "T2", "T3"]) == (1, 3)


# --- the room ---------------------------------------------------------------------------------


def test_the_room_of_an_audit_with_no_score_is_empty_not_an_error() -> None:
    # The old room() raised KeyError: 'mean' here, every 5 s, on every fresh audit.
    view = room(touchpoints(), empty_scores(), WEIGHTS)
    assert view["id"].tolist() == ["T1", "T2", "T3"]
    assert view["R n"].tolist() == [0, 0, 0] and view["composite"].isna().all()
    assert not view["discuss"].any() and discuss_queue(view).empty


def test_the_room_and_its_discuss_queue_by_hand() -> None:
    data = scores(
        [
            ("T1", "A", "relevance", 1), ("T1", "B", "relevance", 4), ("T1", "C", "relevance", 5),  # span 4
            ("T2", "A", "relevance", 3), ("T2", "B", "relevance", 5),  # span 2
            ("T3", "A", "meaningfulness", 4), ("T3", "B", "meaningfulness", 4),  # span 0
        ]
    )  # fmt: skip
    view = room(touchpoints(), data, WEIGHTS)
    assert view["R mean"].tolist()[:2] == [3.33, 4.0]  # (1+4+5)/3, (3+5)/2
    assert view["R n"].tolist() == [3, 2, 0] and view["M n"].tolist() == [0, 0, 2]
    assert view["spread"].tolist() == [4, 2, 0]
    assert view["discuss"].tolist() == [True, True, False]
    assert discuss_queue(view)["id"].tolist() == ["T1", "T2"]  # largest spread first
    full = compute_audit(touchpoints().assign(type=None, control=None, importance=3.0, reach=None,
                                              conversions=None, customer_rating=None, type_inferred=False),
                         data, ["Awareness", "Purchase", "Service"])  # fmt: skip
    assert view["composite"].tolist()[:2] == [round(v, 2) for v in full.touchpoints["composite"].tolist()[:2]]


def test_a_participant_sees_the_rooms_spread_in_words() -> None:
    data = scores([("T1", "A", "relevance", 2), ("T1", "B", "relevance", 4), ("T1", "C", "relevance", 4)])
    seen = spread(data, "T1", "relevance")
    assert (seen.n, seen.low, seen.high, seen.discuss) == (3, 2, 4, True)
    assert seen.sentence == "The room: 1x 2, 2x 4 (mean 3.3, 3 scored). Scores 2 or more points apart: to discuss."
    assert spread(data, "T2", "relevance").sentence == "Nobody has scored this yet."


# --- the store ------------------------------------------------------------------------------


@pytest.fixture
def workshop(store: Store) -> tuple[Workshops, str]:
    inventory = read_inventory(SAMPLE_INVENTORY)
    store.import_inventory("W", inventory, actor=LOCAL)
    return Workshops(store), "W"


def test_joining_by_code_gives_a_token_that_finds_the_participant(workshop: tuple[Workshops, str]) -> None:
    workshops, audit = workshop
    code = workshops.issue_code(audit, actor=LOCAL)
    ana, token = workshops.join(code.lower(), "  Ana  ")
    assert (ana.audit, ana.name) == ("W", "Ana") and len(token) >= 32
    assert workshops.participant(token) == ana and ana.token_digest == digest(token)
    assert workshops.participant("not-a-token") is None and workshops.participant(None) is None
    assert [p.name for p in workshops.participants(audit)] == ["Ana"]
    with workshops.engine.connect() as connection:  # only digests are stored
        stored = " ".join(str(v) for row in connection.exec_driver_sql("SELECT * FROM join_codes") for v in row)
        stored += " ".join(str(v) for row in connection.exec_driver_sql("SELECT * FROM participants") for v in row)
    assert code.replace("-", "") not in stored and token not in stored


def test_a_name_is_one_persons_and_a_replaced_code_opens_nothing(workshop: tuple[Workshops, str]) -> None:
    workshops, audit = workshop
    code = workshops.issue_code(audit, actor=LOCAL)
    workshops.join(code, "Ana")
    with pytest.raises(JoinRefused, match="already called 'ANA'"):
        workshops.join(code, "ANA")
    assert workshops.revoke_codes(audit, actor=LOCAL) == 1
    with pytest.raises(JoinRefused, match="replaced by the facilitator"):
        workshops.join(code, "Ben")
    with pytest.raises(JoinRefused, match="not known"):
        workshops.join("AAAA-AAAA", "Ben")
    assert workshops.code_is_active(audit, workshops.issue_code(audit, actor=LOCAL))


def test_a_participant_scores_only_as_themselves_and_as_the_phase_allows(workshop: tuple[Workshops, str]) -> None:
    workshops, audit = workshop
    store = workshops.store
    ana, _ = workshops.join(workshops.issue_code(audit, actor=LOCAL), "Ana")
    ben, _ = workshops.join(workshops.issue_code(audit, actor=LOCAL), "Ben")
    before = workshops.revision(audit)
    assert workshops.score_as(ana, "AW-01", "relevance", 1).changed
    assert workshops.revision(audit) == before + 1  # the room's change counter moved
    workshops.score_as(ben, "AW-01", "relevance", 5)
    workshops.score_as(ana, "AW-02", "relevance", 3)
    workshops.score_as(ben, "AW-02", "relevance", 3)
    assert workshops.note_as(ana, "AW-01", "Ad ran at 3 am")

    workshops.set_phase(audit, Phase.REVEALED, actor=LOCAL)
    with pytest.raises(ScoringRefused, match="paused"):
        workshops.score_as(ana, "AW-01", "relevance", 2)
    assert workshops.note_as(ana, "AW-02", "Said in the room: the ads ran at 3 am")  # evidence during the talk
    view = room(store.touchpoint_frame(audit), store.score_frame(audit), WEIGHTS)
    flagged = discuss_queue(view)["id"].tolist()
    assert flagged == ["AW-01"]
    workshops.set_phase(audit, Phase.ROUND2, flagged=flagged, actor=LOCAL)
    workshops.score_as(ana, "AW-01", "relevance", 4)  # changed her mind after the discussion
    with pytest.raises(ScoringRefused, match="Round 2 reopens only"):
        workshops.score_as(ana, "AW-02", "relevance", 4)
    workshops.set_locked(audit, True, actor=LOCAL)
    with pytest.raises(ScoringRefused, match="locked"):
        workshops.score_as(ben, "AW-01", "relevance", 4)
    with pytest.raises(ScoringRefused, match="Your note was not saved"):
        workshops.note_as(ben, "AW-01", "too late")
    workshops.set_locked(audit, False, actor=LOCAL)
    assert workshops.state(audit).phase is Phase.ROUND2  # reopening returns to the phase

    mine = workshops.own_scores(ana)
    assert mine.loc[mine["criterion"] == "relevance"].set_index("touchpoint_id")["score"].to_dict() == {
        "AW-01": 4.0,
        "AW-02": 3.0,
    }
    assert set(mine.loc[mine["touchpoint_id"] == "AW-01", "note"]) == {"Ad ran at 3 am"}
    round1 = store.round1_score_frame(audit)
    assert round1 is not None
    first = round1[(round1["assessor"] == "Ana") & (round1["touchpoint_id"] == "AW-01")]
    assert first["score"].tolist() == [1.0]  # the history keeps round 1
    history = store.history(audit, "AW-01")
    assert f"participant #{ana.id} (Ana)" in history["changed_by"].tolist()  # the token's identity


def test_round_one_agreement_differs_from_after_discussion(workshop: tuple[Workshops, str]) -> None:
    workshops, audit = workshop
    store = workshops.store
    code = workshops.issue_code(audit, actor=LOCAL)
    ana, _ = workshops.join(code, "Ana")
    ben, _ = workshops.join(code, "Ben")
    for key, a, b in (("AW-01", 1, 5), ("AW-02", 2, 2), ("AW-03", 4, 4), ("AW-04", 3, 5)):
        workshops.score_as(ana, key, "relevance", a)
        workshops.score_as(ben, key, "relevance", b)
    assert store.round1_score_frame(audit) is None  # no round 2 yet
    workshops.set_phase(audit, Phase.REVEALED, actor=LOCAL)
    workshops.set_phase(audit, Phase.ROUND2, flagged=["AW-01", "AW-04"], actor=LOCAL)
    workshops.score_as(ana, "AW-01", "relevance", 4)
    workshops.score_as(ben, "AW-01", "relevance", 4)
    round1, now = store.round1_score_frame(audit), store.score_frame(audit)
    assert round1 is not None
    tps, info = store.touchpoint_frame(audit), store.audit(audit)
    before = compute_audit(tps, round1, info.stage_order).agreement.alpha
    after = compute_audit(tps, now, info.stage_order).agreement.alpha
    assert before is not None and after is not None and after > before
    result = store.snapshot(audit).result  # what the dashboard, the CLI and the workbook read
    assert result.round1_agreement is not None
    assert (result.round1_agreement.alpha, result.agreement.alpha) == (before, after)
    assert result.to_json()["agreement_round1"]["alpha"] == before
    book = load_workbook(io.BytesIO(audit_workbook(result, tps, now, AuditMeta(audit, None, info.stage_order,
                                                                             info.weights))))  # fmt: skip
    facts = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert facts["Agreement in round 1 (before discussion)"] == f"{before:.3f} ({band(before)})"


def test_a_removed_participant_cannot_score_and_a_new_link_replaces_the_old(workshop: tuple[Workshops, str]) -> None:
    workshops, audit = workshop
    ana, token = workshops.join(workshops.issue_code(audit, actor=LOCAL), "Ana")
    fresh = workshops.new_link(audit, "Ana", actor=LOCAL)
    assert workshops.participant(token) is None
    with pytest.raises(ScoringRefused, match="replaced or removed"):  # a screen still open on the old link
        workshops.score_as(ana, "AW-01", "relevance", 3)
    renewed = workshops.participant(fresh)
    assert renewed is not None and (renewed.id, renewed.name) == (ana.id, "Ana")
    assert workshops.score_as(renewed, "AW-01", "relevance", 3).changed
    workshops.remove(audit, "Ana", actor=LOCAL)
    assert workshops.participant(fresh) is None
    with pytest.raises(ScoringRefused, match="replaced or removed"):
        workshops.score_as(renewed, "AW-01", "relevance", 4)
    with pytest.raises(StoreError, match="Nobody called 'Zed'"):
        workshops.new_link(audit, "Zed", actor=LOCAL)


def test_an_imported_assessor_can_be_given_a_link(workshop: tuple[Workshops, str], store: Store) -> None:
    inventory = read_inventory(SAMPLE_INVENTORY)
    frame = scores([("AW-01", "Imported Ivy", "relevance", 2)])
    store.import_inventory("W", inventory, frame, actor=LOCAL)
    workshops, audit = workshop
    with pytest.raises(JoinRefused, match="already called"):
        workshops.join(workshops.issue_code(audit, actor=LOCAL), "imported ivy")
    ivy = workshops.participant(workshops.new_link(audit, "Imported Ivy", actor=LOCAL))
    assert ivy is not None and ivy.name == "Imported Ivy"
    assert workshops.own_scores(ivy)["score"].tolist() == [2.0]


def test_an_import_that_changes_many_scores_moves_the_revision_once(workshop: tuple[Workshops, str]) -> None:
    workshops, audit = workshop
    inventory = read_inventory(SAMPLE_INVENTORY)
    first = scores([(f"AW-0{i}", "Ivy", "relevance", 2) for i in range(1, 6)])
    workshops.store.import_inventory(audit, inventory, first, actor=LOCAL)
    before = workshops.revision(audit)
    changed = scores([(f"AW-0{i}", "Ivy", "relevance", 4) for i in range(1, 6)])
    assert workshops.store.import_inventory(audit, inventory, changed, actor=LOCAL).scores_changed == 5
    assert workshops.revision(audit) == before + 1
    assert len(workshops.store.history(audit)) == 5  # each change is still in the history
