"""`manage.py import_calls --district CODE FILE.csv`: import a police agency's calls (R-16).

The file is held to the upload page's limit (`incidents.importer.MAX_IMPORT_BYTES`): the
import checks the whole file in memory-light passes but keeps one entry per call, and a
command-line run is no reason to accept what the page refuses.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incidents import importer
from incidents.importer import import_calls
from srp.models import District

MEGABYTE = 1024 * 1024


class FileGrewError(Exception):
    """The file grew past the limit while it was being read."""


class _Capped(io.RawIOBase):
    """The opened file, read no further than the limit: a file still being written to (an export
    running) cannot slip past the size checked before reading."""

    def __init__(self, binary: io.BufferedReader, limit: int) -> None:
        self.binary = binary
        self.limit = limit

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.binary.seek(offset, whence)

    def tell(self) -> int:
        return self.binary.tell()

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer (memoryview)
        n = self.binary.readinto(buffer)
        if self.binary.tell() > self.limit:
            raise FileGrewError
        return n


class Command(BaseCommand):
    help = "Import calls for service from a CSV file (all rows, or none)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--district", required=True, help="The district's state code.")
        parser.add_argument("file", help="The CSV file (UTF-8, header row required).")

    def handle(self, *args, district: str, file: str, **options) -> None:
        try:
            target = District.objects.get(code=district)
        except District.DoesNotExist:
            raise CommandError(f"No district has code {district!r}.") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        with path.open("rb") as binary:
            # The size of the file opened (not of whatever the path names a moment later),
            # checked before a byte is read.
            info = os.fstat(binary.fileno())
            limit = importer.MAX_IMPORT_BYTES
            if not stat.S_ISREG(info.st_mode):
                raise CommandError(f"{file} is not a regular file.")
            if info.st_size > limit:
                raise CommandError(
                    f"Nothing was imported: {path.name} is {info.st_size / MEGABYTE:.1f} MB; "
                    f"the largest file accepted is {limit // MEGABYTE} MB, as on the upload page. "
                    "Split the file by date and import each part."
                )
            try:
                result = import_calls(
                    io.BufferedReader(_Capped(binary, limit)),
                    district=target,
                    filename=path.name,
                    by=None,
                )
            except FileGrewError:
                raise CommandError(
                    f"Nothing was imported: {path.name} grew past {limit // MEGABYTE} MB while "
                    "it was being read. Import it once it is complete."
                ) from None
        if not result.ok:
            for error in result.errors:
                column = f" column {error.column}" if error.column else ""
                self.stderr.write(f"row {error.row}{column}: {error.message}")
            if result.error_count > len(result.errors):
                self.stderr.write(f"… and {result.error_count - len(result.errors)} more errors.")
            raise CommandError(
                f"Nothing was imported: {result.error_count} error(s) in {result.rows} rows."
            )
        rate = result.rows / result.seconds if result.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.calls} calls and {result.students} students from "
                f"{result.rows} rows in {result.seconds:.1f} s ({rate:,.0f} rows/s)."
            )
        )
