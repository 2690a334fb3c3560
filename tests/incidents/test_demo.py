"""The demo seeder: a year of calls with requests, activities and restraint reports."""

from __future__ import annotations

import pytest

from incidents import demo
from incidents.models import (
    AgencyInformationRequest,
    Call,
    InterventionRequest,
    LawEnforcementActivity,
    RestraintReport,
)
from srp.demo import seed_base
from tests.incidents.factories import StaffAssignmentFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def test_seed_without_roster_creates_only_what_needs_no_staff():
    ctx = seed_base()
    demo.seed(ctx)
    assert Call.objects.count() == 0
    assert InterventionRequest.objects.filter(status="open").count() == 3
    assert AgencyInformationRequest.objects.get(immigration_enforcement=True).status == "refused"
    assert AgencyInformationRequest.objects.get(immigration_enforcement=False).status == "received"


def test_seed_with_roster_creates_a_year_and_is_idempotent():
    ctx = seed_base()
    for i, code in enumerate(("3401", "3201", "3101")):
        staff = StaffMemberFactory(district=ctx.district, badge_number=f"D{i}")
        StaffAssignmentFactory(
            staff_member=staff, school=ctx.schools[code], school_year=ctx.current_year
        )
    demo.seed(ctx)
    assert Call.objects.count() == 320
    assert LawEnforcementActivity.objects.count() == 25
    assert all(a.attorney_access_compliant for a in LawEnforcementActivity.objects.all())
    assert RestraintReport.objects.count() == 3
    assert InterventionRequest.objects.count() == 61
    demo.seed(ctx)
    assert Call.objects.count() == 320
