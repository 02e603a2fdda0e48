"""`tandem meetings import`: a real Meeting Guide feed imported from a file with a progress bar
and a summary; the same feed again rewrites nothing; a broken feed fails with the reason and
keeps the meetings; a feed served over HTTP imports too. Then the finder: a participant finds a
Spanish meeting on Monday evening and downloads its weekly .ics."""

from __future__ import annotations

import http.server
import sqlite3
import threading
from pathlib import Path

from conftest import REPO_ROOT, check_page, strong_password
from icalendar import Calendar
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_appointment_journeys import fetch_in_page
from test_journeys import click_and_wait_for_new_page, visible
from test_operations import data_dir, tandem  # noqa: F401 - data_dir is a fixture
from test_participant_journeys import people  # noqa: F401 - a fixture
from test_plan_journeys import coach_and_participant

FEEDS = REPO_ROOT.parent / "shared" / "data" / "meeting-guide"


def meetings(data_dir: str) -> int:
    with sqlite3.connect(Path(data_dir) / "tandem.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM meetings").fetchone()[0]


def test_meetings_import_command(data_dir, tmp_path):  # noqa: F811
    made = tandem(data_dir, "setup", "--org", "Harbor", "--email", "a@example.org", TANDEM_SETUP_PASSWORD=strong_password())
    assert made.returncode == 0, made.stderr
    first = tandem(data_dir, "meetings", "import", str(FEEDS / "sussexaa.json"), "--name", "Sussex")
    assert first.returncode == 0, first.stderr
    assert "[##############################] 100% 123/123 meetings" in first.stdout, first.stdout
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


def test_a_participant_finds_a_spanish_meeting_and_downloads_it(browser, fresh_server, people):  # noqa: F811
    """Meetings imported into a serving Tandem; a participant looks for a Spanish meeting on
    Monday evening, opens it and downloads its weekly .ics (parsed with icalendar)."""
    # The feed is served on this machine, which an admin may fetch from only when the operator
    # allows private networks.
    def private_feeds_server(name: str):
        return fresh_server(name, env={"TANDEM_FEEDS_FROM_PRIVATE_NETWORKS": "1"})

    cast = coach_and_participant(browser, private_feeds_server, people, "meetings")
    # The admin adds a feed by its address on the sources page.
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=str(FEEDS))  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        browser.get(cast.base + "/admin/meetings")
        check_page(browser, "meeting sources (none)")
        browser.find_element(By.CSS_SELECTOR, "input#name").send_keys("Sussex")
        url = f"http://127.0.0.1:{httpd.server_address[1]}/sussexaa.json"
        browser.find_element(By.CSS_SELECTOR, "input#url").send_keys(url)
        click_and_wait_for_new_page(browser, browser.find_element(By.CSS_SELECTOR, "button#import-source"))
        notice = visible(browser, "#import-notice").text
        assert "Sussex: 123 meetings imported, 0 records left out." in notice, notice
        check_page(browser, "meeting sources (imported)")
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
    person = cast.person
    person.get(cast.base + "/")
    click_and_wait_for_new_page(person, visible(person, "nav.side-nav a[href='/meetings']"))
    check_page(person, "meeting finder")
    Select(person.find_element(By.CSS_SELECTOR, "select#day")).select_by_value("1")
    Select(person.find_element(By.CSS_SELECTOR, "select#part")).select_by_value("evening")
    Select(person.find_element(By.CSS_SELECTOR, "select#type")).select_by_value("S")
    click_and_wait_for_new_page(person, person.find_element(By.CSS_SELECTOR, "button#find-meetings"))
    results = visible(person, "ul#meeting-results")
    assert "Lunes Nueva Generacion" in results.text, results.text
    check_page(person, "meeting finder results")
    click_and_wait_for_new_page(person, results.find_element(By.CSS_SELECTOR, "a"))
    visible(person, "a#map-link")
    check_page(person, "meeting")
    status, kind, text = fetch_in_page(person, visible(person, "a#meeting-ics").get_attribute("href"))
    assert status == 200 and kind.startswith("text/calendar")
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    for required in ("UID", "DTSTAMP", "DTSTART"):
        assert event.get(required) is not None
    assert str(event.get("SUMMARY")) == "Lunes Nueva Generacion"
    assert event.get("RRULE")["FREQ"] == ["WEEKLY"] and event.get("RRULE")["BYDAY"] == ["MO"]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, start.weekday()) == (19, 0, 0) and start.tzinfo is None

    # The admin removes the source, on a page that asks first; the finder no longer has it.
    browser.get(cast.base + "/admin/meetings")
    click_and_wait_for_new_page(browser, visible(browser, "#meeting-sources a[id^=remove-]"))
    assert "Sussex" in visible(browser, "#remove-source").text
    check_page(browser, "remove a meeting source")
    click_and_wait_for_new_page(browser, visible(browser, "#confirm-remove"))
    assert "Sussex" in visible(browser, "#import-notice").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#meeting-sources")
    check_page(browser, "meeting sources (removed)")
