"""Browser journey for session notes.

The admin asks for notes to be reviewed; the coach writes a note about a contact from the
participant's record (a refused first try, then a draft), signs it with their typed name; a
supervisor finds it under "Notes to review" and sends it back; the coach finds it in their
outreach list and answers with an addendum; the supervisor approves it, then downloads the billing CSV for
the day and finds the session's H0038 units in it; the participant reads the signed note from
their own record. Runs at 360 px and 1280 px (the `browser` fixture, where the admin acts);
everyone else has a browser of their own. Every page visited is checked with `check_page`
(axe-core, the crisis link, no sideways scroll at 360 px).
"""

from __future__ import annotations

import csv
import io

from conftest import check_page, strong_password
from selenium.webdriver.common.by import By
from test_journeys import click_and_wait_for_new_page, error_summary_shown, path_of, visible
from test_participant_journeys import EN, accept_invitation, invite_member, people, query_of, wait  # noqa: F401
from test_plan_journeys import COACH, PERSON, coach_and_participant, type_into

COACH_SIGNATURE = "Robin Coach"


def set_value(driver, css: str, value: str) -> None:
    """Fills a date or time input the way a picker would, whatever the keyboard layout."""
    field = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].value = arguments[1];", field, value)
    assert field.get_attribute("value") == value, f"{css} holds {field.get_attribute('value')!r}"


def choose(driver, label_for: str) -> None:
    label = driver.find_element(By.CSS_SELECTOR, f"label[for='{label_for}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", label)
    label.click()
    assert driver.find_element(By.CSS_SELECTOR, f"input#{label_for}").is_selected()


def submit(driver, css: str) -> None:
    button = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    click_and_wait_for_new_page(driver, button)


def test_coach_writes_and_signs_a_note_a_supervisor_approves_the_person_reads_it(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "session-notes")
    base, coach, person = cast.base, cast.staff, cast.person

    # The admin asks for notes to be reviewed before they count.
    browser.get(base + "/admin/settings")
    box = visible(browser, "input#notes_need_review")
    assert not box.is_selected()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    submit(browser, "form[action='/admin/settings'] button[type=submit]")
    visible(browser, "main div.notice.success")
    assert browser.find_element(By.CSS_SELECTOR, "input#notes_need_review").is_selected()
    check_page(browser, "settings with note review on")

    # The coach opens the person's notes from their record and starts a note.
    coach.get(f"{base}/participants/{cast.participant_id}")
    click_and_wait_for_new_page(coach, visible(coach, "a#notes-link"))
    wait(coach).until(lambda d: path_of(d) == f"/participants/{cast.participant_id}/notes")
    assert visible(coach, "p.empty-state").text.strip() == EN["notes_none"]
    check_page(coach, "notes list (empty)")
    click_and_wait_for_new_page(coach, visible(coach, "a#write-note"))
    visible(coach, "form#note-form")
    check_page(coach, "new note form")

    # A start time without an end or minutes is refused, with the error at the field.
    set_value(coach, "input#start", "09:30")
    submit(coach, "button#save-note")
    summary = error_summary_shown(coach)
    assert EN["error_session_time_required"] in summary, summary
    check_page(coach, "new note form with errors")

    session_day = coach.find_element(By.CSS_SELECTOR, "input#date").get_attribute("value")
    set_value(coach, "input#start", "09:30")
    set_value(coach, "input#end", "10:20")
    choose(coach, "mode-off_site")
    type_into(coach, "input#place", "Riverside park")
    type_into(coach, "textarea#goals", "Walk every day")
    type_into(coach, "textarea#done", "A walk to plan the week, to keep the routine going.")
    type_into(coach, "textarea#response", "Calmer by the end.")
    type_into(coach, "textarea#next_steps", "Walk again on Friday.")
    submit(coach, "button#save-note")
    wait(coach).until(lambda d: path_of(d).startswith("/notes/"))
    assert query_of(coach).get("saved") == ["1"]
    note_path = path_of(coach)
    assert visible(coach, "#note-state").text.strip() == EN["note_state_draft"]
    assert "Riverside park" in visible(coach, "dl#note-details").text
    check_page(coach, "draft note")

    # Signing locks it.
    type_into(coach, "input#typed_name", COACH_SIGNATURE)
    submit(coach, "button#sign-button")
    assert query_of(coach).get("signed") == ["1"]
    assert visible(coach, "#note-state").text.strip() == EN["note_state_pending"]
    assert COACH_SIGNATURE in visible(coach, "#note-signature").text
    assert not coach.find_elements(By.CSS_SELECTOR, "form#sign-note, a#edit-note")
    visible(coach, "form#add-to-note")
    check_page(coach, "signed note")

    # A supervisor finds it in the review queue and approves it.
    _, link = invite_member(browser, base, "supervisor")
    lead = people("supervisor")
    accept_invitation(lead, link, "", "Lee Lead", strong_password(), "supervisor")
    nav = visible(lead, "nav.side-nav a[href='/notes/review']")
    assert nav.text.strip() == EN["nav_notes_review"]
    click_and_wait_for_new_page(lead, nav)
    check_page(lead, "review queue")
    # Each waiting note names whom it is about and who wrote it.
    row = visible(lead, f"table#review-queue a[href='{note_path}']").find_element(By.XPATH, "./ancestor::tr").text
    assert PERSON in row and COACH in row, row
    click_and_wait_for_new_page(lead, visible(lead, f"table#review-queue a[href='{note_path}']"))
    visible(lead, "form#review-note")
    check_page(lead, "note to review")

    # Sent back first: the coach finds it in their outreach list and answers with an addendum.
    choose(lead, "decision-return")
    type_into(lead, "textarea#comment", "Say which goal the walk served.")
    submit(lead, "button#review-button")
    assert visible(lead, "#note-state").text.strip() == EN["note_state_returned"]
    coach.get(base + "/outreach")
    returned = visible(coach, "section#returned-notes")
    assert "Say which goal the walk served." in returned.text, returned.text
    check_page(coach, "outreach list with a note sent back")
    click_and_wait_for_new_page(coach, returned.find_element(By.CSS_SELECTOR, f"a[href='{note_path}']"))
    type_into(coach, "textarea#text", "The walk served the goal: walk every day.")
    type_into(coach, "input#addendum_typed_name", COACH_SIGNATURE)
    submit(coach, "button#add-button")
    assert "The walk served the goal" in visible(coach, "main").text
    coach.get(base + "/outreach")
    wait(coach).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "section#returned-notes"))

    # Back in the queue, the supervisor approves it.
    lead.get(base + "/notes/review")
    click_and_wait_for_new_page(lead, visible(lead, f"table#review-queue a[href='{note_path}']"))
    choose(lead, "decision-approve")
    submit(lead, "button#review-button")
    assert query_of(lead).get("reviewed") == ["1"]
    assert visible(lead, "#note-state").text.strip() == EN["note_state_approved"]
    check_page(lead, "approved note")

    # The supervisor bills the day: 50 minutes is 3 units under the CMS 8-minute rule.
    click_and_wait_for_new_page(lead, visible(lead, "nav.side-nav a[href='/billing']"))
    check_page(lead, "billing (last month, shown at once)")
    set_value(lead, "input#from", session_day)
    set_value(lead, "input#to", session_day)
    submit(lead, "form[action='/billing'] button[type=submit]")
    payers = visible(lead, "table#billing-payers").text
    assert EN["funding_grant"] in payers, payers
    check_page(lead, "billing for the day")
    href = visible(lead, "a[href^='/billing/export.csv']").get_attribute("href")
    status, kind, text = lead.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: 'same-origin'})
          .then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t])));""",
        href,
    )
    assert status == 200 and kind.startswith("text/csv"), (status, kind)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1, text
    row = rows[0]
    assert row["participant_id"] == cast.participant_id and row["participant_name"] == PERSON, row
    assert row["service_date"] == session_day and row["code"] == "H0038" and row["modifiers"] == "", row
    assert (row["minutes"], row["units"], row["sessions"]) == ("50", "3", "1"), row
    assert row["provider"] == COACH and row["payer"] == "grant" and row["capped"] == "no", row

    # The person reads the signed note from their own record.
    person.get(f"{base}/participants/{cast.participant_id}/notes")
    row_link = visible(person, f"table#notes-table a[href='{note_path}']")
    check_page(person, "the person's notes")
    click_and_wait_for_new_page(person, row_link)
    assert "A walk to plan the week" in visible(person, "#note-done").text
    assert not person.find_elements(By.CSS_SELECTOR, "form#review-note, form#add-to-note, form#sign-note")
    check_page(person, "the person reads their note")
