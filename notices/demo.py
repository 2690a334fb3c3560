"""Demo data: the current year's notice in English and Spanish, delivered at some schools."""

from __future__ import annotations

import datetime

from django.utils import timezone

from notices.models import Delivery, Notice
from notices.selectors import schools_with_staff
from notices.services import delivery_record, notice_create, notice_publish


def seed(ctx) -> None:  # noqa: ANN001 - srp.demo.DemoContext
    district, year = ctx.district, ctx.current_year
    admin = ctx.users["admin"]
    notice = Notice.objects.filter(district=district, school_year=year).first()
    if notice is None:
        notice = notice_create(district=district, school_year=year, by=admin)
    if not notice.is_published:
        notice_publish(notice=notice, by=admin)
    if Delivery.objects.filter(school__district=district, school_year=year).exists():
        return
    schools = list(schools_with_staff(district=district, school_year=year))
    first_day = year.first_instructional_day
    today = timezone.localdate()

    def day(offset: int) -> datetime.date:
        # Early in the year the planned day may not have come yet: record it as today.
        return max(min(first_day + datetime.timedelta(days=offset), today), year.starts_on)

    # Half the staffed schools did both on time, a few only presented, the rest are late.
    for index, school in enumerate(schools):
        if index % 3 == 2:
            continue
        delivery_record(
            school=school,
            school_year=year,
            kind=Delivery.Kind.PRESENTATION,
            delivered_on=day(7 + index),
            by=admin,
            audience=f"All students, grades {school.grade_span}",
            presenter="Principal and school resource officer",
            presentation_format=Delivery.Format.ASSEMBLY if index % 2 else Delivery.Format.ADVISORY,
        )
        if index % 3 == 0:
            delivery_record(
                school=school,
                school_year=year,
                kind=Delivery.Kind.DISTRIBUTION,
                delivered_on=day(3 + index),
                by=admin,
                channels=[Delivery.Channel.EMAIL, Delivery.Channel.BACKPACK],
                languages=[c for c in ("en", "es") if c in district.family_languages],
            )
