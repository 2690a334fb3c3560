"""A board member reads adopted agreements and what the board adopted in them, nothing in
preparation: no draft or community-review agreement, no open review, no history (SPEC §1;
issue #11)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from agreements.models import AnnualReview, EngagementAttachment
from srp.models import SchoolYear
from tests.agreements.factories import (
    PDF_BYTES,
    AgreementFactory,
    AnnualReviewFactory,
    EngagementEventFactory,
)

pytestmark = pytest.mark.django_db


def attach(event, name: str) -> EngagementAttachment:
    attachment = EngagementAttachment(
        event=event, original_name=name, content_type="application/pdf", size=len(PDF_BYTES)
    )
    attachment.file.save(name, ContentFile(PDF_BYTES), save=True)
    return attachment


@pytest.fixture
def in_review(world, roster):
    """The adopted agreement's adopted review (with minutes) and next year's open review (with
    the notes of a meeting still going on), and a second agreement in community review."""
    adopted = roster["adopted"]
    adopted_review = adopted.reviews.get()
    adopted_minutes = attach(adopted_review.events.get(), "adopted-minutes.pdf")
    next_year = SchoolYear.objects.create(
        district=world.district,
        label="2027-28",
        first_instructional_day="2027-09-01",
        last_instructional_day="2028-06-15",
    )
    open_review = AnnualReviewFactory(
        agreement=adopted, school_year=next_year, status=AnnualReview.Status.OPEN
    )
    draft_event = EngagementEventFactory(review=open_review, summary="Draft notes, not adopted")
    draft_minutes = attach(draft_event, "draft-minutes.pdf")
    community = AgreementFactory(
        provider=roster["provider_b"], title="Community B", status="community_review"
    )
    return {
        "adopted": adopted,
        "adopted_minutes": adopted_minutes,
        "draft_minutes": draft_minutes,
        "community": community,
    }


def download(agreement, attachment) -> str:
    return reverse("agreements:attachment_download", args=[agreement.pk, attachment.pk])


def test_board_reads_only_the_reviews_the_board_adopted(world, roster, in_review, client_for):
    adopted = in_review["adopted"]
    board = client_for(world.board)
    detail = board.get(reverse("agreements:agreement_detail", args=[adopted.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Review 2026-27" in html and "adopted-minutes.pdf" in html
    assert "Review 2027-28" not in html and "Draft notes, not adopted" not in html
    assert "draft-minutes.pdf" not in html
    assert board.get(download(adopted, in_review["adopted_minutes"])).status_code == 200
    assert board.get(download(adopted, in_review["draft_minutes"])).status_code == 404
    # The administrator and the provider's liaison still see the work in progress.
    for who in (world.admin, world.liaison):
        c = client_for(who)
        page = c.get(reverse("agreements:agreement_detail", args=[adopted.pk])).content.decode()
        assert "Review 2027-28" in page and "draft-minutes.pdf" in page
        assert c.get(download(adopted, in_review["draft_minutes"])).status_code == 200


def test_board_sees_no_agreement_in_preparation_nor_its_history(
    world, roster, in_review, client_for
):
    board = client_for(world.board)
    listing = board.get(reverse("agreements:agreement_list")).content.decode()
    assert roster["adopted"].title in listing
    for title in ("Community B", "Draft B", "Ready B"):
        assert title not in listing
    export = board.get(reverse("agreements:agreement_list") + "?format=csv")
    rows = b"".join(export.streaming_content if export.streaming else [export.content]).decode()
    assert roster["adopted"].title in rows
    assert "Community B" not in rows and "Draft B" not in rows and "Ready B" not in rows
    for agreement in (in_review["community"], roster["draft_b"], roster["ready_b"]):
        detail = reverse("agreements:agreement_detail", args=[agreement.pk])
        assert board.get(detail).status_code == 404
    adopted = roster["adopted"].pk
    for name in ("agreement_history", "agreement_edit", "agreement_checklist", "review_create"):
        assert board.get(reverse(f"agreements:{name}", args=[adopted])).status_code == 403, name
    assert board.post(reverse("agreements:agreement_transition", args=[adopted])).status_code == 403
