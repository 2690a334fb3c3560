"""The reusable "history" page (SPEC R-23): who changed what, and when, for one record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from srp.http import AuthenticatedHttpRequest

HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
HIDDEN_FIELDS = {"password", "token_hash", "status_token"}


@dataclass
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    action: str
    reason: str
    changes: list[Change]


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except Exception:  # noqa: BLE001 - history-only fields have no label
        return name


def history_entries(obj: models.Model, *, limit: int = 500) -> list[HistoryEntry]:
    """The record's history, newest first, each with the fields that changed."""
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
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                changes.append(Change(_label(type(obj), change.field), change.old, change.new))
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


def render_history(
    request: AuthenticatedHttpRequest, obj: models.Model, *, back_url: str, title: str | None = None
) -> HttpResponse:
    """Render the history page; the caller has already checked the user may see `obj`."""
    return render(
        request,
        "srp/history.html",
        {
            "object": obj,
            "title": title or str(obj),
            "entries": history_entries(obj),
            "back_url": back_url,
        },
    )
