"""The demo district: schools of every level, three school years and one user per role.

`manage.py seed_demo` calls `seed_base()` and then each app's registered seeder, in order.
Everything is keyed on natural keys, so running it again changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from srp.models import (
    District,
    Enrollment,
    Membership,
    NonInstructionalDay,
    School,
    SchoolYear,
    User,
)
from srp.roles import Role

DEMO_PASSWORD = "srp-demo-2026"  # noqa: S105 - printed for local demos; seed refuses when DEBUG is off

SCHOOLS = [
    # name, building code, level, grade span, enrollment
    ("Cedar Ridge Elementary", "3101", School.Level.ELEMENTARY, "K-5", 412),
    ("Lakeview Elementary", "3102", School.Level.ELEMENTARY, "K-5", 388),
    ("Maple Grove Elementary", "3103", School.Level.ELEMENTARY, "PK-5", 455),
    ("Riverbend Elementary", "3104", School.Level.ELEMENTARY, "K-5", 301),
    ("Summit View Elementary", "3105", School.Level.ELEMENTARY, "K-5", 367),
    ("Evergreen Middle School", "3201", School.Level.MIDDLE, "6-8", 721),
    ("Harbor Middle School", "3202", School.Level.MIDDLE, "6-8", 654),
    ("Pioneer K-8", "3301", School.Level.K8, "K-8", 540),
    ("Cascade Valley High School", "3401", School.Level.HIGH, "9-12", 1480),
    ("Mountain Lake High School", "3402", School.Level.HIGH, "9-12", 1215),
    ("Northshore Alternative High School", "3403", School.Level.ALTERNATIVE, "9-12", 186),
    ("Valley Transition Center", "3501", School.Level.OTHER, "12", 74),
]


@dataclass
class DemoContext:
    """What the base seed made, handed to each app's seeder."""

    district: District
    years: list[SchoolYear]
    schools: dict[str, School]
    users: dict[str, User]
    other_district: District
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def current_year(self) -> SchoolYear:
        return self.years[-1]


def _user(username: str, first: str, last: str, *, host_admin: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": username,
            "first_name": first,
            "last_name": last,
            "is_host_admin": host_admin,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _membership(
    user: User, district: District, role: str, schools: Sequence[School] = (), title: str = ""
) -> None:
    membership, _ = Membership.objects.get_or_create(
        user=user, district=district, role=role, defaults={"title": title}
    )
    if schools:
        membership.schools.set(schools)


def _years(district: District, today: datetime.date) -> list[SchoolYear]:
    current_first = today.year if today.month >= 7 else today.year - 1
    years = []
    for first in range(current_first - 2, current_first + 1):
        label = f"{first}-{(first + 1) % 100:02d}"
        # First day: the Wednesday before or on 1 September; last: mid-June.
        sept1 = datetime.date(first, 9, 1)
        first_day = sept1 - datetime.timedelta(days=(sept1.weekday() - 2) % 7)
        year, _ = SchoolYear.objects.get_or_create(
            district=district,
            label=label,
            defaults={
                "first_instructional_day": first_day,
                "last_instructional_day": datetime.date(first + 1, 6, 16),
            },
        )
        _calendar(year)
        years.append(year)
    return years


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    """The n-th `weekday` (Monday 0) of the month; n=-1 for the last."""
    if n < 0:
        last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _calendar(year: SchoolYear) -> None:
    """A Washington district's usual days off (srp.schooldays counts deadlines with them)."""
    if NonInstructionalDay.objects.filter(school_year=year).exists():
        return
    first, second = year.starts_on.year, year.ends_on.year
    day = datetime.timedelta(days=1)
    thanksgiving = _nth_weekday(first, 11, 3, 4)
    dec22 = datetime.date(first, 12, 22)
    winter = dec22 - datetime.timedelta(days=dec22.weekday())
    presidents = _nth_weekday(second, 2, 0, 3)
    spring = _nth_weekday(second, 4, 0, 1)
    holiday, pause = NonInstructionalDay.Kind.HOLIDAY, NonInstructionalDay.Kind.BREAK
    days = [
        (_nth_weekday(first, 10, 4, 2), None, NonInstructionalDay.Kind.PROFESSIONAL,
         "Professional learning day", False),
        (datetime.date(first, 11, 11), None, holiday, "Veterans Day", True),
        (thanksgiving, thanksgiving + day, holiday, "Thanksgiving", True),
        (winter, winter + 11 * day, pause, "Winter break", True),
        (_nth_weekday(second, 1, 0, 3), None, holiday, "Martin Luther King Jr. Day", True),
        (presidents, None, holiday, "Presidents' Day", True),
        (presidents + day, presidents + 4 * day, pause, "Mid-winter break", False),
        (spring, spring + 4 * day, pause, "Spring break", False),
        (_nth_weekday(second, 5, 0, -1), None, holiday, "Memorial Day", True),
    ]  # fmt: skip
    for first_day, last_day, kind, name, office_closed in days:
        if first_day.weekday() >= 5 and last_day is None:
            continue  # a holiday on a weekend takes no school day
        NonInstructionalDay.objects.create(
            school_year=year,
            first_day=first_day,
            last_day=last_day or first_day,
            kind=kind,
            name=name,
            office_closed=office_closed,
        )


def seed_base(today: datetime.date | None = None) -> DemoContext:
    today = today or timezone.localdate()
    district, _ = District.objects.get_or_create(
        code="99001",
        defaults={
            "name": "Cascade Valley School District",
            "address": "1200 Valley Way\nCascade Valley, WA 98000",
            "phone": "(360) 555-0100",
            "email": "info@cascadevalley.example.org",
            "website": "https://cascadevalley.example.org",
            "complaint_contact_name": "Office of Student Safety",
            "complaint_contact_email": "safety@cascadevalley.example.org",
            "complaint_contact_phone": "(360) 555-0142",
            "family_languages": ["en", "es", "vi", "ru", "so"],
        },
    )
    years = _years(district, today)
    schools = {}
    for name, code, level, span, students in SCHOOLS:
        school, _ = School.objects.get_or_create(
            district=district,
            building_code=code,
            defaults={
                "name": name,
                "level": level,
                "grade_span": span,
                "address": (
                    f"{100 + int(code) % 100 * 10} {name.split()[0]} Street\n"
                    "Cascade Valley, WA 98000"
                ),
                "phone": f"(360) 555-{code}",
            },
        )
        schools[code] = school
        for offset, year in enumerate(years):
            Enrollment.objects.get_or_create(
                school=school,
                school_year=year,
                defaults={"students": students - (len(years) - 1 - offset) * 7},
            )

    # A second, small district on the same instance (an ESD hosting its members): its people
    # must never see the first district's records.
    other, _ = District.objects.get_or_create(
        code="99002", defaults={"name": "Orchard Hills School District"}
    )
    _years(other, today)
    other_school, _ = School.objects.get_or_create(
        district=other,
        building_code="4101",
        defaults={
            "name": "Orchard Hills High School",
            "level": School.Level.HIGH,
            "grade_span": "9-12",
        },
    )

    users = {
        "host": _user("host@esd.example.org", "Hana", "Host", host_admin=True),
        "admin": _user("admin@cascadevalley.example.org", "Alex", "Rivera"),
        "principal": _user("principal@cascadevalley.example.org", "Priya", "Nguyen"),
        "principal_b": _user("principal.b@cascadevalley.example.org", "Marcus", "Bell"),
        "teacher": _user("teacher@cascadevalley.example.org", "Tomás", "García"),
        "sro": _user("sro@cascadevalley.example.org", "Sam", "Okafor"),
        "investigator": _user("investigator@cascadevalley.example.org", "Irene", "Walsh"),
        "liaison": _user("liaison@sheriff.example.org", "Lena", "Park"),
        "board": _user("board@cascadevalley.example.org", "Beatrice", "Olsen"),
        "other_admin": _user("admin@orchardhills.example.org", "Oscar", "Lind"),
    }
    high, middle = schools["3401"], schools["3201"]
    _membership(users["admin"], district, Role.PROGRAM_ADMIN, title="Director of Student Safety")
    _membership(users["principal"], district, Role.PRINCIPAL, [high], title="Principal")
    _membership(users["principal_b"], district, Role.PRINCIPAL, [middle], title="Principal")
    _membership(users["teacher"], district, Role.SCHOOL_STAFF, [high], title="Teacher")
    _membership(users["sro"], district, Role.SAFETY_STAFF)
    _membership(
        users["investigator"], district, Role.INVESTIGATOR, title="Investigator, Human Resources"
    )
    _membership(
        users["liaison"],
        district,
        Role.AGENCY_LIAISON,
        title="Sergeant, Cascade County Sheriff's Office",
    )
    _membership(users["board"], district, Role.BOARD_MEMBER, title="Board director")
    _membership(users["other_admin"], other, Role.PROGRAM_ADMIN)
    _membership(users["other_admin"], other, Role.PRINCIPAL, [other_school])

    logins = [
        ("host administrator", users["host"].username, DEMO_PASSWORD),
        ("program administrator", users["admin"].username, DEMO_PASSWORD),
        ("principal (Cascade Valley High)", users["principal"].username, DEMO_PASSWORD),
        ("principal (Evergreen Middle)", users["principal_b"].username, DEMO_PASSWORD),
        ("school staff (teacher)", users["teacher"].username, DEMO_PASSWORD),
        ("safety staff (SRO)", users["sro"].username, DEMO_PASSWORD),
        ("investigator", users["investigator"].username, DEMO_PASSWORD),
        ("agency liaison", users["liaison"].username, DEMO_PASSWORD),
        ("board member", users["board"].username, DEMO_PASSWORD),
        ("other district's administrator", users["other_admin"].username, DEMO_PASSWORD),
    ]
    return DemoContext(
        district=district,
        years=years,
        schools=schools,
        users=users,
        other_district=other,
        logins=logins,
    )
