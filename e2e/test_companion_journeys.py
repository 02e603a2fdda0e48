"""Browser journey for a sober companion engagement, at 360 px and 1280 px.

The coach adds a person with a sober companion engagement, opens its coverage, sets a plan
of nights at an hourly rate and puts themself on a shift today; the nights the shift leaves
open show as gaps. On the shift they log a trigger and how it was handled, try to hand over
without a note (refused), then hand over; the log closes. The person reads the week's
summary. They share their trip and shift logs with a treatment center's liaison, who then
reads the same week. Every page passes `check_page` (axe-core, the crisis link, no sideways
scroll at 360 px).
"""

from __future__ import annotations

from datetime import date, timedelta

from conftest import check_page, strong_password
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_directory_journeys import tick
from test_journeys import click_and_wait_for_new_page, error_summary_shown, path_of, visible
from test_participant_journeys import EN, accept_invitation, invite_member, people, query_of, wait  # noqa: F401
from test_plan_journeys import COACH, coach_and_participant, response_status, type_into
from test_session_note_journeys import choose, set_value, submit

LIAISON = "Morgan Lakeside"
TRIGGER = "Passed the old bar on the walk home; we called her sponsor and kept going."
HANDOVER = "Slept from 23:00. Her sister visits at 10."


def test_companion_logs_a_shift_hands_over_and_the_week_is_shared(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "companion", service="sober_companion")
    base, coach, person = cast.base, cast.staff, cast.person

    # From the person's record to the engagement and its coverage.
    coach.get(f"{base}/participants/{cast.participant_id}")
    click_and_wait_for_new_page(coach, visible(coach, "a[href^='/engagements/']"))
    click_and_wait_for_new_page(coach, visible(coach, "a#coverage-link"))
    coverage_path = path_of(coach)
    assert visible(coach, "#plan-text").text.strip() == EN["coverage_no_plan"]
    check_page(coach, "coverage (no plan)")

    # Nights, at $35 an hour; a rate that is not money is refused first. Without a plan
    # the form is open.
    visible(coach, "#plan-form")
    Select(coach.find_element(By.CSS_SELECTOR, "select#pattern")).select_by_value("nights")
    type_into(coach, "input#hourly_rate", "lots")
    submit(coach, "button#save-plan")
    summary = error_summary_shown(coach)
    assert EN["error_trip_money"] in summary, summary
    check_page(coach, "coverage plan with errors")
    type_into(coach, "input#hourly_rate", "35")
    submit(coach, "button#save-plan")
    wait(coach).until(lambda d: query_of(d).get("saved") == ["1"])
    assert EN["coverage_nights"] in visible(coach, "#plan-text").text

    # The coach is the companion on a shift all of today, on the organization's calendar (the
    # form starts from today): it is going on now whatever the hour, and the nights after
    # today are gaps.
    Select(coach.find_element(By.CSS_SELECTOR, "select#companion")).select_by_visible_text(COACH)
    today = date.fromisoformat(coach.find_element(By.CSS_SELECTOR, "input#start_date").get_attribute("value"))
    set_value(coach, "input#shift_start_time", "00:00")
    set_value(coach, "input#end_date", (today + timedelta(days=1)).isoformat())
    set_value(coach, "input#shift_end_time", "00:00")
    submit(coach, "button#add-shift")
    wait(coach).until(lambda d: query_of(d).get("added") == ["1"])
    assert len(coach.find_elements(By.CSS_SELECTOR, "#gaps li")) >= 2
    assert COACH in visible(coach, "#shifts").text
    check_page(coach, "coverage with a shift and gaps")

    # On the shift, from a phone: the log, then the hand-over.
    click_and_wait_for_new_page(coach, visible(coach, "#shifts a"))
    shift_path = path_of(coach)
    check_page(coach, "shift")
    Select(coach.find_element(By.CSS_SELECTOR, "select#category")).select_by_value("trigger")
    type_into(coach, "textarea#note", TRIGGER)
    submit(coach, "button#add-shift-log")
    wait(coach).until(lambda d: query_of(d).get("logged") == ["1"])
    assert TRIGGER in visible(coach, "#shift-log-entries").text
    submit(coach, "button#hand-over")
    summary = error_summary_shown(coach)
    assert EN["error_handover_note"] in summary, summary
    check_page(coach, "hand-over without a note")
    type_into(coach, "textarea#handover_note", HANDOVER)
    submit(coach, "button#hand-over")
    wait(coach).until(lambda d: query_of(d).get("handed") == ["1"])
    assert visible(coach, "#shift-state").text.strip() == EN["shift_handed_over"]
    assert HANDOVER in visible(coach, "#handover-text").text
    assert not coach.find_elements(By.CSS_SELECTOR, "form#shift-log-form, form#handover-form")
    check_page(coach, "shift handed over")
    assert shift_path.startswith("/shifts/")

    # The person reads this week's summary: hours, the log and the hand-over.
    person.get(f"{base}{coverage_path}")
    assert not person.find_elements(By.CSS_SELECTOR, "form#plan-form, form#shift-form")
    check_page(person, "coverage (the person)")
    click_and_wait_for_new_page(person, visible(person, "a#this-week-link"))
    week = visible(person, ".companion-week").text
    assert TRIGGER in week and HANDOVER in week and COACH in week, week
    check_page(person, "weekly summary (the person)")

    # Shared with the treatment center's liaison under the person's consent.
    org_name = visible(browser, "a.brand").text.strip()
    liaison_email, link = invite_member(browser, base, "partner")
    liaison = people("liaison")
    accept_invitation(liaison, link, org_name, LIAISON, strong_password(), "partner")
    person.get(f"{base}/participants/{cast.participant_id}/consents/new")
    choose(person, "kind-account")
    type_into(person, "input#recipient_email", liaison_email)
    tick(person, "category-trip_and_shift_logs")
    choose(person, "purpose-care_coordination")
    choose(person, "expiry-engagement")
    type_into(person, "input#typed_name", "Dana Whitfield")
    submit(person, "button#sign-consent")
    wait(person).until(lambda d: path_of(d).startswith("/consents/"))

    liaison.get(f"{base}/shared")
    click_and_wait_for_new_page(liaison, visible(liaison, "#shared-people a"))
    shared = visible(liaison, "#shared-trip-logs").text
    assert TRIGGER in shared and HANDOVER in shared, shared
    check_page(liaison, "shared trip and shift logs (liaison)")
    # The coverage page itself stays closed to them.
    liaison.get(f"{base}{coverage_path}")
    assert response_status(liaison) in (403, 404)
