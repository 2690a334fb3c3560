from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from notices.models import NoticeArchive, NoticeError
from notices.services import archive_build, archive_request
from srp.models import District, SchoolYear, User


class Command(BaseCommand):
    help = (
        "Finish building the district-wide zip of every school's notice. Without --district it "
        "finishes every archive that a browser started and left (safe to run from cron, on any "
        "server, while browsers also build: each school is claimed with SKIP LOCKED)."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--district", help="State district code: start a new build for it.")
        parser.add_argument("--year", help="School year label, e.g. 2026-27 (default: current).")
        parser.add_argument("--user", help="Username recorded as requesting the build.")

    def handle(self, *args, district: str | None, year: str | None, user: str | None, **options):
        archives: list[NoticeArchive]
        if district:
            try:
                district_obj = District.objects.get(code=district)
                school_year = (
                    SchoolYear.objects.get(district=district_obj, label=year)
                    if year
                    else district_obj.current_school_year()
                )
                by = User.objects.get(username=user) if user else None
            except (District.DoesNotExist, SchoolYear.DoesNotExist, User.DoesNotExist) as exc:
                raise CommandError(str(exc)) from None
            if school_year is None or by is None:
                raise CommandError("Give --year (no current school year) and --user.")
            try:
                archives = [archive_request(district=district_obj, school_year=school_year, by=by)]
            except NoticeError as exc:
                raise CommandError(str(exc)) from None
        else:
            archives = list(
                NoticeArchive.objects.filter(
                    status__in=[NoticeArchive.Status.PENDING, NoticeArchive.Status.BUILDING]
                )
            )
        for archive in archives:
            archive = archive_build(archive=archive)
            self.stdout.write(
                f"{archive.district.code} {archive.school_year.label}: {archive.status} "
                f"({archive.done}/{archive.total})"
            )
