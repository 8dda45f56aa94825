"""`python -m audit ...`: the audit's functions without a browser.

Exit status: 0 when the work is done (warnings allowed), 1 when the input cannot be
imported as it is, 2 when a file cannot be read or the arguments are wrong. No traceback
reaches the user; `--debug` shows one for developers.

The command line acts as the operator (audit.access.OPERATOR): whoever can run it can read the
database anyway. It is also where ownership moves and password accounts are made.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from audit.access import LOCAL_IDENTITY, OPERATOR, SHARED_ROLES, Role
from audit.inventory import Inventory, read_inventory
from audit.invites import BASE_URL_VARIABLE, DEFAULT_BASE_URL
from audit.metrics import AuditResult, as_float, audit_from_inventory, audit_stages, inventory_frame
from audit.problems import Problem, ReadError
from audit.reader import MB, Limits
from audit.scoring import ScoreSet, combine, parse_weights, read_scores, scores_from_inventory
from audit.store import AuditNotFound, Store, StoreError
from audit.vocabulary import FIELDS
from audit.workbook import AuditMeta, audit_workbook, template_workbook

EXIT_OK, EXIT_NOT_IMPORTABLE, EXIT_UNREADABLE = 0, 1, 2


class _ArgumentError(Exception):
    """A wrong argument, reported with exit status 2."""


def _parse_map(values: Sequence[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in values or []:
        field_name, sep, header = item.partition("=")
        field_name = field_name.strip().lower()
        if not sep or not header.strip():
            raise _ArgumentError(f"--map {item}: write it as FIELD=HEADER, for example --map name=label.")
        if field_name not in FIELDS:
            raise _ArgumentError(f"--map {item}: '{field_name}' is not a field; fields are {', '.join(FIELDS)}.")
        mapping[field_name] = header.strip()
    return mapping


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(max_bytes=int(args.max_mb * MB), max_rows=args.max_rows)


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sheet", help="read this sheet (default: the first sheet holding a touchpoint table)")
    parser.add_argument(
        "--map", action="append", metavar="FIELD=HEADER", help="map a column by hand, e.g. --map name=label"
    )
    parser.add_argument("--max-mb", type=float, default=20, help="refuse files larger than this (default 20)")
    parser.add_argument("--max-rows", type=int, default=100_000, help="refuse more touchpoints than this")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m audit", description="Touchpoint Audit from the command line.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="read an inventory and list every problem in it")
    check.add_argument("file", type=Path)
    _add_reading_options(check)
    check.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    metrics = commands.add_parser("metrics", help="score an audit: coverage, consistency, weak spots, agreement")
    metrics.add_argument("file", type=Path, nargs="?", help="the inventory (or --audit NAME for a stored audit)")
    metrics.add_argument("--audit", help="read a stored audit instead of files")
    metrics.add_argument("--scores", action="append", type=Path, default=[], help="a workshop score file (repeatable)")
    metrics.add_argument("--weights", help="criterion weights R,M,A, e.g. 2,1,1 (default: equal)")
    _add_reading_options(metrics)
    metrics.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    load = commands.add_parser("import", help="import an inventory (and scores) into a stored audit")
    load.add_argument("file", type=Path, help="the inventory")
    load.add_argument("--audit", required=True, help="the audit's name; created when new, updated when it exists")
    load.add_argument("--client", help="the client, for a new audit")
    load.add_argument("--owner", default=LOCAL_IDENTITY, help="who owns a new audit: a facilitator's e-mail or "
                      "account (default: the local user)")  # fmt: skip
    load.add_argument("--scores", action="append", type=Path, default=[], help="a workshop score file (repeatable)")
    _add_reading_options(load)
    commands.add_parser("audits", help="list the stored audits, with their owners")
    owner = commands.add_parser("owner", help="hand a stored audit to another facilitator (the old owner stays editor)")
    owner.add_argument("audit")
    owner.add_argument("email", help="the new owner's e-mail (OpenID Connect) or account name (passwords)")
    share = commands.add_parser("share", help="share a stored audit with a facilitator, or take access back")
    share.add_argument("audit")
    share.add_argument("email")
    share.add_argument("--role", choices=[*SHARED_ROLES, "none"], default=Role.VIEWER.value,
                       help="editor, viewer (default), or none to take access back")  # fmt: skip
    account = commands.add_parser("facilitator", help="password mode: add or remove a facilitator's own account")
    account.add_argument("action", choices=["add", "remove", "list"])
    account.add_argument("email", nargs="?", help="the account: an e-mail address, say")
    account.add_argument("--password-stdin", action="store_true",
                         help="read the password from standard input instead of asking twice")  # fmt: skip
    hashed = commands.add_parser("hash-password", help="print the argon2 hash of a password, for "
                                 "TOUCHPOINT_AUDIT_FACILITATOR_PASSWORD_HASH")  # fmt: skip
    hashed.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    report = commands.add_parser("report", help="write the scored Excel audit")
    report.add_argument("file", type=Path, nargs="?", help="the inventory (or --audit NAME for a stored audit)")
    report.add_argument("--audit", help="report a stored audit instead of files")
    report.add_argument("--scores", action="append", type=Path, default=[], help="a workshop score file (repeatable)")
    report.add_argument("--weights", help="criterion weights R,M,A, e.g. 2,1,1 (default: equal)")
    report.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write")
    _add_reading_options(report)
    invite = commands.add_parser("invite", help="issue a join code for a stored audit's workshop")
    invite.add_argument("--audit", required=True, help="the stored audit")
    invite.add_argument("--base-url", help=f"where participants reach the app (default: ${BASE_URL_VARIABLE} or "
                        f"{DEFAULT_BASE_URL})")  # fmt: skip
    invite.add_argument("--qr", type=Path, help="also write the QR code of the link to this .png")
    invite.add_argument("--json", action="store_true", help="print one JSON object: audit, code, url")
    template = commands.add_parser("template", help="write a blank inventory template")
    template.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write")
    template.add_argument("--lang", choices=["en", "ru", "pt", "fa"], default="en", help="the headers' language")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has printed its usage message
        return int(stop.code or 0) and EXIT_UNREADABLE
    try:
        return _COMMANDS[args.command](args, out)
    except AuditNotFound as error:  # the operator may see every audit's name
        names = ", ".join(Store.open().audit_names()) or "none"
        print(f"error: {error} Known audits: {names}.", file=err)
        return EXIT_UNREADABLE
    except (ReadError, StoreError, _ArgumentError) as error:
        print(f"error: {error}", file=err)
        return EXIT_UNREADABLE
    except OSError as error:
        print(f"error: {error.strerror or error} ({error.filename})", file=err)
        return EXIT_UNREADABLE
    except Exception as error:
        if args.debug:
            raise
        print(f"error: unexpected {type(error).__name__}: {error}. Run again with --debug for details.", file=err)
        return EXIT_UNREADABLE


def _check(args: argparse.Namespace, out: TextIO) -> int:
    inventory = read_inventory(args.file, sheet=args.sheet, overrides=_parse_map(args.map), limits=_limits(args))
    if args.json:
        json.dump(inventory.summary(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(format_check(inventory))
    return EXIT_OK if inventory.can_import else EXIT_NOT_IMPORTABLE


def _weights(args: argparse.Namespace) -> dict[str, float]:
    try:
        return parse_weights(args.weights)
    except ValueError as error:
        raise _ArgumentError(f"--weights: {error}") from None


def _metrics(args: argparse.Namespace, out: TextIO) -> int:
    weights = _weights(args)
    if args.audit:
        return _stored_metrics(args, out)
    if args.file is None:
        raise _ArgumentError("name an inventory file, or a stored audit with --audit NAME.")
    loaded = _read_with_scores(args)
    if isinstance(loaded, Inventory):
        out.write(format_check(loaded))
        return EXIT_NOT_IMPORTABLE
    inventory, scores = loaded
    result = audit_from_inventory(inventory, scores.frame, weights)
    if args.json:
        data = result.to_json() | {"problems": [p.to_dict() for p in inventory.problems + scores.problems]}
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(format_metrics(inventory, scores, result))
    return EXIT_NOT_IMPORTABLE if any(p.severity == "error" for p in scores.problems) else EXIT_OK


def _read_with_scores(args: argparse.Namespace) -> Inventory | tuple[Inventory, ScoreSet]:
    """The inventory and every score for it; the inventory alone when it cannot be imported."""
    limits = _limits(args)
    inventory = read_inventory(args.file, sheet=args.sheet, overrides=_parse_map(args.map), limits=limits)
    if not inventory.can_import:
        return inventory
    sets = [scores_from_inventory(inventory)]
    sets += [read_scores(path, inventory.touchpoints, limits=limits) for path in args.scores]
    return inventory, combine(sets)


def _stored_metrics(args: argparse.Namespace, out: TextIO) -> int:
    store = Store.open()
    try:
        if args.weights:
            store.set_weights(args.audit, parse_weights(args.weights), actor=OPERATOR)
        result = store.snapshot(args.audit).result
    finally:
        store.close()
    if args.json:
        json.dump(result.to_json(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(format_result(f"the stored audit '{args.audit}'", result))
    return EXIT_OK


def _import(args: argparse.Namespace, out: TextIO) -> int:
    loaded = _read_with_scores(args)
    if isinstance(loaded, Inventory):
        out.write(format_check(loaded))
        return EXIT_NOT_IMPORTABLE
    inventory, scores = loaded
    store = Store.open()
    try:
        plan = store.import_inventory(
            args.audit, inventory, scores.frame, actor=OPERATOR, owner=args.owner, client=args.client
        )
    finally:
        store.close()
    out.write(f"Imported {inventory.file} into the audit '{args.audit}' ({store.backend}).\n{plan.summary}\n")
    problems = [p for p in inventory.problems + scores.problems if p.severity != "info"]
    if problems:
        out.write(format_problems(problems))
    return EXIT_OK


def _audits(_args: argparse.Namespace, out: TextIO) -> int:
    store = Store.open()
    try:
        infos = store.list_audits(OPERATOR)
    finally:
        store.close()
    if not infos:
        out.write("No audits yet. Import one: python -m audit import INVENTORY --audit NAME\n")
        return EXIT_OK
    rows = [("audit", "client", "owner", "touchpoints", "assessors", "scores", "updated")]
    rows += [
        (a.name, a.client or "-", a.owner, str(a.touchpoints), str(a.assessors), str(a.scores),
         f"{a.updated_at:%Y-%m-%d %H:%M}")
        for a in infos
    ]  # fmt: skip
    out.write("\n".join(_aligned(rows)) + "\n")
    return EXIT_OK


def _report(args: argparse.Namespace, out: TextIO) -> int:
    weights = _weights(args)
    if args.audit:
        store = Store.open()
        try:
            if args.weights:
                store.set_weights(args.audit, weights, actor=OPERATOR)
            info = store.audit(args.audit)
            touchpoints, scores = store.touchpoint_frame(args.audit), store.score_frame(args.audit)
            result = store.snapshot(args.audit).result
        finally:
            store.close()
        meta = AuditMeta(info.name, info.client, info.stage_order, info.weights)
    elif args.file is None:
        raise _ArgumentError("name an inventory file, or a stored audit with --audit NAME.")
    else:
        loaded = _read_with_scores(args)
        if isinstance(loaded, Inventory):
            out.write(format_check(loaded))
            return EXIT_NOT_IMPORTABLE
        inventory, score_set = loaded
        touchpoints = inventory_frame(inventory)
        scores = score_set.frame
        result = audit_from_inventory(inventory, scores, weights)
        meta = AuditMeta(Path(inventory.file).stem, None, audit_stages(inventory), weights)
    args.output.write_bytes(audit_workbook(result, touchpoints, scores, meta))
    out.write(f"Wrote {args.output}: {len(result.touchpoints)} touchpoints, {len(result.weak_spots)} weak spots.\n")
    return EXIT_OK


def _template(args: argparse.Namespace, out: TextIO) -> int:
    args.output.write_bytes(template_workbook(args.lang))
    out.write(f"Wrote {args.output}, a blank inventory with {args.lang} headers.\n")
    return EXIT_OK


def _percent(value: object) -> str:
    """12% for 0.12; a dash for a missing value or NaN."""
    number = as_float(value)
    return "-" if number is None else f"{number:.0%}"


def _two(value: object) -> str:
    number = as_float(value)
    return "-" if number is None else f"{number:.2f}"


def format_metrics(inventory: Inventory, scores: ScoreSet, result: AuditResult) -> str:
    """The human summary of `metrics` for files: the result, then the inputs' problems."""
    text = format_result(inventory.file, result)
    problems = [p for p in inventory.problems + scores.problems if p.severity != "info"]
    return text + ("\n" + format_problems(problems) if problems else "")


def format_result(title: str, result: AuditResult) -> str:
    """Headline, stages, weak spots, findings and agreement."""
    table = result.touchpoints
    lines = [
        f"Audit of {title}: {len(table)} touchpoints, {len(result.assessors)} assessor(s) "
        f"({', '.join(result.assessors) or 'none'})",
        f"Scored: {_percent(result.coverage.scoring_share)} of touchpoints on all three criteria; "
        f"mean composite {_two(result.mean_composite)}; consistency {_percent(result.overall_consistency)}; "
        f"coverage {_percent(result.coverage.share)} of stage x type cells.",
        f"Agreement: {result.agreement.message}",
        "",
        "Stages",
    ]
    rows = [("stage", "touchpoints", "scored", "mean", "sd", "consistency", "channel spread", "")]
    for stage in result.stages.to_dict("records"):
        rows.append(
            (
                str(stage["name"]),
                str(stage["touchpoints"]),
                str(stage["scored"]),
                _two(stage["mean_composite"]),
                _two(stage["sd"]),
                _percent(stage["consistency_index"]),
                _two(stage["channel_spread"]),
                "inconsistent" if stage["inconsistent"] else "",
            )
        )
    lines += _aligned(rows)
    weak = table.set_index("id").loc[result.weak_spots[:10]]
    lines += ["", f"Weak spots ({len(result.weak_spots)}), highest priority first"]
    for tp_id, row in weak.iterrows():
        lines.append(f"  {row['priority']:5.2f}  {tp_id}  {row['name']} ({row['stage']}): {row['reasons']}")
    if len(result.weak_spots) > 10:
        lines.append(f"  ... and {len(result.weak_spots) - 10} more (use --json for all)")
    others = [f for f in result.findings if f.code != "weak_spot"]
    if others:
        lines += ["", "Findings"] + [f"  - {f.message}" for f in others]
    if result.uncontrolled:
        lines += ["", f"Uncontrolled touchpoints (monitor and respond): {', '.join(result.uncontrolled)}"]
    return "\n".join(lines) + "\n"


def _aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]


def format_check(inventory: Inventory) -> str:
    """The human report of `check`."""
    lines = [f"File:        {inventory.file}"]
    if inventory.sheet is not None:
        lines.append(f"Sheet:       {inventory.sheet}")
    lines.append(f"Header row:  {inventory.header_row if inventory.header_row else '-'}")
    lines.append("Mapping:")
    for field_name in FIELDS:
        if field_name in inventory.mapping:
            lines.append(f"  {field_name:<16} <- {inventory.mapping[field_name]}")
    extra = inventory.extra_columns
    if extra:
        lines.append(f"  kept as extra columns: {', '.join(extra)}")
    stages = ", ".join(inventory.stages) or "-"
    lines.append(f"Touchpoints: {len(inventory.touchpoints)} in {len(inventory.stages)} stage(s): {stages}")
    lines.append("")
    lines.append(format_problems(inventory.problems))
    verdict = "can be imported" if inventory.can_import else "cannot be imported until the errors are fixed"
    lines.append(f"The inventory {verdict}.")
    return "\n".join(lines) + "\n"


def format_problems(problems: Sequence[Problem]) -> str:
    """Problems as an aligned table, or a line saying there are none."""
    if not problems:
        return "No problems found.\n"
    counts = {s: sum(1 for p in problems if p.severity == s) for s in ("error", "warning", "info")}
    head = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    rows = [("severity", "row", "column", "message")]
    rows += [(p.severity, str(p.row or "-"), p.column or "-", p.message) for p in problems]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    body = [f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}" for r in rows]
    return f"Problems ({head}):\n" + "\n".join("  " + line for line in body) + "\n"


def _invite(args: argparse.Namespace, out: TextIO) -> int:
    from audit.invites import join_link, qr_png
    from audit.workshops import Workshops

    base = args.base_url or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL
    if not base.startswith(("http://", "https://")):
        raise _ArgumentError(f"--base-url {base}: write the whole address, like https://audit.example.com")
    code = Workshops(Store.open()).issue_code(args.audit, actor=OPERATOR)
    url = join_link(base, code)
    if args.qr:
        args.qr.write_bytes(qr_png(url))
    if args.json:
        json.dump({"audit": args.audit, "code": code, "url": url}, out, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    out.write(f"Join code for '{args.audit}': {code}\nLink: {url}\n")
    out.write(f"QR code: {args.qr}\n" if args.qr else "")
    out.write("The code is stored hashed and cannot be shown again; 'Stop joining' in the app ends it.\n")
    return EXIT_OK


def _owner(args: argparse.Namespace, out: TextIO) -> int:
    store = Store.open()
    try:
        old = store.audit(args.audit).owner
        store.set_owner(args.audit, args.email, actor=OPERATOR)
        new = store.audit(args.audit).owner
    finally:
        store.close()
    out.write(f"'{args.audit}' now belongs to {new}" + (f"; {old} stays as its editor.\n" if old != new else ".\n"))
    return EXIT_OK


def _share(args: argparse.Namespace, out: TextIO) -> int:
    store = Store.open()
    try:
        if args.role == "none":
            had = store.unshare(args.audit, args.email, actor=OPERATOR)
            out.write(f"{args.email} {'no longer has' if had else 'had no'} access to '{args.audit}'.\n")
        else:
            store.share(args.audit, args.email, Role(args.role), actor=OPERATOR)
            out.write(f"'{args.audit}' is shared with {args.email} as {args.role}.\n")
    finally:
        store.close()
    return EXIT_OK


def _read_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Same password again: ") != first:
        raise _ArgumentError("the two passwords differ; nothing was changed.")
    return first


def _facilitator(args: argparse.Namespace, out: TextIO) -> int:
    from audit.accounts import Accounts

    accounts = Accounts(Store.open())
    try:
        if args.action == "list":
            out.write("".join(f"{name}\n" for name in accounts.accounts()) or "No password accounts.\n")
            return EXIT_OK
        if not args.email:
            raise _ArgumentError(f"facilitator {args.action}: name the account, e.g. alice@example.com")
        if args.action == "remove":
            gone = accounts.remove(args.email)
            out.write(f"{'Removed' if gone else 'There was no'} account {args.email}; its sessions are ended.\n")
            return EXIT_OK
        name = accounts.add(args.email, _read_password(args))
        out.write(f"{name} can sign in with their password (password mode is on while any account exists).\n")
    finally:
        accounts.store.close()
    return EXIT_OK


def _hash_password(args: argparse.Namespace, out: TextIO) -> int:
    from audit.accounts import hash_password

    out.write(hash_password(_read_password(args)) + "\n")
    return EXIT_OK


_COMMANDS = {
    "check": _check,
    "metrics": _metrics,
    "import": _import,
    "audits": _audits,
    "report": _report,
    "invite": _invite,
    "template": _template,
    "owner": _owner,
    "share": _share,
    "facilitator": _facilitator,
    "hash-password": _hash_password,
}
