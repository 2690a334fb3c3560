"""Staff pages: scope (district, assignment, referral), conflict of interest (R-09), workflow
views, access log, lists with filters and CSV, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import AccessLog, Allegation, Complaint, InvestigationNote, Status
from srp.models import Membership
from srp.roles import Role
from tests.complaints.factories import (
    complaint,
    link_liaison,
    provider,
    staff,
    submit,
    to_findings,
)

pytestmark = pytest.mark.django_db


def detail(c):
    return reverse("complaints:detail", args=[c.pk])


def step(c, action):
    return reverse("complaints:step", args=[c.pk, action])


@pytest.fixture
def assigned(world):
    c = complaint(world)
    return services.complaint_assign(complaint=c, investigator=world.investigator, by=world.admin)


# Reading ------------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, world, assigned):
    for url in [reverse("complaints:list"), detail(assigned), step(assigned, "acknowledge")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_admin_sees_every_complaint_of_the_district(client_for, world, assigned):
    other = complaint(world, district=world.other_district, school=world.other_school)
    page = client_for(world.admin).get(reverse("complaints:list"))
    assert page.status_code == 200
    assert assigned.reference in page.content.decode()
    assert client_for(world.admin).get(detail(other)).status_code == 404


def test_outsider_from_another_district_gets_404(client_for, world, assigned):
    c = client_for(world.outsider)
    assert c.get(detail(assigned)).status_code == 404
    assert c.post(step(assigned, "acknowledge")).status_code == 404
    assert assigned.reference not in c.get(reverse("complaints:list")).content.decode()


@pytest.mark.parametrize("persona", ["principal_a", "teacher_a", "safety_staff", "board", "nobody"])
def test_roles_without_complaint_access_get_403(client_for, world, assigned, persona):
    c = client_for(getattr(world, persona))
    assert c.get(reverse("complaints:list")).status_code == 403
    assert c.get(detail(assigned)).status_code == 403


def test_investigator_sees_only_assigned_complaints(client_for, world, assigned):
    unassigned = complaint(world)
    c = client_for(world.investigator)
    body = c.get(reverse("complaints:list")).content.decode()
    assert assigned.reference in body and unassigned.reference not in body
    assert c.get(detail(assigned)).status_code == 200
    assert c.get(detail(unassigned)).status_code == 404


def test_liaison_sees_only_complaints_referred_to_their_provider(client_for, world):
    prov = provider(world.district)
    link_liaison(world.liaison, world.district, prov)
    referred = services.complaint_refer(
        complaint=complaint(world),
        provider=prov,
        referred_on=world.year.first_instructional_day,
        case_number="C-1",
        by=world.admin,
    )
    other_prov = provider(world.district, name="Acme Security")
    elsewhere = services.complaint_refer(
        complaint=complaint(world),
        provider=other_prov,
        referred_on=world.year.first_instructional_day,
        case_number="",
        by=world.admin,
    )
    InvestigationNote.objects.create(complaint=referred, author=world.admin, text="INTERNAL NOTE")
    c = client_for(world.liaison)
    body = c.get(reverse("complaints:list")).content.decode()
    assert referred.reference in body and elsewhere.reference not in body
    page = c.get(detail(referred))
    assert page.status_code == 200
    assert "INTERNAL NOTE" not in page.content.decode()  # notes are internal
    assert c.get(detail(elsewhere)).status_code == 404
    # Read-only: the liaison cannot move the complaint on.
    assert c.post(step(referred, "start_investigation")).status_code == 403
    assert (
        c.post(reverse("complaints:note_add", args=[referred.pk]), {"text": "x"}).status_code == 403
    )


def test_subject_staff_is_refused_even_as_program_admin_and_principal(client_for, world):
    subject = world.principal_a
    Membership.objects.create(user=subject, district=world.district, role=Role.PROGRAM_ADMIN)
    Membership.objects.create(user=subject, district=world.district, role=Role.INVESTIGATOR)
    member = staff(world.district, world.school_a, world.year, user=subject)
    about_them = complaint(world, staff_member=member)
    services.complaint_assign(complaint=about_them, investigator=world.investigator, by=world.admin)
    named_in_allegation = complaint(world)
    Allegation.objects.create(
        complaint=named_in_allegation, staff_member=member, category="other", summary="x"
    )
    unrelated = complaint(world)
    c = client_for(subject)
    body = c.get(reverse("complaints:list")).content.decode()
    assert unrelated.reference in body
    assert about_them.reference not in body and named_in_allegation.reference not in body
    for target in (about_them, named_in_allegation):
        assert c.get(detail(target)).status_code == 404
        assert c.post(step(target, "acknowledge")).status_code == 404
        assert c.get(reverse("complaints:history", args=[target.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=subject, complaint=about_them).exists()


def test_colleague_at_the_subjects_provider_is_refused_unless_the_referred_liaison(
    client_for, world
):
    prov = provider(world.district)
    subject = staff(world.district, world.school_a, world.year, badge="S-1", employer=prov)
    colleague_user = world.investigator
    c = complaint(world, staff_member=subject)
    # Assigned before their roster entry at the subject's provider was recorded (a colleague
    # can no longer be assigned: see tests/complaints/test_subject_exclusion.py).
    services.complaint_assign(complaint=c, investigator=colleague_user, by=world.admin)
    staff(
        world.district, world.school_b, world.year, badge="S-2", employer=prov, user=colleague_user
    )
    assert client_for(colleague_user).get(detail(c)).status_code == 404
    # The liaison it was referred to does see it, even if on the same provider's roster.
    link_liaison(world.liaison, world.district, prov)
    staff(
        world.district, world.school_b, world.year, badge="S-3", employer=prov, user=world.liaison
    )
    services.complaint_refer(
        complaint=c, provider=prov, referred_on=world.year.starts_on, case_number="", by=world.admin
    )
    assert client_for(world.liaison).get(detail(c)).status_code == 200


def test_subject_cannot_be_assigned_as_investigator(world):
    member = staff(world.district, world.school_a, world.year, user=world.investigator)
    c = complaint(world, staff_member=member)
    with pytest.raises(services.ComplaintError):
        services.complaint_assign(complaint=c, investigator=world.investigator, by=world.admin)


def test_every_view_is_logged_and_the_admin_sees_the_log(client_for, world, assigned):
    client_for(world.investigator).get(detail(assigned))
    log = AccessLog.objects.get(complaint=assigned)
    assert log.user == world.investigator
    page = client_for(world.admin).get(reverse("complaints:access_log", args=[assigned.pk]))
    assert page.status_code == 200
    assert str(world.investigator) in page.content.decode()
    assert (
        client_for(world.investigator)
        .get(reverse("complaints:access_log", args=[assigned.pk]))
        .status_code
        == 403
    )


def test_history_is_one_click_away_for_the_admin(client_for, world, assigned):
    page = client_for(world.admin).get(detail(assigned)).content.decode()
    url = reverse("complaints:history", args=[assigned.pk])
    assert url in page
    assert client_for(world.admin).get(url).status_code == 200


# Writing ------------------------------------------------------------------------------------
def test_investigator_takes_a_complaint_to_the_response_letter(client_for, world, assigned):
    c = client_for(world.investigator)
    assert c.get(step(assigned, "acknowledge")).status_code == 200
    assert c.post(step(assigned, "acknowledge")).status_code == 302
    assert c.post(step(assigned, "start_investigation")).status_code == 302
    response = c.post(
        reverse("complaints:allegation_create", args=[assigned.pk]),
        {
            "staff_member": "",
            "category": "student_interaction",
            "summary": "Shouted",
            "finding": "not_sustained",
            "finding_explanation": "No witness saw it.",
        },
    )
    assert response.status_code == 302
    assert c.post(step(assigned, "record_findings")).status_code == 302
    preview = c.get(reverse("complaints:letter_preview", args=[assigned.pk]))
    assert preview.content.startswith(b"%PDF-")
    assert c.post(step(assigned, "send_response")).status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == Status.RESPONSE_SENT
    letter = c.get(reverse("complaints:letter", args=[assigned.pk]))
    assert b"".join(letter.streaming_content).startswith(b"%PDF-")


def test_illegal_step_shows_the_message_and_changes_nothing(client_for, world, assigned):
    response = client_for(world.admin).post(step(assigned, "send_response"), follow=True)
    assert "cannot be moved" in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.status == Status.RECEIVED


def test_finding_needs_plain_words(client_for, world, assigned):
    response = client_for(world.admin).post(
        reverse("complaints:allegation_create", args=[assigned.pk]),
        {
            "category": "job_duties",
            "summary": "x",
            "finding": "sustained",
            "finding_explanation": "",
        },
    )
    assert response.status_code == 400
    assert "plain words" in response.content.decode()
    assert not Allegation.objects.exists()


def test_allegation_with_staff_of_another_district_is_refused(client_for, world, assigned):
    other = staff(world.other_district, world.other_school, world.other_year, badge="X-1")
    response = client_for(world.admin).post(
        reverse("complaints:allegation_create", args=[assigned.pk]),
        {"staff_member": str(other.pk), "category": "job_duties", "summary": "x"},
    )
    assert response.status_code == 400
    assert not Allegation.objects.exists()


def test_extension_through_the_view_needs_a_reason(client_for, world, assigned):
    c = client_for(world.investigator)
    bad = c.post(step(assigned, "extend"), {"new_due": "2027-01-10", "reason": ""})
    assert bad.status_code == 400
    good = c.post(step(assigned, "extend"), {"new_due": "2027-01-10", "reason": "Witness away"})
    assert good.status_code == 302
    assigned.refresh_from_db()
    assert str(assigned.respond_due) == "2027-01-10"


def test_only_the_admin_assigns(client_for, world, assigned):
    assert client_for(world.investigator).get(step(assigned, "assign")).status_code == 403
    response = client_for(world.admin).post(
        step(assigned, "assign"), {"investigator": str(world.admin.pk)}
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.investigator == world.admin


def test_investigator_cannot_write_to_a_complaint_not_assigned(client_for, world):
    other = complaint(world)
    assert client_for(world.investigator).post(step(other, "acknowledge")).status_code == 404


def test_notes_are_added_by_writers(client_for, world, assigned):
    url = reverse("complaints:note_add", args=[assigned.pk])
    assert (
        client_for(world.investigator).post(url, {"text": "Called the family."}).status_code == 302
    )
    assert InvestigationNote.objects.get().text == "Called the family."
    assert client_for(world.board).post(url, {"text": "x"}).status_code == 403


def test_unknown_step_is_404(client_for, world, assigned):
    assert client_for(world.admin).get(step(assigned, "delete")).status_code == 404


def test_there_is_no_delete(client_for, world, assigned):
    from django.urls import get_resolver

    names = [p.name or "" for p in get_resolver().url_patterns if hasattr(p, "name")]
    assert not any("delete" in n for n in names)
    assert Complaint.objects.filter(pk=assigned.pk).exists()


# Lists --------------------------------------------------------------------------------------
def test_list_filters_and_search(client_for, world):
    a = complaint(world)
    b = complaint(world, school=world.school_b)
    to_findings(b, world.admin)
    c = client_for(world.admin)
    url = reverse("complaints:list")

    def refs(**params):
        body = c.get(url, params).content.decode()
        return {x.reference for x in (a, b) if x.reference in body}

    assert refs(school=world.school_b.pk) == {b.reference}
    assert refs(status="findings") == {b.reference}
    assert refs(finding="sustained") == {b.reference}
    assert refs(q=a.reference) == {a.reference}
    assert refs(overdue="on") == set()


def test_overdue_complaints_stand_out(client_for, world):
    from freezegun import freeze_time

    late = complaint(world)
    with freeze_time("2026-12-10 10:00:00"):
        body = client_for(world.admin).get(reverse("complaints:list")).content.decode()
        assert 'class="overdue"' in body
        dash = client_for(world.admin).get(reverse("srp:dashboard")).content.decode()
        assert late.reference in dash


def test_list_query_count_is_fixed(client_for, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.admin)
    url = reverse("complaints:list")
    for _ in range(3):
        submit(world)
    c.get(url)
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for _ in range(30):
        submit(world)
    with django_assert_max_num_queries(len(few)):
        response = c.get(url)
    assert response.status_code == 200
    assert len(few) <= 16


def test_csv_export_is_scoped_and_neutralised(client_for, world):
    hostile = submit(world).complaint
    Complaint.objects.filter(pk=hostile.pk).update(provider_case_number="=HYPERLINK(1)")
    complaint(world, district=world.other_district, school=world.other_school)
    response = client_for(world.admin).get(reverse("complaints:export"))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert hostile.reference in body
    assert "'=HYPERLINK(1)" in body
    assert body.count("C-2026-") == 1
    assert "immigra" not in body.lower() and "birth" not in body.lower()
    assert client_for(world.board).get(reverse("complaints:export")).status_code == 403


def test_attachment_download_is_scope_checked(client_for, world):
    from tests.complaints.factories import png

    c = submit(world, files=[(png(), "image/png")]).complaint
    attachment = c.attachments.get()
    url = reverse("complaints:attachment", args=[c.pk, attachment.pk])
    assert client_for(world.admin).get(url).status_code == 200
    assert client_for(world.investigator).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404


def test_letter_wording_is_admin_only(client_for, world):
    url = reverse("complaints:letter_text_create")
    assert client_for(world.investigator).get(url).status_code == 403
    response = client_for(world.admin).post(
        url,
        {
            "language": "es",
            "opening": "Hola",
            "appeal_route": "Escriba",
            "closing": "",
            "signature": "",
        },
    )
    assert response.status_code == 302


def test_detail_query_count_does_not_grow(client_for, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = complaint(world)
    client = client_for(world.admin)
    client.get(detail(c))
    with CaptureQueriesContext(connection) as few:
        client.get(detail(c))
    for n in range(10):
        services.allegation_save(
            complaint=c, by=world.admin, staff_member=None, category="other", summary=str(n)
        )
        services.note_add(complaint=c, by=world.admin, text=str(n))
    with django_assert_max_num_queries(len(few)):
        assert client.get(detail(c)).status_code == 200


def test_detail_query_count_is_pinned(client_for, world, django_assert_max_num_queries):
    """Session, user, second factor and scope (the middleware's), the request's transaction,
    then the viewer's own staff record, the complaint, the access log and its history row, and
    one query per list (allegations, attachments, events, extensions, notes); the district is
    not read again."""
    c = complaint(world)
    client = client_for(world.admin)
    client.get(detail(c))
    with django_assert_max_num_queries(18):
        response = client.get(detail(c))
    assert response.status_code == 200
    assert response.context["complaint"].district == world.district


def test_status_page_query_count_is_pinned(client, world, django_assert_max_num_queries):
    from tests.complaints.factories import submit

    submission = submit(world)
    url = reverse(
        "complaints_public:status",
        kwargs={"district_code": world.district.code, "token": submission.token},
    )
    # The district, the complaint with its school, its public events, its extensions.
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    assert submission.complaint.reference in response.content.decode()
