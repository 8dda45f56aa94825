"""The Streamlit app with AppTest: every page, and targeted tests of import, mapping and scoring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, INVENTORIES, REALWORLD, ROOT
from streamlit.testing.v1 import AppTest

from audit.store import Store
from ui import state

PAGES = ["views/dashboard.py", "views/score.py", "views/inventory.py", "views/import_inventory.py",
         "views/export.py", "views/audits.py"]  # fmt: skip
SAMPLE = state.SAMPLE_AUDIT


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite store for the app, and the app's cached store forgotten around the test."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", url)
    state.store.clear()
    yield url
    state.store.clear()


def app(page: str | None = None, **query: str) -> AppTest:
    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    test.query_params.update(query)
    test.run()
    if page:
        test.switch_page(page).run()
    return test


def sidebar_text(test: AppTest) -> list[str]:
    return [str(getattr(e, "value", "")) for e in test.sidebar.children.values()]


def text_of(test: AppTest) -> str:
    parts = [e.value for e in [*test.markdown, *test.caption, *test.success, *test.info, *test.error, *test.warning]]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_sample_without_an_exception(db: str, page: str) -> None:
    test = app(page)
    assert not test.exception, test.exception
    assert test.title[0].value in {"Audits", "Score", "Inventory", "Import an inventory", "Export", SAMPLE}


def test_first_start_opens_the_sample_audit(db: str) -> None:
    test = app()
    metrics = {m.label: m.value for m in test.metric}
    assert metrics["Touchpoints"] == "48"
    assert metrics["Scored"] == "96%"
    assert metrics["Mean composite"] == "3.28"
    assert metrics["Agreement"] == "0.53 (low)"
    assert metrics["Weak spots"] == "14"
    assert test.query_params["audit"] == SAMPLE
    assert f"**Open audit:** {SAMPLE}" in sidebar_text(test)
    assert "Loyalty has no physical touchpoint." in text_of(test)
    assert len(test.get("vega_lite_chart")) == 8  # every chart, the folded stage x channel heatmap too


def test_dashboard_filters_recompute(db: str) -> None:
    test = app()
    test.multiselect(key="dash_stage").set_value(["Service"]).run()
    metrics = {m.label: m.value for m in test.metric}
    assert metrics["Touchpoints"] == "10" and metrics["Mean composite"] == "2.83"


def score_editor(test: AppTest) -> str:
    return str(test.session_state["score_editor_key"])


def test_scoring_saves_each_edit_to_the_store(db: str) -> None:
    test = app("views/score.py")
    test.text_input(key="assessor_name").set_value("Zoe").run()
    assert test.query_params["assessor"] == "Zoe"
    assert test.get("progress")[0].proto.text == "Zoe has scored 0 of 144 cells (48 touchpoints)"
    test.session_state[score_editor(test)] = {
        "edited_rows": {0: {"relevance": 4, "note": "Strong visuals"}, 1: {"attractiveness": 2}},
        "added_rows": [],
        "deleted_rows": [],
    }
    test.run()
    assert not test.exception and not test.error
    frame = Store.open(db).score_frame(SAMPLE)
    mine = frame[frame["assessor"] == "Zoe"].sort_values(["touchpoint_id", "criterion"])
    mine = mine[["touchpoint_id", "criterion", "score", "note"]].astype(object)
    assert mine.where(mine.notna(), None).values.tolist() == [
        ["AW-01", "relevance", 4.0, "Strong visuals"],
        ["AW-02", "attractiveness", 2.0, None],
    ]
    assert any("Saved: TV spot 'Home in a weekend', relevance = 4" in str(t.value) for t in test.toast)
    assert test.get("progress")[0].proto.text == "Zoe has scored 2 of 144 cells (48 touchpoints)"


def test_a_score_outside_1_to_5_is_refused_on_the_server(db: str) -> None:
    test = app("views/score.py")
    test.text_input(key="assessor_name").set_value("Zoe").run()
    test.session_state[score_editor(test)] = {"edited_rows": {0: {"relevance": 7}}, "added_rows": [],
                                              "deleted_rows": []}  # fmt: skip
    test.run()
    assert [e.value for e in test.error] == [
        "TV spot 'Home in a weekend', relevance: 7 is not a score; scores are whole numbers 1-5. Not saved."
    ]
    frame = Store.open(db).score_frame(SAMPLE)
    assert frame[frame["assessor"] == "Zoe"].empty


def test_the_assessor_and_audit_come_back_from_the_url(db: str) -> None:
    test = app("views/score.py", assessor="Ana (CX lead)", audit=SAMPLE)
    assert test.selectbox(key="assessor_pick").value == "Ana (CX lead)"
    assert "Ana (CX lead) has scored" in test.get("progress")[0].proto.text


def test_import_maps_columns_and_lists_problems(db: str) -> None:
    test = app("views/import_inventory.py")
    data = (REALWORLD / "uk_bereavement_touchpoints.csv").read_bytes()
    test.file_uploader(key="inventory_upload").set_value(("uk.csv", data, "text/csv")).run()
    assert "No column holds the touchpoint names" in test.dataframe[0].value.iloc[-1]["message"]
    assert any("cannot be imported" in e.value for e in test.error)
    test.selectbox(key="map_name").set_value("label").run()
    test.selectbox(key="map_stage").set_value("need_id").run()
    assert test.success[0].value.startswith("uk.csv: 33 touchpoints in 13 stage(s), header on row 1")
    test.text_input(key="import_name").set_value("Bereavement").run()
    test.button(key="import_button").click().run()
    assert not test.exception
    assert any("Touchpoints: 33 new" in s.value for s in test.success)
    assert test.query_params["audit"] == "Bereavement"
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


def test_scores_uploaded_with_the_inventory(db: str) -> None:
    test = app("views/import_inventory.py")
    test.file_uploader(key="inventory_upload").set_value(
        ("acme.xlsx", (INVENTORIES / "title_rows.xlsx").read_bytes(), "application/octet-stream")
    ).run()
    test.file_uploader(key="score_uploads").set_value(
        [("wide_pt.xlsx", (DATA / "scores" / "wide_pt.xlsx").read_bytes(), "application/octet-stream")]
    ).run()
    assert any("Scores: 9 from 2 assessor(s)." in c.value for c in test.caption)


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
    test.selectbox(key="delete_audit").set_value("Pilot").run()
    test.checkbox(key="delete_confirm").check().run()
    test.button(key="delete_button").click().run()
    assert Store.open(db).audit_names() == [SAMPLE]


def test_export_builds_the_workbook(db: str) -> None:
    test = app("views/export.py")
    test.button(key="build_workbook").click().run()
    assert not test.exception
    assert test.session_state["workbook_bytes"][:2] == b"PK"


@pytest.mark.parametrize("page", PAGES)
def test_a_new_empty_audit_renders_everywhere(db: str, page: str) -> None:
    Store.open(db).create_audit("Empty", stage_order=["Awareness", "Purchase"])
    test = app(page, audit="Empty", assessor="Zoe")
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
