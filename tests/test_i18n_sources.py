"""Every translatable string of the Python sources has its English entry in the catalog."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}


def _source_messages():
    def skip(dirpath):
        return Path(dirpath).name not in {"tests", "migrations", "__pycache__", "data"}

    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT / "ecuapass",
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        directory_filter=skip,
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            yield f"{filename}:{lineno}", msgid


def test_every_python_string_has_an_english_entry():
    with open(ROOT / "locale/en/LC_MESSAGES/django.po", "rb") as handle:
        catalog = read_po(handle)
    missing = sorted(
        {(where, msgid) for where, msgid in _source_messages() if msgid not in catalog}
    )
    assert not missing, "add these to locale/en/LC_MESSAGES/django.po:\n" + "\n".join(
        f"{where}: {msgid}" for where, msgid in missing
    )
