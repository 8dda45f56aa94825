"""`python -m audit ...`: the audit's functions without a browser.

Exit status: 0 when the work is done (warnings allowed), 1 when the input cannot be
imported as it is, 2 when a file cannot be read or the arguments are wrong. No traceback
reaches the user; `--debug` shows one for developers.

Each command imports only what it uses: `check` loads neither pandas nor SQLAlchemy, so
it answers in about the time calamine takes to read the file. `--json` prints compact JSON
(add `--indent 2` to read it).

The command line acts as the operator (audit.access.OPERATOR): whoever can run it can read the
database anyway. It is also where ownership moves and password accounts are made.

`--lang CODE` (before the command) is the language of what it prints for people, English without
it; the workbook and the report it writes are in that language too, else in the audit's own.
The JSON, the option names and the help texts stay English.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from audit import i18n
from audit.access import LOCAL_IDENTITY, OPERATOR, ROLE_LABELS, SHARED_ROLES, Role
from audit.i18n import N_, _, ngettext
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
            raise _ArgumentError(
                _("--map {item}: write it as FIELD=HEADER, for example --map name=label.").format(item=item)
            )
        if field_name not in FIELDS:
            message = _("--map {item}: '{field}' is not a field; fields are {fields}.")
            raise _ArgumentError(message.format(item=item, field=field_name, fields=", ".join(FIELDS)))
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
    parser.add_argument("--lang", dest="language", choices=list(i18n.CODES), metavar="CODE",
                        help=f"the language of the messages and of the workbook or report written: "
                        f"{', '.join(i18n.CODES)} (default: English; a file: the audit's language)")  # fmt: skip
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
    template.add_argument("--lang", choices=list(LANGUAGES), help="the headers' language (default: the global "
                          "--lang, else en)")  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    parser = build_parser()
    tokens = list(sys.argv[1:] if argv is None else argv)
    try:
        args, extras = parser.parse_known_args(tokens)
    except SystemExit as stop:  # argparse has printed its usage message (in English, as its help)
        return int(stop.code or 0) and EXIT_UNREADABLE
    # The command's language for the whole run; `use` rather than `activate`, so that a caller in the
    # same thread (the tests) gets its own language back when the command is done.
    with i18n.use(args.language or i18n.DEFAULT):
        try:
            if args.command == "compare":  # its sides come in any order: files and --audit NAMEs
                args.sides = compare_sides(tokens[tokens.index("compare") + 1 :])
            elif extras:
                parser.error(_("unrecognized arguments: {arguments}").format(arguments=" ".join(extras)))
        except SystemExit as stop:
            return int(stop.code or 0) and EXIT_UNREADABLE
        return _run(args, out, err)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The command, with every failure said in a sentence and an exit status."""
    try:
        return _COMMANDS[args.command](args, out)
    except (ReadError, _ArgumentError) as error:
        print(_error(str(error)), file=err)
        return EXIT_UNREADABLE
    except OSError as error:
        # TRANSLATORS: {message} is the system's reason ("No such file or directory"), {file} the file.
        print(_("error: {message} ({file})").format(message=error.strerror or error, file=error.filename), file=err)
        return EXIT_UNREADABLE
    except Exception as error:
        from audit.store import AuditNotFound, Store, StoreError  # a command that failed may not have loaded it

        if isinstance(error, AuditNotFound):  # the operator may see every audit's name
            names = ", ".join(Store.open().audit_names())
            if names:
                print(_("error: {message} Known audits: {names}.").format(message=error, names=names), file=err)
            else:
                print(_("error: {message} Known audits: none.").format(message=error), file=err)
        elif isinstance(error, StoreError):
            print(_error(str(error)), file=err)
        elif args.debug:
            raise
        else:
            message = _("error: unexpected {kind}: {message}. Run again with --debug for details.")
            print(message.format(kind=type(error).__name__, message=error), file=err)
        return EXIT_UNREADABLE


def _error(message: str) -> str:
    # TRANSLATORS: how the command line starts an error; {message} says what went wrong.
    return _("error: {message}").format(message=message)


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
        raise _ArgumentError(_("--weights: {message}").format(message=error)) from None


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
        raise _ArgumentError(_("name an inventory file, or a stored audit with --audit NAME."))
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
        out.write(format_result(args.audit, result, stored=True))
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
    if imported.meta:
        # TRANSLATORS: {backend} is the database: sqlite or postgresql.
        done = _("Imported the audit workbook {file} into the audit '{audit}' ({backend}).")
    else:
        # TRANSLATORS: {backend} is the database: sqlite or postgresql.
        done = _("Imported {file} into the audit '{audit}' ({backend}).")
    out.write(done.format(file=imported.file, audit=args.audit, backend=store.backend) + f"\n{plan.summary}\n")
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
        out.write(_("No audits yet. Import one: python -m audit import INVENTORY --audit NAME") + "\n")
        return EXIT_OK
    # TRANSLATORS: the headings of the list of audits (python -m audit audits).
    rows = [(_("audit"), _("client"), _("owner"), _("touchpoints"), _("assessors"), _("scores"), _("updated"))]
    rows += [
        (a.name, a.client or "-", a.owner, i18n.integer(a.touchpoints), i18n.integer(a.assessors),
         i18n.integer(a.scores), i18n.localize_digits(f"{a.updated_at:%Y-%m-%d %H:%M}"))
        for a in infos
    ]  # fmt: skip
    out.write("\n".join(_aligned(rows)) + "\n")
    return EXIT_OK


def _report(args: argparse.Namespace, out: TextIO) -> int:
    kind = args.output.suffix.lower()
    if kind not in (".xlsx", ".pptx", ".pdf"):  # said before any file is read
        message = _("-o {file}: write the report as .xlsx (the scored workbook), .pptx (PowerPoint) or .pdf; the "
                    "file name's extension chooses.")  # fmt: skip
        raise _ArgumentError(message.format(file=args.output))
    weights = _weights(args)
    if args.audit:
        from audit.compare import stored_comparison
        from audit.store import Store

        store = Store.open()
        try:
            if args.weights:
                store.set_weights(args.audit, weights, actor=OPERATOR)
            snapshot = store.snapshot(args.audit)
            language = args.language or snapshot.info.language
            with i18n.use(language):  # the findings and reasons in the file's language
                comparison = stored_comparison(store, snapshot, OPERATOR)
                result = snapshot.result
        finally:
            store.close()
        touchpoints, scores, meta = snapshot.touchpoints, snapshot.scores, snapshot.meta
    elif args.file is None:
        raise _ArgumentError(_("name an inventory file, or a stored audit with --audit NAME."))
    else:
        from audit.metrics import audit_stages, inventory_frame

        imported = _read(args)
        if not imported.inventory.can_import:
            out.write(format_check(imported))
            return EXIT_NOT_IMPORTABLE
        language = args.language or imported.inventory.language
        with i18n.use(language):  # the findings and reasons in the file's language
            result = _computed(args, imported)
        touchpoints, scores = inventory_frame(imported.inventory), imported.score_frame
        meta = _file_meta(imported, audit_stages(imported.inventory), result.weights)
        comparison = None
    counts = _report_counts(result, None if comparison is None else comparison.before_label)
    if kind == ".xlsx":
        from audit.workbook import audit_workbook

        args.output.write_bytes(
            audit_workbook(result, touchpoints, scores, meta, comparison=comparison, language=language)
        )
        # TRANSLATORS: {file} is the file written; {counts} says what it holds ("48 touchpoints, 14 weak spots").
        out.write(_("Wrote {file}: {counts}.").format(file=args.output, counts=counts) + "\n")
        return EXIT_OK
    from audit.report import ReportError, pdf_pages, report_file, slide_count

    try:
        data = report_file(result, meta, "pptx" if kind == ".pptx" else "pdf", comparison=comparison, language=language)
    except ReportError as error:  # LibreOffice missing or failing: its sentence says what to install
        raise _ArgumentError(str(error)) from None
    args.output.write_bytes(data)
    if kind == ".pptx":
        made = ngettext("{n} slide", "{n} slides", slide_count(data)).format(n=i18n.integer(slide_count(data)))
    else:
        made = ngettext("{n} page", "{n} pages", pdf_pages(data)).format(n=i18n.integer(pdf_pages(data)))
    # TRANSLATORS: {made} is "12 slides" or "9 pages"; {counts} says what it holds ("48 touchpoints, 14 weak spots").
    out.write(_("Wrote {file}: {made}; {counts}.").format(file=args.output, made=made, counts=counts) + "\n")
    return EXIT_OK


def _report_counts(result: AuditResult, baseline: str | None) -> str:
    """What a written report holds: "48 touchpoints, 14 weak spots", and the audit it is compared with."""
    n, weak = len(result.touchpoints), len(result.weak_spots)
    values = {
        "touchpoints": ngettext("{n} touchpoint", "{n} touchpoints", n).format(n=i18n.integer(n)),
        "weak_spots": ngettext("{n} weak spot", "{n} weak spots", weak).format(n=i18n.integer(weak)),
        "baseline": baseline,
    }
    if baseline is None:
        return _("{touchpoints}, {weak_spots}").format(**values)
    # TRANSLATORS: {baseline} is the name of the audit this one is compared with.
    return _("{touchpoints}, {weak_spots}, compared with '{baseline}'").format(**values)


def _file_meta(imported: Imported, stages: list[str], weights: dict[str, float]) -> AuditMeta:
    """A workbook's own settings (with --weights applied), or a new audit's named after the file."""
    from dataclasses import replace

    from audit.meta import AuditMeta

    if imported.meta:
        return replace(imported.meta, weights=weights)
    return AuditMeta(Path(imported.file).stem, None, stages, weights)


def _template(args: argparse.Namespace, out: TextIO) -> int:
    from audit.workbook import template_workbook

    headers = args.lang or args.language or i18n.DEFAULT  # the template's --lang, else the global one
    args.output.write_bytes(template_workbook(headers))  # its headers' language is its instructions' too
    # TRANSLATORS: {language} is the headers' language code: en, ru, pt or fa.
    message = _("Wrote {file}, a blank inventory with {language} headers.")
    out.write(message.format(file=args.output, language=headers) + "\n")
    return EXIT_OK


def _percent(value: object) -> str:
    """12% for 0.12; a dash for a missing value or NaN."""
    from audit.metrics import as_float

    return i18n.percent(as_float(value))


def _two(value: object) -> str:
    from audit.metrics import as_float

    return i18n.number(as_float(value), 2)


def format_metrics(imported: Imported, result: AuditResult) -> str:
    """The human summary of `metrics` for files: the result, then the inputs' problems."""
    text = format_result(imported.file, result)
    problems = _sourced(imported, without_info=True)
    return text + ("\n" + problems if problems else "")


def format_result(title: str, result: AuditResult, *, stored: bool = False) -> str:
    """Headline, stages, weak spots, findings and agreement; `title` is the file's name, or with `stored`
    the stored audit's."""
    table = result.touchpoints
    n = len(table)
    values = {
        "title": title,
        "touchpoints": ngettext("{n} touchpoint", "{n} touchpoints", n).format(n=i18n.integer(n)),
        "assessors": _assessors(result.assessors),
    }
    if stored:
        # TRANSLATORS: {title} is the audit's name; {touchpoints} "48 touchpoints"; {assessors} "4 assessors (Ana)".
        headline = _("Audit of the stored audit '{title}': {touchpoints}, {assessors}").format(**values)
    else:
        # TRANSLATORS: {title} is the file's name; {touchpoints} "48 touchpoints"; {assessors} "4 assessors (Ana)".
        headline = _("Audit of {title}: {touchpoints}, {assessors}").format(**values)
    scored = _(
        "Scored: {scored} of touchpoints on all three criteria; mean composite {mean}; consistency {consistency}; "
        "coverage {coverage} of stage x type cells."
    ).format(
        scored=_percent(result.coverage.scoring_share),
        mean=_two(result.mean_composite),
        consistency=_percent(result.overall_consistency),
        coverage=_percent(result.coverage.share),
    )
    lines = [
        headline,
        scored,
        _("Agreement: {message}").format(message=result.agreement.message),
        "",
        _("Stages"),
    ]
    # TRANSLATORS: the headings of the table of stages (python -m audit metrics).
    headings = (_("stage"), _("touchpoints"), _("scored"), _("mean"), _("sd"), _("consistency"), _("channel spread"))
    rows = [(*headings, "")]
    for stage in result.stages.to_dict("records"):
        rows.append(
            (
                str(stage["name"]),
                _count(stage["touchpoints"]),
                _count(stage["scored"]),
                _two(stage["mean_composite"]),
                _two(stage["sd"]),
                _percent(stage["consistency_index"]),
                _two(stage["channel_spread"]),
                # TRANSLATORS: marks a stage whose touchpoints are scored far apart, in the table of stages.
                _("inconsistent") if stage["inconsistent"] else "",
            )
        )
    lines += _aligned(rows)
    weak = table.set_index("id").loc[result.weak_spots[:10]]
    count = i18n.integer(len(result.weak_spots))
    lines += ["", _("Weak spots ({n}), highest priority first").format(n=count)]
    for tp_id, row in weak.iterrows():
        priority = i18n.number(row["priority"], 2).rjust(5)
        lines.append(f"  {priority}  {tp_id}  {row['name']} ({row['stage']}): {row['reasons']}")
    if len(result.weak_spots) > 10:
        more = i18n.integer(len(result.weak_spots) - 10)
        lines.append("  " + _("... and {n} more (use --json for all)").format(n=more))
    others = [f for f in result.findings if f.code != "weak_spot"]
    if others:
        lines += ["", _("Findings")] + [f"  - {f.message}" for f in others]
    if result.uncontrolled:
        uncontrolled = _("Uncontrolled touchpoints (monitor and respond): {ids}")
        lines += ["", uncontrolled.format(ids=", ".join(result.uncontrolled))]
    return "\n".join(lines) + "\n"


def _assessors(names: Sequence[str]) -> str:
    """ "4 assessors (Ana, Ben, Cleo, Dan)", or "no assessors"."""
    if not names:
        return _("no assessors")
    # TRANSLATORS: {names} lists the assessors' names.
    text = ngettext("{n} assessor ({names})", "{n} assessors ({names})", len(names))
    return text.format(n=i18n.integer(len(names)), names=", ".join(names))


def _count(value: object) -> str:
    """A count from a table cell, as the language writes it."""
    from audit.metrics import as_float

    number = as_float(value)
    return "-" if number is None else i18n.integer(int(number))


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
    # (label, value) pairs, the values aligned after the longest label; a value of None starts a block.
    # TRANSLATORS: the labels of the report of `python -m audit check`, each followed by its value.
    fields: list[tuple[str, str | None]] = [(_("File:"), inventory.file)]
    if imported.meta:
        meta = imported.meta
        if meta.client:
            kind = _("a Touchpoint Audit workbook of '{name}' for {client}, restored whole on import")
        else:
            kind = _("a Touchpoint Audit workbook of '{name}', restored whole on import")
        fields.append((_("Kind:"), kind.format(name=meta.name, client=meta.client)))
        weights = "/".join(_weight(w) for w in meta.weights.values())
        if meta.locked:
            # TRANSLATORS: {phase} is the workshop phase's code: round1, revealed or round2.
            settings = _("weights {weights}; stages {stages}; workshop {phase}, locked")
        else:
            # TRANSLATORS: {phase} is the workshop phase's code: round1, revealed or round2.
            settings = _("weights {weights}; stages {stages}; workshop {phase}")
        stage_list = ", ".join(meta.stage_order) or "-"
        fields.append((_("Settings:"), settings.format(weights=weights, stages=stage_list, phase=meta.phase.value)))
    if inventory.sheet is not None:
        fields.append((_("Sheet:"), inventory.sheet))
    fields.append((_("Header row:"), i18n.integer(inventory.header_row) if inventory.header_row else "-"))
    fields.append((_("Mapping:"), None))
    stages = ", ".join(inventory.stages) or "-"
    # TRANSLATORS: {touchpoints} is a number of touchpoints, {n} of stages, {stages} their names.
    touchpoints = ngettext(
        "{touchpoints} in {n} stage: {stages}", "{touchpoints} in {n} stages: {stages}", len(inventory.stages)
    ).format(touchpoints=i18n.integer(len(inventory.touchpoints)), n=i18n.integer(len(inventory.stages)), stages=stages)
    after_mapping: list[tuple[str, str | None]] = [(_("Touchpoints:"), touchpoints)]
    if imported.meta or imported.score_sets:
        n = len(imported.scores.assessors)
        # TRANSLATORS: {scores} is a number of scores, {n} of assessors.
        scores = ngettext("{scores} from {n} assessor", "{scores} from {n} assessors", n).format(
            scores=i18n.integer(len(imported.score_frame)), n=i18n.integer(n)
        )
        after_mapping.append((_("Scores:"), scores))
    elif imported.own_score_count:
        own = _("{scores} in the inventory's own columns, as '{assessor}'")
        after_mapping.append(
            (_("Scores:"), own.format(scores=i18n.integer(imported.own_score_count), assessor=imported.assessor))
        )
    width = max(len(label) for label, _value in fields + after_mapping) + 1
    lines = [label if value is None else f"{label:<{width}}{value}" for label, value in fields]
    for field_name in FIELDS:
        if field_name in inventory.mapping:
            lines.append(f"  {field_name:<16} <- {inventory.mapping[field_name]}")
    extra = inventory.extra_columns
    if extra:
        lines.append("  " + _("kept as extra columns: {columns}").format(columns=", ".join(extra)))
    lines += [f"{label:<{width}}{value}" for label, value in after_mapping]
    lines.append("")
    lines.append(_sourced(imported) or format_problems([]))
    lines.append(_verdict(workbook=imported.meta is not None, can_import=imported.can_import))
    return "\n".join(lines) + "\n"


def _verdict(*, workbook: bool, can_import: bool) -> str:
    if workbook:
        if can_import:
            return _("The workbook can be imported.")
        return _("The workbook cannot be imported until the errors are fixed.")
    if can_import:
        return _("The inventory can be imported.")
    return _("The inventory cannot be imported until the errors are fixed.")


def _weight(weight: float) -> str:
    """A criterion's weight with as few digits as it needs: "2", "1.5" ("1,5" in ru and pt)."""
    digits = next((d for d in range(3) if round(weight, d) == weight), 3)
    return i18n.number(weight, digits)


# The problems' severities as a person reads them, in the table of problems; translated where shown.
SEVERITIES = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


def format_problems(problems: Sequence[Problem], files: Sequence[str] | None = None) -> str:
    """Problems as an aligned table, or a line saying there are none; with a file column when the
    problems come from several files (`files[i]` is the file of `problems[i]`)."""
    if not problems:
        return _("No problems found.") + "\n"
    counts = {s: sum(1 for p in problems if p.severity == s) for s in ("error", "warning", "info")}
    head = ", ".join(_severity_count(s, n) for s, n in counts.items() if n)
    several = files is not None and len(set(files)) > 1
    # TRANSLATORS: the headings of the table of problems.
    rows = [(_("file"), _("severity"), _("row"), _("column"), _("message"))]
    rows += [
        (files[i] if files is not None else "", _(SEVERITIES[p.severity]) if p.severity in SEVERITIES else p.severity,
         i18n.integer(p.row) if p.row else "-", p.column or "-", p.message)
        for i, p in enumerate(problems)
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    body = [
        (f"{r[0]:<{widths[0]}}  " if several else "")
        + f"{r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:<{widths[3]}}  {r[4]}"
        for r in rows
    ]
    # TRANSLATORS: {counts} is e.g. "2 errors, 1 warning".
    return _("Problems ({counts}):").format(counts=head) + "\n" + "\n".join("  " + line for line in body) + "\n"


def _severity_count(severity: str, n: int) -> str:
    """ "2 errors", "1 warning", "3 infos"."""
    if severity == "error":
        text = ngettext("{n} error", "{n} errors", n)
    elif severity == "warning":
        text = ngettext("{n} warning", "{n} warnings", n)
    else:
        text = ngettext("{n} note", "{n} notes", n)
    return text.format(n=i18n.integer(n))


def _sourced(imported: Imported, *, without_info: bool = False) -> str:
    """The import's problems, each with its file when there are several files."""
    found = [(f, p) for f, p in imported.sourced_problems if not (without_info and p.severity == "info")]
    if not found:
        return ""
    return format_problems([p for _file, p in found], [f for f, _problem in found])


def _invite(args: argparse.Namespace, out: TextIO) -> int:
    from audit.invites import join_link, qr_png
    from audit.store import Store
    from audit.workshops import Workshops

    base = args.base_url or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL
    if not base.startswith(("http://", "https://")):
        message = _("--base-url {url}: write the whole address, like https://audit.example.com")
        raise _ArgumentError(message.format(url=base))
    code = Workshops(Store.open()).issue_code(args.audit, actor=OPERATOR)
    url = join_link(base, code)
    if args.qr:
        args.qr.write_bytes(qr_png(url))
    if args.json:
        _dump({"audit": args.audit, "code": code, "url": url}, args, out)
        return EXIT_OK
    out.write(_("Join code for '{audit}': {code}").format(audit=args.audit, code=code) + "\n")
    out.write(_("Link: {url}").format(url=url) + "\n")
    out.write(_("QR code: {file}").format(file=args.qr) + "\n" if args.qr else "")
    # TRANSLATORS: {button} is the app's button that stops a join code ("Stop joining").
    stop = _("The code is stored hashed and cannot be shown again; '{button}' in the app ends it.")
    out.write(stop.format(button=_("Stop joining")) + "\n")
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
    if old != new:
        moved = _("'{audit}' now belongs to {owner}; {old} stays as its editor.")
    else:
        moved = _("'{audit}' now belongs to {owner}.")
    out.write(moved.format(audit=args.audit, owner=new, old=old) + "\n")
    return EXIT_OK


def _share(args: argparse.Namespace, out: TextIO) -> int:
    from audit.store import Store

    store = Store.open()
    try:
        if args.role == "none":
            had = store.unshare(args.audit, args.email, actor=OPERATOR)
            done = _("{who} no longer has access to '{audit}'.") if had else _("{who} had no access to '{audit}'.")
            out.write(done.format(who=args.email, audit=args.audit) + "\n")
        else:
            role = Role(args.role)
            store.share(args.audit, args.email, role, actor=OPERATOR)
            # TRANSLATORS: {role} is "editor" or "viewer".
            shared = _("'{audit}' is shared with {who} as {role}.")
            out.write(shared.format(audit=args.audit, who=args.email, role=_(ROLE_LABELS[role])) + "\n")
    finally:
        store.close()
    return EXIT_OK


def _read_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Same password again: ")) != first:
        raise _ArgumentError(_("the two passwords differ; nothing was changed."))
    return first


def _facilitator(args: argparse.Namespace, out: TextIO) -> int:
    from audit.accounts import Accounts
    from audit.store import Store

    accounts = Accounts(Store.open())
    try:
        if args.action == "list":
            out.write("".join(f"{name}\n" for name in accounts.accounts()) or _("No password accounts.") + "\n")
            return EXIT_OK
        if not args.email:
            # TRANSLATORS: {action} is the command's word: add or remove.
            message = _("facilitator {action}: name the account, e.g. alice@example.com")
            raise _ArgumentError(message.format(action=args.action))
        if args.action == "remove":
            gone = accounts.remove(args.email)
            if gone:
                done = _("Removed account {account}; its sessions are ended.")
            else:
                done = _("There was no account {account}; its sessions are ended.")
            out.write(done.format(account=args.email) + "\n")
            return EXIT_OK
        name = accounts.add(args.email, _read_password(args))
        added = _("{account} can sign in with their password (password mode is on while any account exists).")
        out.write(added.format(account=name) + "\n")
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
    store = Store.open() if any(how == "audit" for how, _value, _files in sides) else None  # one store for both sides
    try:
        if store is not None and len(sides) == 1:
            info = store.audit(sides[0][1])
            if info.compared_with is None:
                message = _("the audit '{audit}' names no baseline: give two sides, e.g. compare --audit EARLIER "
                            "--audit '{audit}'.")  # fmt: skip
                raise _ArgumentError(message.format(audit=info.name))
            sides.insert(0, ("audit", info.compared_with, []))
            kind = Kind(info.compared_as) if not args.competitor else kind
        if len(sides) != 2:
            message = _("compare takes two sides (files or --audit NAME), the baseline first; got {n}.")
            raise _ArgumentError(message.format(n=i18n.integer(len(sides))))
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
                raise SystemExit(_usage_error(_("--scores follows the inventory file it scores")))
            sides[-1][2].append(Path(value))
        elif token.startswith("-"):
            if token not in ("--json", "--competitor", "--indent", "--debug", "-h", "--help"):
                raise SystemExit(_usage_error(_("unrecognized argument: {argument}").format(argument=token)))
        else:
            sides.append(("file", token, []))
        index += 2 if value is not None else 1
    return sides


def _usage_error(message: str) -> int:
    print("python -m audit compare: " + _error(message), file=sys.stderr)
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
        message = _("{file} cannot be read as an inventory: run `python -m audit check {file}`.")
        raise _ArgumentError(message.format(file=value))
    result = _computed(args, imported)
    return result, _file_meta(imported, audit_stages(imported.inventory), result.weights).name


def format_comparison(comparison: Comparison) -> str:
    """Sentences, the stages before and after, what moved, weak spots, gaps and what did not match."""
    c = comparison
    if c.kind == "baseline":
        # TRANSLATORS: {after} and {before} are the two audits' names.
        heading = _("{after} compared with its baseline {before}")
    else:
        # TRANSLATORS: {after} and {before} are the two audits' names.
        heading = _("{after} compared with the competitor {before}")
    lines = [heading.format(after=c.after_label, before=c.before_label), *(f"  {s}" for s in c.sentences()), "",
             _("Stages (mean composite)")]  # fmt: skip
    # TRANSLATORS: headings of the table of stages compared: the stage, the two audits' names, then these.
    rows = [(_("stage"), c.before_label, c.after_label, _("change"), _("noise"), "")]
    rows += [
        (str(r["stage"]), _two(r["composite_before"]), _two(r["composite_after"]), _signed(r["composite_change"]),
         _two(r["noise"]), str(r["movement"]))
        for r in c.stages.to_dict("records")
    ]  # fmt: skip
    lines += _aligned(rows)
    moved = c.touchpoints[c.touchpoints["beyond_noise"].eq(True)]
    # TRANSLATORS: {moved} is e.g. "moved beyond the noise"; {n} of {total} touchpoints found in both audits.
    matched = _("Touchpoints: {moved} ({n} of {total} matched)")
    lines += ["", matched.format(moved=c.words["moved"].lower(), n=i18n.integer(len(moved)),
                                 total=i18n.integer(len(c.touchpoints)))]  # fmt: skip
    # TRANSLATORS: one touchpoint that moved: its id, name and stage, the two composites, the change and the noise.
    line = _("{id}  {name} ({stage}): {before} -> {after} ({change}, noise {noise})")
    lines += [
        "  " + line.format(id=r["id"], name=r["name"], stage=r["stage"], before=_two(r["composite_before"]),
                           after=_two(r["composite_after"]), change=_signed(r["composite_change"]),
                           noise=_two(r["noise"]))
        for r in moved.to_dict("records")
    ]  # fmt: skip
    lines.append("")
    for title, ids in c.weak_lists().items():
        # TRANSLATORS: {title} is e.g. "fixed" or "new"; {n} how many; {names} the touchpoints.
        weak = _("Weak spots, {title} ({n}): {names}")
        lines.append(weak.format(title=title.lower(), n=i18n.integer(len(ids)), names=", ".join(c.named(ids)) or "-"))
    lines.append("")
    for title, gaps in c.gap_lists().items():
        # TRANSLATORS: {title} is e.g. "closed" or "opened"; {n} how many; {gaps} their sentences.
        gap = _("Coverage gaps, {title} ({n}): {gaps}")
        lines.append(gap.format(title=title.lower(), n=i18n.integer(len(gaps)),
                                gaps=" ".join(g.message for g in gaps) or "-"))  # fmt: skip
    for label, table in ((c.before_label, c.unmatched_before), (c.after_label, c.unmatched_after)):
        listed = ", ".join(f"{r['id']} {r['name']}" for r in table.to_dict("records")) or "-"
        # TRANSLATORS: {audit} is an audit's name; {n} how many touchpoints only it has; {touchpoints} them.
        only = _("Only in {audit} ({n}): {touchpoints}")
        lines.append(only.format(audit=label, n=i18n.integer(len(table)), touchpoints=listed))
    return "\n".join(lines) + "\n"


def _signed(value: object) -> str:
    from audit.metrics import as_float

    return i18n.signed(as_float(value), 2)


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
