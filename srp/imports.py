"""Bulk CSV imports of schools and people (issue #14), on the shared core `srp.csv_import`.

Schools are created or updated by their state building code; a change is kept in the school's
history with who imported it. People get a role in the district the way the People page gives
one (`srp.services.person_add`, `person_name_set`, `membership_save`): a new email gets an
account and a "choose your password" email, an email with an account anywhere keeps it as it
is, and nothing the import says tells the two apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from srp import cache
from srp.csv_import import (
    Column,
    Importer,
    ImportReport,
    Row,
    RowRefused,
    parse_choice,
    parse_email,
    parse_yes_no,
    quoted,
)
from srp.models import BulkImport, Membership, School
from srp.roles import SCHOOL_SCOPED_ROLES, Role
from srp.services import SrpError, membership_save, person_add, person_name_set

BUILDING_CODE = re.compile(r"^[0-9A-Za-z-]{1,10}$")
# Roles whose schools the People page requires (safety staff's come from their assignments).
ROLES_NEEDING_SCHOOLS = frozenset({Role.PRINCIPAL, Role.SCHOOL_STAFF})
HISTORY_REASON = "CSV import"


def split_codes(value: str) -> list[str]:
    """Building codes separated by ";" (or ","), without blanks."""
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


# Schools ----------------------------------------------------------------------------------------
@dataclass
class SchoolRow:
    code: str
    values: dict[str, object]


SCHOOL_FIELDS = ("name", "level", "grade_span", "address", "phone", "active")


class SchoolImporter(Importer[SchoolRow]):
    """Schools by state building code: a new code adds a school, a known one updates it (the
    columns left out of the file keep their values)."""

    kind = BulkImport.Kind.SCHOOLS
    columns = (
        Column(
            "building_code",
            gettext_lazy("State building code: 1 to 10 letters, digits or '-'. The key."),
            "3401",
            required=True,
            blank=False,
            max_length=10,
        ),
        Column(
            "name",
            gettext_lazy("The school's name."),
            "Lincoln High School",
            required=True,
            blank=False,
        ),
        Column(
            "level",
            gettext_lazy("One of: elementary, middle, high, k8, alternative, other."),
            "high",
            required=True,
            blank=False,
            max_length=20,
        ),
        Column(
            "grade_span",
            gettext_lazy("Grades served, for example K-5 or 9-12."),
            "9-12",
            required=True,
            blank=False,
            max_length=20,
        ),
        Column(
            "address",
            gettext_lazy("Postal address (optional; may span lines)."),
            "100 Main St, Springfield",
            max_length=500,
            multiline=True,
        ),
        Column("phone", gettext_lazy("Main phone (optional)."), "555-0100", max_length=40),
        Column(
            "active",
            gettext_lazy("yes or no (optional; yes for a new school)."),
            "yes",
            max_length=5,
        ),
    )

    def prepare(self) -> None:
        self.existing = {
            s.building_code.lower(): s for s in School.objects.filter(district=self.district)
        }
        self.seen: dict[str, int] = {}

    def check(self, row: Row, report: ImportReport) -> SchoolRow | None:
        code = row.get("building_code")
        if not BUILDING_CODE.match(code):
            report.add(
                row.number,
                "building_code",
                _("“%(value)s” is not a building code: use 1 to 10 letters, digits or '-'.")
                % {"value": quoted(code)},
            )
            return None
        first = self.seen.setdefault(code.lower(), row.number)
        if first != row.number:
            report.add(
                row.number,
                "building_code",
                _("Building code “%(code)s” is also in row %(row)s; a school has one row.")
                % {"code": code, "row": first},
            )
        values: dict[str, object] = {"name": row.get("name"), "grade_span": row.get("grade_span")}
        level = parse_choice(row, "level", report, School.Level.choices)
        values["level"] = level
        for name in ("address", "phone"):
            if row.given(name):
                values[name] = row.get(name)
        if row.given("active"):
            values["active"] = parse_yes_no(row, "active", report, default=True)
        return SchoolRow(code, values)

    def write(self, records: list[tuple[int, SchoolRow]], report: ImportReport) -> None:
        created: list[School] = []
        changed: list[School] = []
        fields: set[str] = set()
        for _number, record in records:
            school = self.existing.get(record.code.lower())
            if school is None:
                created.append(School(district=self.district, building_code=record.code))
                for name, value in record.values.items():
                    setattr(created[-1], name, value)
                continue
            differs = [n for n, v in record.values.items() if getattr(school, n) != v]
            if differs:
                for name in differs:
                    setattr(school, name, record.values[name])
                fields.update(differs)
                changed.append(school)
        if created:
            bulk_create_with_history(
                created,
                School,
                batch_size=500,
                default_user=self.by,
                default_change_reason=HISTORY_REASON,
            )
        if changed:
            bulk_update_with_history(
                changed,
                School,
                sorted(fields),
                batch_size=500,
                default_user=self.by,
                default_change_reason=HISTORY_REASON,
            )
        report.created, report.updated = len(created), len(changed)
        # Bulk writes send no signals: the district's cached figures must know.
        cache.data_changed(self.district.pk)


# People -----------------------------------------------------------------------------------------
@dataclass
class PersonRow:
    email: str
    first_name: str
    last_name: str
    role: str
    school_codes: list[str] | None  # None: the column is not in the file
    title: str | None
    active: bool | None


class PeopleImporter(Importer[PersonRow]):
    """One row per person and role, as the People page adds them: a person with two roles has
    two rows. A known email and role updates that role (name, title, schools, active)."""

    kind = BulkImport.Kind.PEOPLE
    columns = (
        Column(
            "email",
            gettext_lazy("Email address: the person's sign-in."),
            "ana.lopez@example.org",
            required=True,
            blank=False,
            max_length=254,
        ),
        Column(
            "first_name",
            gettext_lazy("First name."),
            "Ana",
            required=True,
            blank=False,
            max_length=150,
        ),
        Column(
            "last_name",
            gettext_lazy("Last name."),
            "López",
            required=True,
            blank=False,
            max_length=150,
        ),
        Column(
            "role",
            gettext_lazy(
                "One of: program_admin, principal, school_staff, safety_staff, investigator, "
                "agency_liaison, board_member."
            ),
            "principal",
            required=True,
            blank=False,
            max_length=60,
        ),
        Column(
            "schools",
            gettext_lazy(
                "Building codes separated by “;”, for principals and school staff. Empty for "
                "safety staff (their schools come from their assignments on the staff roster) "
                "and for district-wide roles."
            ),
            "3401",
            max_length=500,
        ),
        Column("title", gettext_lazy("Job title (optional)."), "Principal", max_length=120),
        Column(
            "active",
            gettext_lazy("yes or no (optional; yes for a new role)."),
            "yes",
            max_length=5,
        ),
    )

    def prepare(self) -> None:
        self.schools = {
            s.building_code.lower(): s for s in School.objects.filter(district=self.district)
        }
        memberships = (
            Membership.objects.filter(district=self.district)
            .select_related("user")
            .prefetch_related("schools")
        )
        self.memberships = {(m.user.email.lower(), m.role): m for m in memberships}
        self.seen: dict[tuple[str, str], int] = {}

    def check(self, row: Row, report: ImportReport) -> PersonRow | None:
        email = parse_email(row, "email", report, required=True)
        role = parse_choice(row, "role", report, Role.choices)
        active = parse_yes_no(row, "active", report, default=True) if row.given("active") else None
        codes = split_codes(row.get("schools")) if row.given("schools") else None
        for code in codes or ():
            if code.lower() not in self.schools:
                report.add(
                    row.number,
                    "schools",
                    _("No school of this district has building code “%(code)s”.")
                    % {"code": quoted(code)},
                )
        if email is None or role is None:
            return None
        first = self.seen.setdefault((email, role), row.number)
        if first != row.number:
            report.add(
                row.number,
                "email",
                _("This person and role are also in row %(row)s; a role has one row.")
                % {"row": first},
            )
        existing = self.memberships.get((email, role))
        if role == Role.SAFETY_STAFF and codes:
            report.add(
                row.number,
                "schools",
                _(
                    "Safety staff work at the schools of their assignments on the staff "
                    "roster; leave this empty."
                ),
            )
        elif role not in SCHOOL_SCOPED_ROLES and codes:
            report.add(
                row.number,
                "schools",
                _("This role covers the whole district; leave schools empty."),
            )
        elif role in ROLES_NEEDING_SCHOOLS:
            will_be_active = active if active is not None else (existing is None or existing.active)
            has_schools = (
                bool(codes) if codes is not None else bool(existing and existing.schools.all())
            )
            if will_be_active and not has_schools:
                report.add(row.number, "schools", _("Choose at least one school for this role."))
        return PersonRow(
            email=email,
            first_name=row.get("first_name"),
            last_name=row.get("last_name"),
            role=role,
            school_codes=codes,
            title=row.get("title") if row.given("title") else None,
            active=active,
        )

    def write(self, records: list[tuple[int, PersonRow]], report: ImportReport) -> None:
        for number, person in records:
            try:
                outcome = self._write_one(person)
            except SrpError as exc:
                raise RowRefused(number, exc.field or "", exc.text) from None
            if outcome == "created":
                report.created += 1
            elif outcome == "updated":
                report.updated += 1

    def _write_one(self, person: PersonRow) -> str:
        """Write one role: "created" when it is new to the district, "updated" when the file
        changed it, "unchanged" otherwise."""
        membership = self.memberships.get((person.email, person.role))
        if person.school_codes is not None:
            schools = [self.schools[code.lower()] for code in person.school_codes]
        else:
            schools = list(membership.schools.all()) if membership else []
        if membership is None:
            person_add(
                district=self.district,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                role=person.role,
                schools=schools,
                title=person.title or "",
                active=True if person.active is None else person.active,
                by=self.by,
            )
            return "created"
        title = membership.title if person.title is None else person.title
        active = membership.active if person.active is None else person.active
        unchanged = (
            membership.names == (person.first_name, person.last_name)
            and title == membership.title
            and active == membership.active
            and {s.pk for s in membership.schools.all()} == {s.pk for s in schools}
        )
        if unchanged:
            return "unchanged"
        person_name_set(
            membership=membership,
            first_name=person.first_name,
            last_name=person.last_name,
            by=self.by,
        )
        membership_save(
            district=self.district,
            user=membership.user,
            role=membership.role,
            schools=schools,
            title=title,
            active=active,
            by=self.by,
        )
        return "updated"
