"""The store, on SQLite and on a real PostgreSQL: import, re-import, scores, history, migrations,
and that nothing a workshop typed is ever lost under concurrency, crashes and restarts."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import ROOT, SAMPLE_INVENTORY, SAMPLE_SCORES, postgres_database
from store_writer import cells

from audit.access import LOCAL, Facilitator, Role
from audit.inventory import read_inventory, read_inventory_bytes
from audit.metrics import audit_from_inventory
from audit.phases import Phase
from audit.scoring import combine, read_scores, scores_from_inventory
from audit.store import Store, StoreError, make_engine, upgrade
from audit.workshops import Workshops

RESTART = os.environ.get("TOUCHPOINT_AUDIT_TEST_PG_RESTART")
WRITER = str(ROOT / "tests" / "store_writer.py")


def sample() -> tuple:  # type: ignore[type-arg]
    inventory = read_inventory(SAMPLE_INVENTORY)
    scores = combine([scores_from_inventory(inventory), read_scores(SAMPLE_SCORES, inventory.touchpoints)])
    return inventory, scores.frame


# --- audits, import and re-import ----------------------------------------------------------


def test_import_sample_then_metrics_match_the_files(store: Store) -> None:
    inventory, scores = sample()
    plan = store.import_inventory("Northwind", inventory, scores, client="Northwind Home", actor=LOCAL)
    assert (len(plan.added), plan.scores_added, plan.scores_changed) == (48, 519, 0)
    [info] = store.list_audits(LOCAL)
    assert (info.name, info.client, info.touchpoints, info.assessors, info.scores) == (
        "Northwind", "Northwind Home", 48, 4, 519
    )  # fmt: skip
    assert info.stage_order == ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]
    stored, direct = store.snapshot("Northwind").result, audit_from_inventory(inventory, scores)
    assert stored.mean_composite == pytest.approx(direct.mean_composite)
    assert stored.agreement.alpha == pytest.approx(direct.agreement.alpha)
    assert stored.weak_spots == direct.weak_spots
    frame = store.touchpoint_frame("Northwind")
    assert frame["id"].tolist() == [tp.id for tp in inventory.touchpoints]
    assert frame.loc[0, "extra"] == {"Region": "National"}


def test_reimport_adds_updates_archives_and_restores(store: Store) -> None:
    inventory, scores = sample()
    store.import_inventory("Northwind", inventory, scores, actor=LOCAL)
    changed = read_inventory(SAMPLE_INVENTORY)
    changed.touchpoints = [tp for tp in changed.touchpoints if tp.id != "AW-10"]  # dropped from the sheet
    changed.touchpoints[0].name = "TV spot 'Home in a day'"
    changed.touchpoints[1].owner = "Brand"
    new = read_inventory_bytes(b"id,name,stage\nNEW-1,Pop-up store,Awareness\n", "new.csv").touchpoints[0]
    changed.touchpoints.append(new)
    plan = store.plan_import("Northwind", changed)
    assert (plan.added, plan.updated, plan.archived, plan.unchanged) == (
        ["NEW-1"], {"AW-01": ["name"], "AW-02": ["owner"]}, ["AW-10"], 45
    )  # fmt: skip
    assert "Touchpoints: 1 new, 2 changed, 1 archived (kept with their scores)" in plan.summary
    assert store.touchpoint_frame("Northwind")["id"].tolist()[-1] == "LO-10"  # the plan wrote nothing
    store.import_inventory("Northwind", changed, actor=LOCAL)
    active = store.touchpoint_frame("Northwind")
    assert "AW-10" not in active["id"].tolist() and "NEW-1" in active["id"].tolist()
    assert active.set_index("id").loc["AW-01", "name"] == "TV spot 'Home in a day'"
    assert store.touchpoint_frame("Northwind", archived=True)["id"].tolist() == ["AW-10"]
    back = store.import_inventory("Northwind", inventory, actor=LOCAL)
    assert back.restored == ["AW-10"] and back.archived == ["NEW-1"]


def test_archived_touchpoints_keep_their_scores(store: Store) -> None:
    inventory, scores = sample()
    store.import_inventory("Northwind", inventory, scores, actor=LOCAL)
    store.archive_touchpoint("Northwind", "SE-05", actor=LOCAL)
    assert "SE-05" not in set(store.score_frame("Northwind")["touchpoint_id"])
    store.archive_touchpoint("Northwind", "SE-05", archived=False, actor=LOCAL)
    assert (store.score_frame("Northwind")["touchpoint_id"] == "SE-05").sum() == 9


def test_reimport_without_an_id_column_matches_by_name(store: Store) -> None:
    first = read_inventory_bytes(b"name,stage\nWebsite,Awareness\nShop,Purchase\n", "v1.csv")
    store.import_inventory("Names", first, actor=LOCAL)
    store.save_score("Names", first.touchpoints[0].id, "Ana", "relevance", 4, actor=LOCAL)
    moved = read_inventory_bytes(b"name,stage\nWebsite,Consideration\nShop,Purchase\n", "v2.csv")
    plan = store.import_inventory("Names", moved, actor=LOCAL)
    assert (plan.added, list(plan.updated.values()), plan.archived) == ([], [["stage"]], [])
    assert store.score_frame("Names")["score"].tolist() == [4.0]


def test_audit_errors(store: Store) -> None:
    store.create_audit("One", actor=LOCAL)
    with pytest.raises(StoreError, match="An audit called 'One' exists already"):
        store.create_audit("One", actor=LOCAL)
    with pytest.raises(StoreError, match=r"^No audit called 'Two'\.$"):  # no list of other audits' names
        store.audit("Two")
    store.delete_audit("One", actor=LOCAL)
    assert store.audit_names() == []


def test_add_and_update_touchpoints(store: Store) -> None:
    store.create_audit("Typed", stage_order=["Awareness"], actor=LOCAL)
    key = store.add_touchpoint(
        "Typed", {"id": "W1", "name": "Website", "stage": "Awareness", "type": "digital"}, actor=LOCAL
    )
    store.update_touchpoint("Typed", key, {"owner": "Web team", "importance": 5.0}, actor=LOCAL)
    row = store.touchpoint_frame("Typed").iloc[0]
    assert (row["id"], row["owner"], row["importance"], row["type"]) == ("W1", "Web team", 5.0, "digital")
    with pytest.raises(StoreError, match="Id 'W1' is taken"):
        store.add_touchpoint("Typed", {"id": "W1", "name": "Other"}, actor=LOCAL)
    with pytest.raises(StoreError, match="needs a name"):
        store.add_touchpoint("Typed", {"name": "  "}, actor=LOCAL)


# --- scores and history ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "value", "assessor", "message"),
    [
        # The one score rule's words (audit.rules), as the grid and the importer say them.
        ("relevance", 6, "Ana", r"^6 is outside 1-5\. Not saved\.$"),
        ("relevance", 0, "Ana", r"^0 is outside 1-5\. Not saved\.$"),
        ("relevance", True, "Ana", r"^'True' is not a number; scores are whole numbers 1-5\. Not saved\.$"),
        ("relevance", 2.5, "Ana", r"^2\.5 is not a whole number; scores are 1, 2, 3, 4 or 5\. Not saved\.$"),
        ("beauty", 3, "Ana", "'beauty' is not a criterion"),
        ("relevance", 3, "  ", "needs the name of its assessor"),
    ],
)
def test_bad_scores_are_refused_and_nothing_changes(store: Store, criterion, value, assessor, message) -> None:  # type: ignore[no-untyped-def]
    store.import_inventory("A", read_inventory_bytes(b"id,name\nT1,Site\n", "a.csv"), actor=LOCAL)
    store.save_score("A", "T1", "Ana", "relevance", 4, actor=LOCAL)
    with pytest.raises(StoreError, match=message):
        store.save_score("A", "T1", assessor, criterion, value, actor=LOCAL)
    assert store.score_frame("A")["score"].tolist() == [4.0]


def test_unknown_touchpoint(store: Store) -> None:
    store.create_audit("A", actor=LOCAL)
    with pytest.raises(StoreError, match="No touchpoint 'T9' in the audit 'A'"):
        store.save_score("A", "T9", "Ana", "relevance", 3, actor=LOCAL)


def test_every_earlier_value_is_kept_and_can_be_restored(store: Store) -> None:
    store.import_inventory("A", read_inventory_bytes(b"id,name\nT1,Site\n", "a.csv"), actor=LOCAL)
    store.share("A", "Lead@Example.com", Role.EDITOR, actor=LOCAL)
    first = store.save_score("A", "T1", "Ana", "relevance", 2, "slow", actor=LOCAL)
    second = store.save_score("A", "T1", "Ana", "relevance", 4, "fixed", actor=Facilitator("lead@example.com"))
    same = store.save_score("A", "T1", "Ana", "relevance", 4, "fixed", actor=LOCAL)
    cleared = store.save_score("A", "T1", "Ana", "relevance", None, actor=LOCAL)
    assert [(s.old_value, s.value, s.changed) for s in (first, second, same, cleared)] == [
        (None, 2, True), (2, 4, True), (4, 4, False), (4, None, True)
    ]  # fmt: skip
    history = store.history("A", "T1")
    changes = history[["old_value", "new_value", "changed_by"]].astype(object)
    assert changes.where(changes.notna(), None).values.tolist() == [
        [4, None, "local"], [2, 4, "lead@example.com"], [None, 2, "local"]
    ]  # fmt: skip  # who signed in, never the assessor's typed name
    assert store.score_frame("A").empty  # a cleared score is not a score
    restored = store.restore("A", int(history.iloc[0]["id"]), actor=LOCAL)
    assert (restored.value, restored.note) == (4, "fixed")
    assert store.score_frame("A")["score"].tolist() == [4.0]


def test_two_assessors_scoring_the_same_cell_both_keep_their_score(store: Store) -> None:
    store.import_inventory("A", read_inventory_bytes(b"id,name\nT1,Site\n", "a.csv"), actor=LOCAL)
    store.save_score("A", "T1", "Ana", "relevance", 2, actor=LOCAL)
    store.save_score("A", "T1", "Ben", "relevance", 5, actor=LOCAL)
    frame = store.score_frame("A").sort_values("assessor")
    assert list(zip(frame["assessor"], frame["score"], strict=True)) == [("Ana", 2.0), ("Ben", 5.0)]


def test_imported_scores_that_change_are_kept_in_history(store: Store) -> None:
    inventory = read_inventory_bytes(b"id,name\nT1,Site\n", "a.csv")
    frame = pd.DataFrame(
        [("T1", "Ana", "relevance", 3.0, None, "f", 2)],
        columns=["touchpoint_id", "assessor", "criterion", "score", "note", "source", "row"],
    )
    store.import_inventory("A", inventory, frame, actor=LOCAL)
    frame.loc[0, "score"] = 5.0
    plan = store.import_inventory("A", inventory, frame, actor=LOCAL)
    assert (plan.scores_added, plan.scores_changed) == (0, 1)
    assert store.history("A")[["old_value", "new_value"]].values.tolist() == [[3, 5]]


# --- migrations -----------------------------------------------------------------------------


def test_a_database_at_the_first_revision_upgrades_with_its_data(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        now = sa.func.now()
        connection.execute(
            sa.text(
                "INSERT INTO audits (id, name, created_at, updated_at, stage_order, weights, settings) "
                "VALUES (1, 'Old', :now, :now, :stages, :weights, '{}')"
            ),
            {"now": pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime(), "stages": '["Awareness"]',
             "weights": '{"relevance": 1, "meaningfulness": 1, "attractiveness": 1}'},
        )  # fmt: skip
        connection.execute(
            sa.text(
                "INSERT INTO touchpoints (id, audit_id, key, position, name, stage, type_inferred, importance, extra) "
                "VALUES (1, 1, 'T1', 1, 'Site', 'Awareness', false, 3, '{}')"
            )
        )
        connection.execute(sa.text("INSERT INTO assessors (id, audit_id, name) VALUES (1, 1, 'Ana')"))
        connection.execute(
            sa.text(
                "INSERT INTO scores (audit_id, touchpoint_id, assessor_id, criterion, value, updated_at) "
                "VALUES (1, 1, 1, 'relevance', 4, :now)"
            ),
            {"now": pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime()},
        )
        assert not sa.inspect(connection).has_table("score_history")
        del now
    engine.dispose()
    store = Store.open(url)  # upgrades to the newest revision
    assert store.audit("Old").stage_order == ["Awareness"]
    assert store.audit("Old").owner == "local"  # made in local mode, so the local user's (0004)
    assert store.score_frame("Old")[["touchpoint_id", "assessor", "score"]].values.tolist() == [["T1", "Ana", 4.0]]
    store.save_score("Old", "T1", "Ana", "relevance", 5, actor=LOCAL)
    assert store.history("Old")[["old_value", "new_value"]].values.tolist() == [[4, 5]]
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0004"
        assert connection.execute(sa.text("SELECT round FROM score_history")).scalar() == 1
    state = Workshops(store).state("Old")  # an existing audit starts its workshop in round 1, open
    assert (state.phase, state.locked, state.revision) == (Phase.ROUND1, False, 1)
    store.close()


# --- concurrency and durability ---------------------------------------------------------------

WRITERS, PER_WRITER = 20, 200


def writers_audit(store: Store) -> None:
    lines = "".join(f"TP{i:03d},Touchpoint {i},Awareness\n" for i in range(PER_WRITER // 3 + 1))
    store.import_inventory("Workshop", read_inventory_bytes(("id,name,stage\n" + lines).encode(), "w.csv"), actor=LOCAL)


def expected_scores() -> set[tuple[str, str, str, float]]:
    return {
        (key, f"Assessor {a:02d}", criterion, float(value))
        for a in range(WRITERS)
        for key, criterion, value in cells(PER_WRITER)
    }


def stored_scores(store: Store) -> set[tuple[str, str, str, float]]:
    frame = store.score_frame("Workshop")
    return set(zip(frame["touchpoint_id"], frame["assessor"], frame["criterion"], frame["score"], strict=True))


def test_twenty_threads_writing_at_once_lose_nothing(store: Store) -> None:
    writers_audit(store)
    errors: list[BaseException] = []

    def write(assessor: str) -> None:
        try:
            for key, criterion, value in cells(PER_WRITER):
                store.save_score("Workshop", key, assessor, criterion, value, actor=LOCAL)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(f"Assessor {a:02d}",)) for a in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stored_scores(store) == expected_scores()
    assert len(store.history("Workshop")) == WRITERS * PER_WRITER


def test_twenty_processes_writing_at_once_lose_nothing(store: Store, url: str) -> None:
    writers_audit(store)
    processes = [
        subprocess.Popen(
            [sys.executable, WRITER, url, "Workshop", f"Assessor {a:02d}", str(PER_WRITER)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for a in range(WRITERS)
    ]
    outputs = [p.communicate(timeout=600) for p in processes]
    assert [p.returncode for p in processes] == [0] * WRITERS, [err for _, err in outputs if err][:1]
    assert all(out.rstrip().endswith("done") for out, _ in outputs)
    assert stored_scores(store) == expected_scores()


def test_a_writer_killed_mid_write_loses_nothing_it_reported_saved(store: Store, url: str) -> None:
    writers_audit(store)
    process = subprocess.Popen(
        [sys.executable, WRITER, url, "Workshop", "Killed", str(PER_WRITER)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    reported = []
    for line in process.stdout:
        if line.startswith("saved"):
            reported.append(line.split()[1:])
        if len(reported) == 60:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    reported_set = {(key, "Killed", criterion, float(value)) for key, criterion, value in reported}
    reopened = Store.open(url)
    assert reported_set <= stored_scores(reopened)
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reopened.save_score("Workshop", "TP000", "After", "relevance", 3, actor=LOCAL)  # the database still takes writes
    reopened.close()


def test_postgresql_restart_between_two_writes() -> None:
    if not RESTART:
        pytest.fail("TOUCHPOINT_AUDIT_TEST_PG_RESTART is needed: run ./scripts/test, which starts the server.")
    for url in postgres_database():
        store = Store.open(url)
        store.import_inventory("A", read_inventory_bytes(b"id,name\nT1,Site\n", "a.csv"), actor=LOCAL)
        store.save_score("A", "T1", "Ana", "relevance", 2, actor=LOCAL)
        subprocess.run(RESTART, shell=True, check=True, capture_output=True)
        saved = store.save_score("A", "T1", "Ana", "relevance", 5, actor=LOCAL)  # the pool re-connects (pre-ping)
        assert (saved.old_value, saved.value) == (2, 5)
        assert store.score_frame("A")["score"].tolist() == [5.0]
        store.close()


def test_a_write_to_a_database_that_is_gone_fails_clearly_and_is_not_reported_saved() -> None:
    store = Store(make_engine("postgresql+psycopg://nobody@127.0.0.1:9/nothing?connect_timeout=2"))
    with pytest.raises(StoreError, match=r"Could not save .* Nothing was saved; try again\."):
        store.save_score("A", "T1", "Ana", "relevance", 3, actor=LOCAL)
    with pytest.raises(StoreError, match="Cannot open the database"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:9/nothing?connect_timeout=2")
