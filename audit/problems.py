"""Problems found in an input, and the exceptions raised when nothing can be read.

Two shapes, on purpose:

* `Problem` is data. Reading an inventory or a score file collects every problem it meets
  (a bad score, a missing name, an unknown column) and carries on. Each has a stable
  `code`, the `row` the user sees in their own sheet and the `column` header they typed.
* `ReadError` is raised only when nothing can be read at all. Its tree:

      ReadError                  the file cannot be read; the message says why and what to do
      ├── FileTooLarge           over the byte, row or cell limits
      ├── NotASpreadsheet        not a format we read, or damaged
      ├── UnsafeWorkbook         zip bomb, entity tricks, cells far beyond any real sheet
      ├── PasswordProtected      encrypted: only the program that knows the password can open it
      └── SheetNotFound          --sheet names a sheet the workbook does not have
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from audit.i18n import N_, _

Severity = Literal["error", "warning", "info"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# Every code a Problem can carry, with the title the UI shows above its messages: marked for the
# catalogs here, translated where shown (`_(CODES[code])`).
# "error" means the input cannot be imported as it is; "warning" means a row was excluded
# or a cell left empty; "info" tells what the importer decided on the user's behalf.
CODES: dict[str, str] = {
    "empty_file": N_("The file is empty"),
    "header_only": N_("Header but no rows"),
    "no_name_column": N_("No touchpoint name column"),
    "no_touchpoints": N_("No touchpoint could be imported"),
    "map_unknown_header": N_("Mapping names a missing column"),
    "no_stage_column": N_("No stage column"),
    "missing_stage": N_("Touchpoint without a stage"),
    "missing_name": N_("Row without a touchpoint name"),
    "duplicate_id": N_("Duplicate id"),
    "duplicate_column": N_("Two columns for one field"),
    "column_used_twice": N_("One column chosen for two fields"),
    "not_a_number": N_("Not a number"),
    "out_of_range": N_("Value out of range"),
    "score_not_a_number": N_("Score is not a number"),
    "score_out_of_range": N_("Score outside 1-5"),
    "score_not_whole": N_("Score is not a whole number"),
    "unknown_type": N_("Unknown touchpoint type"),
    "unknown_control": N_("Unknown control value"),
    "conversions_exceed_reach": N_("More conversions than reach"),
    "type_inferred": N_("Type inferred from the channel"),
    "sheet_chosen": N_("Sheet chosen"),
    "text_format": N_("How the text file was read"),
    "extension_mismatch": N_("File content does not match its name"),
    "nul_bytes_removed": N_("NUL characters removed"),
    "macros_ignored": N_("Macros were not run"),
    "external_links": N_("Links to other workbooks not followed"),
    "formulas_without_values": N_("Formulas without saved results"),
    "unmatched_touchpoint": N_("Score for an unknown touchpoint"),
    "missing_assessor": N_("Score row without an assessor"),
    "missing_touchpoint": N_("Score row without a touchpoint"),
    "no_score_columns": N_("Score file without the columns it needs"),
    "duplicate_score": N_("The same score given twice"),
    "unknown_criterion": N_("Unknown criterion"),
    "unreadable_file": N_("A file could not be read"),
}


def title(code: str) -> str:
    """The title of a problem code in the current language, as shown above its messages."""
    return _(CODES[code])


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, where the user will find it."""

    severity: Severity
    code: str
    row: int | None
    column: str | None
    message: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem blocks the import."""
    return any(p.severity == "error" for p in problems)


class ReadError(Exception):
    """The file cannot be read at all; `str(error)` is a sentence for the user."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.file = file


class FileTooLarge(ReadError):
    """Over the size, row or cell limit."""


class NotASpreadsheet(ReadError):
    """Not a format we read, or a damaged file."""


class UnsafeWorkbook(ReadError):
    """Built to exhaust memory or time: a zip bomb, XML entities, far-away cells."""


class PasswordProtected(ReadError):
    """Encrypted with a password; it has to be saved again without one."""


class SheetNotFound(ReadError):
    """The sheet asked for is not in the workbook."""
