"""SafeJSONParser: NUL and lone surrogates refused; the walk only when the text can hold one."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError

from ecuapass.api import parsers
from ecuapass.api.parsers import SafeJSONParser


def _parse(body: bytes, encoding: str = "utf-8"):
    return SafeJSONParser().parse(io.BytesIO(body), "application/json", {"encoding": encoding})


@pytest.fixture
def walks(monkeypatch):
    """How many times the parsed data was walked."""
    calls = []
    original = parsers._unstorable_path

    def counted(value, path=""):
        if not path:
            calls.append(value)
        return original(value, path)

    monkeypatch.setattr(parsers, "_unstorable_path", counted)
    return calls


def test_a_body_without_the_escapes_is_not_walked(walks):
    data = {"nombre": "Importación Ñandú", "items": [{"n": 1, "t": "a\\u0041"}], "x": None}
    for ensure_ascii in (True, False):  # é as \u00e9 or as UTF-8 bytes
        body = json.dumps(data, ensure_ascii=ensure_ascii).encode()
        assert _parse(body) == data
    assert walks == []


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"clave\\u0000": "x"}', "clave?"),
        (b'{"extra": "valor\\u0000"}', "extra"),
        (b'{"\\ud800": "x"}', "?"),
        (b'{"extra": "\\uDFFF"}', "extra"),
        (b'{"items": [{"n": 1}, {"nota": ["a", "\\uDa12"]}]}', "items[1].nota[1]"),
    ],
)
def test_nul_and_lone_surrogates_are_refused_naming_where(body, where):
    with pytest.raises(ParseError) as refused:
        _parse(body)
    assert refused.value.detail == (
        f"Carácter no permitido (NUL o sustituto UTF-16 aislado) en «{where}»."
    )


def test_storable_escapes_are_walked_and_accepted(walks):
    body = b'{"a": "\\ud83d\\ude00", "b": "\\\\u0000", "c": "\\u00f3"}'  # a pair, a backslash
    assert _parse(body) == {"a": "\U0001f600", "b": "\\u0000", "c": "ó"}
    assert len(walks) == 1


def test_another_encoding_is_walked():
    body = '{"extra": "valor\\u0000"}'.encode("utf-16")
    with pytest.raises(ParseError) as refused:
        _parse(body, "utf-16")
    assert "«extra»" in str(refused.value.detail)


_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0xFFFF), max_size=6)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(value=_json, ensure_ascii=st.booleans())
@example(value=[{"\ud800\udc00": None}], ensure_ascii=True)  # a pair once decoded
@example(value=["\udc00\ud800"], ensure_ascii=True)  # two lone ones
def test_refused_exactly_when_a_value_holds_one(value, ensure_ascii):
    try:
        body = json.dumps({"v": value}, ensure_ascii=ensure_ascii).encode()
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8: the client cannot send it
        return
    # What the text decodes to (two surrogates written one after the other decode as a pair)
    decoded = json.loads(body)
    if parsers._unstorable_path(decoded) is None:
        assert _parse(body) == decoded
    else:
        with pytest.raises(ParseError):
            _parse(body)
