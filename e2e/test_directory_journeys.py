"""Browser journeys for help where people are: the resource directory, a referral followed
until it closes, and a meeting the organization runs found, kept and added to a calendar.

A coach adds a detox resource (a refused first try, then a kept one), refers a participant
to it from their record, finds the follow-up in the outreach list and closes the loop; the
participant sees the closed referral. An admin adds an online Spanish meeting the organization
runs; it is published in `/meetings.json` (read without signing in); the participant finds it
on Tuesday evening, keeps it in "my meetings", downloads its weekly .ics (parsed with the PyPI
package `icalendar`) and notes going, which their check-in then offers ticked. Runs at 360 px
and 1280 px; every page is checked with `check_page` (axe-core, the crisis link, no sideways
scroll at 360 px).
"""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

from conftest import check_page
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_appointment_journeys import events_of, fetch_in_page
from test_journeys import click_and_wait_for_new_page, error_summary_shown, path_of, visible
from test_participant_journeys import EN, people, wait  # noqa: F401 - people is a fixture
from test_plan_journeys import coach_and_participant, type_into
from test_session_note_journeys import choose, set_value, submit

ZONE = ZoneInfo("America/New_York")  # the organization's zone, as set up


def tick(driver, box_id: str) -> None:
    """Ticks a checkbox, as a person would (by clicking it)."""
    box = driver.find_element(By.CSS_SELECTOR, f"input#{box_id}")
    if not box.is_selected():
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        box.click()
    assert box.is_selected(), box_id


def test_coach_refers_a_participant_to_detox_and_closes_the_loop(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "referrals")
    base, coach, person = cast.base, cast.staff, cast.person

    click_and_wait_for_new_page(coach, visible(coach, "nav.side-nav a[href='/resources']"))
    assert visible(coach, "#no-resources").text.strip() == EN["resources_empty"]
    check_page(coach, "resources (none)")
    click_and_wait_for_new_page(coach, visible(coach, "a#add-resource"))
    check_page(coach, "new resource form")
    type_into(coach, "input#hours", "whenever")
    submit(coach, "button#save-resource")
    summary = error_summary_shown(coach)
    assert EN["error_resource_name_required"] in summary and EN["error_resource_hours"] in summary, summary
    check_page(coach, "new resource form with errors")
    type_into(coach, "input#name", "Harbor Withdrawal Center")
    tick(coach, "category-withdrawal_management")
    type_into(coach, "input#address", "200 Harbor Rd, Lewes DE")
    type_into(coach, "input#latitude-input", "38.7745")
    type_into(coach, "input#longitude", "-75.1393")
    type_into(coach, "input#hours", "24/7")
    type_into(coach, "input#languages", "en, es")
    tick(coach, "cost-insurance")
    submit(coach, "button#save-resource")
    wait(coach).until(lambda d: path_of(d).startswith("/resources/"))
    assert "Harbor Withdrawal Center" in visible(coach, "h1").text
    visible(coach, "a#map-link")
    check_page(coach, "resource")

    # From the person's record: find the detox, say why, agree, follow up today.
    coach.get(f"{base}/participants/{cast.participant_id}")
    click_and_wait_for_new_page(coach, visible(coach, "a#refer-link"))
    Select(coach.find_element(By.CSS_SELECTOR, "select#category")).select_by_value("withdrawal_management")
    submit(coach, "button#find-resources")
    check_page(coach, "referral: resources found")
    click_and_wait_for_new_page(coach, visible(coach, "#resource-results a[id^='choose-']"))
    visible(coach, "form#referral-form")
    check_page(coach, "referral form")
    type_into(coach, "input#reason", "Safe withdrawal before residential")
    tick(coach, "agreed")
    today = datetime.now(ZONE).date().isoformat()
    set_value(coach, "input#follow_up", today)
    submit(coach, "button#save-referral")
    wait(coach).until(lambda d: path_of(d).startswith("/referrals/"))
    referral_path = path_of(coach)
    assert visible(coach, "#referral-status").text.strip() == EN["referral_status_suggested"]
    check_page(coach, "referral (suggested)")

    # The follow-up is in the outreach list.
    click_and_wait_for_new_page(coach, visible(coach, "nav.side-nav a[href='/outreach']"))
    follow_ups = visible(coach, "#referral-follow-ups")
    assert "Harbor Withdrawal Center" in follow_ups.text, follow_ups.text
    check_page(coach, "outreach with a referral follow-up")
    click_and_wait_for_new_page(coach, follow_ups.find_element(By.CSS_SELECTOR, f"a[href='{referral_path}']"))

    # Connected, then closed: the outcome is needed.
    choose(coach, "status-connected")
    type_into(coach, "textarea#note", "Admitted tonight")
    submit(coach, "button#save-step")
    assert visible(coach, "#referral-status").text.strip() == EN["referral_status_connected"]
    choose(coach, "status-closed")
    submit(coach, "button#save-step")
    assert EN["error_referral_outcome"] in error_summary_shown(coach)
    check_page(coach, "referral step with errors")
    choose(coach, "status-closed")
    Select(coach.find_element(By.CSS_SELECTOR, "select#outcome")).select_by_value("helped")
    submit(coach, "button#save-step")
    assert visible(coach, "#referral-status").text.strip() == EN["referral_status_closed"]
    assert visible(coach, "#referral-outcome").text.strip() == EN["referral_outcome_helped"]
    assert not coach.find_elements(By.CSS_SELECTOR, "form#step-form")
    history = visible(coach, "#referral-history").text
    assert "Admitted tonight" in history, history
    check_page(coach, "referral (closed)")
    coach.get(f"{base}/outreach")
    assert "Harbor Withdrawal Center" not in visible(coach, "#referral-follow-ups").text

    # The person sees it closed among their referrals.
    person.get(f"{base}/")
    click_and_wait_for_new_page(person, visible(person, "a#my-referrals"))
    table = visible(person, "table#referrals").text
    assert "Harbor Withdrawal Center" in table and EN["referral_status_closed"] in table, table
    check_page(person, "my referrals")


def test_participant_finds_an_online_spanish_meeting_on_tuesday_evening(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "meetings-ours")
    base, admin, person = cast.base, browser, cast.person

    admin.get(f"{base}/meetings/ours")
    check_page(admin, "meetings we run (none)")
    click_and_wait_for_new_page(admin, visible(admin, "a#add-meeting"))
    check_page(admin, "new meeting form")
    type_into(admin, "input#name", "Martes en Español")
    tick(admin, "day-2")
    set_value(admin, "input#time", "19:00")
    set_value(admin, "input#end_time", "20:00")
    tick(admin, "type-S")
    tick(admin, "type-ONL")
    type_into(admin, "input#conference_url", "https://meet.example/martes")
    submit(admin, "button#save-meeting")
    wait(admin).until(lambda d: path_of(d).startswith("/meetings/") and "saved=1" in d.current_url)
    check_page(admin, "our meeting")

    # Published for the Meeting Guide app, read without signing in.
    with urllib.request.urlopen(f"{base}/meetings.json", timeout=10) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("application/json")
        feed = json.loads(response.read())
    (record,) = feed
    assert record["name"] == "Martes en Español" and record["day"] == 2 and record["time"] == "19:00"
    assert record["conference_url"] == "https://meet.example/martes" and set(record["types"]) >= {"S", "ONL"}
    assert record["attendance_option"] == "online" and record["slug"]

    # The admin opens the finder to the public; a visitor finds the meeting without signing in.
    admin.get(f"{base}/admin/meetings")
    tick(admin, "public_finder")
    submit(admin, "button#save-public-finder")
    public_url = visible(admin, "a#public-finder-link").get_attribute("href")
    check_page(admin, "meeting sources (public finder on)")
    visitor = people("visitor")
    visitor.get(public_url)
    Select(visitor.find_element(By.CSS_SELECTOR, "select#day")).select_by_value("2")
    submit(visitor, "button#find-meetings")
    assert "Martes en Español" in visible(visitor, "ul#meeting-results").text
    assert not visitor.find_elements(By.CSS_SELECTOR, "form[action='/signout']")
    check_page(visitor, "public meeting finder")

    # The participant looks for an online Spanish meeting on Tuesday evening.
    person.get(f"{base}/")
    click_and_wait_for_new_page(person, visible(person, "nav.side-nav a[href='/meetings']"))
    Select(person.find_element(By.CSS_SELECTOR, "select#day")).select_by_value("2")
    Select(person.find_element(By.CSS_SELECTOR, "select#part")).select_by_value("evening")
    Select(person.find_element(By.CSS_SELECTOR, "select#attendance")).select_by_value("online")
    Select(person.find_element(By.CSS_SELECTOR, "select#type")).select_by_value("S")
    submit(person, "button#find-meetings")
    results = visible(person, "ul#meeting-results")
    assert "Martes en Español" in results.text, results.text
    check_page(person, "meeting finder: Tuesday evening, online, Spanish")
    click_and_wait_for_new_page(person, results.find_element(By.CSS_SELECTOR, "a"))
    visible(person, "a#join-link")
    submit(person, "button#keep-meeting")
    visible(person, "#kept-notice")
    visible(person, "button#forget-meeting")
    check_page(person, "meeting (kept)")

    status, kind, text = fetch_in_page(person, visible(person, "a#meeting-ics").get_attribute("href"))
    assert status == 200 and kind.startswith("text/calendar")
    (event,) = events_of(text)
    assert str(event.get("SUMMARY")) == "Martes en Español"
    assert event.get("RRULE")["FREQ"] == ["WEEKLY"] and event.get("RRULE")["BYDAY"] == ["TU"]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, start.weekday()) == (19, 0, 1)

    # Going today is noted; the day's check-in offers it ticked.
    submit(person, "button#went-to-meeting")
    visible(person, "#went-notice")
    check_page(person, "meeting (went)")
    click_and_wait_for_new_page(person, visible(person, "a#my-meetings-link"))
    assert "Martes en Español" in visible(person, "#my-meetings").text
    assert "Martes en Español" in visible(person, "#meetings-went").text
    check_page(person, "my meetings")
    person.get(f"{base}/check-in")
    assert person.find_element(By.CSS_SELECTOR, "input[name='supports[]'][value='online_meeting']").is_selected()
