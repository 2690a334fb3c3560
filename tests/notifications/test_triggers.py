"""Each trigger notifies exactly the people who act next (issue #14 item 5), in their language,
by email only when they want it, and never twice."""

from __future__ import annotations

import datetime

import pytest
from freezegun import freeze_time

from complaints import services as complaint_services
from incidents import services as incident_services
from notifications import kinds
from notifications.models import Notification
from notifications.services import notify
from srp.models import OutboundEmail
from srp.roles import Role
from tests.complaints.factories import complaint as make_complaint
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.conftest import prefer, roster_entry

pytestmark = pytest.mark.django_db


def recipients(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def file_request(world, *, school=None, by=None):
    return incident_services.intervention_request_create(
        district=world.district,
        school=school or world.school_a,
        basis="danger",
        requester_role="teacher",
        description="A student is threatening classmates.",
        by=by or world.teacher_a,
    )


# Intervention requests ------------------------------------------------------------------------
def test_new_request_notifies_the_schools_safety_staff_and_principal_only(world, sro_a, sro_b):
    # Another district's principal of its own school: never told.
    other = UserFactory(username="principal@b.example.org")
    MembershipFactory(
        user=other, district=world.other_district, role=Role.PRINCIPAL, schools=[world.other_school]
    )
    request = file_request(world)
    assert recipients(kinds.INTERVENTION_REQUEST_NEW) == {
        "sro@a.example.org",
        "principal.a@a.example.org",
    }
    notice = Notification.objects.filter(recipient=world.principal_a).get()
    assert notice.title == "New intervention request at Alder High"
    assert notice.url == f"/incidents/requests/{request.pk}/"
    assert notice.district == world.district
    # One email each, to each recipient alone; none to the teacher who filed it.
    assert sorted(e.to[0] for e in OutboundEmail.objects.all()) == [
        "principal.a@a.example.org",
        "sro@a.example.org",
    ]
    assert all(len(e.to) == 1 for e in OutboundEmail.objects.all())


def test_request_response_marks_the_notices_done(world, sro_a):
    request = file_request(world)
    assert Notification.objects.waiting().count() == 2
    incident_services.intervention_withdraw(request=request, by=world.teacher_a)
    assert Notification.objects.waiting().count() == 0
    assert Notification.objects.count() == 2  # marked done, never deleted


def test_request_email_in_the_recipients_language(world, sro_a):
    prefer(world.principal_a, world.district, language="es")
    file_request(world)
    spanish = OutboundEmail.objects.get(to=["principal.a@a.example.org"])
    assert spanish.subject == "Nueva solicitud de intervención en Alder High"
    assert "Abra la solicitud" in spanish.body
    assert "/notifications/settings/" in spanish.body
    english = OutboundEmail.objects.get(to=["sro@a.example.org"])
    assert english.subject == "New intervention request at Alder High"
    # The notice on the list is in the language the person chose too.
    assert Notification.objects.get(recipient=world.principal_a).title.startswith("Nueva")


def test_email_off_means_in_app_only(world, sro_a):
    prefer(world.principal_a, world.district, email_off=[kinds.INTERVENTION_REQUEST_NEW])
    file_request(world)
    assert recipients(kinds.INTERVENTION_REQUEST_NEW) == {
        "sro@a.example.org",
        "principal.a@a.example.org",
    }
    assert [e.to for e in OutboundEmail.objects.all()] == [["sro@a.example.org"]]
    assert Notification.objects.get(recipient=world.principal_a).email is None


def test_language_no_longer_offered_falls_back_to_english(world, sro_a):
    prefer(world.principal_a, world.district, language="vi")  # the district offers en, es
    file_request(world)
    assert OutboundEmail.objects.get(to=["principal.a@a.example.org"]).subject.startswith("New")


def test_retried_notify_never_notifies_twice(world):
    for _ in range(2):
        notify(
            [world.admin, world.admin],
            kinds.AGREEMENT_ENDING,
            world.district,
            "An agreement ends soon",
            "/agreements/",
            dedupe="agreement_ending:test",
        )
    assert Notification.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_notify_refuses_a_link_to_another_site(world):
    with pytest.raises(ValueError):
        notify(
            [world.admin],
            kinds.REVIEW_LATE,
            world.district,
            "x",
            "https://evil.example/",
            dedupe="k",
        )
    with pytest.raises(ValueError):
        notify([world.admin], "no_such_kind", world.district, "x", "/", dedupe="k")
    assert not Notification.objects.exists()


def test_inactive_account_is_not_notified(world, sro_a):
    world.principal_a.is_active = False
    world.principal_a.save()
    file_request(world)
    assert recipients(kinds.INTERVENTION_REQUEST_NEW) == {"sro@a.example.org"}


# Complaints -----------------------------------------------------------------------------------
def test_referral_notifies_the_providers_liaisons_not_its_subject_nor_others(
    world, provider, liaison_link
):
    from agreements.models import LiaisonLink, Provider

    # A second liaison of the same provider whose own roster entry the complaint is about.
    subject_user = UserFactory(username="liaison.subject@a.example.org")
    membership = MembershipFactory(
        user=subject_user, district=world.district, role=Role.AGENCY_LIAISON
    )
    LiaisonLink.objects.create(membership=membership, provider=provider)
    subject = roster_entry(world, world.school_a, user=subject_user, employer=provider, badge="S-1")
    # A liaison of another provider.
    other_provider = Provider.objects.create(
        district=world.district, name="Metro Security", kind=Provider.Kind.SECURITY_COMPANY
    )
    other_user = UserFactory(username="liaison.other@a.example.org")
    other_membership = MembershipFactory(
        user=other_user, district=world.district, role=Role.AGENCY_LIAISON
    )
    LiaisonLink.objects.create(membership=other_membership, provider=other_provider)

    c = make_complaint(world, staff_member=subject)
    OutboundEmail.objects.all().delete()  # the family's receipt
    complaint_services.complaint_refer(
        complaint=c,
        provider=provider,
        referred_on=datetime.date(2026, 11, 27),
        case_number="",
        by=world.admin,
    )
    assert recipients(kinds.COMPLAINT_REFERRED) == {"liaison@a.example.org"}
    notice = Notification.objects.get(kind=kinds.COMPLAINT_REFERRED)
    assert notice.title == f"Complaint {c.reference} referred to Cascade County Sheriff"
    assert [e.to for e in OutboundEmail.objects.all()] == [["liaison@a.example.org"]]


def test_assignment_notifies_the_investigator_and_clears_unassigned(world):
    c = make_complaint(world)
    with freeze_time("2026-11-30 18:00:00"):
        from complaints.notify import unassigned_remind

        assert unassigned_remind() == 1
    assert Notification.objects.waiting().filter(kind=kinds.COMPLAINT_UNASSIGNED).count() == 1
    complaint_services.complaint_assign(
        complaint=c, investigator=world.investigator, by=world.admin
    )
    assert recipients(kinds.COMPLAINT_ASSIGNED) == {"investigator@a.example.org"}
    assert not Notification.objects.waiting().filter(kind=kinds.COMPLAINT_UNASSIGNED).exists()
    # Reassigned: the first investigator's notice is done, the new one's open.
    complaint_services.complaint_assign(complaint=c, investigator=world.admin, by=world.admin)
    open_ = Notification.objects.waiting().filter(kind=kinds.COMPLAINT_ASSIGNED)
    assert list(open_.values_list("recipient", flat=True)) == [world.admin.pk]


def test_unassigned_after_one_school_day_to_program_admins_not_the_subject(world):
    from complaints.notify import unassigned_remind

    # A second program administrator is on the roster and the complaint is about them.
    admin_subject = UserFactory(username="admin.subject@a.example.org")
    MembershipFactory(user=admin_subject, district=world.district, role=Role.PROGRAM_ADMIN)
    subject = roster_entry(world, world.school_a, user=admin_subject, badge="S-2")
    # Received Friday 2026-11-27 (local): one school day later is Monday 2026-11-30.
    c = make_complaint(world, staff_member=subject)
    make_complaint(world, district=world.other_district, school=world.other_school)
    with freeze_time("2026-11-28 18:00:00"):  # Saturday: not yet
        assert unassigned_remind() == 0
    with freeze_time("2026-11-30 18:00:00"):
        assert unassigned_remind() == 2  # one per district's administrator
        assert unassigned_remind() == 0  # the same day again: nothing new
    with freeze_time("2026-12-01 18:00:00"):
        assert unassigned_remind() == 0  # and the next day neither
    ours = Notification.objects.filter(kind=kinds.COMPLAINT_UNASSIGNED, district=world.district)
    # Not the administrator the complaint is about.
    assert [(n.recipient.username, n.object_id) for n in ours] == [("admin@a.example.org", c.pk)]
    # The other district's complaint reached only its own administrator.
    theirs = Notification.objects.exclude(district=world.district)
    assert [n.recipient.username for n in theirs] == ["admin@b.example.org"]


# Training -------------------------------------------------------------------------------------
def test_training_due_in_30_days_to_supervisors(world, provider, liaison_link):
    from agreements.notify import training_remind

    # First day 2026-06-10: the classroom series is due 2026-12-10, 13 days away.
    staff = roster_entry(
        world, world.school_a, employer=provider, badge="T-1", first_day=datetime.date(2026, 6, 10)
    )
    assert training_remind() == 3
    assert training_remind() == 0
    assert recipients(kinds.TRAINING_DUE) == {
        "principal.a@a.example.org",
        "liaison@a.example.org",
        "admin@a.example.org",
    }
    assert not Notification.objects.filter(kind=kinds.TRAINING_OVERDUE).exists()
    notice = Notification.objects.filter(kind=kinds.TRAINING_DUE).first()
    assert notice.title == f"Training of {staff.full_name} due on 2026-12-10"
    assert notice.url == f"/agreements/staff/{staff.pk}/"


def test_training_overdue_to_supervisors_of_district_staff(world):
    from agreements.notify import training_remind

    # District staff (no employer): no liaison; first day 2026-05-01, classroom due 2026-11-01.
    roster_entry(world, world.school_b, badge="T-2", first_day=datetime.date(2026, 5, 1))
    # Not due for months: nobody told.
    roster_entry(world, world.school_a, badge="T-3", first_day=datetime.date(2026, 10, 1))
    assert training_remind() == 2
    assert recipients(kinds.TRAINING_OVERDUE) == {
        "principal.b@a.example.org",
        "admin@a.example.org",
    }
    assert not Notification.objects.filter(kind=kinds.TRAINING_DUE).exists()


# Agreements -----------------------------------------------------------------------------------
def test_agreement_ending_within_60_days(world, provider):
    from agreements.notify import agreement_ending_remind
    from tests.agreements.factories import ProviderFactory, in_force_agreement

    ending = in_force_agreement(provider, world.year)
    ending.effective_until = datetime.date(2027, 1, 15)
    ending.save()
    later = in_force_agreement(ProviderFactory(district=world.district), world.year)
    later.effective_until = datetime.date(2027, 6, 30)
    later.save()
    other = in_force_agreement(ProviderFactory(district=world.other_district), world.other_year)
    other.effective_until = datetime.date(2027, 1, 1)
    other.save()
    assert agreement_ending_remind() == 2
    assert agreement_ending_remind() == 0
    assert {(n.recipient.username, n.object_id) for n in Notification.objects.all()} == {
        ("admin@a.example.org", ending.pk),
        ("admin@b.example.org", other.pk),
    }


def test_review_due_goes_through_notify_once(world, provider):
    from django.utils import timezone

    from srp.management.commands.run_worker import run_reminders
    from tests.agreements.factories import in_force_agreement

    prefer(world.admin, world.district, language="es")
    agreement = in_force_agreement(provider, world.year, adopted_on=datetime.date(2025, 11, 1))
    first = run_reminders(now=timezone.now())
    assert first["agreements.review_due"] == 1
    assert first["agreements.review_late"] == 0  # the same notice: not twice
    second = run_reminders(now=timezone.now())
    assert sum(second.values()) == 0
    notice = Notification.objects.get(kind=kinds.REVIEW_LATE)
    assert notice.recipient == world.admin
    assert notice.object_id == agreement.pk
    email = OutboundEmail.objects.get()
    assert email.subject == f"Revisión anual de “{agreement.title}” pendiente desde 2026-11-01"


def test_review_late_email_off_keeps_the_notice(world, provider):
    from agreements.services import agreement_reviews_remind
    from tests.agreements.factories import in_force_agreement

    prefer(world.admin, world.district, email_off=[kinds.REVIEW_LATE])
    in_force_agreement(provider, world.year, adopted_on=datetime.date(2025, 11, 1))
    agreement_reviews_remind()
    assert Notification.objects.filter(kind=kinds.REVIEW_LATE).count() == 1
    assert not OutboundEmail.objects.exists()
