"""Writes of notices: `notify` (in-app, and email through the outbox), marking done, the
preferences.

Callers pass the recipients already chosen by their own rules: for a complaint, never a person
it is about (`ComplaintQuerySet.not_about`). Everything is written in the caller's transaction:
the notice and its email are kept exactly when the change that caused them is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation

from notifications.kinds import KINDS
from notifications.models import Notification, NotificationPreference
from srp.history import as_done_by
from srp.outbox import email_queue
from srp.rules import RuleError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from srp.models import District, User

EMAIL_TEMPLATE = "notifications/email/notice"
WAITING_CACHE_SECONDS = 300


class NotificationError(RuleError):
    """A notice step that is not allowed; the message is for the person who tried it."""


def waiting_cache_key(user_id: int, district_id: int) -> str:
    return f"notifications:waiting:{user_id}:{district_id}"


def _refresh_counts(pairs: Iterable[tuple[int, int]]) -> None:
    """After the commit: the navbar counts of these (user, district) pairs, counted again and
    kept for the navbar (which never queries; `notifications.selectors.waiting_count`)."""
    wanted = sorted(set(pairs))
    if not wanted:
        return

    def refresh() -> None:
        for user_id, district_id in wanted:
            count = Notification.objects.filter(
                recipient_id=user_id, district_id=district_id, done_at__isnull=True
            ).count()
            cache.set(waiting_cache_key(user_id, district_id), count, WAITING_CACHE_SECONDS)

    transaction.on_commit(refresh)


def object_ref(obj: models.Model | None) -> tuple[str, int | None]:
    if obj is None:
        return "", None
    return obj._meta.label_lower, obj.pk


def email_language(preference: NotificationPreference | None, district: District) -> str:
    """The recipient's chosen language when the district still offers it, else English."""
    if preference is None:
        return "en"
    offered = district.family_languages if isinstance(district.family_languages, list) else []
    return preference.language if preference.language in offered else "en"


def preferences_for(users: Iterable[User], district: District) -> dict[int, NotificationPreference]:
    ids = sorted({u.pk for u in users})
    if not ids:
        return {}
    return {
        p.user_id: p
        for p in NotificationPreference.objects.filter(district=district, user_id__in=ids)
    }


def _title(title: StrOrPromise, params: Mapping[str, Any] | None) -> str:
    text = str(title)
    return (text % dict(params)) if params else text


def notify(
    recipients: Iterable[User],
    kind: str,
    district: District,
    title: StrOrPromise,
    url: str = "",
    obj: models.Model | None = None,
    dedupe: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> list[Notification]:
    """A notice of `kind` for each recipient, and one email to each who wants it by email.

    `title` is a translatable string (`gettext_lazy`), with `params` for its placeholders: it
    is written in each recipient's email language, in the app and in the email alike. `url`
    is a path of this site (the link of the notice and its email). `dedupe` (default: the kind
    and `obj`) is unique per recipient: a recipient already notified under it is skipped, so a
    reminder run twice or a request retried notifies once. Inactive accounts are skipped.
    Returns the notices created.
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("A notice links to a path of this site")
    object_model, object_id = object_ref(obj)
    if dedupe is None:
        if obj is None:
            raise ValueError("A notice without a record needs a dedupe key")
        dedupe = f"{kind}:{object_model}:{object_id}"
    people: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.pk is not None and user.is_active:
            people.setdefault(user.pk, user)
    if not people:
        return []
    already = set(
        Notification.objects.filter(recipient_id__in=sorted(people), dedupe_key=dedupe).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [people[pk] for pk in sorted(people) if pk not in already]
    if not fresh:
        return []
    preferences = preferences_for(fresh, district)
    site = settings.SITE_URL.rstrip("/")
    settings_url = site + reverse("notifications:settings")
    created: list[Notification] = []
    with transaction.atomic():
        for user in fresh:
            preference = preferences.get(user.pk)
            language = email_language(preference, district)
            with translation.override(language):
                text = _title(title, params)[:300]
            notification = Notification(
                recipient=user,
                district=district,
                kind=kind,
                title=text,
                url=url,
                object_model=object_model,
                object_id=object_id,
                dedupe_key=dedupe,
            )
            try:
                with transaction.atomic():  # a savepoint: a concurrent twin loses quietly
                    notification.save()
            except IntegrityError:
                continue
            wants = preference.wants_email(kind) if preference is not None else True
            if wants and user.email:
                notification.email = email_queue(
                    to=[user.email],
                    template=EMAIL_TEMPLATE,
                    district=district,
                    language=language,
                    context={
                        "recipient": user,
                        "district": district,
                        "kind": spec,
                        "title": text,
                        "url": site + url if url else "",
                        "settings_url": settings_url,
                    },
                )
                notification.save(update_fields=["email"])
            created.append(notification)
    _refresh_counts((n.recipient_id, district.pk) for n in created)
    return created


def resolve(
    *, kinds: Iterable[str], obj: models.Model, except_recipients: Iterable[int] = ()
) -> int:
    """Mark done the open notices of these kinds about `obj` (what they asked for is done: the
    complaint has its investigator, the request its response). Returns how many."""
    object_model, object_id = object_ref(obj)
    open_ = (
        Notification.objects.waiting()
        .filter(kind__in=list(kinds), object_model=object_model, object_id=object_id)
        .exclude(recipient_id__in=list(except_recipients))
    )
    pairs = list(open_.values_list("recipient_id", "district_id"))
    count = open_.update(done_at=timezone.now())
    _refresh_counts(pairs)
    return count


def notification_mark_done(
    *, notification: Notification, by: User, done: bool = True
) -> Notification:
    """The recipient marks their notice done (or open again); nobody else may."""
    if notification.recipient_id != by.pk:
        raise NotificationError("This notice is someone else's.")
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        locked.done_at = timezone.now() if done else None
        if done and locked.read_at is None:
            locked.read_at = locked.done_at
        locked.save(update_fields=["done_at", "read_at"])
    _refresh_counts([(locked.recipient_id, locked.district_id)])
    return locked


def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    if notification.recipient_id != by.pk:
        raise NotificationError("This notice is someone else's.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def preferences_save(
    *, user: User, district: District, language: str, email_kinds: Iterable[str]
) -> NotificationPreference:
    """Save which kinds the person wants by email (the others: in the app only) and the
    language of their emails, one the district offers."""
    offered = district.family_languages if isinstance(district.family_languages, list) else []
    if language not in offered:
        raise NotificationError(
            translation.gettext("Choose one of the languages the district offers."),
            field="language",
        )
    wanted = set(email_kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise NotificationError(translation.gettext("Choose among the notices listed."))
    with transaction.atomic():
        preference = (
            NotificationPreference.objects.select_for_update()
            .filter(user=user, district=district)
            .first()
        ) or NotificationPreference(user=user, district=district)
        preference.language = language
        preference.email_off = [key for key in KINDS if key not in wanted]
        as_done_by(preference, user)
        preference.save()
    return preference
