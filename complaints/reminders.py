"""Daily reminders to investigators about complaints overdue or due soon (`send_reminders`)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ReminderSent, Status
from srp.outbox import email_queue

DUE_SOON_DAYS = 3


def run(*, now: datetime.datetime | None = None) -> int:
    """Queue one email per investigator per district per day; returns how many were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        Complaint.objects.due_within(DUE_SOON_DAYS, today)
        .filter(investigator__isnull=False)
        .exclude(investigator__email="")
        .select_related("investigator", "school", "district")
        .order_by("respond_due", "pk")
    )
    groups: dict[tuple[int, int], list[Complaint]] = defaultdict(list)
    for complaint in due:
        groups[(complaint.investigator_id, complaint.district_id)].append(complaint)
    queued = 0
    for (user_id, district_id), found in groups.items():
        # an investigator who became a complaint's subject after being assigned (their
        # account linked to the roster entry, an allegation naming them) is not reminded of it.
        investigator = found[0].investigator
        allowed = set(
            Complaint.objects.filter(pk__in=[c.pk for c in found])
            .not_about(investigator)
            .values_list("pk", flat=True)
        )
        complaints = [c for c in found if c.pk in allowed]
        if not complaints:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    user_id=user_id, district_id=district_id, on=today, complaints=len(complaints)
                )
                items = []
                for c in complaints:
                    acknowledging = (
                        c.status == Status.RECEIVED and c.acknowledge_due < c.respond_due
                    )
                    due_on = c.acknowledge_due if acknowledging else c.respond_due
                    items.append(
                        {
                            "complaint": c,
                            "due": due_on,
                            "what": _("acknowledge by") if acknowledging else _("respond by"),
                            "overdue": due_on < today,
                            "url": settings.SITE_URL + reverse("complaints:detail", args=[c.pk]),
                        }
                    )
                email_queue(
                    to=[complaints[0].investigator.email],
                    template="complaints/email/reminder",
                    district=complaints[0].district,
                    context={"items": items},
                    language="en",
                )
                queued += 1
        except IntegrityError:
            continue  # already reminded today
    return queued
