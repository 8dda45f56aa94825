"""The real app in Debian's Chromium: a newcomer's flow and two assessors scoring at once.

`streamlit run app.py` starts on a free port with its own SQLite file; Playwright drives
/usr/bin/chromium (never a downloaded browser). Screenshots of every page are written to
$TOUCHPOINT_AUDIT_SCREENSHOTS when it is set (docs/screenshots for the README).
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from openpyxl import load_workbook

from audit.store import Store

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
SAMPLE = "Northwind Home (sample)"
SHOTS = os.environ.get("TOUCHPOINT_AUDIT_SCREENSHOTS")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not answer on /_stcore/health")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app, started for real, on a free port with its own database."""
    database = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"
    port = _free_port()
    env = os.environ | {"TOUCHPOINT_AUDIT_DATABASE_URL": database}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url, database
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (apt-get install chromium; ./scripts/test installs it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        assert chromium.version.split(".")[0] == _debian_chromium_major()
        yield chromium
        chromium.close()


def _debian_chromium_major() -> str:
    version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=True).stdout
    return version.split()[1].split(".")[0]


def _new_page(browser, url: str, query: str = ""):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url + query)
    _settle(page)
    return page


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app has finished its run."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.indexOf('Running') < 0"
    )
    page.wait_for_timeout(600)


def _go(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=title).first.click()
    _settle(page)


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1440, "height": 2200})  # the app scrolls inside itself: show it all
        page.wait_for_timeout(800)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))
        page.set_viewport_size({"width": 1440, "height": 1000})


def _become(page, name: str) -> None:  # type: ignore[no-untyped-def]
    field = page.get_by_label("Your name")
    field.fill(name)
    field.press("Enter")
    _settle(page)
    page.get_by_text(f"{name} has scored").wait_for()


def _type_score(page, row: int, criterion_index: int, value: str) -> None:  # type: ignore[no-untyped-def]
    """Click the first data cell of the grid, move to (row, column) with the arrows, type the value."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 18)  # the first row's id cell, under the header
    page.wait_for_timeout(300)  # the grid takes the focus
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    for _ in range(5 + criterion_index):  # id, name, stage, channel, owner, then the criteria
        page.keyboard.press("ArrowRight")
    page.keyboard.type(value)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")  # commits the edit; the app reruns and saves it
    _settle(page)


def test_a_newcomers_flow(server: tuple[str, str], browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, database = server
    page = _new_page(browser, url)
    page.get_by_role("heading", name=SAMPLE).wait_for()  # the sample audit is open on the first start
    page.get_by_text("by 4 assessors").first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').nth(7).wait_for(state="attached")  # the 8th is folded
    _shot(page, "dashboard")

    _go(page, "Score")
    _become(page, "Zoe")
    _type_score(page, row=0, criterion_index=0, value="4")
    page.get_by_text("Zoe has scored 1 of 144 cells").wait_for()
    store = Store.open(database, migrate=False)
    frame = store.score_frame(SAMPLE)
    assert frame[frame["assessor"] == "Zoe"][["touchpoint_id", "criterion", "score"]].values.tolist() == [
        ["AW-01", "relevance", 4.0]
    ]
    _shot(page, "score")

    _go(page, "Dashboard")
    page.get_by_text("by 5 assessors").first.wait_for()  # the dashboard counts the new assessor

    _go(page, "Export")
    page.get_by_role("button", name="Build the workbook").click()
    _settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the workbook (.xlsx)").click()
    saved = tmp_path / "audit.xlsx"
    download.value.save_as(saved)
    book = load_workbook(io.BytesIO(saved.read_bytes()))
    rows = [r for r in book["Scores"].iter_rows(min_row=2, values_only=True) if r[2] == "Zoe"]
    assert rows == [("AW-01", "TV spot 'Home in a weekend'", "Zoe", 4, None, None, None)]
    _shot(page, "export")

    page.reload()  # the audit and the assessor come back from the URL; the score from the store
    _settle(page)
    assert "assessor=Zoe" in page.url
    _go(page, "Score")
    page.get_by_text("Zoe has scored 1 of 144 cells").wait_for()

    for title, name in (("Inventory", "inventory"), ("Import", "import"), ("Audits", "audits")):
        _go(page, title)
        assert not page.locator('[data-testid="stException"]').count()
        _shot(page, name)
    page.context.close()


def test_two_assessors_in_two_browsers_keep_both_scores(server: tuple[str, str], browser) -> None:  # type: ignore[no-untyped-def]
    url, database = server
    first = _new_page(browser, url)
    second = _new_page(browser, url)
    _go(first, "Score")
    _go(second, "Score")
    _become(first, "Ana B")
    _become(second, "Ben B")
    _type_score(first, row=1, criterion_index=1, value="2")
    _type_score(second, row=1, criterion_index=1, value="5")
    first.get_by_text("Ana B has scored 1 of").wait_for()
    second.get_by_text("Ben B has scored 1 of").wait_for()
    frame = Store.open(database, migrate=False).score_frame(SAMPLE)
    # The first browser's room refreshes by itself and counts the second assessor too.
    first.get_by_text(f"{frame['assessor'].nunique()} assessor(s);").wait_for(timeout=20_000)
    mine = frame[frame["assessor"].isin(["Ana B", "Ben B"])].sort_values("assessor")
    assert mine[["touchpoint_id", "assessor", "criterion", "score"]].values.tolist() == [
        ["AW-02", "Ana B", "meaningfulness", 2.0],
        ["AW-02", "Ben B", "meaningfulness", 5.0],
    ]
    first.context.close()
    second.context.close()
