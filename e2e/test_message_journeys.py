"""Browser journey for secure messaging, live across two `tandem` processes on PostgreSQL.

A throwaway PostgreSQL server holds one database for two `tandem serve` processes. The
participant's browser talks to the first, the coach's to the second. The coach sends a
message; it appears on the participant's open thread without a reload (the second process
NOTIFYs, the first LISTENs and pushes it over the participant's web socket), and the coach's
copy turns "Seen" as soon as her page has it. The participant answers the other way round.
Waits are for conditions only. Runs at 360 px and 1280 px; every page passes `check_page`.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT, check_page
from selenium.webdriver.common.by import By
from test_journeys import click_and_wait_for_new_page, path_of, visible
from test_participant_journeys import EN, people, wait  # noqa: F401 - people is a fixture
from test_plan_journeys import coach_and_participant, type_into
from test_session_note_journeys import submit

SCRIPT = REPO_ROOT / "scripts" / "postgres-test-server.sh"


@pytest.fixture
def postgres():
    """A PostgreSQL server of this test's own, stopped (and deleted) afterwards."""
    state = Path(tempfile.mkdtemp(prefix="tandem-pg-e2e-")) / "state"
    env = dict(os.environ, PG_TEST_STATE_FILE=str(state))
    started = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0 and started.stdout.strip(), started.stderr
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, text=True, timeout=120)


def open_thread(driver, base: str, engagement_id: str, name: str) -> None:
    driver.get(f"{base}/messages/{engagement_id}")
    visible(driver, "#thread-messages")
    wait(driver).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#thread-messages").get_attribute("data-live") == "on"
    )
    check_page(driver, name)


def message_texts(driver) -> list[str]:
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#thread-messages li")]


def test_participant_and_coach_message_live_across_two_processes(postgres, browser, fresh_server, people):  # noqa: F811
    first = fresh_server("messages-a", env={"DATABASE_URL": postgres})
    second = fresh_server("messages-b", env={"DATABASE_URL": postgres})
    cast = coach_and_participant(browser, lambda name: second, people, "messages")
    coach, person = cast.staff, cast.person

    # The participant opens her thread from her home page, on the first process.
    person.get(f"{first.base_url}/")
    link = visible(person, "#my-engagements a[id^='message-']")
    engagement_id = link.get_dom_attribute("id").removeprefix("message-")
    click_and_wait_for_new_page(person, link)
    wait(person).until(lambda d: path_of(d) == f"/messages/{engagement_id}")
    assert visible(person, "#no-messages").text.strip() == EN["messages_empty"]
    open_thread(person, first.base_url, engagement_id, "thread (participant, empty)")

    # The coach writes from the second process; it arrives on the participant's page live.
    open_thread(coach, second.base_url, engagement_id, "thread (coach, empty)")
    type_into(coach, "textarea#body", "Hi Dana, how did the interview go?")
    submit(coach, "button#send-message")
    wait(coach).until(lambda d: any("how did the interview go" in t for t in message_texts(d)))
    wait(person).until(lambda d: any("how did the interview go" in t for t in message_texts(d)))
    assert not person.find_elements(By.CSS_SELECTOR, "#no-messages")

    # Her page read it, so the coach's copy turns "Seen" without a reload.
    wait(coach).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#thread-messages li.mine .seen:not([hidden])"))
    wait(coach).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#thread-messages").get_attribute("data-live") == "on"
    )
    check_page(coach, "thread (coach, seen)")

    # And the other way round: her answer reaches the coach's open page.
    type_into(person, "textarea#body", "It went well, they will call me Friday")
    submit(person, "button#send-message")
    wait(person).until(lambda d: any("call me Friday" in t for t in message_texts(d)))
    wait(coach).until(lambda d: any("call me Friday" in t for t in message_texts(d)))
    check_page(person, "thread (participant, two messages)")

    # The thread list counts nothing new for her: she has read everything.
    person.get(f"{first.base_url}/messages")
    visible(person, f"a#thread-{engagement_id}")
    assert not person.find_elements(By.CSS_SELECTOR, f"#unread-{engagement_id}")
    check_page(person, "messages (participant)")
