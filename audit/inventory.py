"""Read a touchpoint inventory: find the table, map its columns, validate every row.

`read_inventory(path)` is the one entry point. It never stops at the first bad cell:
every problem becomes a `Problem` whose `row` is the row number in the user's own sheet
(title rows counted) and whose `column` is their own header text. A row is either
imported, with a bad cell left empty and a problem recorded, or excluded with a problem
that names it. Blank rows are skipped; they hold nothing to lose.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING

from audit import i18n
from audit.cells import Cell, cell_number, cell_text, column_texts, is_blank, row_has_data
from audit.i18n import N_, _, ngettext
from audit.problems import FileTooLarge, Problem, has_errors
from audit.reader import DEFAULT_LIMITS, Grid, Limits, Source, column_letters, open_bytes, open_source
from audit.rules import NUMBER_RULES, figure, number_column, score_column
from audit.vocabulary import (
    CRITERIA,
    DEFAULT_STAGES,
    FIELDS,
    UNASSIGNED_STAGE,
    control_level,
    default_stage,
    field_for_header,
    header_languages,
    normalize,
    touchpoint_type,
    type_from_channel,
    value_languages,
)

if TYPE_CHECKING:
    import pandas as pd

HEADER_SEARCH_ROWS = 30
DEFAULT_IMPORTANCE = 3.0
DEFAULT_LANGUAGE = "en"  # an inventory whose words name no language, or two equally


DERIVED_ID_PREFIX = "tp-"  # ids the app makes for touchpoints that have none (from the name and stage)


def is_derived_id(key: object) -> bool:
    """Whether a touchpoint's id was made by the app rather than written by people: not worth showing them."""
    return str(key).startswith(DERIVED_ID_PREFIX)


@dataclass(slots=True)
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
    language: str = DEFAULT_LANGUAGE  # the language of its headers (audit/languages): `detect_language`

    @property
    def can_import(self) -> bool:
        return bool(self.touchpoints) and not has_errors(self.problems)

    @property
    def extra_columns(self) -> list[str]:
        mapped = set(self.mapping.values())
        return [c for c in self.columns if c not in mapped]

    def to_frame(self) -> pd.DataFrame:
        """One row per touchpoint, inventory fields first, extra columns after."""
        import pandas as pd  # not at the top: `audit check` never needs pandas

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


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Reading a big sheet builds a million small objects and no reference cycles; Python's cycle
    collector would walk them again and again (a quarter of the time at 100,000 rows). Paused here,
    back on after; nested uses are fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    with without_cycle_collection():
        return _parse_inventory(source, sheet, overrides, limits, ignore)


def _parse_inventory(
    source: Source,
    sheet: str | None,
    overrides: Mapping[str, str] | None,
    limits: Limits,
    ignore: Iterable[str],
) -> Inventory:
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} in a mapping; fields are {', '.join(FIELDS)}")
    grid, notes = _choose_grid(source, sheet, overrides)
    problems = list(source.notes) + notes
    if not any(row_has_data(row) for row in grid.rows):
        # TRANSLATORS: {where} is the file, or the file and its sheet: "inventory.xlsx, sheet 'Data'".
        message = _("{where} holds no data at all.").format(where=_where(source, grid))
        problems.append(Problem("error", "empty_file", None, None, message))
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
    body = grid.rows[header_index + 1 :]
    language = detect_language(headers, lambda: _vocabulary_values(body, mapping))
    if "name" not in mapping:
        problems.append(_no_name_column(headers, header_index + 1, overrides))
    if any(p.severity == "error" for p in map_problems) or "name" not in mapping:
        named = {f: headers[i] for f, i in mapping.items()}
        columns = _visible(headers, body)
        return _empty(source, grid, header_index + 1, named, columns, problems, language)
    first_row = header_index + 2  # the sheet's number of the row under the header
    numbers = [first_row + offset for offset, row in enumerate(body) if row_has_data(row)]
    if len(numbers) > limits.max_rows:
        message = _("{file} has more than {limit} touchpoints, the limit.")
        raise FileTooLarge(message.format(file=source.file, limit=i18n.integer(limits.max_rows)), file=source.file)
    touchpoints, row_problems = _read_rows([body[n - first_row] for n in numbers], numbers, headers, mapping)
    problems += row_problems
    named = {f: headers[i] for f, i in mapping.items()}
    if "stage" not in mapping:
        # TRANSLATORS: {stage} is the name of the stage for touchpoints without one, "Unassigned" (kept in English).
        message = _(
            "No stage column was found, so every touchpoint goes to the stage "
            "'{stage}'. Map one with --map stage=HEADER or set stages in the app."
        )
        problems.append(Problem("warning", "no_stage_column", None, None, message.format(stage=UNASSIGNED_STAGE)))
    if not numbers:
        message = _("The header is on row {row} but no rows follow it; there is nothing to import.")
        problems.append(
            Problem("error", "header_only", header_index + 1, None, message.format(row=_row(header_index + 1)))
        )
    elif not touchpoints:
        message = _("Every row was excluded; see the problems above.")
        problems.append(Problem("error", "no_touchpoints", None, None, message))
    return Inventory(
        file=source.file,
        sheet=grid.name,
        header_row=header_index + 1,
        mapping=named,
        columns=_visible(headers, body),
        touchpoints=touchpoints,
        stages=stage_order(tp.stage for tp in touchpoints),
        problems=problems,
        language=language,
    )


def _empty(
    source: Source,
    grid: Grid,
    header_row: int | None,
    mapping: dict[str, str],
    columns: list[str],
    problems: list[Problem],
    language: str = DEFAULT_LANGUAGE,
) -> Inventory:
    return Inventory(source.file, grid.name, header_row, mapping, columns, [], [], problems, language)


def _where(source: Source, grid: Grid) -> str:
    return _("{file}, sheet '{sheet}'").format(file=source.file, sheet=grid.name) if grid.name else source.file


def _row(number: int) -> str:
    """A row number as the user's language writes digits; no thousands separator, as a sheet shows it."""
    return i18n.localize_digits(str(number))


# --- language -------------------------------------------------------------------------------


def detect_language(headers: Iterable[str], values: Callable[[], Iterable[str]] = tuple) -> str:
    """The language (a code of audit/languages) whose words the headers match most.

    A tie is broken by `values` (the stage names, types, controls and channels the rows hold;
    asked only then); a tie that remains, or no match at all, gives English.
    """
    scores = _language_counts(header_languages(h) for h in dict.fromkeys(headers))
    top = max(scores.values(), default=0)
    leaders = [code for code, score in scores.items() if score == top] if top else []
    if len(leaders) == 1:
        return leaders[0]
    by_values = _language_counts(value_languages(v) for v in set(values()))
    candidates = leaders or list(by_values)
    best = max((by_values.get(code, 0) for code in candidates), default=0)
    winners = [code for code in candidates if by_values.get(code, 0) == best] if best else []
    return winners[0] if len(winners) == 1 else DEFAULT_LANGUAGE


def _language_counts(found: Iterable[frozenset[str]]) -> dict[str, int]:
    """How many of the texts each language has a word for."""
    counts: dict[str, int] = {}
    for codes in found:
        for code in codes:
            counts[code] = counts.get(code, 0) + 1
    return counts


def _vocabulary_values(body: Sequence[Sequence[Cell]], mapping: Mapping[str, int]) -> set[str]:
    """The distinct texts of the stage, type, control and channel columns."""
    texts: set[str] = set()
    for name in ("stage", "type", "control", "channel"):
        index = mapping.get(name)
        if index is not None:
            texts.update(t for row in body if index < len(row) and (t := cell_text(row[index])) is not None)
    return texts


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
        if holds_touchpoints(grid, overrides):
            return grid, _sheet_note(source, title, chosen_for_table=True)
    if first_with_data is None:
        return source.grid(source.sheet_names[0]), []
    return first_with_data, _sheet_note(source, first_with_data.name or "", chosen_for_table=False)


def holds_touchpoints(grid: Grid, overrides: Mapping[str, str]) -> bool:
    """A name column with names under it (a summary's 'Touchpoints' column of counts does not count)."""
    header = find_header_row(grid.rows, overrides)
    fields = map_columns(_header_texts(grid.rows[header]), overrides, header_row=0)[0]
    if "name" not in fields:
        return False
    column = fields["name"]
    cells = (row[column] for row in grid.rows[header + 1 :] if column < len(row))
    return any(cell_text(c) is not None and cell_number(c) is None for c in cells)


def _sheet_note(source: Source, title: str, *, chosen_for_table: bool) -> list[Problem]:
    if len(source.sheet_names) < 2:
        return []
    others = ", ".join(f"'{s}'" for s in source.sheet_names if s != title)
    if chosen_for_table:
        message = _("Read sheet '{sheet}' (the first sheet with a touchpoint table); other sheets: {others}.")
    else:
        message = _("Read sheet '{sheet}' (no sheet has a touchpoint name column); other sheets: {others}.")
    return [Problem("info", "sheet_chosen", None, None, message.format(sheet=title, others=others))]


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
        text = cell_text(cell) or f"Column {column_letters(index + 1)}"  # a header with no text
        seen[text] = seen.get(text, 0) + 1
        headers.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return headers


def _visible(headers: list[str], body: Sequence[Sequence[Cell]]) -> list[str]:
    """The headers worth keeping: named ones, and unnamed ones with data under them."""
    unnamed = [i for i, h in enumerate(headers) if h.startswith("Column ")]
    used = {i for i in unnamed if any(i < len(row) and not is_blank(row[i]) for row in body)}
    return [h for i, h in enumerate(headers) if i in used or i not in unnamed]


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
            # TRANSLATORS: {field} is a field's code (name, stage...) as --map takes it; {header} the column asked for.
            message = _("The mapping {field}={header} names no column of the header row; columns found: {columns}.")
            shown = message.format(field=field_name, header=header, columns=columns)
            problems.append(Problem("error", "map_unknown_header", header_row, header, shown))
        else:
            twice = [f for f, i in mapping.items() if i == index]
            if twice:
                # TRANSLATORS: {first} and {second} are fields' codes (name, stage...) as --map takes them.
                message = _("'{header}' is chosen for both {first} and {second}; each field reads it.")
                shown = message.format(header=headers[index], first=twice[0], second=field_name)
                problems.append(Problem("warning", "column_used_twice", header_row, headers[index], shown))
            mapping[field_name] = index
    taken = set(mapping.values())
    for index, header in enumerate(headers):
        found = field_for_header(header)
        if found is None or index in taken or found in unmapped:
            continue
        if found in mapping:
            first = headers[mapping[found]]
            # TRANSLATORS: {field} is a field's code (name, stage...); {first} and {second} are the user's headers.
            message = _(
                "Both '{first}' and '{second}' look like the {field} column; '{first}' is used and "
                "'{second}' is kept as an extra column."
            )
            shown = message.format(first=first, second=header, field=found)
            problems.append(Problem("warning", "duplicate_column", header_row, header, shown))
            continue
        mapping[found] = index
    return mapping, problems


def _no_name_column(headers: list[str], header_row: int, overrides: Mapping[str, str]) -> Problem:
    # TRANSLATORS: what a list of the columns found says when there is none.
    found = ", ".join(h for h in headers if not h.startswith("Column ")) or _("none")
    if overrides.get("name") == "":  # the user chose "no column" for the names
        message = _(
            "The name is set to no column, and every touchpoint needs one. Choose the column that names "
            "each touchpoint; columns found on row {row}: {columns}."
        )
    elif "name" in overrides:
        message = _(
            "No column holds the touchpoint names (looked for 'Name', 'Touchpoint', 'Название', 'Nome', 'نام'...). "
            "Columns found on row {row}: {columns}."
        )
    else:
        message = _(
            "No column holds the touchpoint names (looked for 'Name', 'Touchpoint', 'Название', 'Nome', 'نام'...). "
            "Columns found on row {row}: {columns}. Choose the column that names each touchpoint: in the app, "
            "the 'name' choice under Columns; on the command line, --map name=HEADER."
        )
    return Problem("error", "no_name_column", header_row, None, message.format(row=_row(header_row), columns=found))


# --- rows -----------------------------------------------------------------------------------

# The order a row's problems are told in: the order of the fields in a row, as the user reads it.
_PROBLEM_ORDER = {
    "missing_name": 0,
    "missing_stage": 1,
    "duplicate_id": 2,
    "unknown_type": 3,
    "unknown_control": 4,
    **{f: 5 + i for i, f in enumerate(NUMBER_RULES)},
    "conversions_exceed_reach": 5 + len(NUMBER_RULES),
    **{c: 6 + len(NUMBER_RULES) + i for i, c in enumerate(CRITERIA)},
}


def _read_rows(
    rows: list[Sequence[Cell]], numbers: list[int], headers: list[str], mapping: dict[str, int]
) -> tuple[list[Touchpoint], list[Problem]]:
    """Validate the rows with data (`numbers` are their numbers in the sheet) column by column: each
    rule runs over a whole column, and only the cells it refuses cost a message. Problems are told
    row by row, in the order of the fields."""
    table = Columns(rows, headers, mapping)
    reader = _RowReader(table, numbers)
    touchpoints = reader.read()
    problems = sorted(reader.problems, key=lambda p: (p[0], p[1]))
    return touchpoints, [p[2] for p in problems] + reader.summary()


class Columns:
    """Rows transposed: one sequence of cells per column of the header, and `mapping` (field -> column
    index) to ask for a field's. Inventories and score files are both validated this way."""

    def __init__(self, rows: list[Sequence[Cell]], headers: list[str], mapping: dict[str, int]) -> None:
        self.headers, self.mapping, self.size = headers, mapping, len(rows)
        self.cells: list[tuple[Cell, ...]] = list(zip_longest(*rows)) if rows else []
        self.blank: tuple[Cell, ...] = (None,) * self.size  # one column of nothing, shared
        self.cells += [self.blank] * (len(headers) - len(self.cells))  # short rows: every header has a column
        self.extra = [i for i in range(len(headers)) if i not in set(mapping.values())]

    def column(self, index: int | None) -> Sequence[Cell]:
        if index is None or index >= len(self.cells):
            return self.blank
        return self.cells[index]

    def field(self, name: str) -> Sequence[Cell]:
        return self.column(self.mapping.get(name))

    def texts(self, name: str) -> list[str | None]:
        """The field's cells as stripped text, None when empty (text cells without a call each)."""
        if name not in self.mapping:
            return [None] * self.size  # no column for it: nothing to read cell by cell
        return column_texts(self.field(name))

    def header(self, name: str | None) -> str | None:
        return self.headers[self.mapping[name]] if name in self.mapping else None


class _RowReader:
    """Turns the columns into touchpoints; remembers what it saw (ids, stage spellings, inferred types)."""

    def __init__(self, table: Columns, numbers: list[int]) -> None:
        self.table, self.numbers = table, numbers
        self.id_cells = table.field("id")  # once: without an id column it is a fresh column of blanks
        self.problems: list[tuple[int, int, Problem]] = []  # (row, order in the row, problem)
        self.ids: dict[str, int] = {}
        self.derived: dict[str, int] = {}
        self.stage_spelling: dict[str, str] = {}
        self.inferred_rows: list[int] = []

    def problem(self, severity: str, code: str, row: int, field_name: str | None, message: str, order: str) -> None:
        problem = Problem(severity, code, row, self.table.header(field_name), message)  # type: ignore[arg-type]
        self.problems.append((row, _PROBLEM_ORDER[order], problem))

    def read(self) -> list[Touchpoint]:
        table = self.table
        names = table.texts("name")
        stages = self.stages(names)
        kept = [self.keep(i, name) for i, name in enumerate(names)]
        ids = [self.assign_id(i, names[i], stages[i]) if keep else "" for i, keep in enumerate(kept)]
        channels, owners, notes = table.texts("channel"), table.texts("owner"), table.texts("notes")
        types, inferred = self.types(channels)
        controls = self.lookups("control", control_level, "unknown_control", _CONTROL_WORDS)
        numbers = {f: self.number_column(f) for f in NUMBER_RULES}
        scores = {c: self.score_column(c) for c in CRITERIA if c in table.mapping}  # unmapped: none to read
        extras = [(table.headers[i], table.column(i)) for i in table.extra]
        importance = [DEFAULT_IMPORTANCE if v is None else v for v in numbers["importance"]]
        rows = [i for i, keep in enumerate(kept) if keep and ids[i]]
        touchpoints = [
            Touchpoint(
                ids[i],
                names[i] or "",
                stages[i],
                self.numbers[i],
                channels[i],
                types[i],
                inferred[i],
                controls[i],
                owners[i],
                importance[i],
                numbers["reach"][i],
                numbers["conversions"][i],
                numbers["customer_rating"][i],
                _row_scores(scores, i),
                notes[i],
                {header: cells[i] for header, cells in extras if not is_blank(cells[i])} if extras else {},
            )
            for i in rows
        ]  # positional, in the order of Touchpoint's fields: a keyword call per row costs a third more
        self.inferred_rows = [self.numbers[i] for i in rows if inferred[i]]
        for tp in touchpoints:
            if tp.reach is not None and tp.conversions is not None and tp.conversions > tp.reach:
                # TRANSLATORS: {full} is "100%", written as the language writes percentages.
                message = _(
                    "Row {row} has {conversions} conversions but a reach of {reach}; "
                    "its conversion rate is over {full}. Check both numbers."
                ).format(
                    row=_row(tp.row or 0),
                    conversions=figure(tp.conversions),
                    reach=figure(tp.reach),
                    full=i18n.percent(1.0),
                )
                self.problem(
                    "warning",
                    "conversions_exceed_reach",
                    tp.row or 0,
                    "conversions",
                    message,
                    "conversions_exceed_reach",
                )
        kept_rows = {tp.row for tp in touchpoints}
        # Rows left out (no name, a repeated id) tell only why they were left out.
        self.problems = [p for p in self.problems if p[1] <= _PROBLEM_ORDER["duplicate_id"] or p[0] in kept_rows]
        return touchpoints

    def keep(self, index: int, name: str | None) -> bool:
        if name:
            return True
        number = self.numbers[index]
        headers = self.table.headers
        filled = [
            f"{headers[c]} '{text}'" for c in range(len(headers)) if (text := cell_text(self.table.column(c)[index]))
        ]
        # TRANSLATORS: {cells} lists some of the row's cells: "Stage 'Awareness'; Channel 'Email'".
        message = _("Row {row} has no touchpoint name and was not imported (it holds {cells}).")
        shown = message.format(row=_row(number), cells="; ".join(filled[:3]))
        self.problem("warning", "missing_name", number, "name", shown, "missing_name")
        return False

    def stages(self, names: list[str | None]) -> list[str]:
        if "stage" not in self.table.mapping:
            return [UNASSIGNED_STAGE] * self.table.size
        result: list[str] = []
        for index, text in enumerate(self.table.texts("stage")):
            if not names[index]:
                result.append(UNASSIGNED_STAGE)  # a row without a name is not imported: no stage to tell
            elif not text:
                number = self.numbers[index]
                # TRANSLATORS: {stage} is the name of the stage for touchpoints without one, "Unassigned".
                message = _("Row {row} has no stage; it goes to '{stage}'.")
                shown = message.format(row=_row(number), stage=UNASSIGNED_STAGE)
                self.problem("warning", "missing_stage", number, "stage", shown, "missing_stage")
                result.append(UNASSIGNED_STAGE)
            else:
                # "awareness " and "Awareness" are one stage, spelled as it was first written.
                result.append(self.stage_spelling.setdefault(normalize(text) or text, text))
        return result

    def assign_id(self, index: int, name: str | None, stage: str) -> str:
        """The row's id: its own, or one derived from name and stage; "" when its id is taken."""
        number = self.numbers[index]
        given = cell_text(self.id_cells[index])
        if given:
            if given in self.ids:
                message = _(
                    "Id '{id}' is already used on row {first}; row {row} ('{name}') was not imported. "
                    "Give it its own id."
                )
                shown = message.format(id=given, first=_row(self.ids[given]), row=_row(number), name=name)
                self.problem("warning", "duplicate_id", number, "id", shown, "duplicate_id")
                return ""
            self.ids[given] = number
            return given
        derived = self.derive_id(name or "", stage)
        self.ids.setdefault(derived, number)
        return derived

    def derive_id(self, name: str, stage: str) -> str:
        """A stable id from the name and stage, the same on every re-import of the same sheet."""
        base = DERIVED_ID_PREFIX + hashlib.sha1(f"{normalize(name)}|{normalize(stage)}".encode()).hexdigest()[:10]
        count = self.derived.get(base, 0) + 1
        self.derived[base] = count
        return base if count == 1 else f"{base}-{count}"

    def types(self, channels: list[str | None]) -> tuple[list[str | None], list[bool]]:
        """Each row's type: as written, or inferred from a well-known channel when the type is empty."""
        written = self.lookups("type", touchpoint_type, "unknown_type", _TYPE_WORDS)
        raw = self.table.texts("type")
        by_channel: dict[str, str | None] = {}
        types: list[str | None] = []
        inferred: list[bool] = []
        for index, channel in enumerate(channels):
            if raw[index] or not channel:
                types.append(written[index])
                inferred.append(False)
                continue
            if channel not in by_channel:
                by_channel[channel] = type_from_channel(channel)
            types.append(by_channel[channel])
            inferred.append(by_channel[channel] is not None)
        return types, inferred

    def lookups(self, field_name: str, lookup: Callable[[str], str | None], code: str, words: str) -> list[str | None]:
        """A vocabulary column (type, control): each distinct text looked up once."""
        raw = self.table.texts(field_name)
        found = {text: lookup(text) for text in set(raw) if text is not None}
        values = [found.get(text) if text is not None else None for text in raw]
        for index in [i for i, value in enumerate(values) if value is None and raw[i] is not None]:
            message = _(words).format(value=raw[index])
            self.problem("warning", code, self.numbers[index], field_name, message, code)
        return values

    def number_column(self, field_name: str) -> list[float | None]:
        values, refused = number_column(field_name, self.table.field(field_name))
        for cell in refused:
            self.problem("warning", cell.code, self.numbers[cell.index], field_name, cell.message, field_name)
        return values

    def score_column(self, criterion: str) -> list[int | None]:
        values, refused = score_column(self.table.field(criterion))
        for cell in refused:
            message = criterion_problem(criterion, cell.message)
            self.problem("warning", cell.code, self.numbers[cell.index], criterion, message, criterion)
        return values

    def summary(self) -> list[Problem]:
        if not self.inferred_rows:
            return []
        count = len(self.inferred_rows)
        message = ngettext(
            "The type of {n} touchpoint was inferred from a well-known channel (row {rows}); marked as inferred.",
            "The type of {n} touchpoints was inferred from a well-known channel (rows {rows}); marked as inferred.",
            count,
        ).format(n=i18n.integer(count), rows=_row_list(self.inferred_rows))
        return [Problem("info", "type_inferred", None, self.table.header("channel"), message)]


def criterion_problem(criterion: str, problem: str) -> str:
    """A refused score's message, said of its criterion: "Relevance 7 is outside 1-5. Left unscored."."""
    # TRANSLATORS: {criterion} is a criterion's name (Relevance...); {problem} says what is wrong with its score,
    # as "7 is outside 1-5. Left unscored.".
    return _("{criterion} {problem}").format(criterion=i18n.label(criterion), problem=problem)


def _row_scores(scores: Mapping[str, list[int | None]], index: int) -> dict[str, int]:
    """One row's scores by criterion, the unscored left out."""
    return {c: v for c, column in scores.items() if (v := column[index]) is not None}


# TRANSLATORS: {value} is what the Type cell holds; list the words of your language a type may be written in.
_TYPE_WORDS = N_("'{value}' is not a touchpoint type; use physical, digital or human. The type was left empty.")
# TRANSLATORS: {value} is what the Control cell holds; list the words of your language a control may be written in.
_CONTROL_WORDS = N_(
    "'{value}' is not a control level; use controlled, partly or uncontrolled (yes/no work too). It was left empty."
)


def _row_list(rows: list[int], most: int = 12) -> str:
    shown = ", ".join(_row(r) for r in rows[:most])
    if len(rows) <= most:
        return shown
    more = len(rows) - most
    # TRANSLATORS: {rows} is a list of row numbers, {n} how many more rows there are.
    return ngettext("{rows} and {n} more", "{rows} and {n} more", more).format(rows=shown, n=i18n.integer(more))


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

    return [s for _position, s in sorted(enumerate(seen), key=rank)]
