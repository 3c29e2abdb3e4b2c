"""The engine's API serializers (summary, answer, detail) copy their fields from per-class
templates (``edocs.serializers.TemplateFields``, issue 16): each serializer has its own fields,
bound to it, and no field constructor runs for a new one."""

from __future__ import annotations

from rest_framework import fields, serializers

from ecuapass.edocs.serializers import (
    EdocDetailSerializer,
    EdocSummarySerializer,
    SubmitAnswerSerializer,
)


def field_constructors(monkeypatch) -> list[str]:
    """From now on, the class name of every DRF field constructed (shared with customs' tests)."""
    calls = []
    real = fields.Field.__init__

    def counting(self, *args, **kwargs):
        calls.append(type(self).__name__)
        real(self, *args, **kwargs)

    monkeypatch.setattr(fields.Field, "__init__", counting)
    return calls


def _all_fields(serializer):
    for field in serializer.fields.values():
        yield field
        if isinstance(field, serializers.ListSerializer):
            yield field.child
            yield from _all_fields(field.child)


def test_each_serializer_has_its_own_fields_bound_to_itself():
    for cls in (EdocSummarySerializer, SubmitAnswerSerializer, EdocDetailSerializer):
        a, b = cls(), cls()
        assert list(a.fields) == list(b.fields)
        assert not {id(f) for f in _all_fields(a)} & {id(f) for f in _all_fields(b)}
        for name, field in a.fields.items():
            assert field.parent is a and field.field_name == name
            assert field is not cls._declared_fields[name]
        # The source and method of each field as DRF's binding sets them.
        assert a.fields["tipo_documento"].source_attrs == ["doc_type"]
        assert a.fields["url"].method_name == "get_url"
    detail = EdocDetailSerializer()
    errores = detail.fields["errores"]
    assert errores.source_attrs == ["errors", "all"] and errores.child.parent is errores
    assert errores.child.fields["codigo"].parent is errores.child
    assert EdocDetailSerializer._declared_fields["errores"].child.parent is not errores


def test_a_new_answer_serializer_constructs_no_field(monkeypatch):
    list(_all_fields(SubmitAnswerSerializer()))
    calls = field_constructors(monkeypatch)
    assert len(list(_all_fields(SubmitAnswerSerializer()))) == 12
    assert len(list(_all_fields(EdocDetailSerializer()))) > 15
    assert calls == ["SubmitAnswerSerializer", "EdocDetailSerializer"]
