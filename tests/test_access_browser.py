"""Access control in Debian's Chromium, against the real app: password mode with two facilitators
and two clients' audits, a participant's link, OpenID Connect against a provider on loopback,
and local mode refusing to serve beyond this computer.

Each server is `streamlit run app.py` on a free port with its own SQLite file. What the tests
look for is text on the page: an audit's name or a touchpoint's must never appear to someone
who may not open it, whatever URL they type.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from oidc_provider import OpenIDProvider
from test_browser import LAPTOP, PHONE, _free_port, _no_exception, _open, _settle, _shot, _wait_healthy, browser

from audit.access import OPERATOR, Facilitator, Role
from audit.accounts import Accounts, PasswordSettings
from audit.inventory import read_inventory_bytes
from audit.store import Store
from audit.workshops import Workshops

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the Chromium fixture, shared with test_browser

LEAD, OTHER = "lead@example.com", "other@example.com"
LEAD_PASSWORD, OTHER_PASSWORD = "lead's long password", "other's long password"
A, B = "Acme Q3", "Borealis onboarding"
A_TOUCHPOINT, B_TOUCHPOINT = "Acme website", "Borealis app"


def _start(database: str, env: dict[str, str], *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", *extra]  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_AUDIT_")}
    environment |= {"TOUCHPOINT_AUDIT_DATABASE_URL": database, "TOUCHPOINT_AUDIT_WATCH_SECONDS": "1"} | env
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url, process)
    return process, url


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


def _two_clients(database: str, owner: str) -> str:
    """Audits A and B owned by `owner`; returns a participant token of A."""
    store = Store.open(database)
    for name, touchpoint in ((A, A_TOUCHPOINT), (B, B_TOUCHPOINT)):
        inventory = read_inventory_bytes(f"id,name,stage\nT1,{touchpoint},Awareness\n".encode(), f"{name}.csv")
        store.import_inventory(name, inventory, actor=OPERATOR, owner=owner)
    token = Workshops(store).add_participant(A, "Pia", actor=Facilitator(owner))[1]
    store.close()
    return token


@pytest.fixture(scope="module")
def password_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """Password mode: the configured password is the lead's; the other facilitator has an account."""
    database = f"sqlite:///{tmp_path_factory.mktemp('access') / 'app.db'}"
    token = _two_clients(database, LEAD)
    store = Store.open(database)
    Accounts(store, PasswordSettings()).add(OTHER, OTHER_PASSWORD)
    store.close()
    process, url = _start(database, {"TOUCHPOINT_AUDIT_FACILITATOR": LEAD,
                                     "TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD": LEAD_PASSWORD})  # fmt: skip
    try:
        yield url, database, token
    finally:
        _stop(process)


def _text(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("body").inner_text())


def _audits_offered(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The audits the Audits page offers to open (its table is drawn on a canvas; the list is text)."""
    page.get_by_role("link", name="Audits").first.click()
    _settle(page)
    page.get_by_label("Open an audit").click()
    options = [str(o).strip() for o in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return options


def _sign_in(page, who: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("E-mail or account name").fill(who)
    page.get_by_label("Facilitator password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    _settle(page)


def test_signed_out_no_address_shows_an_audit(password_server: tuple[str, str, str], browser) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = password_server
    page = _open(browser, url)
    for path in ("/", "/dashboard", "/audits", "/export", "/workshop", "/inventory", "/import",
                 f"/?audit={A}", f"/dashboard?audit={B}"):  # fmt: skip
        page.goto(url + path)
        _settle(page)
        page.get_by_label("Facilitator password").wait_for()  # the form is drawn after the title
        text = _text(page)
        assert "Acme" not in text and "Borealis" not in text, path
    _shot(page, "access-sign-in")
    _sign_in(page, LEAD, "a wrong password")
    assert "Wrong e-mail or password" in _text(page)
    assert "Acme" not in _text(page)


def test_a_participant_link_opens_its_audit_and_nothing_else(password_server: tuple[str, str, str], browser) -> None:  # type: ignore[no-untyped-def]
    url, _, token = password_server
    phone = _open(browser, f"{url}/score?p={token}", PHONE)
    text = _text(phone)
    assert A_TOUCHPOINT in text and "Scoring as Pia" in text
    assert "Borealis" not in text
    phone.goto(f"{url}/score?p={token}&audit={B}")  # editing the URL to the other audit
    _settle(phone)
    text = _text(phone)
    assert "This link is for another audit" in text and B_TOUCHPOINT not in text
    _shot(phone, "access-participant-other-audit")
    for path in ("/dashboard", "/audits", "/export", "/workshop"):
        phone.goto(f"{url}{path}?p={token}")
        _settle(phone)
        text = _text(phone)
        assert "Borealis" not in text, path
        assert "Audits" not in text and "Facilitator password" not in text, path  # only the scoring screen
        assert "Scoring as Pia" in text, path
        _no_exception(phone)


def test_facilitators_see_their_own_and_shared_audits_only(password_server: tuple[str, str, str], browser) -> None:  # type: ignore[no-untyped-def]
    url, database, _ = password_server
    lead = _open(browser, f"{url}/audits")
    _sign_in(lead, LEAD, LEAD_PASSWORD)
    assert sorted(_audits_offered(lead)) == [A, B]
    assert f"Signed in with the facilitator password as {LEAD}" in _text(lead)
    lead.reload()  # the session survives a reload (its cookie)
    _settle(lead)
    assert f"as {LEAD}" in _text(lead) and "Facilitator password" not in _text(lead)

    other = _open(browser, url)  # another browser: nothing shared with the other facilitator yet
    _sign_in(other, OTHER, OTHER_PASSWORD)
    other.get_by_text("You have no audits yet").first.wait_for()
    text = _text(other)
    assert "You have no audits yet" in text and "Acme" not in text and "Borealis" not in text
    for path in (f"/dashboard?audit={A}", f"/inventory?audit={B}", f"/export?audit={A}"):
        other.goto(url + path)
        _settle(other)
        assert "Acme" not in _text(other) and "Borealis" not in _text(other), path

    store = Store.open(database)
    store.share(A, OTHER, Role.VIEWER, actor=Facilitator(LEAD))
    store.close()
    other.goto(f"{url}/?audit={A}")
    _settle(other)
    text = _text(other)
    assert A in text and "Borealis" not in text
    assert "You are its viewer" in text
    assert _audits_offered(other) == [A]
    page_links = other.locator('[data-testid="stSidebar"] a:not([href^="mailto"])')  # not the e-mail's link
    links = [str(t).split()[-1] for t in page_links.all_inner_texts()]
    assert links == ["Dashboard", "Compare", "Inventory", "Import", "Export", "Audits"]  # no Workshop for a viewer
    other.get_by_role("link", name="Inventory").first.click()
    _settle(other)
    assert "Shared with you as a viewer" in _text(other)
    assert not other.locator('[data-testid="stDataFrameGlideDataEditor"][aria-readonly="false"]').count()
    _shot(other, "access-viewer-inventory")
    _no_exception(other)
    other.goto(f"{url}/workshop")  # typed by hand: not in a viewer's sidebar, and no "Page not found" either
    _settle(other)
    text = _text(other)
    assert "only its owner and editors run its workshop" in text and "Page not found" not in text

    other.get_by_role("button", name="Sign out").click()
    _settle(other)
    other.reload()
    _settle(other)
    other.get_by_label("Facilitator password").wait_for()
    assert "Acme" not in _text(other)


def test_sign_in_with_openid_connect_makes_the_e_mail_the_facilitator(
    tmp_path: Path,
    browser,  # type: ignore[no-untyped-def]
) -> None:
    database = f"sqlite:///{tmp_path / 'oidc.db'}"
    _two_clients(database, LEAD)
    store = Store.open(database)
    store.create_audit("Alice's audit", actor=Facilitator("alice@corp.example"))
    store.close()
    port = _free_port()
    with OpenIDProvider("touchpoint-audit", "test secret", f"http://127.0.0.1:{port}/oauth2callback") as provider:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(provider.secrets_toml())
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
                   "127.0.0.1", "--server.headless", "true", "--secrets.files", str(secrets)]  # fmt: skip
        environment = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_AUDIT_")}
        environment["TOUCHPOINT_AUDIT_DATABASE_URL"] = database
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            provider.sign_in_as("Alice@Corp.example", name="Alice")
            page = _open(browser, f"{url}/audits?audit={A}")
            assert "Acme" not in _text(page) and "Facilitator password" not in _text(page)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_text("Signed in with OpenID Connect as alice@corp.example").wait_for()
            _settle(page)
            text = _text(page)
            assert "Alice's audit" in text and "Acme" not in text and "Borealis" not in text
            assert provider.sign_ins[-1].used_pkce
            _shot(page, "access-oidc-signed-in")

            provider.sign_in_as("mallory@corp.example", email_verified=False)
            unverified = browser.new_context(**LAPTOP).new_page()
            unverified.goto(url)
            _settle(unverified)
            unverified.get_by_role("button", name="Sign in").click()
            unverified.get_by_text("has not verified mallory@corp.example").wait_for()
            assert "Alice" not in _text(unverified) and "Acme" not in _text(unverified)
        finally:
            _stop(process)


def test_local_mode_refuses_to_serve_beyond_this_computer(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    database = f"sqlite:///{tmp_path / 'local.db'}"
    _two_clients(database, "local")
    process, url = _start(database, {}, "--server.address", "0.0.0.0")
    try:
        page = _open(browser, f"{url}/audits")
        page.get_by_text("Local mode makes whoever opens the app a facilitator").wait_for()
        text = _text(page)
        assert "Local mode makes whoever opens the app a facilitator" in text
        assert "TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD" in text and "[auth]" in text
        assert "Acme" not in text and "Northwind" not in text
        page.goto(f"{url}/join?code=AAAA-AAAA")  # the participants' side refuses too
        page.get_by_text("Local mode makes whoever opens the app a facilitator").wait_for()
        assert "Your name" not in _text(page)
    finally:
        _stop(process)
