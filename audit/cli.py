"""`python -m audit ...`: the audit's functions without a browser.

Exit status: 0 when the work is done (warnings allowed), 1 when the input cannot be
imported as it is, 2 when a file cannot be read or the arguments are wrong. No traceback
reaches the user; `--debug` shows one for developers.

Each command imports only what it uses: `check` loads neither pandas nor SQLAlchemy, so
it answers in about the time calamine takes to read the file. `--json` prints compact JSON
(add `--indent 2` to read it).

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
from typing import TYPE_CHECKING, TextIO

from audit.access import LOCAL_IDENTITY, OPERATOR, SHARED_ROLES, Role
from audit.importing import Imported, read_import
from audit.invites import BASE_URL_VARIABLE, DEFAULT_BASE_URL
from audit.problems import Problem, ReadError
from audit.reader import MB, Limits
from audit.vocabulary import FIELDS, LANGUAGES

if TYPE_CHECKING:  # imported by the commands that use them: `check` needs neither pandas nor a database
    from audit.compare import Comparison
    from audit.meta import AuditMeta
    from audit.metrics import AuditResult
    from audit.store import Store

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


def _add_json_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"print one JSON object instead of the {what}")
    parser.add_argument("--indent", type=int, metavar="N", help="indent the JSON by N spaces (default: compact)")


def _add_score_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scores", action="append", type=Path, default=[], help="a workshop score file (repeatable)")
    parser.add_argument("--assessor", help="whose scores the inventory's own score columns are (default: the file's "
                        "name)")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m audit", description="Touchpoint Audit from the command line.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="read an inventory (or an exported workbook) and list every problem")
    check.add_argument("file", type=Path)
    _add_reading_options(check)
    _add_json_options(check, "report")
    metrics = commands.add_parser("metrics", help="score an audit: coverage, consistency, weak spots, agreement")
    metrics.add_argument("file", type=Path, nargs="?", help="the inventory (or --audit NAME for a stored audit)")
    metrics.add_argument("--audit", help="read a stored audit instead of files")
    _add_score_options(metrics)
    metrics.add_argument("--weights", help="criterion weights R,M,A, e.g. 2,1,1 (default: equal, or the workbook's)")
    _add_reading_options(metrics)
    _add_json_options(metrics, "summary")
    load = commands.add_parser("import", help="import an inventory (and scores) into a stored audit")
    load.add_argument("file", type=Path, help="the inventory, or a workbook exported by the app (restored whole)")
    load.add_argument("--audit", required=True, help="the audit's name; created when new, updated when it exists")
    load.add_argument("--client", help="the client, for a new audit")
    load.add_argument("--owner", default=LOCAL_IDENTITY, help="who owns a new audit: a facilitator's e-mail or "
                      "account (default: the local user)")  # fmt: skip
    _add_score_options(load)
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
    report = commands.add_parser("report", help="write the scored Excel audit, or the report for the meeting "
                                 "(PowerPoint or PDF)")  # fmt: skip
    report.add_argument("file", type=Path, nargs="?", help="the inventory (or --audit NAME for a stored audit)")
    report.add_argument("--audit", help="report a stored audit instead of files")
    _add_score_options(report)
    report.add_argument("--weights", help="criterion weights R,M,A, e.g. 2,1,1 (default: equal, or the workbook's)")
    report.add_argument("-o", "--output", type=Path, required=True, help="the file to write, by its extension: .xlsx "
                        "(the scored workbook), .pptx or .pdf (the slides; PDF through LibreOffice)")  # fmt: skip
    _add_reading_options(report)
    invite = commands.add_parser("invite", help="issue a join code for a stored audit's workshop")
    invite.add_argument("--audit", required=True, help="the stored audit")
    invite.add_argument("--base-url", help=f"where participants reach the app (default: ${BASE_URL_VARIABLE} or "
                        f"{DEFAULT_BASE_URL})")  # fmt: skip
    invite.add_argument("--qr", type=Path, help="also write the QR code of the link to this .png")
    _add_json_options(invite, "text: audit, code, url")
    compare = commands.add_parser(
        "compare",
        help="compare an audit with its baseline (or a competitor's audit): what moved beyond the noise",
        description="Each side is a file (an inventory with its scores, or a workbook exported by the app) or "
        "--audit NAME, the baseline first. A stored audit alone is compared with the baseline it names.",
    )
    compare.add_argument("files", nargs="*", metavar="FILE", help="a side's file")
    compare.add_argument("--audit", action="append", metavar="NAME", help="a stored audit as a side")
    compare.add_argument("--scores", action="append", metavar="FILE", help="a score file of the FILE before it")
    compare.add_argument("--competitor", action="store_true", help="the first side is a competitor's audit")
    compare.set_defaults(weights=None)  # each side's own weights (a workbook's), else equal, as `metrics` reads them
    _add_json_options(compare, "tables")
    template = commands.add_parser("template", help="write a blank inventory template")
    template.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write")
    template.add_argument("--lang", choices=list(LANGUAGES), default="en", help="the headers' language")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    parser = build_parser()
    try:
        tokens = list(sys.argv[1:] if argv is None else argv)
        args, extras = parser.parse_known_args(tokens)
        if args.command == "compare":  # its sides come in any order: files and --audit NAMEs
            args.sides = compare_sides(tokens[tokens.index("compare") + 1 :])
        elif extras:
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
    except SystemExit as stop:  # argparse has printed its usage message
        return int(stop.code or 0) and EXIT_UNREADABLE
    try:
        return _COMMANDS[args.command](args, out)
    except (ReadError, _ArgumentError) as error:
        print(f"error: {error}", file=err)
        return EXIT_UNREADABLE
    except OSError as error:
        print(f"error: {error.strerror or error} ({error.filename})", file=err)
        return EXIT_UNREADABLE
    except Exception as error:
        from audit.store import AuditNotFound, Store, StoreError  # a command that failed may not have loaded it

        if isinstance(error, AuditNotFound):  # the operator may see every audit's name
            names = ", ".join(Store.open().audit_names()) or "none"
            print(f"error: {error} Known audits: {names}.", file=err)
        elif isinstance(error, StoreError):
            print(f"error: {error}", file=err)
        elif args.debug:
            raise
        else:
            print(f"error: unexpected {type(error).__name__}: {error}. Run again with --debug for details.", file=err)
        return EXIT_UNREADABLE


def _read(args: argparse.Namespace) -> Imported:
    """The import action on the command's file and score files."""
    return read_import(
        args.file,
        sheet=args.sheet,
        overrides=_parse_map(args.map),
        score_files=getattr(args, "scores", []),
        assessor=getattr(args, "assessor", None),
        limits=_limits(args),
    )


def _dump(data: object, args: argparse.Namespace, out: TextIO) -> None:
    """JSON, compact unless --indent asks for lines (indenting costs more than computing a big audit)."""
    if args.indent:
        out.write(json.dumps(data, ensure_ascii=False, indent=args.indent) + "\n")
        return
    import orjson  # compact, and about ten times faster than json on a 10k-touchpoint audit

    out.write(orjson.dumps(data).decode() + "\n")


def _check(args: argparse.Namespace, out: TextIO) -> int:
    imported = _read(args)
    if args.json:
        _dump(imported.summary(), args, out)
    else:
        out.write(format_check(imported))
    return EXIT_OK if imported.can_import else EXIT_NOT_IMPORTABLE


def _weights(args: argparse.Namespace, imported: Imported | None = None) -> dict[str, float]:
    """--weights, or the workbook's own, or equal."""
    from audit.scoring import parse_weights

    if not args.weights and imported is not None and imported.meta is not None:
        return dict(imported.meta.weights)
    try:
        return parse_weights(args.weights)
    except ValueError as error:
        raise _ArgumentError(f"--weights: {error}") from None


def _computed(args: argparse.Namespace, imported: Imported) -> AuditResult:
    """The audit of files: the inventory with every score, in the workbook's stage order when it has one."""
    from audit.metrics import audit_stages, compute_audit, inventory_frame

    stages = imported.meta.stage_order if imported.meta else audit_stages(imported.inventory)
    frame = inventory_frame(imported.inventory)
    return compute_audit(frame, imported.score_frame, stages, _weights(args, imported))


def _metrics(args: argparse.Namespace, out: TextIO) -> int:
    weights = _weights(args)  # a wrong --weights is said before any file is read
    if args.audit:
        return _stored_metrics(args, weights, out)
    if args.file is None:
        raise _ArgumentError("name an inventory file, or a stored audit with --audit NAME.")
    imported = _read(args)
    if not imported.inventory.can_import:
        out.write(format_check(imported))
        return EXIT_NOT_IMPORTABLE
    result = _computed(args, imported)
    if args.json:
        _dump(result.to_json() | {"problems": [p.to_dict() for p in imported.problems]}, args, out)
    else:
        out.write(format_metrics(imported, result))
    return EXIT_OK if imported.can_import else EXIT_NOT_IMPORTABLE


def _stored_metrics(args: argparse.Namespace, weights: dict[str, float], out: TextIO) -> int:
    from audit.store import Store

    store = Store.open()
    try:
        if args.weights:
            store.set_weights(args.audit, weights, actor=OPERATOR)
        result = store.snapshot(args.audit).result
    finally:
        store.close()
    if args.json:
        _dump(result.to_json(), args, out)
    else:
        out.write(format_result(f"the stored audit '{args.audit}'", result))
    return EXIT_OK


def _import(args: argparse.Namespace, out: TextIO) -> int:
    from audit.importing import store_import
    from audit.store import Store

    imported = _read(args)
    if not imported.can_import:
        out.write(format_check(imported))
        return EXIT_NOT_IMPORTABLE
    store = Store.open()
    try:
        plan = store_import(store, imported, args.audit, actor=OPERATOR, owner=args.owner, client=args.client)
    finally:
        store.close()
    what = "the audit workbook" if imported.meta else ""
    out.write(f"Imported {what or ''}{' ' if what else ''}{imported.file} into the audit '{args.audit}' "
              f"({store.backend}).\n{plan.summary}\n")  # fmt: skip
    out.write(_sourced(imported, without_info=True))
    return EXIT_OK


def _audits(_args: argparse.Namespace, out: TextIO) -> int:
    from audit.store import Store

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
    kind = args.output.suffix.lower()
    if kind not in (".xlsx", ".pptx", ".pdf"):  # said before any file is read
        raise _ArgumentError(f"-o {args.output}: write the report as .xlsx (the scored workbook), .pptx (PowerPoint) "
                             "or .pdf; the file name's extension chooses.")  # fmt: skip
    weights = _weights(args)
    if args.audit:
        from audit.compare import stored_comparison
        from audit.store import Store

        store = Store.open()
        try:
            if args.weights:
                store.set_weights(args.audit, weights, actor=OPERATOR)
            snapshot = store.snapshot(args.audit)
            comparison = stored_comparison(store, snapshot, OPERATOR)
        finally:
            store.close()
        result, touchpoints, scores, meta = snapshot.result, snapshot.touchpoints, snapshot.scores, snapshot.meta
    elif args.file is None:
        raise _ArgumentError("name an inventory file, or a stored audit with --audit NAME.")
    else:
        from audit.metrics import audit_stages, inventory_frame

        imported = _read(args)
        if not imported.inventory.can_import:
            out.write(format_check(imported))
            return EXIT_NOT_IMPORTABLE
        result = _computed(args, imported)
        touchpoints, scores = inventory_frame(imported.inventory), imported.score_frame
        meta = _file_meta(imported, audit_stages(imported.inventory), result.weights)
        comparison = None
    counts = f"{len(result.touchpoints)} touchpoints, {len(result.weak_spots)} weak spots"
    if comparison is not None:
        counts += f", compared with '{comparison.before_label}'"
    if kind == ".xlsx":
        from audit.workbook import audit_workbook

        args.output.write_bytes(audit_workbook(result, touchpoints, scores, meta, comparison=comparison))
        out.write(f"Wrote {args.output}: {counts}.\n")
        return EXIT_OK
    from audit.report import ReportError, pdf_pages, report_file, slide_count

    try:
        data = report_file(result, meta, "pptx" if kind == ".pptx" else "pdf", comparison=comparison)
    except ReportError as error:  # LibreOffice missing or failing: its sentence says what to install
        raise _ArgumentError(str(error)) from None
    args.output.write_bytes(data)
    made = f"{slide_count(data)} slides" if kind == ".pptx" else f"{pdf_pages(data)} pages"
    out.write(f"Wrote {args.output}: {made}; {counts}.\n")
    return EXIT_OK


def _file_meta(imported: Imported, stages: list[str], weights: dict[str, float]) -> AuditMeta:
    """A workbook's own settings (with --weights applied), or a new audit's named after the file."""
    from dataclasses import replace

    from audit.meta import AuditMeta

    if imported.meta:
        return replace(imported.meta, weights=weights)
    return AuditMeta(Path(imported.file).stem, None, stages, weights)


def _template(args: argparse.Namespace, out: TextIO) -> int:
    from audit.workbook import template_workbook

    args.output.write_bytes(template_workbook(args.lang))
    out.write(f"Wrote {args.output}, a blank inventory with {args.lang} headers.\n")
    return EXIT_OK


def _percent(value: object) -> str:
    """12% for 0.12; a dash for a missing value or NaN."""
    from audit.metrics import as_float

    number = as_float(value)
    return "-" if number is None else f"{number:.0%}"


def _two(value: object) -> str:
    from audit.metrics import as_float

    number = as_float(value)
    return "-" if number is None else f"{number:.2f}"


def format_metrics(imported: Imported, result: AuditResult) -> str:
    """The human summary of `metrics` for files: the result, then the inputs' problems."""
    text = format_result(imported.file, result)
    problems = _sourced(imported, without_info=True)
    return text + ("\n" + problems if problems else "")


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


def format_check(imported: Imported) -> str:
    """The human report of `check`: what the file is, how it was read, and every problem."""
    inventory = imported.inventory
    lines = [f"File:        {inventory.file}"]
    if imported.meta:
        meta = imported.meta
        client = f" for {meta.client}" if meta.client else ""
        lines.append(f"Kind:        a Touchpoint Audit workbook of '{meta.name}'{client}, restored whole on import")
        weights = "/".join(f"{w:g}" for w in meta.weights.values())
        lines.append(f"Settings:    weights {weights}; stages {', '.join(meta.stage_order) or '-'}; "
                     f"workshop {meta.phase.value}{', locked' if meta.locked else ''}")  # fmt: skip
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
    if imported.meta or imported.score_sets:
        lines.append(f"Scores:      {len(imported.score_frame)} from {len(imported.scores.assessors)} assessor(s)")
    elif imported.own_score_count:
        lines.append(
            f"Scores:      {imported.own_score_count} in the inventory's own columns, as '{imported.assessor}'"
        )
    lines.append("")
    lines.append(_sourced(imported) or format_problems([]))
    verdict = "can be imported" if imported.can_import else "cannot be imported until the errors are fixed"
    lines.append(f"The {'workbook' if imported.meta else 'inventory'} {verdict}.")
    return "\n".join(lines) + "\n"


def format_problems(problems: Sequence[Problem], files: Sequence[str] | None = None) -> str:
    """Problems as an aligned table, or a line saying there are none; with a file column when the
    problems come from several files (`files[i]` is the file of `problems[i]`)."""
    if not problems:
        return "No problems found.\n"
    counts = {s: sum(1 for p in problems if p.severity == s) for s in ("error", "warning", "info")}
    head = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    several = files is not None and len(set(files)) > 1
    rows = [("file", "severity", "row", "column", "message")]
    rows += [
        (files[i] if files is not None else "", p.severity, str(p.row or "-"), p.column or "-", p.message)
        for i, p in enumerate(problems)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    body = [
        (f"{r[0]:<{widths[0]}}  " if several else "")
        + f"{r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:<{widths[3]}}  {r[4]}"
        for r in rows
    ]
    return f"Problems ({head}):\n" + "\n".join("  " + line for line in body) + "\n"


def _sourced(imported: Imported, *, without_info: bool = False) -> str:
    """The import's problems, each with its file when there are several files."""
    found = [(f, p) for f, p in imported.sourced_problems if not (without_info and p.severity == "info")]
    if not found:
        return ""
    return format_problems([p for _, p in found], [f for f, _ in found])


def _invite(args: argparse.Namespace, out: TextIO) -> int:
    from audit.invites import join_link, qr_png
    from audit.store import Store
    from audit.workshops import Workshops

    base = args.base_url or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL
    if not base.startswith(("http://", "https://")):
        raise _ArgumentError(f"--base-url {base}: write the whole address, like https://audit.example.com")
    code = Workshops(Store.open()).issue_code(args.audit, actor=OPERATOR)
    url = join_link(base, code)
    if args.qr:
        args.qr.write_bytes(qr_png(url))
    if args.json:
        _dump({"audit": args.audit, "code": code, "url": url}, args, out)
        return EXIT_OK
    out.write(f"Join code for '{args.audit}': {code}\nLink: {url}\n")
    out.write(f"QR code: {args.qr}\n" if args.qr else "")
    out.write("The code is stored hashed and cannot be shown again; 'Stop joining' in the app ends it.\n")
    return EXIT_OK


def _owner(args: argparse.Namespace, out: TextIO) -> int:
    from audit.store import Store

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
    from audit.store import Store

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
    from audit.store import Store

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


def _compare(args: argparse.Namespace, out: TextIO) -> int:
    from audit.compare import Kind, compare_audits
    from audit.store import Store

    sides: list[tuple[str, str, list[Path]]] = list(args.sides)
    kind = Kind.COMPETITOR if args.competitor else Kind.BASELINE
    store = Store.open() if any(how == "audit" for how, _, _ in sides) else None  # one store for both sides
    try:
        if store is not None and len(sides) == 1:
            info = store.audit(sides[0][1])
            if info.compared_with is None:
                raise _ArgumentError(f"the audit '{info.name}' names no baseline: give two sides, e.g. "
                                     f"compare --audit EARLIER --audit '{info.name}'.")  # fmt: skip
            sides.insert(0, ("audit", info.compared_with, []))
            kind = Kind(info.compared_as) if not args.competitor else kind
        if len(sides) != 2:
            raise _ArgumentError(f"compare takes two sides (files or --audit NAME), the baseline first; "
                                 f"got {len(sides)}.")  # fmt: skip
        (before, before_label), (after, after_label) = (_side_result(args, store, *side) for side in sides)
    finally:
        if store is not None:
            store.close()
    comparison = compare_audits(before, after, kind=kind, before_label=before_label, after_label=after_label)
    if args.json:
        _dump(comparison.to_json(), args, out)
    else:
        out.write(format_comparison(comparison))
    return EXIT_OK


def compare_sides(tokens: Sequence[str]) -> list[tuple[str, str, list[Path]]]:
    """`compare`'s sides in the order given, as (kind, value, score files): kind "file" or "audit".

    argparse checks the options; the order of files and --audit NAMEs, which it does not keep, is read here.
    """
    sides: list[tuple[str, str, list[Path]]] = []
    with_value = {"--audit", "--scores", "--indent"}
    tokens = [
        part for token in tokens for part in (token.split("=", 1) if token.split("=", 1)[0] in with_value else [token])
    ]
    index = 0
    while index < len(tokens):
        token = tokens[index]
        value = tokens[index + 1] if token in with_value and index + 1 < len(tokens) else None
        if token == "--audit" and value is not None:
            sides.append(("audit", value, []))
        elif token == "--scores" and value is not None:
            if not sides or sides[-1][0] != "file":
                raise SystemExit(_usage_error("--scores follows the inventory file it scores"))
            sides[-1][2].append(Path(value))
        elif token.startswith("-"):
            if token not in ("--json", "--competitor", "--indent", "--debug", "-h", "--help"):
                raise SystemExit(_usage_error(f"unrecognized argument: {token}"))
        else:
            sides.append(("file", token, []))
        index += 2 if value is not None else 1
    return sides


def _usage_error(message: str) -> int:
    print(f"python -m audit compare: error: {message}", file=sys.stderr)
    return EXIT_UNREADABLE


def _side_result(
    args: argparse.Namespace, store: Store | None, how: str, value: str, score_files: list[Path]
) -> tuple[AuditResult, str]:
    """A side of `compare`: a stored audit's result, or a file's with its score files (default reading options),
    computed as `metrics` computes it."""
    if how == "audit" and store is not None:
        return store.snapshot(value).result, value
    from audit.metrics import audit_stages

    imported = read_import(Path(value), score_files=score_files)
    if not imported.inventory.can_import:
        raise _ArgumentError(f"{value} cannot be read as an inventory: run `python -m audit check {value}`.")
    result = _computed(args, imported)
    return result, _file_meta(imported, audit_stages(imported.inventory), result.weights).name


def format_comparison(comparison: Comparison) -> str:
    """Sentences, the stages before and after, what moved, weak spots, gaps and what did not match."""
    c = comparison
    lines = [f"{c.after_label} compared with {'its baseline' if c.kind == 'baseline' else 'the competitor'} "
             f"{c.before_label}", *(f"  {s}" for s in c.sentences()), "", "Stages (mean composite)"]  # fmt: skip
    rows = [("stage", c.before_label, c.after_label, "change", "noise", "")]
    rows += [
        (str(r["stage"]), _two(r["composite_before"]), _two(r["composite_after"]), _signed(r["composite_change"]),
         _two(r["noise"]), str(r["movement"]))
        for r in c.stages.to_dict("records")
    ]  # fmt: skip
    lines += _aligned(rows)
    moved = c.touchpoints[c.touchpoints["beyond_noise"].eq(True)]
    lines += ["", f"Touchpoints: {c.words['moved'].lower()} ({len(moved)} of {len(c.touchpoints)} matched)"]
    lines += [
        f"  {r['id']}  {r['name']} ({r['stage']}): {_two(r['composite_before'])} -> {_two(r['composite_after'])} "
        f"({_signed(r['composite_change'])}, noise {_two(r['noise'])})"
        for r in moved.to_dict("records")
    ]
    lines.append("")
    for title, ids in c.weak_lists().items():
        lines.append(f"Weak spots, {title.lower()} ({len(ids)}): " + (", ".join(c.named(ids)) or "-"))
    lines.append("")
    for title, gaps in c.gap_lists().items():
        lines.append(f"Coverage gaps, {title.lower()} ({len(gaps)}): " + (" ".join(g.message for g in gaps) or "-"))
    for label, table in ((c.before_label, c.unmatched_before), (c.after_label, c.unmatched_after)):
        listed = ", ".join(f"{r['id']} {r['name']}" for r in table.to_dict("records")) or "-"
        lines.append(f"Only in {label} ({len(table)}): {listed}")
    return "\n".join(lines) + "\n"


def _signed(value: object) -> str:
    from audit.metrics import as_float

    number = as_float(value)
    return "-" if number is None else f"{number:+.2f}"


_COMMANDS = {
    "check": _check,
    "metrics": _metrics,
    "import": _import,
    "audits": _audits,
    "report": _report,
    "compare": _compare,
    "invite": _invite,
    "template": _template,
    "owner": _owner,
    "share": _share,
    "facilitator": _facilitator,
    "hash-password": _hash_password,
}
