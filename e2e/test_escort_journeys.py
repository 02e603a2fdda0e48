"""Browser journey for a sober escort trip, at 360 px and 1280 px.

The coach books a trip for the person (a booking with its duty ending before the pickup is
refused first), assigns themself as the escort, which schedules it, then keeps the trip log
on the way from a phone: picked up, departed, arrived, handed off to the intake nurse. The
trip is completed; the person sees it with its log, and the printable report reads the same.
Every page passes `check_page` (axe-core, the crisis link, no sideways scroll at 360 px).
"""

from __future__ import annotations

from datetime import date, timedelta

from conftest import check_page
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from test_journeys import click_and_wait_for_new_page, error_summary_shown, path_of, visible
from test_participant_journeys import EN, people, query_of, wait  # noqa: F401
from test_plan_journeys import COACH, coach_and_participant, type_into
from test_session_note_journeys import set_value, submit


def log_entry(driver, kind: str, place: str = "", handed_to: str = "") -> None:
    Select(driver.find_element(By.CSS_SELECTOR, "select#kind")).select_by_value(kind)
    if place:
        type_into(driver, "input#place", place)
    if handed_to:
        type_into(driver, "input#handed_to", handed_to)
    submit(driver, "button#add-log")
    wait(driver).until(lambda d: query_of(d).get("logged") == ["1"])


def test_escort_logs_a_trip_from_pickup_to_hand_off(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "escort")
    base, coach, person = cast.base, cast.staff, cast.person

    coach.get(f"{base}/participants/{cast.participant_id}")
    click_and_wait_for_new_page(coach, visible(coach, "a#trips-link"))
    check_page(coach, "trips (none)")
    click_and_wait_for_new_page(coach, visible(coach, "a#book-trip"))
    check_page(coach, "book a trip")

    day = (date.today() + timedelta(days=2)).isoformat()
    Select(coach.find_element(By.CSS_SELECTOR, "select#purpose")).select_by_value("treatment_admission")
    type_into(coach, "input#pickup_place", "Home, 12 Elm Street")
    set_value(coach, "input#pickup_date", day)
    set_value(coach, "input#pickup_time", "08:00")
    type_into(coach, "input#destination", "Lakeside Treatment Center")
    set_value(coach, "input#end_date", day)
    set_value(coach, "input#end_time", "07:00")
    Select(coach.find_element(By.CSS_SELECTOR, "select#leg_0_mode")).select_by_value("car")
    type_into(coach, "input#rate", "300")
    submit(coach, "button#save-trip")
    summary = error_summary_shown(coach)
    assert EN["error_trip_end_before_start"] in summary, summary
    check_page(coach, "book a trip with errors")
    set_value(coach, "input#end_time", "13:00")
    submit(coach, "button#save-trip")
    wait(coach).until(lambda d: path_of(d).startswith("/trips/"))
    trip_path = path_of(coach)
    assert visible(coach, "#trip-status").text.strip() == EN["trip_status_requested"]
    check_page(coach, "trip booked")

    # The coach escorts the trip themself: assigning schedules it.
    boxes = coach.find_elements(By.CSS_SELECTOR, "#escorts input[type=checkbox]")
    mine = next(b for b in boxes if coach.find_element(By.CSS_SELECTOR, f"label[for='{b.get_attribute('id')}']").text.strip() == COACH)
    coach.execute_script("arguments[0].scrollIntoView({block: 'center'});", mine)
    mine.click()
    submit(coach, "button#assign-escorts")
    wait(coach).until(lambda d: query_of(d).get("assigned") == ["1"])
    assert visible(coach, "#trip-status").text.strip() == EN["trip_status_scheduled"]
    assert COACH in visible(coach, "#trip-escorts").text

    # On the way, from the phone.
    log_entry(coach, "picked_up", place="Home")
    assert visible(coach, "#trip-status").text.strip() == EN["trip_status_under_way"]
    check_page(coach, "trip under way")
    log_entry(coach, "departed")
    log_entry(coach, "arrived", place="Lakeside Treatment Center")
    log_entry(coach, "handed_off", handed_to="Nurse Kim, intake")
    assert visible(coach, "#trip-status").text.strip() == EN["trip_status_completed"]
    entries = coach.find_elements(By.CSS_SELECTOR, "#trip-log-entries > li")
    assert len(entries) == 4, [e.text for e in entries]
    assert "Nurse Kim, intake" in entries[-1].text
    assert not coach.find_elements(By.CSS_SELECTOR, "form#log-form")
    check_page(coach, "trip completed")

    # The person sees their trip and its log; the report reads the same.
    person.get(f"{base}{trip_path}")
    assert visible(person, "#trip-status").text.strip() == EN["trip_status_completed"]
    assert "Nurse Kim, intake" in visible(person, "#trip-log-entries").text
    assert not person.find_elements(By.CSS_SELECTOR, "form#log-form, form#escorts-form, #trip-fee")
    check_page(person, "trip (the person)")
    click_and_wait_for_new_page(person, visible(person, "a#trip-report-link"))
    assert "Nurse Kim, intake" in visible(person, "#trip-report").text
    check_page(person, "trip report")
