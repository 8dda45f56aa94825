"""The Streamlit app with AppTest: every page, and targeted tests of import, mapping and scoring."""

from __future__ import annotations

import re

import pytest
from conftest import DATA, INVENTORIES, REALWORLD, ROOT, app, forget
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from audit import charts
from audit.access import LOCAL, Facilitator
from audit.phases import Phase
from audit.store import Store, StoreError
from audit.workbook import audit_workbook
from audit.workshops import Workshops
from ui import state

PAGES = ["views/dashboard.py", "views/workshop.py", "views/inventory.py", "views/import_inventory.py",
         "views/export.py", "views/audits.py"]  # fmt: skip
SAMPLE = state.SAMPLE_AUDIT


def sidebar_text(test: AppTest) -> list[str]:
    return [str(getattr(e, "value", "")) for e in test.sidebar.children.values()]


def text_of(test: AppTest) -> str:
    parts = [e.value for e in [*test.markdown, *test.caption, *test.success, *test.info, *test.error, *test.warning]]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_sample_without_an_exception(db: str, page: str) -> None:
    test = app(page)
    assert not test.exception, test.exception
    assert test.title[0].value in {"Audits", f"Workshop: {SAMPLE}", "Inventory", "Import an inventory", "Export",
                                   SAMPLE}  # fmt: skip


def test_first_start_opens_the_sample_audit(db: str) -> None:
    test = app()
    metrics = {m.label: m.value for m in test.metric}
    assert metrics["Touchpoints"] == "48"
    assert metrics["Scored"] == "46 of 48"
    assert metrics["Mean composite"] == "3.28"
    assert metrics["Agreement"] == "0.53"  # short, so no column cuts it; the band beside it
    assert {m.label: m.delta for m in test.metric}["Agreement"] == "low"
    assert metrics["Weak spots"] == "14"
    assert test.query_params["audit"] == SAMPLE
    assert f"**Open audit:** {SAMPLE}" in sidebar_text(test)
    assert "Loyalty has no physical touchpoint." in text_of(test)
    assert len(test.get("vega_lite_chart")) == 8  # every chart, the folded stage x channel heatmap too
    # a table: its cells wrap, no reason is cut; what it shows once Markdown reads its escapes
    weak = test.table[0].value.map(lambda cell: re.sub(r"\\(.)", r"\1", cell)).set_index("Touchpoint")
    assert weak.loc["Call centre (Service; Customer care)", "Why it is weak"] == (
        "Composite 2.22 is below 3.0; attractiveness averages 1.67 (2.0 or lower)."
    )


def test_dashboard_filters_recompute(db: str) -> None:
    test = app()
    test.multiselect(key="dash_stage").set_value(["Service"]).run()
    metrics = {m.label: m.value for m in test.metric}
    assert metrics["Touchpoints"] == "10" and metrics["Mean composite"] == "2.83"


def findings_of(test: AppTest) -> list[str]:
    """The sentences in the dashboard's Findings list."""
    (listed,) = [m.value for m in test.markdown if str(m.value).startswith("- ")]
    return [line.removeprefix("- ") for line in str(listed).splitlines()]


def chart_rows(test: AppTest, title: str) -> list[dict[str, object]]:
    """The data rows of the chart whose axis or title names `title`."""
    import json

    for chart in test.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if title in json.dumps(spec):
            return [row for rows in spec.get("datasets", {}).values() for row in rows] + [
                row for dataset in chart.proto.datasets for row in _arrow_rows(dataset.data.data)
            ]
    raise AssertionError(f"no chart with {title!r}")


def _arrow_rows(data: bytes) -> list[dict[str, object]]:
    import pyarrow as pa

    return pa.ipc.open_stream(data).read_all().to_pylist() if data else []


def test_a_stage_filter_shows_that_stage_and_declares_no_other_stage_empty(db: str) -> None:
    test = app()
    test.multiselect(key="dash_stage").set_value(["Service"]).run()
    assert not test.exception
    shown = text_of(test)
    assert "has no touchpoint at all" not in shown  # the other stages are hidden, not empty
    assert "Loyalty has no physical touchpoint." not in shown  # Loyalty is not shown
    assert "Coverage gaps are judged on every touchpoint of the stages shown" in shown
    test.multiselect(key="dash_stage").set_value(["Loyalty"]).run()
    assert [f for f in findings_of(test) if f.endswith((" touchpoint.", "touchpoint at all."))] == [
        "Loyalty has no physical touchpoint."
    ]
    stages = {row["stage"] for row in chart_rows(test, "Touchpoint type")}
    assert stages == {"Loyalty"}


def test_a_channel_filter_finds_no_false_gaps(db: str) -> None:
    test = app()
    test.multiselect(key="dash_channel").set_value(["Website"]).run()  # Awareness and Loyalty have no Website
    assert not test.exception
    metrics = {m.label: m.value for m in test.metric}
    assert metrics["Touchpoints"] != "48"
    gaps = [f for f in findings_of(test) if f.endswith((" touchpoint.", "touchpoint at all."))]
    assert gaps == ["Loyalty has no physical touchpoint."]  # the whole audit's one gap, and no other
    assert "Coverage gaps are judged on the whole audit" in text_of(test)
    labels = {(row["stage"], row["type"]): row["label"] for row in chart_rows(test, "Touchpoint type")}
    assert [cell for cell, label in labels.items() if label == "gap"] == [("Loyalty", "physical")]


def fresh_audit(db: str, name: str, stages: list[str], rows: list[tuple[str, str, str | None, str | None]]) -> None:
    """An audit of (name, stage, type, channel) touchpoints, nobody's scores yet."""
    app()  # the first start (the sample), so that the store exists
    store = Store.open(db)
    store.create_audit(name, stage_order=stages, actor=LOCAL)
    for number, (tp_name, stage, kind, channel) in enumerate(rows, start=1):
        values = {"id": f"T{number}", "name": tp_name, "stage": stage, "type": kind, "channel": channel}
        store.add_touchpoint(name, values, actor=LOCAL)


FRESH = [("Billboard", "Awareness", "physical", "Outdoor"), ("Search ads", "Awareness", "digital", "Search"),
         ("Checkout", "Purchase", "digital", "Website")]  # fmt: skip


def test_an_audit_with_no_scores_shows_why_each_chart_is_empty_and_no_misleading_zero(db: str) -> None:
    fresh_audit(db, "Fresh", ["Awareness", "Purchase"], FRESH)
    test = app(audit="Fresh")
    assert not test.exception
    metrics = {m.label: m.value for m in test.metric}
    assert metrics == {"Touchpoints": "3", "Scored": "0 of 3", "Mean composite": "-", "Consistency": "-",
                       "Agreement": "-", "Weak spots": "-"}  # fmt: skip
    assert {m.label: m.help for m in test.metric}["Weak spots"] == "Not yet: no scores yet."
    infos = [i.value for i in test.info]
    no_scores = f"{charts.NO_SCORES} {charts.INVITE}"
    assert infos.count(no_scores) == 5  # journey, consistency, weak spots, quadrant, disagreement
    assert any(i.startswith("No touchpoint has a customer rating") for i in infos)
    assert len(test.get("vega_lite_chart")) == 2  # the two coverage heatmaps: counting needs no score
    assert "0.000000" not in str([c.proto.spec for c in test.get("vega_lite_chart")])


def test_one_assessor_leaves_disagreement_empty_and_says_why(db: str) -> None:
    fresh_audit(db, "Solo", ["Awareness", "Purchase"], FRESH)
    store = Store.open(db)
    for key, value in (("T1", 2), ("T2", 4), ("T3", 3)):
        for criterion in ("relevance", "meaningfulness", "attractiveness"):
            store.save_score("Solo", key, "Ana", criterion, value, actor=LOCAL)
    test = app(audit="Solo")
    assert not test.exception
    assert "Disagreement needs two assessors on the same touchpoint; only one assessor, Ana, has scored so far." in (
        text_of(test)
    )
    metrics = {m.label: m.value for m in test.metric}
    assert (metrics["Scored"], metrics["Mean composite"], metrics["Agreement"]) == ("3 of 3", "3.00", "-")


def test_untyped_touchpoints_are_counted_as_unknown_not_read_as_absent(db: str) -> None:
    # The Persian audit whose TV and Instagram rows had no type.
    rows = [("تبلیغ تلویزیونی", "آگاهی", None, "TV"), ("اینستاگرام", "آگاهی", None, "Instagram"),
            ("سایت", "خرید", "digital", "Website")]  # fmt: skip
    fresh_audit(db, "Persian", ["آگاهی", "خرید"], rows)
    test = app(audit="Persian")
    assert not test.exception
    findings = findings_of(test)
    assert not [f for f in findings if f.startswith("آگاهی has no")]
    assert (
        "آگاهی has 2 touchpoints with no type, so its physical / digital / human coverage is unknown. "
        "Add a Type on the Inventory page." in findings
    )
    assert "خرید has no physical touchpoint." in findings
    cells = {(row["stage"], row["type"]): row["label"] for row in chart_rows(test, "Touchpoint type")}
    assert [cells[("آگاهی", t)] for t in ("physical", "digital", "human", "unknown")] == ["?", "?", "?", "2"]


def participant(db: str, name: str = "Zoe", audit: str = SAMPLE) -> str:
    """A participant of the audit, joined by code as the join page does; returns their token."""
    if audit == SAMPLE:
        app()  # the first start loads the sample
    workshops = Workshops(Store.open(db))
    return workshops.join(workshops.issue_code(audit, actor=LOCAL), name)[1]


def tap(test: AppTest, key: str, criterion: str, value: int) -> AppTest:
    test.segmented_control(key=f"tap|{key}|{criterion}").set_value(value).run()
    return test


def saved(db: str, name: str = "Zoe") -> list[list[object]]:
    frame = Store.open(db).score_frame(SAMPLE)
    mine = frame[frame["assessor"] == name].sort_values(["touchpoint_id", "criterion"])
    return mine[["touchpoint_id", "criterion", "score"]].values.tolist()


def test_the_join_page_asks_a_name_once_and_opens_the_scoring_screen(db: str) -> None:
    app()  # the first start loads the sample
    workshops = Workshops(Store.open(db))
    code = workshops.issue_code(SAMPLE, actor=LOCAL)
    test = app(code=code.lower())
    assert f"You are invited to score **{SAMPLE}**." in text_of(test)
    assert not test.sidebar.children  # no navigation, no audit list
    test.text_input(key="join_name").set_value("Zoe")
    test.button(key="FormSubmitter:join-Join").click().run()
    assert not test.exception
    token = test.query_params["p"]
    assert workshops.participant(token) is not None and "audit" not in test.query_params
    assert "Scoring as **Zoe**" in text_of(test)


def test_a_taken_name_and_a_wrong_code_are_refused_on_the_join_page(db: str) -> None:
    participant(db, "Zoe")
    code = Workshops(Store.open(db)).issue_code(SAMPLE, actor=LOCAL)
    test = app(code=code)
    test.text_input(key="join_name").set_value("zoe")
    test.button(key="FormSubmitter:join-Join").click().run()
    assert "Someone in this audit is already called 'zoe'" in test.error[0].value
    assert "p" not in test.query_params
    assert "That join code is not known" in app(code="AAAA-AAAA").error[0].value


def test_a_tap_is_saved_and_confirmed(db: str) -> None:
    test = app(p=participant(db))
    assert not test.exception
    assert "0 of 48 scored" in test.get("progress")[0].proto.text
    tap(test, "AW-01", "relevance", 4)
    assert not test.exception
    assert saved(db) == [["AW-01", "relevance", 4.0]]
    assert "Saved: relevance 4 (good)." in [s.value for s in test.success]
    for criterion in ("meaningfulness", "attractiveness"):
        tap(test, "AW-01", criterion, 3)
    assert "1 of 48 scored" in test.get("progress")[0].proto.text


def test_a_participant_sees_only_their_own_scores_until_the_reveal(db: str) -> None:
    test = app(p=participant(db))
    page = text_of(test)
    assert "The room:" not in page and "Ana (CX lead)" not in page  # the sample's assessors stay hidden
    Workshops(Store.open(db)).set_phase(SAMPLE, Phase.REVEALED, actor=LOCAL)
    forget()
    test = app(p=test.query_params["p"])
    assert "Scoring is paused" in text_of(test)


def test_after_the_reveal_a_participant_sees_the_rooms_spread_where_they_scored(db: str) -> None:
    token = participant(db)
    test = app(p=token)
    for criterion in ("relevance", "meaningfulness", "attractiveness"):
        tap(test, "AW-01", criterion, 5)
    Workshops(Store.open(db)).set_phase(SAMPLE, Phase.REVEALED, actor=LOCAL)
    forget()
    test = app(p=token)
    spread = [c.value for c in test.caption if str(c.value).startswith("The room:")]
    # AW-01 relevance: the sample's four assessors gave 4, 5, 4, 4; Zoe a 5.
    assert spread[0] == "The room: 3x 4, 2x 5 (mean 4.4, 5 scored). You: 5."


def test_a_locked_workshop_refuses_a_tap_with_a_message_and_keeps_the_saved_value(db: str) -> None:
    test = app(p=participant(db))
    tap(test, "AW-01", "relevance", 2)
    Workshops(Store.open(db)).set_locked(SAMPLE, True, actor=LOCAL)  # while the participant's screen is open
    tap(test, "AW-01", "relevance", 5)
    assert [e.value for e in test.error] == [
        "Relevance not saved: Scoring is locked by the facilitator. This was not saved."
    ]
    assert test.segmented_control(key="tap|AW-01|relevance").value == 2
    assert saved(db) == [["AW-01", "relevance", 2.0]]


def test_the_card_is_in_the_address_so_a_new_session_opens_the_same_card(db: str) -> None:
    """A reload, or a reconnection to another app process after one was lost (./scripts/serve), is a
    new session: it opens the card the address names and says that an unconfirmed tap did not count."""
    token = participant(db)
    test = app(p=token)
    assert test.query_params["at"] == "AW-01" and "Welcome back" not in text_of(test)
    test.button(key="card_next").click().run()
    tap(test, "AW-02", "relevance", 3)
    assert test.query_params["at"] == "AW-02"
    again = app(p=token, at="AW-02")  # the same address, a new session
    assert again.subheader[0].value == test.subheader[0].value
    assert again.segmented_control(key="tap|AW-02|relevance").value == 3
    welcome = "Welcome back: your saved scores are shown. A tap that did not say 'Saved' did not count: tap it again."
    assert welcome in [i.value for i in again.info]
    tap(again, "AW-02", "meaningfulness", 4)
    assert welcome not in text_of(again)  # said until the next tap
    assert saved(db) == [["AW-02", "meaningfulness", 4.0], ["AW-02", "relevance", 3.0]]
    tap(again, "AW-02", "attractiveness", 2)  # the card is done: a reload opens the next one to do
    assert app(p=token, at="AW-02").query_params["at"] == "AW-01"
    Workshops(Store.open(db)).set_phase(SAMPLE, Phase.REVEALED, actor=LOCAL)
    forget()
    again.run()  # a new phase starts at its own start, not on the card in the address
    assert again.query_params["at"] == "AW-01"


def test_the_join_code_on_the_projector_survives_a_new_session(db: str) -> None:
    """The code shown on the Workshop page is in its address: a reload, or a lost app process, shows it
    again (codes are stored hashed, so the database cannot); a stopped code is not shown."""
    test = app("views/workshop.py")
    test.button(key="issue_code").click().run()
    code = test.query_params["shown"]
    assert code in text_of(test)
    again = app("views/workshop.py", audit=SAMPLE, shown=code)
    assert code in text_of(again) and len(again.get("image")) == 1  # the QR code too
    again.button(key="revoke_codes").click().run()
    assert "shown" not in again.query_params
    stopped = app("views/workshop.py", audit=SAMPLE, shown=code)
    assert code not in text_of(stopped) and "shown" not in stopped.query_params


def test_a_note_refused_on_the_way_to_the_next_card_is_still_said(db: str) -> None:
    test = app(p=participant(db))
    Workshops(Store.open(db)).set_locked(SAMPLE, True, actor=LOCAL)
    test.text_area(key="note|AW-01").set_value("Seen at the bus stop")
    test.button(key="card_next").click().run()  # the note is saved on the way out, and refused
    assert "TV spot 'Home in a weekend': Scoring is locked by the facilitator. Your note was not saved." in [
        e.value for e in test.error
    ]
    assert test.session_state["card_current"] == "AW-02"


def test_a_removed_participants_link_opens_nothing(db: str) -> None:
    token = participant(db)
    Workshops(Store.open(db)).remove(SAMPLE, "Zoe", actor=LOCAL)
    test = app(p=token)
    assert "This scoring link no longer works" in test.warning[0].value
    assert "Scoring as" not in text_of(test) and not test.sidebar.children


def grid_edit(test: AppTest, rows: dict[int, dict[str, str]]) -> AppTest:
    test.session_state["grid_0"] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return test.run()


def test_the_grid_saves_what_was_typed_and_refuses_a_7_without_clamping(db: str) -> None:
    test = app(p=participant(db))
    test.segmented_control(key="view_mode").set_value("Grid (laptop)").run()
    grid_edit(test, {0: {"relevance": "4"}, 1: {"relevance": "7", "note": "Too loud"}})
    assert not test.exception
    assert saved(db) == [["AW-01", "relevance", 4.0]]
    refusal = test.error[0].value
    assert "Search ads, relevance: 7 is outside 1-5. Not saved." in refusal
    assert [s.value for s in test.success] == ["Saved: the note on Search ads."]  # one confirmation for the note
    assert Store.open(db).score_frame(SAMPLE).query("assessor == 'Zoe'")["score"].tolist() == [4.0]
    grid_edit(test, {0: {"relevance": "4"}, 1: {"relevance": "3", "note": "Too loud"}})  # corrected
    assert not test.error and saved(db) == [["AW-01", "relevance", 4.0], ["AW-02", "relevance", 3.0]]
    notes = Workshops(Store.open(db)).own_scores(Workshops(Store.open(db)).participant(test.query_params["p"]))
    assert set(notes.loc[notes["touchpoint_id"] == "AW-02", "note"]) == {"Too loud"}


def test_the_console_steers_the_phases_and_shows_the_room(db: str) -> None:
    test = app("views/workshop.py")
    assert not test.exception
    test.button(key="issue_code").click().run()
    assert Workshops(Store.open(db)).active_codes(SAMPLE) == 1
    assert any("join?code=" in m.value for m in test.markdown)
    test.button(key="reveal").click().run()
    assert Workshops(Store.open(db)).state(SAMPLE).phase is Phase.REVEALED
    test.button(key="round2").click().run()  # the sample has touchpoints flagged 'discuss'
    state_now = Workshops(Store.open(db)).state(SAMPLE)
    assert state_now.phase is Phase.ROUND2 and "AW-01" in state_now.round2_keys
    test.button(key="lock").click().run()
    assert Workshops(Store.open(db)).state(SAMPLE).locked
    test.button(key="unlock").click().run()
    assert not Workshops(Store.open(db)).state(SAMPLE).locked
    assert not test.exception


def test_the_console_refuses_round_two_before_the_reveal(db: str) -> None:
    test = app("views/workshop.py")
    assert not [b for b in test.button if b.key == "round2"]  # not offered in round 1
    with pytest.raises(StoreError, match="Reveal the room's scores first"):
        Workshops(Store.open(db)).set_phase(SAMPLE, Phase.ROUND2, flagged=["AW-01"], actor=LOCAL)


def test_import_maps_columns_and_lists_problems(db: str) -> None:
    test = app("views/import_inventory.py")
    data = (REALWORLD / "uk_bereavement_touchpoints.csv").read_bytes()
    test.file_uploader(key="inventory_upload").set_value(("uk.csv", data, "text/csv")).run()
    assert "No column holds the touchpoint names" in text_of(test)
    assert any("cannot be imported" in e.value for e in test.error)
    assert test.button(key="import_button").disabled
    test.selectbox(key="map_name").set_value("label").run()
    test.selectbox(key="map_stage").set_value("need_id").run()
    assert test.selectbox(key="map_name").value == "label"  # the choice shows what was read, and holds
    assert test.success[0].value.startswith("uk.csv: 33 touchpoints in 13 stages, header on row 1")
    test.text_input(key="import_name").set_value("Bereavement").run()
    test.button(key="import_button").click().run()
    assert not test.exception
    assert any("Touchpoints: 33 new" in s.value for s in test.success)
    assert test.query_params["audit"] == "Bereavement"
    assert "**Open audit:** Bereavement" in sidebar_text(test)  # not the sample any more
    assert len(Store.open(db).touchpoint_frame("Bereavement")) == 33


def test_reimport_shows_what_will_change_first(db: str) -> None:
    test = app("views/import_inventory.py")
    data = (INVENTORIES / "title_rows.xlsx").read_bytes()
    test.file_uploader(key="inventory_upload").set_value(("acme.xlsx", data, "application/octet-stream")).run()
    test.text_input(key="import_name").set_value("Acme").run()
    test.button(key="import_button").click().run()
    changed = data  # the same sheet again, into the same audit: nothing changes
    test.file_uploader(key="inventory_upload").set_value(("acme.xlsx", changed, "application/octet-stream")).run()
    test.radio(key="import_target").set_value("an existing audit").run()
    test.selectbox(key="import_audit").set_value("Acme").run()
    assert any("What will change: Touchpoints: 0 new, 0 changed" in i.value for i in test.info)


def test_import_of_a_hostile_file_says_why_and_keeps_running(db: str) -> None:
    test = app("views/import_inventory.py")
    test.file_uploader(key="inventory_upload").set_value(("x.csv", b"\x89PNG\r\n\x1a\n" + bytes(300), "text/csv")).run()
    assert not test.exception
    assert "x.csv is not a spreadsheet" in test.error[0].value
    assert not [b for b in test.button if b.key == "import_button"]  # nothing to import
    assert not test.success


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.csv", b"", "holds no data at all"),
        ("blank.csv", b"\n\n   \n\t\n", "holds no data at all"),
        ("header.csv", b"Touchpoint,Stage,Channel\n", "The header is on row 1 but no rows follow it"),
        ("nothing.xlsx", b"PK\x05\x06" + bytes(18), "not a spreadsheet"),
    ],
)
def test_a_file_with_nothing_to_import_is_an_error_not_a_success(db: str, name: str, data: bytes, reason: str) -> None:
    test = app("views/import_inventory.py")
    test.file_uploader(key="inventory_upload").set_value((name, data, "text/csv")).run()
    assert not test.exception
    assert not test.success, [s.value for s in test.success]  # no green box for a file with nothing in it
    assert any(reason in e.value for e in test.error), [e.value for e in test.error]
    buttons = [b for b in test.button if b.key == "import_button"]
    assert not buttons or buttons[0].disabled


def test_a_bad_score_file_is_a_problem_and_blocks_the_import(db: str) -> None:
    test = app("views/import_inventory.py")
    test.file_uploader(key="inventory_upload").set_value(
        ("acme.xlsx", (INVENTORIES / "title_rows.xlsx").read_bytes(), "application/octet-stream")
    ).run()
    assert not test.button(key="import_button").disabled
    test.file_uploader(key="score_uploads").set_value([("scores.csv", b"colour,size\nred,2\n", "text/csv")]).run()
    assert not test.exception
    problems = text_of(test)
    assert "scores.csv: no touchpoint or assessor column on row 1" in problems
    assert any("acme.xlsx cannot be imported" in e.value for e in test.error)
    assert test.button(key="import_button").disabled
    test.file_uploader(key="score_uploads").set_value([("broken.xlsx", b"PK\x03\x04 broken", "text/csv")]).run()
    assert "broken.xlsx" in text_of(test) and test.button(key="import_button").disabled


def test_long_problem_messages_are_shown_whole(db: str) -> None:
    test = app("views/import_inventory.py")
    long_name = "A touchpoint with a very long description " * 6
    data = f"Touchpoint,Stage,Relevance\n{long_name},Awareness,7\n,Service,3\n".encode()
    test.file_uploader(key="inventory_upload").set_value(("long.csv", data, "text/csv")).run()
    shown = text_of(test)
    assert "Relevance 7 is outside 1-5. Left unscored." in shown
    assert "Row 3 has no touchpoint name and was not imported (it holds Stage 'Service'; Relevance '3')." in shown


def test_score_columns_in_the_inventory_are_saved_under_the_name_given(db: str) -> None:
    test = app("views/import_inventory.py")
    data = b"Touchpoint,Stage,Relevance,Meaningfulness\nWebsite,Awareness,4,3\nStore,Purchase,2,5\n"
    test.file_uploader(key="inventory_upload").set_value(("pt_inventory_titled.csv", data, "text/csv")).run()
    assert test.text_input(key="import_assessor").value == "pt_inventory_titled"  # offered, not imposed
    test.text_input(key="import_assessor").set_value("").run()
    assert test.button(key="import_button").disabled  # scores need somebody's name
    test.text_input(key="import_assessor").set_value("Marta (brand lead)").run()
    assert any("from 1 assessor: Marta (brand lead)." in c.value for c in test.caption)
    test.text_input(key="import_name").set_value("Titled").run()
    test.button(key="import_button").click().run()
    assert not test.exception
    assert Store.open(db).assessor_names("Titled") == ["Marta (brand lead)"]


def test_a_column_choice_on_an_exported_workbook_takes_and_comes_back(db: str) -> None:
    test = app("views/import_inventory.py")  # loads the sample
    snapshot = Store.open(db).snapshot(SAMPLE)
    workbook = audit_workbook(snapshot.result, snapshot.touchpoints, snapshot.scores, snapshot.meta)
    test.file_uploader(key="inventory_upload").set_value(("sample.xlsx", workbook, "application/octet-stream")).run()
    assert any("Touchpoint Audit workbook" in i.value for i in test.info)
    assert not [s for s in test.selectbox if s.key == "import_sheet"]  # our own workbook: no sheet to choose
    assert test.selectbox(key="map_owner").value == "Owner"
    test.selectbox(key="map_owner").set_value("(no column)").run()  # a rerun loop here timed out before
    assert not test.exception
    assert test.selectbox(key="map_owner").value == "(no column)"
    assert "owner" not in [c for c in test.dataframe[0].value.columns if test.dataframe[0].value[c].notna().any()]
    test.selectbox(key="map_owner").set_value("Owner").run()
    assert test.selectbox(key="map_owner").value == "Owner"
    assert test.success[0].value.startswith("sample.xlsx: 48 touchpoints in 5 stages")


def test_the_audits_page_says_when_scoring_last_changed_an_audit(db: str) -> None:
    test = app("views/audits.py")
    store = Store.open(db)
    before = test.dataframe[0].value.set_index("Audit").loc[SAMPLE, "Updated"]
    store.save_score(SAMPLE, "AW-01", "Ana (CX lead)", "relevance", 1, actor=LOCAL)
    test.run()
    after = test.dataframe[0].value.set_index("Audit").loc[SAMPLE, "Updated"]
    assert after > before


def test_inventory_edits_are_saved(db: str) -> None:
    test = app("views/inventory.py")
    test.session_state["inventory_editor"] = {"edited_rows": {0: {"owner": "Brand team"}}, "added_rows": [],
                                              "deleted_rows": []}  # fmt: skip
    test.run()
    assert not test.exception
    assert Store.open(db).touchpoint_frame(SAMPLE).iloc[0]["owner"] == "Brand team"


def test_audits_page_creates_and_deletes(db: str) -> None:
    test = app("views/audits.py")
    test.text_input(key="new_audit_name").set_value("Pilot")
    test.text_input(key="new_audit_client").set_value("Acme")
    test.button(key="FormSubmitter:create_audit-Create").click().run()
    assert "Pilot" in Store.open(db).audit_names()
    test.run()  # the page lists audits before the form creates one: the next run shows it
    test.selectbox(key="delete_audit").set_value(SAMPLE).run()
    test.checkbox(key=f"delete_confirm|{SAMPLE}").check().run()
    test.selectbox(key="delete_audit").set_value("Pilot").run()  # another audit: its own, unticked, "yes"
    assert not test.checkbox(key="delete_confirm|Pilot").value
    assert test.button(key="delete_button").disabled
    test.checkbox(key="delete_confirm|Pilot").check().run()
    test.button(key="delete_button").click().run()
    assert sorted(Store.open(db).audit_names()) == sorted([SAMPLE, state.SAMPLE_BASELINE_AUDIT])


def test_export_builds_the_workbook(db: str) -> None:
    test = app("views/export.py")
    test.button(key="build_workbook").click().run()
    assert not test.exception
    assert test.session_state["workbook_bytes"][:2] == b"PK"


@pytest.mark.parametrize("page", PAGES)
def test_a_new_empty_audit_renders_everywhere(db: str, page: str) -> None:
    Store.open(db).create_audit("Empty", stage_order=["Awareness", "Purchase"], actor=LOCAL)
    test = app(page, audit="Empty")
    assert not test.exception, test.exception
    if page == "views/export.py":
        test.button(key="build_workbook").click().run()
        assert not test.exception and test.session_state["workbook_bytes"][:2] == b"PK"


def test_a_new_upload_starts_from_its_own_mapping(db: str) -> None:
    test = app("views/import_inventory.py")
    uk = (REALWORLD / "uk_bereavement_touchpoints.csv").read_bytes()
    test.file_uploader(key="inventory_upload").set_value(("uk.csv", uk, "text/csv")).run()
    test.selectbox(key="map_name").set_value("label").run()
    assert test.session_state["mapping_overrides"] == {"name": "label"}
    other = (INVENTORIES / "title_rows.xlsx").read_bytes()
    test.file_uploader(key="inventory_upload").set_value(("acme.xlsx", other, "application/octet-stream")).run()
    assert test.session_state["mapping_overrides"] == {}
    assert test.success[0].value.startswith("acme.xlsx: 5 touchpoints")


# --- access ---------------------------------------------------------------------------------------


@pytest.fixture
def password_mode(db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Password mode, with the sample imported for the lead (as the command line would)."""
    monkeypatch.setenv("TOUCHPOINT_AUDIT_FACILITATOR", "lead@example.com")
    monkeypatch.setenv("TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD", "lead's long password")
    state.load_sample(Facilitator("lead@example.com"))
    forget()
    return db


def sign_in(test: AppTest, who: str, password: str) -> AppTest:
    test.text_input(key="sign_in_who").set_value(who)
    test.text_input(key="sign_in_password").set_value(password)
    return test.button(key="FormSubmitter:sign_in_form-Sign in").click().run()


def test_signed_out_the_only_page_is_the_sign_in_form(password_mode: str) -> None:
    """Every facilitator address leads here too (tests/test_access_browser.py types them)."""
    test = app(audit="Northwind Home (sample, lead@example.com)")
    assert not test.exception
    assert [t.value for t in test.title] == ["Touchpoint Audit"]
    assert "Northwind" not in text_of(test) and not test.sidebar.children
    assert test.text_input(key="sign_in_password").proto.type == TextInputProto.PASSWORD


def test_a_facilitator_signs_in_and_sees_their_audit(password_mode: str) -> None:
    test = sign_in(app(), "Lead@Example.com", "lead's long password")
    assert "Signed in. Opening the app..." in text_of(test)
    test.run()  # the browser reloads after a sign-in, signed in by its cookie
    assert not test.exception
    assert test.title[0].value == "Northwind Home (sample, lead@example.com)"  # the dashboard of their audit
    assert "Signed in with the facilitator password as **lead@example.com**." in sidebar_text(test)


def test_twenty_wrong_passwords_in_a_row_are_refused(password_mode: str) -> None:
    test = app()
    messages = [sign_in(test, "lead@example.com", f"guess {n}").error[0].value for n in range(20)]
    assert (
        messages[:5] == ["Wrong e-mail or password. Check both and try again; after a few misses, sign-in pauses."] * 5
    )
    assert set(messages[5:]) == {
        "Too many wrong attempts from this browser. Nothing was checked; try again in 15 minutes."
    }
    sign_in(test, "lead@example.com", "lead's long password")  # right, but this browser must wait
    assert test.title[0].value == "Touchpoint Audit" and "Too many wrong attempts" in test.error[0].value


def test_twenty_wrong_join_codes_in_a_row_are_refused(db: str) -> None:
    app()  # the sample
    real = Workshops(Store.open(db)).issue_code(SAMPLE, actor=LOCAL)
    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    test.query_params["code"] = "AAAA-AAAA"
    test.run()
    messages = [test.error[0].value]
    for _ in range(19):
        test.text_input(key="join_name").set_value("Mallory")
        test.text_input(key="join_code").set_value("CCCC-CCCC")
        test.button(key="FormSubmitter:join-Join").click().run()
        messages.append(test.error[-1].value)
    assert messages[:10] == ["That join code is not known. Check it with the facilitator and type it again."] * 10
    assert set(messages[10:]) == {
        "Too many wrong attempts from this browser. Nothing was checked; try again in 15 minutes."
    }
    test.text_input(key="join_code").set_value(real)  # the right code waits too
    test.button(key="FormSubmitter:join-Join").click().run()
    assert "p" not in test.query_params and "Too many wrong attempts" in test.error[-1].value


def test_the_export_page_builds_the_workbook_from_one_read_of_the_audit(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = app("views/export.py")
    reads: list[str] = []
    for method in ("snapshot", "touchpoint_frame", "score_frame", "round1_score_frame"):
        original = getattr(Store, method)

        def counted(self: Store, *args: object, _name: str = method, _original=original, **kwargs: object) -> object:  # type: ignore[no-untyped-def]
            reads.append(f"{_name} {args[0]}")
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Store, method, counted)
    test.button(key="build_workbook").click().run()
    assert not test.exception
    # The workbook, both CSVs and the caption: one read of the audit, and one of the baseline it is compared with.
    assert reads == [f"snapshot {SAMPLE}", f"snapshot {state.SAMPLE_BASELINE_AUDIT}"]
    assert test.session_state["workbook_audit"] == SAMPLE


def test_another_sheet_starts_from_its_own_columns(db: str) -> None:
    test = app("views/import_inventory.py")
    data = (INVENTORIES / "multi_sheet_pt.xlsx").read_bytes()
    test.file_uploader(key="inventory_upload").set_value(("pt.xlsx", data, "application/octet-stream")).run()
    test.selectbox(key="map_name").set_value("Observações").run()  # a choice made on 'Inventário'
    test.selectbox(key="import_sheet").set_value("Antigo").run()
    assert not test.exception
    assert test.selectbox(key="map_name").value == "Nome"  # what the page uses, and shows
    assert test.success[0].value.startswith("pt.xlsx: 1 touchpoint in 1 stage, header on row 1, sheet 'Antigo'")
    test.selectbox(key="map_name").set_value("(no column)").run()
    assert "The name is set to no column, and every touchpoint needs one." in text_of(test)


def test_a_double_click_imports_once_and_says_what_the_first_click_did(db: str) -> None:
    test = app("views/import_inventory.py")
    test.file_uploader(key="inventory_upload").set_value(
        ("acme.xlsx", (INVENTORIES / "title_rows.xlsx").read_bytes(), "application/octet-stream")
    ).run()
    test.text_input(key="import_name").set_value("Acme").run()
    test.button(key="import_button").click().run()
    first = [s.value for s in test.success if "Imported acme.xlsx" in s.value]
    assert first and "Touchpoints: 5 new" in first[0]
    test.button(key="import_button").click().run()  # the second click of a double click
    assert any(i.value == f"Already imported: {first[0]}" for i in test.info)
    assert Store.open(db).history("Acme").empty  # nothing written twice


def test_problems_name_their_file_when_there_are_several(db: str) -> None:
    test = app("views/import_inventory.py")
    test.file_uploader(key="inventory_upload").set_value(
        ("en_problems.csv", (INVENTORIES / "en_problems.csv").read_bytes(), "text/csv")
    ).run()
    assert "warning" in test.success[0].value or "warnings" in test.success[0].value  # the green box says so
    test.file_uploader(key="score_uploads").set_value(
        [("wide_en.csv", (DATA / "scores" / "wide_en.csv").read_bytes(), "text/csv")]
    ).run()
    shown = text_of(test)
    assert "**wide_en.csv, row 7, 'relevance'**: Relevance 6 is outside 1-5. Left unscored." in shown
    assert "**en_problems.csv, row" in shown
