"""The database's indexes, as migrated, against what the models declare (issue 16).

* No index is a left prefix of another: a foreign key's own index is dropped where a
  composite index leads with its column (``db_index=False`` on the field). Every insert, and
  every update PostgreSQL cannot make HOT, writes each index of the row: a redundant one is
  paid on every write and never read.
* Every index and constraint a model's ``Meta`` names exists: the migrations that dropped the
  redundant indexes did it by name, because Django's own ``AlterField`` also dropped a partial
  unique index of the same column (``uniq_risk_profile_draft``).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _project_models():
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("ecuapass.") and m._meta.managed and not m._meta.proxy
    ]


def _partial_names(model) -> set[str]:
    declared = [*model._meta.indexes, *model._meta.constraints]
    return {d.name for d in declared if getattr(d, "condition", None) is not None}


def _indexes(cursor, model) -> dict[str, dict]:
    return {
        name: c
        for name, c in connection.introspection.get_constraints(
            cursor, model._meta.db_table
        ).items()
        # PostgreSQL's varchar_pattern_ops copy of a CharField's index serves LIKE, not "=".
        if (c["index"] or c["unique"] or c["primary_key"]) and not name.endswith("_like")
    }


def test_no_index_is_a_left_prefix_of_another():
    redundant = []
    with connection.cursor() as cursor:
        for model in _project_models():
            indexes = _indexes(cursor, model)
            partial = _partial_names(model)
            for name, index in indexes.items():
                if index["unique"] or index["primary_key"] or name in partial:
                    continue
                columns = index["columns"]
                for other_name, other in indexes.items():
                    longer = other["columns"]
                    if (
                        other_name not in partial
                        and len(longer) > len(columns)
                        and longer[: len(columns)] == columns
                    ):
                        redundant.append(f"{model._meta.db_table}.{name} ⊂ {other_name}")
                        break
    assert redundant == []


def test_every_declared_index_and_constraint_exists():
    missing = []
    with connection.cursor() as cursor:
        for model in _project_models():
            present = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
            for declared in [*model._meta.indexes, *model._meta.constraints]:
                if declared.name not in present:
                    missing.append(f"{model._meta.db_table}.{declared.name}")
    assert missing == []


def test_a_foreign_key_without_its_own_index_is_still_looked_up_by_an_index():
    """The composite index that made a dropped index redundant leads with the column."""
    from ecuapass.edocs.models import EDocument, StatusChange

    with connection.cursor() as cursor:
        for model, column in [
            (EDocument, "filer_oce_id"),
            (EDocument, "party_operator_id"),
            (StatusChange, "document_id"),
        ]:
            leading = {c["columns"][0] for c in _indexes(cursor, model).values() if c["columns"]}
            assert column in leading, (model, column)
