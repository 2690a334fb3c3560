"""Forms validate and normalise; services write."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    MAX_DAYS_PER_WEEK,
    Agreement,
    AnnualReview,
    EngagementEvent,
    HiringRecord,
    PerformanceEvaluation,
    Provider,
    StaffMember,
    TrainingRecord,
    TrainingTopic,
)
from agreements.selectors import unlinked_district_accounts
from agreements.services import (
    AGREEMENT_PDF_MAX_BYTES,
    ATTACHMENT_MAX_BYTES,
    MAX_ATTACHMENTS_PER_EVENT,
)
from srp.closing import add_reason_field, has_closed_year
from srp.date_bounds import DateBoundsMixin
from srp.models import District, School, SchoolYear
from srp.sensitive import SensitiveTextMixin
from srp.uploads import IMAGES_AND_PDF, ONLY_PDF, validate_upload

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_future(day: datetime.date | None) -> datetime.date | None:
    if day and day > timezone.localdate():
        raise ValidationError(_("This date is in the future."))
    return day


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = [
            "name",
            "kind",
            "contact_name",
            "contact_email",
            "contact_phone",
            "address",
            "complaint_address",
            "complaint_phone",
            "complaint_url",
            "active",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "complaint_address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.district = district


class AgreementForm(DateBoundsMixin, forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE)
    effective_until = forms.DateField(label=_("Effective until"), widget=DATE, required=False)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(district=district)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_until")
        if start and end and end < start:
            self.add_error("effective_until", _("The end date comes before the start date."))
        return data


class ElementForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    present = forms.BooleanField(label=_("Present in the agreement"), required=False)
    section = forms.CharField(label=_("Section"), max_length=60, required=False)
    page = forms.IntegerField(label=_("Page"), min_value=1, max_value=9999, required=False)
    excerpt = forms.CharField(
        label=_("Excerpt"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("present"):
            if not (data.get("section") or "").strip():
                self.add_error("section", _("Give the section where this element is written."))
            if not data.get("page"):
                self.add_error("page", _("Give the page where this element is written."))
        return data


ElementFormSet = forms.formset_factory(ElementForm, extra=0, max_num=10, validate_max=True)


def element_formset(agreement: Agreement, data: Any = None) -> Any:
    elements = list(agreement.elements.all())
    formset = ElementFormSet(
        data,
        initial=[
            {
                "code": e.code,
                "present": e.present,
                "section": e.section,
                "page": e.page,
                "excerpt": e.excerpt,
            }
            for e in elements
        ],
        prefix="elements",
    )
    for form, element in zip(formset.forms, elements, strict=False):
        form.element = element
    return formset


class DocumentForm(forms.Form):
    document = forms.FileField(
        label=_("Signed agreement (PDF, at most 20 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        validate_upload(upload, allowed=ONLY_PDF, max_bytes=AGREEMENT_PDF_MAX_BYTES)
        return upload


class AnnualReviewForm(forms.Form):
    school_year = forms.ModelChoiceField(label=_("School year"), queryset=SchoolYear.objects.none())

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = agreement.reviews.values("school_year")
        self.fields["school_year"].queryset = SchoolYear.objects.filter(
            district_id=agreement.district_id
        ).exclude(pk__in=taken)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class EngagementEventForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    sensitive_fields = ("summary",)

    held_on = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=EngagementEvent.Kind.choices)
    parents = forms.IntegerField(label=_("Parents and guardians"), min_value=0, initial=0)
    students = forms.IntegerField(label=_("Students"), min_value=0, initial=0)
    community_members = forms.IntegerField(label=_("Community members"), min_value=0, initial=0)
    summary = forms.CharField(label=_("Summary"), max_length=10000, widget=forms.Textarea)
    attachments = MultipleFileField(
        label=_("Attachments (PDF or images, at most 5 files of 10 MB)"), required=False
    )

    def clean_held_on(self) -> datetime.date | None:
        return _not_future(self.cleaned_data.get("held_on"))

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS_PER_EVENT:
            raise ValidationError(
                _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS_PER_EVENT}
            )
        for upload in files:
            validate_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=ATTACHMENT_MAX_BYTES)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        counts = [data.get(k) for k in ("parents", "students", "community_members")]
        if all(c is not None for c in counts) and sum(counts) == 0:
            message = _(
                "An engagement event must involve at least one parent, student or community member."
            )
            self.add_error("parents", message)
        return data


class AdoptForm(DateBoundsMixin, forms.Form):
    review = forms.ModelChoiceField(
        label=_("Annual review adopted with it"), queryset=AnnualReview.objects.none()
    )
    adopted_on = forms.DateField(label=_("Date of the board action"), widget=DATE)
    board_action = forms.CharField(label=_("Motion or resolution number"), max_length=100)

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviews = agreement.reviews.filter(status=AnnualReview.Status.OPEN).select_related(
            "school_year"
        )
        self.fields["review"].queryset = reviews
        self.fields["review"].label_from_instance = lambda r: r.school_year.label
        if len(reviews) == 1:
            self.fields["review"].initial = reviews[0].pk

    def clean_adopted_on(self) -> datetime.date | None:
        return _not_future(self.cleaned_data.get("adopted_on"))


class StaffMemberForm(DateBoundsMixin, forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = [
            "first_name",
            "last_name",
            "kind",
            "commissioned",
            "employer",
            "badge_number",
            "title",
            "email",
            "phone",
            "active_from",
            "active_until",
            "first_day_on_campus",
        ]
        widgets = {
            "active_from": DATE,
            "active_until": DATE,
            "first_day_on_campus": DATE,
        }

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.district = district
        self.fields["employer"].queryset = Provider.objects.filter(district=district)
        self.fields["employer"].empty_label = _("The district")

    def clean_first_day_on_campus(self) -> datetime.date | None:
        return _not_future(self.cleaned_data.get("first_day_on_campus"))


class AssignmentForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    school_year = forms.ModelChoiceField(label=_("School year"), queryset=SchoolYear.objects.none())
    days_per_week = forms.DecimalField(
        label=_("Days per week at this school"),
        min_value=Decimal("0.5"),
        max_value=MAX_DAYS_PER_WEEK,
        max_digits=2,
        decimal_places=1,
        help_text=_("From 0.5 to 5; at most 5 in total across schools."),
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district).active()
        years = SchoolYear.objects.filter(district=district)
        self.fields["school_year"].queryset = years
        current = district.current_school_year()
        if current:
            self.fields["school_year"].initial = current.pk
        if has_closed_year(district):
            add_reason_field(self)


class TrainingRecordForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    sensitive_fields = ("notes",)

    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingRecord.Kind.choices)
    topic = forms.ChoiceField(
        label=_("Classroom topic"),
        choices=[("", "—"), *TrainingTopic.choices],
        required=False,
    )
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    provided_by = forms.CharField(
        label=_("Trainer or experienced staff member"), max_length=200, required=False
    )
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)

    def __init__(self, *args: Any, staff_member: StaffMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff_member = staff_member
        if staff_member.is_sro:
            self.fields["kind"].choices = [
                c for c in TrainingRecord.Kind.choices if c[0] != TrainingRecord.Kind.CHECK_IN
            ]
        if has_closed_year(staff_member.district_id):
            add_reason_field(self)

    def clean_completed_on(self) -> datetime.date | None:
        day = _not_future(self.cleaned_data.get("completed_on"))
        first = self.staff_member.first_day_on_campus
        if day and first and day < first:
            raise ValidationError(
                _("This date is before the first day on school property (%(date)s).")
                % {"date": first.isoformat()}
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == TrainingRecord.Kind.CLASSROOM and not data.get("topic"):
            self.add_error("topic", _("Choose the classroom topic."))
        return data


class EsdDocumentationForm(DateBoundsMixin, forms.Form):
    issuer = forms.CharField(label=_("Issuing educational service district"), max_length=200)
    issued_on = forms.DateField(label=_("Date issued"), widget=DATE)
    file = forms.FileField(
        label=_("Document (PDF, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_issued_on(self) -> datetime.date | None:
        return _not_future(self.cleaned_data.get("issued_on"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed=ONLY_PDF, max_bytes=ATTACHMENT_MAX_BYTES)
        return upload


def _agreements_for_staff(staff_member: StaffMember) -> Any:
    qs = Agreement.objects.filter(district_id=staff_member.district_id)
    if staff_member.employer_id:
        qs = qs.filter(provider_id=staff_member.employer_id)
    return qs.select_related("provider")


class HiringRecordForm(DateBoundsMixin, SensitiveTextMixin, forms.ModelForm):
    sensitive_fields = ("notes",)

    class Meta:
        model = HiringRecord
        fields = [
            "kind",
            "decided_on",
            "school",
            "agreement",
            "district_participants",
            "provider_participants",
            "notes",
        ]
        widgets = {"decided_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, staff_member: StaffMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.staff_member = staff_member
        self.fields["school"].queryset = School.objects.filter(district_id=staff_member.district_id)
        self.fields["agreement"].queryset = _agreements_for_staff(staff_member)

    def clean_decided_on(self) -> datetime.date | None:
        return _not_future(self.cleaned_data.get("decided_on"))


class EvaluationForm(DateBoundsMixin, SensitiveTextMixin, forms.ModelForm):
    sensitive_fields = ("summary",)

    class Meta:
        model = PerformanceEvaluation
        fields = [
            "evaluated_on",
            "agreement",
            "district_evaluator",
            "provider_evaluator",
            "summary",
        ]
        widgets = {"evaluated_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, staff_member: StaffMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.staff_member = staff_member
        self.fields["agreement"].queryset = _agreements_for_staff(staff_member)

    def clean_evaluated_on(self) -> datetime.date | None:
        return _not_future(self.cleaned_data.get("evaluated_on"))


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class AccountLinkForm(forms.Form):
    """Link a roster entry to an account of the district not linked to another of its entries."""

    user = AccountChoiceField(label=_("Account"), queryset=None)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = unlinked_district_accounts(district)


class AccountInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_(
            "They get a safety staff role in the district and an email to sign in or to choose "
            "their password."
        ),
    )


# Corrections, voids and ended assignments ------------------------------------------------------
def reason_field(*, required: bool = True, label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason for the correction"),
        max_length=2000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the record's history with your name and the time."),
    )


class _WithReason:
    """Adds the required "reason" field last (a correction always says why)."""

    fields: dict[str, forms.Field]

    def _add_reason(self) -> None:
        self.fields["reason"] = reason_field()


class TrainingRecordCorrectForm(_WithReason, TrainingRecordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_reason()


class EsdDocumentationCorrectForm(_WithReason, EsdDocumentationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].required = False
        self.fields["file"].label = _("Replace the document (PDF, at most 10 MB; optional)")
        self._add_reason()

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            validate_upload(upload, allowed=ONLY_PDF, max_bytes=ATTACHMENT_MAX_BYTES)
        return upload or None


class EngagementEventCorrectForm(_WithReason, EngagementEventForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].label = _(
            "Add attachments (PDF or images; at most 5 files of 10 MB on the event)"
        )
        self._add_reason()


class HiringRecordCorrectForm(_WithReason, HiringRecordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_reason()


class EvaluationCorrectForm(_WithReason, EvaluationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_reason()


class AssignmentCorrectForm(SensitiveTextMixin, forms.Form):
    sensitive_fields = ("reason",)

    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    days_per_week = forms.DecimalField(
        label=_("Days per week at this school"),
        min_value=Decimal("0.5"),
        max_value=MAX_DAYS_PER_WEEK,
        max_digits=2,
        decimal_places=1,
        help_text=_("From 0.5 to 5; at most 5 in total across schools."),
    )
    reason = reason_field()

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(district=district)


class AssignmentEndForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    sensitive_fields = ("reason",)

    ended_on = forms.DateField(
        label=_("Last day at the school"),
        widget=DATE,
        help_text=_("The assignment stays in its school year's records and reports."),
    )
    reason = reason_field(
        required=False, label=_("Reason (required for a school year that is over)")
    )


class VoidForm(SensitiveTextMixin, forms.Form):
    sensitive_fields = ("reason",)

    reason = reason_field(label=_("Why is this record void?"))
