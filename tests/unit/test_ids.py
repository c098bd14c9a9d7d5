"""Stored ids are UUIDv7: valid UUIDs, ordered by creation time, unique, and a forked
child never repeats its parent's."""

from __future__ import annotations

import os
import time
import uuid

import pytest

from orchestrator.application.ids import new_id


def test_ids_are_uuid7_with_the_rfc_variant() -> None:
    parsed = uuid.UUID(new_id())
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert str(parsed) == str(parsed).lower()


def test_ids_carry_their_creation_time_and_sort_by_it() -> None:
    before = time.time_ns() // 1_000_000
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= uuid.UUID(first).int >> 80 <= after
    assert first < second  # text order is creation order across milliseconds


def test_ids_are_unique() -> None:
    ids = [new_id() for _ in range(20_000)]  # several refills of the random pool
    assert len(set(ids)) == len(ids)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_child_draws_its_own_random_bits() -> None:
    new_id()  # the parent's pool is filled
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, "".join(new_id() for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 1 << 16).decode()
    os.close(read)
    ours = [new_id() for _ in range(50)]
    theirs = {child[i : i + 36][19:] for i in range(0, len(child), 36)}
    assert not theirs & {i[19:] for i in ours}  # the random tails never repeat
