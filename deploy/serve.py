"""Serve a big room: N app processes (replicas) on loopback ports behind Debian's nginx, one public port.

Run it through `./scripts/serve` (which installs what is missing first):

    TOUCHPOINT_AUDIT_DATABASE_URL=postgresql+psycopg://... ./scripts/serve --replicas 4 --port 8500

What it does, in order: refuses to start without PostgreSQL (SQLite is for one process) or
without a way to sign in (local mode serves only this computer); migrates the database once;
starts the replicas (`streamlit run app.py` on 127.0.0.1, each with the same cookie secret
and upload limit) and waits for each one's /_stcore/health; writes the nginx configuration
from deploy/nginx.conf.template and starts nginx in the foreground; then watches: a replica
that exits is restarted (its browsers have already moved to the others), and Ctrl-C stops
everything it started. `<run dir>/replicas.json` says which process is which replica.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
sys.path.insert(0, str(ROOT))

from audit.accounts import PASSWORD_VARIABLE, TRUSTED_PROXY_VARIABLE, Accounts  # noqa: E402
from audit.database import URL_VARIABLE  # noqa: E402
from audit.reader import DEFAULT_LIMITS, MB  # noqa: E402
from audit.store import Store, StoreError  # noqa: E402

COOKIE_SECRET_VARIABLE = "TOUCHPOINT_AUDIT_COOKIE_SECRET"  # the same on every replica (and every host)
REPLICA_VARIABLE = "TOUCHPOINT_AUDIT_REPLICA"  # r1, r2, ...: which replica a process is (its log says)
FAIL_TIMEOUT = "10s"  # how long nginx leaves out a replica that failed
CONNECTIONS_PER_REPLICA = 35  # the store's pool: 5 kept open, 30 more under load (audit/database.py)
START_SECONDS = 90
WATCH_SECONDS = 2.0
RESTARTS_PER_MINUTE = 5
UPLOAD_MB = math.ceil(DEFAULT_LIMITS.max_bytes / MB)  # Streamlit's upload limit and nginx's body size follow it


class Refusal(Exception):
    """Why the room cannot be served as asked; the message says what to do."""


@dataclass
class Replica:
    name: str  # r1, r2, ...
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def check_database(url: str | None) -> str:
    """The configured PostgreSQL URL; Refusal for none, or for SQLite."""
    if not url:
        raise Refusal(
            f"{URL_VARIABLE} is not set. Several app processes share one database, and that must be PostgreSQL: "
            f"set {URL_VARIABLE}=postgresql+psycopg://user:password@host/database (SQLite is for one process: "
            "./scripts/run)."
        )
    if not url.startswith("postgresql"):
        scheme = url.split(":", 1)[0]
        raise Refusal(
            f"{URL_VARIABLE} points at {scheme}, and several app processes need PostgreSQL: "
            "set it to postgresql+psycopg://user:password@host/database (SQLite is for one process: ./scripts/run)."
        )
    return url


def check_sign_in(store: Store) -> str:
    """How facilitators sign in; Refusal when nobody can (local mode serves only this computer)."""
    secrets_file = ROOT / ".streamlit" / "secrets.toml"
    try:
        if "auth" in tomllib.loads(secrets_file.read_text(encoding="utf-8")):
            return "OpenID Connect (.streamlit/secrets.toml)"
    except (OSError, tomllib.TOMLDecodeError):
        pass  # no secrets file, or one the app cannot read either (ui/auth.py): no OpenID Connect
    if Accounts(store).configured():  # a configured password or its hash, or any account
        return "facilitator password"
    raise Refusal(
        "Nobody could sign in as a facilitator: without sign-in the app runs in local mode, which serves only "
        f"this computer. Set {PASSWORD_VARIABLE} (or add accounts: python -m audit facilitator add you@example.com), "
        "or add an [auth] section to .streamlit/secrets.toml for OpenID Connect."
    )


def nginx_config(replicas: Sequence[Replica], listen: str, run_dir: Path, *, as_root: bool) -> str:
    """deploy/nginx.conf.template filled in for these replicas."""
    server = "server {address} max_fails=1 fail_timeout=" + FAIL_TIMEOUT
    servers = "\n".join(f"        {server.format(address=r.address)};" for r in replicas)
    own = []
    for replica in replicas:
        backups = "".join(f"\n        server {r.address} backup;" for r in replicas if r is not replica)
        own.append(f"    upstream replica_{replica.name} {{\n        zone replica_{replica.name} 64k;\n"
                   f"        {server.format(address=replica.address)};"
                   f"{backups}\n    }}")  # fmt: skip
    routes = "\n".join(f"        {r.name} replica_{r.name};" for r in replicas)
    escaped = {r.name: r.address.replace(".", "\\.") for r in replicas}
    served = "\n".join(f'        "~(^|, ){escaped[r.name]}$" {r.name};' for r in replicas)
    places = {
        "run_dir": str(run_dir),
        "user": "user www-data;" if as_root else "",
        "servers": servers,
        "replica_upstreams": "\n".join(own),
        "cookie_routes": routes,
        "served_by": served,
        "listen": listen,
        "upload_mb": str(UPLOAD_MB),
        "body_mb": str(UPLOAD_MB + 1),  # the form around the file
        "fail_timeout": FAIL_TIMEOUT,
        "replicas": str(len(replicas)),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in places.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def healthy(address: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://{address}/_stcore/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


class Room:
    """The replicas and nginx this command started, and their run directory."""

    def __init__(self, replicas: int, listen: str, run_dir: Path, url: str) -> None:
        self.run_dir = run_dir
        self.listen = listen
        self.secret = os.environ.get(COOKIE_SECRET_VARIABLE) or secrets.token_urlsafe(32)
        # Streamlit signs its XSRF cookie with the cookie secret: the same on every replica, so a browser
        # that moves to another replica after a failure keeps uploading.
        self.env = os.environ | {URL_VARIABLE: url, TRUSTED_PROXY_VARIABLE: "127.0.0.1",
                                 "STREAMLIT_SERVER_COOKIE_SECRET": self.secret}  # fmt: skip
        ports = free_ports(replicas)
        self.replicas = [Replica(f"r{i + 1}", port, run_dir / f"r{i + 1}.log") for i, port in enumerate(ports)]
        self.nginx: subprocess.Popen[bytes] | None = None

    def start_replica(self, replica: Replica) -> None:
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(replica.port),
                   "--server.address", "127.0.0.1", "--server.headless", "true",
                   "--server.maxUploadSize", str(UPLOAD_MB)]  # fmt: skip
        log = replica.log.open("ab")
        replica.process = subprocess.Popen(command, cwd=ROOT, env=self.env | {REPLICA_VARIABLE: replica.name},
                                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        log.close()

    def wait_healthy(self, replica: Replica) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if replica.process is None or replica.process.poll() is not None:
                tail = replica.log.read_text(errors="replace")[-2000:]
                raise Refusal(f"replica {replica.name} exited while starting; its log ({replica.log}) ends:\n{tail}")
            if healthy(replica.address):
                return
            time.sleep(0.3)
        raise Refusal(f"replica {replica.name} did not answer on /_stcore/health within {START_SECONDS} s")

    def start(self) -> None:
        for replica in self.replicas:
            self.start_replica(replica)
        for replica in self.replicas:
            self.wait_healthy(replica)
        config = self.run_dir / "nginx.conf"
        config.write_text(nginx_config(self.replicas, self.listen, self.run_dir, as_root=os.getuid() == 0))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        base = [nginx, "-p", str(self.run_dir), "-c", str(config)]
        checked = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
        if checked.returncode:
            raise Refusal(f"nginx refused its configuration ({config}):\n{checked.stderr.strip()}")
        self.nginx = subprocess.Popen([*base, "-g", "daemon off;"], start_new_session=True)
        public = self.listen if ":" in self.listen else f"127.0.0.1:{self.listen}"
        public = public.replace("0.0.0.0", "127.0.0.1").replace("[::]", "[::1]")
        deadline = time.monotonic() + 20
        while not healthy(public):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise Refusal(f"nginx did not start; see {self.run_dir / 'error.log'}")
            time.sleep(0.2)
        self.write_state()

    def write_state(self) -> None:
        state = {
            "nginx": self.nginx.pid if self.nginx else None,
            "replicas": [
                {"name": r.name, "port": r.port, "pid": r.process.pid if r.process else None, "log": str(r.log)}
                for r in self.replicas
            ],
        }
        (self.run_dir / "replicas.json").write_text(json.dumps(state, indent=2))

    def watch(self) -> None:
        """Restart a replica that exits (at most a few times a minute); stop when nginx does."""
        while True:
            time.sleep(WATCH_SECONDS)
            if self.nginx is not None and self.nginx.poll() is not None:
                raise Refusal(f"nginx exited with code {self.nginx.returncode}; see {self.run_dir / 'error.log'}")
            for replica in self.replicas:
                if replica.process is None or replica.process.poll() is None:
                    continue
                now = time.monotonic()
                replica.restarts = [t for t in replica.restarts if now - t < 60]
                code = replica.process.returncode
                if len(replica.restarts) >= RESTARTS_PER_MINUTE:
                    say(f"replica {replica.name} exited with code {code} {len(replica.restarts)} times within a "
                        f"minute; left stopped (its log: {replica.log}). The others serve its browsers.")  # fmt: skip
                    replica.process = None
                    continue
                say(f"replica {replica.name} (pid {replica.process.pid}) exited with code {code}: its browsers move "
                    "to the other replicas; restarting it.")  # fmt: skip
                replica.restarts.append(now)
                self.start_replica(replica)
                self.write_state()

    def stop(self) -> None:
        processes = [r.process for r in self.replicas if r.process is not None]
        if self.nginx is not None:
            processes.append(self.nginx)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def say(message: str) -> None:
    print(f"serve: {message}", flush=True)


def postgres_connections(store: Store) -> int | None:
    """The server's max_connections, to warn before the replicas' pools outgrow it."""
    try:
        with store.engine.connect() as connection:
            return int(connection.exec_driver_sql("SHOW max_connections").scalar_one())
    except Exception:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the app on several processes behind nginx (PostgreSQL).")
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1,
                        help="app processes (default: the number of cores)")  # fmt: skip
    parser.add_argument("--port", type=int, default=8500, help="the public port nginx listens on (default 8500)")
    parser.add_argument("--address", default="0.0.0.0",
                        help="the address nginx listens on (default: every address, so phones reach it)")  # fmt: skip
    parser.add_argument("--run-dir", type=Path, help="where the configuration, logs and pids go (default: a new "
                        "temporary folder, removed on exit)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be 1 or more")
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="touchpoint-audit-serve-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # nginx's workers (www-data when started as root) write their temp files here
    room: Room | None = None

    def stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # Ctrl-C, kill, the terminal closed
        signal.signal(signum, stop)
    try:
        url = check_database(os.environ.get(URL_VARIABLE))
        try:
            store = Store.open(url)  # migrates once, before the replicas start
        except StoreError as error:
            raise Refusal(str(error)) from None
        try:
            say(f"sign-in: {check_sign_in(store)} (database migrated)")
            limit = postgres_connections(store)
        finally:
            store.close()
        if limit is not None and args.replicas * CONNECTIONS_PER_REPLICA > limit - 10:
            say(f"warning: {args.replicas} replicas may open up to {args.replicas * CONNECTIONS_PER_REPLICA} "
                f"database connections under load, and PostgreSQL allows {limit}: raise max_connections, "
                "or put PgBouncer in front of it.")  # fmt: skip
        listen = f"{args.address}:{args.port}" if ":" not in args.address else f"[{args.address}]:{args.port}"
        room = Room(args.replicas, listen, run_dir, url)
        room.start()
        started = ", ".join(f"{r.name} {r.address} (pid {r.process.pid})" for r in room.replicas if r.process)
        say(f"serving on http://{listen} with {args.replicas} replica(s): {started}")
        say(f"logs and configuration in {run_dir}; Ctrl-C stops everything")
        room.watch()
    except Refusal as refusal:
        print(f"serve: {refusal}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        say("stopping")
    finally:
        if room is not None:
            room.stop()
        if args.run_dir is None:
            shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
