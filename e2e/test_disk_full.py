"""Resilience drill on SQLite: the data folder's disk fills up while writers create participants
through the API. Writes are then refused with 503 and Retry-After, never 500; the server stays
up; the database passes `PRAGMA integrity_check` and holds every acknowledged create. The
small disk is a tmpfs of its own (the test runs as root, as CI does, to mount it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from test_durability import serve_organization
from test_resilience import DEADLINE, Writers, call

SIZE = "3m"


@pytest.fixture
def small_disk():
    point = tempfile.mkdtemp(prefix="tandem-full-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", point], capture_output=True, text=True)
    assert mounted.returncode == 0, f"cannot mount a small disk for the drill (run as root): {mounted.stderr}"
    try:
        data = Path(point) / "data"
        data.mkdir()
        yield str(data)
    finally:
        subprocess.run(["umount", "-l", point], capture_output=True)
        os.rmdir(point)


def test_a_full_disk_refuses_writes_clearly_and_corrupts_nothing(small_disk):
    server, token = serve_organization(small_disk, "Full Disk")
    status, me = call(server.base_url, "GET", "/me", token)
    assert status == 200
    writers = Writers(server.base_url, token, me["id"], "Filler").start()
    try:
        deadline = time.monotonic() + DEADLINE * 3
        while 503 not in writers.statuses:
            assert time.monotonic() < deadline, f"the disk never filled: {writers.count()} creates, statuses {set(writers.statuses)}"
            assert 500 not in writers.statuses, "a 500 while the disk filled"
            time.sleep(0.1)
        time.sleep(1)  # a few more writes against the full disk
    finally:
        writers.stop()
    assert server.process.poll() is None, "tandem exited when the disk filled"
    assert set(writers.statuses) <= {201, 503}, set(writers.statuses)
    assert writers.retry_after
    status, _ = call(server.base_url, "GET", "/me", token)
    assert status == 200, "reading stopped working with a full disk"
    server.stop()
    with sqlite3.connect(Path(small_disk) / "tandem.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = {row[0] for row in db.execute("SELECT preferred_name FROM participants")}
    missing = [name for _, name in writers.acknowledged if name not in names]
    assert not missing, f"{len(missing)} acknowledged creates are missing"
