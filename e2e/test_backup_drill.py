"""Resilience drill on SQLite: a backup taken while writers create participants through the API
is consistent. Restored over the live database, it passes `PRAGMA integrity_check` and
`tandem audit verify`, and it holds every create acknowledged before the backup began."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_durability import serve_organization
from test_operations import Served, data_dir, tandem  # noqa: F401 (data_dir is a fixture)
from test_resilience import Writers, call, check_all_there


def test_backup_under_write_load_restores_whole_and_verifies(data_dir):  # noqa: F811
    server, token = serve_organization(data_dir, "Backed Up")
    status, me = call(server.base_url, "GET", "/me", token)
    assert status == 200
    backup = Path(data_dir) / "backups" / "under-load.sqlite"
    backup.parent.mkdir()
    writers = Writers(server.base_url, token, me["id"], "Load").start()
    try:
        writers.wait_for(60)
        with writers.lock:
            before = list(writers.acknowledged)
        made = tandem(data_dir, "backup", str(backup))
        assert made.returncode == 0, made.stderr
        writers.wait_for(len(before) + 40)  # still writing after the backup: the server never paused
    finally:
        writers.stop()
        assert server.stop() == 0
    assert set(writers.statuses) == {201}, set(writers.statuses)

    restored = tandem(data_dir, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(Path(data_dir) / "tandem.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    verified = tandem(data_dir, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "The audit chain is intact" in verified.stdout
    again = Served(data_dir)
    try:
        check_all_there(again.base_url, token, before)
    finally:
        assert again.stop() == 0
