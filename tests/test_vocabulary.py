"""Header, value and stage words in English, Russian, Portuguese and Persian, and their files."""

from __future__ import annotations

import io
import shutil
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from audit.cells import cell_number
from audit.vocabulary import (
    FIELDS,
    HEADER_INDEX,
    LANGUAGES,
    LANGUAGES_FOLDER,
    SECTIONS,
    TEMPLATE_FIELDS,
    LanguageFileError,
    _unit_suffix,
    control_level,
    default_stage,
    field_for_header,
    load_languages,
    normalize,
    touchpoint_type,
    type_from_channel,
    word_index,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Touchpoint", "name"),
        ("  TOUCH POINT  ", "name"),
        ("Название", "name"),
        ("Nome", "name"),
        ("نام", "name"),
        ("نقطه‌ی تماس", "name"),
        ("Этап", "stage"),
        ("Journey_Stage", "stage"),
        ("Estágio", "stage"),
        ("ESTAGIO", "stage"),
        ("مرحله", "stage"),
        ("Канал", "channel"),
        ("Tipo", "type"),
        ("Контроль", "control"),
        ("Controlável", "control"),
        ("Responsável", "owner"),
        ("Importance (1-5)", "importance"),
        ("Reach / month", "reach"),
        ("Охват, чел.", "reach"),
        ("Alcance por mês", "reach"),
        ("Охват в месяц", "reach"),
        ("CSAT", "customer_rating"),
        ("Relevância", "relevance"),
        ("Значимость", "meaningfulness"),
        ("Привлекательность", "attractiveness"),
        ("جذابیت", "attractiveness"),
        ("Observações", "notes"),
        ("№", "id"),
        ("Código", "id"),
        ("Region", None),
        ("need_id", None),
        ("label", None),
        ("", None),
    ],
)
def test_field_for_header(header: str, field: str | None) -> None:
    assert field_for_header(header) == field


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("Цифровая", "digital"),
        ("Digital", "digital"),
        ("Físico", "physical"),
        ("FISICA", "physical"),
        ("Humano", "human"),
        ("انسانی", "human"),
        ("دیجیتال", "digital"),
        ("robot", None),
    ],
)
def test_touchpoint_type(value: str, kind: str | None) -> None:
    assert touchpoint_type(value) == kind


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("Да", "controlled"),
        ("Нет", "uncontrolled"),
        ("yes", "controlled"),
        ("No", "uncontrolled"),
        ("Sim", "controlled"),
        ("Não", "uncontrolled"),
        ("Частично", "partly"),
        ("Parcialmente", "partly"),
        ("بله", "controlled"),
        ("خیر", "uncontrolled"),
        ("Partly controlled", "partly"),
        ("maybe", None),
    ],
)
def test_control_level(value: str, level: str | None) -> None:
    assert control_level(value) == level


@pytest.mark.parametrize(
    ("stage", "model"),
    [
        ("Awareness", "Awareness"),
        ("Осведомлённость", "Awareness"),
        ("Pós-venda", "Service"),
        ("Fidelização", "Loyalty"),
        ("خرید", "Purchase"),
        ("Рассмотрение", "Consideration"),
        ("Onboarding", None),
    ],
)
def test_default_stage(stage: str, model: str | None) -> None:
    assert default_stage(stage) == model


@pytest.mark.parametrize(
    ("channel", "kind"),
    [("Call centre", "human"), ("Website", "digital"), ("Store", "physical"), ("Колл-центр", "human"), ("Radio", None)],
)
def test_type_from_channel(channel: str, kind: str | None) -> None:
    assert type_from_channel(channel) == kind


def test_normalize_folds_case_accents_spaces_and_letters() -> None:
    assert normalize("  Ponto de Contato ") == normalize("ponto_de_contato") == "pontodecontato"
    assert normalize("Ёлка") == normalize("елка")
    assert normalize("كد") == normalize("کد")  # Arabic kaf and Persian kaf are one letter here


@pytest.mark.parametrize(
    ("cell", "thousands", "value"),
    [
        (4, False, 4.0),
        (4.5, False, 4.5),
        ("4,5", False, 4.5),
        (" 12 500 ", True, 12500.0),
        ("1,234", True, 1234.0),
        ("1,234", False, 1.234),
        ("1.234,5", False, 1234.5),
        ("1,234.5", False, 1234.5),
        ("1.234.567", True, 1234567.0),
        ("۴", False, 4.0),
        ("۳٫۵", False, 3.5),  # the Persian decimal sign
        ("۱٬۲۳۴", True, 1234.0),
        ("\u200e\u2212۰٫۱۲", False, -0.12),  # as a Persian page writes a negative number
        ("abc", False, None),
        ("", False, None),
        (None, False, None),
        (True, False, None),
        ("nan", False, None),
        ("1e3", False, 1000.0),
    ],
)
def test_number(cell: object, thousands: bool, value: float | None) -> None:
    assert cell_number(cell, thousands=thousands) == value


# --- the language files ---------------------------------------------------------------------------

SHIPPED = sorted(LANGUAGES_FOLDER.glob("*.toml"))
ENGLISH = (LANGUAGES_FOLDER / "en.toml").read_text(encoding="utf-8")
# A file's own script: its words must use it, and no other file may.
SCRIPTS = {"ru": "CYRILLIC", "fa": "ARABIC"}


def _raw(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _shape(table: dict[str, Any]) -> dict[str, Any]:
    """A parsed file's sections and keys, without the words."""
    return {key: _shape(value) if isinstance(value, dict) else None for key, value in table.items()}


def _scripts(word: str) -> set[str]:
    return {unicodedata.name(ch).split()[0] for ch in word if ch.isalpha()}


def _folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """The shipped language files copied to a folder, with `files` (name -> content) added or replaced."""
    folder = tmp_path / "languages"
    folder.mkdir()
    for path in SHIPPED:
        shutil.copy(path, folder / path.name)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode()
        (folder / name).write_bytes(data)
    return folder


def _english(old: str, new: str) -> str:
    assert old in ENGLISH, f"en.toml no longer holds {old!r}: update this test"
    return ENGLISH.replace(old, new, 1)


def test_the_four_languages_load() -> None:
    assert {code: language.name for code, language in load_languages().items()} == {
        "en": "English",
        "fa": "فارسی",
        "pt": "Português",
        "ru": "Русский",
    }
    assert load_languages() == LANGUAGES


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_file_has_the_sections_and_keys_of_english(path: Path) -> None:
    assert _shape(_raw(path)) == _shape(_raw(LANGUAGES_FOLDER / "en.toml"))


def test_every_key_has_words_in_every_language() -> None:
    missing = [
        (code, section, key)
        for code, language in LANGUAGES.items()
        for section, keys in SECTIONS.items()
        for key in keys
        if not language.words[section].get(key)
    ]
    assert missing == []


def test_only_persian_has_no_unit_word() -> None:
    assert [code for code, language in LANGUAGES.items() if not language.unit_words] == ["fa"]


@pytest.mark.parametrize("section", SECTIONS)
def test_no_word_stands_for_two_keys(section: str) -> None:
    owners: dict[str, set[str]] = {}
    for language in LANGUAGES.values():
        for key, words in language.words[section].items():
            for word in words:
                owners.setdefault(normalize(word), set()).add(key)
    assert {word: keys for word, keys in owners.items() if len(keys) > 1} == {}
    assert len(word_index(LANGUAGES, section)) == len(owners)


def test_each_word_is_in_the_file_of_its_script() -> None:
    misplaced = [
        (code, word)
        for code, language in LANGUAGES.items()
        for word in [w for words in language.words.values() for ws in words.values() for w in ws]
        + list(language.unit_words)
        if (code in SCRIPTS and SCRIPTS[code] not in _scripts(word))
        or any(script in _scripts(word) for other, script in SCRIPTS.items() if other != code)
    ]
    assert misplaced == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_filled_template_reads_back(code: str) -> None:
    from openpyxl import load_workbook

    from audit.inventory import read_inventory_bytes
    from audit.workbook import template_workbook

    template = LANGUAGES[code].template
    assert template is not None
    book = load_workbook(io.BytesIO(template_workbook(code)))
    book[template.inventory_sheet].append(
        ["X1", "Site", template.stages[2], "Web", template.types[1], template.controls[1]]
    )
    filled = io.BytesIO()
    book.save(filled)
    inventory = read_inventory_bytes(filled.getvalue(), f"template_{code}.xlsx")
    assert inventory.mapping == dict(zip(TEMPLATE_FIELDS, template.headers, strict=True))
    touchpoint = inventory.touchpoints[0]
    assert (default_stage(touchpoint.stage), touchpoint.type, touchpoint.control) == ("Purchase", "digital", "partly")


GERMAN = """
[language]
code = "de"
name = "Deutsch"
unit_words = ["pro"]

[headers]
name = ["Kontaktpunkt", "Name"]
reach = ["Reichweite"]

[types]
[controls]
controlled = ["ja"]

[stages]
Purchase = ["Kauf"]

[channel_types]
human = ["Telefonzentrale"]

[score_headers]
assessor = ["Bewerter"]
"""


def test_persian_is_written_right_to_left_and_its_template_says_so() -> None:
    from openpyxl import load_workbook

    from audit.workbook import template_workbook

    assert [code for code, language in LANGUAGES.items() if language.right_to_left] == ["fa"]
    template = load_workbook(io.BytesIO(template_workbook("fa")))
    assert template[LANGUAGES["fa"].template.inventory_sheet].sheet_view.rightToLeft  # type: ignore[union-attr]


def test_a_fifth_language_is_one_new_file(tmp_path: Path) -> None:
    languages = load_languages(_folder(tmp_path, {"de.toml": GERMAN}))
    assert list(languages) == ["de", "en", "fa", "pt", "ru"]
    assert languages["de"].template is None
    headers = word_index(languages, "headers")
    assert headers.items() >= HEADER_INDEX.items()
    assert (headers[normalize("Kontaktpunkt")], headers[normalize("Reichweite")]) == ("name", "reach")
    assert word_index(languages, "controls")[normalize("JA")] == "controlled"
    assert word_index(languages, "stages")[normalize("Kauf")] == "Purchase"
    assert word_index(languages, "channel_types")[normalize("Telefonzentrale")] == "human"
    assert word_index(languages, "score_headers")[normalize("Bewerter")] == "assessor"
    assert _unit_suffix(languages).sub("", "Reichweite pro Monat") == "Reichweite"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "en.toml",
            _english('id = ["id"', 'colour = ["id"'),
            f"[headers] has 'colour', which is not one of: {', '.join(FIELDS)}",
        ),
        (
            "en.toml",
            _english('name = [\n    "name",', 'name = [\n    "name",\n    "Stage",'),
            "[headers] 'stage' is a word for stage, but 'Stage' is one for name in this file; "
            "a word can stand for only one",
        ),
        (
            "xx.toml",
            GERMAN.replace('"de"', '"xx"').replace('"Reichweite"', '"Канал"'),
            "[headers] 'Канал' is a word for reach, but 'канал' is one for channel in ru.toml; "
            "a word can stand for only one",
        ),
        ("xx.toml", GERMAN, "[language] code is 'de', but the file is named xx.toml"),
        ("xx.toml", '[language]\ncode = "xx"\nname = "X"\n', "[headers] is missing"),
        (
            "en.toml",
            _english("[controls]", "[control]"),
            "the file has 'control', which is not one of: "
            "language, headers, types, controls, stages, channel_types, score_headers, template",
        ),
        (
            "xx.toml",
            GERMAN.replace('"de"', '"xx"').replace('["Kauf"]', '"Kauf"'),
            "[stages] Purchase must be a list of non-empty strings",
        ),
        (
            "xx.toml",
            GERMAN.replace('"de"', '"xx"').replace('["Kauf"]', '["(Kauf)"]'),
            "[stages] Purchase: '(Kauf)' has no letters or digits to match",
        ),
        ("en.toml", _english('name = "English"', 'name = ""'), "[language] name must be a non-empty string"),
        (
            "en.toml",
            _english('name = "Touchpoint"', 'name = "Contact"'),
            "[template.headers] name = 'Contact' is not among the [headers] words for name; "
            "add it there so that a filled template reads back",
        ),
        ("en.toml", _english('notes = "Notes"\n', ""), "[template.headers] lacks notes"),
        (
            "en.toml",
            _english('partly = "partly"', 'partly = "partly, say"'),
            "[template.controls]: a drop-down choice cannot hold a comma or a quote",
        ),
        ("xx.toml", b"\xff\xfe[language]", "is not UTF-8 text"),
        (
            "en.toml",
            _english('direction = "ltr"', 'direction = "right"'),
            '[language] direction is \'right\': write "ltr" or "rtl"',
        ),
    ],
)
def test_a_malformed_file_is_named_with_its_problem(
    tmp_path: Path, name: str, content: str | bytes, problem: str
) -> None:
    folder = _folder(tmp_path, {name: content})
    with pytest.raises(LanguageFileError) as raised:
        load_languages(folder)
    assert (raised.value.file, raised.value.problem) == (folder / name, problem)
    assert str(raised.value) == f"{folder / name}: {problem}"


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"xx.toml": "[language\ncode = 1"})
    with pytest.raises(LanguageFileError, match=r"xx\.toml: is not valid TOML \(.*line 1"):
        load_languages(folder)


def test_no_folder_or_an_empty_one(tmp_path: Path) -> None:
    with pytest.raises(LanguageFileError, match="no such folder of language files"):
        load_languages(tmp_path / "nowhere")
    with pytest.raises(LanguageFileError, match=r"no language files \(\*\.toml\) in this folder"):
        load_languages(tmp_path)
