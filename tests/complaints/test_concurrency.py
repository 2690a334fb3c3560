"""Reference numbers under concurrent submissions (R-06): run on PostgreSQL with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/srp_complaints."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from complaints.services import next_reference

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_concurrent_submissions_get_distinct_sequential_references(world):
    barrier = threading.Barrier(THREADS)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                reference = next_reference(district=world.district, year=2026)
            with lock:
                references.append(reference)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(references) == [f"C-2026-{n:05d}" for n in range(1, THREADS + 1)]


def test_sequence_survives_a_rolled_back_submission(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        next_reference(district=world.district, year=2026)
        raise RuntimeError
    with transaction.atomic():
        assert next_reference(district=world.district, year=2026) == "C-2026-00001"
