"""Writes to the shared reference data. Views call these; they never write models themselves."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from srp.closing import require_reason_if_closed
from srp.history import as_done_by
from srp.models import District, Enrollment, Membership, School, SchoolYear, User
from srp.outbox import email_queue
from srp.roles import SCHOOL_SCOPED_ROLES, Role
from srp.rules import RuleError


class SrpError(RuleError):
    """A rule of the shared data was broken; the message is for a person."""


def _send_welcome(*, user: User) -> None:
    """Queue a "choose your password" email (through the outbox), with links to SITE_URL."""
    site = urlsplit(settings.SITE_URL)
    form = PasswordResetForm({"email": user.email})
    if form.is_valid():
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name="registration/welcome_subject.txt",
            email_template_name="registration/welcome_email.txt",
            extra_email_context={"site_name": settings.SITE_NAME},
        )


def _unknown_password() -> str:
    """The stored hash of a random 256-bit secret that is never kept or shown: a usable password
    nobody knows, until the person chooses theirs through the welcome email's link.

    Key stretching protects passwords a person could guess; it adds nothing to a random 256-bit
    secret, and its full cost (about half a second a hash) made a People import of a few hundred
    new accounts outlast the request. So the default PBKDF2 hasher hashes this secret with one
    iteration; the person's own password gets the full count when they choose it.
    """
    secret = secrets.token_urlsafe(32)
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(secret, hasher.salt(), iterations=1)
    return make_password(secret)


def user_get_or_invite(*, email: str, first_name: str, last_name: str) -> tuple[User, bool]:
    """The user with this email, or a new one with no usable password who is emailed a link."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user, False
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    # A random password nobody knows: the welcome email's link lets the person choose their own
    # (Django's reset form ignores users with an unusable password).
    user.password = _unknown_password()
    user.save()
    _send_welcome(user=user)
    return user, True


def account_is_shared(user: User, district: District) -> bool:
    """True when the account is not this district's alone: it holds a membership in another
    district, or runs the instance. Only its owner (their profile) or the host administrator
    may then change its name or email."""
    return (
        user.is_host_admin
        or Membership.objects.filter(user=user).exclude(district=district).exists()
    )


def person_rename(
    *, user: User, district: District, first_name: str, last_name: str, by: User
) -> User:
    """A program administrator corrects the name of a person of their district.

    Refused for an account shared with another district (or the host administrator's), unless
    the person renames themselves or the host administrator does it: a district must not change
    how a person is known elsewhere.
    """
    first_name, last_name = first_name.strip(), last_name.strip()
    if (user.first_name, user.last_name) == (first_name, last_name):
        return user
    if by.pk != user.pk and not by.is_host_admin and account_is_shared(user, district):
        raise SrpError(
            _(
                "This name can only be changed by the person on their profile, or by the host "
                "administrator."
            )
        )
    user.first_name, user.last_name = first_name, last_name
    as_done_by(user, by).save(update_fields=["first_name", "last_name"])
    return user


def person_name_set(
    *, membership: Membership, first_name: str, last_name: str, by: User
) -> Membership:
    """The name a district knows a person by.

    The account is renamed when this district may rename it (see `person_rename`); an account
    shared with another district keeps its own name, and the district's name for the person is
    kept on its membership instead. The page looks the same either way, so editing a person never
    reveals that their account serves another district.
    """
    user = membership.user
    first_name, last_name = first_name.strip(), last_name.strip()
    if by.pk == user.pk or by.is_host_admin or not account_is_shared(user, membership.district):
        person_rename(
            user=user,
            district=membership.district,
            first_name=first_name,
            last_name=last_name,
            by=by,
        )
        first_name = last_name = ""
    if (membership.first_name, membership.last_name) != (first_name, last_name):
        membership.first_name, membership.last_name = first_name, last_name
        as_done_by(membership, by).save(update_fields=["first_name", "last_name"])
    return membership


def _send_added_notice(*, user: User, district: District, role: str) -> None:
    """Tell a person who already has an account that a district gave them a role."""
    email_queue(
        to=[user.email],
        # Not the district's: its administrators must not tell this email from a welcome.
        district=None,
        template="srp/email/added_to_district",
        context={
            "user": user,
            "district": district,
            "role": Role(role).label,
            "sign_in_url": settings.SITE_URL + reverse("login"),
            "site_name": settings.SITE_NAME,
        },
    )


@transaction.atomic
def person_add(
    *,
    district: District,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    schools: Iterable[School] = (),
    title: str = "",
    active: bool = True,
    by: User | None = None,
) -> Membership:
    """Give a person, by email, a role in the district.

    A new email gets an account and a "choose your password" email; an email that has an
    account already (in this district or any other) keeps that account as it is, its name
    included, and its owner is told of the new role. The caller cannot tell the two apart, so
    adding a person never reveals that an email has an account elsewhere.
    """
    user, created = user_get_or_invite(email=email, first_name=first_name, last_name=last_name)
    had_role = Membership.objects.filter(user=user, district=district, role=role).exists()
    membership = membership_save(
        district=district,
        user=user,
        role=role,
        schools=schools,
        title=title,
        active=active,
        by=by,
    )
    if not created:
        # The account keeps its own name; the district knows the person by the name it typed,
        # and its pages show that one, as they would for a new account.
        typed = (first_name.strip(), last_name.strip())
        if typed != (user.first_name, user.last_name) and membership.names != typed:
            membership.first_name, membership.last_name = typed
            as_done_by(membership, by).save(update_fields=["first_name", "last_name"])
    if not created and not had_role and user.email:
        _send_added_notice(user=user, district=district, role=role)
    return membership


@transaction.atomic
def district_create(
    *,
    by: User,
    name: str,
    code: str,
    admin_email: str,
    admin_first_name: str,
    admin_last_name: str,
) -> District:
    """A host admin creates a district and its first program administrator (SPEC §1)."""
    if not by.is_host_admin:
        raise SrpError(_("Only a host administrator can create districts."))
    if District.objects.filter(code__iexact=code).exists():
        raise SrpError(_("A district with this code exists already."))
    district = District(name=name, code=code)
    district.full_clean()
    as_done_by(district, by).save()
    user, _created = user_get_or_invite(
        email=admin_email,
        first_name=admin_first_name,
        last_name=admin_last_name,
    )
    as_done_by(Membership(user=user, district=district, role=Role.PROGRAM_ADMIN), by).save()
    return district


def enrollment_set(
    *,
    school: School,
    school_year: SchoolYear,
    students: int,
    by: User | None = None,
    reason: str = "",
) -> Enrollment:
    """Record (or correct) a school's enrollment for a year of its own district. In a closed
    year a change needs a reason (refused on the `reason` field without one), kept in the
    history and listed as a revision in the year's report."""
    if school.district_id != school_year.district_id:
        raise SrpError(_("The school and the year belong to different districts."))
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update()
            .filter(school=school, school_year=school_year)
            .first()
        ) or Enrollment(school=school, school_year=school_year)
        if enrollment.pk is None or enrollment.students != students:
            reason = require_reason_if_closed(
                school_year=school_year, reason=reason, error=SrpError
            )
        if enrollment.draft:
            # A count the rollover copied from last year: saving this year's confirms it.
            reason = (reason or "").strip() or "draft confirmed"
        enrollment.students = students
        enrollment.draft = False
        as_done_by(enrollment, by, (reason or "").strip()).save()
    return enrollment


@transaction.atomic
def membership_save(
    *,
    district: District,
    user: User,
    role: str,
    schools: Iterable[School] = (),
    title: str = "",
    active: bool = True,
    by: User | None = None,
) -> Membership:
    """Give `user` the role in the district (or update it), with its schools if school-scoped."""
    schools = list(schools)
    for school in schools:
        if school.district_id != district.pk:
            raise SrpError(_("A school of another district cannot be assigned."))
    if role in (Role.PRINCIPAL, Role.SCHOOL_STAFF) and not schools and active:
        raise SrpError(_("Choose at least one school for this role."))
    membership, _created = Membership.objects.select_for_update().get_or_create(
        user=user, district=district, role=role, defaults={"title": title, "active": active}
    )
    membership.title = title
    membership.active = active
    as_done_by(membership, by).save()
    if role in SCHOOL_SCOPED_ROLES:
        membership.schools.set(schools)
    else:
        membership.schools.clear()
    return membership
