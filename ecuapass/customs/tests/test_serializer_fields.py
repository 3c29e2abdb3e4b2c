"""The DAI serializer's fields are copies of per-class templates (issue 16): every serializer
still has its own field objects at every level, bound to itself, and nothing one validation
does is seen by another (in the same thread or another one)."""

from __future__ import annotations

import threading

import pytest
from rest_framework import serializers

from ecuapass.customs.serializers import DaiSerializer, ItemSerializer
from ecuapass.edocs.tests.test_serializer_templates import field_constructors
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db


def _walk(serializer, path=""):
    """(path, field, its serializer) for every field of ``serializer``, nested ones included."""
    for name, field in serializer.fields.items():
        yield f"{path}{name}", field, serializer
        if isinstance(field, serializers.ListSerializer):
            yield f"{path}{name}[]", field.child, field
            yield from _walk(field.child, f"{path}{name}[].")
        elif isinstance(field, serializers.BaseSerializer):
            yield from _walk(field, f"{path}{name}.")


def test_every_field_at_every_level_is_the_serializers_own_and_bound_to_it():
    a, b = DaiSerializer(), DaiSerializer()
    fields_a, fields_b = list(_walk(a)), list(_walk(b))
    assert [p for p, _f, _s in fields_a] == [p for p, _f, _s in fields_b]
    assert {"items[].fob", "declarante.codigo_oce", "factura.fecha", "totales.cif"} <= {
        p for p, _f, _s in fields_a
    }
    seen = {id(f) for _p, f, _s in fields_a}
    assert not seen & {id(f) for _p, f, _s in fields_b}
    for _path, field, parent in fields_a:
        assert field.parent is parent
        assert field.root is a
    # The class's templates are never bound nor handed out.
    for name, template in DaiSerializer._declared_fields.items():
        assert template.parent is None
        assert a.fields[name] is not template
    assert all(f not in seen for f in map(id, ItemSerializer._mapped_fields.values()))


def test_what_one_serializer_changes_on_its_fields_stays_there():
    a = DaiSerializer(data=dai_payload())
    a.fields["items"].child.fields["fob"].required = False
    a.fields["declarante"].fields["ruc"].max_length = 1
    del a.fields["totales"]
    b = DaiSerializer(data=dai_payload())
    assert b.fields["items"].child.fields["fob"].required is True
    assert b.fields["declarante"].fields["ruc"].max_length == 13
    assert "totales" in b.fields
    assert b.is_valid(), b.errors


def test_validations_in_parallel_threads_keep_their_own_data_and_errors():
    good = dai_payload()
    bad = dai_payload()
    bad["items"][2]["pais_origen"] = "C"
    bad["declarante"]["ruc"] = "12"
    outcomes: dict[int, list] = {}
    barrier = threading.Barrier(4)

    def run(n):
        barrier.wait()
        out = []
        for _ in range(20):
            s = DaiSerializer(data=good if n % 2 else bad)
            out.append((s.is_valid(), s.errors, s.validated_data if not s.errors else None))
        outcomes[n] = out

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, out in outcomes.items():
        for valid, errors, data in out:
            if n % 2:
                assert valid and not errors
                assert [i["subpartida"] for i in data["items"]] == [
                    i["subpartida"].replace(".", "") for i in good["items"]
                ]
            else:
                assert not valid
                assert set(errors) == {"items", "declarante"}
                assert set(errors["declarante"]) == {"ruc"}
                assert set(errors["items"]) == {2} and "pais_origen" in errors["items"][2]


def test_a_new_serializers_fields_run_no_field_constructor(monkeypatch):
    """The point of the templates: reading a new serializer's fields (nested ones included)
    constructs no field (a deep copy re-runs each one's constructor and validators)."""
    list(_walk(DaiSerializer()))  # the item templates are mapped once per process
    calls = field_constructors(monkeypatch)
    assert len(list(_walk(DaiSerializer()))) > 40
    assert calls == ["DaiSerializer"]


def test_the_items_named_validators_are_what_drf_would_derive():
    s = ItemSerializer()
    derived = serializers.ModelSerializer.get_unique_together_validators(s)
    derived += serializers.ModelSerializer.get_unique_for_date_validators(s)
    assert derived == [] and s.get_validators() == []
