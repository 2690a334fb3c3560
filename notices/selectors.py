"""Reads for notices: which schools need one, their staff, the done/due/late state (R-17, R-18)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import segno
from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import StaffAssignment
from agreements.selectors import staff_at_school
from notices.models import Delivery, Notice, NoticeTranslation, deadline_for
from srp.languages import is_rtl, language_name
from srp.models import District, School, SchoolYear


def complaint_form_url(district: District) -> str:
    """The absolute address of the public complaint form (the one place that knows its path)."""
    return f"{settings.SITE_URL}/p/{district.code}/complaints/new/"


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url` (segno; no inline style, so the CSP allows it)."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", border=2, omitsize=False)


def schools_with_staff(*, district: District, school_year: SchoolYear) -> QuerySet[School]:
    """Active schools with at least one safety and security staff assignment in the year."""
    assigned = StaffAssignment.objects.filter(school=OuterRef("pk"), school_year=school_year)
    return (
        School.objects.filter(district=district, active=True)
        .filter(Exists(assigned))
        .order_by("name")
    )


def notice_for(*, district: District, school_year: SchoolYear | None) -> Notice | None:
    if school_year is None:
        return None
    return (
        Notice.objects.filter(district=district, school_year=school_year)
        .select_related("school_year")
        .prefetch_related("translations")
        .first()
    )


@dataclass
class LanguageVersion:
    """One family language of the district, and the translation written in it, if any."""

    code: str
    name: str
    rtl: bool
    translation: NoticeTranslation | None
    url: str = ""

    @property
    def missing(self) -> bool:
        return self.translation is None

    @property
    def complete(self) -> bool:
        return self.translation is not None and self.translation.is_complete


def language_versions(*, district: District, notice: Notice | None) -> list[LanguageVersion]:
    """Every family language, in the district's order, with its translation or None (missing).

    A translation in a language the district no longer offers is listed at the end.
    """
    written = {t.language: t for t in notice.translations.all()} if notice else {}
    codes = list(district.family_languages or ["en"])
    codes += [code for code in written if code not in codes]
    return [LanguageVersion(c, language_name(c), is_rtl(c), written.get(c)) for c in codes]


@dataclass
class StaffLine:
    name: str
    kind: str
    employer: str
    days_per_week: Any
    email: str
    phone: str


def staff_lines(
    *, school: School, school_year: SchoolYear, translation: NoticeTranslation | None = None
) -> list[StaffLine]:
    """The school's safety and security staff for the year, as the notice prints them.

    The kind of each is named in the notice's language, from the translation's own labels.
    """
    lines = []
    for member in staff_at_school(school=school, school_year=school_year):
        assignment = member.assignment_here[0] if member.assignment_here else None
        lines.append(
            StaffLine(
                name=member.full_name,
                kind=translation.kind_label(member.kind)
                if translation
                else str(member.get_kind_display()),
                employer=member.employer.name if member.employer else school.district.name,
                days_per_week=assignment.days_per_week.normalize() if assignment else None,
                email=member.email,
                phone=member.phone,
            )
        )
    return lines


def school_notice_context(
    *, notice: Notice, translation: NoticeTranslation, school: School
) -> dict[str, Any]:
    """What the web page and the PDF of one school's notice in one language show."""
    district = school.district
    url = complaint_form_url(district)
    return {
        "notice": notice,
        "district": district,
        "school": school,
        "school_year": notice.school_year,
        "translation": translation,
        "sections": translation.sections(),
        "language_code": translation.language,
        "language_label": language_name(translation.language),
        "rtl": is_rtl(translation.language),
        "staff": staff_lines(
            school=school, school_year=notice.school_year, translation=translation
        ),
        "complaint_url": url,
        "complaint_qr": qr_svg(url),
    }


# Delivery state -----------------------------------------------------------------------------
DONE, DUE, LATE = "done", "due", "late"
STATE_LABELS = {DONE: _("Done"), DUE: _("Due"), LATE: _("Late")}


@dataclass
class PartState:
    """One of the two duties (students, families) at one school."""

    state: str
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def first_on(self) -> datetime.date | None:
        return min((d.delivered_on for d in self.deliveries), default=None)


@dataclass
class SchoolDeliveryStatus:
    school: School
    deadline: datetime.date
    students: PartState
    families: PartState

    @property
    def state(self) -> str:
        parts = {self.students.state, self.families.state}
        if parts == {DONE}:
            return DONE
        return LATE if LATE in parts else DUE

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


def _part_state(
    deliveries: list[Delivery], *, deadline: datetime.date, today: datetime.date
) -> PartState:
    if deliveries:
        return PartState(DONE, deliveries)
    return PartState(LATE if today > deadline else DUE)


def delivery_statuses(
    *,
    district: District,
    school_year: SchoolYear,
    school_ids: frozenset[int] | set[int] | None = None,
    today: datetime.date | None = None,
) -> list[SchoolDeliveryStatus]:
    """Every school with safety staff in the year (or those of `school_ids`), done/due/late.

    A duty is done once one delivery of its kind is recorded (not withdrawn); otherwise it is due
    until the deadline (first instructional day + the district's notice_deadline_days) and late
    after it. Three queries (the calendar for the deadline, the schools, the deliveries),
    whatever the number of schools.
    """
    today = today or timezone.localdate()
    deadline = deadline_for(school_year, district)
    schools = schools_with_staff(district=district, school_year=school_year)
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    schools = list(schools)
    by_school: dict[tuple[int, str], list[Delivery]] = {}
    deliveries = (
        Delivery.objects.recorded()
        .filter(school_year=school_year, school__in=[s.pk for s in schools])
        .order_by("delivered_on", "pk")
    )
    for delivery in deliveries:
        by_school.setdefault((delivery.school_id, delivery.kind), []).append(delivery)
    return [
        SchoolDeliveryStatus(
            school=school,
            deadline=deadline,
            students=_part_state(
                by_school.get((school.pk, Delivery.Kind.PRESENTATION), []),
                deadline=deadline,
                today=today,
            ),
            families=_part_state(
                by_school.get((school.pk, Delivery.Kind.DISTRIBUTION), []),
                deadline=deadline,
                today=today,
            ),
        )
        for school in schools
    ]


def year_for_request(district: District, raw: str | None) -> SchoolYear | None:
    """The school year chosen by `?year=<pk>` among the district's, else the current one."""
    years = SchoolYear.objects.filter(district=district)
    if raw:
        try:
            return years.get(pk=int(raw))
        except (ValueError, SchoolYear.DoesNotExist):
            return None
    return district.current_school_year() or years.first()
