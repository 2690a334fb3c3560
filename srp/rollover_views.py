"""The rollover pages (program administrator): preview with editable dates, confirm, result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from srp.date_bounds import DateBoundsMixin
from srp.http import AuthenticatedHttpRequest
from srp.models import SchoolYear, YearRollover
from srp.roles import Role
from srp.rollover import (
    RolloverError,
    already_done_error,
    check_dates,
    done_rollover,
    preview,
    rollover_due,
    rollover_plan,
    run_rollover,
    steps,
)
from srp.rules import show_rule_error


class RolloverForm(DateBoundsMixin, forms.Form):
    """The new year's instructional days, proposed from last year's pattern."""

    from_label = forms.CharField(widget=forms.HiddenInput, max_length=7)
    first_instructional_day = forms.DateField(
        label=gettext_lazy("First instructional day"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    last_instructional_day = forms.DateField(
        label=gettext_lazy("Last instructional day"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label = label

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first = cleaned.get("first_instructional_day")
        last = cleaned.get("last_instructional_day")
        if first and last:
            try:
                check_dates(self.label, first, last)
            except RolloverError as exc:
                for name, message in exc.errors_by_field().items():
                    self.add_error(name, message)
        return cleaned


def rollover(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = request.scope.require(Role.PROGRAM_ADMIN)
    plan = rollover_plan(district)
    last_done = (
        YearRollover.objects.filter(district=district)
        .select_related("from_year", "to_year")
        .first()
    )
    if plan is None:
        messages.info(request, _("Add the district's first school year before a rollover."))
        return redirect("srp:school_year_list")
    form = RolloverForm(
        request.POST or None,
        label=plan.label,
        initial={
            "from_label": plan.from_year.label,
            "first_instructional_day": plan.first_instructional_day,
            "last_instructional_day": plan.last_instructional_day,
        },
    )
    first, last = plan.first_instructional_day, plan.last_instructional_day
    posted_from = str(request.POST.get("from_label", ""))[:7]
    if request.method == "POST" and posted_from != plan.from_year.label:
        # The page was opened before a rollover (this one, confirmed twice, or another
        # administrator's) or before a year was added: say so, change nothing.
        year = SchoolYear.objects.filter(district=district, label=posted_from).first()
        done = done_rollover(year) if year is not None else None
        if done is not None:
            messages.error(request, already_done_error(done).text)
            return redirect("srp:rollover_result", pk=done.pk)
        messages.error(
            request, _("The school years changed since this page was opened: review again.")
        )
        return redirect("srp:rollover")
    if request.method == "POST" and form.is_valid():
        first = form.cleaned_data["first_instructional_day"]
        last = form.cleaned_data["last_instructional_day"]
        if request.POST.get("action") == "confirm":
            try:
                record = run_rollover(
                    plan=plan,
                    first_instructional_day=first,
                    last_instructional_day=last,
                    by=request.user,
                )
            except RolloverError as exc:
                show_rule_error(request, form, exc)
            else:
                messages.success(
                    request,
                    _("%(from)s was rolled over into %(to)s. Confirm what was carried forward.")
                    % {"from": record.from_year.label, "to": record.to_year.label},
                )
                return redirect("srp:rollover_result", pk=record.pk)
    return render(
        request,
        "srp/rollover.html",
        {
            "form": form,
            "plan": plan,
            "due": rollover_due(plan),
            "previews": preview(plan, first, last),
            "last_done": last_done,
        },
    )


def rollover_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    district = request.scope.require(Role.PROGRAM_ADMIN)
    record = get_object_or_404(
        YearRollover.objects.select_related("from_year", "to_year", "by"), pk=pk, district=district
    )
    blocks = [
        {"template": step.result_template, "context": step.result_context(record.to_year)}
        for step in steps()
        if step.result_template and step.result_context is not None
    ]
    return render(
        request,
        "srp/rollover_result.html",
        {"record": record, "blocks": blocks},
    )
