"""The public intake, receipt and status pages (R-06, R-07, R-25, R-26) and their bad inputs."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from complaints import services
from complaints.forms import make_form_token
from complaints.models import Attachment, Complaint, InvestigationNote
from srp.models import OutboundEmail
from tests.complaints.factories import (
    PDF_BYTES,
    PNG_BYTES,
    big_bytes,
    pdf,
    png,
    staff,
    submit,
    to_findings,
)

pytestmark = pytest.mark.django_db


def intake_url(world):
    return reverse("complaints_public:intake", kwargs={"district_code": world.district.code})


def form_data(world, **overrides):
    data = {
        "school": str(world.school_a.pk),
        "staff_member": "",
        "occurred_on": "2026-11-20",
        "occurred_time": "10:30",
        "location": "Front office",
        "description": "The officer pushed my son against the lockers.",
        "requested_outcome": "An apology.",
        "relationship": "parent",
        "anonymous": "",
        "contact_name": "Ana",
        "contact_preference": "email",
        "email": "ana@example.org",
        "phone": "",
        "mailing_address": "",
        "language": "es",
        "website": "",
        "form_token": make_form_token(issued_at=time.time() - 60),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def nothing_written():
    return (
        Complaint.objects.count() == 0
        and OutboundEmail.objects.count() == 0
        and (Attachment.objects.count() == 0)
    )


def test_process_page_and_form_are_public_and_linked(client, world):
    page = client.get(
        reverse("complaints_public:process", kwargs={"district_code": world.district.code})
    )
    assert page.status_code == 200
    assert intake_url(world) in page.content.decode()
    home = client.get(reverse("srp:public_district", kwargs={"district_code": world.district.code}))
    assert "File a complaint" in home.content.decode()
    assert client.get(intake_url(world)).status_code == 200


def test_unknown_district_is_404(client, world):
    assert client.get("/p/nope/complaints/new/").status_code == 404


def test_form_in_spanish(client, world):
    page = client.get(intake_url(world), HTTP_ACCEPT_LANGUAGE="es")
    assert 'lang="es"' in page.content.decode()
    assert "Presentar una queja" in page.content.decode()


def test_anonymous_complaint_with_email_and_attachments(client, world):
    member = staff(world.district, world.school_a, world.year)
    response = client.post(
        intake_url(world),
        form_data(
            world,
            staff_member=str(member.pk),
            anonymous="on",
            contact_name="Ana",
            attachments=[png(), pdf()],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.contact_name == ""
    assert complaint.staff_member == member
    assert complaint.language == "es"
    assert [a.content_type for a in complaint.attachments.all()] == ["image/png", "application/pdf"]
    # Stored under a random name, not the family's file name, outside any public folder.
    assert "photo" not in complaint.attachments.first().file.name
    receipt = client.get(response["Location"])
    body = receipt.content.decode()
    assert complaint.reference in body
    assert "/complaints/status/" in body
    email = OutboundEmail.objects.get(to=["ana@example.org"])
    assert complaint.reference in email.subject


def test_status_page_shows_stage_and_letter_but_nothing_internal(client, world):
    submission = submit(world)
    c = services.complaint_assign(
        complaint=submission.complaint, investigator=world.investigator, by=world.admin
    )
    InvestigationNote.objects.create(complaint=c, author=world.admin, text="SECRET NOTE")
    url = reverse(
        "complaints_public:status",
        kwargs={"district_code": world.district.code, "token": submission.token},
    )
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert c.reference in body and "Received" in body
    assert "SECRET NOTE" not in body
    assert str(world.investigator) not in body
    assert page["Cache-Control"] == "private, no-store"
    c = to_findings(c, world.admin)
    services.complaint_send_response(complaint=c, by=world.admin)
    body = client.get(url).content.decode()
    letter_url = reverse(
        "complaints_public:status_letter",
        kwargs={"district_code": world.district.code, "token": submission.token},
    )
    assert letter_url in body
    letter = client.get(letter_url)
    assert letter.status_code == 200
    assert b"".join(letter.streaming_content).startswith(b"%PDF-")


def test_forged_or_other_district_token_is_plain_404(client, world):
    submission = submit(world)
    for code, token in [
        (world.district.code, "x" * 43),
        (world.district.code, submission.token[:-2] + "zz"),
        (world.other_district.code, submission.token),
        (world.district.code, "a" * 500),
    ]:
        url = reverse("complaints_public:status", kwargs={"district_code": code, "token": token})
        assert client.get(url).status_code == 404


def test_expired_token_is_404(client, world):
    submission = submit(world)
    c = to_findings(submission.complaint, world.admin)
    c = services.complaint_send_response(complaint=c, by=world.admin)
    services.complaint_close(complaint=c, by=world.admin)
    url = reverse(
        "complaints_public:status",
        kwargs={"district_code": world.district.code, "token": submission.token},
    )
    with freeze_time("2029-01-01 10:00:00"):
        assert client.get(url).status_code == 404


# Bad input: each gets a clear message, no partial complaint, no email, no 500. ---------------
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "This field is required"),
        ({"description": "x" * 1_000_000}, "at most 10000 characters"),
        ({"occurred_on": "2027-01-01"}, "cannot be in the future"),
        ({"occurred_on": "not a date"}, "Enter a valid date"),
        ({"school": "999999"}, "Select a valid choice"),
        ({"school": "<script>alert(1)</script>"}, "Select a valid choice"),
        ({"staff_member": "999999"}, "Select a valid choice"),
        ({"contact_preference": "email", "email": ""}, "Give an email address"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"relationship": "landlord"}, "Select a valid choice"),
        ({"language": "xx"}, "Select a valid choice"),
        ({"form_token": "tampered"}, "could not be checked"),
    ],
)
def test_bad_input_is_refused_without_writing(client, world, overrides, message):
    response = client.post(intake_url(world), form_data(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_written()


def test_html_and_script_are_stored_as_text_and_escaped(client, world):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post(
        intake_url(world),
        form_data(
            world,
            description=hostile,
            location=hostile,
            requested_outcome=hostile,
            contact_name=hostile,
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.description == hostile
    client.force_login(world.admin)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page


def test_staff_member_of_another_district_is_refused(client, world):
    other = staff(world.other_district, world.other_school, world.other_year, badge="O-1")
    response = client.post(intake_url(world), form_data(world, staff_member=str(other.pk)))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert nothing_written()


def test_staff_member_of_another_school_is_refused(client, world):
    at_b = staff(world.district, world.school_b, world.year, badge="B-9")
    response = client.post(intake_url(world), form_data(world, staff_member=str(at_b.pk)))
    assert response.status_code == 400
    assert "not on the roster of the school" in response.content.decode()
    assert nothing_written()


def test_exe_renamed_pdf_is_refused(client, world):
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\0" * 200, "application/pdf")
    response = client.post(intake_url(world), form_data(world, attachments=[exe]))
    assert response.status_code == 400
    assert "not a file type we accept" in response.content.decode()
    assert nothing_written()


def test_30_mb_image_is_refused(client, world):
    huge = SimpleUploadedFile("big.png", big_bytes(30 * 1024 * 1024).getvalue(), "image/png")
    response = client.post(intake_url(world), form_data(world, attachments=[huge]))
    assert response.status_code == 400
    assert "the largest file accepted is 10.0" in response.content.decode()
    assert nothing_written()


def test_six_attachments_are_refused(client, world):
    files = [SimpleUploadedFile(f"p{i}.png", PNG_BYTES, "image/png") for i in range(6)]
    response = client.post(intake_url(world), form_data(world, attachments=files))
    assert response.status_code == 400
    assert "at most 5 files; you chose 6" in response.content.decode()
    assert nothing_written()


def test_five_attachments_are_accepted(client, world):
    files = [SimpleUploadedFile(f"p{i}.pdf", PDF_BYTES, "application/pdf") for i in range(5)]
    response = client.post(intake_url(world), form_data(world, attachments=files))
    assert response.status_code == 302
    assert Attachment.objects.count() == 5


def test_honeypot_creates_nothing(client, world):
    response = client.post(intake_url(world), form_data(world, website="http://spam.example"))
    assert response.status_code == 400
    assert "We could not accept this form" in response.content.decode()
    assert "http://spam.example" not in response.content.decode()
    assert nothing_written()


def test_too_fast_submission_creates_nothing(client, world):
    response = client.post(
        intake_url(world), form_data(world, form_token=make_form_token(issued_at=time.time()))
    )
    assert response.status_code == 400
    assert "We could not accept this form" in response.content.decode()
    # The person's text is kept for them to send again.
    assert "The officer pushed my son" in response.content.decode()
    assert nothing_written()


def test_expired_form_token_asks_to_send_again(client, world):
    old = make_form_token(issued_at=time.time() - 60)
    with freeze_time("2026-11-28 10:00:00"):
        response = client.post(intake_url(world), form_data(world, form_token=old))
    assert response.status_code == 400
    assert "open for too long" in response.content.decode()
    assert nothing_written()


def test_replayed_form_is_refused(client, world):
    data = form_data(world)
    assert client.post(intake_url(world), data).status_code == 302
    replay = client.post(intake_url(world), data)
    assert replay.status_code == 400
    assert "already sent" in replay.content.decode()
    assert Complaint.objects.count() == 1


# A submission that fails on our side files nothing and leaves the form usable (issue #11). ---
def _break_the_receipt(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the mail template could not be drawn")

    monkeypatch.setattr(services, "email_queue", broken)


def test_failed_submission_says_nothing_was_filed_and_keeps_the_form_token(
    client, world, monkeypatch
):
    data = form_data(world)
    _break_the_receipt(monkeypatch)
    failed = client.post(intake_url(world), data)
    assert failed.status_code == 500
    body = failed.content.decode()
    assert "Nothing was filed" in body and "send it again" in body
    assert "The officer pushed my son" in body  # the family's text is kept
    assert data["form_token"] in body  # and so is their form token
    assert nothing_written()

    monkeypatch.undo()
    sent = client.post(intake_url(world), data)
    assert sent.status_code == 302, sent.content.decode()[:2000]
    assert Complaint.objects.count() == 1
    assert OutboundEmail.objects.filter(to=["ana@example.org"]).count() == 1
    replay = client.post(intake_url(world), data)
    assert replay.status_code == 400
    assert "already sent" in replay.content.decode()
    assert Complaint.objects.count() == 1


def test_database_error_mid_submission_keeps_the_form_token(client, world, monkeypatch):
    """A real constraint violation inside the service's transaction (a status token that
    collides with another complaint's) rolls everything back, and the same form files next."""
    first = submit(world)
    data = form_data(world, attachments=[pdf()])
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda n: first.token)
    failed = client.post(intake_url(world), data)
    assert failed.status_code == 500
    assert "Nothing was filed" in failed.content.decode()
    assert Complaint.objects.count() == 1 and Attachment.objects.count() == 0

    monkeypatch.undo()
    data["attachments"] = [pdf()]
    assert client.post(intake_url(world), data).status_code == 302
    assert Complaint.objects.count() == 2 and Attachment.objects.count() == 1


def test_form_sent_twice_at_once_files_once(client, world, monkeypatch):
    """A second copy of a form arriving while the first is being filed is refused, and the first
    still files: the token is held while sending and spent on commit."""
    from django.test import Client

    from complaints import public_views

    data = form_data(world)
    meanwhile = []
    real_submit = public_views.complaint_submit

    def submit_while_a_copy_arrives(**kwargs):
        meanwhile.append(Client().post(intake_url(world), data))
        return real_submit(**kwargs)

    monkeypatch.setattr(public_views, "complaint_submit", submit_while_a_copy_arrives)
    assert client.post(intake_url(world), data).status_code == 302
    assert meanwhile[0].status_code == 400
    assert "being sent right now" in meanwhile[0].content.decode()
    assert Complaint.objects.count() == 1


def test_oversized_request_is_refused(client, world):
    response = client.post(
        intake_url(world), form_data(world), CONTENT_LENGTH=str(60 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert nothing_written()


def test_public_form_is_rate_limited_per_ip(client, world, settings):
    settings.RATELIMIT_PUBLIC_POST = "2/m"
    for _ in range(2):
        client.post(intake_url(world), form_data(world))
    blocked = client.post(intake_url(world), form_data(world))
    assert blocked.status_code == 429
    assert Complaint.objects.count() == 2
    other_ip = client.post(intake_url(world), form_data(world), REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302


def test_status_page_is_rate_limited_per_ip(client, world, settings):
    settings.RATELIMIT_PUBLIC_GET = "3/m"
    url = reverse(
        "complaints_public:status",
        kwargs={"district_code": world.district.code, "token": "guess" * 9},
    )
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_receipt_page_without_a_submission_goes_back_to_the_form(client, world):
    response = client.get(
        reverse("complaints_public:submitted", kwargs={"district_code": world.district.code})
    )
    assert response.status_code == 302
    assert response["Location"] == intake_url(world)


def test_no_field_for_immigration_or_birthplace(world):
    from complaints.forms import ComplaintForm
    from complaints.models import Complaint as Model

    names = " ".join(
        [f.name for f in Model._meta.get_fields()] + list(ComplaintForm.base_fields)
    ).lower()
    for word in ("immigra", "citizen", "visa", "birth", "country"):
        assert word not in names


def test_time_later_today_is_refused(client, world):
    response = client.post(
        intake_url(world), form_data(world, occurred_on="2026-11-27", occurred_time="23:30")
    )
    assert response.status_code == 400
    assert "The time cannot be in the future" in response.content.decode()
    assert nothing_written()
