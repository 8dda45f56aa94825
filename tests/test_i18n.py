"""The languages: complete catalogs, plurals, numbers written for the locale, and every page with no
English left outside the catalogs (rendered in a pseudo-language) and in each of the four languages."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from conftest import DATA, INVENTORIES, ROOT, Pseudo, app
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from audit import i18n
from audit.access import LOCAL
from audit.i18n import _, ngettext
from audit.inventory import read_inventory
from audit.scoring import read_scores
from audit.store import Store
from audit.workshops import Workshops
from ui import language

TRANSLATED = [code for code in i18n.CODES if code != i18n.DEFAULT]
PAGE_TITLES = ("Dashboard", "Compare", "Workshop", "Inventory", "Import", "Export", "Audits")  # app.py's, in English
PAGES = ["views/dashboard.py", "views/compare.py", "views/workshop.py", "views/inventory.py",
         "views/import_inventory.py", "views/export.py", "views/audits.py"]  # fmt: skip


def catalog(code: str) -> Catalog:
    with i18n.catalog_path(code).open("rb") as source:
        return read_po(source, locale=code)


def template() -> Catalog:
    with (i18n.LOCALE_FOLDER / "messages.pot").open("rb") as source:
        return read_po(source)


def extracted() -> set[str | tuple[str, str]]:
    """What `scripts/catalogs` would extract from the code now."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def ids(source: Catalog) -> set[str | tuple[str, str]]:
    return {m.id if isinstance(m.id, str) else (m.id[0], m.id[1]) for m in source if m.id}


# The catalogs ------------------------------------------------------------------------------------


def test_the_template_holds_every_sentence_of_the_code_and_nothing_else() -> None:
    in_code, in_template = extracted(), ids(template())
    assert len(in_code) > 300  # the app's sentences, not a stray few
    assert not in_code - in_template, f"run scripts/catalogs: {sorted(map(str, in_code - in_template))[:10]}"
    assert not in_template - in_code, f"run scripts/catalogs: {sorted(map(str, in_template - in_code))[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_catalog_translates_every_sentence_with_the_same_placeholders(code: str) -> None:
    translated = catalog(code)
    assert ids(translated) == ids(template()), "run scripts/catalogs"
    forms = translated.num_plurals
    problems = []
    for message in translated:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if isinstance(message.id, str):
            if not message.string:
                problems.append(f"empty: {message.id!r}")
            elif i18n.placeholders(message.string) != i18n.placeholders(message.id):
                problems.append(f"placeholders differ: {message.id!r} -> {message.string!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(strings) != forms or not all(strings):
            problems.append(f"plural forms missing ({forms} needed): {message.id[1]!r}")
        for string in strings:
            if string and set(i18n.placeholders(string)) - set(i18n.placeholders(message.id[1])):
                problems.append(f"unknown placeholder: {message.id[1]!r} -> {string!r}")
    assert not problems, f"{len(problems)} problems in {code}, first: " + "\n".join(problems[:15])


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalog_is_what_the_po_says(code: str, tmp_path: Path) -> None:
    translated = catalog(code)
    sample = next(m for m in translated if m.id and isinstance(m.id, str) and m.string)
    assert i18n.translations(code).gettext(sample.id) == sample.string
    with i18n.use(code):
        assert _(sample.id) == sample.string


def test_russian_has_three_plural_forms_and_uses_them() -> None:
    russian = catalog("ru")
    assert russian.num_plurals == 3
    plural = next(m for m in russian if m.id and not isinstance(m.id, str) and "{n}" in m.id[1])
    singular, many = plural.id
    with i18n.use("ru"):
        got = {n: ngettext(singular, many, n) for n in (1, 2, 5, 11, 21, 22)}
    one, few, lots = plural.string
    assert got == {1: one, 2: few, 5: lots, 11: lots, 21: one, 22: few}
    assert len({one, few, lots}) == 3  # three different words, not one form copied


def test_an_unknown_language_is_refused_with_the_known_ones() -> None:
    with pytest.raises(i18n.UnknownLanguage, match="use one of en, "):
        i18n.activate("xx")


# Numbers, dates and choosing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "decimal", "count", "share", "change"),
    [
        ("en", "3.25", "1,000", "46%", "-0.12"),
        ("ru", "3,25", "1\xa0000", "46\xa0%", "-0,12"),
        ("pt", "3,25", "1.000", "46%", "-0,12"),
        # CLDR's Persian minus is U+2212 after a left-to-right mark: on the left of the digits in a Persian line
        ("fa", "۳٫۲۵", "۱٬۰۰۰", "۴۶٪", "\u200e\u2212۰٫۱۲"),
    ],
)
def test_numbers_are_written_as_the_language_writes_them(
    code: str, decimal: str, count: str, share: str, change: str
) -> None:
    with i18n.use(code):
        assert (i18n.number(3.254), i18n.integer(1000), i18n.percent(0.46), i18n.signed(-0.12)) == (
            decimal,
            count,
            share,
            change,
        )
        assert i18n.number(None) == "-"


@pytest.mark.parametrize(
    ("code", "gain", "loss", "moment"),
    [
        ("en", "+0.47", "-1,234.50", "Dec 6, 2026, 4:38\u202fAM"),
        ("ru", "+0,47", "-1\xa0234,50", "6 дек. 2026\u202fг., 04:38"),
        ("pt", "+0,47", "-1.234,50", "6 de dez. de 2026 04:38"),
        ("fa", "\u200e+۰٫۴۷", "\u200e\u2212۱٬۲۳۴٫۵۰", "۶ دسامبر ۲۰۲۶،\u200f ۴:۳۸"),
    ],
)
def test_signs_and_moments_are_the_languages(code: str, gain: str, loss: str, moment: str) -> None:
    with i18n.use(code):
        assert i18n.signed(0.47) == gain
        assert i18n.number(-1234.5) == loss
        assert i18n.date_time(dt.datetime(2026, 12, 6, 4, 38, tzinfo=dt.UTC)) == moment
        chart_numbers = i18n.vega_locale()["number"]
        assert isinstance(chart_numbers, dict)
        assert chart_numbers.get("minus") == ("\u200e\u2212" if code == "fa" else None)  # d3's own elsewhere


def test_the_browser_language_is_the_first_one_we_have() -> None:
    assert i18n.best_match("de-DE,ru;q=0.8,en;q=0.5") == "ru"
    assert i18n.best_match("en;q=0.1,pt-BR") == "pt"
    assert i18n.best_match("fa_IR") == "fa"
    assert i18n.best_match("de") is None
    assert i18n.best_match(None) is None


def test_a_persian_sentence_isolates_what_is_filled_in() -> None:
    """A Latin name or a number in a Persian sentence keeps its place (Unicode isolates, FSI ... PDI)."""
    with i18n.use("fa"):
        said = _("Client: {client}").format(client="Northwind Home (sample)")
    assert "\u2068Northwind Home (sample)\u2069" in said
    with i18n.use("ru"):
        assert "\u2068" not in _("Client: {client}")


def test_persian_flows_right_to_left_and_the_others_left_to_right() -> None:
    assert [code for code in i18n.CODES if i18n.right_to_left(code)] == ["fa"]
    assert i18n.vega_locale("fa")["number"]["numerals"][4] == "۴"  # type: ignore[index]
    assert i18n.vega_locale("ru")["number"]["decimal"] == ","  # type: ignore[index]


# Every page, in a pseudo-language and in each language -------------------------------------------


PERSIAN_AUDIT = "ممیزی آزمایشی"  # data in Persian: any Latin word on the page is ours


def persian_audit(db: str) -> None:
    """An audit whose every name is Persian, scored by two assessors, with a workshop code."""
    inventory = read_inventory(INVENTORIES / "fa_utf8_bom.csv")
    scores = read_scores(DATA / "scores" / "long_fa.csv", inventory.touchpoints)
    Store.open(db).import_inventory(PERSIAN_AUDIT, inventory, scores.frame, actor=LOCAL, client="مشتری")


# Words a page may show in Latin letters: names of products, formats and settings, not sentences.
ALLOWED = re.compile(
    r"Touchpoint Audit|TOUCHPOINT_AUDIT_\w+|OpenID|Connect|Excel|PowerPoint|LibreOffice|CSV|PDF|XLSX|PPTX|QR|"
    r"sqlite|postgresql|\.?(?:xlsx|xlsm|xls|ods|csv|tsv|pptx|pdf|txt)\b|https?://\S+|UTF-8|cp1251|"
    r"English|Português|alpha|α|tp-[0-9a-f]+|[A-Z0-9]{4}-[A-Z0-9]{4}|\blocal\b"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


SHOWN_FIELDS = ("label", "help", "body", "placeholder", "options", "text", "delta", "caption", "title", "value")


def walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def shown_text(test: AppTest) -> Iterator[tuple[str, str]]:
    """(element type, text) for every text a person reads on the page and in the sidebar."""
    for node in walk(test._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", type(node).__name__)
        if proto is None or kind == "html" or getattr(node, "key", None) == language.PICKER:
            continue  # html: the page's style element
        fields = MessageToDict(proto, preserving_proto_field_name=True)
        if kind in ("text_input", "text_area", "number_input"):
            fields.pop("value", None)  # what was typed is the user's
        if kind == "markdown" and str(fields.get("body", "")).startswith("<style>"):
            continue
        if "spec" in fields:  # a chart: its titles, not its data
            spec = json.loads(fields.pop("spec"))
            for found in _titles(spec):
                yield kind, found
        for name in SHOWN_FIELDS:
            for text in strings_in(fields.get(name)):
                yield kind, text
        if kind in ("table", "dataframe", "arrow_data_frame"):
            yield from _table_text(kind, node, json.loads(fields.get("columns") or "{}"))


def _table_text(kind: str, node: Any, config: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A table's headers (their configured labels) and text cells (a choice column's labels)."""
    value = node.value
    for column in value.columns:
        setting = config.get(str(column), {})
        if setting.get("hidden"):
            continue
        yield kind, str(setting.get("label", column))
        options = setting.get("type_config", {}).get("options", [])
        if options and isinstance(options[0], dict):  # shown through format_func: its labels
            for option in options:
                yield kind, str(option["label"])
            continue
        for cell in value[column]:
            if isinstance(cell, str):
                yield kind, cell


def _titles(spec: Any) -> Iterator[str]:
    if isinstance(spec, dict):
        for key, item in spec.items():
            if key in ("title", "text") and not isinstance(item, dict):
                yield from strings_in(item)
            elif key not in ("datasets", "data"):
                yield from _titles(item)
    elif isinstance(spec, list):
        for item in spec:
            yield from _titles(item)


def untranslated(test: AppTest) -> list[str]:
    found = []
    for kind, text in shown_text(test):
        outside = re.sub(r"⟦.*?⟧", "", text, flags=re.S)
        outside = ALLOWED.sub("", outside)
        if LATIN_WORD.search(outside):
            found.append(f"{kind}: {text!r}")
    return sorted(set(found))


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_english_outside_the_catalogs(db: str, pseudo: str, page: str) -> None:
    persian_audit(db)  # before the first start, so the (English) sample is not loaded
    test = app(page, audit=PERSIAN_AUDIT, lang=pseudo)
    assert not test.exception, test.exception
    assert not untranslated(test), "\n".join(untranslated(test))


def test_the_participant_screens_show_no_english_outside_the_catalogs(db: str, pseudo: str) -> None:
    persian_audit(db)
    workshops = Workshops(Store.open(db))
    code = workshops.issue_code(PERSIAN_AUDIT, actor=LOCAL)
    join = app(code=code, lang=pseudo)
    assert not join.exception and not untranslated(join), "\n".join(untranslated(join))
    join.text_input(key="join_name").set_value("سارا")
    submit = f"FormSubmitter:join-{Pseudo().gettext('Join')}"  # a form's button is keyed by its label
    join.button(key=submit).click().run()
    assert not join.error, join.error[0].value
    score = app(p=join.query_params["p"], lang=pseudo)
    assert not score.exception, score.exception
    assert not untranslated(score), "\n".join(untranslated(score))


@pytest.mark.parametrize("code", i18n.CODES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_in_every_language(db: str, code: str, page: str) -> None:
    test = app(page, lang=code)
    assert not test.exception, test.exception
    assert test.query_params["lang"] == code  # kept in the address, so a reload keeps it
    with i18n.use(code):
        titles = {_(title) for title in PAGE_TITLES}
    shown = {e.proto.label for e in test.sidebar.children.values() if e.type == "page_link"}
    assert shown == titles
    assert (shown == set(PAGE_TITLES)) == (code == "en")  # translated, not English left in place
    styled = [e for e in walk(test._tree) if getattr(e, "type", None) == "html"]
    assert any("direction: rtl" in e.proto.body for e in styled) == (code == "fa")


def test_the_audit_language_is_the_default_and_the_address_overrides_it(db: str) -> None:
    app()
    persian_audit(db)
    opened = app(audit=PERSIAN_AUDIT)
    assert opened.session_state[language.ACTIVE] == "fa"  # detected at import from its Persian headers
    assert "lang" not in opened.query_params  # a default is not written into the address
    chosen = app(audit=PERSIAN_AUDIT, lang="ru")
    assert chosen.session_state[language.ACTIVE] == "ru"


def test_a_list_of_names_is_joined_as_the_language_lists_them() -> None:
    names = ["Delivery crew (SE-02)", "Loyalty programme 'Nest' (LO-01)"]
    with i18n.use("en"):
        assert i18n.join(names) == "Delivery crew (SE-02), Loyalty programme 'Nest' (LO-01)"
    with i18n.use("fa"):  # the Persian comma, each Latin name isolated: it reads first to last, brackets whole
        assert i18n.join(names) == "\u2068Delivery crew (SE-02)\u2069، \u2068Loyalty programme 'Nest' (LO-01)\u2069"
    with i18n.use("fa"):
        assert i18n.separator() == "، "  # Persian's zero is a dot: never " · " between numbers and words
