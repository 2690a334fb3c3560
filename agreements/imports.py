"""Bulk CSV import of the safety and security staff roster (issue #14), on `srp.csv_import`.

One row per staff member, keyed by badge or employee number: a new number adds a roster entry,
a known one updates it (columns left out of the file keep their values). The row's `schools`
give the staff member's assignments in `school_year` (the current year when empty), written in
the export's own format (`3401 2.5; 3201 2.5`: building code and days per week). `invite: yes`
gives the entry's person a sign-in account by its email and links it, as the staff page's
"Invite" does, so an officer loaded in August signs in and logs calls at their schools.
Every write goes through `agreements.services`; a rule a service refuses rolls the whole file
back and is reported with its row.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import MAX_DAYS_PER_WEEK, Provider, StaffAssignment, StaffMember
from agreements.services import (
    AgreementError,
    staff_assignment_save,
    staff_member_invite,
    staff_member_save,
)
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
from srp.date_bounds import bounds_message, in_bounds
from srp.history import as_done_by
from srp.models import BulkImport, School, SchoolYear

# "3401 2.5", "3401:2.5" or "3401=2.5".
ASSIGNMENT = re.compile(r"^([0-9A-Za-z-]{1,10})\s*[ :=]\s*(\d(?:\.\d)?)$")
# The service's field names are the file's column names, but for these.
FIELD_COLUMNS = {"employer": "employer", "days_per_week": "schools", "school_year": "school_year"}
MEMBER_FIELDS = (
    "first_name",
    "last_name",
    "kind",
    "commissioned",
    "employer",
    "title",
    "email",
    "phone",
    "active_from",
    "active_until",
    "first_day_on_campus",
)


@dataclass
class StaffRow:
    badge_number: str
    fields: dict[str, Any]
    school_year: SchoolYear | None = None
    assignments: list[tuple[School, Decimal]] = field(default_factory=list)
    invite: bool = False


class StaffImporter(Importer[StaffRow]):
    kind = BulkImport.Kind.STAFF
    columns = (
        Column(
            "badge_number",
            gettext_lazy("Badge or employee number, unique in the district. The key."),
            "SPD-1042",
            required=True,
            blank=False,
            max_length=40,
        ),
        Column(
            "first_name",
            gettext_lazy("First name."),
            "Jordan",
            required=True,
            blank=False,
            max_length=100,
        ),
        Column(
            "last_name",
            gettext_lazy("Last name."),
            "Reyes",
            required=True,
            blank=False,
            max_length=100,
        ),
        Column(
            "kind",
            gettext_lazy(
                "One of: sro (school resource officer), school_security_officer, "
                "campus_security_officer, other."
            ),
            "sro",
            required=True,
            blank=False,
            max_length=60,
        ),
        Column(
            "commissioned",
            gettext_lazy(
                "yes or no: a commissioned law enforcement officer (optional; yes for an SRO)."
            ),
            "yes",
            max_length=5,
        ),
        Column(
            "employer",
            gettext_lazy(
                "The provider's name as on the Providers page; empty when the district employs "
                "the person. An SRO's employer is a police department or sheriff's office."
            ),
            "Springfield Police Department",
        ),
        Column("title", gettext_lazy("Title (optional)."), "Officer", max_length=120),
        Column(
            "email",
            gettext_lazy("Work email (optional; needed to invite)."),
            "jordan.reyes@example.org",
            max_length=254,
        ),
        Column("phone", gettext_lazy("Work phone (optional)."), "555-0142", max_length=40),
        Column(
            "active_from",
            gettext_lazy(
                "First day on the roster, as 2026-08-15 (needed for a new staff member; an "
                "update may leave the column out)."
            ),
            "2026-08-15",
            max_length=10,
        ),
        Column(
            "active_until",
            gettext_lazy("Last day on the roster (optional), as 2027-06-30."),
            "",
            max_length=10,
        ),
        Column(
            "first_day_on_campus",
            gettext_lazy(
                "First day on school property with students present (optional, not in the future)."
            ),
            "",
            max_length=10,
        ),
        Column(
            "school_year",
            gettext_lazy("The year of the assignments, as 2026-27 (optional: the current year)."),
            "2026-27",
            max_length=7,
        ),
        Column(
            "schools",
            gettext_lazy(
                "Assignments: building code and days per week, separated by “;”, as in the "
                "staff export: 3401 2.5; 3201 2.5. At most 5 days a week in all."
            ),
            "3401 2.5; 3201 2.5",
            max_length=500,
        ),
        Column(
            "invite",
            gettext_lazy(
                "yes to email the person a link to sign in and link their account (optional)."
            ),
            "no",
            max_length=5,
        ),
    )

    def prepare(self) -> None:
        district = self.district
        self.today = timezone.localdate()
        self.providers = {p.name.lower(): p for p in Provider.objects.filter(district=district)}
        self.schools = {
            s.building_code.lower(): s for s in School.objects.filter(district=district)
        }
        self.years = {y.label: y for y in SchoolYear.objects.filter(district=district)}
        self.current_year = district.current_school_year()
        self.existing = {
            s.badge_number: s
            for s in StaffMember.objects.filter(district=district).select_related("employer")
        }
        # (staff member, year) -> school id -> days, of the assignments still running.
        self.running: dict[tuple[int, int], dict[int, Decimal]] = {}
        for staff_id, year_id, school_id, days in (
            StaffAssignment.objects.filter(staff_member__district=district)
            .not_ended()
            .values_list("staff_member_id", "school_year_id", "school_id", "days_per_week")
        ):
            self.running.setdefault((staff_id, year_id), {})[school_id] = days
        self.seen: dict[str, int] = {}

    # Checks -----------------------------------------------------------------------------------
    def _date(self, row: Row, name: str, report: ImportReport) -> datetime.date | None:
        value = row.get(name)
        if not value:
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            report.add(
                row.number,
                name,
                _("“%(value)s” is not a date like 2026-08-15.") % {"value": quoted(value)},
            )
            return None
        if not in_bounds(day):
            report.add(row.number, name, bounds_message())
            return None
        return day

    def check(self, row: Row, report: ImportReport) -> StaffRow | None:
        badge = row.get("badge_number")
        first = self.seen.setdefault(badge, row.number)
        if first != row.number:
            report.add(
                row.number,
                "badge_number",
                _("Badge or number “%(badge)s” is also in row %(row)s; a staff member has one row.")
                % {"badge": quoted(badge), "row": first},
            )
        existing = self.existing.get(badge)
        fields: dict[str, Any] = {
            "first_name": row.get("first_name"),
            "last_name": row.get("last_name"),
        }
        kind = parse_choice(row, "kind", report, StaffMember.Kind.choices)
        fields["kind"] = kind
        if row.given("commissioned") and row.get("commissioned"):
            fields["commissioned"] = parse_yes_no(row, "commissioned", report, default=False)
        elif existing is None or kind == StaffMember.Kind.SRO:
            fields["commissioned"] = kind == StaffMember.Kind.SRO
        if row.given("employer"):
            name = row.get("employer")
            employer = self.providers.get(name.lower()) if name else None
            if name and employer is None:
                report.add(
                    row.number,
                    "employer",
                    _("No provider of this district is named “%(name)s”; add it first.")
                    % {"name": quoted(name)},
                )
            fields["employer"] = employer
        for name in ("title", "phone"):
            if row.given(name):
                fields[name] = row.get(name)
        if row.given("email"):
            fields["email"] = parse_email(row, "email", report, required=False)
        if row.get("active_from"):
            fields["active_from"] = self._date(row, "active_from", report)
        elif existing is None or row.given("active_from"):
            report.add(
                row.number,
                "active_from",
                _("The first day on the roster is missing (as 2026-08-15)."),
            )
        for name in ("active_until", "first_day_on_campus"):
            if row.given(name):
                fields[name] = self._date(row, name, report)
        self._check_member(row, report, fields, existing)
        record = StaffRow(badge_number=badge, fields=fields)
        record.invite = bool(parse_yes_no(row, "invite", report, default=False))
        email = fields.get("email", existing.email if existing else "")
        if record.invite and not email:
            report.add(row.number, "email", _("An email address is needed to invite the person."))
        if row.get("schools"):
            self._check_assignments(row, report, record, existing)
        return record

    def _check_member(
        self, row: Row, report: ImportReport, fields: dict[str, Any], existing: StaffMember | None
    ) -> None:
        def value(name: str) -> Any:
            if name in fields:
                return fields[name]
            return getattr(existing, name) if existing else None

        if value("kind") == StaffMember.Kind.SRO:
            if value("commissioned") is False:
                report.add(
                    row.number,
                    "commissioned",
                    _("A school resource officer is a commissioned officer."),
                )
            if value("employer") is None:
                report.add(
                    row.number,
                    "employer",
                    _(
                        "A school resource officer is employed by a police department or "
                        "sheriff's office."
                    ),
                )
        start, end = value("active_from"), value("active_until")
        if start and end and end < start:
            report.add(row.number, "active_until", _("The end date comes before the start date."))
        on_campus = value("first_day_on_campus")
        if on_campus and on_campus > self.today:
            report.add(row.number, "first_day_on_campus", _("This date is in the future."))

    def _check_assignments(
        self, row: Row, report: ImportReport, record: StaffRow, existing: StaffMember | None
    ) -> None:
        label = row.get("school_year")
        year = self.years.get(label) if label else self.current_year
        if year is None:
            report.add(
                row.number,
                "school_year",
                _("No school year %(label)s in this district; add it first.")
                % {"label": quoted(label)}
                if label
                else _("No school year is current; name the year of these assignments."),
            )
            return
        if year.ends_on < self.today:
            report.add(
                row.number,
                "school_year",
                _("%(year)s is over: its assignments change only on the staff page, with a reason.")
                % {"year": year.label},
            )
            return
        record.school_year = year
        for part in (p.strip() for p in row.get("schools").split(";")):
            if not part:
                continue
            match = ASSIGNMENT.match(part)
            if match is None:
                report.add(
                    row.number,
                    "schools",
                    _("“%(value)s” is not a building code and days per week, like 3401 2.5.")
                    % {"value": quoted(part)},
                )
                continue
            code, days_text = match.groups()
            school = self.schools.get(code.lower())
            if school is None:
                report.add(
                    row.number,
                    "schools",
                    _("No school of this district has building code “%(code)s”.")
                    % {"code": quoted(code)},
                )
                continue
            try:
                days = Decimal(days_text)
            except InvalidOperation:  # pragma: no cover - the pattern allows only numbers
                continue
            if not Decimal("0.5") <= days <= MAX_DAYS_PER_WEEK:
                report.add(
                    row.number,
                    "schools",
                    _("%(code)s: days per week go from 0.5 to 5.") % {"code": code},
                )
                continue
            if any(s.pk == school.pk for s, _d in record.assignments):
                report.add(
                    row.number,
                    "schools",
                    _("%(code)s is named twice.") % {"code": code},
                )
                continue
            record.assignments.append((school, days))
        listed = {s.pk for s, _d in record.assignments}
        others = Decimal("0")
        if existing is not None:
            running = self.running.get((existing.pk, year.pk), {})
            others = sum((d for pk, d in running.items() if pk not in listed), Decimal("0"))
        total = others + sum((d for _s, d in record.assignments), Decimal("0"))
        if total > MAX_DAYS_PER_WEEK:
            report.add(
                row.number,
                "schools",
                _("This makes %(total)s days a week across schools in %(year)s; the most is 5.")
                % {"total": total, "year": year.label},
            )

    # Write ------------------------------------------------------------------------------------
    def write(self, records: list[tuple[int, StaffRow]], report: ImportReport) -> None:
        invited = 0
        for number, record in records:
            try:
                outcome, was_invited = self._write_one(record)
            except AgreementError as exc:
                column = FIELD_COLUMNS.get(exc.field or "", exc.field or "")
                raise RowRefused(number, column, exc.text) from None
            if outcome == "created":
                report.created += 1
            elif outcome == "updated":
                report.updated += 1
            invited += was_invited
        if invited:
            report.notes.append(
                _("%(n)s people were emailed a link to sign in.") % {"n": invited}
                if invited != 1
                else _("1 person was emailed a link to sign in.")
            )

    def _write_one(self, record: StaffRow) -> tuple[str, bool]:
        existing = self.existing.get(record.badge_number)
        outcome = "unchanged"
        if existing is None:
            member = StaffMember(district=self.district, badge_number=record.badge_number)
            as_done_by(member, self.by)
            member = staff_member_save(district=self.district, staff_member=member, **record.fields)
            outcome = "created"
        else:
            member = existing
            changes = {n: v for n, v in record.fields.items() if getattr(member, n) != v}
            if changes:
                as_done_by(member, self.by)
                staff_member_save(district=self.district, staff_member=member, **changes)
                outcome = "updated"
        year = record.school_year
        if year is not None:
            running = self.running.get((member.pk, year.pk), {}) if existing else {}
            for school, days in record.assignments:
                if running.get(school.pk) == days:
                    continue
                staff_assignment_save(
                    staff_member=member,
                    school=school,
                    school_year=year,
                    days_per_week=days,
                    by=self.by,
                )
                if outcome == "unchanged":
                    outcome = "updated"
        invited = False
        if record.invite and member.user_id is None:
            staff_member_invite(staff_member=member, email=member.email, by=self.by)
            invited = True
            if outcome == "unchanged":
                outcome = "updated"
        return outcome, invited
