"""The event bus's batches: what handlers gather is written once, as the block ends,
inside its transaction, and never when the work it follows was rolled back."""

import pytest
from django.db import transaction

from lib import events

pytestmark = pytest.mark.django_db

KEY = "test.gathered"


@pytest.fixture
def written():
    return []


def _gather(written, item) -> bool:
    """What a handler does: gather `item` if a batch takes it, else write it now."""
    gathered = events.batched(KEY, start=list, write=written.append)
    if gathered is None:
        written.append([item])
        return False
    gathered.append(item)
    return True


def test_a_batch_writes_what_was_gathered_once_as_it_ends_inside_the_transaction(written):
    with transaction.atomic(), events.batch():
        assert _gather(written, 1)
        with events.batch():  # a batch inside another joins it
            assert _gather(written, 2)
        assert written == []
    assert written == [[1, 2]]


def test_without_a_batch_a_handler_writes_at_once(written):
    assert not _gather(written, 1)
    assert written == [[1]]


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_gathers_nothing(written):
    with events.batch():  # it would write after the work committed
        assert not _gather(written, 1)
    assert written == [[1]]


def test_inside_a_savepoint_opened_since_the_batch_began_a_handler_writes_at_once(written):
    with transaction.atomic(), events.batch():
        with transaction.atomic():  # may roll back alone: its writes must go with it
            assert not _gather(written, 1)
        with transaction.atomic(savepoint=False):
            assert _gather(written, 2)
    assert written == [[1], [2]]


def _fail_in_a_batch(written) -> None:
    with transaction.atomic(), events.batch():
        _gather(written, 1)
        raise ZeroDivisionError


def test_a_batch_that_fails_or_whose_transaction_is_doomed_writes_nothing(written):
    with pytest.raises(ZeroDivisionError):
        _fail_in_a_batch(written)
    with transaction.atomic(), events.batch():
        _gather(written, 2)
        transaction.set_rollback(True)  # an error swallowed inside the block
    assert written == []


# --- Deferring an app's handlers -------------------------------------------------------


@pytest.fixture
def heard(monkeypatch):
    """An event with two handlers, one in this app (`lib`), one as if in `metrics`."""
    heard = []

    def here(**data):
        heard.append(("lib", data["n"]))

    def above(**data):
        heard.append(("metrics", data["n"]))

    above.__module__ = "metrics.handlers"
    monkeypatch.setitem(events._declared, "test.deferred", "an event of the deferral tests")
    monkeypatch.setitem(events._handlers, "test.deferred", [here, above])
    return heard


def test_a_deferred_apps_handlers_are_skipped_inside_the_block_only(heard):
    with events.deferred("metrics"):
        events.publish("test.deferred", n=1)
        with events.deferred("integrations"):  # deferring more keeps the first
            events.publish("test.deferred", n=2)
    events.publish("test.deferred", n=3)
    assert heard == [("lib", 1), ("lib", 2), ("lib", 3), ("metrics", 3)]
