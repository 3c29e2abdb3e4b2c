"""ecuapass.ops.heap: the start-up's objects frozen out of the collector in the long-running
processes, garbage made afterwards still collected."""

from __future__ import annotations

import gc
import importlib
import sys
import weakref

import pytest
from django.core.management import call_command

from ecuapass.ops import heap


@pytest.fixture
def thawed():
    yield
    gc.unfreeze()


class Node:
    def __init__(self):
        self.other = self  # a reference cycle: only the collector frees it


def test_settle_freezes_what_is_alive_and_still_collects_new_cycles(thawed):
    before = Node()
    heap.settle()
    assert gc.get_freeze_count() > 0
    assert not any(o is before for o in gc.get_objects())  # frozen: no generation holds it
    after = Node()
    ref = weakref.ref(after)
    del after
    gc.collect()
    assert ref() is None


def test_settle_drops_start_up_garbage_before_freezing(thawed):
    garbage = Node()
    ref = weakref.ref(garbage)
    del garbage
    heap.settle()
    assert ref() is None  # collected, not frozen for the life of the process


def test_the_web_and_worker_processes_settle_after_start_up(monkeypatch):
    calls = []
    monkeypatch.setattr(heap, "settle", lambda: calls.append("settle"))
    monkeypatch.delitem(sys.modules, "config.wsgi", raising=False)
    importlib.import_module("config.wsgi")
    assert calls == ["settle"]

    from ecuapass.core.worker import ResilientWorker

    monkeypatch.setattr(ResilientWorker, "configure_signals", lambda self: None)
    monkeypatch.setattr(ResilientWorker, "run", lambda self: calls.append("run"))
    call_command("run_worker", "--queue-name", "edocs", "--no-startup-delay")
    assert calls == ["settle", "settle", "run"]
