from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retention.models import HoldReason, RecordType
from srp.date_bounds import DateBoundsMixin
from srp.sensitive import SensitiveTextMixin


class RuleForm(forms.Form):
    years = forms.IntegerField(label=_("Years to keep"), min_value=0, max_value=100)
    disposition_authority = forms.CharField(
        label=_("Disposition authority number (DAN)"),
        max_length=40,
        required=False,
        help_text=_("The series of the state's schedule your records officer applies."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class HoldForm(SensitiveTextMixin, forms.Form):
    sensitive_fields = ("details",)

    record_type = forms.ChoiceField(label=_("Kind of record"), choices=RecordType.choices)
    reference = forms.CharField(
        label=_("Reference or number"),
        max_length=60,
        help_text=_(
            "A complaint's reference (C-2026-0001), a call's reference, or a record's number."
        ),
    )
    reason = forms.ChoiceField(label=_("Why"), choices=HoldReason.choices)
    details = forms.CharField(
        label=_("Details"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The case, the request or the matter the hold is for; no student's name."),
    )


class ReleaseForm(SensitiveTextMixin, forms.Form):
    sensitive_fields = ("release_reason",)

    release_reason = forms.CharField(
        label=_("Why the hold ends"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PrepareForm(DateBoundsMixin, forms.Form):
    as_of = forms.DateField(
        label=_("Records due on"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("Usually today. The list only holds records past their period on that day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"as_of": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I checked this list with the records officer; destroy these records, their files "
            "and their history now. This cannot be undone."
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Note for the destruction log"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why the list is cancelled"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
