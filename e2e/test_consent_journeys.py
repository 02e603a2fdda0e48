"""Browser journey for consent: a participant shares her milestones, and only them, with her
mother, then takes it back.

The admin invites the mother as a family member; the participant opens "Who can see what",
tries to sign a consent without ticking anything (refused, nothing kept), then grants her
mother access to milestones only until her coaching ends, and reads the printable form with
the 42 CFR notice. The mother, signed in in a browser of her own, finds her daughter under
"Shared with you": the milestones show, the check-ins do not. The participant revokes; the
mother, still signed in, reloads and sees nothing. The participant's disclosure history
lists each of the mother's views. Runs at 360 px and 1280 px; every page passes `check_page`
(axe-core, the crisis link, no sideways scroll at 360 px).
"""

from __future__ import annotations

from conftest import check_page, strong_password
from selenium.webdriver.common.by import By
from test_directory_journeys import tick
from test_journeys import click_and_wait_for_new_page, error_summary_shown, path_of, visible
from test_participant_journeys import EN, accept_invitation, invite_member, people, wait  # noqa: F401
from test_plan_journeys import coach_and_participant, type_into
from test_session_note_journeys import choose, submit

MOTHER = "Elena Ruiz"


def test_participant_shares_milestones_with_her_mother_then_revokes(browser, fresh_server, people):  # noqa: F811
    cast = coach_and_participant(browser, fresh_server, people, "consent")
    base, person = cast.base, cast.person

    # The admin (the first browser) invites the mother as a family member.
    org_name = visible(browser, "a.brand").text.strip()
    mother_email, link = invite_member(browser, base, "family")
    mother = people("mother")
    accept_invitation(mother, link, org_name, MOTHER, strong_password(), "family member")
    assert visible(mother, "#shared-with-me .empty-state").text.strip() == EN["shared_none"]
    # Not coached herself (yet): the wellbeing link says why there is nothing to fill in.
    mother.get(f"{base}/wellbeing")
    assert visible(mother, "#wellbeing-none").text.strip() == EN["wellbeing_no_record"]
    check_page(mother, "wellbeing, no record of her own yet")

    # The participant opens "Who can see what" from her home page.
    person.get(f"{base}/")
    click_and_wait_for_new_page(person, visible(person, "a#my-consents"))
    assert visible(person, "#no-consents").text.strip() == EN["consents_none"]
    check_page(person, "who can see what (nothing shared)")
    click_and_wait_for_new_page(person, visible(person, "a#new-consent"))
    check_page(person, "new consent form")

    # Nothing ticked and no signature: refused, nothing kept.
    type_into(person, "input#recipient_email", mother_email)
    submit(person, "button#sign-consent")
    summary = error_summary_shown(person)
    assert EN["error_consent_categories"] in summary, summary
    check_page(person, "new consent form with errors")

    # Milestones only, for family support, until her coaching ends; signed with her name.
    choose(person, "kind-account")
    tick(person, "category-milestones")
    choose(person, "purpose-family_support")
    choose(person, "expiry-engagement")
    type_into(person, "input#typed_name", "Dana Whitfield")
    submit(person, "button#sign-consent")
    wait(person).until(lambda d: path_of(d).startswith("/consents/"))
    document = visible(person, "#consent-document").text
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in document
    assert MOTHER in visible(person, "#consent-recipient").text
    assert visible(person, "#consent-categories").text.strip() == EN["consent_category_milestones"]
    assert visible(person, "#consent-state").text.strip() == EN["consent_state_in_force"]
    check_page(person, "consent form (signed)")

    # The mother sees her daughter's milestones, and not her check-ins.
    mother.get(f"{base}/")
    shared_link = visible(mother, "#shared-with-me a")
    click_and_wait_for_new_page(mother, shared_link)
    wait(mother).until(lambda d: path_of(d).startswith("/shared/"))
    shared_path = path_of(mother)
    visible(mother, "#shared-milestones")
    assert not mother.find_elements(By.CSS_SELECTOR, "#shared-check-ins"), "check-ins were shown"
    assert not mother.find_elements(By.CSS_SELECTOR, "#shared-plan"), "the plan was shown"
    check_page(mother, "shared with you: milestones")
    mother.get(f"{base}{shared_path}")
    visible(mother, "#shared-milestones")

    # She revokes; the mother, still signed in, sees nothing on her very next request.
    person.get(f"{base}/participants/{cast.participant_id}/consents")
    click_and_wait_for_new_page(person, visible(person, "#consents a[id^='revoke-']"))
    assert MOTHER in visible(person, "#revoke-intro").text
    check_page(person, "stop sharing? (confirm)")
    submit(person, "button#confirm-revoke")
    visible(person, "div.notice.success")
    assert EN["consent_state_revoked"] in visible(person, "#consents").text
    check_page(person, "who can see what (revoked)")
    mother.get(f"{base}{shared_path}")
    assert visible(mother, "#shared-nothing").text.strip() == EN["shared_nothing_text"]
    assert not mother.find_elements(By.CSS_SELECTOR, "#shared-milestones")
    check_page(mother, "shared with you: nothing after revoking")
    mother.get(f"{base}/")
    assert visible(mother, "#shared-with-me .empty-state").text.strip() == EN["shared_none"]

    # Her disclosure history lists each of her mother's two views.
    person.get(f"{base}/participants/{cast.participant_id}/consents")
    click_and_wait_for_new_page(person, visible(person, "a#disclosure-history"))
    rows = person.find_elements(By.CSS_SELECTOR, "table#disclosures tbody tr")
    assert len(rows) == 2, [row.text for row in rows]
    for row in rows:
        assert MOTHER in row.text and EN["consent_category_milestones"] in row.text, row.text
        assert EN["disclosure_kind_view"] in row.text, row.text
    check_page(person, "disclosure history")
