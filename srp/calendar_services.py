"""Changes to a school year's calendar: add, correct, withdraw (never delete) a day off."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from srp.closing import require_reason_if_closed
from srp.history import as_done_by
from srp.models import NonInstructionalDay, User
from srp.services import SrpError


def day_save(*, day: NonInstructionalDay, by: User, reason: str = "") -> NonInstructionalDay:
    """Save a new or corrected entry (already validated by its form). A correction needs a
    reason, as does any change to a closed year; the reason is kept in the entry's history."""
    reason = (reason or "").strip()
    with transaction.atomic():
        if day.pk is not None:
            current = NonInstructionalDay.objects.select_for_update().get(pk=day.pk)
            if current.is_withdrawn:
                raise SrpError(_("This entry was withdrawn; add the days again instead."))
            if not reason:
                raise SrpError(_("Say why the entry is corrected."), field="reason")
        reason = require_reason_if_closed(
            school_year=day.school_year, reason=reason, error=SrpError
        )
        if day.kind == NonInstructionalDay.Kind.HOLIDAY:
            day.office_closed = True
        as_done_by(day, by, reason).save()
    return day


def day_withdraw(*, day: NonInstructionalDay, by: User, reason: str) -> NonInstructionalDay:
    """Withdraw an entry made in error: it stays, struck through, and counts for nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise SrpError(_("Say why the entry is withdrawn."), field="reason")
    with transaction.atomic():
        current = NonInstructionalDay.objects.select_for_update().get(pk=day.pk)
        if current.is_withdrawn:
            raise SrpError(_("This entry is already withdrawn."))
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = by
        current.withdraw_reason = reason
        as_done_by(current, by, reason).save()
    return current
