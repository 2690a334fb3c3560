"""Retention pages, for the district's program administrators only."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from retention import services
from retention.forms import CancelForm, ConfirmForm, HoldForm, PrepareForm, ReleaseForm, RuleForm
from retention.models import DestructionLogEntry, DestructionRun, LegalHold, RecordType
from retention.record_types import KINDS
from srp.csv_export import csv_response
from srp.disclosure import disclosure_record
from srp.history import render_history
from srp.http import AuthenticatedHttpRequest
from srp.models import District
from srp.roles import Role
from srp.rules import RuleError, show_rule_error


def _district(request: AuthenticatedHttpRequest) -> District:
    return request.scope.require(Role.PROGRAM_ADMIN)


def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _district(request)
    rules = [
        {"key": key, "kind": kind, "rule": rule, "years": years}
        for key, (kind, rule, years) in services.effective_rules(district).items()
    ]
    holds = LegalHold.objects.active().filter(district=district).select_related("placed_by")
    runs = DestructionRun.objects.filter(district=district).select_related(
        "prepared_by", "confirmed_by"
    )[:10]
    return render(
        request,
        "retention/overview.html",
        {
            "rules": rules,
            "holds": holds,
            "runs": runs,
            "waiting": next((r for r in runs if r.status == DestructionRun.Status.PREPARED), None),
            "prepare_form": PrepareForm(),
        },
    )


def rule_edit(request: AuthenticatedHttpRequest, record_type: str) -> HttpResponse:
    district = _district(request)
    kind = KINDS.get(record_type)
    if kind is None:
        raise Http404
    _kind, rule, years = services.effective_rules(district)[record_type]
    initial = {
        "years": years,
        "disposition_authority": rule.disposition_authority if rule else "",
        "notes": rule.notes if rule else "",
    }
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_set(
                district=district, record_type=record_type, by=request.user, **form.cleaned_data
            )
        except RuleError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Retention period saved."))
            return redirect("retention:overview")
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": kind.title,
            "intro": _(
                "Kept %(years)s years at least (the state's schedule), counted from %(starts)s."
            )
            % {"years": kind.minimum_years, "starts": kind.starts},
            "back_url": reverse("retention:overview"),
            "history_url": reverse("retention:rule_history", args=[rule.pk]) if rule else "",
        },
    )


def rule_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    district = _district(request)
    from retention.models import RetentionRule

    rule = get_object_or_404(RetentionRule, pk=pk, district=district)
    return render_history(request, rule, back_url=reverse("retention:overview"))


def hold_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _district(request)
    form = HoldForm(request.POST or None, initial={"record_type": request.GET.get("type", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = services.find_record(district, data["record_type"], data["reference"])
        if record is None:
            form.add_error(
                "reference", _("No record of that kind with this reference in your district.")
            )
        else:
            try:
                hold = services.hold_place(
                    district=district,
                    record_type=data["record_type"],
                    record=record,
                    reason=data["reason"],
                    details=data["details"],
                    by=request.user,
                )
            except RuleError as error:
                show_rule_error(request, form, error)
            else:
                messages.success(
                    request,
                    _("%(record)s is on hold: it will not be destroyed.") % {"record": hold},
                )
                return redirect("retention:overview")
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": _("Place a legal hold"),
            "submit_label": _("Place the hold"),
            "intro": _(
                "A record on hold, and everything of its case, is never destroyed until the hold "
                "is released: for litigation, a public records request or an audit."
            ),
            "back_url": reverse("retention:overview"),
        },
    )


def hold_release(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    district = _district(request)
    hold = get_object_or_404(LegalHold, pk=pk, district=district)
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_release(
                hold=hold, reason=form.cleaned_data["release_reason"], by=request.user
            )
        except RuleError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("The hold on %(record)s is released.") % {"record": hold})
            return redirect("retention:overview")
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": _("Release the hold on %(record)s") % {"record": hold},
            "submit_label": _("Release the hold"),
            "intro": hold.details,
            "back_url": reverse("retention:overview"),
            "history_url": reverse("retention:hold_history", args=[hold.pk]),
        },
    )


def hold_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    district = _district(request)
    hold = get_object_or_404(LegalHold, pk=pk, district=district)
    return render_history(request, hold, back_url=reverse("retention:overview"))


def holds_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _district(request)
    holds = LegalHold.objects.filter(district=district).select_related("placed_by", "released_by")
    page = Paginator(holds, 50).get_page(request.GET.get("page"))
    return render(request, "retention/hold_list.html", {"page": page})


@require_POST
def run_prepare(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _district(request)
    form = PrepareForm(request.POST)
    if form.is_valid():
        try:
            run = services.run_prepare(
                district=district, as_of=form.cleaned_data["as_of"], by=request.user
            )
        except RuleError as error:
            messages.error(request, error.text)
        else:
            return redirect("retention:run_detail", pk=run.pk)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("retention:overview")


def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    district = _district(request)
    run = get_object_or_404(
        DestructionRun.objects.select_related("prepared_by", "confirmed_by"),
        pk=pk,
        district=district,
    )
    labels = dict(RecordType.choices)
    items = [{**item, "kind": labels.get(item["type"], item["type"])} for item in run.items]
    confirm_form = (
        ConfirmForm(request.POST or None) if "confirm_run" in request.POST else ConfirmForm()
    )
    cancel_form = CancelForm(request.POST or None) if "cancel_run" in request.POST else CancelForm()
    if request.method == "POST":
        try:
            if "confirm_run" in request.POST and confirm_form.is_valid():
                run, skipped = services.run_confirm(
                    run=run, note=confirm_form.cleaned_data["note"], by=request.user
                )
                for line in skipped:
                    messages.warning(request, line)
                messages.success(
                    request,
                    _("%(count)s records destroyed and logged.") % {"count": run.log.count()},
                )
                return redirect("retention:run_detail", pk=run.pk)
            if "cancel_run" in request.POST and cancel_form.is_valid():
                services.run_cancel(run=run, note=cancel_form.cleaned_data["note"], by=request.user)
                messages.success(request, _("The list is cancelled; nothing was destroyed."))
                return redirect("retention:overview")
        except RuleError as error:
            show_rule_error(
                request, confirm_form if "confirm_run" in request.POST else cancel_form, error
            )
    log = run.log.all() if run.status == DestructionRun.Status.DONE else None
    if run.status == DestructionRun.Status.PREPARED:
        disclosure_record(request, what=_("Destruction list"), obj=run, rows=len(items))
    return render(
        request,
        "retention/run_detail.html",
        {
            "run": run,
            "items": items,
            "confirm_form": confirm_form,
            "cancel_form": cancel_form,
            "log": log,
        },
    )


def destruction_log(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    district = _district(request)
    entries = DestructionLogEntry.objects.filter(district=district).select_related("destroyed_by")
    if request.GET.get("format") == "csv":
        disclosure_record(
            request,
            what=_("Destruction log"),
            record_type="retention.destructionlog",
            rows=entries.count(),
            action="exported",
        )
        return csv_response(
            "destruction-log.csv",
            [
                _("Destroyed"),
                _("By"),
                _("Records"),
                _("Record"),
                _("Counted from"),
                _("Years kept"),
                _("DAN"),
                _("Rows removed"),
                _("Files removed"),
                _("Run"),
            ],
            (
                [
                    e.destroyed_at.isoformat(timespec="seconds"),
                    e.destroyed_by.get_full_name() or e.destroyed_by.email,
                    e.get_record_type_display(),
                    e.label,
                    e.trigger_date.isoformat(),
                    e.rule_years,
                    e.disposition_authority,
                    e.rows_removed,
                    e.files_removed,
                    e.run_id,
                ]
                for e in entries.iterator(chunk_size=500)
            ),
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "retention/log.html", {"page": page})
