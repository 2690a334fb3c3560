"""Backups that restore (issue #15): scripts/backup.sh, then scripts/restore.sh into a fresh
database and folder, find every complaint, attachment (same bytes) and history row."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from complaints.forms import make_form_token
from complaints.models import Attachment, Complaint
from srp.management.commands.data_fingerprint import fingerprint
from tests.complaints.factories import pdf, png

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="backup.sh backs up PostgreSQL (pg_dump); this runs in CI's PostgreSQL pass",
    ),
    pytest.mark.django_db(transaction=True),  # committed, so pg_dump's own connection sees it
]


def url_for(name: str) -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def run(*args: str, **env: str) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    run("psql", url_for("postgres"), "-XqAtc", f'CREATE DATABASE "{name}"')
    yield url_for(name)
    run("psql", url_for("postgres"), "-XqAtc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def file_a_complaint(client, world):
    response = client.post(
        reverse("complaints_public:intake", kwargs={"district_code": world.district.code}),
        {
            "school": str(world.school_a.pk),
            "occurred_on": "2026-11-20",
            "occurred_time": "10:30",
            "location": "Front office",
            "description": "The officer pushed my son against the lockers.",
            "requested_outcome": "An apology.",
            "relationship": "parent",
            "contact_name": "Ana",
            "contact_preference": "email",
            "email": "ana@example.org",
            "language": "en",
            "website": "",
            "form_token": make_form_token(issued_at=time.time() - 60),
            "attachments": [png(), pdf()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_backup_restores_every_complaint_attachment_and_history_row(
    client, world, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    file_a_complaint(client, world)
    live = fingerprint()
    assert live["counts"]["complaints.Complaint"] == 1
    assert live["counts"]["complaints.Attachment"] == 2
    assert live["counts"]["complaints.HistoricalComplaint"] >= 1
    assert len(live["files"]) == 2 and "missing" not in live["files"].values()

    out = run(
        "scripts/backup.sh",
        str(tmp_path / "backups"),
        DATABASE_URL=url_for(connection.settings_dict["NAME"]),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    backup = Path(out.strip().splitlines()[-1])
    assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar", "manifest.txt"}
    assert oct(backup.stat().st_mode)[-3:] == "700"  # private: it holds every complaint

    restored_media = tmp_path / "restored-media"
    run(
        "scripts/restore.sh",
        str(backup),
        DATABASE_URL=fresh_database,
        MEDIA_ROOT=str(restored_media),
    )
    restored = json.loads(
        run(
            str(ROOT / ".venv/bin/python"),
            "manage.py",
            "data_fingerprint",
            DATABASE_URL=fresh_database,
            MEDIA_ROOT=str(restored_media),
        )
    )
    assert restored == live
    history = {k: n for k, n in restored["counts"].items() if ".Historical" in k}
    assert sum(history.values()) == sum(n for k, n in live["counts"].items() if ".Historical" in k)
    # The same bytes, file by file.
    for attachment in Attachment.objects.all():
        copy = restored_media / attachment.file.name
        assert copy.read_bytes() == Path(attachment.file.path).read_bytes()
    assert Complaint.objects.count() == restored["counts"]["complaints.Complaint"]


def test_restore_refuses_a_database_that_is_not_empty(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    own = url_for(connection.settings_dict["NAME"])
    out = run(
        "scripts/backup.sh",
        str(tmp_path / "b"),
        DATABASE_URL=own,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    backup = out.strip().splitlines()[-1]
    result = subprocess.run(
        ["scripts/restore.sh", backup],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": own, "MEDIA_ROOT": str(tmp_path / "empty")},
    )
    assert result.returncode == 4
    assert "restore only into an empty database" in result.stderr


def test_restore_refuses_a_damaged_backup(world, tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = run(
        "scripts/backup.sh",
        str(tmp_path / "b"),
        DATABASE_URL=url_for(connection.settings_dict["NAME"]),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    backup = Path(out.strip().splitlines()[-1])
    with (backup / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    result = subprocess.run(
        ["scripts/restore.sh", str(backup)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": fresh_database, "MEDIA_ROOT": str(tmp_path / "r")},
    )
    assert result.returncode == 3
    assert "damaged" in result.stderr
