"""Staff pages through the real stack: roles, district and school scope, bad input (R-17, R-18)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notices.models import Delivery, DeliveryEvidence, Notice, NoticeArchive
from notices.services import notice_publish
from srp.languages import language_name
from tests.notices.test_delivery import PDF_BYTES, PNG_BYTES, present


def url(name, *args):
    return reverse(f"notices:{name}", args=args)


# The overview -----------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["admin", "principal_a"])
def test_readers_see_the_overview(world, notice, client_for, who, django_assert_max_num_queries):
    client = client_for(getattr(world, who))
    with django_assert_max_num_queries(22):
        response = client.get(url("index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alder High" in body
    if who == "principal_a":
        assert "Birch Middle" not in body  # a principal sees only their schools
    else:
        assert "Birch Middle" in body


def test_overview_query_count_does_not_grow_with_schools(world, notice, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SchoolFactory
    from tests.notices.factories import StaffAssignmentFactory, StaffMemberFactory

    client = client_for(world.admin)
    with CaptureQueriesContext(connection) as before:
        client.get(url("index"))
    for n in range(5):
        school = SchoolFactory(district=world.district, name=f"Extra {n}")
        member = StaffMemberFactory(district=world.district)
        StaffAssignmentFactory(staff_member=member, school=school, school_year=world.year)
        present(world, school)
    with CaptureQueriesContext(connection) as after:
        client.get(url("index"))
    assert len(after) == len(before)


@pytest.mark.parametrize("who", ["teacher_a", "safety_staff", "liaison", "investigator"])
def test_other_roles_are_refused(world, notice, client_for, who):
    assert client_for(getattr(world, who)).get(url("index")).status_code == 403


def test_anonymous_goes_to_login(world, client):
    response = client.get(url("index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Writing the notice (program administrator) ------------------------------------------------
def test_admin_starts_the_notice(world, staffed, client_for):
    response = client_for(world.admin).post(url("start"), {"year": world.year.pk})
    assert response.status_code == 302
    assert Notice.objects.get(district=world.district).translations.count() == 2


@pytest.mark.parametrize("who,status", [("board", 403), ("principal_a", 403), ("outsider", 404)])
def test_only_the_admin_of_the_district_starts_it(world, staffed, client_for, who, status):
    response = client_for(getattr(world, who)).post(url("start"), {"year": world.year.pk})
    assert response.status_code == status
    assert not Notice.objects.exists()


def test_admin_edits_a_translation(world, notice, client_for):
    english = notice.translations.get(language="en")
    data = {f: getattr(english, f) for f in ["title"]}
    for section in english.sections():
        data[f"{section['key']}_heading"] = section["heading"]
        data[f"{section['key']}_text"] = section["text"]
    data["title"] = "Our safety staff"
    response = client_for(world.admin).post(url("translation_edit", notice.pk, "en"), data)
    assert response.status_code == 302
    english.refresh_from_db()
    assert english.title == "Our safety staff"
    assert english.updated_by == world.admin
    history = client_for(world.admin).get(url("translation_history", english.pk))
    assert history.status_code == 200 and "Our safety staff" in history.content.decode()


def test_emptying_a_section_of_a_published_notice_is_refused(world, notice, client_for):
    notice_publish(notice=notice, by=world.admin)
    english = notice.translations.get(language="en")
    data = {"title": english.title}
    for section in english.sections():
        data[f"{section['key']}_heading"] = section["heading"]
        data[f"{section['key']}_text"] = section["text"]
    data["limits_text"] = ""
    response = client_for(world.admin).post(url("translation_edit", notice.pk, "en"), data)
    assert response.status_code == 200
    assert "every field must be filled" in response.content.decode()
    english.refresh_from_db()
    assert english.limits_text


@pytest.mark.parametrize("who,status", [("board", 403), ("principal_a", 403), ("outsider", 404)])
def test_translation_edit_scope(world, notice, client_for, who, status):
    response = client_for(getattr(world, who)).post(
        url("translation_edit", notice.pk, "en"), {"title": "Hacked"}
    )
    assert response.status_code == status
    assert notice.translations.get(language="en").title != "Hacked"


def test_translation_edit_anonymous(world, notice, client):
    response = client.post(url("translation_edit", notice.pk, "en"), {"title": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("code", ["xx", "zz-top", "fr"])
def test_a_language_that_is_not_offered_has_no_page(world, notice, client_for, code):
    assert client_for(world.admin).get(url("translation_edit", notice.pk, code)).status_code == 404


@pytest.mark.parametrize(
    "code,message",
    [("xx", "is not a language code"), ("fr", "district settings"), ("es", "already written")],
)
def test_adding_a_bad_language_says_why(world, notice, client_for, code, message):
    client = client_for(world.admin)
    response = client.post(url("translation_add", notice.pk), {"language": code}, follow=True)
    assert message in response.content.decode()
    assert notice.translations.count() == 2


def test_adding_an_offered_language_opens_its_form(world, notice, client_for):
    world.district.family_languages = ["en", "es", "vi"]
    world.district.save()
    response = client_for(world.admin).post(url("translation_add", notice.pk), {"language": "VI"})
    assert response.status_code == 302
    assert response["Location"] == url("translation_edit", notice.pk, "vi")


def test_publish_with_an_empty_section_shows_the_problem(world, notice, client_for):
    notice.translations.filter(language="es").update(contacts_heading="")
    response = client_for(world.admin).post(url("publish", notice.pk), follow=True)
    assert "Fill in every section before publishing" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_publish_and_unpublish(world, notice, client_for):
    client = client_for(world.admin)
    client.post(url("publish", notice.pk))
    notice.refresh_from_db()
    assert notice.is_published
    client.post(url("unpublish", notice.pk))
    notice.refresh_from_db()
    assert not notice.is_published
    assert client.get(url("history", notice.pk)).status_code == 200


@pytest.mark.parametrize("who,status", [("board", 403), ("principal_a", 403), ("outsider", 404)])
def test_publish_scope(world, notice, client_for, who, status):
    assert client_for(getattr(world, who)).post(url("publish", notice.pk)).status_code == status
    notice.refresh_from_db()
    assert not notice.is_published


# Recording deliveries (principal of the school, or the admin) -------------------------------
def presentation_data(**overrides):
    return {
        "delivered_on": "2026-09-14",
        "audience": "Grades 9-12 in advisory",
        "presenter": "Pat Principal",
        "presentation_format": "advisory",
        "notes": "",
        **overrides,
    }


def test_principal_records_a_presentation_with_evidence(world, notice, client_for):
    slides = SimpleUploadedFile("slides.pdf", PDF_BYTES, content_type="application/pdf")
    response = client_for(world.principal_a).post(
        url("delivery_create", world.school_a.pk, "presentation"),
        presentation_data(evidence=slides),
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.school == world.school_a and delivery.recorded_by == world.principal_a
    assert delivery.evidence.get().original_name == "slides.pdf"


def test_principal_records_a_distribution(world, notice, client_for):
    response = client_for(world.principal_a).post(
        url("delivery_create", world.school_a.pk, "distribution"),
        {"delivered_on": "2026-09-04", "channels": ["email", "app"], "languages": ["en", "es"]},
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.kind == "distribution" and delivery.channels == ["email", "app"]


def test_principal_of_a_cannot_record_bs_delivery(world, notice, client_for):
    response = client_for(world.principal_a).post(
        url("delivery_create", world.school_b.pk, "presentation"), presentation_data()
    )
    assert response.status_code == 404
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("who,status", [("board", 403), ("teacher_a", 403), ("outsider", 404)])
def test_delivery_create_scope(world, notice, client_for, who, status):
    response = client_for(getattr(world, who)).post(
        url("delivery_create", world.school_a.pk, "presentation"), presentation_data()
    )
    assert response.status_code == status
    assert not Delivery.objects.exists()


def test_delivery_create_anonymous(world, client):
    response = client.post(url("delivery_create", world.school_a.pk, "presentation"), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"delivered_on": "2026-06-01"}, "before the 2026-27 school year began"),
        ({"delivered_on": "2027-01-15"}, "before it happens"),
        ({"delivered_on": "not a date"}, "Enter a valid date"),
        ({"presentation_format": "interpretive dance"}, "Select a valid choice"),
        ({"audience": "x" * 500}, "at most 200 characters"),
        ({"presenter": ""}, "This field is required"),
    ],
)
def test_bad_delivery_input_says_why_and_saves_nothing(
    world, notice, client_for, overrides, message
):
    response = client_for(world.principal_a).post(
        url("delivery_create", world.school_a.pk, "presentation"), presentation_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Delivery.objects.exists()


def test_evidence_that_lies_about_its_type_is_refused(world, notice, client_for):
    fake = SimpleUploadedFile("minutes.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    response = client_for(world.principal_a).post(
        url("delivery_create", world.school_a.pk, "presentation"),
        presentation_data(evidence=fake),
    )
    assert response.status_code == 200
    assert "not a file type we accept" in response.content.decode()
    assert not Delivery.objects.exists() and not DeliveryEvidence.objects.exists()


def test_oversized_evidence_is_refused(world, notice, client_for, settings):
    big = SimpleUploadedFile("big.png", PNG_BYTES + b"\0" * (10 * 1024 * 1024), "image/png")
    response = client_for(world.principal_a).post(
        url("delivery_create", world.school_a.pk, "presentation"),
        presentation_data(evidence=big),
    )
    assert response.status_code == 200
    assert "the largest file accepted is" in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_distribution_in_a_language_not_offered_is_refused(world, notice, client_for):
    response = client_for(world.principal_a).post(
        url("delivery_create", world.school_a.pk, "distribution"),
        {"delivered_on": "2026-09-04", "channels": ["email"], "languages": ["fr"]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Delivery.objects.exists()


def test_unknown_delivery_kind_is_404(world, notice, client_for):
    client = client_for(world.principal_a)
    assert client.get(url("delivery_create", world.school_a.pk, "telepathy")).status_code == 404


# A recorded delivery: detail, evidence, withdraw ---------------------------------------------
@pytest.fixture
def delivery(world, notice):
    slides = SimpleUploadedFile("slides.pdf", PDF_BYTES, content_type="application/pdf")
    return present(world, world.school_a, evidence=[slides])


@pytest.mark.parametrize(
    "who,status",
    [("principal_a", 200), ("board", 403), ("admin", 200), ("principal_b", 404), ("outsider", 404)],
)
def test_delivery_detail_and_evidence_scope(world, delivery, client_for, who, status):
    client = client_for(getattr(world, who))
    assert client.get(url("delivery", delivery.pk)).status_code == status
    evidence = delivery.evidence.get()
    response = client.get(url("evidence_download", delivery.pk, evidence.pk))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_principal_adds_evidence_and_a_bad_file_is_refused(world, delivery, client_for):
    client = client_for(world.principal_a)
    photo = SimpleUploadedFile("assembly.png", PNG_BYTES, content_type="image/png")
    client.post(url("evidence_add", delivery.pk), {"evidence": photo})
    assert delivery.evidence.count() == 2
    fake = SimpleUploadedFile("photo.jpg", b"just text", content_type="image/jpeg")
    response = client.post(url("evidence_add", delivery.pk), {"evidence": fake}, follow=True)
    assert "not a file type we accept" in response.content.decode()
    assert delivery.evidence.count() == 2


@pytest.mark.parametrize("who,status", [("board", 403), ("principal_b", 404), ("outsider", 404)])
def test_evidence_add_scope(world, delivery, client_for, who, status):
    photo = SimpleUploadedFile("assembly.png", PNG_BYTES, content_type="image/png")
    response = client_for(getattr(world, who)).post(
        url("evidence_add", delivery.pk), {"evidence": photo}
    )
    assert response.status_code == status
    assert delivery.evidence.count() == 1


def test_principal_withdraws_a_delivery(world, delivery, client_for):
    client = client_for(world.principal_a)
    client.post(url("withdraw", delivery.pk), {"reason": "Recorded at the wrong school"})
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.WITHDRAWN
    assert client.get(url("delivery_history", delivery.pk)).status_code == 200


def test_withdraw_without_a_reason_is_refused(world, delivery, client_for):
    response = client_for(world.principal_a).post(
        url("withdraw", delivery.pk), {"reason": ""}, follow=True
    )
    assert "Say why this delivery is withdrawn." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RECORDED


@pytest.mark.parametrize("who,status", [("board", 403), ("principal_b", 404), ("outsider", 404)])
def test_withdraw_scope(world, delivery, client_for, who, status):
    response = client_for(getattr(world, who)).post(url("withdraw", delivery.pk), {"reason": "x"})
    assert response.status_code == status
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RECORDED


def test_withdraw_anonymous(world, delivery, client):
    response = client.post(url("withdraw", delivery.pk), {"reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The school page and its notice ------------------------------------------------------------
def test_school_page_lists_missing_languages_and_deliveries(world, delivery, client_for):
    world.district.family_languages = ["en", "es", "vi"]
    world.district.save()
    response = client_for(world.principal_a).get(url("school", world.school_a.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Missing" in body and language_name("vi") in body
    assert "Ms. Principal" in body  # the recorded presentation
    assert "Record a presentation" in body


def test_board_member_reads_no_working_notice_page(world, notice, delivery, client_for):
    """Board members read what is published and released to them (issue #11): the notice
    delivery record reaches them frozen in the released board packet, not these pages."""
    c = client_for(world.board)
    for target in (url("index"), url("school", world.school_b.pk), url("delivery", delivery.pk)):
        assert c.get(target).status_code == 403, target
    dashboard = c.get(reverse("srp:dashboard")).content.decode()
    assert url("index") not in dashboard


@pytest.mark.parametrize(
    "who,status", [("principal_b", 404), ("outsider", 404), ("teacher_a", 403)]
)
def test_school_page_scope(world, notice, client_for, who, status):
    assert (
        client_for(getattr(world, who)).get(url("school", world.school_a.pk)).status_code == status
    )


def test_staff_preview_shows_the_schools_staff(world, notice, client_for):
    response = client_for(world.principal_a).get(url("school_preview", world.school_a.pk, "es"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Marisol Rivera" in body and "Wei Chen" in body and "Ngozi Okafor" not in body
    assert "/p/99001/complaints/new/" in body and "<svg" in body
    assert 'lang="es"' in body


def test_staff_pdf_is_scoped(world, notice, client_for):
    response = client_for(world.principal_a).get(url("school_pdf", world.school_a.pk, "en"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        client_for(world.principal_b).get(url("school_pdf", world.school_a.pk, "en")).status_code
        == 404
    )


# The district archive ------------------------------------------------------------------------
def test_archive_builds_step_by_step_and_downloads(world, notice, client_for):
    notice_publish(notice=notice, by=world.admin)
    client = client_for(world.admin)
    response = client.post(url("archive_start"), {"year": world.year.pk})
    archive = NoticeArchive.objects.get()
    assert response["Location"] == url("archive", archive.pk)
    page = client.get(url("archive", archive.pk)).content.decode()
    assert "archive.js" in page and "<progress" in page
    seen = []
    for _ in range(5):
        state = client.post(url("archive_step", archive.pk), HTTP_ACCEPT="application/json").json()
        seen.append((state["done"], state["total"], state["status"]))
        if state["status"] == "ready":
            break
    assert seen == [(1, 2, "building"), (2, 2, "building"), (2, 2, "ready")]
    # Starting again while one is ready makes a new one; while one runs, rejoins it.
    response = client.get(url("archive_download", archive.pk))
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert sorted(names) == sorted(
        [
            "3401-alder-high/3401-alder-high-en.pdf",
            "3401-alder-high/3401-alder-high-es.pdf",
            "3401-alder-high/3401-alder-high-all-languages.pdf",
            "3201-birch-middle/3201-birch-middle-en.pdf",
            "3201-birch-middle/3201-birch-middle-es.pdf",
            "3201-birch-middle/3201-birch-middle-all-languages.pdf",
        ]
    )


def test_archive_needs_a_published_notice(world, notice, client_for):
    response = client_for(world.admin).post(
        url("archive_start"), {"year": world.year.pk}, follow=True
    )
    assert "Publish the notice for this year" in response.content.decode()
    assert not NoticeArchive.objects.exists()


@pytest.mark.parametrize("who,status", [("board", 403), ("principal_a", 403), ("outsider", 404)])
def test_archive_scope(world, notice, client_for, who, status):
    notice_publish(notice=notice, by=world.admin)
    client = client_for(getattr(world, who))
    assert client.post(url("archive_start"), {"year": world.year.pk}).status_code == status
    archive = NoticeArchive.objects.create(
        district=world.district,
        school_year=world.year,
        notice=notice,
        requested_by=world.admin,
    )
    assert client.get(url("archive", archive.pk)).status_code == status
    assert client.post(url("archive_step", archive.pk)).status_code == status


def test_archive_management_command_finishes_a_build(world, notice):
    from django.core.management import call_command

    notice_publish(notice=notice, by=world.admin)
    out = io.StringIO()
    call_command("build_notice_archive", district="99001", user=world.admin.username, stdout=out)
    archive = NoticeArchive.objects.get()
    assert archive.status == NoticeArchive.Status.READY and archive.done == 2
    assert "ready (2/2)" in out.getvalue()
    assert archive.finished_at is not None and archive.file.name.endswith(".zip")
