from decimal import Decimal

import pytest
from django.db import transaction

from ecuapass.core.money import cents
from ecuapass.core.numbering import next_value


def test_cents_rounds_half_up():
    assert cents("0.005") == Decimal("0.01")
    assert cents("2.675") == Decimal("2.68")
    assert cents("1976.325") == Decimal("1976.33")
    assert cents("-0.005") == Decimal("-0.01")


def test_cents_refuses_float():
    with pytest.raises(TypeError):
        cents(0.1)


@pytest.mark.django_db
def test_next_value_counts_per_key_and_rolls_back():
    with transaction.atomic():
        assert next_value("A") == 1
        assert next_value("A") == 2
        assert next_value("B") == 1
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            assert next_value("A") == 3
            raise RuntimeError("rollback")
    with transaction.atomic():
        assert next_value("A") == 3  # the rolled-back number was given back


@pytest.mark.django_db(transaction=True)
def test_next_value_requires_a_transaction():
    with pytest.raises(RuntimeError):
        next_value("A")


@pytest.mark.django_db
def test_an_existing_counter_is_locked_and_advanced_in_one_statement():
    """Issue 16: the submission's número de entrega holds its row lock from one UPDATE … RETURNING
    to the commit (was a SELECT … FOR UPDATE, then an UPDATE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        assert next_value("C") == 1  # new: created, then advanced
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        assert next_value("C") == 2
    statements = [q["sql"] for q in ctx.captured_queries if "core_sequence" in q["sql"]]
    assert len(statements) == 1 and statements[0].startswith("UPDATE"), statements
