"""The school-year rollover (issue #14 item 4): the service and each step, the summer before the
new year exists, the pages with their scope and bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from agreements.models import Agreement, AnnualReview, StaffAssignment
from agreements.rollover import staff_assignment_confirm, staff_assignment_end_carried
from agreements.selectors import safety_staff_school_ids
from agreements.services import AgreementError
from complaints.roster import public_roster
from notices.models import Notice, NoticeTranslation
from notices.services import notice_create
from reports.selectors import schools_section
from srp.models import Enrollment, SchoolYear, YearRollover
from srp.registry import RolloverStep, registry
from srp.rollover import (
    RolloverError,
    next_label,
    preview,
    rollover_due,
    rollover_plan,
    run_rollover,
)
from srp.services import enrollment_set
from tests.agreements.factories import (
    AgreementFactory,
    StaffAssignmentFactory,
    StaffMemberFactory,
)

VIETNAMESE = "Nhân viên an ninh trường học giúp giữ an toàn cho học sinh."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def year_data(world):
    """Staff at both schools (the SRO linked to the safety-staff account), an agreement in
    force, and the 2026-27 notice in English, Spanish and Vietnamese."""
    district, year = world.district, world.year
    sro = StaffMemberFactory(
        district=district, first_name="Marisol", last_name="Rivera", user=world.safety_staff
    )
    guard = StaffMemberFactory(district=district, first_name="Wei", last_name="Chen")
    leaving = StaffMemberFactory(
        district=district,
        first_name="Ana",
        last_name="Leaving",
        active_until=datetime.date(2027, 6, 20),
    )
    ended = StaffMemberFactory(district=district, first_name="Bo", last_name="Ended")
    StaffAssignmentFactory(staff_member=sro, school=world.school_a, school_year=year)
    StaffAssignmentFactory(
        staff_member=guard, school=world.school_b, school_year=year, days_per_week=Decimal("5")
    )
    StaffAssignmentFactory(staff_member=leaving, school=world.school_a, school_year=year)
    StaffAssignmentFactory(
        staff_member=ended,
        school=world.school_b,
        school_year=year,
        ended_on=datetime.date(2027, 1, 15),
    )
    agreement = AgreementFactory(
        provider__district=district,
        status=Agreement.Status.ADOPTED,
        adopted_on=datetime.date(2026, 6, 1),
    )
    draft_agreement = AgreementFactory(provider__district=district)
    notice = notice_create(district=district, school_year=year, by=world.admin)
    NoticeTranslation.objects.create(
        notice=notice,
        language="vi",
        title="Thông báo về nhân viên an ninh",
        role_heading="Vai trò",
        role_text=VIETNAMESE,
        kind_sro="Cảnh sát học đường",
    )
    Notice.objects.filter(pk=notice.pk).update(status=Notice.Status.PUBLISHED)
    return {
        "sro": sro,
        "guard": guard,
        "agreement": agreement,
        "draft_agreement": draft_agreement,
        "notice": notice,
    }


def _run(world, **dates):
    plan = rollover_plan(world.district)
    return run_rollover(
        plan=plan,
        first_instructional_day=dates.get("first", plan.first_instructional_day),
        last_instructional_day=dates.get("last", plan.last_instructional_day),
        by=world.admin,
    )


# The plan ---------------------------------------------------------------------------------------
def test_the_plan_is_the_next_label_on_the_same_weekdays(world):
    plan = rollover_plan(world.district)
    assert next_label("2026-27") == "2027-28"
    assert next_label("2099-00") == "2100-01"
    assert plan.from_year == world.year
    assert plan.label == "2027-28"
    assert plan.first_instructional_day == datetime.date(2027, 9, 1)
    assert plan.first_instructional_day.weekday() == world.year.first_instructional_day.weekday()
    assert plan.last_instructional_day == datetime.date(2028, 6, 14)
    assert plan.last_instructional_day.weekday() == world.year.last_instructional_day.weekday()


def test_the_dashboard_offers_it_from_1_may(world):
    plan = rollover_plan(world.district)
    assert not rollover_due(plan, datetime.date(2027, 4, 30))
    assert rollover_due(plan, datetime.date(2027, 5, 1))
    assert rollover_due(plan, datetime.date(2027, 7, 20))


def test_preview_writes_nothing_and_names_every_step(world, year_data):
    previews = preview(rollover_plan(world.district))
    keys = [p.key for p in previews]
    assert keys == [
        "srp.enrollment",
        "agreements.assignments",
        "notices.notice",
        "agreements.reviews",
    ]
    by_key = {p.key: p.summary for p in previews}
    assert by_key["agreements.assignments"]["counts"]["carried"] == 2
    assert by_key["srp.enrollment"]["counts"]["copied"] == 2
    assert by_key["notices.notice"]["counts"]["translations"] == 3
    assert by_key["agreements.reviews"]["counts"]["opened"] == 1
    assert not SchoolYear.objects.filter(district=world.district, label="2027-28").exists()
    assert not YearRollover.objects.exists()


# The run ----------------------------------------------------------------------------------------
def test_rollover_creates_the_year_and_runs_every_step(world, year_data):
    record = _run(world, first=datetime.date(2027, 8, 31))
    new = record.to_year
    assert (new.label, new.first_instructional_day, new.last_instructional_day) == (
        "2027-28",
        datetime.date(2027, 8, 31),
        datetime.date(2028, 6, 14),
    )
    assert record.from_year == world.year and record.by == world.admin
    assert [s["key"] for s in record.summary] == [
        "srp.calendar",
        "srp.enrollment",
        "agreements.assignments",
        "notices.notice",
        "agreements.reviews",
    ]
    assert new.history.first().history_user == world.admin


def test_assignments_of_active_staff_are_carried_forward_to_confirm(world, year_data):
    new = _run(world).to_year
    carried = StaffAssignment.objects.filter(school_year=new).select_related("staff_member")
    assert {(a.staff_member.last_name, a.school_id, a.days_per_week) for a in carried} == {
        ("Rivera", world.school_a.pk, Decimal("2")),
        ("Chen", world.school_b.pk, Decimal("5")),
    }
    for assignment in carried:
        assert assignment.to_confirm
        assert assignment.carried_forward_from.school_year == world.year
    # The ended assignment and the staff member leaving in June stay behind.
    assert StaffAssignment.objects.filter(school_year=new).to_confirm().count() == 2


def test_confirming_and_ending_a_carried_assignment(world, year_data):
    new = _run(world).to_year
    sro_here, guard_here = StaffAssignment.objects.filter(school_year=new).order_by(
        "staff_member__last_name"
    )[::-1]
    confirmed = staff_assignment_confirm(assignment=sro_here, by=world.admin)
    assert confirmed.confirmed_by == world.admin and not confirmed.to_confirm
    with pytest.raises(AgreementError, match="confirmed already"):
        staff_assignment_confirm(assignment=sro_here, by=world.admin)
    ended = staff_assignment_end_carried(assignment=guard_here, by=world.admin)
    assert ended.ended_on == new.starts_on  # today (November) is before the new year
    assert not ended.to_confirm
    with pytest.raises(AgreementError, match="ended"):
        staff_assignment_confirm(assignment=ended, by=world.admin)
    assert StaffAssignment.objects.filter(pk=guard_here.pk).exists()  # never deleted


def test_enrollment_is_copied_as_a_draft_and_a_recorded_count_is_kept(world, year_data):
    # Helper data standing for the SIS: school B's 2027-28 count exists before the rollover.
    plan = rollover_plan(world.district)
    new = SchoolYear.objects.create(
        district=world.district,
        label="2027-28",
        first_instructional_day=datetime.date(2027, 9, 1),
        last_instructional_day=datetime.date(2028, 6, 14),
    )
    Enrollment.objects.create(school=world.school_b, school_year=new, students=640)
    plan = rollover_plan(world.district)
    assert plan.to_year == new  # added by hand, not begun: the rollover fills it
    run_rollover(
        plan=plan,
        first_instructional_day=new.first_instructional_day,
        last_instructional_day=new.last_instructional_day,
        by=world.admin,
    )
    a = Enrollment.objects.get(school=world.school_a, school_year=new)
    b = Enrollment.objects.get(school=world.school_b, school_year=new)
    assert (a.students, a.draft) == (1200, True)
    assert (b.students, b.draft) == (640, False)
    # Reports draw no rate from a draft; recording the year's count confirms it.
    rows = {
        r["id"]: r
        for r in schools_section(district=world.district, school_year=new, school_ids=None)
    }
    assert rows[world.school_a.pk]["enrollment"] is None
    assert rows[world.school_b.pk]["enrollment"] == 640
    enrollment_set(school=world.school_a, school_year=new, students=1210, by=world.admin)
    a.refresh_from_db()
    assert (a.students, a.draft) == (1210, False)


def test_the_notice_is_copied_as_a_draft_with_every_translation(world, year_data):
    new = _run(world).to_year
    copy = Notice.objects.get(district=world.district, school_year=new)
    assert copy.status == Notice.Status.DRAFT and copy.published_at is None
    source = year_data["notice"]
    originals = {t.language: t for t in source.translations.all()}
    copies = {t.language: t for t in copy.translations.all()}
    assert set(copies) == {"en", "es", "vi"} == set(originals)
    fields = [
        f.name
        for f in NoticeTranslation._meta.concrete_fields
        if f.name not in {"id", "notice", "updated_at", "updated_by"}
    ]
    for language, original in originals.items():
        for name in fields:
            assert getattr(copies[language], name) == getattr(original, name), (language, name)
    assert copies["vi"].role_text == VIETNAMESE
    assert copies["es"].role_text and copies["es"].role_text == originals["es"].role_text
    # Last year's notice is untouched.
    source.refresh_from_db()
    assert source.status == Notice.Status.PUBLISHED


def test_the_annual_review_opens_for_every_agreement_in_force(world, year_data):
    new = _run(world).to_year
    assert list(
        AnnualReview.objects.filter(school_year=new).values_list("agreement", flat=True)
    ) == [year_data["agreement"].pk]
    assert AnnualReview.objects.get(school_year=new).status == AnnualReview.Status.OPEN


def test_a_rollover_run_twice_is_refused_and_writes_nothing(world, year_data):
    plan = rollover_plan(world.district)
    _run(world)
    counts = (
        SchoolYear.objects.count(),
        StaffAssignment.objects.count(),
        Enrollment.objects.count(),
        Notice.objects.count(),
        NoticeTranslation.objects.count(),
        AnnualReview.objects.count(),
    )
    with pytest.raises(RolloverError, match="already rolled over into 2027-28"):
        run_rollover(
            plan=plan,
            first_instructional_day=plan.first_instructional_day,
            last_instructional_day=plan.last_instructional_day,
            by=world.admin,
        )
    assert YearRollover.objects.count() == 1
    assert counts == (
        SchoolYear.objects.count(),
        StaffAssignment.objects.count(),
        Enrollment.objects.count(),
        Notice.objects.count(),
        NoticeTranslation.objects.count(),
        AnnualReview.objects.count(),
    )


def test_a_failing_step_undoes_the_whole_rollover(world, year_data, monkeypatch):
    def explode(from_year, to_year, by):
        raise ValueError("the disk is full")

    failing = RolloverStep(
        key="tests.failing",
        label="Failing step",
        preview=lambda f, t: {"counts": {}, "lines": []},
        run=explode,
        order=999,
    )
    monkeypatch.setattr(registry, "rollover_steps", [*registry.rollover_steps, failing])
    with pytest.raises(RolloverError, match="Failing step.*nothing was changed"):
        _run(world)
    assert not SchoolYear.objects.filter(label="2027-28").exists()
    assert not YearRollover.objects.exists()
    assert StaffAssignment.objects.filter(carried_forward_from__isnull=False).count() == 0
    assert Notice.objects.count() == 1
    assert Enrollment.objects.filter(draft=True).count() == 0


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        (
            datetime.date(2027, 6, 30),
            datetime.date(2028, 6, 14),
            "first_instructional_day",
            "outside",
        ),
        (datetime.date(2027, 9, 1), datetime.date(2028, 7, 1), "last_instructional_day", "outside"),
        (
            datetime.date(2027, 9, 1),
            datetime.date(2027, 8, 1),
            "last_instructional_day",
            "after the first",
        ),
    ],
)
def test_dates_outside_the_year_or_backwards_are_refused(world, first, last, field, message):
    with pytest.raises(RolloverError) as caught:
        _run(world, first=first, last=last)
    assert message in caught.value.errors_by_field()[field]
    assert not SchoolYear.objects.filter(label="2027-28").exists()


# The summer before the new year exists ----------------------------------------------------------
@pytest.mark.no_freeze
def test_in_july_the_sro_keeps_their_school_and_the_public_roster_its_staff(
    world, year_data, client_for
):
    with freeze_time("2027-07-20 10:00:00", tz_offset=0, tick=True):
        assert world.district.current_school_year() is None
        assert world.district.school_year_in_effect() == world.year
        assert safety_staff_school_ids(world.safety_staff, world.district) == {world.school_a.pk}
        response = client_for(world.safety_staff).get(reverse("incidents:call_create"))
        assert response.status_code == 200
        assert world.school_a.name in response.content.decode()
        roster = public_roster(world.district)
        assert roster.school_year_id == world.year.pk
        assert "Marisol Rivera" in dict(roster.staff[world.school_a.pk]).values()
        page = client_for(world.nobody).get(
            reverse("complaints_public:intake", kwargs={"district_code": world.district.code})
        )
        assert "Marisol Rivera" in page.content.decode()


@pytest.mark.no_freeze
def test_after_the_rollover_the_published_notice_stays_until_the_new_one_is(
    world, year_data, client
):
    with freeze_time("2027-07-20 10:00:00", tz_offset=0, tick=True):
        _run(world)
    with freeze_time("2027-08-10 10:00:00", tz_offset=0, tick=True):
        url = reverse(
            "notices_public:notice",
            kwargs={
                "district_code": world.district.code,
                "building_code": world.school_a.building_code,
                "language": "es",
            },
        )
        response = client.get(url)
        assert response.status_code == 200, response.content.decode()[:500]
        body = response.content.decode()
        es = year_data["notice"].translations.get(language="es")
        assert es.title in body
        index = client.get(
            reverse("notices_public:index", kwargs={"district_code": world.district.code})
        )
        assert "2026-27" in index.content.decode()


# Pages -------------------------------------------------------------------------------------------
def test_rollover_page_previews_with_the_proposed_days(world, year_data, client_for):
    response = client_for(world.admin).get(reverse("srp:rollover"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2027-09-01" in body and "2028-06-14" in body
    assert "carried forward — to confirm" in body
    assert "Vietnamese" in body or "vi" in body


@pytest.mark.parametrize(
    "persona", ["principal_a", "teacher_a", "safety_staff", "board", "liaison"]
)
def test_rollover_page_is_for_program_administrators(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(reverse("srp:rollover")).status_code == 403
    response = client.post(
        reverse("srp:rollover"),
        {
            "from_label": "2026-27",
            "first_instructional_day": "2027-09-01",
            "last_instructional_day": "2028-06-14",
            "action": "confirm",
        },
    )
    assert response.status_code == 403
    assert not SchoolYear.objects.filter(district=world.district, label="2027-28").exists()


def _post(client, **overrides):
    data = {
        "from_label": "2026-27",
        "first_instructional_day": "2027-09-01",
        "last_instructional_day": "2028-06-14",
        "action": "confirm",
        **overrides,
    }
    return client.post(reverse("srp:rollover"), data)


def test_confirm_then_confirm_again_shows_a_clear_message(world, year_data, client_for):
    client = client_for(world.admin)
    response = _post(client)
    record = YearRollover.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("srp:rollover_result", args=[record.pk])
    result = client.get(response["Location"])
    assert result.status_code == 200
    body = result.content.decode()
    assert "Marisol" in body and "carried forward — to confirm" in body
    again = _post(client, first_instructional_day="2027-09-02")
    assert again.status_code == 302
    page = client.get(again["Location"])
    assert "already rolled over into 2027-28" in page.content.decode()
    assert YearRollover.objects.count() == 1
    assert SchoolYear.objects.filter(district=world.district, label="2027-28").count() == 1
    assert StaffAssignment.objects.filter(school_year=record.to_year).count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_instructional_day": "2027-06-01"}, "outside the 2027-28 school year"),
        ({"last_instructional_day": "2027-08-15"}, "must come after the first"),
        ({"first_instructional_day": "2027-13-45"}, "Enter a valid date"),
        ({"first_instructional_day": "x" * 5000}, "Enter a valid date"),
        ({"last_instructional_day": ""}, "This field is required"),
        ({"from_label": "2019-20"}, "changed since this page was opened"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    world, year_data, client_for, overrides, message
):
    client = client_for(world.admin)
    response = _post(client, **overrides)
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SchoolYear.objects.filter(district=world.district, label="2027-28").exists()
    assert not YearRollover.objects.exists()


def test_preview_button_writes_nothing(world, year_data, client_for):
    response = _post(
        client_for(world.admin), action="preview", first_instructional_day="2027-08-30"
    )
    assert response.status_code == 200
    assert 'value="2027-08-30"' in response.content.decode()
    assert not SchoolYear.objects.filter(label="2027-28").exists()


def test_another_districts_admin_sees_neither_result_nor_assignments(world, year_data, client_for):
    record = _run(world)
    carried = StaffAssignment.objects.filter(school_year=record.to_year).first()
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("srp:rollover_result", args=[record.pk])).status_code == 404
    confirm = reverse("agreements:carried_assignment_confirm", args=[carried.pk])
    end = reverse("agreements:carried_assignment_end", args=[carried.pk])
    assert outsider.post(confirm).status_code == 404
    assert outsider.post(end).status_code == 404
    principal = client_for(world.principal_a)
    assert principal.get(reverse("srp:rollover_result", args=[record.pk])).status_code == 403
    assert principal.post(confirm).status_code == 403
    carried.refresh_from_db()
    assert carried.to_confirm
    # The other district's own rollover page proposes its own year, not this one's.
    page = outsider.get(reverse("srp:rollover")).content.decode()
    assert "Marisol" not in page


def test_admin_confirms_and_ends_from_the_result_page(world, year_data, client_for):
    record = _run(world)
    result_url = reverse("srp:rollover_result", args=[record.pk])
    sro_here = StaffAssignment.objects.get(
        school_year=record.to_year, staff_member=year_data["sro"]
    )
    guard_here = StaffAssignment.objects.get(
        school_year=record.to_year, staff_member=year_data["guard"]
    )
    client = client_for(world.admin)
    response = client.post(
        reverse("agreements:carried_assignment_confirm", args=[sro_here.pk]), {"next": result_url}
    )
    assert response["Location"] == result_url
    response = client.post(
        reverse("agreements:carried_assignment_end", args=[guard_here.pk]),
        {"next": "https://evil.example.org/"},
    )
    assert response["Location"] == reverse("agreements:staff_detail", args=[year_data["guard"].pk])
    sro_here.refresh_from_db()
    guard_here.refresh_from_db()
    assert sro_here.confirmed_by == world.admin
    assert guard_here.ended_on is not None
    assert (
        client.get(reverse("agreements:carried_assignment_confirm", args=[sro_here.pk])).status_code
        == 405
    )


def test_result_page_query_count(world, year_data, client_for, django_assert_max_num_queries):
    record = _run(world)
    client = client_for(world.admin)
    client.get(reverse("srp:dashboard"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("srp:rollover_result", args=[record.pk])).status_code == 200


@pytest.mark.no_freeze
def test_dashboard_offers_the_rollover_from_1_may_until_it_is_done(world, year_data, client_for):
    def dashboard(user):
        response = client_for(user).get(reverse("srp:dashboard"))
        assert response.status_code == 200
        return response.content.decode()

    with freeze_time("2027-04-20 10:00:00", tz_offset=0, tick=True):
        body = dashboard(world.admin)
        assert "District at a glance" in body
        assert "Review the rollover" not in body
    with freeze_time("2027-05-03 10:00:00", tz_offset=0, tick=True):
        assert "The 2027-28 school year is near" in dashboard(world.admin)
        assert "Review the rollover" not in dashboard(world.principal_a)
        _run(world)
        assert "Review the rollover" not in dashboard(world.admin)


def test_school_and_staff_pages_flag_what_waits_for_confirmation(world, year_data, client_for):
    _run(world)
    client = client_for(world.admin)
    school = client.get(reverse("srp:school_detail", args=[world.school_a.pk])).content.decode()
    assert school.count("draft — confirm") == 1  # 2027-28's draft, not 2026-27's count
    staff = client.get(reverse("agreements:staff_detail", args=[year_data["sro"].pk]))
    assert staff.content.decode().count("carried forward — to confirm") == 1
    carried = StaffAssignment.objects.get(
        staff_member=year_data["sro"], school_year__label="2027-28"
    )
    staff_assignment_confirm(assignment=carried, by=world.admin)
    staff = client.get(reverse("agreements:staff_detail", args=[year_data["sro"].pk]))
    assert "carried forward — to confirm" not in staff.content.decode()
