"""Optional TOTP second factor for staff accounts (SPEC R-24), with django-otp."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from srp.models import Membership
from srp.roles import Role

if TYPE_CHECKING:
    from srp.models import User


def second_factor_step(user: User) -> str | None:
    """What a signed-in user must do before going on: "verify", "setup", or None.

    One query for most requests (does the user have a confirmed device?); the district rule is
    only read for users without one.
    """
    if user_has_device(user, confirmed=True):
        return None if user.is_verified() else "verify"
    return "setup" if second_factor_required(user) else None


def second_factor_required(user: User) -> bool:
    """A district that requires a second factor for program administrators applies it here."""
    return Membership.objects.filter(
        user=user,
        active=True,
        role=Role.PROGRAM_ADMIN,
        district__require_totp_for_admins=True,
    ).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
