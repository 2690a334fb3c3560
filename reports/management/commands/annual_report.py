"""`manage.py annual_report --district CODE --year 2025-26 --format json|csv|pdf [--public]`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.exports import report_csv_zip, report_json
from reports.pdf import render_annual_report_pdf
from reports.public import public_report
from reports.selectors import annual_report
from srp.models import District, SchoolYear


class Command(BaseCommand):
    help = "Write a school year's annual report (internal, or public with --public)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="The state district code.")
        parser.add_argument("--year", required=True, help="The school year, such as 2025-26.")
        parser.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
        parser.add_argument("--public", action="store_true", help="Suppress small counts (R-20).")
        parser.add_argument("--output", help="Write to this file (default: standard output).")
        parser.add_argument("--language", default="en", help="Language of the PDF and CSV.")

    def handle(self, *args, **options) -> None:
        try:
            district = District.objects.get(code=options["district"])
        except District.DoesNotExist:
            raise CommandError(f"No district has the code {options['district']!r}.") from None
        try:
            year = SchoolYear.objects.get(district=district, label=options["year"])
        except SchoolYear.DoesNotExist:
            labels = ", ".join(
                SchoolYear.objects.filter(district=district).values_list("label", flat=True)
            )
            raise CommandError(
                f"{district.name} has no school year {options['year']!r} "
                f"(it has: {labels or 'none'})."
            ) from None
        report = annual_report(district=district, school_year=year)
        if options["public"]:
            report = public_report(report)
        fmt = options["format"]
        if fmt == "json":
            data: bytes = (report_json(report) + "\n").encode()
        elif fmt == "csv":
            data = report_csv_zip(report)
        else:
            data = render_annual_report_pdf(report, language=options["language"])
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"Wrote {options['output']} ({len(data)} bytes).")
        elif fmt == "json":
            self.stdout.write(data.decode(), ending="")
        else:
            if sys.stdout.isatty():
                raise CommandError("Binary output: use --output PATH or a redirect.")
            sys.stdout.buffer.write(data)
