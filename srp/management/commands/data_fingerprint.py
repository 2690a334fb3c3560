"""What a restored backup must hold: every table's row count and every stored file's SHA-256.

    manage.py data_fingerprint > before.json     # on the live system
    manage.py data_fingerprint > after.json      # on the restored copy; the two must be equal

scripts/restore-drill compares the two. Counts cover every model, history tables included;
files cover every FileField of every row (a missing file is reported as "missing").
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models


def fingerprint() -> dict[str, Any]:
    counts: dict[str, int] = {}
    files: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        counts[label] = model._default_manager.count()
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields or model._meta.label.split(".")[-1].startswith("Historical"):
            continue
        for row in model._default_manager.order_by("pk").iterator():
            for field in file_fields:
                stored = getattr(row, field.attname)
                if not stored:
                    continue
                key = f"{label}:{row.pk}:{field.name}"
                try:
                    digest = hashlib.sha256()
                    with stored.open("rb") as handle:
                        for chunk in iter(lambda: handle.read(1 << 20), b""):
                            digest.update(chunk)
                    files[key] = digest.hexdigest()
                except FileNotFoundError:
                    files[key] = "missing"
    return {"counts": counts, "files": files}


class Command(BaseCommand):
    help = "Print every table's row count and every stored file's SHA-256 as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(fingerprint(), indent=1, sort_keys=True))
