"""Rules of the complaint workflow (R-06 reference and token, R-08 findings, deadlines, R-27)."""

from __future__ import annotations

import datetime

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from freezegun import freeze_time

from complaints import reminders, services
from complaints.models import Allegation, Complaint, Event, Finding, Status
from complaints.services import ComplaintError
from srp.models import OutboundEmail
from srp.outbox import deliver_due_emails
from tests.complaints.factories import complaint, submit, to_findings

pytestmark = pytest.mark.django_db


def test_reference_is_sequential_per_district_and_year(world):
    first = complaint(world)
    second = complaint(world)
    other = complaint(world, district=world.other_district, school=world.other_school)
    assert (first.reference, second.reference) == ("C-2026-00001", "C-2026-00002")
    assert other.reference == "C-2026-00001"
    with freeze_time("2027-01-04 18:00:00"):
        assert complaint(world).reference == "C-2027-00001"


def test_status_token_is_long_random_and_only_its_hash_is_stored(world):
    submission = submit(world)
    token = submission.token
    assert len(token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    stored = Complaint.objects.get(pk=submission.complaint.pk)
    assert token not in stored.token_hash
    assert stored.token_hash == services.hash_token(token)
    assert services.complaint_by_token(district=world.district, token=token) == stored
    assert services.complaint_by_token(district=world.district, token=token[:-1] + "x") is None
    assert services.complaint_by_token(district=world.other_district, token=token) is None
    assert submission.status_url.endswith(f"/p/{world.district.code}/complaints/status/{token}/")


def test_status_link_expires_two_years_after_closing(world):
    submission = submit(world)
    c = to_findings(submission.complaint, world.admin)
    c = services.complaint_send_response(complaint=c, by=world.admin)
    services.complaint_close(complaint=c, by=world.admin)
    assert services.complaint_by_token(district=world.district, token=submission.token)
    with freeze_time("2028-11-28 10:00:00"):
        assert services.complaint_by_token(district=world.district, token=submission.token) is None


def test_deadlines_come_from_district_settings(world):
    c = complaint(world)  # Friday 27 November 2026
    assert c.acknowledge_due == datetime.date(2026, 12, 4)  # 5 school days, weekends skipped
    assert c.respond_due == datetime.date(2026, 12, 27)
    assert c.investigation_due == datetime.date(2027, 2, 25)
    world.district.acknowledge_within_school_days = 2
    world.district.respond_within_days = 10
    world.district.save()
    c2 = complaint(world)
    assert c2.acknowledge_due == datetime.date(2026, 12, 1)
    assert c2.respond_due == datetime.date(2026, 12, 7)


def test_receipt_email_copies_the_complaint_in_the_family_language(world):
    submit(world, email="familia@example.org", language="es")
    email = OutboundEmail.objects.get(to=["familia@example.org"])
    assert "C-2026-00001" in email.subject
    assert "Recibimos" in email.subject
    assert "The officer shouted at my son" in email.body
    assert "/complaints/status/" in email.body


def test_no_email_address_means_no_email(world):
    submit(world, email="")
    assert OutboundEmail.objects.count() == 0


def test_full_workflow_to_closing_and_appeal(world):
    c = complaint(world)
    admin = world.admin
    c = services.complaint_assign(complaint=c, investigator=world.investigator, by=admin)
    c = to_findings(c, world.investigator)
    assert c.status == Status.FINDINGS
    c = services.complaint_send_response(complaint=c, by=world.investigator)
    assert c.status == Status.RESPONSE_SENT
    assert c.response_letter.read(5) == b"%PDF-"
    c = services.complaint_close(complaint=c, by=admin)
    c = services.complaint_appeal(complaint=c, by=admin, reason="We disagree.")
    assert c.status == Status.APPEALED
    c = services.complaint_start_investigation(complaint=c, by=admin)
    assert c.status == Status.UNDER_INVESTIGATION
    kinds = list(Event.objects.filter(complaint=c).values_list("kind", flat=True))
    assert kinds[:3] == ["received", "assigned", "acknowledge"]
    assert "appeal" in kinds


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("complaint_start_investigation", {}),
        ("complaint_record_findings", {}),
        ("complaint_send_response", {}),
        ("complaint_close", {}),
        ("complaint_appeal", {"reason": "x"}),
    ],
)
def test_illegal_transitions_are_refused_with_a_message(world, action, kwargs):
    c = complaint(world)
    with pytest.raises(ComplaintError, match="cannot be moved"):
        getattr(services, action)(complaint=c, by=world.admin, **kwargs)
    assert Complaint.objects.get(pk=c.pk).status == Status.RECEIVED


def test_findings_need_allegations_each_with_a_finding(world):
    c = complaint(world)
    c = services.complaint_acknowledge(complaint=c, by=world.admin)
    c = services.complaint_start_investigation(complaint=c, by=world.admin)
    with pytest.raises(ComplaintError, match="at least one allegation"):
        services.complaint_record_findings(complaint=c, by=world.admin)
    services.allegation_save(
        complaint=c, by=world.admin, staff_member=None, category="other", summary="x"
    )
    with pytest.raises(ComplaintError, match="no finding"):
        services.complaint_record_findings(complaint=c, by=world.admin)
    assert Complaint.objects.get(pk=c.pk).status == Status.UNDER_INVESTIGATION


def test_every_finding_value_is_accepted(world):
    assert set(Finding.values) == {
        "sustained",
        "not_sustained",
        "exonerated",
        "unfounded",
        "policy_failure",
        "withdrawn",
    }
    for value in Finding.values:
        c = to_findings(complaint(world), world.admin, finding=value)
        assert c.allegations.get().finding == value


def test_response_letter_is_emailed_in_spanish_with_the_pdf(world):
    c = to_findings(complaint(world, email="familia@example.org", language="es"), world.admin)
    c = services.complaint_send_response(complaint=c, by=world.admin)
    assert c.response_letter_language == "es"
    email = OutboundEmail.objects.filter(to=["familia@example.org"]).order_by("pk").last()
    assert "respuesta" in email.subject.lower()
    attachment = email.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert bytes(attachment.content).startswith(b"%PDF-")


def test_letter_falls_back_to_english_without_district_wording(world):
    from complaints.models import LetterText
    from complaints.pdf import letter_language

    c = complaint(world, language="so")
    assert letter_language(c) == "en"
    LetterText.objects.create(
        district=world.district, language="so", opening="Mahadsanid", appeal_route="Racfaan"
    )
    assert letter_language(c) == "so"


def test_withdrawal_needs_a_reason_and_marks_open_allegations(world):
    c = complaint(world)
    services.allegation_save(
        complaint=c, by=world.admin, staff_member=None, category="other", summary="x"
    )
    with pytest.raises(ComplaintError):
        services.complaint_withdraw(complaint=c, by=world.admin, reason="  ")
    c = services.complaint_withdraw(complaint=c, by=world.admin, reason="Resolved informally.")
    assert c.status == Status.WITHDRAWN
    assert Allegation.objects.get(complaint=c).finding == Finding.WITHDRAWN


def test_referral_records_provider_date_and_case_number(world):
    from tests.complaints.factories import provider

    prov = provider(world.district)
    c = services.complaint_refer(
        complaint=complaint(world),
        provider=prov,
        referred_on=datetime.date(2026, 11, 26),
        case_number="CCSO-26-1",
        by=world.admin,
    )
    assert (c.status, c.referred_provider, c.provider_case_number) == (
        Status.REFERRED,
        prov,
        "CCSO-26-1",
    )
    other = provider(world.other_district, name="Orchard PD")
    with pytest.raises(ComplaintError):
        services.complaint_refer(
            complaint=complaint(world),
            provider=other,
            referred_on=datetime.date(2026, 11, 26),
            case_number="",
            by=world.admin,
        )


def test_extension_needs_a_reason_and_tells_the_family(world):
    c = complaint(world, email="family@example.org")
    with pytest.raises(ComplaintError, match="reason"):
        services.complaint_extend(
            complaint=c, by=world.admin, new_due=datetime.date(2027, 1, 15), reason=""
        )
    with pytest.raises(ComplaintError, match="later"):
        services.complaint_extend(
            complaint=c, by=world.admin, new_due=datetime.date(2026, 12, 1), reason="x"
        )
    with pytest.raises(ComplaintError, match="at most 90 days"):
        services.complaint_extend(
            complaint=c, by=world.admin, new_due=datetime.date(2027, 6, 1), reason="x"
        )
    before = OutboundEmail.objects.count()
    services.complaint_extend(
        complaint=c, by=world.admin, new_due=datetime.date(2027, 1, 15), reason="Witness away."
    )
    c.refresh_from_db()
    assert c.respond_due == datetime.date(2027, 1, 15)
    assert OutboundEmail.objects.count() == before + 1
    assert "Witness away." in OutboundEmail.objects.order_by("pk").last().body


def test_overdue_complaints(world):
    c = complaint(world)
    assert not c.is_overdue()
    with freeze_time("2026-12-07 10:00:00"):  # past the acknowledgement date (4 December)
        assert Complaint.objects.overdue().filter(pk=c.pk).exists()
        assert c.is_overdue()
        c = services.complaint_acknowledge(complaint=c, by=world.admin)
        assert not Complaint.objects.overdue().filter(pk=c.pk).exists()
    with freeze_time("2026-12-28 10:00:00"):  # past the response date
        assert Complaint.objects.overdue().filter(pk=c.pk).exists()


def test_reminders_go_to_investigators_once_a_day(world):
    c = complaint(world)
    services.complaint_assign(complaint=c, investigator=world.investigator, by=world.admin)
    with freeze_time("2026-12-03 15:00:00"):
        assert reminders.run() == 1
        assert reminders.run() == 0
        # The reminder, not the notice of the assignment (issue #14 item 5).
        email = OutboundEmail.objects.get(
            to=[world.investigator.email], subject__contains="needs your attention"
        )
        assert c.reference in email.body
    with freeze_time("2026-12-04 15:00:00"):
        assert reminders.run() == 1


def test_annual_report_queries(world):
    c1 = to_findings(complaint(world), world.admin, finding=Finding.SUSTAINED)
    services.complaint_send_response(complaint=c1, by=world.admin)
    to_findings(complaint(world), world.admin, finding=Finding.UNFOUNDED)
    complaint(world, district=world.other_district, school=world.other_school)
    year_qs = Complaint.objects.received_in(world.year)
    assert year_qs.count() == 2
    allegations = Allegation.objects.filter(complaint__in=year_qs)
    assert allegations.counts_by_finding()["sustained"] == 1
    assert allegations.counts_by_finding()["unfounded"] == 1
    assert allegations.counts_by_category()["student_interaction"] == 2
    assert year_qs.median_days_to_respond() == 0


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):  # noqa: ANN001, ANN201
        raise ConnectionRefusedError("mail server down")


def test_mail_server_down_loses_no_complaint_and_retries(world, settings):
    settings.SRP_DELIVERY_EMAIL_BACKEND = "tests.complaints.test_services.FailingBackend"
    submission = submit(world)
    result = deliver_due_emails()
    assert result.retried == 1
    assert Complaint.objects.filter(pk=submission.complaint.pk).exists()
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED and email.attempts == 1


def test_do_not_contact_means_only_the_receipt(world):
    from complaints.models import ContactPreference

    c = complaint(world, email="quiet@example.org")
    Complaint.objects.filter(pk=c.pk).update(contact_preference=ContactPreference.NONE)
    c.refresh_from_db()
    c = to_findings(c, world.admin)
    services.complaint_send_response(complaint=c, by=world.admin)
    assert OutboundEmail.objects.filter(to=["quiet@example.org"]).count() == 1  # the receipt


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_letter_states_findings_in_plain_words_and_the_appeal_route(world):
    c = to_findings(complaint(world), world.admin, finding=Finding.EXONERATED)
    c = services.complaint_send_response(complaint=c, by=world.admin)
    text = " ".join(_pdf_text(c.response_letter.read()).split())
    assert world.district.name in text  # letterhead
    assert c.reference in text
    assert "within the rules and the law" in text
    assert "how to appeal" in text and "within 30 days" in text


def test_letter_in_a_language_the_district_wrote(world):
    from complaints.models import LetterText

    LetterText.objects.create(
        district=world.district,
        language="vi",
        opening="Cảm ơn quý vị đã cho chúng tôi biết.",
        appeal_route="Quý vị có thể kháng nghị trong vòng 30 ngày.",
        signature="Văn phòng An toàn",
    )
    c = to_findings(complaint(world, language="vi"), world.admin)
    c = services.complaint_send_response(complaint=c, by=world.admin)
    assert c.response_letter_language == "vi"
    text = " ".join(_pdf_text(c.response_letter.read()).split())
    assert "kháng nghị trong vòng 30 ngày" in text
