"""`manage.py import_calls` holds a file to the upload page's size limit (issue #11)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.importer import COLUMNS, MAX_IMPORT_BYTES
from incidents.management.commands import import_calls as command
from incidents.models import Call, ImportBatch

pytestmark = pytest.mark.django_db

HEADER = (",".join(COLUMNS) + "\r\n").encode()
ROW = b"CLI-1,2026-10-05T13:45,3401,principal,fight,no,4471,referred_to_school,S1,10,white,male,none,no,warning\r\n"  # noqa: E501


def sized_file(path, size: int):
    """A CSV of `size` bytes: a good header, then a sparse tail (no disk is written for it)."""
    with path.open("wb") as f:
        f.write(HEADER)
        f.truncate(size)
    return path


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(world, tmp_path, monkeypatch):
    big = sized_file(tmp_path / "huge.csv", MAX_IMPORT_BYTES + 1)
    read = []
    monkeypatch.setattr(command, "import_calls", lambda *a, **k: read.append(a))
    with pytest.raises(CommandError) as refused:
        call_command("import_calls", "--district", world.district.code, str(big))
    message = str(refused.value)
    assert "Nothing was imported" in message
    assert "huge.csv is 50.0 MB" in message
    assert f"largest file accepted is {MAX_IMPORT_BYTES // (1024 * 1024)} MB" in message
    assert read == []  # the importer never saw the file
    assert ImportBatch.objects.count() == 0 and Call.objects.count() == 0


def test_the_limit_is_the_upload_pages(world, roster, tmp_path, monkeypatch, capsys):
    # One limit for both doors: lowering the importer's constant lowers the command's.
    from incidents import importer

    good = tmp_path / "calls.csv"
    good.write_bytes(HEADER + ROW)
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", len(HEADER + ROW) - 1)
    with pytest.raises(CommandError, match="largest file accepted"):
        call_command("import_calls", "--district", world.district.code, str(good))
    assert Call.objects.count() == 0

    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", len(HEADER + ROW))
    call_command("import_calls", "--district", world.district.code, str(good))
    assert "Imported 1 calls" in capsys.readouterr().out
    assert Call.objects.filter(call_ref="CLI-1").count() == 1


def test_a_device_or_directory_is_not_a_file(world, tmp_path):
    with pytest.raises(CommandError, match="No file at"):
        call_command("import_calls", "--district", world.district.code, "/dev/zero")
    with pytest.raises(CommandError, match="No file at"):
        call_command("import_calls", "--district", world.district.code, str(tmp_path))


def test_a_file_that_grows_past_the_limit_while_read_imports_nothing(
    world, roster, tmp_path, monkeypatch
):
    """Measured small, then longer by the time it is read (an export still being written)."""
    import os

    from incidents import importer

    growing = tmp_path / "growing.csv"
    growing.write_bytes(HEADER + ROW + ROW.replace(b"CLI-1", b"CLI-2"))
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", len(HEADER + ROW))
    real_fstat = os.fstat

    class Measured:
        def __init__(self, info):
            self.st_mode, self.st_size = info.st_mode, len(HEADER)

    monkeypatch.setattr(command.os, "fstat", lambda fd: Measured(real_fstat(fd)))
    with pytest.raises(CommandError, match="grew past"):
        call_command("import_calls", "--district", world.district.code, str(growing))
    assert Call.objects.count() == 0 and ImportBatch.objects.count() == 0
