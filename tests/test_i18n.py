"""English translation: the catalog is complete and sound, and the pages switch language.

Spanish is the source language (every msgid is Spanish); ``locale/en`` holds the English
catalog. The ``.mo`` files are not versioned: ``make test`` compiles them, and the fixture
below compiles them too when this module runs alone.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_DIR = LOCALE / "en" / "LC_MESSAGES"
CATALOGS = sorted(EN_DIR.glob("*.po"))

# printf-style placeholders (%(name)s, %s, %d, %%) and str.format ones ({name}).
# Only python-format entries are checked for positional directives: in plain text "0% rate"
# would otherwise read as the "% r" directive.
PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
NAMED = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
HTML_ATTR = re.compile(r'\b([a-z-]+)="([^"]*)"')

# Entries whose English text is legitimately identical to the Spanish source: acronyms,
# proper names, Latin/trade terms, and the language names in the selector.
SAME_IN_ENGLISH = {
    # the same word, code or unit in English
    "total",
    "General",
    "manual",
    "NO",
    "DAE",
    "Idempotency-Key",
    "pres.",
    "USD %(m)s",
    "%(n)d error",
    "%(d)s d %(h)s h",
    "%(h)s h %(m)s min",
    "Español",
    "English",
    "Back office",
    "RUC",
    "Auditor",
    "cédula",
    "Incoterm",
    "Incoterms",
    "FOB",
    "FOB (USD)",
    "total FOB (USD)",
    "CIF",
    "total CIF (USD)",
    "Items",
    "Normal",
    "e-doc",
    "e-Doc",
    "DAI",
    "OCE",
    "VUE",
    "ad valorem",
    "Ad valorem",
    "ICE ad valorem",
    "FODINFA",
    "ICE",
    "IVA",
    "IVA (%(class)s)",
    "Total",
    "Excel",
    "Error",
    "Portal",
    "base",
    "Base",
    "{detalle}",
}


def _read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh, locale="en")


def _messages():
    for path in CATALOGS:
        for message in _read(path):
            if message.id:
                yield path.name, message


def _pairs(message):
    """(source, translation) pairs: one per plural form for plural entries."""
    if message.pluralizable:
        singular, plural = message.id
        strings = list(message.string)
        sources = [singular] + [plural] * (len(strings) - 1)
        return list(zip(sources, strings, strict=True))
    return [(message.id, message.string)]


def _ids(message) -> str:
    return message.id[0] if message.pluralizable else message.id


@pytest.fixture
def compiled_catalogs(settings):
    """Compile stale .mo files and make Django reload its translation catalogs."""
    call_command("compile_translations", verbosity=0)
    # Re-assigning LOCALE_PATHS fires setting_changed, which drops Django's cached catalogs.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- the catalog --------------------------------------------------------------------------


def test_english_catalog_exists_and_is_not_trivial():
    assert (EN_DIR / "django.po").exists()
    assert sum(1 for _ in _messages()) > 500


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_catalog_header_is_complete_and_not_fuzzy(path):
    catalog = _read(path)
    assert not catalog.fuzzy, f"{path.name}: the header is marked fuzzy"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert str(catalog.locale) == "en"


def test_no_untranslated_entries():
    untranslated = [
        f"{name}: {_ids(m)!r}"
        for name, m in _messages()
        if any(not text.strip() for _source, text in _pairs(m))
    ]
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_no_fuzzy_entries():
    fuzzy = [f"{name}: {_ids(m)!r}" for name, m in _messages() if m.fuzzy]
    assert not fuzzy, "fuzzy entries (not compiled):\n" + "\n".join(fuzzy)


def test_no_obsolete_entries_left_in_the_catalog():
    obsolete = [f"{p.name}: {mid!r}" for p in CATALOGS for mid in _read(p).obsolete]
    assert not obsolete, "obsolete (#~) entries:\n" + "\n".join(obsolete)


def test_entries_copied_unchanged_are_only_the_known_invariant_terms():
    copied = [
        _ids(m)
        for _name, m in _messages()
        if any(source == text for source, text in _pairs(m)) and _ids(m) not in SAME_IN_ENGLISH
    ]
    assert not copied, "msgstr equals the Spanish msgid (forgotten translation?): " + repr(copied)


def test_plural_entries_fill_every_form():
    for _name, message in _messages():
        if message.pluralizable:
            assert len(message.string) == 2, message.id
            assert all(text.strip() for text in message.string), message.id


# --- placeholders and markup --------------------------------------------------------------


def test_placeholders_match_in_every_entry():
    problems = []
    for name, message in _messages():
        for source, text in _pairs(message):
            printf = PRINTF if "python-format" in message.flags else NAMED
            for pattern in (printf, BRACE):
                expected, found = Counter(pattern.findall(source)), Counter(pattern.findall(text))
                if expected != found:
                    problems.append(
                        f"{name}: {source!r}: expected {dict(expected)}, got {dict(found)}"
                    )
    assert not problems, "placeholder mismatch:\n" + "\n".join(problems)


def test_python_format_entries_really_format():
    """Formatting the English string with the names of its msgid never raises."""
    for _name, message in _messages():
        if "python-format" not in message.flags:
            continue
        for source, text in _pairs(message):
            names = re.findall(r"%\(([^)]+)\)", source)
            if names:
                values = {n: 1 for n in names}
                assert (text % values) is not None
            else:
                args = tuple(1 for _ in PRINTF.findall(source) if _ != "%%")
                assert (text % args) is not None


def test_html_markup_is_preserved():
    problems = []
    for name, message in _messages():
        for source, text in _pairs(message):
            if HTML_TAG.findall(source) != HTML_TAG.findall(text):
                problems.append(f"{name}: {source!r}: tags {HTML_TAG.findall(text)}")
            if Counter(HTML_ATTR.findall(source)) != Counter(HTML_ATTR.findall(text)):
                problems.append(f"{name}: {source!r}: attributes differ")
    assert not problems, "HTML mismatch:\n" + "\n".join(problems)


def test_glossary_terms_are_translated_consistently():
    catalog = {m.id: m.string for _n, m in _messages() if not m.pluralizable}
    expected = {
        "Trámites Operativos": "Operational Procedures",
        "Servicios Informativos": "Information Services",
        "Soporte al Cliente": "Customer Support",
        "Ventanilla Única": "Single Window",
        "Tipo de OCE": "OCE type",
        "código de OCE": "OCE code",
        "Iniciar Sesión": "Sign in",
        "Cerrar sesión": "Sign out",
        "Guardar temporal": "Save draft",
        "Enviar": "Submit",
        "Cálculo de tributos": "Duty and tax calculation",
        "Consulta de arancel": "Tariff lookup",
        "número de entrega": "submission number",
        "Estado de Transmisión": "Transmission status",
        "Estado del Documento": "Document status",
        "Integración de estados del trámite": "Integrated procedure status",
        "Elaboración de e-Doc Operativo": "Operational e-Doc preparation",
        "Mi menú": "My menu",
        "Guía del uso": "User guide",
    }
    for source, english in expected.items():
        assert catalog.get(source) == english, source


# --- rendering through the language switch ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        ("en", ["Sign in", "User ID", "Password", "User guide"], ["Iniciar Sesión", "Contraseña"]),
        (
            "es",
            ["Iniciar Sesión", "ID Usuario", "Contraseña", "Guía del uso"],
            ["Sign in", "Password"],
        ),
    ],
)
def test_login_page_follows_the_language_cookie(
    client, compiled_catalogs, language, present, absent
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/ingresar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    for text in present:
        assert text in html, f"{text!r} missing from /ingresar/ in {language}"
    for text in absent:
        assert text not in html, f"{text!r} should not be on /ingresar/ in {language}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        (
            "en",
            ["Tariff lookup", "Sign in", "Search", "Subheading or description"],
            ["Consulta de arancel", "Buscar"],
        ),
        (
            "es",
            ["Consulta de arancel", "Iniciar Sesión", "Buscar", "Subpartida o descripción"],
            ["Tariff lookup", "Sign in"],
        ),
    ],
)
def test_public_tariff_page_follows_the_language_cookie(
    client, compiled_catalogs, language, present, absent
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/arancel/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in present:
        assert text in html, f"{text!r} missing from /arancel/ in {language}"
    for text in absent:
        assert text not in html, f"{text!r} should not be on /arancel/ in {language}"


@pytest.mark.django_db
def test_language_selector_switches_the_login_page_to_english_and_back(client, compiled_catalogs):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/ingresar/"})
    assert response.status_code == 302
    assert "Sign in" in client.get("/ingresar/").content.decode()

    client.post(reverse("set_language"), {"language": "es", "next": "/ingresar/"})
    assert "Iniciar Sesión" in client.get("/ingresar/").content.decode()


@pytest.mark.django_db
def test_form_errors_are_translated(client, compiled_catalogs):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.post("/ingresar/", {"ruc": "", "username": "", "password": ""}).content.decode()
    assert "Enter the RUC." in html
    assert "Ingrese el RUC." not in html


def test_lazy_strings_and_plurals_resolve_in_english(compiled_catalogs):
    from django.utils.translation import gettext, ngettext

    with translation.override("en"):
        assert gettext("Buzón Electrónico") == "Electronic Mailbox"
        assert (
            ngettext("%(n)s mensaje sin leer", "%(n)s mensajes sin leer", 1) % {"n": 1}
            == "1 unread message"
        )
        assert (
            ngettext("%(n)s mensaje sin leer", "%(n)s mensajes sin leer", 3) % {"n": 3}
            == "3 unread messages"
        )
    with translation.override("es"):
        assert gettext("Buzón Electrónico") == "Buzón Electrónico"
