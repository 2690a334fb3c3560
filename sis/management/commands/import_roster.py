"""`manage.py import_roster --district CODE FILE.zip`: load a district's OneRoster export.

Prints what the import gave (counts, the columns dropped unread, every error kept with its
file, row and column) and exits non-zero when the file was rejected: nothing was imported.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sis import oneroster
from sis.oneroster import import_roster, roster_result_lines
from srp.models import District

MEGABYTE = 1024 * 1024


class Command(BaseCommand):
    help = "Import a OneRoster 1.1 or 1.2 CSV zip from the district's SIS (all of it, or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="The district's state code.")
        parser.add_argument("file", help="The OneRoster CSV zip (bulk export).")

    def handle(self, *args: Any, district: str, file: str, **options: Any) -> None:
        try:
            target = District.objects.get(code=district)
        except District.DoesNotExist:
            raise CommandError(f"No district has code {district!r}.") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        with path.open("rb") as binary:
            info = os.fstat(binary.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise CommandError(f"{file} is not a regular file.")
            limit = oneroster.MAX_UPLOAD_BYTES
            if info.st_size > limit:
                raise CommandError(
                    f"Nothing was imported: {path.name} is {info.st_size / MEGABYTE:.1f} MB; "
                    f"the largest file accepted is {limit // MEGABYTE} MB, as on the upload page."
                )
            result = import_roster(binary, district=target, filename=path.name, by=None)
        lines = list(roster_result_lines(result))
        if not result.ok:
            for line in lines[1:]:
                self.stderr.write(line)
            if result.error_count > len(result.errors):
                self.stderr.write(f"… and {result.error_count - len(result.errors)} more errors.")
            raise CommandError(lines[0])
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
        rate = result.rows / result.seconds if result.seconds else 0
        self.stdout.write(f"{rate:,.0f} rows/s.")
