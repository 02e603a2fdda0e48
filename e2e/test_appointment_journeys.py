"""Browser journey for appointments and calendars.

A coach plans an appointment from a participant's record (a refused first try, then a kept
one), finds it in their week, and makes a private calendar address that a calendar app reads
without signing in; the participant finds the appointment on their home page and downloads it as
an .ics file. Every calendar document is parsed with the PyPI package `icalendar`, and every VEVENT
must have UID, DTSTAMP and DTSTART. Runs at 360 px and 1280 px; every page is checked with
`check_page` (axe-core, the crisis link, no sideways scroll at 360 px).
"""

from __future__ import annotations

import urllib.request
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from conftest import check_page
from icalendar import Calendar
from selenium.webdriver.common.by import By
from test_journeys import click_and_wait_for_new_page, error_summary_shown, path_of, visible
from test_participant_journeys import EN, people, query_of, wait  # noqa: F401
from test_plan_journeys import COACH, PERSON, coach_and_participant, type_into
from test_session_note_journeys import choose, set_value, submit

ZONE = ZoneInfo("America/New_York")  # the organization's zone, as set up


def events_of(text: str) -> list:
    calendar = Calendar.from_ical(text)
    events = list(calendar.walk("VEVENT"))
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert event.get(required) is not None, f"VEVENT without {required}: {event.to_ical()!r}"
    return events


def fetch_in_page(driver, href: str) -> tuple[int, str, str]:
    return driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: 'same-origin'})
          .then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));""",
        href,
    )


def test_coach_plans_an_appointment_and_the_person_downloads_it(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "appointments")
    base, coach, person = cast.base, cast.staff, cast.person

    coach.get(f"{base}/participants/{cast.participant_id}")
    click_and_wait_for_new_page(coach, visible(coach, "a#appointments-link"))
    assert visible(coach, "p.empty-state").text.strip() == EN["appointments_none"]
    check_page(coach, "appointments (none)")
    click_and_wait_for_new_page(coach, visible(coach, "a#new-appointment"))
    visible(coach, "form#appointment-form")
    check_page(coach, "new appointment form")

    # In person needs a place: refused, with the error at the field.
    day = (datetime.now(ZONE) + timedelta(days=2)).date().isoformat()
    set_value(coach, "input#date", day)
    set_value(coach, "input#start", "15:00")
    set_value(coach, "input#end", "15:45")
    choose(coach, "mode-in_person")
    submit(coach, "button#save-appointment")
    summary = error_summary_shown(coach)
    assert EN["error_appointment_place_required"] in summary, summary
    check_page(coach, "new appointment form with errors")
    type_into(coach, "input#place", "Community center")
    submit(coach, "button#save-appointment")
    wait(coach).until(lambda d: path_of(d).startswith("/appointments/"))
    assert query_of(coach).get("saved") == ["1"]
    appointment_path = path_of(coach)
    assert visible(coach, "#appointment-time").text.strip() == "15:00–15:45"
    check_page(coach, "appointment (coach)")

    # The coach's week shows it.
    click_and_wait_for_new_page(coach, visible(coach, "nav.side-nav a[href='/schedule']"))
    check_page(coach, "schedule, this week")
    coach.get(f"{base}/schedule?week={day}")
    visible(coach, f"section a[href='{appointment_path}']")
    check_page(coach, "schedule, the appointment's week")

    # A private calendar address with first names and places, read without a session.
    coach.get(f"{base}/account/calendar")
    check_page(coach, "calendar feed (off)")
    choose(coach, "detail-details")
    submit(coach, "button#make-feed")
    address = visible(coach, "input#feed-address").get_attribute("value")
    assert "/calendar/" in address and address.endswith(".ics"), address
    check_page(coach, "calendar feed (address shown once)")
    with urllib.request.urlopen(address, timeout=10) as response:
        assert response.headers.get("Content-Type", "").startswith("text/calendar")
        events = events_of(response.read().decode("utf-8"))
    (event,) = events
    assert str(event.get("SUMMARY")) == f"Appointment with {PERSON.split()[0]}"
    assert str(event.get("LOCATION")) == "Community center"
    expected = datetime.fromisoformat(f"{day}T15:00").replace(tzinfo=ZONE).astimezone(timezone.utc)
    assert event.decoded("DTSTART") == expected, event.decoded("DTSTART")

    # The person finds it on their home page and downloads it for their own calendar.
    person.get(base + "/")
    link = visible(person, f"#my-appointments a[href='{appointment_path}']")
    check_page(person, "home with an upcoming appointment")
    click_and_wait_for_new_page(person, link)
    assert not person.find_elements(By.CSS_SELECTOR, "form#move-appointment, form#cancel-appointment")
    check_page(person, "appointment (participant)")
    href = visible(person, "a#download-ics").get_attribute("href")
    status, kind, text = fetch_in_page(person, href)
    assert status == 200 and kind.startswith("text/calendar"), (status, kind)
    (own,) = events_of(text)
    assert str(own.get("SUMMARY")) == f"Appointment with {COACH.split()[0]}"
    assert own.decoded("DTSTART") == expected and str(own.get("UID")) == str(event.get("UID"))


def test_outreach_reminders_and_settings_pages_are_accessible(browser, fresh_server, people):  # noqa: F811
    """The coach's outreach list with one-click recording, the person's reminder choices, the
    admin's outreach and billing rules and the reports: each page axe-clean at both widths."""
    cast = coach_and_participant(browser, fresh_server, people, "outreach-pages")
    base, coach, person = cast.base, cast.staff, cast.person

    # The admin's outreach rules refuse a number that is not one, at the field.
    browser.get(base + "/admin/outreach")
    check_page(browser, "outreach rules")
    field = visible(browser, "input#no_contact_days")
    field.clear()
    field.send_keys("soon")
    submit(browser, "form[action='/admin/outreach'] button[type=submit]")
    assert EN["error_outreach_days"] in error_summary_shown(browser)
    check_page(browser, "outreach rules with errors")
    browser.get(base + "/admin/billing")
    check_page(browser, "billing settings")
    click_and_wait_for_new_page(browser, visible(browser, "nav.side-nav a[href='/reports']"))
    for section in ("services-report", "retention-report", "capital-report"):
        visible(browser, f"section#{section} svg[role='img']")
    check_page(browser, "reports")

    # The person asks their coach to reach out in today's check-in; the coach's list shows it.
    person.get(base + "/check-in")
    choose(person, "mood-2")
    choose(person, "craving-3")
    choose(person, "reach_out")
    submit(person, "form#check-in-form button[type=submit]")
    coach.get(base + "/outreach")
    card = visible(coach, f"#outreach-{cast.participant_id}")
    assert EN["attention_reach_out"] in card.text, card.text
    check_page(coach, "outreach list")
    click_and_wait_for_new_page(coach, card.find_element(By.CSS_SELECTOR, "button[value='reached']"))
    assert query_of(coach).get("recorded") == ["1"]
    assert not coach.find_elements(By.CSS_SELECTOR, f"#outreach-{cast.participant_id}")
    check_page(coach, "outreach list after recording")

    # The person chooses a daily check-in reminder.
    person.get(base + "/")
    click_and_wait_for_new_page(person, visible(person, "a#reminders-link"))
    check_page(person, "reminders")
    box = visible(person, "input#check_in")
    person.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    set_value(person, "input#check_in_time", "19:30")
    submit(person, "button#save-reminders")
    visible(person, "main div.notice.success")
    assert person.find_element(By.CSS_SELECTOR, "input#check_in").is_selected()
    check_page(person, "reminders saved")
