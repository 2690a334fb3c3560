"""R-18: delivery tracking per school and year; done/due/late against the deadline; reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from notices.models import Delivery, DeliveryEvidence, LateNoticeReminder, NoticeError
from notices.selectors import DONE, DUE, LATE, delivery_statuses
from notices.services import delivery_record, delivery_withdraw, send_late_notice_reminders
from srp.models import OutboundEmail
from srp.registry import registry

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def present(world, school, on=datetime.date(2026, 9, 10), **kwargs):
    return delivery_record(
        school=school,
        school_year=world.year,
        kind=Delivery.Kind.PRESENTATION,
        delivered_on=on,
        by=world.admin,
        audience=kwargs.pop("audience", "Grades 9-12"),
        presenter=kwargs.pop("presenter", "Ms. Principal"),
        presentation_format=kwargs.pop("presentation_format", Delivery.Format.ASSEMBLY),
        **kwargs,
    )


def distribute(world, school, on=datetime.date(2026, 9, 5), **kwargs):
    return delivery_record(
        school=school,
        school_year=world.year,
        kind=Delivery.Kind.DISTRIBUTION,
        delivered_on=on,
        by=world.admin,
        channels=kwargs.pop("channels", ["email", "backpack"]),
        languages=kwargs.pop("languages", ["en", "es"]),
        **kwargs,
    )


def test_record_presentation_and_distribution_with_evidence(world, staffed):
    slides = SimpleUploadedFile("slides.pdf", PDF_BYTES, content_type="application/pdf")
    presentation = present(world, world.school_a, evidence=[slides])
    distribution = distribute(world, world.school_a)
    assert presentation.evidence.get().content_type == "application/pdf"
    assert presentation.evidence.get().original_name == "slides.pdf"
    assert distribution.channels == ["email", "backpack"]
    assert distribution.languages == ["en", "es"]
    assert distribution.audience == "" and distribution.presentation_format == ""


def test_a_delivery_dated_before_the_year_began_is_refused(world, staffed):
    with pytest.raises(NoticeError, match="before the 2026-27 school year began"):
        present(world, world.school_a, on=datetime.date(2026, 6, 30))
    assert not Delivery.objects.exists()


def test_a_delivery_in_the_future_is_refused(world, staffed):
    with pytest.raises(NoticeError, match="before it happens"):
        present(world, world.school_a, on=datetime.date(2026, 12, 1))


def test_evidence_that_is_not_what_it_claims_saves_nothing(world, staffed):
    good = SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png")
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(NoticeError, match="not a file type we accept"):
        present(world, world.school_a, evidence=[good, fake])
    assert not Delivery.objects.exists()
    assert not DeliveryEvidence.objects.exists()


def test_a_distribution_needs_channels_and_district_languages(world, staffed):
    with pytest.raises(NoticeError, match="channel"):
        distribute(world, world.school_a, channels=[])
    with pytest.raises(NoticeError, match="channel"):
        distribute(world, world.school_a, channels=["carrier_pigeon"])
    with pytest.raises(NoticeError, match="languages"):
        distribute(world, world.school_a, languages=["fr"])
    assert not Delivery.objects.exists()


def test_a_presentation_needs_audience_presenter_and_format(world, staffed):
    with pytest.raises(NoticeError, match="who presented"):
        present(world, world.school_a, presenter=" ")
    with pytest.raises(NoticeError, match="format"):
        present(world, world.school_a, presentation_format="skywriting")


def test_a_year_of_another_district_is_refused(world, staffed):
    with pytest.raises(NoticeError, match="another district"):
        delivery_record(
            school=world.school_a,
            school_year=world.other_year,
            kind=Delivery.Kind.PRESENTATION,
            delivered_on=datetime.date(2026, 9, 10),
            by=world.admin,
            audience="All",
            presenter="X",
            presentation_format="assembly",
        )


# Done / due / late: the deadline is 2026-09-02 + 30 days = 2026-10-02 -----------------------
def states(world, today):
    return {
        s.school.name: (s.students.state, s.families.state, s.state)
        for s in delivery_statuses(district=world.district, school_year=world.year, today=today)
    }


def test_before_the_deadline_missing_duties_are_due(world, staffed):
    present(world, world.school_a, on=datetime.date(2026, 9, 10))
    result = states(world, datetime.date(2026, 10, 2))
    assert result == {"Alder High": (DONE, DUE, DUE), "Birch Middle": (DUE, DUE, DUE)}


def test_after_the_deadline_missing_duties_are_late(world, staffed):
    present(world, world.school_a, on=datetime.date(2026, 9, 10))
    distribute(world, world.school_a, on=datetime.date(2026, 9, 12))
    distribute(world, world.school_b, on=datetime.date(2026, 9, 12))
    result = states(world, datetime.date(2026, 10, 3))
    assert result == {"Alder High": (DONE, DONE, DONE), "Birch Middle": (LATE, DONE, LATE)}


def test_the_deadline_follows_the_district_setting(world, staffed):
    world.district.notice_deadline_days = 60
    world.district.save()
    assert states(world, datetime.date(2026, 10, 3))["Birch Middle"][2] == DUE
    assert states(world, datetime.date(2026, 11, 2))["Birch Middle"][2] == LATE


def test_a_withdrawn_delivery_no_longer_counts(world, staffed):
    delivery = present(world, world.school_a)
    delivery_withdraw(delivery=delivery, reason="Wrong school", by=world.admin)
    assert states(world, datetime.date(2026, 11, 27))["Alder High"][0] == LATE
    with pytest.raises(NoticeError, match="already withdrawn"):
        delivery_withdraw(delivery=delivery, reason="again", by=world.admin)
    assert Delivery.objects.filter(pk=delivery.pk).exists()  # kept, never deleted


def test_schools_without_staff_this_year_need_no_notice(world, staffed):
    from tests.factories import SchoolFactory

    SchoolFactory(district=world.district, name="Cedar Elementary", building_code="3101")
    assert "Cedar Elementary" not in states(world, datetime.date(2026, 11, 27))


def test_statuses_take_a_fixed_number_of_queries(world, staffed, django_assert_num_queries):
    present(world, world.school_a)
    # The school year's calendar (the deadline skips recorded breaks), schools, deliveries.
    with django_assert_num_queries(3):
        delivery_statuses(
            district=world.district, school_year=world.year, today=datetime.date(2026, 11, 27)
        )


# Reminders to principals of late schools ---------------------------------------------------
def test_reminders_go_to_principals_of_late_schools_once(world, staffed):
    present(world, world.school_a)
    distribute(world, world.school_a)
    # Today (2026-11-27) Birch Middle is late; Alder High is done.
    assert send_late_notice_reminders() == 1
    email = OutboundEmail.objects.get()
    assert email.to == [world.principal_b.email]
    assert "Birch Middle" in email.subject
    assert "/notices/schools/" in email.body
    # Running again the same day (or within the week) sends nothing new.
    assert send_late_notice_reminders() == 0
    # The daily `send_reminders` runs the registered reminder: it too sends nothing new.
    reminder = next(r for r in registry.reminders if r.key == "notices.late")
    assert reminder.run(now=timezone.now()) == 0
    assert OutboundEmail.objects.count() == 1
    assert LateNoticeReminder.objects.count() == 1


def test_no_reminder_before_the_deadline(world, staffed):
    with freeze_time("2026-09-20 10:00:00"):
        assert send_late_notice_reminders() == 0
    assert not OutboundEmail.objects.exists()


def test_a_week_later_the_reminder_is_sent_again(world, staffed):
    with freeze_time("2026-10-05 10:00:00"):
        assert send_late_notice_reminders() == 2
    with freeze_time("2026-10-08 10:00:00"):
        assert send_late_notice_reminders() == 0
    with freeze_time("2026-10-12 10:00:00"):
        assert send_late_notice_reminders() == 2
