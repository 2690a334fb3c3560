"""Figures computed from a district's records, cached until those records change.

Each app declares from its `ready()` which of its models feed figures and how a record of each
reaches its district (`app_feeds_figures`); every write to one of them (through `save()`,
`delete()` or a many-to-many change) marks its district's data as changed. Code that writes
without signals (`bulk_create`, `QuerySet.update()`, COPY) must also save a signalled record in
the same transaction, as the CSV import does with its batch record, or call `data_changed()`
itself. A cached value's key holds its audience's identity (a reader's `Scope.cache_identity()`,
or the public of one district), the district's data version, the global version (bumped when a
write cannot be traced to one district), today's local date and the active language, so another
reader, a change, a new day or another language never serves an old value. Entries also expire
after `timeout` seconds, for figures that depend on the clock within a day (a deadline passing).

Several app servers must share the cache (`CACHE_URL=dbcache://…` or Redis) for a change seen by
one to reach the others; with the per-process default a server may show a figure up to `timeout`
seconds old.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.apps import AppConfig
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from srp.registry import registry

if TYPE_CHECKING:
    from srp.models import District

T = TypeVar("T")

GLOBAL = "all"
DEFAULT_TIMEOUT = 300


# Who a cached value is for ----------------------------------------------------------------------
class Audience(Protocol):
    """Whoever may be served a cached value: a reader's `srp.scope.Scope`, or the public."""

    @property
    def district_id(self) -> int | None: ...

    def cache_identity(self) -> tuple[Any, ...]: ...


@dataclass(frozen=True)
class PublicAudience:
    """Anyone at all, on a district's public pages: one value per district, never per reader."""

    district_id: int

    def cache_identity(self) -> tuple[Any, ...]:
        return ("public", self.district_id)


def public(district: District | int) -> PublicAudience:
    """The audience of a district's public pages (the roster of the complaint form, a report)."""
    return PublicAudience(district if isinstance(district, int) else district.pk)


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


def cache_key(name: str, audience: Audience, key: Iterable[Any] = (), topic: str = DATA) -> str:
    district_id = audience.district_id
    district_version, global_version = data_versions(district_id, topic)
    raw = repr(
        (
            name,
            topic,
            audience.cache_identity(),
            district_version,
            global_version,
            timezone.localdate().isoformat(),
            translation.get_language(),
            tuple(key),
        )
    )
    return f"srp:figures:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def cached_figures(
    name: str,
    audience: Audience,
    compute: Callable[[], T],
    *,
    key: Iterable[Any] = (),
    timeout: int = DEFAULT_TIMEOUT,
    topic: str = DATA,
) -> T:
    """`compute()`'s result for this audience, data version, day, language and `key`.

    The audience is who may be served the value: a reader's scope, whose `cache_identity()`
    names everything that narrows what that reader may see, or `public(district)`. Two readers
    with different identities never share a value. `key` names the rest of what the value
    depends on (a year, a page's query), never who is asking. `name` must be a surface declared
    with `registry.add_cached_surface` (the reader matrix test renders each one for each pair of
    personas). The value must pickle.
    """
    surface = registry.cached_surfaces.get(name)
    if surface is None:
        raise ImproperlyConfigured(
            f"{name!r} is not a cached surface: declare it with registry.add_cached_surface()."
        )
    if surface.public != isinstance(audience, PublicAudience):
        raise ImproperlyConfigured(
            f"{name!r} is kept for "
            + ("the public: pass public(district)" if surface.public else "a reader: pass a scope")
        )
    cache_key_ = cache_key(name, audience, key, topic)
    value = cache.get(cache_key_)
    if value is None:
        value = compute()
        cache.set(cache_key_, value, timeout)
    return value


# Tracing a write to its district ---------------------------------------------------------------
# Each app declares, from its `ready()`, which of its models feed figures and how a record of
# each reaches its district (`feeds_figures`); writes to any other model change nothing.
DistrictOf = Callable[[models.Model], "int | None"]
_watched: dict[str, DistrictOf] = {}
# The attribute path of each model declared with one (for queries: `srp.history`'s audit export).
_district_paths: dict[str, str] = {}


def district_paths() -> dict[str, str]:
    """`app_label.model` -> the attribute path from a record to its district's id."""
    return dict(_district_paths)


def _path_resolver(path: str) -> DistrictOf:
    """A record's district id found by following `path` ("call.school.district_id")."""
    steps = path.split(".")

    def resolve(instance: models.Model) -> int | None:
        value: Any = instance
        for step in steps:
            try:
                value = getattr(value, step)
            except ObjectDoesNotExist:
                return None
            if value is None:
                return None
        return value

    return resolve


def feeds_figures(model: type[models.Model], *, district: str | DistrictOf) -> None:
    """Declare that writes to `model` change the figures of the district its record belongs to.

    `district` is the attribute path from a record to its district's id (`"district_id"`,
    `"call.school.district_id"`) or a function of the record; it returns None for a record of no
    district, whose write makes every district's figures stale.
    """
    resolver = _path_resolver(district) if isinstance(district, str) else district
    label = model._meta.label_lower
    if isinstance(district, str):
        _district_paths[label] = district
    _watched[label] = resolver
    post_save.connect(_on_write, sender=model, dispatch_uid=f"srp-cache-{label}")
    post_delete.connect(_on_write, sender=model, dispatch_uid=f"srp-cache-d-{label}")


def app_feeds_figures(
    app_config: AppConfig,
    *,
    ignore: Iterable[str] = (),
    district_paths: Mapping[str, str | DistrictOf] | None = None,
) -> None:
    """Declare every model of an app (but its history tables and those named in `ignore`) as
    feeding figures. A model with a `district` foreign key reaches its district through it; any
    other must be given a path in `district_paths` (by model name), so that a new model never
    silently feeds no district."""
    ignored = {name.lower() for name in ignore}
    paths = {name.lower(): path for name, path in (district_paths or {}).items()}
    for model in app_config.get_models():
        name = model._meta.model_name or ""
        if name in ignored or name.startswith("historical"):
            continue
        path = paths.get(name)
        if path is None:
            field_names = {f.name for f in model._meta.concrete_fields}
            if name == "district":
                path = "pk"
            elif "district" in field_names:
                path = "district_id"
            else:
                raise ImproperlyConfigured(
                    f"{model._meta.label}: name how its records reach their district "
                    "(district_paths) or ignore it."
                )
        feeds_figures(model, district=path)


def district_of(instance: models.Model) -> int | None:
    """The district a record of a model that feeds figures belongs to; None if unknown."""
    resolver = _watched.get(instance._meta.label_lower)
    return resolver(instance) if resolver is not None else None


def _changed(instance: models.Model) -> None:
    district_id = district_of(instance)
    data_changed(district_id)
    label = instance._meta.label_lower
    for topic, labels in _topics.items():
        if label in labels:
            data_changed(district_id, topic)


def _on_write(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not kwargs.get("raw") and sender._meta.label_lower in _watched:
        _changed(instance)


def _on_m2m(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and instance._meta.label_lower in _watched:
        _changed(instance)


def connect_signals() -> None:
    """Called from `SrpConfig.ready()`: many-to-many changes of the declared models, and the
    versions remembered for one request."""
    m2m_changed.connect(_on_m2m, dispatch_uid="srp-cache-m2m")
    request_started.connect(_request_started, dispatch_uid="srp-cache-request-started")
    request_finished.connect(_request_finished, dispatch_uid="srp-cache-request-finished")
