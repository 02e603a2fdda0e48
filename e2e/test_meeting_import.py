"""`tandem meetings import`: a real Meeting Guide feed imported from a file with a progress bar
and a summary; the same feed again rewrites nothing; a broken feed fails with the reason and
keeps the meetings; a feed served over HTTP imports too."""

from __future__ import annotations

import http.server
import sqlite3
import threading
from pathlib import Path

from conftest import REPO_ROOT, strong_password
from test_operations import data_dir, tandem  # noqa: F401 - data_dir is a fixture

FEEDS = REPO_ROOT.parent / "shared" / "data" / "meeting-guide"


def meetings(data_dir: str) -> int:
    with sqlite3.connect(Path(data_dir) / "tandem.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM meetings").fetchone()[0]


def test_meetings_import_command(data_dir, tmp_path):  # noqa: F811
    made = tandem(data_dir, "setup", "--org", "Harbor", "--email", "a@example.org", TANDEM_SETUP_PASSWORD=strong_password())
    assert made.returncode == 0, made.stderr
    first = tandem(data_dir, "meetings", "import", str(FEEDS / "sussexaa.json"), "--name", "Sussex")
    assert first.returncode == 0, first.stderr
    assert "[##############################] 123/123" in first.stdout, first.stdout
    assert "Sussex: 123 meetings imported, 0 records left out" in first.stdout, first.stdout
    assert meetings(data_dir) == 123

    again = tandem(data_dir, "meetings", "import", str(FEEDS / "sussexaa.json"), "--name", "Sussex")
    assert again.returncode == 0 and "unchanged since the last import (123 meetings)" in again.stdout, again.stdout

    broken = tmp_path / "broken.json"
    broken.write_text('[{"name": "Half a record"')
    failed = tandem(data_dir, "meetings", "import", str(broken), "--name", "Sussex")
    assert failed.returncode != 0 and "the previous meetings are kept" in failed.stderr, failed.stderr
    assert meetings(data_dir) == 123

    missing = tandem(data_dir, "meetings", "import", str(FEEDS / "sussexaa.json"))
    assert missing.returncode != 0 and "--name" in missing.stderr

    # The same feed from a URL, under another name.
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=str(FEEDS))  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/atlanta.json"
        fetched = tandem(data_dir, "meetings", "import", url, "--name", "Atlanta")
        assert fetched.returncode == 0 and "Atlanta: 6 meetings imported" in fetched.stdout, fetched.stdout + fetched.stderr
        gone = tandem(data_dir, "meetings", "import", url.replace("atlanta", "nothing"), "--name", "Nothing")
        assert gone.returncode != 0 and "answered 404" in gone.stderr, gone.stderr
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
    assert meetings(data_dir) == 129
