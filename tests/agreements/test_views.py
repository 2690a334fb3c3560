"""Views through the real stack: scope, roles, happy paths and bad input (R-01 … R-05, R-24)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import (
    Agreement,
    AnnualReview,
    EngagementAttachment,
    EngagementEvent,
    EsdDocumentation,
    HiringRecord,
    PerformanceEvaluation,
    Provider,
    StaffAssignment,
    StaffMember,
    TrainingRecord,
)
from tests.agreements.factories import PDF_BYTES, AgreementFactory, StaffMemberFactory

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="signed.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, "application/pdf")


def write_urls(r):
    a, b = r["adopted"], r["ready_b"]
    s = r["staff_a"]
    assignment = s.assignments.get()
    return {
        "agreement_edit": ("get", reverse("agreements:agreement_edit", args=[a.pk])),
        "agreement_checklist": ("get", reverse("agreements:agreement_checklist", args=[a.pk])),
        "agreement_transition": (
            "post",
            reverse("agreements:agreement_transition", args=[a.pk]),
        ),
        "agreement_adopt": ("get", reverse("agreements:agreement_adopt", args=[b.pk])),
        "agreement_document_upload": (
            "get",
            reverse("agreements:agreement_document_upload", args=[a.pk]),
        ),
        "review_create": ("get", reverse("agreements:review_create", args=[a.pk])),
        "event_create": (
            "get",
            reverse("agreements:event_create", args=[b.pk, r["review_b"].pk]),
        ),
        "provider_edit": ("get", reverse("agreements:provider_edit", args=[r["provider_a"].pk])),
        "staff_edit": ("get", reverse("agreements:staff_edit", args=[s.pk])),
        "assignment_add": ("get", reverse("agreements:assignment_add", args=[s.pk])),
        # "Remove" became "End" (issue #13): an assignment ends with a date, never deleted.
        "assignment_end": (
            "get",
            reverse("agreements:assignment_end", args=[s.pk, assignment.pk]),
        ),
        "training_add": ("get", reverse("agreements:training_add", args=[s.pk])),
        "esd_add": ("get", reverse("agreements:esd_add", args=[s.pk])),
        "hiring_add": ("get", reverse("agreements:hiring_add", args=[s.pk])),
        "evaluation_add": ("get", reverse("agreements:evaluation_add", args=[s.pk])),
    }


WRITE_VIEWS = [
    "agreement_edit",
    "agreement_checklist",
    "agreement_transition",
    "agreement_adopt",
    "agreement_document_upload",
    "review_create",
    "event_create",
    "provider_edit",
    "staff_edit",
    "assignment_add",
    "assignment_end",
    "training_add",
    "esd_add",
    "hiring_add",
    "evaluation_add",
]


@pytest.mark.parametrize("name", WRITE_VIEWS)
def test_write_view_access(world, roster, client_for, client, name):
    method, url = write_urls(roster)[name]
    # Program administrator: the page (or the POST's redirect).
    response = getattr(client_for(world.admin), method)(url)
    assert response.status_code in (200, 302)
    # Another district's administrator: the record does not exist for them.
    assert getattr(client_for(world.outsider), method)(url).status_code == 404
    # Read-only roles and roles without access: 403.
    for reader in (world.liaison, world.board, world.principal_a, world.teacher_a):
        assert getattr(client_for(reader), method)(url).status_code == 403, reader
    # Anonymous: to the sign-in page.
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "name", ["agreements:agreement_create", "agreements:provider_create", "agreements:staff_create"]
)
def test_create_views_access(world, client_for, client, name):
    url = reverse(name)
    assert client_for(world.admin).get(url).status_code == 200
    assert client_for(world.liaison).get(url).status_code == 403
    assert client_for(world.board).get(url).status_code == 403
    assert client_for(world.principal_a).get(url).status_code == 403
    assert client.get(url).status_code == 302


# Agreements ----------------------------------------------------------------------------------
def test_admin_creates_agreement_then_checklist(world, roster, client_for):
    c = client_for(world.admin)
    response = c.post(
        reverse("agreements:agreement_create"),
        {
            "provider": roster["provider_a"].pk,
            "title": "New SRO agreement",
            "effective_from": "2026-09-01",
        },
    )
    agreement = Agreement.objects.get(title="New SRO agreement")
    assert response["Location"] == reverse("agreements:agreement_checklist", args=[agreement.pk])
    assert agreement.elements.count() == 10


def test_agreement_create_refuses_other_districts_provider(world, roster, client_for):
    response = client_for(world.admin).post(
        reverse("agreements:agreement_create"),
        {
            "provider": roster["other_provider"].pk,
            "title": "Sneaky",
            "effective_from": "2026-09-01",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Agreement.objects.filter(title="Sneaky").exists()


def _checklist_data(agreement, overrides=None):
    data = {
        "elements-TOTAL_FORMS": "10",
        "elements-INITIAL_FORMS": "10",
        "elements-MIN_NUM_FORMS": "0",
        "elements-MAX_NUM_FORMS": "10",
    }
    for index, element in enumerate(agreement.elements.all()):
        data[f"elements-{index}-code"] = element.code
        data[f"elements-{index}-present"] = "on"
        data[f"elements-{index}-section"] = f"{index + 1}"
        data[f"elements-{index}-page"] = str(index + 2)
        data[f"elements-{index}-excerpt"] = ""
    data.update(overrides or {})
    return data


def test_checklist_saves_all_elements(world, roster, client_for):
    agreement = roster["draft_b"]
    response = client_for(world.admin).post(
        reverse("agreements:agreement_checklist", args=[agreement.pk]), _checklist_data(agreement)
    )
    assert response.status_code == 302
    assert agreement.elements.filter(present=True).count() == 10
    assert agreement.elements.get(code="B2").page == 8


def test_checklist_present_without_reference_is_refused_on_the_field(world, roster, client_for):
    agreement = roster["draft_b"]
    data = _checklist_data(agreement, {"elements-3-section": "", "elements-3-page": ""})
    response = client_for(world.admin).post(
        reverse("agreements:agreement_checklist", args=[agreement.pk]), data
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the section where this element is written." in html
    assert "Give the page where this element is written." in html
    assert 'aria-invalid="true"' in html
    # Nothing saved: only A1 (from the factory) is present.
    assert list(agreement.elements.filter(present=True).values_list("code", flat=True)) == ["A1"]


def test_adopt_refused_names_missing_elements(world, roster, client_for):
    agreement = roster["ready_b"]
    agreement.elements.filter(code__in=["A5", "D"]).update(present=False, section="", page=None)
    response = client_for(world.admin).post(
        reverse("agreements:agreement_adopt", args=[agreement.pk]),
        {"review": roster["review_b"].pk, "adopted_on": "2026-11-20", "board_action": "R-9"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Adoption refused" in html
    assert "A5 – How families complain" in html and "D – Annual collection" in html
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.READY


def test_adopt_happy_path(world, roster, client_for):
    agreement = roster["ready_b"]
    response = client_for(world.admin).post(
        reverse("agreements:agreement_adopt", args=[agreement.pk]),
        {"review": roster["review_b"].pk, "adopted_on": "2026-11-20", "board_action": "R-9"},
        follow=True,
    )
    assert "The next review is due on 2027-11-20" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ADOPTED
    assert AnnualReview.objects.get(pk=roster["review_b"].pk).status == "adopted"


def test_adopt_date_before_review_refused_on_field(world, roster, client_for):
    agreement = roster["ready_b"]
    response = client_for(world.admin).post(
        reverse("agreements:agreement_adopt", args=[agreement.pk]),
        {"review": roster["review_b"].pk, "adopted_on": "2026-09-10", "board_action": "R-9"},
    )
    html = response.content.decode()
    assert "before the review&#x27;s last engagement event" in html
    assert 'id="error_1_id_adopted_on"' in html
    agreement.refresh_from_db()
    assert agreement.adopted_on is None


def test_transition_moves_and_refuses_illegal(world, roster, client_for):
    c = client_for(world.admin)
    agreement = roster["draft_b"]
    url = reverse("agreements:agreement_transition", args=[agreement.pk])
    c.post(url, {"to": "community_review"})
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.COMMUNITY_REVIEW
    response = c.post(roster_url := url, {"to": "adopted"}, follow=True)
    assert roster_url
    assert "Unknown action" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.COMMUNITY_REVIEW


def test_document_upload_and_scoped_download(world, roster, client_for):
    agreement = roster["adopted"]
    c = client_for(world.admin)
    url = reverse("agreements:agreement_document_upload", args=[agreement.pk])
    assert c.post(url, {"document": pdf()}).status_code == 302
    download = reverse("agreements:agreement_document", args=[agreement.pk])
    response = c.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    # The liaison of the provider and the board may read it; another district may not.
    assert client_for(world.liaison).get(download).status_code == 200
    assert client_for(world.board).get(download).status_code == 200
    assert client_for(world.outsider).get(download).status_code == 404
    assert client_for(world.principal_a).get(download).status_code == 403


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("signed.pdf", PNG_BYTES, "application/pdf"), "not a file type"),
        (
            SimpleUploadedFile(
                "huge.pdf", PDF_BYTES + b"0" * (50 * 1024 * 1024), "application/pdf"
            ),
            "the largest file accepted is 20",
        ),
        (SimpleUploadedFile("empty.pdf", b"", "application/pdf"), "empty"),
    ],
    ids=["disguised", "50mb", "empty"],
)
def test_document_upload_bad_files_refused(world, roster, client_for, upload, message):
    agreement = roster["adopted"]
    response = client_for(world.admin).post(
        reverse("agreements:agreement_document_upload", args=[agreement.pk]), {"document": upload}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    agreement.refresh_from_db()
    assert not agreement.document


def test_review_and_engagement_event(world, roster, client_for):
    c = client_for(world.admin)
    agreement = roster["draft_b"]
    assert (
        c.post(
            reverse("agreements:review_create", args=[agreement.pk]),
            {"school_year": world.year.pk},
        ).status_code
        == 302
    )
    review = agreement.reviews.get()
    url = reverse("agreements:event_create", args=[agreement.pk, review.pk])
    response = c.post(
        url,
        {
            "held_on": "2026-11-02",
            "kind": "listening_session",
            "parents": "14",
            "students": "6",
            "community_members": "3",
            "summary": "Evening session",
            "attachments": [pdf("minutes.pdf"), SimpleUploadedFile("photo.png", PNG_BYTES)],
        },
    )
    assert response.status_code == 302
    event = review.events.get()
    assert event.participants == 23
    assert sorted(EngagementAttachment.objects.values_list("original_name", flat=True)) == [
        "minutes.pdf",
        "photo.png",
    ]
    attachment = EngagementAttachment.objects.get(original_name="minutes.pdf")
    download = reverse("agreements:attachment_download", args=[agreement.pk, attachment.pk])
    assert c.get(download).status_code == 200
    # Provider B's attachment is not the liaison's (provider A) to read.
    assert client_for(world.liaison).get(download).status_code == 404


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"parents": "0", "students": "0", "community_members": "0"}, "at least one parent"),
        ({"parents": "-3"}, "greater than or equal to 0"),
        ({"held_on": "2027-01-01"}, "This date is in the future"),
        ({"held_on": "not-a-date"}, "Enter a valid date"),
    ],
    ids=["no-participants", "negative", "future", "malformed"],
)
def test_engagement_event_bad_input(world, roster, client_for, data, field_error):
    review = roster["review_b"]
    base = {
        "held_on": "2026-11-02",
        "kind": "meeting",
        "parents": "1",
        "students": "1",
        "community_members": "1",
        "summary": "x",
    }
    response = client_for(world.admin).post(
        reverse("agreements:event_create", args=[roster["ready_b"].pk, review.pk]),
        {**base, **data},
    )
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert review.events.count() == 1


def test_engagement_attachment_disguised_refused_nothing_saved(world, roster, client_for):
    review = roster["review_b"]
    response = client_for(world.admin).post(
        reverse("agreements:event_create", args=[roster["ready_b"].pk, review.pk]),
        {
            "held_on": "2026-11-02",
            "kind": "meeting",
            "parents": "1",
            "students": "1",
            "community_members": "1",
            "summary": "x",
            "attachments": [pdf(), SimpleUploadedFile("evil.pdf", b"<script>x</script>")],
        },
    )
    assert "not a file type we accept" in response.content.decode()
    assert review.events.count() == 1
    assert not EngagementAttachment.objects.exists()


def test_event_of_another_agreements_review_is_404(world, roster, client_for):
    url = reverse("agreements:event_create", args=[roster["adopted"].pk, roster["review_b"].pk])
    assert client_for(world.admin).get(url).status_code == 404


# Scope of reads ------------------------------------------------------------------------------
def test_liaison_sees_only_its_providers_agreements(world, roster, client_for):
    c = client_for(world.liaison)
    html = c.get(reverse("agreements:agreement_list")).content.decode()
    assert roster["adopted"].title in html
    assert "Ready B" not in html and "Draft B" not in html
    assert (
        c.get(reverse("agreements:agreement_detail", args=[roster["ready_b"].pk])).status_code
        == 404
    )
    assert (
        c.get(reverse("agreements:agreement_detail", args=[roster["adopted"].pk])).status_code
        == 200
    )
    assert (
        c.get(reverse("agreements:provider_detail", args=[roster["provider_b"].pk])).status_code
        == 404
    )
    staff_html = c.get(reverse("agreements:staff_list")).content.decode()
    assert "Alpha" in staff_html and "Beta" not in staff_html
    assert c.get(reverse("agreements:staff_detail", args=[roster["staff_b"].pk])).status_code == 404


def test_board_reads_adopted_agreements_only(world, roster, client_for):
    c = client_for(world.board)
    html = c.get(reverse("agreements:agreement_list")).content.decode()
    assert roster["adopted"].title in html
    assert "Ready B" not in html and "Draft B" not in html
    assert (
        c.get(reverse("agreements:agreement_detail", args=[roster["ready_b"].pk])).status_code
        == 404
    )
    detail = c.get(reverse("agreements:agreement_detail", args=[roster["adopted"].pk]))
    assert detail.status_code == 200
    assert "Edit the checklist" not in detail.content.decode()
    assert c.get(reverse("agreements:staff_list")).status_code == 403
    assert c.get(reverse("agreements:provider_list")).status_code == 403
    assert c.get(reverse("agreements:training_compliance")).status_code == 403


def test_principal_sees_staff_on_their_schools_and_cannot_touch_agreements(
    world, roster, client_for
):
    c = client_for(world.principal_a)
    html = c.get(reverse("agreements:staff_list")).content.decode()
    assert "Alpha" in html and "Beta" not in html
    assert c.get(reverse("agreements:staff_detail", args=[roster["staff_b"].pk])).status_code == 404
    assert c.get(reverse("agreements:staff_detail", args=[roster["staff_a"].pk])).status_code == 200
    assert c.get(reverse("agreements:agreement_list")).status_code == 403
    assert (
        c.get(reverse("agreements:agreement_edit", args=[roster["adopted"].pk])).status_code == 403
    )
    training = c.get(reverse("agreements:training_compliance")).content.decode()
    assert "Alpha" in training and "Beta" not in training


def test_outsider_sees_nothing_of_the_district(world, roster, client_for):
    c = client_for(world.outsider)
    html = c.get(reverse("agreements:agreement_list")).content.decode()
    assert roster["adopted"].title not in html
    assert (
        c.get(reverse("agreements:agreement_detail", args=[roster["adopted"].pk])).status_code
        == 404
    )
    assert c.get(reverse("agreements:staff_detail", args=[roster["staff_a"].pk])).status_code == 404
    assert "Alpha" not in c.get(reverse("agreements:staff_list")).content.decode()


# Lists: filters, search, CSV, query counts ---------------------------------------------------
def test_agreement_list_filters_search_and_csv(world, roster, client_for):
    c = client_for(world.admin)
    html = c.get(reverse("agreements:agreement_list"), {"status": "ready"}).content.decode()
    assert "Ready B" in html and "Draft B" not in html
    html = c.get(reverse("agreements:agreement_list"), {"q": "draft"}).content.decode()
    assert "Draft B" in html and "Ready B" not in html
    response = c.get(reverse("agreements:agreement_list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].lstrip("\ufeff").startswith("title,provider,status")
    assert "Draft B" in body and "Orchard" not in body


def test_agreement_list_query_count(world, roster, client_for, django_assert_max_num_queries):
    for n in range(15):
        AgreementFactory(provider=roster["provider_b"], title=f"Extra {n}", elements=True)
    c = client_for(world.admin)
    with django_assert_max_num_queries(12):
        response = c.get(reverse("agreements:agreement_list"))
    assert "Extra 14" in response.content.decode()


def test_staff_list_query_count_and_flag(world, roster, client_for, django_assert_max_num_queries):
    for _n in range(20):
        StaffMemberFactory(district=world.district, employer=roster["provider_b"])
    c = client_for(world.admin)
    # Sign-in, scope and second-factor checks take 8; the page itself 8, whatever the rows.
    with django_assert_max_num_queries(16):
        response = c.get(reverse("agreements:staff_list"))
    html = response.content.decode()
    assert html.count("No agreement in force") == 21  # every provider B staff member
    response = c.get(reverse("agreements:staff_list"), {"school": world.school_a.pk})
    assert "Alpha" in response.content.decode()
    assert "Beta" not in response.content.decode()


def test_staff_csv(world, roster, client_for):
    response = client_for(world.admin).get(reverse("agreements:staff_list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "agreement_in_force" in body.splitlines()[0]
    assert "Alpha" in body and "3401 2" in body
    for forbidden in ("immigration", "citizenship", "visa", "birth"):
        assert forbidden not in body.lower()


def test_training_compliance_filters_csv_and_query_count(
    world, roster, client_for, django_assert_max_num_queries
):
    staff = roster["staff_b"]
    staff.first_day_on_campus = datetime.date(2025, 1, 6)
    staff.save()
    for _n in range(10):
        StaffMemberFactory(district=world.district)
    c = client_for(world.admin)
    # 8 for sign-in and scope; staff, assignments, training, ESD and the filter choices: 9.
    with django_assert_max_num_queries(17):
        response = c.get(reverse("agreements:training_compliance"))
    assert response.status_code == 200
    html = c.get(reverse("agreements:training_compliance"), {"state": "overdue"}).content.decode()
    assert "Beta" in html and "Alpha" not in html
    response = c.get(reverse("agreements:training_compliance"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "classroom_state" in body.splitlines()[0]
    beta = next(line for line in body.splitlines() if "Beta" in line)
    assert "Birch Middle" in beta and "overdue" in beta


def test_provider_list_and_create(world, roster, client_for):
    c = client_for(world.admin)
    html = c.get(reverse("agreements:provider_list")).content.decode()
    assert "Sheriff A" in html and "Orchard PD" not in html
    response = c.post(
        reverse("agreements:provider_create"),
        {
            "name": "Valley Police",
            "kind": "law_enforcement",
            "complaint_address": "PO Box 1",
            "active": "on",
        },
    )
    provider = Provider.objects.get(name="Valley Police")
    assert response["Location"] == reverse("agreements:provider_detail", args=[provider.pk])
    assert provider.district == world.district


# Staff, assignments, training, hiring, evaluations ------------------------------------------
def test_staff_create_and_sro_rules(world, roster, client_for):
    c = client_for(world.admin)
    base = {
        "first_name": "Ana",
        "last_name": "Diaz",
        "kind": "sro",
        "employer": roster["provider_a"].pk,
        "badge_number": "X-1",
        "active_from": "2026-08-01",
        "first_day_on_campus": "2026-09-02",
    }
    response = c.post(reverse("agreements:staff_create"), base)
    assert "A school resource officer is a commissioned officer." in response.content.decode()
    assert not StaffMember.objects.filter(badge_number="X-1").exists()
    response = c.post(reverse("agreements:staff_create"), {**base, "commissioned": "on"})
    assert response.status_code == 302
    assert StaffMember.objects.get(badge_number="X-1").district == world.district


def test_assignment_add_and_limits(world, roster, client_for):
    c = client_for(world.admin)
    staff = roster["staff_a"]  # 2 days at school A already
    url = reverse("agreements:assignment_add", args=[staff.pk])
    ok = c.post(
        url, {"school": world.school_b.pk, "school_year": world.year.pk, "days_per_week": "3"}
    )
    assert ok.status_code == 302
    too_many = c.post(
        url, {"school": world.school_b.pk, "school_year": world.year.pk, "days_per_week": "3.5"}
    )
    assert "5.5 days a week across schools" in too_many.content.decode()
    negative = c.post(
        url, {"school": world.school_b.pk, "school_year": world.year.pk, "days_per_week": "-1"}
    )
    assert "greater than or equal to 0.5" in negative.content.decode()
    over_five = c.post(
        url, {"school": world.school_b.pk, "school_year": world.year.pk, "days_per_week": "6"}
    )
    assert "less than or equal to 5" in over_five.content.decode()
    other_school = c.post(
        url, {"school": world.other_school.pk, "school_year": world.year.pk, "days_per_week": "1"}
    )
    assert "Select a valid choice" in other_school.content.decode()
    assert sorted(
        StaffAssignment.objects.filter(staff_member=staff).values_list("days_per_week", flat=True)
    ) == [2, 3]


def test_training_add_and_date_before_first_day(world, roster, client_for):
    c = client_for(world.admin)
    staff = roster["staff_b"]  # first day 2026-09-02
    url = reverse("agreements:training_add", args=[staff.pk])
    bad = c.post(url, {"kind": "classroom", "topic": "ferpa", "completed_on": "2026-08-01"})
    assert "before the first day on school property (2026-09-02)" in bad.content.decode()
    no_topic = c.post(url, {"kind": "classroom", "topic": "", "completed_on": "2026-10-01"})
    assert "Choose the classroom topic." in no_topic.content.decode()
    assert not TrainingRecord.objects.exists()
    assert (
        c.post(
            url, {"kind": "classroom", "topic": "ferpa", "completed_on": "2026-10-01"}
        ).status_code
        == 302
    )
    detail = c.get(reverse("agreements:staff_detail", args=[staff.pk])).content.decode()
    assert "1/13" in detail and "2027-03-02" in detail


def test_esd_documentation_upload(world, roster, client_for):
    c = client_for(world.admin)
    staff = roster["staff_b"]
    url = reverse("agreements:esd_add", args=[staff.pk])
    bad = c.post(
        url,
        {
            "issuer": "ESD 113",
            "issued_on": "2026-10-01",
            "file": SimpleUploadedFile("x.pdf", PNG_BYTES),
        },
    )
    assert "not a file type" in bad.content.decode()
    ok = c.post(url, {"issuer": "ESD 113", "issued_on": "2026-10-01", "file": pdf("cert.pdf")})
    assert ok.status_code == 302
    document = EsdDocumentation.objects.get()
    download = reverse("agreements:esd_download", args=[staff.pk, document.pk])
    assert c.get(download).status_code == 200
    assert client_for(world.principal_a).get(download).status_code == 404
    assert (
        "Documented by ESD"
        in c.get(reverse("agreements:staff_detail", args=[staff.pk])).content.decode()
    )


def test_hiring_and_evaluation(world, roster, client_for):
    c = client_for(world.admin)
    staff = roster["staff_a"]
    response = c.post(
        reverse("agreements:hiring_add", args=[staff.pk]),
        {
            "kind": "placement",
            "decided_on": "2026-08-20",
            "school": world.school_a.pk,
            "agreement": roster["adopted"].pk,
            "district_participants": "Principal A",
            "provider_participants": "Lt. Park",
        },
    )
    assert response.status_code == 302
    response = c.post(
        reverse("agreements:evaluation_add", args=[staff.pk]),
        {
            "evaluated_on": "2026-11-01",
            "agreement": roster["ready_b"].pk,  # another provider's agreement: not offered
            "district_evaluator": "Director",
            "provider_evaluator": "Lt. Park",
            "summary": "Good",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    response = c.post(
        reverse("agreements:evaluation_add", args=[staff.pk]),
        {
            "evaluated_on": "2026-11-01",
            "agreement": roster["adopted"].pk,
            "district_evaluator": "Director",
            "provider_evaluator": "Lt. Park",
            "summary": "Good",
        },
    )
    assert response.status_code == 302
    assert HiringRecord.objects.count() == 1 and PerformanceEvaluation.objects.count() == 1
    html = c.get(reverse("agreements:staff_detail", args=[staff.pk])).content.decode()
    assert "Lt. Park" in html and "Director" in html


# History, dashboard --------------------------------------------------------------------------
def test_history_pages_for_admin_only(world, roster, client_for):
    agreement = roster["adopted"]
    url = reverse("agreements:agreement_history", args=[agreement.pk])
    assert client_for(world.admin).get(url).status_code == 200
    assert client_for(world.liaison).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 404
    staff_url = reverse("agreements:staff_history", args=[roster["staff_a"].pk])
    assert client_for(world.admin).get(staff_url).status_code == 200


def test_dashboard_section(world, roster, client_for):
    staff = roster["staff_b"]
    staff.first_day_on_campus = datetime.date(2025, 1, 6)
    staff.save()
    agreement = roster["adopted"]
    agreement.review_due_on = datetime.date(2026, 12, 20)
    agreement.save()
    html = client_for(world.admin).get(reverse("srp:dashboard")).content.decode()
    assert 'id="sec-agreements"' in html
    assert "within 60 days" in html and agreement.title in html
    assert "Staff without an agreement in force" in html and staff.full_name in html
    assert "1 staff member" in html
    assert (
        'id="sec-agreements"'
        not in client_for(world.liaison).get(reverse("srp:dashboard")).content.decode()
    )


def test_nav_items_by_role(world, roster, client_for):
    board = client_for(world.board).get(reverse("srp:dashboard")).content.decode()
    assert reverse("agreements:agreement_list") in board
    assert reverse("agreements:staff_list") not in board
    principal = client_for(world.principal_a).get(reverse("srp:dashboard")).content.decode()
    assert reverse("agreements:staff_list") in principal
    assert f'href="{reverse("agreements:agreement_list")}"' not in principal


def test_models_have_no_forbidden_fields():
    """R-15: no immigration, citizenship, visa or birthplace field anywhere in this app."""
    from django.apps import apps

    for model in apps.get_app_config("agreements").get_models():
        for field in model._meta.get_fields():
            name = field.name.lower()
            assert not any(w in name for w in ("immigra", "citizen", "visa", "birth")), name


_ = EngagementEvent


def test_admin_links_a_liaison_to_a_provider(world, roster, client_for):
    from srp.models import Membership
    from srp.roles import Role

    membership = Membership.objects.get(user=world.liaison, role=Role.AGENCY_LIAISON)
    url = reverse("agreements:provider_liaison_link", args=[roster["provider_b"].pk])
    assert client_for(world.liaison).post(url, {"membership": membership.pk}).status_code == 403
    assert client_for(world.outsider).post(url, {"membership": membership.pk}).status_code == 404
    # Only an agency-liaison membership of the district can be linked.
    admin_membership = Membership.objects.get(user=world.admin)
    assert client_for(world.admin).post(url, {"membership": admin_membership.pk}).status_code == 404
    assert client_for(world.admin).post(url, {"membership": membership.pk}).status_code == 302
    membership.liaison_link.refresh_from_db()
    assert membership.liaison_link.provider == roster["provider_b"]
    html = client_for(world.liaison).get(reverse("agreements:agreement_list")).content.decode()
    assert "Ready B" in html and roster["adopted"].title not in html
