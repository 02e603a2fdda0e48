"""Browser journey for the organization's public site, at 360 px and 1280 px, with e-mail
through a real SMTP server (aiosmtpd) and the Atom feed read by feedparser.

The admin writes an article in Markdown, previews it and publishes it. A guest, not signed
in, finds it from the organization's home, comments (held for moderation), rates it 4
stars and follows new articles: the confirmation e-mail's link shows a button, which
confirms. The admin approves the comment, which then shows, without the guest's e-mail.
The Atom feed parses as Atom 1.0 with the article. A second article reaches the follower by
e-mail, with a one-click unsubscribe link that works. Every page passes `check_page`
(axe-core, the crisis link, no sideways scroll at 360 px).
"""

from __future__ import annotations

import re
import urllib.request

import feedparser
from conftest import check_page, free_port, perform_setup, unique_email
from selenium.webdriver.common.by import By
from test_email import body_of, smtp_env, start_mail_server, to
from test_journeys import click_and_wait_for_new_page, error_summary_shown, path_of, visible
from test_participant_journeys import EN, people, query_of, wait  # noqa: F401
from test_plan_journeys import type_into
from test_session_note_journeys import choose, submit

BODY = """## What a peer recovery coach does

A coach walks beside you on **any pathway** you choose:

- finding meetings and mutual aid
- housing, work and health

[Find help near you](https://findtreatment.gov)
"""


def write_article(driver, base: str, title: str) -> str:
    driver.get(f"{base}/admin/articles/new")
    type_into(driver, "input#title", title)
    type_into(driver, "input#summary", "Someone who has been there, beside you")
    type_into(driver, "textarea#body", BODY)
    type_into(driver, "input#tags", "Peer support, Refugee health")
    submit(driver, "button#publish-article")
    wait(driver).until(lambda d: query_of(d).get("published") == ["1"])
    return path_of(driver)


def test_guest_comments_rates_and_follows_an_article(browser, fresh_server, people):  # noqa: F811
    port = free_port()
    controller, inbox = start_mail_server(port)
    try:
        srv = fresh_server("site", env=smtp_env(port))
        base = srv.base_url
        perform_setup(browser, srv)

        # The admin writes, previews (nothing is kept yet), and publishes.
        browser.get(f"{base}/")
        click_and_wait_for_new_page(browser, visible(browser, "nav a[href='/admin/articles']"))
        check_page(browser, "articles (none)")
        click_and_wait_for_new_page(browser, visible(browser, "a#new-article"))
        check_page(browser, "new article")
        submit(browser, "button#publish-article")
        summary = error_summary_shown(browser)
        assert EN["error_article_title"] in summary, summary
        check_page(browser, "new article with errors")
        type_into(browser, "input#title", "What a peer recovery coach does")
        type_into(browser, "textarea#body", BODY)
        submit(browser, "button#preview-article")
        preview = visible(browser, "#preview .article-body")
        assert preview.find_element(By.TAG_NAME, "h2").text.strip() == "What a peer recovery coach does"
        assert preview.find_element(By.CSS_SELECTOR, "strong").text.strip() == "any pathway"
        check_page(browser, "article preview")
        type_into(browser, "input#tags", "Peer support, Refugee health")
        submit(browser, "button#publish-article")
        wait(browser).until(lambda d: query_of(d).get("published") == ["1"])
        browser.get(f"{base}/admin/articles")
        site_path = visible(browser, "a#public-site").get_attribute("href").split(base, 1)[1]

        # A guest, not signed in, finds it from the organization's home.
        guest = people("guest")
        guest.get(f"{base}{site_path}")
        check_page(guest, "public home")
        click_and_wait_for_new_page(guest, visible(guest, "#article-cards a"))
        article_path = path_of(guest)
        assert visible(guest, "#article-body h2").text.strip() == "What a peer recovery coach does"
        assert visible(guest, "#rating-summary").text.strip() == EN["rating_none"]
        check_page(guest, "article (guest)")

        # A comment, held for moderation; a missing e-mail is refused first.
        type_into(guest, "input#name", "Ana")
        type_into(guest, "textarea#body", "This helped my brother find a coach.")
        submit(guest, "button#comment-button")
        summary = error_summary_shown(guest)
        assert EN["error_email_invalid"] in summary or EN["error_email_missing"] in summary, summary
        check_page(guest, "article comment with errors")
        type_into(guest, "input#email", "ana@example.org")
        submit(guest, "button#comment-button")
        wait(guest).until(lambda d: query_of(d).get("held") == ["1"])
        assert visible(guest, "#no-comments")

        # Four stars, by keyboard-reachable radio buttons.
        choose(guest, "stars-4")
        submit(guest, "button#rate-button")
        wait(guest).until(lambda d: query_of(d).get("rated") == ["1"])
        assert visible(guest, "#rating-summary").text.strip().startswith("4.0")
        check_page(guest, "article rated")

        # Following: the e-mail's link opens a page whose button confirms.
        reader = unique_email("reader")
        type_into(guest, "input#follow_email", reader)
        submit(guest, "button#follow-button")
        visible(guest, "#follow-sent")
        check_page(guest, "follow requested")
        confirmation = inbox.wait_for(to(reader), "to confirm following")
        link = re.search(r"https?://\S+/follow/\S+", body_of(confirmation)).group(0)
        guest.get(base + "/follow/" + link.rsplit("/follow/", 1)[1])
        check_page(guest, "confirm following")
        submit(guest, "button#confirm-follow")
        visible(guest, "#follow-confirmed")

        # The admin approves the comment; it shows without the e-mail.
        browser.get(f"{base}/admin/comments")
        check_page(browser, "comments to moderate")
        queue = visible(browser, "#moderation-queue").text
        assert "This helped my brother find a coach." in queue and "ana@example.org" in queue
        submit(browser, "#moderation-queue form:first-of-type button")
        wait(browser).until(lambda d: query_of(d).get("done") == ["1"])
        assert visible(browser, "#queue-empty")
        guest.get(f"{base}{article_path}")
        comments = visible(guest, "#comment-list").text
        assert "This helped my brother find a coach." in comments and "ana@example.org" not in comments
        check_page(guest, "article with an approved comment")

        # The Atom feed, as a feed reader takes it.
        with urllib.request.urlopen(f"{base}{site_path}/articles.atom", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("application/atom+xml")
            feed = feedparser.parse(response.read())
        assert feed.version == "atom10" and not feed.bozo, feed.bozo_exception if feed.bozo else feed.version
        assert feed.feed.title and feed.feed.id and feed.feed.updated
        (entry,) = feed.entries
        assert entry.title == "What a peer recovery coach does" and entry.link.endswith(article_path)
        assert entry.id and entry.updated and entry.author and "any pathway" in entry.content[0].value

        # A second article reaches the follower, who leaves with one click.
        write_article(browser, base, "Refugee health and recovery")
        notice = inbox.wait_for(lambda m: to(reader)(m) and m["Subject"] == EN["email_article_subject"], "of it")
        text = body_of(notice)
        assert "Refugee health and recovery" in text, text
        unsubscribe = re.search(r"https?://\S+/unsubscribe/\S+", text).group(0)
        guest.get(base + "/unsubscribe/" + unsubscribe.rsplit("/unsubscribe/", 1)[1])
        submit(guest, "button#unsubscribe-button")
        visible(guest, "#unsubscribed")
        check_page(guest, "unsubscribed")
    finally:
        controller.stop()
