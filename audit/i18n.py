"""Every user-visible sentence in the user's language: gettext catalogs, plurals, numbers and dates.

The words live in gettext catalogs, one per language, managed with Babel (README, "Adding a
language"): `audit/locale/messages.pot` is extracted from the code, each
`audit/locale/<code>/LC_MESSAGES/messages.po` translates it, and `scripts/bootstrap` compiles
them to `.mo` files at install time (`python -m audit.i18n`). A `.mo` older than its `.po` is
compiled again when first used, so an edited catalog is seen at once.

Code marks a sentence with `_()` where it is shown, and with `N_()` where it is defined as a
constant and translated later (`_(QUADRANTS[key])`); `ngettext()` picks the plural form (Russian
has three). Sentences take named `{placeholders}`, filled with `.format()` after translation,
never f-strings: a translator moves a placeholder, and Babel cannot extract an f-string.

Which language: `use(code)` or `activate(code)` for the CLI and the tests; a Streamlit session
installs a resolver (`set_resolver`) that reads the session's choice. Numbers, percentages and
dates are written for that language with Babel (`number`, `percent`, `integer`, `date`): a
decimal comma in Russian and Portuguese, Persian digits in Persian.

Exceptions:
    UnknownLanguage(ValueError)    a language code with no catalog; the message lists the known ones
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_percent

from audit.vocabulary import LANGUAGES

LOCALE_FOLDER = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
ORDER = ("en", "ru", "pt", "fa")  # how pickers list the languages; a new language file comes after these
# The languages with a vocabulary file (each has a catalog), in the pickers' order.
CODES: tuple[str, ...] = tuple(sorted(LANGUAGES, key=lambda c: (ORDER.index(c) if c in ORDER else len(ORDER), c)))
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
_ISOLATE = re.compile(r"(?<!\{)\{\w+[^{}]*\}(?!\})")  # a placeholder, not a doubled brace

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)
_resolver: Callable[[], str | None] | None = None
_registered: dict[str, gettext.NullTranslations] = {}  # test languages (the pseudo-locale)


class UnknownLanguage(ValueError):
    """A language code with no catalog."""


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "mark, translate later")
    """Mark a constant for the catalogs; `_()` translates it where it is shown."""
    return message


def gettext_(message: str) -> str:
    """The message in the current language (the source text when it has no translation)."""
    return translations(current()).gettext(message)


_ = gettext_


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form of the current language for `n` (Russian: one, few, many)."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message whose English is shared by two meanings ("Owner" of an audit, and of a touchpoint)."""
    return translations(current()).pgettext(context, message)


def placeholders(message: str) -> list[str]:
    """The `{names}` of a message, in order: a translation must keep the same ones."""
    return sorted(_PLACEHOLDER.findall(message.replace("{{", "").replace("}}", "")))


# The labels of the codes the store keeps in English: criteria, types, controls.
LABELS: dict[str, str] = {
    "relevance": N_("Relevance"),
    "meaningfulness": N_("Meaningfulness"),
    "attractiveness": N_("Attractiveness"),
    "composite": N_("Composite"),
    "physical": N_("Physical"),
    "digital": N_("Digital"),
    "human": N_("Human"),
    "controlled": N_("Controlled"),
    "partly": N_("Partly controlled"),
    "uncontrolled": N_("Uncontrolled"),
    "unknown": N_("Unknown"),
    # TRANSLATORS: how far the assessors agree (Krippendorff's alpha): the band's word, shown as a small tag
    "reliable": N_("reliable"),
    # TRANSLATORS: how far the assessors agree (Krippendorff's alpha): the band's word, shown as a small tag
    "tentative": N_("tentative"),
    # TRANSLATORS: how far the assessors agree (Krippendorff's alpha): the band's word, shown as a small tag
    "low": N_("low"),
}


# The inventory's fields, as a column header or a choice names them.
FIELD_LABELS: dict[str, str] = {
    "id": N_("Id"),
    "name": N_("Name"),
    "stage": N_("Stage"),
    "channel": N_("Channel"),
    "type": N_("Type"),
    "control": N_("Control"),
    "owner": N_("Owner"),
    "importance": N_("Importance"),
    "reach": N_("Reach"),
    "conversions": N_("Conversions"),
    "customer_rating": N_("Customer rating"),
    "notes": N_("Notes"),
}


def field_label(field: str) -> str:
    """A field's label in the current language ("customer_rating" -> "Customer rating"); else its code's."""
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else label(field)


def label(code: str) -> str:
    """A stored code's label in the current language ("physical" -> "Physical", "Физическая");
    a value with no label (a user's own word) as it is."""
    return _(LABELS[code]) if code in LABELS else code


# Which language ------------------------------------------------------------------------------------


def known(code: str | None) -> bool:
    return code in CODES or code in _registered


def check(code: str) -> str:
    if not known(code):
        raise UnknownLanguage(f"unknown language {code!r}: use one of {', '.join(CODES)}")
    return code


def current() -> str:
    """The language of this run: `use`/`activate`, else the session's resolver, else English."""
    code = _current.get()
    if code is None and _resolver is not None:
        code = _resolver()
    return code if code is not None and known(code) else DEFAULT


def activate(code: str) -> None:
    """Use this language from now on in this thread (the CLI, once, from `--lang`)."""
    _current.set(check(code))


@contextmanager
def use(code: str | None) -> Iterator[None]:
    """Use this language for the block (a workbook written in the audit's language, a test); None keeps
    the current one."""
    token = _current.set(check(code) if code is not None else _current.get())
    try:
        yield
    finally:
        _current.reset(token)


def set_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Where `current()` looks when nothing was activated: the app reads the session's choice."""
    global _resolver
    _resolver = resolver


def right_to_left(code: str | None = None) -> bool:
    language = LANGUAGES.get(code or current())
    return language is not None and language.right_to_left


def name(code: str) -> str:
    """The language's own name ("Русский"), for a picker."""
    language = LANGUAGES.get(code)
    return language.name if language is not None else code


def best_match(accepted: str | None) -> str | None:
    """The first of our languages in an Accept-Language header or a locale ("ru-RU,ru;q=0.9,en")."""
    if not accepted:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accepted.split(",")):
        tag, _sep, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        weighted.append((-weight, position, tag.strip().replace("_", "-").split("-")[0].lower()))
    for _weight, _position, code in sorted(weighted):
        if code in CODES:
            return code
    return None


# Catalogs ------------------------------------------------------------------------------------------


def catalog_path(code: str, suffix: str = ".po") -> Path:
    return LOCALE_FOLDER / code / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def compile_catalog(code: str) -> bytes:
    """The `.mo` bytes of a language's catalog; written beside the `.po` when the folder allows."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(code).open("rb") as source:
        catalog = read_po(source, locale=code)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    compiled = buffer.getvalue()
    with contextlib.suppress(OSError):  # a read-only install: the bytes serve this process
        catalog_path(code, ".mo").write_bytes(compiled)
    return compiled


def compile_all() -> list[str]:
    """Compile every catalog (`python -m audit.i18n`, run by scripts/bootstrap)."""
    compiled = []
    for code in CODES:
        if catalog_path(code).exists():
            compile_catalog(code)
            compiled.append(code)
    return compiled


@functools.cache
def _catalog(code: str) -> gettext.NullTranslations:
    source, compiled = catalog_path(code), catalog_path(code, ".mo")
    if not source.exists():
        return gettext.NullTranslations()  # English is the source text
    if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
        data = compiled.read_bytes()
    else:
        data = compile_catalog(code)
    catalog = gettext.GNUTranslations(BytesIO(data))
    if right_to_left(code):
        _isolate_placeholders(catalog)
    return catalog


def _isolate_placeholders(catalog: gettext.GNUTranslations) -> None:
    """Wrap every `{placeholder}` of a right-to-left catalog in Unicode isolates (FSI ... PDI).

    A Latin name or a number filled into a Persian sentence otherwise joins the text around it in the
    bidirectional algorithm: "در مرحله Awareness، ۱ نقطه" is shown with the 1 beside the wrong word.
    Isolated, each value keeps its own direction and its place in the sentence.
    """
    table = catalog._catalog  # type: ignore[attr-defined]  # gettext's own msgid -> msgstr mapping
    for key, text in table.items():
        if isinstance(text, str) and "{" in text:
            table[key] = _ISOLATE.sub(lambda found: _isolated(found.group(0)), text)


def _isolated(text: object) -> str:
    """The text between Unicode isolates (FSI ... PDI): its own direction, its place in the line kept."""
    return f"\u2068{text}\u2069"


def translations(code: str) -> gettext.NullTranslations:
    if code in _registered:
        return _registered[code]
    return _catalog(check(code))


def register(code: str, catalog: gettext.NullTranslations | None) -> None:
    """Add (or with None, remove) a language that has no file: the tests' pseudo-locale."""
    if catalog is None:
        _registered.pop(code, None)
    else:
        _registered[code] = catalog


# Numbers and dates ---------------------------------------------------------------------------------


def _locale(code: str) -> Locale:
    return Locale.parse(code if code in CODES else DEFAULT)


def _system(code: str) -> str:
    """Babel's symbols: the Persian decimal and grouping signs go with Persian digits."""
    return "arabext" if code == "fa" else "latn"


def separator() -> str:
    """Between the items of a list on one line: "Awareness · TV · Marketing". Persian writes "، ",
    since its zero (۰) is a dot: "۲ · ضعیف" read as "۲۰ ضعیف"."""
    # TRANSLATORS: the separator between the items of a short list on one line ("1 very poor · 2 poor",
    # "Awareness · TV · Marketing"), spaces included.
    return _(" · ")


def join(items: Iterable[object]) -> str:
    """Names in a list, as the language lists them: "A, B" (", " is the catalog's, "، " in Persian).
    Right to left, each item is isolated (FSI ... PDI): a Latin name keeps its own order and its
    brackets, and the list reads from its first item."""
    # TRANSLATORS: between the names of a list in a sentence ("Delivery crew, Live chat"), spaces included.
    comma = _(", ")
    return comma.join(map(_isolated if right_to_left() else str, items))


def localize_digits(text: str, code: str | None = None) -> str:
    """Persian digits in Persian, the text as it is elsewhere."""
    return text.translate(PERSIAN_DIGITS) if (code or current()) == "fa" else text


def number(value: float | None, digits: int = 2, *, missing: str = "-") -> str:
    """A decimal with `digits` places: "3.25", "3,25" in ru and pt, "۳٫۲۵" in fa."""
    if value is None or value != value:
        return missing
    return _decimal(value, digits, current())


def signed(value: float | None, digits: int = 2, *, missing: str = "-") -> str:
    """A change with its sign: "+0.47", "-0,12"."""
    if value is None or value != value:
        return missing
    plus, minus = _signs(current())
    return (plus if value > 0 else minus if value < 0 else "") + number(abs(value), digits)


def integer(value: int) -> str:
    """A count: "1,000", "1 000" in ru, "1.000" in pt, "۱٬۰۰۰" in fa."""
    return _decimal(value, 0, current())


@functools.cache
def _separators(code: str) -> dict[int, str]:
    """Python's ",", "." and "-" as the language's group, decimal and minus signs (CLDR's, through Babel)."""
    symbols = _locale(code).number_symbols[_system(code)]
    return str.maketrans({",": symbols["group"], ".": symbols["decimal"], "-": _signs(code)[1]})


@functools.cache
def _signs(code: str) -> tuple[str, str]:
    """The plus and minus signs: a Persian sign carries a left-to-right mark, so "−۰٫۱۲" keeps its
    minus on the left in a right-to-left line, where a reader of numbers expects it."""
    symbols = _locale(code).number_symbols[_system(code)]
    return symbols["plusSign"], symbols["minusSign"]


def _decimal(value: float, digits: int, code: str) -> str:
    """Python rounds and groups (as the English text always did), the language's signs and digits replace
    its own: fifty times faster than Babel's formatter, which matters in a findings loop of 100,000 rows."""
    return localize_digits(f"{value:,.{digits}f}".translate(_separators(code)), code)


def percent(fraction: float | None, digits: int = 0, *, missing: str = "-") -> str:
    """A share of 1 as a percentage: "46%", "46 %" in ru, "۴۶٪" in fa."""
    if fraction is None or fraction != fraction:
        return missing
    code = current()
    locale = _locale(code)
    pattern = locale.percent_formats[None].pattern  # "#,##0 %" in ru: the space is the language's
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    text = format_percent(fraction, format=pattern, locale=locale, numbering_system=_system(code))
    return localize_digits(text, code).replace("%", "٪") if code == "fa" else text


def date(day: dt.date | dt.datetime) -> str:
    """A date as the language writes it: "6 Dec 2026", "6 дек. 2026 г.", "۶ دسامبر ۲۰۲۶"."""
    code = current()
    return localize_digits(format_date(day, format="medium", locale=_locale(code)), code)


def date_time(moment: dt.datetime) -> str:
    """A date and time as the language writes them: "Dec 6, 2026, 4:38 AM", "6 дек. 2026 г., 04:38",
    "۶ دسامبر ۲۰۲۶, ۴:۳۸" (the time in the moment's own time zone)."""
    code = current()
    locale = _locale(code)
    day = format_date(moment, format="medium", locale=locale)
    time = format_time(moment, format="short", locale=locale)
    return localize_digits(str(locale.datetime_formats["medium"]).format(time, day), code)


def vega_locale(code: str | None = None) -> dict[str, object]:
    """The number locale of a Vega-Lite chart's `config.locale`: axes and tooltips write "0,5" in ru,
    Persian digits in fa (d3-format's `numerals`)."""
    code = code or current()
    symbols = _locale(code).number_symbols[_system(code)]
    locale: dict[str, object] = {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": ["", ""],
        "percent": "٪" if code == "fa" else "%",
    }
    if code == "fa":
        locale["numerals"] = list("۰۱۲۳۴۵۶۷۸۹")
        locale["minus"] = _signs(code)[1]
    return {"number": locale}


if __name__ == "__main__":
    print("compiled catalogs:", ", ".join(compile_all()) or "none")
