"""A workshop participant without a browser: Streamlit's WebSocket protocol, spoken as its frontend does.

A benchmark can put hundreds of these on a server where Chromium saturates at about 25 pages;
the server does the same work for each as for a phone, because it receives the same messages:
* HTTP first, as a browser: the page (`/score?p=TOKEN`, not the JS/CSS it loads), then
  `_stcore/health` and `_stcore/host-config` together, under `/score/` (404) and then `/`, as the
  frontend probes for the server's base path. The responses set the `_streamlit_xsrf` cookie (XSRF
  protection is on by default) and, behind ./scripts/serve's nginx, the replica cookie.
* WebSocket `/_stcore/stream` with those cookies, an `Origin` header, and the subprotocols
  `streamlit, <XSRF cookie value>` (the frontend sends `PLACEHOLDER_AUTH_TOKEN` when there is no
  cookie; a third entry would be a session id to resume). The server validates the token only to
  trust Streamlit's own auth cookie; the app's participant identity is the token in the URL.
* Every message is a binary protobuf: BackMsg up, ForwardMsg down. On connect the client sends
  BackMsg.rerun_script, a ClientState: query string `p=TOKEN`, page name `score` (the URL path;
  the page hash is empty until the server names it in new_session / navigation), no widget
  states, no cached hashes, and context_info (timezone, locale, URL...).
* The server answers each run with new_session, deltas (one element each, with a path), and
  script_finished. A widget's element carries its id (`$$ID-<hash>-<user key>`), its options,
  its default, and `set_value` plus its current value when the app set it in session state.
* As the frontend does, the client holds a value for every widget on screen (the default, or
  the value the server set) and sends them all, with the one changed, in the next
  rerun_script. A segmented control's value is a `string_array_value` holding the option's
  label (`["4"]`); the server sees it differ from the last value and calls its on_change.
* `st.fragment(run_every=s)` arrives as ForwardMsg.auto_rerun(interval, fragment_id): the frontend
  then sends rerun_script with that fragment_id and is_auto_rerun every interval, restarting
  the timers at each full run; `idle()` does the same.
* Message caching: a delta of 10 kB or more comes with `metadata.cacheable`; the client keeps it
  by hash, lists the hashes in `cached_message_hashes`, and the server may then send only
  ForwardMsg.ref_hash, resolved from the cache. Entries expire as in the frontend (after
  `max_cached_message_age` runs without use).

Check by hand against a running app:
    python bench/room_client.py --base http://127.0.0.1:8701 --token TOKEN
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect

CRITERIA = ("relevance", "meaningfulness", "attractiveness")
XSRF_COOKIE = "_streamlit_xsrf"
NO_XSRF = "PLACEHOLDER_AUTH_TOKEN"  # what the frontend sends when it has no XSRF cookie
FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
FRAGMENT_FINISHED = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
# Widgets whose value the frontend holds (and so sends with every rerun); a button only triggers.
VALUE_WIDGETS = ("button_group", "selectbox", "radio", "text_area", "text_input", "checkbox")
TRIGGER_WIDGETS = ("button",)


class ClientError(RuntimeError):
    """The server did not do what a browser would have seen it do (refused tap, exception, closed)."""


@dataclass
class _Cached:
    """One cacheable ForwardMsg as the frontend keeps it: its bytes, the run it was last used in."""

    data: bytes
    run: int
    fragment_id: str


@dataclass
class _Widget:
    kind: str  # the Element oneof: button_group, selectbox, ...
    proto: Any  # the widget's own message (ButtonGroup, Selectbox, ...)
    fragment_id: str
    run: str  # the script run that last sent it


@dataclass
class _Tap:
    expected: str  # the start of the card's success text
    refusal: str  # the start of its error text
    done: asyncio.Future[None]
    seen: bool = False
    problems: list[str] = field(default_factory=list)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every participant: loading the CA store costs about 20 ms of CPU each time."""
    return ssl.create_default_context()


def user_key(widget_id: str) -> str | None:
    """The user key in a widget id `$$ID-<hash>-<key>`, or None for a widget without a key."""
    if not widget_id.startswith("$$ID-"):
        return None
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] else None


def _option_label(option: Any) -> str:
    """A ButtonGroup option as the frontend names it on the wire: icon and content, trimmed."""
    return f"{option.content_icon} {option.content}".strip() if option.content_icon else option.content


def _initial_state(kind: str, proto: Any) -> WidgetState:
    """The value a mounted widget reports before anyone touches it (the frontend's
    getDefaultStateFromProto / getCurrStateFromProto): what the server set, else its default."""
    state = WidgetState(id=proto.id)
    _apply_proto_value(state, kind, proto, current=proto.set_value)
    return state


def _apply_proto_value(state: WidgetState, kind: str, proto: Any, *, current: bool) -> None:
    if kind == "button_group":
        values = list(proto.raw_values) if current else [_option_label(proto.options[i]) for i in proto.default
                                                           if 0 <= i < len(proto.options)]  # fmt: skip
        state.string_array_value.data[:] = values
    elif kind in ("selectbox", "radio"):
        if current:
            value = proto.raw_value if proto.HasField("raw_value") else None
        else:
            value = proto.options[proto.default] if proto.HasField("default") and proto.options else None
        _set_string(state, value)
    elif kind in ("text_area", "text_input"):
        field_name = "value" if current else "default"
        _set_string(state, getattr(proto, field_name) if proto.HasField(field_name) else None)
    elif kind == "checkbox":
        state.bool_value = proto.value if current else proto.default


def _set_string(state: WidgetState, value: str | None) -> None:
    if value is None:
        state.ClearField("value")  # the frontend's setStringValue(null): the id with no value
    else:
        state.string_value = value


class Participant:
    """One participant's scoring screen, open on a WebSocket; see the module docstring."""

    def __init__(self, base_url: str, token: str, *, path: str = "score", timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.page_path = path  # the URL path the browser shows (page_name on the first run)
        self.query_string = urlencode({"p": token})
        self.cookies: dict[str, str] = {}
        self.replica = ""  # which replica served the session (nginx's X-Replica / cookie), "" without nginx
        self.session_id = ""
        self.page_script_hash = ""
        self.main_script_hash = ""
        self.exceptions: list[str] = []  # st.exception / uncaught errors the server sent
        self.alerts: list[tuple[str, str]] = []  # (format, body) of alerts in the last full run
        self.runs_finished = 0  # full script runs completed
        self.fragment_runs_finished = 0
        self.auto_reruns_sent = 0
        self.messages_received = 0
        self.bytes_received = 0
        self.cache_hits = 0
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()
        self._close_reason = ""
        self._states: dict[str, WidgetState] = {}  # widget id -> the value the "frontend" holds
        self._widgets: dict[str, _Widget] = {}  # widget id -> its latest element
        self._by_key: dict[str, str] = {}  # user key -> widget id
        self._run_id = ""
        self._run_alerts: list[tuple[str, str]] = []
        self._new_session_since_rerun = False
        self._max_cached_age = 2
        self._cache: dict[str, _Cached] = {}
        self._cache_runs = 0
        self._auto_reruns: dict[str, float] = {}  # fragment id -> interval (s)
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._idling = False
        self._first_run: asyncio.Future[None] | None = None
        self._tap: _Tap | None = None

    # --- opening and closing ----------------------------------------------------------------

    @classmethod
    async def open(cls, base_url: str, token: str, *, cookies: dict[str, str] | None = None, path: str = "score",
                   timeout: float = 60.0) -> Participant:  # fmt: skip
        """Load the page as a browser does, connect, run the page; returns once its first run finished."""
        self = cls(base_url, token, path=path, timeout=timeout)
        await self._http_handshake(cookies or {})
        try:
            await self._connect()
        except BaseException:
            await self.close()
            raise
        return self

    async def _http_handshake(self, cookies: dict[str, str]) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, cookies=cookies, timeout=self.timeout,
                                     verify=_tls()) as http:  # fmt: skip
            page = await http.get(f"/{self.page_path}?{self.query_string}")
            page.raise_for_status()
            # The frontend does not know the server's base path: it pings under the page's path, then one up.
            for prefix in (f"/{self.page_path}", "") if self.page_path else ("",):
                health, host = await asyncio.gather(http.get(f"{prefix}/_stcore/health"),
                                                    http.get(f"{prefix}/_stcore/host-config"))  # fmt: skip
                if health.status_code == host.status_code == 200:
                    break
            else:
                raise ClientError(f"the server is not ready: /_stcore/health says {health.status_code}")
            self.cookies = {cookie.name: cookie.value for cookie in http.cookies.jar if cookie.value is not None}
            self.replica = health.headers.get("x-replica") or self.cookies.get("touchpoint_audit_replica", "")

    async def _connect(self) -> None:
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = [("Origin", f"{parts.scheme}://{parts.netloc}")]
        if self.cookies:
            headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items())))
        self._ws = await connect(
            f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
            subprotocols=["streamlit", self.cookies.get(XSRF_COOKIE, NO_XSRF)],  # type: ignore[list-item]
            additional_headers=headers,
            ping_interval=None,  # a browser never pings; the server's pings are answered all the same
            max_size=None,
            open_timeout=self.timeout,
            ssl=_tls() if scheme == "wss" else None,
        )
        replica = self._ws.response.headers.get("X-Replica") if self._ws.response else None
        self.replica = replica or self.replica
        self._first_run = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read(), name="room-client-read")
        await self._send_rerun()  # what the frontend sends once connected: run the page in the URL
        await self._wait(self._first_run, "the first run")

    async def close(self) -> None:
        """Close the WebSocket (the server ends the session as for a closed tab)."""
        self._stop_timers()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self._closed.set()

    async def __aenter__(self) -> Participant:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- what a person does -----------------------------------------------------------------

    @property
    def current_touchpoint(self) -> str:
        """The touchpoint on the card: from the keys `tap|<touchpoint>|<criterion>` on screen."""
        for key in self._by_key:
            if key.startswith("tap|"):
                return key.split("|")[1]
        raise ClientError("no scoring card on screen")

    def widget_keys(self) -> list[str]:
        """The user keys of the widgets on screen."""
        return list(self._by_key)

    def value(self, key: str) -> WidgetState:
        """The value the screen holds for a widget, as it would be sent."""
        return self._states[self._by_key[key]]

    async def tap(self, criterion: str, value: int) -> float:
        """Tap `value` on the criterion's segmented control of the current card; seconds until the card
        says "Saved: ..." and the run is finished. Raises ClientError if the card says it was not saved."""
        if criterion not in CRITERIA:
            raise ValueError(f"criterion must be one of {CRITERIA}")
        key = f"tap|{self.current_touchpoint}|{criterion}"
        widget_id = self._id_of(key)
        widget = self._widgets[widget_id]
        label = str(value)
        if label not in (_option_label(o) for o in widget.proto.options):
            raise ValueError(f"{value} is not an option of {key}")
        if self._tap is not None:
            raise ClientError("one tap at a time")
        state = self._states.setdefault(widget_id, WidgetState(id=widget_id))
        if list(state.string_array_value.data) == [label]:
            raise ClientError(f"{key} already shows {value}: a tap on it changes nothing, so nothing is sent")
        state.string_array_value.data[:] = [label]
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tap = _Tap(f"Saved: {criterion} {value} (", f"{criterion.capitalize()} not saved", done)
        start = time.perf_counter()
        try:
            await self._send_rerun(fragment_id=widget.fragment_id)  # the frontend's flush after a user change
            await self._wait(done, f"the tap on {key}")
        finally:
            self._tap = None
        return time.perf_counter() - start

    async def click(self, key: str) -> None:
        """Press a button (a trigger: true for the one run it causes); returns when that run finished."""
        widget_id = self._id_of(key)
        widget = self._widgets[widget_id]
        if widget.kind not in TRIGGER_WIDGETS:
            raise ValueError(f"{key} is a {widget.kind}, not a button")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tap = _Tap("", "", done, seen=True)
        try:
            pressed = WidgetState(id=widget_id, trigger_value=True)  # sent once, then forgotten
            await self._send_rerun(fragment_id=widget.fragment_id, extra=[pressed])
            await self._wait(done, f"the click on {key}")
        finally:
            self._tap = None

    async def idle(self) -> None:
        """Keep the screen open as a browser tab does: fragment auto-reruns at their intervals.
        Runs until cancelled or closed (start it as a task)."""
        self._idling = True
        for fragment_id, interval in self._auto_reruns.items():
            self._start_timer(fragment_id, interval)
        try:
            await self._closed.wait()
        finally:
            self._idling = False
            self._stop_timers()

    # --- the protocol -----------------------------------------------------------------------

    def _id_of(self, key: str) -> str:
        try:
            return self._by_key[key]
        except KeyError:
            raise ClientError(f"no widget with key {key!r} on screen (have: {sorted(self._by_key)})") from None

    @property
    def url(self) -> str:
        """The page's address as the frontend reports it in context_info: no query string."""
        return f"{self.base_url}/{quote(self.page_path)}"

    async def _send_rerun(self, *, fragment_id: str = "", is_auto_rerun: bool = False,
                          extra: list[WidgetState] | None = None) -> None:  # fmt: skip
        """BackMsg.rerun_script as the frontend's sendRerunBackMsg builds it."""
        if self._ws is None or self._closed.is_set():
            raise ClientError(f"connection closed: {self._close_reason}")
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query_string
        if self.page_script_hash:
            client.page_script_hash = self.page_script_hash
        else:
            client.page_name = self.page_path  # the first run: the page comes from the URL path
        states = WidgetStates(widgets=list(self._states.values()) + (extra or []))
        client.widget_states.CopyFrom(states)
        if fragment_id:
            client.fragment_id = fragment_id
        client.is_auto_rerun = is_auto_rerun
        client.cached_message_hashes.extend(self._cache)
        client.context_info.CopyFrom(
            ContextInfo(
                timezone="UTC", timezone_offset=0, locale="en-US", url=self.url, is_embedded=False, color_scheme="light"
            )
        )
        self._new_session_since_rerun = False
        await self._ws.send(msg.SerializeToString())

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for data in self._ws:
                if isinstance(data, str):
                    raise ClientError("text frame from the server")
                self.messages_received += 1
                self.bytes_received += len(data)
                self._handle(self._resolve(data))
            self._close_reason = "closed by the server"
        except Exception as error:  # noqa: BLE001 - every failure ends the session and is reported to waiters
            self._close_reason = f"{type(error).__name__}: {error}"
        finally:
            self._closed.set()
            self._stop_timers()
            for waiter in (self._first_run, self._tap.done if self._tap else None):
                if waiter is not None and not waiter.done():
                    waiter.set_exception(ClientError(f"connection closed: {self._close_reason}"))

    def _resolve(self, data: bytes) -> ForwardMsg:
        """Parse a ForwardMsg; keep cacheable ones, and replace a reference by the cached message."""
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if msg.HasField("ref_hash"):
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise ClientError(f"cached ForwardMsg miss (hash {msg.ref_hash})")
            cached.run = self._cache_runs
            self.cache_hits += 1
            full = ForwardMsg()
            full.ParseFromString(cached.data)
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash:
            if msg.hash in self._cache:
                self._cache[msg.hash].run = self._cache_runs
            else:
                self._cache[msg.hash] = _Cached(data, self._cache_runs, msg.delta.fragment_id)
        return msg

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta":
            self._delta(msg)
        elif kind == "new_session":
            self._new_session(msg)
        elif kind == "script_finished":
            self._script_finished(msg)
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash
            for page in msg.navigation.app_pages:
                if page.page_script_hash == self.page_script_hash and page.url_pathname:
                    self.page_path = page.url_pathname
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._auto_reruns.pop(fragment_id, None)
                timer = self._timers.pop(fragment_id, None)
                if timer is not None:
                    timer.cancel()
        elif kind == "page_not_found":
            self.exceptions.append(f"page not found: {msg.page_not_found.page_name}")
            self.page_script_hash = self.main_script_hash

    def _new_session(self, msg: ForwardMsg) -> None:
        session = msg.new_session
        self._new_session_since_rerun = True
        self._run_id = msg.metadata.run.script_run_id
        if session.HasField("initialize") and session.initialize.session_id:
            self.session_id = session.initialize.session_id
        if session.HasField("config") and session.config.max_cached_message_age:
            self._max_cached_age = session.config.max_cached_message_age
        if not msg.metadata.run.fragment_ids:  # a full run: the frontend clears its auto-rerun timers; the run
            # sets them again (so a tap restarts the interval)
            self._auto_reruns.clear()
            self._stop_timers()
            self._run_alerts = []
            self.main_script_hash = session.main_script_hash
            self.page_script_hash = session.page_script_hash

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element: Element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "alert":
            self._alert(element.alert)
        elif kind == "exception":
            text = f"{element.exception.type}: {element.exception.message}"
            self.exceptions.append(text)
            if self._tap is not None:
                self._tap.problems.append(text)
        elif kind in VALUE_WIDGETS or kind in TRIGGER_WIDGETS:
            proto = getattr(element, kind)
            run = msg.metadata.run.script_run_id or self._run_id
            self._widgets[proto.id] = _Widget(kind, proto, delta.fragment_id, run)
            key = user_key(proto.id)
            if key is not None:
                self._by_key[key] = proto.id
            if kind in VALUE_WIDGETS:
                state = self._states.get(proto.id)
                if state is None:
                    self._states[proto.id] = _initial_state(kind, proto)
                elif proto.set_value:  # the app set it in session state: the screen shows that value
                    _apply_proto_value(state, kind, proto, current=True)

    def _alert(self, alert: Any) -> None:
        fmt = alert.Format.Name(alert.format)
        self._run_alerts.append((fmt, alert.body))
        tap = self._tap
        if tap is None or not tap.expected:
            return
        if alert.body.startswith(tap.expected):
            tap.seen = True
        elif fmt == "ERROR" and alert.body.startswith(tap.refusal):
            tap.problems.append(alert.body)

    def _script_finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        run = msg.metadata.run
        fragments = tuple(run.fragment_ids)
        if status in (FINISHED, FRAGMENT_FINISHED) and run.script_run_id:  # no run identity: an error's stub run
            self._remove_inactive(run.script_run_id, fragments)
        if status != EARLY and self._new_session_since_rerun:
            self._age_cache(fragments)
        if status == FRAGMENT_FINISHED:
            self.fragment_runs_finished += 1
            return
        if status != FINISHED:
            return
        self.runs_finished += 1
        self.alerts = self._run_alerts
        if self._first_run is not None and not self._first_run.done():
            self._first_run.set_result(None)
        tap = self._tap
        if tap is not None and not tap.done.done():
            if tap.seen:
                tap.done.set_result(None)
            elif tap.problems:
                tap.done.set_exception(ClientError("; ".join(tap.problems)))
            # else: a run that finished before ours started (the watcher's); keep waiting

    def _remove_inactive(self, run_id: str, fragments: tuple[str, ...]) -> None:
        """Forget widgets no longer on screen, as the frontend does after a successful run."""
        gone = [wid for wid, w in self._widgets.items()
                if w.run != run_id and (not fragments or w.fragment_id in fragments)]  # fmt: skip
        for widget_id in gone:
            widget = self._widgets.pop(widget_id)
            self._states.pop(widget_id, None)
            key = user_key(widget.proto.id)
            if key is not None and self._by_key.get(key) == widget_id:
                del self._by_key[key]

    def _age_cache(self, fragments: tuple[str, ...]) -> None:
        self._cache_runs += 1
        for digest, cached in list(self._cache.items()):
            if fragments and cached.fragment_id not in fragments:
                continue
            if self._cache_runs - cached.run > self._max_cached_age:
                del self._cache[digest]

    # --- fragment auto-reruns ---------------------------------------------------------------

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or self._auto_reruns.get(fragment_id) == interval:
            return
        self._auto_reruns[fragment_id] = interval
        if self._idling:
            self._start_timer(fragment_id, interval)

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        old = self._timers.pop(fragment_id, None)
        if old is not None:
            old.cancel()
        self._timers[fragment_id] = asyncio.create_task(self._every(fragment_id, interval), name="room-client-auto")

    async def _every(self, fragment_id: str, interval: float) -> None:
        """setInterval: a fragment rerun every `interval` seconds, whether or not a run is going on."""
        loop = asyncio.get_running_loop()
        due = loop.time() + interval
        while not self._closed.is_set():
            await asyncio.sleep(max(0.0, due - loop.time()))
            due += interval
            with contextlib.suppress(ClientError):
                await self._send_rerun(fragment_id=fragment_id, is_auto_rerun=True)
                self.auto_reruns_sent += 1

    def _stop_timers(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    async def _wait(self, future: asyncio.Future[None], what: str) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except TimeoutError:
            raise ClientError(f"{what} did not finish in {self.timeout:g} s") from None


async def _main(base: str, token: str, values: list[int]) -> None:
    own = time.process_time()
    start = time.perf_counter()
    participant = await Participant.open(base, token)
    print(f"opened in {time.perf_counter() - start:.3f} s (session {participant.session_id}, "
          f"replica {participant.replica or '-'}); card: {participant.current_touchpoint}")  # fmt: skip
    try:
        for criterion, value in zip(CRITERIA, values, strict=False):
            seconds = await participant.tap(criterion, value)
            saved = next(body for fmt, body in participant.alerts if fmt == "SUCCESS")
            print(f"tap {criterion} {value}: {seconds:.3f} s  ({saved})")
    finally:
        await participant.close()
    print(f"client CPU {(time.process_time() - own) * 1000:.1f} ms in all; {participant.messages_received} messages, "
          f"{participant.bytes_received / 1024:.1f} kB received")  # fmt: skip
    if participant.exceptions:
        print("exceptions:", *participant.exceptions, sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(description="Open a participant's scoring screen and tap three scores.")
    parser.add_argument("--base", required=True, help="the app's address, e.g. http://127.0.0.1:8701")
    parser.add_argument("--token", required=True, help="a participant's identity token (the ?p= of their link)")
    parser.add_argument("--values", default="4,3,5", help="the three scores, relevance,meaningfulness,attractiveness")
    args = parser.parse_args()
    asyncio.run(_main(args.base, args.token, [int(v) for v in args.values.split(",")]))


if __name__ == "__main__":
    main()
