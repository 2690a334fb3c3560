"""Optional TOTP second factor for staff accounts (SPEC R-24), with django-otp."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
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
    if confirmed_device(user) is not None:
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


# Backup codes: ten one-time codes for a lost phone, kept as django-otp static tokens. ----------
BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup codes"


def backup_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME).first()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME).count()


@transaction.atomic
def issue_backup_codes(user: User) -> list[str]:
    """A new set of codes, shown once; the codes of any earlier set stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def use_backup_code(user: User, code: str) -> tuple[StaticDevice | None, str]:
    """Spend one backup code: (the device to sign in with, "") or (None, why not).

    The code is removed by a single DELETE whose row count decides, so two requests racing
    with the same code cannot both succeed. django-otp's back-off slows a guesser down.
    """
    device = backup_device(user)
    if device is None:
        return None, "none"
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return None, "throttled"
    normalised = "".join(code.split()).lower()
    removed, _by_model = StaticToken.objects.filter(device=device, token=normalised).delete()
    if not removed:
        device.throttle_increment()
        return None, "wrong"
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return device, ""


def remove_second_factor(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
