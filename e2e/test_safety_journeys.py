"""Browser journey for crisis safety: words that may mean danger in a check-in show the
participant a caring crisis card at once and alert their coach, who acknowledges the alert
with what they did; the "I need help now" button on the participant's home does the same.

Runs at 360 px and 1280 px; every page passes `check_page` (axe-core, the crisis link, no
sideways scroll at 360 px).
"""

from __future__ import annotations

from conftest import check_page
from selenium.webdriver.common.by import By
from test_checkin_journeys import choose
from test_journeys import click_and_wait_for_new_page, path_of, visible
from test_participant_journeys import EN, people, wait  # noqa: F401 - people is a fixture
from test_plan_journeys import coach_and_participant, type_into
from test_session_note_journeys import submit


def test_crisis_words_show_the_card_and_alert_the_coach_who_acknowledges(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "safety")
    base, coach, person = cast.base, cast.staff, cast.person

    # The participant checks in and writes that she wants to die.
    person.get(f"{base}/check-in")
    choose(person, "mood", "1")
    choose(person, "craving", "7")
    type_into(person, "#went_well", "Honestly I want to die")
    submit(person, "button#send-check-in")
    wait(person).until(lambda d: path_of(d) == "/check-in/done")
    card = visible(person, "#crisis-card").text
    assert EN["care_heading"] in card and "988" in card, card
    assert visible(person, "#care-call").get_dom_attribute("href") == "tel:988"
    check_page(person, "after a check-in with crisis words")

    # The coach's home says someone may need help; the alert names the person.
    coach.get(f"{base}/")
    click_and_wait_for_new_page(coach, visible(coach, "#alerts-banner a#alerts-link"))
    check_page(coach, "alerts (one open)")
    alerts = visible(coach, "#open-alerts").text
    assert "Dana" in alerts and EN["alert_source_check_in"] in alerts, alerts
    note = coach.find_element(By.CSS_SELECTOR, "#open-alerts textarea")
    note.send_keys("Called Dana; she is with her sister tonight")
    # What a second copy of this page, left open, would send later.
    stale = coach.execute_script(
        "const f = document.querySelector('#open-alerts form');"
        "return {action: f.action, fields: Array.from(new FormData(f).entries())};"
    )
    submit(coach, "#open-alerts button[id^='acknowledge-']")
    visible(coach, "div.notice.success")
    assert visible(coach, "#no-open-alerts").text.strip() == EN["alerts_none"]
    assert "with her sister" in visible(coach, "#acknowledged-alerts").text
    check_page(coach, "alerts (acknowledged)")

    # That second copy is sent: told someone already acknowledged it, with the way back.
    coach.execute_script(
        "const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
        "for (const [name, value] of arguments[1]) {"
        "  const i = document.createElement('input'); i.type = 'hidden'; i.name = name; i.value = value;"
        "  f.appendChild(i); }"
        "document.body.appendChild(f); f.submit();",
        stale["action"],
        stale["fields"],
    )
    wait(coach).until(lambda d: EN["error_alert_acknowledged"] in d.find_element(By.TAG_NAME, "main").text)
    assert visible(coach, "a#error-back").get_dom_attribute("href") == "/alerts"
    check_page(coach, "alert already acknowledged (409)")
    click_and_wait_for_new_page(coach, visible(coach, "a#error-back"))
    assert "with her sister" in visible(coach, "#acknowledged-alerts").text
    coach.get(f"{base}/")
    assert not coach.find_elements(By.CSS_SELECTOR, "#alerts-banner"), "the banner stayed after acknowledging"

    # "I need help now" from her home: the card, and her coach is told.
    person.get(f"{base}/")
    submit(person, "button#help-now")
    wait(person).until(lambda d: path_of(d) == "/care")
    assert EN["care_told"] in visible(person, "#coach-told").text
    visible(person, "#crisis-card")
    assert person.find_elements(By.CSS_SELECTOR, "#care-coaches li"), "the card does not name her coach"
    check_page(person, "help now")
    coach.get(f"{base}/alerts")
    assert EN["alert_source_help_button"] in visible(coach, "#open-alerts").text
