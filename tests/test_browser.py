"""The real app in Debian's Chromium: a newcomer's flow, a workshop room on phones, the laptop grid
under refreshes, and every page of a freshly imported audit.

`streamlit run app.py` starts on a free port with its own SQLite file; Playwright drives
/usr/bin/chromium (never a downloaded browser). Participants' screens poll the phase every
second here (TOUCHPOINT_AUDIT_WATCH_SECONDS=1), so edits race real refreshes. Screenshots
are written to $TOUCHPOINT_AUDIT_SCREENSHOTS when it is set (docs/screenshots, the README).
"""

from __future__ import annotations

import io
import itertools
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

from audit import i18n
from audit.access import LOCAL
from audit.i18n import _
from audit.store import Store
from audit.workshops import Workshops

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
SAMPLE = "Northwind Home (sample)"
SHOTS = os.environ.get("TOUCHPOINT_AUDIT_SCREENSHOTS")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1440, "height": 1000}}


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
    env = os.environ | {"TOUCHPOINT_AUDIT_DATABASE_URL": database, "TOUCHPOINT_AUDIT_WATCH_SECONDS": "1"}
    env.pop("TOUCHPOINT_AUDIT_BASE_URL", None)
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


def _open(browser, url: str, device: dict = LAPTOP):  # type: ignore[no-untyped-def]
    page = browser.new_context(**device, accept_downloads=True).new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    _settle(page)
    return page


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app has finished its run."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.indexOf('Running') < 0"
    )
    page.wait_for_timeout(500)


def _go(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=title).first.click()
    _settle(page)


def _no_exception(page) -> None:  # type: ignore[no-untyped-def]
    errors = page.locator('[data-testid="stException"]')
    assert not errors.count(), errors.first.inner_text()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A picture of the whole page (the app scrolls inside itself, so the viewport grows for it)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2200 if size["width"] > 800 else 1700})
    page.wait_for_timeout(800)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))
    page.set_viewport_size(size)


def _issue_code(console) -> str:  # type: ignore[no-untyped-def]
    console.get_by_role("button", name="Issue a new code").click()
    _settle(console)
    return str(console.locator(".join-code").inner_text()).strip()


def _join(browser, url: str, name: str, code: str | None = None, typed: str | None = None,  # type: ignore[no-untyped-def]
          shot: str | None = None):  # fmt: skip
    """A phone joins by the invitation link (code) or by typing the code on /join (typed)."""
    phone = _open(browser, f"{url}/join?code={code}" if code else f"{url}/join", PHONE)
    if typed:
        phone.get_by_label("Join code").fill(typed)
    phone.get_by_label("Your name").fill(name)
    if shot:
        _shot(phone, shot)
    phone.get_by_role("button", name="Join").click()
    phone.get_by_text(f"Scoring as {name}").wait_for()
    _settle(phone)
    assert "/score?p=" in phone.url and "code=" not in phone.url
    return phone


def _no_sideways_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    """Nothing on the page is wider than the screen: no horizontal scrolling."""
    return bool(page.evaluate(
        "() => [document.documentElement, ...document.querySelectorAll('[data-testid=\"stMain\"], "
        "[data-testid=\"stMainBlockContainer\"]')].every(e => e.scrollWidth <= e.clientWidth + 1)"
    ))  # fmt: skip


def _tap(phone, criterion: str, value: int) -> None:  # type: ignore[no-untyped-def]
    """Tap a score button on the card and wait for the card to say what happened."""
    button = phone.get_by_role("radiogroup", name=criterion.capitalize()).get_by_role("radio", name=str(value))
    button.tap() if phone.viewport_size["width"] < 800 else button.click()  # a finger on a phone, a mouse elsewhere
    phone.locator('[data-testid="stAlert"]').filter(has_text=criterion).first.wait_for()
    _settle(phone)


def _score_card(phone, values: tuple[int, int, int]) -> None:  # type: ignore[no-untyped-def]
    for criterion, value in zip(("relevance", "meaningfulness", "attractiveness"), values, strict=True):
        _tap(phone, criterion, value)
        phone.get_by_text(f"Saved: {criterion} {value}").first.wait_for()


def _next(phone) -> None:  # type: ignore[no-untyped-def]
    phone.get_by_role("button", name="Next", exact=True).tap()
    _settle(phone)


def _import(database: str, *argv: str) -> None:
    """`python -m audit import ...` into the app's database, as a facilitator would before the day."""
    env = os.environ | {"TOUCHPOINT_AUDIT_DATABASE_URL": database}
    subprocess.run([sys.executable, "-m", "audit", "import", *argv], cwd=ROOT, env=env, check=True, capture_output=True)


def _scores_of(database: str, audit: str, name: str) -> dict[tuple[str, str], float]:
    frame = Store.open(database, migrate=False).score_frame(audit)
    mine = frame[frame["assessor"] == name]
    return {(t, c): s for t, c, s in mine[["touchpoint_id", "criterion", "score"]].itertuples(index=False)}


def test_a_newcomers_flow(server: tuple[str, str], browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, database = server
    page = _open(browser, url)
    page.get_by_role("heading", name=SAMPLE).wait_for()  # the sample audit is open on the first start
    page.get_by_text("by 4 assessors").first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').nth(7).wait_for(state="attached")  # the 8th is folded
    _shot(page, "dashboard")

    _go(page, "Workshop")  # the newcomer scores too: adds themselves and opens their own screen
    page.get_by_text("People: add, new link, remove").click()
    page.get_by_label("Add a participant (you, too, if you score)").fill("Zoe")
    page.get_by_role("button", name="Add and show their link").click()
    _settle(page)
    link = page.locator('[data-testid="stCode"]').inner_text().strip()
    me = _open(browser, link)
    _tap(me, "relevance", 4)
    me.get_by_text("Saved: relevance 4 (good).").wait_for()
    assert _scores_of(database, SAMPLE, "Zoe") == {("AW-01", "relevance"): 4.0}

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

    me.reload()  # the identity comes back from the URL; the score from the store
    _settle(me)
    me.get_by_text("Scoring as Zoe").wait_for()
    assert (
        me.get_by_role("radiogroup", name="Relevance").get_by_role("radio", name="4").get_attribute("aria-checked")
        == "true"
    )
    for title, name in (("Compare", "compare"), ("Inventory", "inventory"), ("Import", "import"), ("Audits", "audits")):
        _go(page, title)
        _no_exception(page)
        _shot(page, name)
    _go(page, "Compare")  # the sample against its spring audit: the stage chart and what moved
    page.get_by_text("Stages that moved beyond the room's disagreement: Service +0.47.").wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').nth(1).wait_for()  # the touchpoints' chart is drawn last
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 2
    page.context.close()
    me.context.close()


def test_a_workshop_room_on_phones(server: tuple[str, str], browser) -> None:  # type: ignore[no-untyped-def]
    url, database = server
    _import(database, str(ROOT / "sample_data" / "northwind_inventory.xlsx"), "--audit", "Room")
    console = _open(browser, f"{url}/workshop?audit=Room")
    code = _issue_code(console)
    _shot(console, "workshop_console")
    ana = _join(browser, url, "Ana", code=code, shot="join_phone")
    _shot(ana, "participant_phone")
    assert _no_sideways_scroll(ana)
    ben = _join(browser, url, "Ben", code=code)
    cleo = _join(browser, url, "Cleo", typed=code.lower().replace("-", " "))  # typed, as people type

    # Round 1, blind: each scores the first two touchpoints; Ben reloads halfway and carries on.
    _score_card(ana, (1, 2, 2))
    _score_card(ben, (5, 5, 4))
    ben.reload()
    _settle(ben)
    ben.get_by_text("Scoring as Ben").wait_for()
    ben.get_by_text("1 of 48 scored").wait_for()  # the card opens on his first unscored touchpoint
    _score_card(ben, (3, 3, 3))
    _score_card(cleo, (3, 4, 3))
    _next(ana)
    _score_card(ana, (3, 3, 3))
    _next(cleo)
    _score_card(cleo, (3, 3, 4))
    for phone in (ana, ben, cleo):  # nobody sees anybody else's scores before the reveal
        assert "The room:" not in phone.locator('[data-testid="stMain"]').inner_text()
    assert _scores_of(database, "Room", "Ben") == {
        ("AW-01", "relevance"): 5.0, ("AW-01", "meaningfulness"): 5.0, ("AW-01", "attractiveness"): 4.0,
        ("AW-02", "relevance"): 3.0, ("AW-02", "meaningfulness"): 3.0, ("AW-02", "attractiveness"): 3.0,
    }  # fmt: skip
    console.get_by_text("3 joined by link. 3 assessors have scored.").wait_for(timeout=15_000)

    # Reveal: the phones notice by themselves and show the room's spread where each scored.
    console.get_by_role("button", name="Reveal the room's scores").click()
    _settle(console)
    ana.get_by_text("Scoring is paused").wait_for(timeout=10_000)
    _settle(ana)
    # The reveal opens every card on the first touchpoint again: AW-01, where the room disagrees.
    ana.get_by_text("The room: 1x 1, 1x 3, 1x 5 (mean 3.0, 3 scored). Scores 2 or more points apart").wait_for()
    _shot(ana, "participant_revealed")

    # Round 2 on the flagged touchpoints: Ana and Ben converge on AW-01; alpha moves.
    console.get_by_role("button", name="Open round 2 on 1 flagged").click()
    _settle(console)
    for phone, value in ((ana, 3), (ben, 3)):
        phone.get_by_text("Round 2: only the touchpoints flagged").wait_for(timeout=10_000)
        _settle(phone)
        _tap(phone, "relevance", value)
        phone.get_by_text(f"Saved: relevance {value}").first.wait_for()
    dashboard = _open(browser, f"{url}/?audit=Room")
    dashboard.get_by_text("Round 1, before the discussion: alpha").wait_for()
    workshops = Workshops(Store.open(database, migrate=False))
    result = workshops.store.snapshot("Room").result
    assert result.round1_agreement is not None and result.round1_agreement.alpha != result.agreement.alpha

    # Lock: a tap is refused with a message and the saved score stays.
    console.get_by_role("button", name="Lock scoring").click()
    _settle(console)
    _tap(cleo, "relevance", 1)
    cleo.get_by_text("Scoring is locked by the facilitator. This was not saved.").first.wait_for()
    assert _scores_of(database, "Room", "Cleo")[("AW-02", "relevance")] == 3.0
    for page in (console, ana, ben, cleo, dashboard):
        _no_exception(page)
        page.context.close()


def _dblclick_cell(grid, row: int, column_x: float, text: str) -> None:  # type: ignore[no-untyped-def]
    """Double-click a cell as a hand does (two clicks 80 ms apart), type, press Enter.

    Input faster than a hand loses edits inside the grid component, whatever the page does
    (docs/workshop.md, "The grid's lost edits"): an instant double-click (0 ms between the
    clicks) lets the grid take the focus back from the cell editor 5 ms after it opens, and
    Enter 1 ms after the digit can commit the editor before it holds the digit.
    """
    box = grid.bounding_box()
    x, y = box["x"] + column_x, box["y"] + 35 * (row + 1) + 17
    mouse = grid.page.mouse
    mouse.move(x, y)
    mouse.down()
    mouse.up()
    grid.page.wait_for_timeout(80)
    mouse.down(click_count=2)
    mouse.up(click_count=2)
    grid.page.wait_for_timeout(200)
    grid.page.keyboard.type(text)
    grid.page.wait_for_timeout(120)  # a fast typist's gap; Enter 1 ms after the digit can close the editor unsaved
    grid.page.keyboard.press("Enter")


def test_the_laptop_grid_keeps_double_click_edits_while_the_room_refreshes(server: tuple[str, str], browser) -> None:  # type: ignore[no-untyped-def]
    url, database = server
    # A fresh audit, as the bug report had it: 30 touchpoints, five assessors' scores already in.
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"grid_{os.getpid()}"
    work.mkdir(exist_ok=True)
    (work / "inv.csv").write_text("id,name,stage,channel\n" + "".join(
        f"G{i:02d},Touchpoint {i},{('Awareness', 'Purchase', 'Service')[i % 3]},web\n" for i in range(30)))  # fmt: skip
    rows = [f"G{i:02d},Rater {a},{1 + (i + a) % 5},{1 + (i * a) % 5},3\n" for i in range(30) for a in range(5)]
    (work / "scores.csv").write_text("touchpoint,assessor,relevance,meaningfulness,attractiveness\n" + "".join(rows))
    _import(database, str(work / "inv.csv"), "--scores", str(work / "scores.csv"), "--audit", "Grid")
    console = _open(browser, f"{url}/workshop?audit=Grid")  # the room refreshes every 5 s meanwhile
    code = _issue_code(console)
    other = _join(browser, url, "Tapper", code=code)  # scores while the grid is edited: the room changes
    laptop = _open(browser, f"{url}/join?code={code}")
    laptop.get_by_label("Your name").fill("Gridder")
    laptop.get_by_role("button", name="Join").click()
    laptop.get_by_text("Scoring as Gridder").wait_for()
    laptop.get_by_role("radiogroup", name="View").get_by_role("radio", name="Grid (laptop)").click()
    _settle(laptop)
    grid = laptop.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    _shot(laptop, "participant_grid")
    # ui/grid.py fixes the widths: id, name, stage, channel, owner take 660 px; each score column 120 px.
    criteria_x = {c: 660 + 120 * i + 60 for i, c in enumerate(("relevance", "meaningfulness", "attractiveness"))}
    typed: dict[tuple[str, str], float] = {}
    for n in range(12):  # never the cell that Enter has just selected: the case that lost edits
        row, criterion = (0, 2, 4, 1, 3, 5)[n % 6], ("relevance", "meaningfulness", "attractiveness")[n // 6 % 3]
        value = 1 + n % 5
        _dblclick_cell(grid, row, criteria_x[criterion], str(value))
        typed[(f"G{row:02d}", criterion)] = float(value)
        if n % 3 == 0:
            _tap(other, "relevance", 1 + n % 5)  # another participant's score moves the room meanwhile
        laptop.wait_for_timeout(1200)  # across at least one refresh of the screen's 1 s watch
    _dblclick_cell(grid, 8, criteria_x["relevance"], "7")
    laptop.get_by_text("Touchpoint 8, relevance: 7 is outside 1-5. Not saved.").wait_for()
    _settle(laptop)
    assert _scores_of(database, "Grid", "Gridder") == typed  # every edit, none clamped, the 7 refused
    assert "view=grid" in laptop.url
    laptop.reload()  # what was saved is what the grid shows after a reload: the grid, not the card
    laptop.locator('[data-testid="stDataFrame"]').first.wait_for()
    _settle(laptop)
    _no_exception(laptop)
    for page in (console, other, laptop):
        page.context.close()


def test_a_fresh_audit_has_no_exception_on_any_page(server: tuple[str, str], browser) -> None:  # type: ignore[no-untyped-def]
    url, database = server
    store = Store.open(database, migrate=False)
    store.create_audit("Fresh", stage_order=["Awareness", "Purchase"], actor=LOCAL)
    code = Workshops(store).issue_code("Fresh", actor=LOCAL)
    for device, suffix in ((LAPTOP, ""), (PHONE, "_phone")):
        page = _open(browser, f"{url}/?audit=Fresh", device)
        for title in ("Dashboard", "Compare", "Workshop", "Inventory", "Import", "Export", "Audits"):
            if device is LAPTOP:
                _go(page, title)
            else:
                page.goto(f"{url}/{'' if title == 'Dashboard' else title.lower()}?audit=Fresh")
                _settle(page)
            _no_exception(page)
            assert "0.000000" not in page.locator('[data-testid="stMain"]').inner_text()
        page.context.close()
        phone = _join(browser, url, f"Fresh{suffix or '_laptop'}", code=code)
        phone.get_by_text("This audit has no touchpoints yet").wait_for()
        _no_exception(phone)
        phone.context.close()


def _direction(page, test_id: str) -> str:  # type: ignore[no-untyped-def]
    script = f"() => getComputedStyle(document.querySelector('[data-testid=\"{test_id}\"]')).direction"
    return str(page.evaluate(script))


def test_persian_pages_flow_right_to_left_and_russian_left_to_right(server: tuple[str, str], browser) -> None:  # type: ignore[no-untyped-def]
    url, database = server
    with i18n.use("fa"):
        dashboard_fa, touchpoints_fa, join_fa = _("Dashboard"), _("Touchpoints"), _("Join the workshop")
    with i18n.use("ru"):
        dashboard_ru, touchpoints_ru = _("Dashboard"), _("Touchpoints")
    assert dashboard_fa != "Dashboard" and dashboard_ru != "Dashboard"  # the catalogs are translated
    for device, suffix in ((LAPTOP, ""), (PHONE, "_phone")):
        page = _open(browser, f"{url}/dashboard?lang=fa", device)
        page.locator('[data-testid="stMain"]').get_by_text(touchpoints_fa, exact=True).wait_for()  # a first start
        _settle(page)  # loads the sample before it shows the dashboard
        _no_exception(page)
        assert _direction(page, "stMain") == "rtl"
        assert _direction(page, "stVegaLiteChart") == "ltr"  # charts keep a left-to-right axis
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_text(touchpoints_fa, exact=True).count()
        assert "۴۸" in main.inner_text()  # Persian digits: the sample's 48 touchpoints
        assert page.evaluate("() => document.fonts.check('16px Vazirmatn', 'سلام')")
        page.locator('[data-testid="stTable"] th').first.wait_for()
        header_wrap = "() => getComputedStyle(document.querySelector('[data-testid=\"stTable\"] th')).overflowWrap"
        assert page.evaluate(header_wrap) == "normal"  # a Persian header never breaks inside a word
        if device is LAPTOP:
            assert _direction(page, "stSidebarContent") == "rtl"
            assert page.get_by_role("link", name=dashboard_fa).count()
        else:  # the collapsed sidebar is off the screen, not a strip over the page
            content = page.locator('[data-testid="stSidebarContent"]').bounding_box()
            assert content is None or content["x"] + content["width"] <= 0, content
        assert _no_sideways_scroll(page)
        _shot(page, f"dashboard_fa{suffix}")
        page.reload()
        page.locator('[data-testid="stMain"]').get_by_text(touchpoints_fa, exact=True).wait_for()
        assert "lang=fa" in page.url and _direction(page, "stMain") == "rtl"  # a reload keeps the language
        page.context.close()
        russian = _open(browser, f"{url}/dashboard?lang=ru", device)
        russian.locator('[data-testid="stMain"]').get_by_text(touchpoints_ru, exact=True).wait_for()
        _settle(russian)
        _no_exception(russian)
        assert _direction(russian, "stMain") == "ltr"
        table_fits = (
            "() => { const t = document.querySelector('[data-testid=\"stTable\"]');"
            " return t.querySelector('table').getBoundingClientRect().width <= t.getBoundingClientRect().width + 1; }"
        )
        russian.locator('[data-testid="stTable"] th').first.wait_for()  # drawn after the figures the wait saw
        assert russian.evaluate(table_fits)  # the weak spots' long Russian headers break rather than clip
        assert _no_sideways_scroll(russian)
        _shot(russian, f"dashboard_ru{suffix}")
        russian.context.close()
    store = Store.open(database, migrate=False)
    code = Workshops(store).issue_code(SAMPLE, actor=LOCAL)
    phone = _open(browser, f"{url}/join?code={code}&lang=fa", PHONE)
    phone.get_by_text(join_fa, exact=True).wait_for()
    assert _direction(phone, "stMain") == "rtl"
    _shot(phone, "join_fa_phone")
    with i18n.use("fa"):
        name_fa, join_button, relevance = _("Your name"), _("Join"), i18n.label("relevance")
        separator, digits = i18n.separator().strip(), [i18n.integer(n) for n in range(1, 6)]
    phone.get_by_label(name_fa).fill("مینا")
    phone.get_by_role("button", name=join_button).click()
    buttons = phone.get_by_role("radiogroup", name=relevance).get_by_role("radio")
    buttons.first.wait_for()
    _settle(phone)
    boxes = [buttons.nth(i).bounding_box() for i in range(5)]
    assert [buttons.nth(i).inner_text() for i in range(5)] == digits
    assert all(left["x"] > right["x"] for left, right in itertools.pairwise(boxes)), boxes  # 1 on the right
    for criterion in ("relevance", "meaningfulness", "attractiveness"):
        with i18n.use("fa"):
            label = i18n.label(criterion)
            saved = _("Saved: {criterion} {score} ({word}).").split("{", 1)[0].strip()
        phone.get_by_role("radiogroup", name=label).get_by_role("radio", name=digits[3]).tap()
        phone.locator('[data-testid="stAlert"]').filter(has_text=saved).filter(has_text=label).first.wait_for()
        _settle(phone)
    fill = (
        "() => { const track = document.querySelector('[data-testid=\"stProgressBarTrack\"]');"
        " const t = track.getBoundingClientRect(), f = track.firstElementChild.getBoundingClientRect();"
        " return [t.left, t.right, f.left, f.right]; }"
    )
    left, right, fill_left, fill_right = phone.evaluate(fill)
    assert fill_left < right and fill_right >= right - 1, (left, right, fill_left, fill_right)  # from the right
    scale = phone.locator('[data-testid="stCaptionContainer"]').filter(has_text=digits[4]).first.inner_text()
    assert separator in scale and "·" not in scale  # Persian's zero is a dot: "۲ · ضعیف" read "۲۰ ضعیف"
    assert _no_sideways_scroll(phone)
    _shot(phone, "score_fa_phone")
    phone.context.close()
    laptop = _open(browser, f"{url}/audits?lang=fa")
    headers = laptop.locator('[data-testid="stTable"] th')
    headers.first.wait_for()
    _settle(laptop)
    assert not laptop.locator('[data-testid="stDataFrame"]').count()  # the canvas grid draws left to right only
    first, last = headers.first.bounding_box(), headers.last.bounding_box()
    assert first["x"] > last["x"]  # the first column on the right
    assert "۴۸" in laptop.locator('[data-testid="stTable"]').inner_text()  # Persian digits in its cells
    laptop.context.close()
