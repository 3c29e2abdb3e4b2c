import pytest
from django.db import OperationalError, transaction

from ecuapass.core.db import retry_on_conflict


class Deadlock(Exception):
    sqlstate = "40P01"


def _deadlock():
    exc = OperationalError("deadlock detected")
    exc.__cause__ = Deadlock()
    return exc


@pytest.mark.django_db(transaction=True)
def test_transient_conflicts_are_retried_outside_a_transaction():
    calls = []

    @retry_on_conflict
    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise _deadlock()
        return "ok"

    assert flaky() == "ok"
    assert len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_other_errors_and_exhausted_retries_propagate():
    @retry_on_conflict
    def broken():
        raise OperationalError("no such table")

    with pytest.raises(OperationalError):
        broken()

    calls = []

    @retry_on_conflict(attempts=2)
    def always():
        calls.append(1)
        raise _deadlock()

    with pytest.raises(OperationalError):
        always()
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_it_runs_once():
    calls = []

    @retry_on_conflict
    def flaky():
        calls.append(1)
        raise _deadlock()

    with pytest.raises(OperationalError), transaction.atomic():
        flaky()
    assert len(calls) == 1
