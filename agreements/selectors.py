"""Reads of providers and the staff roster."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from agreements.models import Agreement, LiaisonLink, Provider, StaffAssignment, StaffMember
from srp.models import District, Membership, School, SchoolYear, User
from srp.roles import Role

if TYPE_CHECKING:
    from srp.scope import Scope


def safety_staff_school_ids(user: User, district: District) -> set[int]:
    """The schools a safety staff member works at now: assigned in the current school year and
    the assignment not ended (an ended one stays in the year's records, not in their reach).
    In the summer before the next year exists, the year that has just ended counts, so an SRO
    keeps their schools until the rollover (`District.school_year_in_effect`)."""
    year = district.school_year_in_effect()
    if year is None:
        return set()
    return set(
        StaffAssignment.objects.filter(
            staff_member__user=user,
            staff_member__district=district,
            school_year=year,
        )
        .active_on()
        .values_list("school_id", flat=True)
    )


def staff_at_school(*, school: School, school_year: SchoolYear) -> QuerySet[StaffMember]:
    """Staff assigned to the school in the year (for notices and the public complaint form)."""
    return (
        StaffMember.objects.filter(assignments__school=school, assignments__school_year=school_year)
        .select_related("employer")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=StaffAssignment.objects.filter(school=school, school_year=school_year),
                to_attr="assignment_here",
            )
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def provider_ids_for_user(scope: Scope) -> set[int]:
    """The providers an agency liaison speaks for (through LiaisonLink), in the scope's district.

    Empty for anyone who is not an agency liaison in the active district.
    """
    membership_id = scope.membership_ids.get(Role.AGENCY_LIAISON)
    if membership_id is None or scope.district is None:
        return set()
    return set(
        LiaisonLink.objects.filter(
            membership_id=membership_id,
            membership__active=True,
            provider__district=scope.district,
        ).values_list("provider_id", flat=True)
    )


def staff_member_for_user(user: User, district: District) -> StaffMember | None:
    """The roster entry linked to this sign-in account in the district, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        StaffMember.objects.filter(user=user, district=district).select_related("employer").first()
    )


def agreement_in_force(provider: Provider, on: datetime.date | None = None) -> Agreement | None:
    """The provider's agreement in force on that day (the most recently adopted), or None."""
    return (
        Agreement.objects.filter(provider=provider, district_id=provider.district_id)
        .in_force(on or timezone.localdate())
        .order_by("-adopted_on", "-pk")
        .first()
    )


def provider_ids_with_agreement_in_force(
    district: District, on: datetime.date | None = None
) -> set[int]:
    return set(
        Agreement.objects.filter(district=district)
        .in_force(on or timezone.localdate())
        .values_list("provider_id", flat=True)
    )


def district_accounts(district: District) -> QuerySet[User]:
    """The accounts holding a membership (any role, active or not) in the district."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(district=district).values("user_id")
    ).order_by("last_name", "first_name", "email")


def unlinked_district_accounts(district: District) -> QuerySet[User]:
    """The district's accounts not linked to one of its roster entries (whatever other
    districts' rosters say: a district never learns of those)."""
    return district_accounts(district).exclude(
        pk__in=StaffMember.objects.filter(district=district, user__isnull=False).values("user_id")
    )


def account_to_offer(staff_member: StaffMember) -> User | None:
    """For a roster entry not yet linked: the district's account with its email, if that
    account is not linked to a roster entry already. The staff page offers it; it is never
    linked without a program administrator saying so."""
    email = (staff_member.email or "").strip()
    if staff_member.user_id is not None or not email:
        return None
    return unlinked_district_accounts(staff_member.district).filter(email__iexact=email).first()


def person_roster_panel(user: User, district: District) -> dict[str, object] | None:
    """The person's page (srp's people admin): their roster entry in the district, or the
    entries not linked yet that carry their email (offered for linking on the entry's page)."""
    linked = StaffMember.objects.filter(user=user, district=district).first()
    unlinked = (
        []
        if linked is not None
        else list(StaffMember.objects.of_person(user).filter(district=district, user__isnull=True))
    )
    safety_staff = Membership.objects.filter(
        user=user, district=district, role=Role.SAFETY_STAFF
    ).exists()
    if linked is None and not unlinked and not safety_staff:
        return None
    return {"user": user, "linked": linked, "unlinked": unlinked}
