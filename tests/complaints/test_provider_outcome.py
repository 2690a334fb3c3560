"""The provider's answer on a referred complaint (issue #14 item 5): its liaison records the
provider's case number, outcome and documents; the district reads them; nobody else can; a
correction keeps the old values in the complaint's history; a bad upload writes nothing."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import LiaisonLink
from complaints import services
from complaints.models import (
    Event,
    ProviderDocument,
    ProviderOutcome,
    ProviderResponse,
)
from complaints.services import ComplaintError
from srp.models import Membership
from srp.roles import Role
from tests.complaints.factories import (
    PDF_BYTES,
    big_bytes,
    complaint,
    link_liaison,
    pdf,
    png,
    provider,
    staff,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

REFERRED_ON = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def liaison_of(world, prov, username: str):  # noqa: ANN001, ANN201
    user = UserFactory(username=username)
    MembershipFactory(user=user, district=world.district, role=Role.AGENCY_LIAISON)
    link_liaison(user, world.district, prov)
    return user


@pytest.fixture
def case(world):
    """A complaint about an officer of the sheriff, assigned and referred to the sheriff."""
    sheriff = provider(world.district)
    link_liaison(world.liaison, world.district, sheriff)
    officer = staff(world.district, world.school_a, world.year, user=world.safety_staff)
    c = complaint(world, staff_member=officer)
    c = services.complaint_assign(complaint=c, investigator=world.investigator, by=world.admin)
    c = services.complaint_refer(
        complaint=c, provider=sheriff, referred_on=REFERRED_ON, case_number="", by=world.admin
    )
    c.sheriff = sheriff
    c.officer = officer
    return c


def outcome_url(c) -> str:  # noqa: ANN001
    return reverse("complaints:provider_outcome", args=[c.pk])


def detail_url(c) -> str:  # noqa: ANN001
    return reverse("complaints:detail", args=[c.pk])


def answer(**overrides):  # noqa: ANN003, ANN201
    data = {
        "case_number": "CCSO-26-0412",
        "outcome": ProviderOutcome.SUSTAINED,
        "outcome_text": "Internal affairs found the officer raised his voice; written reprimand.",
        "received_on": "2026-11-25",
    }
    data.update(overrides)
    return data


def record(world, c, **overrides):  # noqa: ANN001, ANN003, ANN201
    data = {
        "case_number": "CCSO-26-0412",
        "outcome": ProviderOutcome.SUSTAINED,
        "outcome_text": "Written reprimand.",
        "received_on": datetime.date(2026, 11, 25),
    }
    data.update(overrides)
    return services.referral_record_provider_outcome(complaint=c, by=world.liaison, **data)


# The liaison records it ---------------------------------------------------------------------
def test_liaison_of_the_referred_provider_records_the_answer_with_documents(
    client_for, world, case, settings
):
    c = client_for(world.liaison)
    page = c.get(outcome_url(case))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    response = c.post(outcome_url(case), {**answer(), "documents": [pdf("ia-report.pdf"), png()]})
    assert response.status_code == 302 and response["Location"] == detail_url(case)

    saved = ProviderResponse.objects.get(complaint=case)
    assert saved.provider == case.sheriff
    assert saved.case_number == "CCSO-26-0412"
    assert saved.outcome == ProviderOutcome.SUSTAINED
    assert saved.received_on == datetime.date(2026, 11, 25)
    assert saved.recorded_by == world.liaison
    names = sorted(d.original_name for d in saved.documents.all())
    assert names == ["ia-report.pdf", "photo.png"]
    assert {d.content_type for d in saved.documents.all()} == {"application/pdf", "image/png"}
    # Stored under an unguessable name, not the uploaded one.
    assert all("ia-report" not in d.file.name for d in saved.documents.all())
    assert len(stored_files(settings)) == 2
    case.refresh_from_db()
    assert case.provider_case_number == "CCSO-26-0412"
    event = Event.objects.get(complaint=case, kind="provider_outcome")
    assert event.public is False and event.by == world.liaison

    body = c.get(detail_url(case)).content.decode()
    assert "CCSO-26-0412" in body and "Written reprimand" not in body
    assert "raised his voice" in body
    assert "ia-report.pdf" in body


def test_the_district_reads_the_answer_and_downloads_its_documents(client_for, world, case):
    record(world, case, documents=[(pdf("ia-report.pdf"), "application/pdf")])
    document = ProviderDocument.objects.get(complaint=case)
    url = reverse("complaints:provider_document", args=[case.pk, document.pk])
    for persona in ("admin", "investigator", "liaison"):
        c = client_for(getattr(world, persona))
        body = c.get(detail_url(case)).content.decode()
        assert "CCSO-26-0412" in body and "Written reprimand." in body, persona
        assert url in body, persona
        download = c.get(url)
        assert download.status_code == 200, persona
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert download["Cache-Control"] == "private, no-store"
    # Read-only for the district: no link to record or correct it.
    for persona in ("admin", "investigator"):
        assert (
            outcome_url(case)
            not in client_for(getattr(world, persona)).get(detail_url(case)).content.decode()
        )
    assert outcome_url(case) in client_for(world.liaison).get(detail_url(case)).content.decode()


def test_detail_page_with_the_answer_keeps_a_fixed_number_of_queries(
    client_for, world, case, django_assert_max_num_queries
):
    record(
        world,
        case,
        documents=[(pdf(f"doc-{n}.pdf"), "application/pdf") for n in range(4)],
    )
    c = client_for(world.admin)
    c.get(detail_url(case))
    # The detail page's 18 (tests/complaints/test_views.py), 2 for the assigned investigator's
    # conflict check, then the answers with their provider and author, and their documents:
    # whatever the number of documents.
    with django_assert_max_num_queries(22):
        assert c.get(detail_url(case)).status_code == 200


# Nobody else ---------------------------------------------------------------------------------
def test_liaison_of_another_provider_gets_404(client_for, world, case):
    other = liaison_of(world, provider(world.district, "Evergreen Security"), "l2@a.example.org")
    record(world, case, documents=[(pdf(), "application/pdf")])
    document = ProviderDocument.objects.get(complaint=case)
    c = client_for(other)
    assert c.get(outcome_url(case)).status_code == 404
    assert c.post(outcome_url(case), answer(case_number="HIJACK")).status_code == 404
    assert (
        c.get(reverse("complaints:provider_document", args=[case.pk, document.pk])).status_code
        == 404
    )
    assert ProviderResponse.objects.get(complaint=case).case_number == "CCSO-26-0412"
    with pytest.raises(ComplaintError):
        services.referral_record_provider_outcome(
            complaint=case,
            by=other,
            case_number="X",
            outcome=ProviderOutcome.OTHER,
            outcome_text="x",
            received_on=datetime.date(2026, 11, 25),
        )


@pytest.mark.parametrize("persona", ["investigator", "admin"])
def test_district_readers_cannot_record_the_providers_answer(client_for, world, case, persona):
    c = client_for(getattr(world, persona))
    assert c.get(outcome_url(case)).status_code == 403
    assert c.post(outcome_url(case), answer()).status_code == 403
    assert not ProviderResponse.objects.exists()
    with pytest.raises(ComplaintError):
        services.referral_record_provider_outcome(
            complaint=case,
            by=getattr(world, persona),
            case_number="X",
            outcome=ProviderOutcome.PENDING,
            outcome_text="",
            received_on=datetime.date(2026, 11, 25),
        )


@pytest.mark.parametrize("persona", ["principal_a", "teacher_a", "board", "safety_staff"])
def test_roles_without_complaint_access_get_403(client_for, world, case, persona):
    c = client_for(getattr(world, persona))
    assert c.get(outcome_url(case)).status_code == 403
    assert c.post(outcome_url(case), answer()).status_code == 403
    assert not ProviderResponse.objects.exists()


def test_another_districts_user_gets_404(client_for, world, case):
    record(world, case, documents=[(pdf(), "application/pdf")])
    document = ProviderDocument.objects.get(complaint=case)
    c = client_for(world.outsider)
    assert c.get(outcome_url(case)).status_code == 404
    assert c.post(outcome_url(case), answer(case_number="HIJACK")).status_code == 404
    assert (
        c.get(reverse("complaints:provider_document", args=[case.pk, document.pk])).status_code
        == 404
    )
    assert ProviderResponse.objects.get().case_number == "CCSO-26-0412"


def test_anonymous_is_sent_to_login(client, case):
    response = client.get(outcome_url(case))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_subject_of_the_complaint_never_sees_the_answer(client_for, world, case):
    """The officer the complaint is about is a liaison of the same provider: the referral lets
    their colleagues' liaison in, never the subject (R-09)."""
    Membership.objects.create(
        user=world.safety_staff, district=world.district, role=Role.AGENCY_LIAISON
    )
    link_liaison(world.safety_staff, world.district, case.sheriff)
    record(world, case, documents=[(pdf(), "application/pdf")])
    document = ProviderDocument.objects.get(complaint=case)
    c = client_for(world.safety_staff)
    assert c.get(detail_url(case)).status_code == 404
    assert c.get(outcome_url(case)).status_code == 404
    assert c.post(outcome_url(case), answer(outcome="unfounded")).status_code == 404
    assert (
        c.get(reverse("complaints:provider_document", args=[case.pk, document.pk])).status_code
        == 404
    )
    assert "CCSO-26-0412" not in c.get(reverse("complaints:list")).content.decode()
    with pytest.raises(ComplaintError):
        services.referral_record_provider_outcome(
            complaint=case,
            by=world.safety_staff,
            case_number="X",
            outcome=ProviderOutcome.UNFOUNDED,
            outcome_text="",
            received_on=datetime.date(2026, 11, 25),
            reason="mine",
        )
    assert ProviderResponse.objects.get().outcome == ProviderOutcome.SUSTAINED


def test_a_liaison_whose_link_ended_can_no_longer_record(client_for, world, case):
    LiaisonLink.objects.filter(membership__user=world.liaison).update(
        provider=provider(world.district, "Evergreen Security")
    )
    assert client_for(world.liaison).get(outcome_url(case)).status_code == 404


def test_a_complaint_not_referred_cannot_take_an_answer(world, case):
    c = complaint(world)
    with pytest.raises(ComplaintError, match="not referred"):
        services.referral_record_provider_outcome(
            complaint=c,
            by=world.liaison,
            case_number="X",
            outcome=ProviderOutcome.PENDING,
            outcome_text="",
            received_on=datetime.date(2026, 11, 25),
        )


def test_documents_of_an_earlier_providers_answer_stay_with_the_district(client_for, world, case):
    """Referred to the sheriff, then back to investigation and referred to a security company:
    the company's liaison does not read the sheriff's answer; the district reads both."""
    record(world, case)
    company = provider(world.district, "Evergreen Security")
    company_liaison = liaison_of(world, company, "l2@a.example.org")
    services.complaint_start_investigation(complaint=case, by=world.admin)
    services.complaint_refer(
        complaint=case, provider=company, referred_on=REFERRED_ON, case_number="", by=world.admin
    )
    body = client_for(company_liaison).get(detail_url(case)).content.decode()
    assert "Written reprimand." not in body
    assert "Record the provider" in body
    assert "Written reprimand." in client_for(world.admin).get(detail_url(case)).content.decode()
    assert client_for(world.liaison).get(detail_url(case)).status_code == 404


# Bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"),
        SimpleUploadedFile(
            "photo.png", b"<svg onload=alert(1) xmlns='http://www.w3.org/2000/svg'/>", "image/png"
        ),
        SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
        SimpleUploadedFile("empty.pdf", b"", "application/pdf"),
    ],
    ids=["exe-named-pdf", "svg-named-png", "html", "empty"],
)
def test_a_bad_upload_is_refused_and_nothing_is_written(client_for, world, case, settings, upload):
    response = client_for(world.liaison).post(
        outcome_url(case), {**answer(), "documents": [pdf("good.pdf"), upload]}
    )
    assert response.status_code == 400
    body = response.content.decode()
    # Ours name the file; Django's own check of an empty upload says it is empty.
    assert upload.name in body or "The submitted file is empty" in body
    assert not ProviderResponse.objects.exists()
    assert not ProviderDocument.objects.exists()
    assert not Event.objects.filter(kind="provider_outcome").exists()
    assert stored_files(settings) == []
    case.refresh_from_db()
    assert case.provider_case_number == ""


def test_an_oversized_upload_is_refused_and_nothing_is_written(client_for, world, case, settings):
    big = SimpleUploadedFile("huge.png", big_bytes(10 * 1024 * 1024 + 1).getvalue(), "image/png")
    response = client_for(world.liaison).post(outcome_url(case), {**answer(), "documents": [big]})
    assert response.status_code == 400
    assert "largest file accepted" in response.content.decode()
    assert not ProviderResponse.objects.exists() and stored_files(settings) == []


def test_too_many_files_at_once_are_refused(client_for, world, case, settings):
    files = [pdf(f"d{n}.pdf") for n in range(6)]
    response = client_for(world.liaison).post(outcome_url(case), {**answer(), "documents": files})
    assert response.status_code == 400
    assert "at most 5 files" in response.content.decode()
    assert not ProviderResponse.objects.exists() and stored_files(settings) == []


def test_a_hostile_file_name_is_kept_as_text_only(client_for, world, case):
    hostile = SimpleUploadedFile(
        '../../etc/<script>alert(1)</script>".pdf', PDF_BYTES, "application/pdf"
    )
    c = client_for(world.liaison)
    assert c.post(outcome_url(case), {**answer(), "documents": [hostile]}).status_code == 302
    document = ProviderDocument.objects.get()
    assert document.file.name.startswith("complaints/provider/")
    assert ".." not in document.file.name and "script" not in document.file.name
    body = c.get(detail_url(case)).content.decode()
    assert "<script>alert(1)" not in body
    download = c.get(reverse("complaints:provider_document", args=[case.pk, document.pk]))
    assert download.status_code == 200
    assert "/" not in download["Content-Disposition"].split("filename=")[-1]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("received_on", "2026-12-01", "cannot be in the future"),
        ("received_on", "2026-11-19", "cannot come before the referral"),
        ("received_on", "9999-01-01", "Enter a date between"),
        ("received_on", "not a date", "Enter a valid date"),
        ("outcome", "vanished", "Select a valid choice"),
        ("case_number", "X" * 61, "at most 60 characters"),
        ("outcome_text", "x" * 4001, "at most 4000 characters"),
    ],
)
def test_bad_values_get_a_clear_message_and_write_nothing(
    client_for, world, case, field, value, message
):
    response = client_for(world.liaison).post(outcome_url(case), answer(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProviderResponse.objects.exists()


def test_other_needs_words(client_for, world, case):
    response = client_for(world.liaison).post(
        outcome_url(case), answer(outcome=ProviderOutcome.OTHER, outcome_text="  ")
    )
    assert response.status_code == 400
    assert "Say what the provider concluded" in response.content.decode()


def test_the_r15_warning_holds_back_immigration_words_until_confirmed(client_for, world, case):
    c = client_for(world.liaison)
    text = answer(outcome_text="The student's immigration status came up.")
    response = c.post(outcome_url(case), text)
    assert response.status_code == 400 and "Warning" in response.content.decode()
    assert not ProviderResponse.objects.exists()
    assert c.post(outcome_url(case), {**text, "confirm_sensitive": "on"}).status_code == 302
    assert ProviderResponse.objects.exists()


# Corrections and history ---------------------------------------------------------------------
def test_a_correction_needs_a_reason_and_history_shows_old_and_new_values(client_for, world, case):
    record(world, case)
    c = client_for(world.liaison)
    page = c.get(outcome_url(case)).content.decode()
    assert "Reason for the correction" in page and "CCSO-26-0412" in page

    refused = c.post(outcome_url(case), answer(outcome=ProviderOutcome.NOT_SUSTAINED))
    assert refused.status_code == 400
    assert "Say why the provider" in refused.content.decode()
    assert ProviderResponse.objects.get().outcome == ProviderOutcome.SUSTAINED

    done = c.post(
        outcome_url(case),
        answer(
            case_number="CCSO-26-0413",
            outcome=ProviderOutcome.NOT_SUSTAINED,
            reason="The sheriff sent a corrected finding",
        ),
    )
    assert done.status_code == 302
    saved = ProviderResponse.objects.get()
    assert saved.outcome == ProviderOutcome.NOT_SUSTAINED
    assert ProviderResponse.objects.count() == 1
    case.refresh_from_db()
    assert case.provider_case_number == "CCSO-26-0413"
    latest = saved.history.first()
    assert latest.history_change_reason == "The sheriff sent a corrected finding"
    assert latest.history_user == world.liaison

    history = client_for(world.admin).get(reverse("complaints:history", args=[case.pk]))
    assert history.status_code == 200
    body = history.content.decode()
    assert "Provider&#x27;s response" in body or "Provider's response" in body
    assert "Sustained" in body and "Not sustained" in body
    assert "CCSO-26-0412" in body and "CCSO-26-0413" in body
    assert "The sheriff sent a corrected finding" in body


def test_adding_documents_alone_needs_no_reason(client_for, world, case):
    record(world, case)
    response = client_for(world.liaison).post(
        outcome_url(case), {**answer(outcome_text="Written reprimand."), "documents": [pdf()]}
    )
    assert response.status_code == 302
    assert ProviderDocument.objects.count() == 1
    assert ProviderResponse.objects.get().history.count() == 1


def test_saving_the_same_answer_again_changes_nothing(world, case):
    record(world, case)
    record(world, case)
    assert ProviderResponse.objects.get().history.count() == 1
    assert Event.objects.filter(kind="provider_outcome").count() == 1


def test_an_answer_holds_a_bounded_number_of_documents(world, case):
    limit = services.MAX_PROVIDER_DOCUMENTS
    record(world, case, documents=[(pdf(f"d{n}.pdf"), "application/pdf") for n in range(5)])
    with pytest.raises(ComplaintError, match="at most"):
        record(
            world,
            case,
            documents=[(pdf(f"e{n}.pdf"), "application/pdf") for n in range(limit - 4)],
        )
    assert ProviderDocument.objects.count() == 5
