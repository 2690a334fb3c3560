from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SisConfig(AppConfig):
    """Rosters and demographics loaded from the student information system (OneRoster)."""

    name = "sis"
    verbose_name = _("Student information system imports")
    default_auto_field = "django.db.models.BigAutoField"
