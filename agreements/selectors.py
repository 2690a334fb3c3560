"""Reads of providers and the staff roster."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from agreements.models import StaffAssignment, StaffMember
from srp.models import District, School, SchoolYear, User


def safety_staff_school_ids(user: User, district: District) -> set[int]:
    """The schools a safety staff member is assigned to in the current school year."""
    year = district.current_school_year()
    if year is None:
        return set()
    return set(
        StaffAssignment.objects.filter(
            staff_member__user=user,
            staff_member__district=district,
            school_year=year,
        ).values_list("school_id", flat=True)
    )


def staff_at_school(*, school: School, school_year: SchoolYear) -> QuerySet[StaffMember]:
    """Staff assigned to the school in the year (for notices and the public complaint form)."""
    return (
        StaffMember.objects.filter(
            assignments__school=school, assignments__school_year=school_year
        )
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
