"""What is waiting for whom (issue #14 item 5): notices in the app, and who wants them by email.

A notice is never deleted: it is marked done (by its recipient, or when the thing it asks for
is done, as when a complaint gets its investigator). Its `dedupe_key` is unique per recipient,
so a reminder run twice or a retried request never notifies anyone twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from notifications.kinds import KINDS, kind_choices
from srp.models import District, OutboundEmail, User


class NotificationQuerySet(models.QuerySet["Notification"]):
    def waiting(self) -> NotificationQuerySet:
        return self.filter(done_at__isnull=True)

    def for_reader(self, user: User, district: District) -> NotificationQuerySet:
        """The reader's own notices in the active district: nobody else's, ever."""
        return self.filter(recipient=user, district=district)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=40, choices=kind_choices())
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The record it is about ("complaints.complaint", 12): decides whether its link is shown.
    object_model = models.CharField(max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    email = models.ForeignKey(
        OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            ),
            models.CheckConstraint(condition=~Q(dedupe_key=""), name="notification_has_dedupe_key"),
        ]
        indexes = [
            # The navbar's count and the list: a reader's open notices in a district.
            models.Index(
                fields=["recipient", "district", "done_at"], name="notification_waiting_idx"
            ),
            models.Index(fields=["object_model", "object_id"], name="notification_object_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class NotificationPreference(models.Model):
    """A person's choices in one district: which kinds they do not want by email (every kind is
    emailed by default) and the language of their emails (one the district offers)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language of my emails"), max_length=12, default="en")
    email_off = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district"], name="notification_preference_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.district_id})"

    def wants_email(self, kind: str) -> bool:
        return kind not in (self.email_off or [])
