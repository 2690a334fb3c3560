"""Emails are plain text: names with an apostrophe or ampersand arrive as written (issue #13)."""

from __future__ import annotations

from types import SimpleNamespace

from srp.outbox import email_queue


def test_a_subject_with_an_apostrophe_arrives_as_plain_text(world):
    email = email_queue(
        to=["family@example.org"],
        template="agreements/email/review_due",
        context={
            "due": True,
            "agreement": SimpleNamespace(title="O'Brien & Sons <security> agreement"),
            "days_left": 0,
        },
        district=world.district,
    )
    assert email.subject == "Review due now: O'Brien & Sons <security> agreement"
    assert "&#x27;" not in email.subject and "&amp;" not in email.subject
    assert "\n" not in email.subject


def test_a_plain_text_body_is_not_html_escaped(world):
    email = email_queue(
        to=["family@example.org"],
        template="srp/email/test",
        context={"name": "Siobhán O'Brien & family"},
        district=None,
    )
    assert "Hello Siobhán O'Brien & family," in email.body
