"""The exposure log: impressions are batched off the request path, bounded, pseudonymous and
deleted after their retention."""

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from service.exposure import ExposureLog, Shown
from service.pseudonym import person_key
from service.storage.schema import impressions

KEY = b"k" * 32
NIP = "198501012010011001"


def rows_of(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(impressions).order_by(impressions.c.id)).mappings().all()


def test_shown_lists_wait_in_memory_then_one_flush_writes_them_pseudonymously(db_engine):
    log = ExposureLog(db_engine, KEY)
    log.shown([Shown(NIP, [("P1", 0.9, False), ("P2", 0.5, True)]), Shown("2", [("P3", None, False)])],
              surface="page", client="analyst", model_version="7")
    assert log.pending() == 3 and rows_of(db_engine) == []
    assert log.flush() == 3 and log.pending() == 0
    rows = rows_of(db_engine)
    assert [(r["program_id"], r["rank"], r["explored"]) for r in rows] == [
        ("P1", 1, False), ("P2", 2, True), ("P3", 1, False)]
    assert rows[0]["person_key"] == person_key(NIP, KEY) != NIP
    assert rows[0]["list_id"] == rows[1]["list_id"] != rows[2]["list_id"]
    assert {r["surface"] for r in rows} == {"page"} and rows[0]["model_version"] == "7"
    assert rows[2]["score"] is None and rows[0]["score"] == pytest.approx(0.9)
    # No NIP anywhere in the table.
    assert not [r for r in rows if NIP in " ".join(str(v) for v in r.values())]


def test_the_buffer_is_bounded_and_counts_what_it_dropped(db_engine):
    log = ExposureLog(db_engine, KEY, max_rows=4)
    for i in range(3):
        log.shown([Shown(str(i), [("A", 1.0, False), ("B", 0.5, False)])], surface="api",
                  client=None, model_version="1")
    assert log.pending() == 4 and log.dropped == 2
    log.flush()
    # The oldest list was dropped: persons 1 and 2 remain.
    assert {r["person_key"] for r in rows_of(db_engine)} == {person_key("1", KEY), person_key("2", KEY)}


def test_an_unknown_surface_is_refused(db_engine):
    with pytest.raises(ValueError, match="surface"):
        ExposureLog(db_engine, KEY).shown([Shown("1", [("A", 1.0, False)])], surface="email",
                                          client=None, model_version=None)


def test_purge_deletes_only_impressions_past_their_retention(db_engine):
    log = ExposureLog(db_engine, KEY, retention_days=30)
    log.shown([Shown("1", [("A", 1.0, False)])], surface="api", client=None, model_version="1")
    log.flush()
    now = dt.datetime.now(dt.timezone.utc)
    assert log.purge(now + dt.timedelta(days=29)) == 0 and len(rows_of(db_engine)) == 1
    assert log.purge(now + dt.timedelta(days=31)) == 1 and rows_of(db_engine) == []


def test_the_thread_writes_a_full_batch_without_waiting_and_stop_writes_the_rest(db_engine):
    log = ExposureLog(db_engine, KEY, batch_rows=2, flush_seconds=3600)
    log.start()
    try:
        log.shown([Shown("1", [("A", 1.0, False), ("B", 0.5, False)])], surface="api",
                  client=None, model_version="1")
        deadline = dt.datetime.now() + dt.timedelta(seconds=20)
        while log.written < 2 and dt.datetime.now() < deadline:
            time.sleep(0.05)
        assert log.written == 2
        log.shown([Shown("2", [("C", 1.0, False)])], surface="api", client=None, model_version="1")
    finally:
        log.stop()
    assert len(rows_of(db_engine)) == 3
