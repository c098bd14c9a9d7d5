"""Writers of several processes on one SQLite file take turns on its writer lock file.

Without it they would meet in SQLite's busy handler, which sleeps up to 100 ms between
attempts; with it the writer of one process waits for the other's transaction and goes
as soon as that ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import text

from orchestrator.store.db import create_db_engine, writer_queue

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from orchestrator.store.db import writer_queue
    queue = writer_queue(Path(sys.argv[1]))
    assert queue.acquire(5.0)
    print("held", flush=True)
    sys.stdin.readline()
    queue.release()
    print("released", flush=True)
    sys.stdin.readline()
    """
)


def _holder(database: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _say(process: subprocess.Popen[str], expected: str) -> None:
    assert process.stdout is not None
    assert process.stdout.readline().strip() == expected


def test_a_writer_in_another_process_waits_for_the_lock_and_gets_it_once_released(tmp_path):
    database = tmp_path / "ketenregie.sqlite"
    other = _holder(database)
    assert other.stdin is not None
    try:
        _say(other, "held")
        queue = writer_queue(database)
        assert not queue.acquire(0.05)  # the other process writes
        assert queue.waiting() == 0  # a timed-out wait leaves no turn behind
        other.stdin.write("\n")
        other.stdin.flush()
        _say(other, "released")
        assert queue.acquire(5.0)
        queue.release()
        assert (tmp_path / "ketenregie.sqlite-writer").exists()
    finally:
        other.stdin.write("\n")
        other.stdin.close()
        other.wait(10)


def test_write_transactions_hold_the_lock_until_they_end(tmp_path):
    database = tmp_path / "ketenregie.sqlite"
    engine = create_db_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (n INTEGER)"))
        other = _holder(database)
        assert other.stdin is not None
        try:
            _say(other, "held")
            other.stdin.write("\n")
            other.stdin.flush()
            _say(other, "released")
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (1)"))
                # in the transaction: a writer of another process cannot get the lock
                probe = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "import sys; from pathlib import Path;"
                        "from orchestrator.store.db import writer_queue;"
                        "print(writer_queue(Path(sys.argv[1])).acquire(0.05))",
                        str(database),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                assert probe.stdout.strip() == "False"
        finally:
            other.stdin.write("\n")
            other.stdin.close()
            other.wait(10)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1
    finally:
        engine.dispose()


def test_a_forked_child_starts_with_queues_of_its_own(tmp_path):
    database = tmp_path / "ketenregie.sqlite"
    queue = writer_queue(database)
    assert queue.acquire(1.0)
    try:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through the pipe
            os.close(read)
            # the parent holds the lock: the child's own queue must wait for it, not think
            # it holds the parent's turn (an inherited flock would be shared)
            child_queue = writer_queue(database)
            result = b"fresh" if child_queue is not queue else b"inherited"
            result += b" blocked" if not child_queue.acquire(0.05) else b" acquired"
            os.write(write, result)
            os._exit(0)
        os.close(write)
        answer = os.read(read, 100).decode()
        os.waitpid(pid, 0)
        assert answer == "fresh blocked"
    finally:
        queue.release()


WAITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from orchestrator.store.db import writer_queue
    queue = writer_queue(Path(sys.argv[1]))
    assert queue.acquire(10.0)
    print("got", flush=True)
    queue.release()
    """
)


def test_the_holder_sees_a_writer_of_another_process_waiting_and_it_goes_next(tmp_path):
    database = tmp_path / "ketenregie.sqlite"
    queue = writer_queue(database)
    assert queue.acquire(1.0)
    assert not queue.others_waiting()
    waiter = subprocess.Popen(
        [sys.executable, "-c", WAITER, str(database)], stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 20  # the child's interpreter has to start first
        while not queue.others_waiting():
            assert waiter.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        queue.release()
        _say(waiter, "got")
        # the waiter took its turn
        assert waiter.wait(10) == 0
        assert queue.acquire(1.0)
        assert not queue.others_waiting()
        queue.release()
    finally:
        if waiter.poll() is None:
            waiter.kill()


def test_a_group_stays_open_briefly_while_another_process_waits(tmp_path):
    from orchestrator.store.group import SHARED_OPEN_S, GroupCommit

    engine = create_db_engine(f"sqlite:///{tmp_path / 'ketenregie.sqlite'}")
    try:
        group = GroupCommit(engine, max_open_s=0.015)
        assert group._open_limit() == 0.015
        other = writer_queue(tmp_path / "ketenregie.sqlite")
        assert other is group._database
        other.others_waiting = lambda: True  # type: ignore[method-assign]
        assert group._open_limit() == SHARED_OPEN_S
    finally:
        engine.dispose()
