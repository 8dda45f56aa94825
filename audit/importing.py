"""The one import action, behind every door: `python -m audit check|import|metrics|report` and
the app's Import page call it and show what it returns.

    imported = read_import(Path("inventory.xlsx"), score_files=[Path("scores.csv")])
    print(imported.problems)          # every problem, with its file, row and column
    plan = store_import(store, imported, "Northwind", actor=OPERATOR)   # one transaction

`read_import` reads what it is given. A workbook this app exported (it has the hidden
settings sheet) is restored whole: its touchpoints with their extra columns, every score
of its Scores sheet, and the audit's client, weights, stage order and workshop state. Any
other file is read as an inventory, with the score files given beside it; score columns
inside the inventory are one assessor's, saved under the name `assessor` (by default the
file's name). Nothing is written until `store_import`.

Reading a plain inventory imports neither pandas nor the store: `audit check` stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from audit import i18n
from audit.access import Facilitator
from audit.cells import cell_text
from audit.i18n import N_, _
from audit.inventory import Inventory, find_header_row, parse_inventory
from audit.meta import AuditMeta
from audit.phases import Phase
from audit.problems import Problem, ReadError, has_errors
from audit.reader import DEFAULT_LIMITS, Grid, Limits, Source, open_bytes, open_source
from audit.vocabulary import CRITERIA, normalize

if TYPE_CHECKING:
    import pandas as pd

    from audit.plan import ImportPlan
    from audit.scoring import ScoreSet
    from audit.store import Store

META_SHEET = "touchpoint_audit"  # the workbook's hidden settings sheet: never translated, it marks our workbook
FORMAT = "touchpoint-audit/1"
# The sheets of our workbook that are read back. The workbook names them in its language (`_(TOUCHPOINTS_SHEET)`),
# so they are looked for under their names in every language, then by what they hold.
TOUCHPOINTS_SHEET = N_("Touchpoints")
SCORES_SHEET = N_("Scores")
SHEET_NAME_LIMIT = 31  # Excel cuts a sheet's name to this many characters

# A file to read: a path on disk, or an upload's name and bytes.
FileInput = Path | tuple[str, bytes]


@dataclass
class Imported:
    """What a file (and its score files) holds, ready to print, show or store."""

    inventory: Inventory
    meta: AuditMeta | None  # set when the file is a workbook of ours
    sheet_names: list[str]  # the workbook's sheets, for a choice (none for CSV or our own workbook)
    assessor: str  # whom the inventory's own score columns belong to
    score_sets: list[ScoreSet] = field(default_factory=list)  # score files, or our workbook's Scores sheet
    score_names: list[str] = field(default_factory=list)  # the file each score set comes from
    file_problems: list[tuple[str, Problem]] = field(default_factory=list)  # score files that could not be read

    @property
    def file(self) -> str:
        return self.inventory.file

    @property
    def is_audit_workbook(self) -> bool:
        return self.meta is not None

    @property
    def own_score_count(self) -> int:
        """Scores in the inventory's own score columns (counted without pandas)."""
        return sum(len(tp.scores) for tp in self.inventory.touchpoints)

    @cached_property
    def scores(self) -> ScoreSet:
        """Every score together; when one was given twice, the later one counts (and a problem says so)."""
        from audit.scoring import combine, scores_from_inventory

        own = [] if self.meta else [scores_from_inventory(self.inventory, self.assessor)]
        return combine([*own, *self.score_sets])

    @property
    def problems(self) -> list[Problem]:
        """The inventory's problems, then the score files'."""
        return [problem for _file, problem in self.sourced_problems]

    @property
    def sourced_problems(self) -> list[tuple[str, Problem]]:
        """Every problem with the file it is about: the inventory, a score file, or (for a score given
        twice across files, whose message names both) the score files together."""
        found = [(self.file, problem) for problem in self.inventory.problems] + self.file_problems
        if not self.score_sets:
            return found
        per_set = [
            (name, p) for name, scores in zip(self.score_names, self.score_sets, strict=True) for p in scores.problems
        ]
        repeated = self.scores.problems[len(per_set) :]  # combine() adds the scores given twice after the sets' own
        # TRANSLATORS: shown where a file's name goes, for a score given twice in two score files.
        together = _("score files")
        return found + per_set + [(together, problem) for problem in repeated]

    @property
    def can_import(self) -> bool:
        """Touchpoints to import and no error anywhere: in the inventory or in a score file."""
        return self.inventory.can_import and not has_errors(self.problems)

    @property
    def score_frame(self) -> pd.DataFrame:
        return self.scores.frame

    def summary(self) -> dict[str, object]:
        """The `check --json` object: the inventory's summary, what kind of file it is, and its scores."""
        data = self.inventory.summary() | {"kind": "audit workbook" if self.meta else "inventory"}
        data["problems"] = [p.to_dict() for p in self.problems]
        if self.meta:
            data["audit"] = {
                "name": self.meta.name,
                "client": self.meta.client,
                "stage_order": self.meta.stage_order,
                "weights": self.meta.weights,
                "phase": self.meta.phase.value,
                "locked": self.meta.locked,
            }
        if self.score_sets or self.meta:
            data["scores"] = len(self.scores.frame)
            data["assessors"] = self.scores.assessors
        else:
            data["scores"] = self.own_score_count
        return data


def open_file(file: FileInput, *, limits: Limits = DEFAULT_LIMITS) -> Source:
    """A path or an upload, opened; ReadError says why it cannot be."""
    if isinstance(file, Path):
        return open_source(file, limits=limits)
    name, data = file
    return open_bytes(data, name=name, limits=limits)


def read_import(
    file: FileInput,
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str] | None = None,
    score_files: Sequence[FileInput] = (),
    assessor: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Imported:
    """Read a file to import: a workbook of ours whole, or an inventory with its score files.

    Raises ReadError only when the file itself cannot be read; a score file that cannot be
    read becomes an error problem, so that the rest is still shown.
    """
    source = open_file(file, limits=limits)
    if is_audit_workbook(source):
        return _read_audit_workbook(source, overrides)
    inventory = parse_inventory(source, sheet=sheet, overrides=overrides, limits=limits)
    imported = Imported(inventory, None, list(source.sheet_names), assessor or default_assessor(inventory))
    if score_files and inventory.touchpoints:
        from audit.scoring import parse_scores

        for score_file in score_files:
            name = score_file.name if isinstance(score_file, Path) else score_file[0]
            try:
                imported.score_sets.append(parse_scores(open_file(score_file, limits=limits), inventory.touchpoints))
                imported.score_names.append(name)
            except ReadError as error:
                imported.file_problems.append((name, Problem("error", "unreadable_file", None, None, str(error))))
    return imported


def default_assessor(inventory: Inventory) -> str:
    """Whom an inventory's own score columns are saved under unless the user says: the file's name."""
    return Path(inventory.file).stem


def is_audit_workbook(source: Source) -> bool:
    """A workbook this app exported: it carries the hidden settings sheet."""
    return source.kind == "xlsx" and META_SHEET in source.sheet_names


def _read_audit_workbook(source: Source, overrides: Mapping[str, str] | None) -> Imported:
    from audit.scoring import holds_scores, parse_scores

    values = _hidden_values(source)
    meta, computed = read_meta(source, values)

    def computed_columns(grid: Grid) -> int:  # the Touchpoints sheet is the one with the computed columns
        header = grid.rows[find_header_row(grid.rows)] if grid.rows else []
        return len(computed & {text for cell in header if (text := cell_text(cell)) is not None})

    recorded = values.get("touchpoints_sheet")
    touchpoints_sheet = workbook_sheet(source, TOUCHPOINTS_SHEET, recorded, computed_columns)
    inventory = parse_inventory(source, sheet=touchpoints_sheet, overrides=overrides, ignore=computed)
    language = str(values.get("language") or "")
    if language in i18n.CODES:  # the language the workbook was written in, which its headers tell too
        inventory.language = language
    recorded = values.get("scores_sheet")
    scores_sheet = workbook_sheet(source, SCORES_SHEET, recorded, lambda grid: int(holds_scores(grid)))
    scores = parse_scores(source, inventory.touchpoints, sheet=scores_sheet)
    # TRANSLATORS: a place in a workbook, the file and one of its sheets: "audit.xlsx, sheet 'Scores'".
    where = _("{file}, sheet '{sheet}'").format(file=source.file, sheet=scores_sheet)
    return Imported(inventory, meta, [], assessor="", score_sets=[scores], score_names=[where])


def sheet_names(english: str) -> set[str]:
    """A sheet's name of our workbook in every language: the English name and its translations."""
    return {english} | {i18n.translations(code).gettext(english) for code in i18n.CODES}


def workbook_sheet(source: Source, english: str, recorded: object, fits: Callable[[Grid], int]) -> str:
    """A sheet of our workbook, whose name is in the workbook's language and may have been changed since:

    1. the name the hidden sheet `recorded` (workbooks from this version on);
    2. else its name in any language: `english` or a translation, as Excel allows a sheet's name;
    3. else the visible sheet that `fits` best (more than 0): the Touchpoints sheet holds the computed
       columns, the Scores sheet a touchpoint and an assessor column;
    4. else `english`, so that reading it says which sheet is missing.
    """
    titles = [title for title in source.sheet_names if title != META_SHEET]
    if isinstance(recorded, str) and recorded in titles:
        return recorded
    names = {_sheet_key(name) for name in sheet_names(english)}
    named = [title for title in titles if _sheet_key(title) in names or _cut_short(title, names)]
    if named:
        return named[0]
    scored = [
        (fits(source.grid(title)), -index, title) for index, title in enumerate(titles) if title not in source.hidden
    ]
    best = max(scored, default=(0, 0, english))
    return best[2] if best[0] > 0 else english


def _sheet_key(name: str) -> str:
    """A sheet's name as compared: Excel's forbidden characters, case and spaces aside."""
    return normalize(name)


def _cut_short(title: str, keys: set[str]) -> bool:
    """A name Excel cut to its 31 characters: the start of one of the names."""
    key = _sheet_key(title)
    return len(title) >= SHEET_NAME_LIMIT and bool(key) and any(name.startswith(key) for name in keys)


def _hidden_values(source: Source) -> dict[str, object]:
    """The hidden settings sheet's rows: key -> value."""
    return {str(r[0]): r[1] for r in source.grid(META_SHEET).rows if r and r[0]}


def read_meta(source: Source, values: Mapping[str, object] | None = None) -> tuple[AuditMeta, set[str]]:
    """The audit's settings from the hidden sheet, and the headers of the computed columns to skip.

    Older workbooks have no workshop state: they come back in round 1, unlocked.
    """
    if values is None:
        values = _hidden_values(source)

    def loaded(key: str, default: str) -> object:
        try:
            return json.loads(str(values.get(key) or default))
        except json.JSONDecodeError:
            # TRANSLATORS: {sheet} is the hidden settings sheet's name, {key} one of its settings.
            message = _("{file}: the hidden sheet '{sheet}' has a damaged '{key}' value; export the audit again.")
            raise ReadError(message.format(file=source.file, sheet=META_SHEET, key=key), file=source.file) from None

    weights = loaded("weights", "{}")
    stage_order = loaded("stage_order", "[]")
    keys = loaded("round2_keys", "[]")
    phase = str(values.get("phase") or Phase.ROUND1.value)
    if not isinstance(weights, dict) or not isinstance(stage_order, list) or not isinstance(keys, list):
        message = _("{file}: the hidden sheet '{sheet}' is damaged; export again.")
        raise ReadError(message.format(file=source.file, sheet=META_SHEET), file=source.file)
    meta = AuditMeta(
        # TRANSLATORS: the name given to an audit read from a workbook that has none.
        name=str(values.get("name") or _("Imported audit")),
        client=str(values["client"]) if values.get("client") else None,
        stage_order=[str(s) for s in stage_order],
        weights={c: float(weights.get(c, 1.0)) for c in CRITERIA},
        phase=Phase(phase) if phase in {p.value for p in Phase} else Phase.ROUND1,
        locked=str(values.get("locked") or "").lower() in ("true", "1", "yes"),
        round2_keys=[str(k) for k in keys],
    )
    computed = loaded("computed", "[]")
    return meta, {str(c) for c in computed} if isinstance(computed, list) else set()


def meta_values(meta: AuditMeta, computed: Sequence[str]) -> dict[str, str | None]:
    """The hidden sheet's rows, as the workbook writes them and `read_meta` reads them."""
    return {
        "format": FORMAT,
        "name": meta.name,
        "client": meta.client,
        "stage_order": json.dumps(meta.stage_order, ensure_ascii=False),
        "weights": json.dumps(meta.weights),
        "computed": json.dumps(list(computed)),
        "phase": meta.phase.value,
        "locked": "true" if meta.locked else "false",
        "round2_keys": json.dumps(list(meta.round2_keys), ensure_ascii=False),
    }


def plan_import(store: Store, imported: Imported, audit: str) -> ImportPlan:
    """What storing `imported` into the existing audit would change; writes nothing."""
    return store.plan_import(audit, imported.inventory, imported.score_frame)


def store_import(
    store: Store,
    imported: Imported,
    audit: str,
    *,
    actor: Facilitator,
    owner: str | None = None,
    client: str | None = None,
) -> ImportPlan:
    """Write what was read into the audit (created when new), in one transaction."""
    if not imported.can_import:
        from audit.store import StoreError

        message = _("{file} cannot be imported until its errors are fixed; nothing was changed.")
        raise StoreError(message.format(file=imported.file))
    return store.import_inventory(
        audit,
        imported.inventory,
        imported.score_frame,
        actor=actor,
        owner=owner,
        client=client,
        meta=imported.meta,
    )
