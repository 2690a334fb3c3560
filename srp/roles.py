"""The roles of SPEC §1. A user holds roles through memberships in a district."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAM_ADMIN = "program_admin", _("Program administrator")
    PRINCIPAL = "principal", _("Principal")
    SCHOOL_STAFF = "school_staff", _("School staff")
    SAFETY_STAFF = "safety_staff", _("Safety and security staff")
    INVESTIGATOR = "investigator", _("Investigator")
    AGENCY_LIAISON = "agency_liaison", _("Agency liaison")
    BOARD_MEMBER = "board_member", _("Board member")


# Roles whose membership names the schools it covers.
SCHOOL_SCOPED_ROLES = frozenset({Role.PRINCIPAL, Role.SCHOOL_STAFF, Role.SAFETY_STAFF})
