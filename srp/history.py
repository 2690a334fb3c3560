"""One timeline per record (SPEC R-23): who changed what, and when, for a record and the records
that belong to it (a call's students, a complaint's allegations, an agreement's elements …).

Apps declare the children of a parent model in their `AppConfig.ready()` with
`registry.add_history_children("incidents.call", lambda call: [(call.students.all(),
_("Student"))])`; the history page of a call then shows its students' changes next to its own,
each value as a reader sees it on the form (a choice's label, a related record's name, Yes/No).

Services record who did a step with `as_done_by(obj, by, reason)` before saving: simple-history
stores `by` as the historical record's user whether or not the write comes from a request.
"""

from __future__ import annotations

import datetime
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from srp.csv_export import csv_response, csv_rows
from srp.http import AuthenticatedHttpRequest
from srp.registry import registry

if TYPE_CHECKING:
    from srp.models import District, User

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
# Secrets and bookkeeping that no reader needs in a record's history.
HIDDEN_FIELDS = {"password", "token_hash", "status_token", "last_login"}
EMPTY = "—"
CSV_HEADER = (
    _("When"),
    _("Who"),
    _("Record type"),
    _("Record"),
    _("Record id"),
    _("Action"),
    _("Field"),
    _("Old value"),
    _("New value"),
    _("Reason"),
)


def as_done_by(obj: models.Model, by: User | None, reason: str = "") -> models.Model:
    """Name who does the step about to be saved, and why: the one way services record it.

    simple-history stores `by` as the historical record's `history_user` (also for writes made
    outside a request: commands, the outbox, imports) and `reason` as its change reason.
    """
    obj._history_user = by  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]
    return obj


@dataclass
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: Any
    action: str
    reason: str
    changes: list[Change]
    # Which record: empty for the page's own record, "Student 2" for one of its children.
    record: str = ""
    record_type: str = ""
    record_id: Any = None
    sort_key: tuple[Any, ...] = field(default=(), repr=False)


def _tracked_fields(history_model: type[models.Model]) -> list[models.Field]:
    tracked = getattr(history_model, "tracked_fields", [])
    return [
        f
        for f in tracked
        if f.name not in HIDDEN_FIELDS
        and not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


class _Labels:
    """Turns stored values into what a reader sees, fetching related records' names in one
    query per related model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], Any], str] = {}

    def want(self, f: models.Field, value: Any) -> None:
        if f.is_relation and f.many_to_one and value is not None:
            self.wanted[f.related_model].add(value)  # type: ignore[index]

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            missing = [pk for pk in pks if (model, pk) not in self.names]
            if not missing:
                continue
            for obj in model._base_manager.filter(pk__in=missing):
                self.names[(model, obj.pk)] = str(obj)
        self.wanted.clear()

    def show(self, f: models.Field, value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        if f.is_relation and f.many_to_one:
            return self.names.get((f.related_model, value), f"#{value}")  # type: ignore[arg-type]
        if f.choices:
            choices = dict(f.flatchoices)
            if value in choices:
                return str(choices[value])
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
        if isinstance(value, datetime.date):
            return formats.date_format(value, "Y-m-d")
        if isinstance(value, list | tuple | set):
            return ", ".join(str(v) for v in value) or EMPTY
        return str(value)


def _field_label(f: models.Field) -> str:
    return str(capfirst(getattr(f, "verbose_name", f.name)))


def _entries_for(
    records: Iterable[Any],
    *,
    record_label: Any = "",
    record_type: str = "",
    labels: _Labels,
    previous: dict[Any, Any] | None = None,
) -> list[HistoryEntry]:
    """Entries for historical records of one model (any order), each against the instance's
    previous record; `record_label` "Student" numbers the instances in order of creation."""
    by_instance: dict[Any, list[Any]] = defaultdict(list)
    for record in records:
        by_instance[getattr(record, record.instance_type._meta.pk.attname)].append(record)
    if not by_instance:
        return []
    fields = _tracked_fields(type(next(iter(by_instance.values()))[0]))
    ordinals = {pk: n for n, pk in enumerate(sorted(by_instance, key=_sortable), start=1)}
    pending: list[tuple[Any, Any, list[tuple[models.Field, Any, Any]]]] = []
    for pk, versions in by_instance.items():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        before = (previous or {}).get(pk)
        for record in versions:
            changed: list[tuple[models.Field, Any, Any]] = []
            if before is not None and record.history_type == "~":
                for f in fields:
                    old, new = getattr(before, f.attname, None), getattr(record, f.attname, None)
                    if old != new:
                        labels.want(f, old)
                        labels.want(f, new)
                        changed.append((f, old, new))
            pending.append((pk, record, changed))
            before = record
    labels.fetch()
    entries = []
    for pk, record, changed in pending:
        if record_label:
            name = f"{record_label} {ordinals[pk]}"
        else:
            name = ""
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=str(HISTORY_TYPES.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=[
                    Change(_field_label(f), labels.show(f, old), labels.show(f, new))
                    for f, old, new in changed
                ],
                record=name,
                record_type=record_type,
                record_id=pk,
                sort_key=(record.history_date, record.history_id),
            )
        )
    return entries


def _sortable(pk: Any) -> tuple[int, str]:
    return (0, f"{pk:020d}") if isinstance(pk, int) else (1, str(pk))


def _history_queryset(children: Any) -> models.QuerySet:
    """The historical records of the children: a queryset of historical records is taken as
    it is (it keeps the deleted ones); a queryset of the children is mapped to theirs."""
    model = children.model
    if hasattr(model, "instance_type"):
        return children
    history = model.history  # added by simple-history
    return history.filter(id__in=children.values("pk"))


def timeline(obj: models.Model, *, limit: int = 2000) -> list[HistoryEntry]:
    """The record's history and its registered children's, newest first."""
    labels = _Labels()
    own = list(
        getattr(obj, "history")  # noqa: B009 - added by simple-history, unknown to the types
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    entries = _entries_for(own, record_type=str(capfirst(obj._meta.verbose_name)), labels=labels)
    for children in registry.history_children.get(obj._meta.label_lower, []):
        for queryset, label in children(obj):
            records = _history_queryset(queryset).select_related("history_user")
            records = records.order_by("-history_date", "-history_id")[:limit]
            model = records.model.instance_type
            entries += _entries_for(
                records,
                record_label=label,
                record_type=str(capfirst(model._meta.verbose_name)),
                labels=labels,
            )
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries[:limit]


def _raw_label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except Exception:  # noqa: BLE001 - history-only fields have no label
        return name


def history_entries(obj: models.Model, *, limit: int = 500) -> list[HistoryEntry]:
    """The record's own history, newest first, with the stored values (codes, ids, dates) of
    the fields that changed: for code and tests; pages show `timeline`, in labels."""
    records = list(
        getattr(obj, "history")  # noqa: B009 - added by simple-history, unknown to the types
        .select_related("history_user")
        .order_by("-history_date", "-pk")[: limit + 1]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[Change] = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                if change.field not in HIDDEN_FIELDS:
                    label = _raw_label(type(obj), change.field)
                    changes.append(Change(label, change.old, change.new))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=str(HISTORY_TYPES.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _who(user: Any) -> str:
    if user is None:
        return gettext("system")
    return str(user)


def entry_rows(entries: Iterable[HistoryEntry]) -> Iterator[list[Any]]:
    """CSV rows: one per changed field, one for an entry without field changes."""
    for entry in entries:
        when = timezone.localtime(entry.when).strftime("%Y-%m-%d %H:%M:%S")
        base = [when, _who(entry.who), entry.record_type, entry.record, entry.record_id]
        if not entry.changes:
            yield [*base, entry.action, "", "", "", entry.reason]
        for change in entry.changes:
            yield [*base, entry.action, change.field, change.old, change.new, entry.reason]


def render_history(
    request: AuthenticatedHttpRequest, obj: models.Model, *, back_url: str, title: str | None = None
) -> HttpResponse:
    """Render the history page (with `?format=csv` its CSV export, for the program
    administrator); the caller has already checked the user may see `obj`."""
    from django.core.exceptions import PermissionDenied

    from srp.disclosure import disclosure_record

    entries = timeline(obj)
    can_export = request.scope.is_program_admin
    if request.GET.get("format") == "csv":
        if not can_export:
            raise PermissionDenied
        rows = list(entry_rows(entries))
        disclosure_record(
            request, what=gettext("History"), obj=obj, rows=len(rows), action="exported"
        )
        response = HttpResponse(
            "".join(csv_rows([str(h) for h in CSV_HEADER], rows)),
            content_type="text/csv; charset=utf-8",
        )
        name = f"history-{obj._meta.model_name}-{obj.pk}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "srp/history.html",
        {
            "object": obj,
            "title": title or str(obj),
            "entries": entries,
            "back_url": back_url,
            "can_export": can_export,
            "has_children": bool(registry.history_children.get(obj._meta.label_lower)),
        },
    )


# The district's audit history for a period (for an auditor) ----------------------------------


@dataclass(frozen=True)
class AuditedModel:
    label: str  # app_label.model
    name: str  # verbose name
    district_lookup: str  # lookup on the historical model reaching the district id


def audited_models() -> list[AuditedModel]:
    """Every model with history whose records reach their district by a path (`srp.cache`)."""
    from srp.cache import district_paths

    found = []
    for label, path in district_paths().items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if not hasattr(model, "history"):
            continue
        lookup = "id" if path == "pk" else path.replace(".", "__")
        if lookup.endswith("__district_id") or lookup == "district_id" or lookup == "id":
            found.append(AuditedModel(label, str(capfirst(model._meta.verbose_name)), lookup))
    return sorted(found, key=lambda m: m.name)


def period_rows(
    district: District,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    labels: Iterable[str] | None = None,
) -> Iterator[list[Any]]:
    """CSV rows of every change in the district between `start` and `end`, oldest first."""
    wanted = set(labels) if labels else None
    streams = []
    for audited in audited_models():
        if wanted is not None and audited.label not in wanted:
            continue
        streams.append(_model_period_entries(audited, district, start, end))
    merged = heapq.merge(*streams, key=lambda e: e.sort_key)
    return entry_rows(merged)


def _model_period_entries(
    audited: AuditedModel, district: District, start: datetime.datetime, end: datetime.datetime
) -> Iterator[HistoryEntry]:
    model = apps.get_model(audited.label)
    history = model.history
    scoped = history.filter(**{audited.district_lookup: district.pk})
    in_period = scoped.filter(history_date__gte=start, history_date__lt=end)
    records = list(in_period.order_by("history_date", "history_id").select_related("history_user"))
    previous = {}
    if records:
        # Each instance's last record before the period, to diff its first change against.
        latest = (
            history.filter(id=OuterRef("id"), history_date__lt=start)
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        earlier = history.filter(
            id__in=in_period.values("id"), history_date__lt=start, history_id=Subquery(latest)
        )
        previous = {record.id: record for record in earlier}
    labels = _Labels()
    entries = _entries_for(records, record_type=audited.name, labels=labels, previous=previous)
    entries.sort(key=lambda e: e.sort_key)
    yield from entries


def period_response(
    district: District,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    labels: Iterable[str] | None = None,
    filename: str,
) -> StreamingHttpResponse:
    return csv_response(
        filename,
        [str(h) for h in CSV_HEADER],
        period_rows(district, start=start, end=end, labels=labels),
    )
