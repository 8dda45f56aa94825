"""A big room on several app processes: `deploy/serve.py` (what ./scripts/serve runs) with two
replicas behind Debian's nginx and the test run's PostgreSQL, driven in Debian's Chromium.

Two phones are pinned to different replicas by the routing cookie, and the test checks which
replica answered each of their requests (nginx's X-Replica header). They score the same
touchpoint; the facilitator's console, on one replica, sees both; one replica is killed with
SIGKILL and its phone carries on through the other; after the reveal each phone shows the
other's score, and in round 2 a changed score reaches the other phone by itself; the database
holds every score a phone confirmed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, postgres_database
from test_browser import LAPTOP, PHONE, _free_port, _settle, _tap, browser

from audit.access import OPERATOR, Facilitator
from audit.inventory import read_inventory_bytes
from audit.store import Store
from audit.workshops import Workshops
from deploy.serve import Replica, nginx_config

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
__all__ = ["browser"]  # the Chromium fixture, shared with test_browser

LEAD, PASSWORD = "lead@example.com", "the lead's long password"
AUDIT = "Conference room"
COOKIE = "touchpoint_audit_replica"
INVENTORY = b"id,name,stage\nT1,Website,Awareness\nT2,Store,Purchase\nT3,Call centre,Service\n"


def _environment(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_AUDIT_")}
    return clean | extra


def _serve_command(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "scripts/serve", *argv], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=_environment(**({"TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD": PASSWORD})))  # fmt: skip


def test_serve_refuses_without_postgresql() -> None:
    missing = _serve_command("--replicas", "2")
    assert missing.returncode == 2
    assert "TOUCHPOINT_AUDIT_DATABASE_URL is not set" in missing.stderr
    assert "must be PostgreSQL" in missing.stderr and "./scripts/run" in missing.stderr
    one_file = _environment(TOUCHPOINT_AUDIT_DATABASE_URL="sqlite:////tmp/one-process.db")
    sqlite = subprocess.run(["bash", "scripts/serve"], cwd=ROOT, capture_output=True, text=True, env=one_file)
    assert sqlite.returncode == 2
    assert "points at sqlite, and several app processes need PostgreSQL" in sqlite.stderr
    assert not Path("/tmp/one-process.db").exists()  # refused before anything was opened


def test_serve_refuses_local_mode() -> None:
    """Without a way to sign in, every visitor would be a facilitator: serve says so and stops."""
    for url in postgres_database():
        refused = subprocess.run([sys.executable, "deploy/serve.py"], cwd=ROOT, capture_output=True, text=True,
                                 env=_environment(TOUCHPOINT_AUDIT_DATABASE_URL=url), timeout=120)  # fmt: skip
        assert refused.returncode == 2
        assert "Nobody could sign in as a facilitator" in refused.stderr
        assert "TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD" in refused.stderr


@pytest.mark.parametrize("count", [1, 2, 4])
def test_the_nginx_configuration_is_valid(count: int, tmp_path: Path) -> None:
    replicas = [Replica(f"r{i + 1}", 9000 + i, tmp_path / f"r{i + 1}.log") for i in range(count)]
    text = nginx_config(replicas, "127.0.0.1:9999", tmp_path, as_root=os.getuid() == 0)
    assert not re.findall(r"\{\{[a-z_]+\}\}", text)  # every place filled in
    assert "client_max_body_size 21m" in text  # the importer's 20 MB, and the form around the file
    for replica in replicas:
        assert f"{replica.name} replica_{replica.name};" in text
        assert text.count(f"server {replica.address} backup;") == count - 1  # a backup for each other replica
    (tmp_path / "nginx.conf").write_text(text)
    checked = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                             capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stderr


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Two replicas behind nginx on a new PostgreSQL database, an audit with two participants."""
    databases = postgres_database()
    database = next(databases)
    store = Store.open(database)
    inventory = read_inventory_bytes(INVENTORY, "room.csv")
    store.import_inventory(AUDIT, inventory, actor=OPERATOR, owner=LEAD)
    workshops = Workshops(store)
    tokens = {name: workshops.add_participant(AUDIT, name, actor=Facilitator(LEAD))[1] for name in ("Pia", "Ravi")}
    store.close()
    run_dir, port = tmp_path_factory.mktemp("serve"), _free_port()
    env = _environment(TOUCHPOINT_AUDIT_DATABASE_URL=database, TOUCHPOINT_AUDIT_FACILITATOR=LEAD,
                       TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD=PASSWORD, TOUCHPOINT_AUDIT_WATCH_SECONDS="1")  # fmt: skip
    command = [sys.executable, "deploy/serve.py", "--replicas", "2", "--port", str(port), "--address", "127.0.0.1",
               "--run-dir", str(run_dir)]  # fmt: skip
    serve = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert serve.stdout is not None
    output = []
    for line in serve.stdout:  # the replicas start, then nginx, then it says where it serves
        output.append(line)
        if "serving on" in line:
            break
    else:
        pytest.fail("serve stopped before serving:\n" + "".join(output))
    try:
        yield {"url": f"http://127.0.0.1:{port}", "database": database, "tokens": tokens, "run_dir": run_dir,
               "serve": serve}  # fmt: skip
    finally:
        if serve.poll() is None:
            serve.send_signal(signal.SIGINT)
            serve.wait(timeout=60)
        databases.close()  # drops the database


def _replicas(run_dir: Path) -> dict[str, int]:
    state = json.loads((run_dir / "replicas.json").read_text())
    return {r["name"]: r["pid"] for r in state["replicas"]}


def _pinned(browser, url: str, replica: str, device: dict) -> tuple[object, list[tuple[float, str]]]:  # type: ignore[no-untyped-def]
    """A browser context whose routing cookie names `replica`, and the X-Replica of every response it gets."""
    context = browser.new_context(**device)
    context.add_cookies([{"name": COOKIE, "value": replica, "url": url}])
    served: list[tuple[float, str]] = []
    page = context.new_page()
    page.set_default_timeout(60_000)

    def record(response) -> None:  # type: ignore[no-untyped-def]
        replica = response.headers.get("x-replica") or f"no X-Replica: {response.status} {response.url}"
        served.append((time.monotonic(), replica))

    page.on("response", record)
    return page, served


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"


def test_two_replicas_one_room_and_a_replica_lost(room: dict[str, object], browser) -> None:  # type: ignore[no-untyped-def]
    url, database, run_dir = str(room["url"]), str(room["database"]), Path(str(room["run_dir"]))
    tokens = room["tokens"]
    assert isinstance(tokens, dict)
    pia, pia_served = _pinned(browser, url, "r1", PHONE)
    ravi, ravi_served = _pinned(browser, url, "r2", PHONE)
    for page, token, name in ((pia, tokens["Pia"], "Pia"), (ravi, tokens["Ravi"], "Ravi")):
        page.goto(f"{url}/score?p={token}")
        page.get_by_text(f"Scoring as {name}").wait_for()
        _settle(page)
    assert {r for _, r in pia_served} == {"r1"} and {r for _, r in ravi_served} == {"r2"}  # each on its own replica

    _tap(pia, "relevance", 2)
    pia.get_by_text("Saved: relevance 2").first.wait_for()
    _tap(ravi, "relevance", 5)
    ravi.get_by_text("Saved: relevance 5").first.wait_for()

    console, console_served = _pinned(browser, url, "r2", LAPTOP)  # the facilitator, on the replica that stays
    console.goto(f"{url}/workshop?audit={AUDIT}")
    console.get_by_label("E-mail or account name").fill(LEAD)
    console.get_by_label("Facilitator password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    console.get_by_text("The room").first.wait_for()
    console.get_by_text("2 assessors have scored").wait_for()  # Pia's score came through the other replica
    assert {r for _, r in console_served} == {"r2"}

    killed = _replicas(run_dir)["r1"]
    os.kill(killed, signal.SIGKILL)
    lost_at = time.monotonic()
    # Pia's phone reconnects through nginx to r2, as a new session with her token and her card from the URL,
    # and says so. She taps once it has: a tap in the moment the phone had not yet noticed the loss went to
    # the dead process, and the page says such a tap did not count (tests/test_app.py checks the sentence).
    pia.get_by_text("Welcome back: your saved scores are shown.").wait_for(timeout=60_000)
    _settle(pia)
    _tap(pia, "meaningfulness", 4)
    pia.get_by_text("Saved: meaningfulness 4").first.wait_for()
    assert pia.get_by_text("Scoring as Pia").count() == 1
    after = {r for t, r in pia_served if t > lost_at}
    assert after == {"r2"}, f"after r1 was killed Pia was served by {after}"

    deadline = time.monotonic() + 60  # serve restarts the lost replica
    while _replicas(run_dir)["r1"] == killed or not _alive(_replicas(run_dir)["r1"]):
        assert time.monotonic() < deadline, "serve did not restart the killed replica"
        time.sleep(0.5)
    assert not _alive(killed)

    console.get_by_role("button", name="Reveal the room's scores").click()
    both = re.compile(r"The room: 1x 2, 1x 5 \(mean 3\.5, 2 scored\)")
    for phone in (pia, ravi):  # each phone shows the other's score, whichever replica it came through
        phone.get_by_text(both).first.wait_for(timeout=30_000)

    # Round 2 on the flagged touchpoint: Ravi changes his score through r2; Pia's screen, untouched,
    # shows the room as it is now within the refresh interval.
    console.get_by_role("button", name="Open round 2 on 1 flagged").click()
    ravi.get_by_text("Open in round 2.").wait_for(timeout=30_000)
    _tap(ravi, "relevance", 3)
    ravi.get_by_text("Saved: relevance 3").first.wait_for()
    pia.get_by_text(re.compile(r"The room: 1x 2, 1x 3 \(mean 2\.5, 2 scored\)")).first.wait_for(timeout=30_000)

    scores = Store.open(database, migrate=False).score_frame(AUDIT)
    columns = scores[["assessor", "touchpoint_id", "criterion", "score"]]
    saved = {(a, t, c): s for a, t, c, s in columns.itertuples(index=False)}
    assert saved == {("Pia", "T1", "relevance"): 2, ("Pia", "T1", "meaningfulness"): 4, ("Ravi", "T1", "relevance"): 3}


def test_ctrl_c_stops_everything_serve_started(room: dict[str, object]) -> None:
    serve = room["serve"]
    assert isinstance(serve, subprocess.Popen)
    started = _replicas(Path(str(room["run_dir"])))
    nginx = json.loads((Path(str(room["run_dir"])) / "replicas.json").read_text())["nginx"]
    serve.send_signal(signal.SIGINT)
    assert serve.wait(timeout=60) == 0
    for pid in [*started.values(), nginx]:
        assert not _alive(pid), f"process {pid} outlived serve"
