"""The words the importer understands: field headers, stage names and values.

The words live in data, one file per language: `audit/languages/<code>.toml` (English,
Russian, Portuguese and Persian so far). `load_languages` reads every `*.toml` in that
folder, so a new language is a new file; the indexes below merge all of them. Everything
is matched after `normalize`, so the files hold words the way people type them (any case,
accents, spaces).

Exceptions:
    LanguageFileError(ValueError)    a language file is missing, unreadable or inconsistent;
                                     the message names the file and the problem
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "stage",
    "channel",
    "type",
    "control",
    "owner",
    "importance",
    "reach",
    "conversions",
    "customer_rating",
    "relevance",
    "meaningfulness",
    "attractiveness",
    "notes",
)

CRITERIA: tuple[str, ...] = ("relevance", "meaningfulness", "attractiveness")

TYPES: tuple[str, ...] = ("physical", "digital", "human")
CONTROLS: tuple[str, ...] = ("controlled", "partly", "uncontrolled")

DEFAULT_STAGES: tuple[str, ...] = ("Awareness", "Consideration", "Purchase", "Service", "Loyalty")
UNASSIGNED_STAGE = "Unassigned"

# The blank template's columns: every field but the criteria, which are scored in the workshop.
TEMPLATE_FIELDS: tuple[str, ...] = tuple(f for f in FIELDS if f not in CRITERIA)

LANGUAGES_FOLDER = Path(__file__).parent / "languages"

# The columns of a score file beyond the criteria and the note (audit.scoring).
SCORE_FIELDS: tuple[str, ...] = ("touchpoint", "assessor", "criterion", "score")

# The word sections of a language file and the keys each may use, in the order they are kept.
SECTIONS: dict[str, tuple[str, ...]] = {
    "headers": FIELDS,
    "types": TYPES,
    "controls": CONTROLS,
    "stages": DEFAULT_STAGES,
    "channel_types": TYPES,
    "score_headers": SCORE_FIELDS,
}
# The [template] tables: which word section each one's words must belong to, and its keys.
_TEMPLATE_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "headers": ("headers", TEMPLATE_FIELDS),
    "stages": ("stages", DEFAULT_STAGES),
    "types": ("types", TYPES),
    "controls": ("controls", CONTROLS),
}
_TEMPLATE_TEXTS = ("inventory_sheet", "instructions_sheet", "instructions")

_PERSIAN_FOLD = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "ة": "ه", "ـ": None})
_PARENTHESES = re.compile(r"[\(\[\{].*?[\)\]\}]")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@functools.lru_cache(maxsize=8192)
def normalize(text: object) -> str:
    """Fold a header or value for matching: case, accents, spaces, punctuation, ё and Persian letters."""
    raw = str(text).strip().casefold()
    if raw in {"#", "№"}:
        return raw
    raw = _PARENTHESES.sub(" ", raw).translate(_PERSIAN_FOLD).replace("ё", "е")
    decomposed = unicodedata.normalize("NFKD", raw)
    # Drop combining accents, except the ones that make Cyrillic й (folding it to и is harmless).
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub("", stripped)


class LanguageFileError(ValueError):
    """A language file (or folder of them) that cannot be used, with the file named."""

    def __init__(self, problem: str, *, file: Path) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Template:
    """The blank inventory's text in one language; headers and choices follow the code's key order."""

    inventory_sheet: str
    instructions_sheet: str
    instructions: tuple[str, ...]
    headers: tuple[str, ...]  # one per TEMPLATE_FIELDS
    stages: tuple[str, ...]  # one per DEFAULT_STAGES
    types: tuple[str, ...]  # one per TYPES
    controls: tuple[str, ...]  # one per CONTROLS


@dataclass(frozen=True, slots=True)
class Language:
    """One language file: its words by section and key, and the blank template's text."""

    code: str
    name: str
    file: Path
    words: Mapping[str, Mapping[str, tuple[str, ...]]]  # section -> key -> words, keys in SECTIONS' order
    unit_words: tuple[str, ...]  # "per" in "Reach per month"
    template: Template | None
    right_to_left: bool = False  # written right to left (Persian): the template's sheets are set so


def load_languages(folder: Path = LANGUAGES_FOLDER) -> dict[str, Language]:
    """Every `*.toml` language file in `folder` by code, in file-name order, checked together."""
    if not folder.is_dir():
        raise LanguageFileError("no such folder of language files", file=folder)
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise LanguageFileError("no language files (*.toml) in this folder", file=folder)
    languages = {language.code: language for language in map(read_language, files)}
    _check_one_meaning(languages)
    _check_template_words(languages)
    return languages


def read_language(path: Path) -> Language:
    """One language file, checked on its own (the checks across files are `load_languages`')."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise LanguageFileError(f"cannot be read ({error.strerror})", file=path) from error
    except UnicodeDecodeError as error:
        raise LanguageFileError("is not UTF-8 text", file=path) from error
    except tomllib.TOMLDecodeError as error:
        raise LanguageFileError(f"is not valid TOML ({error})", file=path) from error
    _only(data, ("language", *SECTIONS, "template"), "the file", path)
    about = _table(data, "language", path)
    _only(about, ("code", "name", "unit_words", "direction"), "[language]", path)
    direction = about.get("direction", "ltr")
    if direction not in ("ltr", "rtl"):
        raise LanguageFileError(f'[language] direction is {direction!r}: write "ltr" or "rtl"', file=path)
    code = _text(about, "code", "[language]", path)
    if code != path.stem:
        raise LanguageFileError(f"[language] code is {code!r}, but the file is named {path.name}", file=path)
    return Language(
        code=code,
        name=_text(about, "name", "[language]", path),
        file=path,
        words={section: _words(data, section, path) for section in SECTIONS},
        unit_words=_texts(about.get("unit_words", []), "[language] unit_words", path),
        template=_template(data["template"], path) if "template" in data else None,
        right_to_left=direction == "rtl",
    )


def word_index(languages: Mapping[str, Language], section: str) -> dict[str, str]:
    """Folded word -> key for one word section, over all the languages."""
    return {
        normalize(word): key
        for language in languages.values()
        for key, words in language.words[section].items()
        for word in words
    }


def word_languages(languages: Mapping[str, Language], sections: Iterable[str]) -> dict[str, frozenset[str]]:
    """Folded word -> the codes of the languages that have it, over some word sections: what tells a
    file's language (a word may belong to several, as "marketplace")."""
    index: dict[str, set[str]] = {}
    for section in sections:
        for language in languages.values():
            for words in language.words[section].values():
                for word in words:
                    index.setdefault(normalize(word), set()).add(language.code)
    return {word: frozenset(codes) for word, codes in index.items()}


def _words(data: dict[str, Any], section: str, path: Path) -> dict[str, tuple[str, ...]]:
    table = _table(data, section, path)
    keys = SECTIONS[section]
    _only(table, keys, f"[{section}]", path)
    words = {key: _texts(table[key], f"[{section}] {key}", path) for key in keys if key in table}
    for key, texts in words.items():
        for word in texts:
            if not normalize(word):
                raise LanguageFileError(f"[{section}] {key}: {word!r} has no letters or digits to match", file=path)
    return words


def _template(value: object, path: Path) -> Template:
    if not isinstance(value, dict):
        raise LanguageFileError("[template] must be a table", file=path)
    _only(value, (*_TEMPLATE_TEXTS, *_TEMPLATE_TABLES), "[template]", path)
    texts: dict[str, tuple[str, ...]] = {}
    for name, (_, keys) in _TEMPLATE_TABLES.items():
        table = _table(value, name, path, where=f"[template.{name}]")
        missing = [key for key in keys if key not in table]
        if missing:
            raise LanguageFileError(f"[template.{name}] lacks {', '.join(missing)}", file=path)
        _only(table, keys, f"[template.{name}]", path)
        texts[name] = tuple(_text(table, key, f"[template.{name}]", path) for key in keys)
    for name in ("stages", "types", "controls"):
        # Each choice goes into an Excel list, written as "a,b,c".
        if any("," in text or '"' in text for text in texts[name]):
            raise LanguageFileError(f"[template.{name}]: a drop-down choice cannot hold a comma or a quote", file=path)
    return Template(
        inventory_sheet=_text(value, "inventory_sheet", "[template]", path),
        instructions_sheet=_text(value, "instructions_sheet", "[template]", path),
        instructions=_texts(value.get("instructions"), "[template] instructions", path),
        headers=texts["headers"],
        stages=texts["stages"],
        types=texts["types"],
        controls=texts["controls"],
    )


def _check_one_meaning(languages: Mapping[str, Language]) -> None:
    """A word stands for one key per section, across all the files (else the first file would win silently)."""
    for section in SECTIONS:
        seen: dict[str, tuple[str, str, Path]] = {}
        for language in languages.values():
            for key, words in language.words[section].items():
                for word in words:
                    first_key, first_word, first_file = seen.setdefault(normalize(word), (key, word, language.file))
                    if first_key != key:
                        where = "this file" if first_file == language.file else first_file.name
                        raise LanguageFileError(
                            f"[{section}] {word!r} is a word for {key}, but {first_word!r} is one for {first_key} "
                            f"in {where}; a word can stand for only one",
                            file=language.file,
                        )


def _check_template_words(languages: Mapping[str, Language]) -> None:
    """Every header and choice of a template is a word of its key, so a filled template reads back."""
    indexes = {section: word_index(languages, section) for section, _ in _TEMPLATE_TABLES.values()}
    for language in languages.values():
        template = language.template
        if template is None:
            continue
        tables = {
            "headers": template.headers,
            "stages": template.stages,
            "types": template.types,
            "controls": template.controls,
        }
        for name, (section, keys) in _TEMPLATE_TABLES.items():
            for key, text in zip(keys, tables[name], strict=True):
                if indexes[section].get(normalize(text)) != key:
                    raise LanguageFileError(
                        f"[template.{name}] {key} = {text!r} is not among the [{section}] words for {key}; "
                        "add it there so that a filled template reads back",
                        file=language.file,
                    )


def _only(table: Mapping[str, object], allowed: Iterable[str], where: str, path: Path) -> None:
    known = tuple(allowed)
    unknown = [key for key in table if key not in known]
    if unknown:
        raise LanguageFileError(f"{where} has {unknown[0]!r}, which is not one of: {', '.join(known)}", file=path)


def _table(data: Mapping[str, Any], name: str, path: Path, *, where: str | None = None) -> dict[str, Any]:
    value = data.get(name)
    label = where or f"[{name}]"
    if value is None:
        raise LanguageFileError(f"{label} is missing", file=path)
    if not isinstance(value, dict):
        raise LanguageFileError(f"{label} must be a table", file=path)
    return value


def _text(table: Mapping[str, Any], key: str, where: str, path: Path) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LanguageFileError(f"{where} {key} must be a non-empty string", file=path)
    return value


def _texts(value: object, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LanguageFileError(f"{where} must be a list of non-empty strings", file=path)
    return tuple(value)


def _unit_suffix(languages: Mapping[str, Language]) -> re.Pattern[str]:
    """A unit after a header: after a slash, comma, colon, " - " or a language's unit word."""
    words = dict.fromkeys(word for language in languages.values() for word in language.unit_words)
    joiners = ["/", ",", ":", *(rf"\b{re.escape(word)}\b" for word in words), r"\s-\s"]
    return re.compile(rf"\s*(?:{'|'.join(joiners)}).*$", re.IGNORECASE)


LANGUAGES: dict[str, Language] = load_languages()

HEADER_INDEX = word_index(LANGUAGES, "headers")
TYPE_INDEX = word_index(LANGUAGES, "types") | {normalize(t): t for t in TYPES}
CONTROL_INDEX = word_index(LANGUAGES, "controls")
STAGE_INDEX = word_index(LANGUAGES, "stages")
CHANNEL_TYPE_INDEX = word_index(LANGUAGES, "channel_types")
SCORE_HEADER_INDEX = word_index(LANGUAGES, "score_headers")

_UNIT_SUFFIX = _unit_suffix(LANGUAGES)

# Which languages a header, or a stage, type, control or channel value, is a word of.
HEADER_LANGUAGES = word_languages(LANGUAGES, ("headers",))
VALUE_LANGUAGES = word_languages(LANGUAGES, ("stages", "types", "controls", "channel_types"))
_NO_LANGUAGE: frozenset[str] = frozenset()


def field_for_header(header: object) -> str | None:
    """The inventory field a column header names, or None.

    A unit after the name is ignored: "Reach / month", "Охват, чел." and "Alcance por mês".
    """
    text = str(header)
    found = HEADER_INDEX.get(normalize(text))
    if found is None:
        head = _UNIT_SUFFIX.sub("", text)
        found = HEADER_INDEX.get(normalize(head)) if head.strip() and head != text else None
    return found


def header_languages(header: object) -> frozenset[str]:
    """The codes of the languages that have a word for this header (a unit after it ignored, as in
    `field_for_header`); none when no language has."""
    text = str(header)
    found = HEADER_LANGUAGES.get(normalize(text))
    if found is None:
        head = _UNIT_SUFFIX.sub("", text)
        found = HEADER_LANGUAGES.get(normalize(head)) if head.strip() and head != text else None
    return found or _NO_LANGUAGE


def value_languages(value: object) -> frozenset[str]:
    """The codes of the languages that have this stage name, type, control or channel word."""
    return VALUE_LANGUAGES.get(normalize(value), _NO_LANGUAGE)


def touchpoint_type(value: object) -> str | None:
    """'physical', 'digital' or 'human' for a type cell in any of the languages."""
    return TYPE_INDEX.get(normalize(value))


def control_level(value: object) -> str | None:
    """'controlled', 'partly' or 'uncontrolled' for a control cell (yes/no included)."""
    return CONTROL_INDEX.get(normalize(value))


def default_stage(value: object) -> str | None:
    """The default-model stage a stage name stands for, in any of the languages."""
    return STAGE_INDEX.get(normalize(value))


def type_from_channel(channel: object) -> str | None:
    """The type implied by a well-known channel ("Call centre" is human), or None."""
    return CHANNEL_TYPE_INDEX.get(normalize(channel))
