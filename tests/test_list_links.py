"""Links only point where the reader may go (issue #14 item 6).

For every persona of the `world` fixture, with records of every kind in their lists, the
dashboard, each page of the navigation, and the pages those link to are fetched; every internal
link found on them is followed, and none may answer 403 or 404 (a dead link: a teacher's
intervention request linking to a call the teacher may not open, say).
"""

from __future__ import annotations

import datetime
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import ProviderOutcome
from incidents.models import InterventionRequest
from tests.agreements.factories import in_force_agreement
from tests.complaints.factories import complaint, link_liaison, pdf, provider, staff
from tests.incidents.factories import (
    CallFactory,
    InterventionFactory,
    RestraintFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = (
    "admin",
    "principal_a",
    "principal_b",
    "teacher_a",
    "safety_staff",
    "investigator",
    "liaison",
    "board",
)
# Pages fetched per persona, breadth first from the dashboard: the navigation's lists, their
# records, and the records those open.
MAX_PAGES = 70
MAX_DEPTH = 3
# Not pages of the signed-in reader: static files, the sign-out, downloads of large exports.
SKIPPED_PREFIXES = ("/static/", "/media/", "/accounts/logout", "/i18n/")
SKIPPED_SUFFIXES = (".csv", ".pdf", ".zip", ".ics")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.hrefs.append(urldefrag(href)[0])


def internal_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [
        h
        for h in parser.hrefs
        if h
        and not h.startswith(SKIPPED_PREFIXES)
        and not urlsplit(h).path.endswith(SKIPPED_SUFFIXES)
        and "format=csv" not in h
    ]


@pytest.fixture
def records(world):
    """Records of every kind at school A (and one at school B), through the tests' factories:
    a call with a student, the teacher's intervention request linked to that call, a
    self-initiated one answered by the SRO, a restraint report, a complaint referred to the
    sheriff with the sheriff's answer, an agreement in force."""
    sheriff = provider(world.district)
    link_liaison(world.liaison, world.district, sheriff)
    officer = staff(world.district, world.school_a, world.year, user=world.safety_staff)
    staff(world.district, world.school_b, world.year, badge="B-2", employer=sheriff)
    in_force_agreement(sheriff, world.year)
    now = timezone.now()
    call_a = CallFactory(
        school=world.school_a,
        responding_staff=officer,
        created_by=world.safety_staff,
        occurred_at=now - datetime.timedelta(days=2),
    )
    StudentFactory(call=call_a)
    call_b = CallFactory(school=world.school_b, responding_staff=officer)
    InterventionFactory(
        school=world.school_a,
        requested_by=world.teacher_a,
        call=call_a,
        status=InterventionRequest.Status.RESPONDED,
        responded_by=officer,
        responded_at=now - datetime.timedelta(hours=1),
        outcome="de_escalated",
    )
    InterventionFactory(school=world.school_a, requested_by=world.teacher_a)
    InterventionFactory(school=world.school_b, requested_by=world.principal_b, call=call_b)
    RestraintFactory(school=world.school_a, staff_member=officer, call=call_a)
    c = complaint(world, files=[(pdf("photo.pdf"), "application/pdf")])
    c = complaint_services.complaint_assign(
        complaint=c, investigator=world.investigator, by=world.admin
    )
    c = complaint_services.complaint_refer(
        complaint=c,
        provider=sheriff,
        referred_on=datetime.date(2026, 11, 20),
        case_number="",
        by=world.admin,
    )
    complaint_services.referral_record_provider_outcome(
        complaint=c,
        by=world.liaison,
        case_number="CCSO-1",
        outcome=ProviderOutcome.PENDING,
        outcome_text="",
        received_on=datetime.date(2026, 11, 25),
        documents=[(pdf("report.pdf"), "application/pdf")],
    )
    return world


def crawl(client, start: str = "/") -> tuple[list[str], int]:  # noqa: ANN001
    """Breadth first from `start`: each distinct path once (with the first query seen)."""
    dead: list[str] = []
    seen: set[str] = set()
    queue: deque[tuple[str, str, int]] = deque([(start, "(start)", 0)])
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url, source, depth = queue.popleft()
        path = urlsplit(url).path
        if path in seen:
            continue
        seen.add(path)
        response = client.get(url)
        fetched += 1
        if response.status_code in (403, 404):
            dead.append(f"{source} -> {url}: {response.status_code}")
            continue
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            seen.discard(urlsplit(response["Location"]).path)
            queue.appendleft((response["Location"], url, depth))
            continue
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        if depth >= MAX_DEPTH:
            continue
        for href in internal_links(response.content.decode()):
            if urlsplit(href).path not in seen:
                queue.append((href, url, depth + 1))
    return dead, fetched


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_link_on_the_readers_pages_is_dead(client_for, records, persona):
    dead, fetched = crawl(client_for(getattr(records, persona)))
    assert fetched >= 8, "the crawl saw too little to prove anything"
    assert dead == []


def test_a_teachers_request_shows_the_call_as_text(client_for, records):
    """The teacher filed the request the SRO answered with a call: the teacher reads which
    call, but is not offered a link to a page they may not open."""
    request = InterventionRequest.objects.get(requested_by=records.teacher_a, call__isnull=False)
    call_url = reverse("incidents:call_detail", args=[request.call_id])
    teacher = client_for(records.teacher_a)
    assert teacher.get(call_url).status_code == 403
    body = teacher.get(reverse("incidents:intervention_detail", args=[request.pk])).content
    assert call_url.encode() not in body
    assert request.call.call_ref.encode() in body
    principal = client_for(records.principal_a)
    assert principal.get(call_url).status_code == 200
    page = principal.get(reverse("incidents:intervention_detail", args=[request.pk])).content
    assert call_url.encode() in page


def test_the_crawl_would_see_a_dead_link(client_for, records):
    """The check itself can fail: a link the reader may not follow is reported."""
    client = client_for(records.teacher_a)
    dead, _fetched = crawl(client, start=reverse("incidents:call_list"))
    assert dead and dead[0].endswith(": 403")
