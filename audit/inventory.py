"""Read a touchpoint inventory: find the table, map its columns, validate every row.

`read_inventory(path)` is the one entry point. It never stops at the first bad cell:
every problem becomes a `Problem` whose `row` is the row number in the user's own sheet
(title rows counted) and whose `column` is their own header text. A row is either
imported, with a bad cell left empty and a problem recorded, or excluded with a problem
that names it. Blank rows are skipped; they hold nothing to lose.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from audit.cells import Cell, cell_number, cell_text, is_blank, row_has_data
from audit.problems import FileTooLarge, Problem, has_errors
from audit.reader import DEFAULT_LIMITS, Grid, Limits, Source, open_bytes, open_source
from audit.vocabulary import (
    CRITERIA,
    DEFAULT_STAGES,
    FIELDS,
    UNASSIGNED_STAGE,
    control_level,
    default_stage,
    field_for_header,
    normalize,
    touchpoint_type,
    type_from_channel,
)

HEADER_SEARCH_ROWS = 30
DEFAULT_IMPORTANCE = 3.0


@dataclass
class Touchpoint:
    """One row of the inventory, cleaned."""

    id: str
    name: str
    stage: str
    row: int | None = None
    channel: str | None = None
    type: str | None = None
    type_inferred: bool = False
    control: str | None = None
    owner: str | None = None
    importance: float = DEFAULT_IMPORTANCE
    reach: float | None = None
    conversions: float | None = None
    customer_rating: float | None = None
    scores: dict[str, int] = field(default_factory=dict)
    notes: str | None = None
    extra: dict[str, Cell] = field(default_factory=dict)

    @property
    def conversion_rate(self) -> float | None:
        if self.reach and self.conversions is not None:
            return self.conversions / self.reach
        return None


@dataclass
class Inventory:
    """What an inventory file holds, and what is wrong with it."""

    file: str
    sheet: str | None
    header_row: int | None
    mapping: dict[str, str]
    columns: list[str]
    touchpoints: list[Touchpoint]
    stages: list[str]
    problems: list[Problem]

    @property
    def can_import(self) -> bool:
        return bool(self.touchpoints) and not has_errors(self.problems)

    @property
    def extra_columns(self) -> list[str]:
        mapped = set(self.mapping.values())
        return [c for c in self.columns if c not in mapped]

    def to_frame(self) -> pd.DataFrame:
        """One row per touchpoint, inventory fields first, extra columns after."""
        records = []
        for tp in self.touchpoints:
            record: dict[str, object] = {f: getattr(tp, f, None) for f in FIELDS if f not in CRITERIA}
            record.update({c: tp.scores.get(c) for c in CRITERIA})
            record["type_inferred"] = tp.type_inferred
            record["row"] = tp.row
            record.update(tp.extra)
            records.append(record)
        return pd.DataFrame.from_records(records)

    def summary(self) -> dict[str, object]:
        """The `check --json` object."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mapping": dict(self.mapping),
            "touchpoints": len(self.touchpoints),
            "stages": list(self.stages),
            "problems": [p.to_dict() for p in self.problems],
        }


def read_inventory(
    path: str | Path,
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
) -> Inventory:
    """Read an inventory file from disk; raises `ReadError` only when nothing can be read."""
    return parse_inventory(open_source(path, name=name, limits=limits), sheet=sheet, overrides=overrides, limits=limits)


def read_inventory_bytes(
    data: bytes,
    name: str,
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Inventory:
    """Read an uploaded inventory."""
    return parse_inventory(open_bytes(data, name=name, limits=limits), sheet=sheet, overrides=overrides, limits=limits)


def parse_inventory(
    source: Source,
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    ignore: Iterable[str] = (),
) -> Inventory:
    """Choose the sheet, find the header, map the columns and validate every row.

    Columns named in `ignore` are neither mapped nor kept (our own workbook's computed columns).
    """
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} in a mapping; fields are {', '.join(FIELDS)}")
    grid, notes = _choose_grid(source, sheet, overrides)
    problems = list(source.notes) + notes
    if not any(row_has_data(row) for row in grid.rows):
        problems.append(Problem("error", "empty_file", None, None, f"{_where(source, grid)} holds no data at all."))
        return _empty(source, grid, None, {}, [], problems)
    header_index = find_header_row(grid.rows, overrides)
    headers = _header_texts(grid.rows[header_index])
    ignored = set(ignore)
    if ignored:
        keep = [i for i, h in enumerate(headers) if h not in ignored]
        grid = Grid(grid.name, [[row[i] for i in keep if i < len(row)] for row in grid.rows])
        headers = [headers[i] for i in keep]
    mapping, map_problems = map_columns(headers, overrides, header_row=header_index + 1)
    problems += map_problems
    if "name" not in mapping:
        problems.append(_no_name_column(headers, header_index + 1, overrides))
    if any(p.severity == "error" for p in map_problems) or "name" not in mapping:
        named = {f: headers[i] for f, i in mapping.items()}
        return _empty(source, grid, header_index + 1, named, _visible(headers, grid.rows[header_index + 1 :]), problems)
    body = grid.rows[header_index + 1 :]
    if sum(1 for row in body if row_has_data(row)) > limits.max_rows:
        raise FileTooLarge(f"{source.file} has more than {limits.max_rows:,} touchpoints, the limit.", file=source.file)
    touchpoints, row_problems = _read_rows(body, header_index + 2, headers, mapping)
    problems += row_problems
    named = {f: headers[i] for f, i in mapping.items()}
    if "stage" not in mapping:
        problems.append(
            Problem(
                "warning",
                "no_stage_column",
                None,
                None,
                "No stage column was found, so every touchpoint goes to the stage "
                f"'{UNASSIGNED_STAGE}'. Map one with --map stage=HEADER or set stages in the app.",
            )
        )
    if not any(row_has_data(row) for row in body):
        problems.append(
            Problem(
                "error",
                "header_only",
                header_index + 1,
                None,
                f"The header is on row {header_index + 1} but no rows follow it; there is nothing to import.",
            )
        )
    elif not touchpoints:
        problems.append(
            Problem("error", "no_touchpoints", None, None, "Every row was excluded; see the problems above.")
        )
    return Inventory(
        file=source.file,
        sheet=grid.name,
        header_row=header_index + 1,
        mapping=named,
        columns=_visible(headers, body),
        touchpoints=touchpoints,
        stages=stage_order(tp.stage for tp in touchpoints),
        problems=problems,
    )


def _empty(
    source: Source,
    grid: Grid,
    header_row: int | None,
    mapping: dict[str, str],
    columns: list[str],
    problems: list[Problem],
) -> Inventory:
    return Inventory(source.file, grid.name, header_row, mapping, columns, [], [], problems)


def _where(source: Source, grid: Grid) -> str:
    return f"{source.file}, sheet '{grid.name}'" if grid.name else source.file


# --- sheet and header -----------------------------------------------------------------------


def _choose_grid(source: Source, sheet: str | None, overrides: Mapping[str, str]) -> tuple[Grid, list[Problem]]:
    """The sheet asked for, or the first (visible) sheet that holds a touchpoint table."""
    if sheet is not None or source.kind == "csv":
        return source.grid(sheet), []
    candidates = [s for s in source.sheet_names if s not in source.hidden] or list(source.sheet_names)
    first_with_data: Grid | None = None
    for title in candidates:
        grid = source.grid(title)
        if not any(row_has_data(row) for row in grid.rows):
            continue
        first_with_data = first_with_data or grid
        if _holds_touchpoints(grid, overrides):
            return grid, _sheet_note(source, title, chosen_for_table=True)
    if first_with_data is None:
        return source.grid(source.sheet_names[0]), []
    return first_with_data, _sheet_note(source, first_with_data.name or "", chosen_for_table=False)


def _holds_touchpoints(grid: Grid, overrides: Mapping[str, str]) -> bool:
    """A name column with names under it (a summary's 'Touchpoints' column of counts does not count)."""
    header = find_header_row(grid.rows, overrides)
    fields, _ = map_columns(_header_texts(grid.rows[header]), overrides, header_row=0)
    if "name" not in fields:
        return False
    column = fields["name"]
    cells = (row[column] for row in grid.rows[header + 1 :] if column < len(row))
    return any(cell_text(c) is not None and cell_number(c) is None for c in cells)


def _sheet_note(source: Source, title: str, *, chosen_for_table: bool) -> list[Problem]:
    if len(source.sheet_names) < 2:
        return []
    others = ", ".join(f"'{s}'" for s in source.sheet_names if s != title)
    why = "the first sheet with a touchpoint table" if chosen_for_table else "no sheet has a touchpoint name column"
    return [Problem("info", "sheet_chosen", None, None, f"Read sheet '{title}' ({why}); other sheets: {others}.")]


def find_header_row(
    rows: Sequence[Sequence[Cell]],
    overrides: Mapping[str, str] | None = None,
    *,
    lookup: Callable[[str], str | None] = field_for_header,
) -> int:
    """Index of the row that names the most fields (title rows above it are skipped).

    `lookup` says which field a header names: inventory fields by default, score-file
    columns for score files.
    """
    wanted = {normalize(h) for h in (overrides or {}).values() if h}
    best_index, best_score = 0, (-1, -1)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [c for c in row if isinstance(c, str) and c.strip() and cell_number(c) is None]
        if not texts:
            continue
        keys = {normalize(t) for t in texts}
        fields = {lookup(t) for t in texts} - {None}
        score = (len(fields) + len(keys & wanted), len(texts))
        if score > best_score:
            best_index, best_score = index, score
    if best_score == (-1, -1):
        return next((i for i, row in enumerate(rows) if row_has_data(row)), 0)
    return best_index


def _header_texts(row: Sequence[Cell]) -> list[str]:
    """Header text per column; blank headers become 'Column C', repeats get ' (2)'."""
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(row):
        text = cell_text(cell) or f"Column {_column_letters(index + 1)}"  # a header with no text
        seen[text] = seen.get(text, 0) + 1
        headers.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return headers


def _visible(headers: list[str], body: Sequence[Sequence[Cell]]) -> list[str]:
    """The headers worth keeping: named ones, and unnamed ones with data under them."""
    unnamed = [i for i, h in enumerate(headers) if h.startswith("Column ")]
    used = {i for i in unnamed if any(i < len(row) and not is_blank(row[i]) for row in body)}
    return [h for i, h in enumerate(headers) if i in used or i not in unnamed]


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def map_columns(
    headers: Sequence[str], overrides: Mapping[str, str] | None = None, *, header_row: int
) -> tuple[dict[str, int], list[Problem]]:
    """Field -> column index, by explicit override first, then by header synonyms."""
    overrides = overrides or {}
    mapping: dict[str, int] = {}
    problems: list[Problem] = []
    by_key = {normalize(h): i for i, h in reversed(list(enumerate(headers)))}
    unmapped = {f for f, header in overrides.items() if not header}  # "" means: no column for this field
    for field_name, header in overrides.items():
        if not header:
            continue
        index = by_key.get(normalize(header))
        if index is None:
            columns = ", ".join(h for h in headers if not h.startswith("Column "))
            problems.append(
                Problem(
                    "error",
                    "map_unknown_header",
                    header_row,
                    header,
                    f"The mapping {field_name}={header} names no column of the header row; columns found: {columns}.",
                )
            )
        else:
            mapping[field_name] = index
    taken = set(mapping.values())
    for index, header in enumerate(headers):
        found = field_for_header(header)
        if found is None or index in taken or found in unmapped:
            continue
        if found in mapping:
            first = headers[mapping[found]]
            problems.append(
                Problem(
                    "warning",
                    "duplicate_column",
                    header_row,
                    header,
                    f"Both '{first}' and '{header}' look like the {found} column; '{first}' is used and "
                    f"'{header}' is kept as an extra column.",
                )
            )
            continue
        mapping[found] = index
    return mapping, problems


def _no_name_column(headers: list[str], header_row: int, overrides: Mapping[str, str]) -> Problem:
    found = ", ".join(h for h in headers if not h.startswith("Column ")) or "none"
    hint = (
        ""
        if "name" in overrides
        else " Choose the column that names each touchpoint: in the app, the 'name' choice under Columns; "
        "on the command line, --map name=HEADER."
    )
    return Problem(
        "error",
        "no_name_column",
        header_row,
        None,
        f"No column holds the touchpoint names (looked for 'Name', 'Touchpoint', 'Название', 'Nome', 'نام'...). "
        f"Columns found on row {header_row}: {found}.{hint}",
    )


# --- rows -----------------------------------------------------------------------------------


def _read_rows(
    body: Sequence[Sequence[Cell]], first_row: int, headers: list[str], mapping: dict[str, int]
) -> tuple[list[Touchpoint], list[Problem]]:
    reader = _RowReader(headers, mapping)
    for offset, row in enumerate(body):
        if row_has_data(row):
            reader.read(row, first_row + offset)
    return reader.touchpoints, reader.problems + reader.summary()


class _RowReader:
    """Validates rows one at a time and remembers what it saw (ids, inferred types)."""

    def __init__(self, headers: list[str], mapping: dict[str, int]) -> None:
        self.headers = headers
        self.mapping = mapping
        self.extra = [i for i in range(len(headers)) if i not in set(mapping.values())]
        self.touchpoints: list[Touchpoint] = []
        self.problems: list[Problem] = []
        self.ids: dict[str, int] = {}
        self.derived: dict[str, int] = {}
        self.stage_spelling: dict[str, str] = {}
        self.inferred_rows: list[int] = []

    def cell(self, row: Sequence[Cell], field_name: str) -> Cell:
        index = self.mapping.get(field_name)
        return row[index] if index is not None and index < len(row) else None

    def problem(self, severity: str, code: str, row: int, field_name: str | None, message: str) -> None:
        column = self.headers[self.mapping[field_name]] if field_name in self.mapping else None
        self.problems.append(Problem(severity, code, row, column, message))  # type: ignore[arg-type]

    def read(self, row: Sequence[Cell], number: int) -> None:
        name = cell_text(self.cell(row, "name"))
        if not name:
            filled = [
                f"{self.headers[i]} '{cell_text(c)}'"
                for i, c in enumerate(row)
                if i < len(self.headers) and cell_text(c)
            ]
            self.problem(
                "warning",
                "missing_name",
                number,
                "name",
                f"Row {number} has no touchpoint name and was not imported (it holds {'; '.join(filled[:3])}).",
            )
            return
        tp = Touchpoint(id="", name=name, stage=self.stage(row, number), row=number)
        if not self.assign_id(tp, row, number):
            return
        tp.channel = cell_text(self.cell(row, "channel"))
        tp.owner = cell_text(self.cell(row, "owner"))
        tp.notes = cell_text(self.cell(row, "notes"))
        self.read_type(tp, row, number)
        self.read_control(tp, row, number)
        self.read_numbers(tp, row, number)
        for criterion in CRITERIA:
            score = self.score(row, number, criterion)
            if score is not None:
                tp.scores[criterion] = score
        tp.extra = {self.headers[i]: row[i] for i in self.extra if i < len(row) and not is_blank(row[i])}
        self.touchpoints.append(tp)

    def stage(self, row: Sequence[Cell], number: int) -> str:
        if "stage" not in self.mapping:
            return UNASSIGNED_STAGE
        text = cell_text(self.cell(row, "stage"))
        if not text:
            self.problem(
                "warning",
                "missing_stage",
                number,
                "stage",
                f"Row {number} has no stage; it goes to '{UNASSIGNED_STAGE}'.",
            )
            return UNASSIGNED_STAGE
        # "awareness " and "Awareness" are one stage, spelled as it was first written.
        return self.stage_spelling.setdefault(normalize(text) or text, text)

    def assign_id(self, tp: Touchpoint, row: Sequence[Cell], number: int) -> bool:
        given = cell_text(self.cell(row, "id"))
        if given:
            if given in self.ids:
                self.problem(
                    "warning",
                    "duplicate_id",
                    number,
                    "id",
                    f"Id '{given}' is already used on row {self.ids[given]}; row {number} ('{tp.name}') "
                    "was not imported. Give it its own id.",
                )
                return False
            self.ids[given] = number
            tp.id = given
            return True
        tp.id = self.derive_id(tp.name, tp.stage)
        self.ids.setdefault(tp.id, number)
        return True

    def derive_id(self, name: str, stage: str) -> str:
        """A stable id from the name and stage, the same on every re-import of the same sheet."""
        base = "tp-" + hashlib.sha1(f"{normalize(name)}|{normalize(stage)}".encode()).hexdigest()[:10]
        count = self.derived.get(base, 0) + 1
        self.derived[base] = count
        return base if count == 1 else f"{base}-{count}"

    def read_type(self, tp: Touchpoint, row: Sequence[Cell], number: int) -> None:
        raw = cell_text(self.cell(row, "type"))
        if raw:
            tp.type = touchpoint_type(raw)
            if tp.type is None:
                self.problem(
                    "warning",
                    "unknown_type",
                    number,
                    "type",
                    f"'{raw}' is not a touchpoint type; use physical, digital or human. The type was left empty.",
                )
            return
        if tp.channel:
            tp.type = type_from_channel(tp.channel)
            tp.type_inferred = tp.type is not None
            if tp.type_inferred:
                self.inferred_rows.append(number)

    def read_control(self, tp: Touchpoint, row: Sequence[Cell], number: int) -> None:
        raw = cell_text(self.cell(row, "control"))
        if raw:
            tp.control = control_level(raw)
            if tp.control is None:
                self.problem(
                    "warning",
                    "unknown_control",
                    number,
                    "control",
                    f"'{raw}' is not a control level; use controlled, partly or uncontrolled (yes/no work too). "
                    "It was left empty.",
                )

    def read_numbers(self, tp: Touchpoint, row: Sequence[Cell], number: int) -> None:
        importance = self.number(row, number, "importance", low=1, high=5, unit="1 to 5", default="3 is used")
        tp.importance = DEFAULT_IMPORTANCE if importance is None else importance
        tp.reach = self.number(row, number, "reach", low=0, high=None, unit="0 or more", default="left empty")
        tp.conversions = self.number(
            row, number, "conversions", low=0, high=None, unit="0 or more", default="left empty"
        )
        tp.customer_rating = self.number(
            row, number, "customer_rating", low=1, high=5, unit="1 to 5", default="left empty"
        )
        if tp.reach is not None and tp.conversions is not None and tp.conversions > tp.reach:
            self.problem(
                "warning",
                "conversions_exceed_reach",
                number,
                "conversions",
                f"Row {number} has {tp.conversions:g} conversions but a reach of {tp.reach:g}; "
                "its conversion rate is over 100%. Check both numbers.",
            )

    def number(
        self,
        row: Sequence[Cell],
        number: int,
        field_name: str,
        *,
        low: float,
        high: float | None,
        unit: str,
        default: str,
    ) -> float | None:
        cell = self.cell(row, field_name)
        if cell_text(cell) is None:
            return None
        value = cell_number(cell, thousands=field_name in ("reach", "conversions"))
        if value is None:
            self.problem(
                "warning",
                "not_a_number",
                number,
                field_name,
                f"'{cell_text(cell)}' is not a number ({unit}); {default}.",
            )
            return None
        if value < low or (high is not None and value > high):
            self.problem("warning", "out_of_range", number, field_name, f"{value:g} is outside {unit}; {default}.")
            return None
        return value

    def score(self, row: Sequence[Cell], number: int, criterion: str) -> int | None:
        cell = self.cell(row, criterion)
        problem = score_problem(cell)
        if problem is None:
            return parse_score(cell)
        code, message = problem
        self.problem("warning", code, number, criterion, f"{criterion.capitalize()} {message}")
        return None

    def summary(self) -> list[Problem]:
        if not self.inferred_rows:
            return []
        rows = _row_list(self.inferred_rows)
        return [
            Problem(
                "info",
                "type_inferred",
                None,
                self.headers[self.mapping["channel"]],
                f"The type of {_count(len(self.inferred_rows), 'touchpoint')} was inferred from a well-known "
                f"channel ({'row' if len(self.inferred_rows) == 1 else 'rows'} {rows}); marked as inferred.",
            )
        ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _row_list(rows: list[int], most: int = 12) -> str:
    shown = ", ".join(str(r) for r in rows[:most])
    return shown + (f" and {len(rows) - most} more" if len(rows) > most else "")


# --- scores ---------------------------------------------------------------------------------


def parse_score(cell: Cell) -> int | None:
    """A 1-5 whole-number score, or None for an empty cell; assumes `score_problem` is None."""
    value = cell_number(cell)
    return None if value is None else int(value)


def score_problem(cell: Cell, consequence: str = "Left unscored.") -> tuple[str, str] | None:
    """(code, message) when a score cell holds something other than empty or a whole 1-5.

    The one score rule: the importer, the score files and the app's grid all ask it; each
    says what happens to the refused value (`consequence`).
    """
    if cell_text(cell) is None:
        return None
    value = cell_number(cell)
    if value is None:
        return (
            "score_not_a_number",
            f"'{cell_text(cell)}' is not a number; scores are whole numbers 1-5. {consequence}",
        )
    if not 1 <= value <= 5:
        return "score_out_of_range", f"{value:g} is outside 1-5. {consequence}"
    if value != int(value):
        return "score_not_whole", f"{value:g} is not a whole number; scores are 1, 2, 3, 4 or 5. {consequence}"
    return None


# --- stage order ----------------------------------------------------------------------------


def stage_order(stages: Iterable[str]) -> list[str]:
    """Default-model stages in model order (in any language), then others as they first appear.

    'Unassigned' always comes last.
    """
    seen: list[str] = []
    for stage in stages:
        if stage not in seen:
            seen.append(stage)
    model_rank = {s: i for i, s in enumerate(DEFAULT_STAGES)}

    def rank(item: tuple[int, str]) -> tuple[int, int]:
        position, stage = item
        if stage == UNASSIGNED_STAGE:
            return (2, position)
        known = default_stage(stage)
        return (0, model_rank[known]) if known else (1, position)

    return [s for _, s in sorted(enumerate(seen), key=rank)]
