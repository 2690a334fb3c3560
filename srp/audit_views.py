"""The program administrator's audit pages (issue #13): the district's audit history for a
period, exported as CSV for an auditor, and the disclosure log (who looked at what), listed and
exported, never edited."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from srp.csv_export import csv_response
from srp.date_bounds import DateBoundsMixin
from srp.disclosure import EXPORTED, disclosure_record
from srp.history import audited_models, period_response
from srp.http import AuthenticatedHttpRequest
from srp.models import DisclosureLog, User
from srp.roles import Role

PAGE_SIZE = 50


class PeriodForm(DateBoundsMixin, forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must not come before its start."))
        return data

    def bounds(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """The period as aware datetimes: [start 00:00, the day after end 00:00)."""
        tz = timezone.get_current_timezone()

        def at_midnight(day: datetime.date) -> datetime.datetime:
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        return (
            at_midnight(start) if start else None,
            at_midnight(end + datetime.timedelta(days=1)) if end else None,
        )


class AuditHistoryForm(PeriodForm):
    record_type = forms.ChoiceField(label=_("Record type"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["record_type"]).choices = [("", _("All records"))] + [
            (m.label, m.name) for m in audited_models()
        ]
        today = timezone.localdate()
        self.fields["start"].initial = today - datetime.timedelta(days=30)
        self.fields["end"].initial = today


class AccessLogForm(PeriodForm):
    user = forms.ChoiceField(label=_("Who"), required=False)
    record_type = forms.ChoiceField(label=_("Record type"), required=False)

    def __init__(self, *args: Any, users: list[User], record_types: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = [("", _("Everyone"))] + [
            (str(u.pk), u.get_full_name() or u.email) for u in users
        ]
        cast(forms.ChoiceField, self.fields["record_type"]).choices = [("", _("All records"))] + [
            (t, record_type_label(t)) for t in record_types
        ]


def record_type_label(record_type: str) -> str:
    """`incidents.call` -> "Call"; a report's key -> its name."""
    names = {
        "reports.internal": gettext("Internal report"),
        "reports.state": gettext("State package"),
        "reports.board_packet": gettext("Board packet (internal)"),
    }
    if record_type in names:
        return names[record_type]
    from django.apps import apps

    try:
        return str(apps.get_model(record_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return record_type


def audit_history(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The district's changes in a period, as CSV: who, when, record, field, old, new, reason."""
    district = request.scope.require(Role.PROGRAM_ADMIN)
    form = AuditHistoryForm(request.GET or None)
    if request.GET.get("format") == "csv" and form.is_valid():
        start, end = form.bounds()
        start = start or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
        end = end or timezone.now() + datetime.timedelta(days=1)
        record_type = form.cleaned_data.get("record_type")
        disclosure_record(
            request,
            what=gettext("Audit history %(start)s to %(end)s")
            % {
                "start": form.cleaned_data.get("start") or "…",
                "end": form.cleaned_data.get("end") or "…",
            },
            record_type="srp.audit_history",
            record_id=record_type or "",
            action=EXPORTED,
        )
        return period_response(
            district,
            start=start,
            end=end,
            labels=[record_type] if record_type else None,
            filename=f"audit-history-{district.code}-{timezone.localdate():%Y%m%d}.csv",
        )
    return render(request, "srp/history_audit.html", {"form": form})


def _access_log_rows(request: AuthenticatedHttpRequest) -> tuple[AccessLogForm, Any]:
    district = request.scope.require(Role.PROGRAM_ADMIN)
    log = DisclosureLog.objects.filter(district=district)
    users = list(User.objects.filter(pk__in=log.values("user")).order_by("last_name", "email"))
    record_types = list(
        log.order_by("record_type").values_list("record_type", flat=True).distinct()
    )
    form = AccessLogForm(request.GET or None, users=users, record_types=record_types)
    if form.is_valid():
        start, end = form.bounds()
        if start:
            log = log.filter(at__gte=start)
        if end:
            log = log.filter(at__lt=end)
        if form.cleaned_data.get("user"):
            log = log.filter(user_id=form.cleaned_data["user"])
        if form.cleaned_data.get("record_type"):
            log = log.filter(record_type=form.cleaned_data["record_type"])
    elif form.is_bound:
        log = log.none()
    return form, log.select_related("user").order_by("-at", "-pk")


def access_log(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Who looked at what in the district (the disclosure log), newest first; read-only."""
    form, log = _access_log_rows(request)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"access-log-{timezone.localdate():%Y%m%d}.csv",
            [
                gettext("When"),
                gettext("Who"),
                gettext("Email"),
                gettext("Action"),
                gettext("Record type"),
                gettext("Record id"),
                gettext("What"),
                gettext("Rows"),
                gettext("Address"),
            ],
            (
                [
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.user.get_full_name(),
                    e.user.email,
                    e.get_action_display(),
                    record_type_label(e.record_type),
                    e.record_id,
                    e.description,
                    e.rows,
                    e.path,
                ]
                for e in log.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(log, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [(entry, record_type_label(entry.record_type)) for entry in page]
    return render(
        request,
        "srp/history_access_log.html",
        {"form": form, "page": page, "entries": entries},
    )
