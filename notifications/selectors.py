"""Reads of notices: only ever the reader's own, in the active district."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import F

from notifications.kinds import link_check
from notifications.models import Notification, NotificationPreference
from notifications.services import WAITING_CACHE_SECONDS, waiting_cache_key

if TYPE_CHECKING:
    from notifications.models import NotificationQuerySet
    from srp.scope import Scope


def notifications_for_scope(scope: Scope) -> NotificationQuerySet:
    """The reader's own notices in the active district, open ones first, newest first."""
    if scope.user is None or scope.district is None:
        return Notification.objects.none()
    return Notification.objects.for_reader(scope.user, scope.district).order_by(
        F("done_at").desc(nulls_first=True), "-created_at", "-pk"
    )


def get_notification_for_scope(scope: Scope, pk: int) -> Notification | None:
    """The reader's notice `pk`, or None (someone else's is as absent as one that never was)."""
    return notifications_for_scope(scope).filter(pk=pk).first()


def waiting_count(scope: Scope) -> int | None:
    """How many of the reader's notices are open in the active district, as last counted (when
    a notice of theirs was created or marked, or they opened their list), or None when not known:
    the navbar shows it without a query of its own. Kept for this reader only."""
    if scope.user is None or scope.district is None:
        return None
    count = cache.get(waiting_cache_key(scope.user.pk, scope.district.pk))
    return None if count is None else int(count)


def remember_waiting(scope: Scope, count: int) -> None:
    """The reader's open count, just counted on their list."""
    if scope.user is not None and scope.district is not None:
        cache.set(waiting_cache_key(scope.user.pk, scope.district.pk), count, WAITING_CACHE_SECONDS)


def openable_links(scope: Scope, notifications: list[Notification]) -> set[int]:
    """The ids of the notices whose link this reader may follow now: each record is checked by
    the rule of the app it belongs to (one query per kind of record on the page); a notice
    about no record, or about a record no app vouches for, shows no link."""
    by_model: dict[str, set[int]] = defaultdict(set)
    for n in notifications:
        if n.url and n.object_model and n.object_id is not None:
            by_model[n.object_model].add(n.object_id)
    allowed: dict[str, set[int]] = {}
    for model, ids in by_model.items():
        check = link_check(model)
        allowed[model] = check(scope, ids) if check is not None else set()
    return {
        n.pk
        for n in notifications
        if n.url and n.object_id is not None and n.object_id in allowed.get(n.object_model, set())
    }


def preference_for(scope: Scope) -> NotificationPreference | None:
    if scope.user is None or scope.district is None:
        return None
    return NotificationPreference.objects.filter(user=scope.user, district=scope.district).first()
