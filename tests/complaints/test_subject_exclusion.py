"""R-09: the staff member a complaint is about never investigates it nor sees it anywhere.

The persona is an SRO added the way a program administrator adds one, through the People page
(safety staff, then investigator) and the Staff page (the roster entry), not the demo seed. The
roster entry and the account are tied either by the link made on the staff page or, until one
is made, by the email alone (in another case).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from freezegun import freeze_time

from agreements.models import StaffMember
from complaints import reminders, services
from complaints.models import AccessLog, Allegation, Complaint
from complaints.selectors import complaints_for_scope, investigator_choices, is_about
from srp.models import OutboundEmail, User
from srp.roles import Role
from srp.scope import build_scope
from tests.complaints.factories import complaint, png, provider, staff, submit, to_findings

pytestmark = pytest.mark.django_db

EMAIL = "kim.officer@pd.example.org"


def add_person_through_people_page(client, *, email: str, role: str) -> None:
    response = client.post(
        reverse("srp:person_create"),
        {
            "email": email,
            "first_name": "Kim",
            "last_name": "Officer",
            "role": role,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def add_roster_entry_through_staff_page(client, world, *, email: str, badge: str) -> StaffMember:
    response = client.post(
        reverse("agreements:staff_create"),
        {
            "first_name": "Kim",
            "last_name": "Officer",
            "kind": StaffMember.Kind.SRO,
            "commissioned": "on",
            "employer": provider(world.district).pk,
            "badge_number": badge,
            "email": email,
            "active_from": "2025-08-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return StaffMember.objects.get(district=world.district, badge_number=badge)


def make_subject(client, world, entry: StaffMember, how: str, user: User) -> None:
    """Tie the roster entry to the person: by the link made on the staff page, or by its email
    alone (written in on the staff page's edit form, in another case than the account's)."""
    if how == "linked":
        response = client.post(
            reverse("agreements:staff_account_link", args=[entry.pk]), {"user": user.pk}
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.user == user
    else:
        response = client.post(
            reverse("agreements:staff_edit", args=[entry.pk]),
            {
                "first_name": entry.first_name,
                "last_name": entry.last_name,
                "kind": entry.kind,
                "commissioned": "on",
                "employer": entry.employer_id,
                "badge_number": entry.badge_number,
                "email": EMAIL.upper(),
                "active_from": "2025-08-01",
            },
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.user is None and entry.email.lower() == EMAIL


@pytest.fixture(params=["linked", "email_only"])
def how(request):
    return request.param


@pytest.fixture(params=[(Role.INVESTIGATOR,), (Role.INVESTIGATOR, Role.PROGRAM_ADMIN)])
def scene(request, world, client_for, how):
    """The SRO holds the investigator role (and in one case program administrator too). Three
    complaints are assigned to them while nothing ties them to the roster entry yet: one about
    the entry, one whose allegation names it, one about somebody else. Then the entry becomes
    theirs (`how`)."""
    admin = client_for(world.admin)
    add_person_through_people_page(admin, email=EMAIL, role=Role.SAFETY_STAFF)
    for role in request.param:
        add_person_through_people_page(admin, email=EMAIL, role=role)
    user = User.objects.get(email=EMAIL)
    entry = add_roster_entry_through_staff_page(admin, world, email="", badge="K-7")
    other = staff(
        world.district,
        world.school_a,
        world.year,
        badge="O-1",
        employer=provider(world.district, name="Acme Security"),
    )

    about_them = submit(world, staff_member=entry, files=[(png(), "image/png")]).complaint
    services.complaint_assign(complaint=about_them, investigator=user, by=world.admin)
    to_findings(about_them, world.admin)
    about_them = services.complaint_send_response(complaint=about_them, by=world.admin)
    in_allegation = complaint(world, staff_member=other)
    services.complaint_assign(complaint=in_allegation, investigator=user, by=world.admin)
    services.allegation_save(
        complaint=in_allegation,
        by=world.admin,
        staff_member=entry,
        category="other",
        summary="Was there too.",
    )
    unrelated = complaint(world, staff_member=other)
    services.complaint_assign(complaint=unrelated, investigator=user, by=world.admin)
    # Before the entry is theirs they see all three (the test would prove nothing otherwise).
    assert (
        complaints_for_scope(build_scope(user))
        .filter(pk__in=[about_them.pk, in_allegation.pk, unrelated.pk])
        .count()
        == 3
    )

    make_subject(admin, world, entry, how, user)
    cache.clear()  # the dashboard's cached sections were drawn before
    return {
        "user": user,
        "entry": entry,
        "hidden": [about_them, in_allegation],
        "unrelated": unrelated,
        "client": client_for(user),
        "is_admin": Role.PROGRAM_ADMIN in request.param,
    }


def test_absent_from_list_search_count_and_export(scene):
    c, hidden, unrelated = scene["client"], scene["hidden"], scene["unrelated"]
    page = c.get(reverse("complaints:list"))
    body = page.content.decode()
    assert unrelated.reference in body
    assert all(h.reference not in body for h in hidden)
    visible = page.context["page"].paginator.count
    assert visible == (Complaint.objects.count() - 2 if scene["is_admin"] else 1)
    for query in [h.reference for h in hidden] + ["Officer", "hallway"]:
        found = c.get(reverse("complaints:list"), {"q": query}).context["page"]
        assert not {r.pk for r in found} & {h.pk for h in hidden}, query
    export = c.get(reverse("complaints:export"))
    csv_body = b"".join(export.streaming_content).decode()
    assert unrelated.reference in csv_body
    assert all(h.reference not in csv_body for h in hidden)


def test_absent_from_the_dashboard_and_its_counts(scene):
    from complaints import dashboard

    body = scene["client"].get(reverse("srp:dashboard")).content.decode()
    assert all(h.reference not in body for h in scene["hidden"])

    class Request:
        scope = build_scope(scene["user"])

    section = dashboard.section_context(Request())
    shown = {c.pk for c in section["overdue"] + section["due_soon"]}
    assert not shown & {h.pk for h in scene["hidden"]}
    expected = complaints_for_scope(Request.scope).open().count()
    assert section["open_count"] == expected
    assert (
        not Complaint.objects.filter(pk__in=[h.pk for h in scene["hidden"]])
        .filter(pk__in=complaints_for_scope(Request.scope))
        .exists()
    )


def test_every_page_of_the_complaint_is_404_and_nothing_is_logged(scene):
    c = scene["client"]
    about_them, in_allegation = scene["hidden"]
    attachment = about_them.attachments.get()
    urls = []
    for target in scene["hidden"]:
        pk = target.pk
        urls += [
            reverse("complaints:detail", args=[pk]),
            reverse("complaints:history", args=[pk]),
            reverse("complaints:access_log", args=[pk]),
            reverse("complaints:letter", args=[pk]),
            reverse("complaints:letter_preview", args=[pk]),
            reverse("complaints:allegation_create", args=[pk]),
            reverse("complaints:step", args=[pk, "assign"]),
        ]
    urls.append(reverse("complaints:attachment", args=[about_them.pk, attachment.pk]))
    for url in urls:
        assert c.get(url).status_code == 404, url
    for target in scene["hidden"]:
        assert c.post(reverse("complaints:step", args=[target.pk, "close"])).status_code == 404
        assert (
            c.post(reverse("complaints:note_add", args=[target.pk]), {"text": "x"}).status_code
            == 404
        )
    assert not AccessLog.objects.filter(user=scene["user"]).exists()
    # The unrelated complaint still opens (so the 404s above are about R-09, not the role).
    assert c.get(reverse("complaints:detail", args=[scene["unrelated"].pk])).status_code == 200


def test_not_in_the_assign_list_and_the_service_refuses(scene, world, client_for):
    user = scene["user"]
    fresh = complaint(world, staff_member=scene["entry"])
    assert user not in investigator_choices(complaint=fresh)
    assert world.investigator in investigator_choices(complaint=fresh)
    with pytest.raises(services.ComplaintError, match="cannot investigate this complaint"):
        services.complaint_assign(complaint=fresh, investigator=user, by=world.admin)
    admin = client_for(world.admin)
    url = reverse("complaints:step", args=[fresh.pk, "assign"])
    form = admin.get(url).context["form"]
    assert user.pk not in [u.pk for u in form.fields["investigator"].queryset]
    response = admin.post(url, {"investigator": user.pk})
    assert response.status_code == 400
    fresh.refresh_from_db()
    assert fresh.investigator is None


def test_the_admin_is_told_the_investigator_cannot_open_it(scene, client_for, world):
    about_them = scene["hidden"][0]
    body = (
        client_for(world.admin)
        .get(reverse("complaints:detail", args=[about_them.pk]))
        .content.decode()
    )
    assert "they cannot open it" in body
    unrelated = (
        client_for(world.admin)
        .get(reverse("complaints:detail", args=[scene["unrelated"].pk]))
        .content.decode()
    )
    assert "they cannot open it" not in unrelated


def test_no_reminder_about_a_complaint_about_them(scene):
    user = scene["user"]
    in_allegation = scene["hidden"][1]
    # Only what the reminders send now counts: an assignment email sent while the person could
    # still open the complaint (before an allegation named them) is not a reminder.
    before = set(OutboundEmail.objects.values_list("pk", flat=True))
    with freeze_time("2026-12-03 15:00:00"):
        reminders.run()
    bodies = [e.body for e in OutboundEmail.objects.filter(to=[user.email]).exclude(pk__in=before)]
    reminder = [b for b in bodies if scene["unrelated"].reference in b]
    assert reminder, "the unrelated complaint is still reminded"
    assert all(in_allegation.reference not in b for b in bodies)


def test_an_allegation_naming_the_investigator_is_refused(world, client_for):
    user = world.investigator
    entry = staff(world.district, world.school_a, world.year, badge="I-1", user=user)
    other = staff(
        world.district,
        world.school_a,
        world.year,
        badge="I-2",
        employer=provider(world.district, name="Acme Security"),
    )
    c = complaint(world, staff_member=other)
    services.complaint_assign(complaint=c, investigator=user, by=world.admin)
    with pytest.raises(services.ComplaintError, match="Assign another investigator"):
        services.allegation_save(
            complaint=c, by=world.admin, staff_member=entry, category="other", summary="x"
        )
    assert not Allegation.objects.filter(complaint=c).exists()


def test_the_link_decides_once_made(world):
    """An entry linked to somebody else's account is theirs, whatever its email says."""
    mine = staff(world.district, world.school_a, world.year, badge="L-1", user=world.admin)
    StaffMember.objects.filter(pk=mine.pk).update(email=world.investigator.email)
    c = complaint(world, staff_member=mine)
    assert is_about(c, world.admin)
    assert not is_about(c, world.investigator)
    assert world.investigator in investigator_choices(complaint=c)
    assert world.admin not in investigator_choices(complaint=c)


def test_a_colleague_at_the_subjects_provider_is_not_offered(world):
    prov = provider(world.district)
    subject = staff(world.district, world.school_a, world.year, badge="C-1", employer=prov)
    staff(
        world.district,
        world.school_b,
        world.year,
        badge="C-2",
        employer=prov,
        user=world.investigator,
    )
    c = complaint(world, staff_member=subject)
    assert world.investigator not in investigator_choices(complaint=c)
    with pytest.raises(services.ComplaintError):
        services.complaint_assign(complaint=c, investigator=world.investigator, by=world.admin)


def test_choices_and_rule_agree_for_everyone(scene, world):
    """The assign list is the inverse of `not_about`: for every candidate, both say the same."""
    fresh = complaint(world, staff_member=scene["entry"])
    choices = set(investigator_choices(complaint=fresh))
    for user in User.objects.all():
        if user in choices:
            assert not is_about(fresh, user)
        elif is_about(fresh, user):
            assert user not in choices


def test_an_unlinked_entry_without_email_names_nobody(world):
    entry = staff(world.district, world.school_a, world.year, badge="N-1")
    c = complaint(world, staff_member=entry)
    for user in (world.admin, world.investigator, world.nobody):
        assert not is_about(c, user)


def test_changing_ones_email_does_not_undo_the_match(world, client_for):
    """Unlinked, the entry is matched by the emails the account has had, not only its current
    one: an SRO cannot step out of R-09 by editing their profile."""
    user = world.investigator
    entry = staff(world.district, world.school_a, world.year, badge="E-1")
    StaffMember.objects.filter(pk=entry.pk).update(email=user.email.upper())
    c = complaint(world, staff_member=entry)
    assert is_about(c, user)
    user.email = "someone.else@a.example.org"
    user.save()
    assert is_about(c, user)
    assert user not in investigator_choices(complaint=c)
    with pytest.raises(services.ComplaintError):
        services.complaint_assign(complaint=c, investigator=user, by=world.admin)


def test_a_subject_by_a_past_email_keeps_a_cache_identity_of_their_own(world, client_for):
    """A program administrator matched only by an email they had is still a subject: the
    dashboard drawn for another administrator is never served to them."""
    from srp.models import Membership

    subject = User.objects.create(username="past@a.example.org", email="past@a.example.org")
    Membership.objects.create(user=subject, district=world.district, role=Role.PROGRAM_ADMIN)
    entry = staff(world.district, world.school_a, world.year, badge="P-1")
    StaffMember.objects.filter(pk=entry.pk).update(email="PAST@a.example.org")
    subject.email = "now@a.example.org"
    subject.save()
    hidden = complaint(world, staff_member=entry)
    assert build_scope(subject).cache_identity() != build_scope(world.admin).cache_identity()
    assert (
        hidden.reference in client_for(world.admin).get(reverse("srp:dashboard")).content.decode()
    )
    body = client_for(subject).get(reverse("srp:dashboard")).content.decode()
    assert hidden.reference not in body
