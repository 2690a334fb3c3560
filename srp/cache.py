"""Figures computed from a district's records, cached until those records change.

Every write to a model of the project's apps (through `save()`, `delete()` or a many-to-many
change) marks its district's data as changed. Code that writes without signals (`bulk_create`,
`QuerySet.update()`, COPY) must also save a signalled record in the same transaction, as the CSV
import does with its batch record, or call `data_changed()` itself. A cached value's key
holds the district's data version, the global version (bumped when a write cannot be traced to one
district), today's local date and the active language, so a change, a new day or another language
never serves an old value. Entries also expire after `timeout` seconds, for figures that depend on
the clock within a day (a deadline passing).

Several app servers must share the cache (`CACHE_URL=dbcache://…` or Redis) for a change seen by
one to reach the others; with the per-process default a server may show a figure up to `timeout`
seconds old.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

T = TypeVar("T")

GLOBAL = "all"
DEFAULT_TIMEOUT = 300
# Apps whose records feed cached figures.
WATCHED_APPS = ("srp", "agreements", "complaints", "incidents", "notices", "reports")
# Models whose writes never change a figure: the mail outbox, sign-ins (`last_login`), the log
# of who opened a complaint, reminder bookkeeping and archive files being built.
IGNORED_MODELS = {
    "srp.outboundemail",
    "srp.outboundemailattachment",
    "srp.user",
    "complaints.accesslog",
    "complaints.remindersent",
    "agreements.reviewreminder",
    "notices.latenoticereminder",
    "notices.noticearchive",
    "notices.noticearchivepart",
}


# Figures that depend on a few models only (the public roster: schools, years, staff) may be
# cached under a narrower topic, changed only by writes to those models, so that the district's
# other writes (a complaint filed every second) leave them. Every write changes DATA.
DATA = "data"
_topics: dict[str, frozenset[str]] = {}


def watch_topic(topic: str, watched: Iterable[type[models.Model]]) -> None:
    """Declare a topic changed by writes to `watched` models only (call from `ready()`)."""
    _topics[topic] = frozenset(model._meta.label_lower for model in watched)


def _version_key(district_id: int | str, topic: str = DATA) -> str:
    return f"srp:{topic}-version:{district_id}"


# Within one request the versions are read from the cache once (a query with the database
# cache) and remembered; a write during the request updates what is remembered.
_request = threading.local()


def _remembered() -> dict[str, str] | None:
    return getattr(_request, "versions", None)


def _request_started(**kwargs: Any) -> None:
    _request.versions = {}
    _request.bumped = set()


def _request_finished(**kwargs: Any) -> None:
    _request.versions = None
    _request.bumped = None


def data_versions(district_id: int | None, topic: str = DATA) -> tuple[str, str]:
    """The (district, global) versions of a topic, creating either when the cache has none."""
    keys = [
        _version_key(district_id if district_id is not None else GLOBAL, topic),
        _version_key(GLOBAL, topic),
    ]
    remembered = _remembered()
    if remembered is not None and all(key in remembered for key in keys):
        return remembered[keys[0]], remembered[keys[1]]
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            version = cache.get(key) or ""
        versions.append(version)
        if remembered is not None:
            remembered[key] = version
    return versions[0], versions[1]


def data_changed(district_id: int | None = None, topic: str = DATA) -> None:
    """Mark a district's figures (or, with None, every district's) of a topic as stale.

    The version changes now, so this request sees its own write, and again when the transaction
    commits, so that a value another request computed from the old rows in between is not kept.
    A request that writes several rows in one transaction changes the version once now and once
    on commit, not twice per row (each change is a cache write, a query with the database cache).
    """
    key = _version_key(district_id if district_id is not None else GLOBAL, topic)

    def bump() -> None:
        version = uuid.uuid4().hex
        cache.set(key, version, timeout=None)
        remembered = _remembered()
        if remembered is not None:
            remembered[key] = version

    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        bump()
        return
    bumped = getattr(_request, "bumped", None)
    if bumped is not None and key in bumped and _bump_pending(connection, key):
        return
    bump()
    bump.srp_version_key = key  # type: ignore[attr-defined]
    transaction.on_commit(bump)
    if bumped is not None:
        bumped.add(key)


def _bump_pending(connection: Any, key: str) -> bool:
    """Whether this transaction will change `key` on commit (a rolled-back savepoint drops it)."""
    return any(
        getattr(entry[1], "srp_version_key", None) == key for entry in connection.run_on_commit
    )


def cache_key(
    name: str, district_id: int | None, parts: Iterable[Any] = (), topic: str = DATA
) -> str:
    district_version, global_version = data_versions(district_id, topic)
    raw = repr(
        (
            name,
            topic,
            district_id,
            district_version,
            global_version,
            timezone.localdate().isoformat(),
            translation.get_language(),
            tuple(parts),
        )
    )
    return f"srp:figures:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def cached_figures(
    name: str,
    district_id: int | None,
    compute: Callable[[], T],
    *,
    parts: Iterable[Any] = (),
    timeout: int = DEFAULT_TIMEOUT,
    topic: str = DATA,
) -> T:
    """`compute()`'s result for this district, data version, day, language and `parts`.

    `parts` names everything else the result depends on (the user's schools, a year): two
    requests with equal parts must be allowed to see the same value. The value must pickle.
    """
    key = cache_key(name, district_id, parts, topic)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


# Tracing a write to its district ---------------------------------------------------------------
def district_of(instance: models.Model) -> int | None:
    """The district an instance belongs to, following at most two foreign keys; None if unknown."""
    if instance._meta.model_name == "district":
        return instance.pk
    seen: set[int] = set()
    frontier = [instance]
    for _depth in range(3):
        following = []
        for obj in frontier:
            district_id = getattr(obj, "district_id", None)
            if district_id is not None:
                return district_id
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            for field in obj._meta.concrete_fields:
                if not field.many_to_one or field.related_model is None:
                    continue
                if field.related_model._meta.app_label not in WATCHED_APPS:
                    continue
                if getattr(obj, field.attname, None) is None:
                    continue
                try:
                    following.append(getattr(obj, field.name))
                except field.related_model.DoesNotExist:
                    continue
        frontier = following
    return None


def _watched(sender: type[models.Model]) -> bool:
    meta = sender._meta
    return (
        meta.app_label in WATCHED_APPS
        and meta.label_lower not in IGNORED_MODELS
        and not meta.model_name.startswith("historical")
    )


def _changed(instance: models.Model) -> None:
    district_id = district_of(instance)
    data_changed(district_id)
    label = instance._meta.label_lower
    for topic, labels in _topics.items():
        if label in labels:
            data_changed(district_id, topic)


def _on_write(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not kwargs.get("raw") and _watched(sender):
        _changed(instance)


def _on_m2m(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and _watched(type(instance)):
        _changed(instance)


def connect_signals() -> None:
    """Called from `SrpConfig.ready()`: watch every model of the project's apps."""
    for app_label in WATCHED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if not _watched(model):
                continue
            post_save.connect(_on_write, sender=model, dispatch_uid=f"srp-cache-{model._meta}")
            post_delete.connect(_on_write, sender=model, dispatch_uid=f"srp-cache-d-{model._meta}")
    m2m_changed.connect(_on_m2m, dispatch_uid="srp-cache-m2m")
    request_started.connect(_request_started, dispatch_uid="srp-cache-request-started")
    request_finished.connect(_request_finished, dispatch_uid="srp-cache-request-finished")
