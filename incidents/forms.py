"""Forms of the incidents app: they validate and normalise; services write."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incidents.importer import MAX_IMPORT_BYTES
from incidents.models import (
    AgencyInformationRequest,
    Call,
    CallOutcome,
    InterventionBasis,
    InterventionOutcome,
    InterventionRequest,
    LawEnforcementActivity,
    Reason,
    RestraintReport,
    StudentInvolved,
)
from incidents.services import (
    CONFIRM_VIOLATION,
    CORRECTION_REASON,
    IncidentError,
    attorney_access_problems,
    check_attorney_access,
)
from srp.date_bounds import DateBoundsMixin
from srp.hostile_input import record_id
from srp.sensitive import SensitiveTextMixin
from srp.widgets import FastSelect

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUTS = [DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def datetime_field(
    label: str, *, required: bool = True, help_text: str = ""
) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATETIME_INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


CALL_CHOICES_SHOWN = 300


def offer_calls(field: forms.ModelChoiceField, calls: Any, current: Any = None) -> None:
    """Validate against every call of `calls` (the user's scope) but list only the latest ones
    (and the current one): a sliced queryset cannot be used to look a posted id up."""
    field.queryset = calls
    shown = list(calls.order_by("-occurred_at", "-pk")[:CALL_CHOICES_SHOWN])
    if current is not None and current not in shown:
        shown.insert(0, current)
    field.choices = [("", field.empty_label or "")] + [(c.pk, str(c)) for c in shown]


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


REASON_FIELD = CORRECTION_REASON
NOT_DATA = {"confirm_sensitive", CONFIRM_VIOLATION, REASON_FIELD}


def reason_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason for the correction"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the record's history with your name and the time."),
    )


class CorrectionMixin:
    """A correction form: the record's own form plus a required reason, last (R-23)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[REASON_FIELD] = reason_field()


class CallForm(DateBoundsMixin, SensitiveTextMixin, forms.ModelForm):
    sensitive_fields = ("narrative", "location")

    occurred_at = datetime_field(_("When"))

    class Meta:
        model = Call
        fields = [
            "school",
            "occurred_at",
            "location",
            "call_ref",
            "requested_by",
            "reason",
            "emergency",
            "responding_staff",
            "outcome",
            "narrative",
        ]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, schools, staff, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["responding_staff"].queryset = staff

    def _post_clean(self) -> None:
        # The service checks uniqueness and writes; the model's unique-constraint check would
        # need the district, which the form does not hold.
        pass

    def call_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"school", *NOT_DATA}}


class CallCorrectForm(CorrectionMixin, CallForm):
    pass


SIS_FILLED = ("grade", "race_ethnicity", "sex", "disability", "english_learner")


class StudentForm(forms.ModelForm):
    class Meta:
        model = StudentInvolved
        fields = [
            "student_ref",
            "role",
            "grade",
            "race_ethnicity",
            "sex",
            "disability",
            "english_learner",
            "outcome",
            "under_18",
            "force_used",
            "school_discipline",
            "discipline_decided_by",
        ]

    def __init__(self, *args: Any, deciders=(), **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        from srp.models import User

        self.fields["discipline_decided_by"].queryset = User.objects.filter(
            pk__in=[u.pk for u in deciders]
        )
        self.fields["discipline_decided_by"].help_text = _(
            "The principal or designee who decided it. An SRO never decides school discipline."
        )
        # With a district student number, what is left blank comes from the SIS roster (the
        # service fills it, and refuses a blank the roster cannot fill); typed values win. A
        # correction of a recorded student keeps every field required.
        self.sis_fill = self.instance.pk is None
        if self.sis_fill:
            for name in SIS_FILLED:
                self.fields[name].required = False
            self.fields["student_ref"].help_text = _(
                "With the district student number, demographics left blank are filled from the "
                "student information system; what you enter wins."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.sis_fill and not cleaned.get("student_ref"):
            for name in SIS_FILLED:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        if cleaned.get("school_discipline") and not cleaned.get("discipline_decided_by"):
            self.add_error(
                "discipline_decided_by", _("Name the administrator who decided the discipline.")
            )
        return cleaned


class StudentCorrectForm(CorrectionMixin, StudentForm):
    pass


class BaseStudentFormSet(forms.BaseFormSet):
    def students(self) -> list[dict[str, Any]]:
        return [
            f.cleaned_data
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


StudentFormSet = forms.formset_factory(
    StudentForm, formset=BaseStudentFormSet, extra=3, max_num=30, validate_max=True
)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why is this call voided?"), max_length=300)


class RecordVoidForm(forms.Form):
    """Void a record entered in error: it stays, struck through, with this reason."""

    reason = forms.CharField(
        label=_("Why is this record voided?"),
        max_length=300,
        help_text=_("The record stays, struck through, and counts for nothing in the figures."),
    )


class ActivityForm(DateBoundsMixin, SensitiveTextMixin, forms.ModelForm):
    sensitive_fields = (
        "narrative",
        "premises_reason",
        "attorney_exception_reason",
        "parent_not_notified_reason",
    )
    occurred_at = datetime_field(_("When"))
    attorney_access_at = datetime_field(_("When access to an attorney was given"), required=False)
    parent_notified_at = datetime_field(
        _("When the parent or guardian was notified"), required=False
    )

    class Meta:
        model = LawEnforcementActivity
        fields = [
            "kind",
            "student",
            "occurred_at",
            "on_premises",
            "premises_reason",
            "student_under_18",
            "custodial_interrogation",
            "detained_probable_cause",
            "consent_search",
            "attorney_access_at",
            "attorney_access_method",
            "attorney_access_before_waiver",
            "attorney_exception",
            "attorney_exception_reason",
            "parent_notified_at",
            "parent_notification_method",
            "parent_not_notified_reason",
            "narrative",
        ]
        widgets = {
            "premises_reason": forms.Textarea(attrs={"rows": 2}),
            "attorney_exception_reason": forms.Textarea(attrs={"rows": 2}),
            "parent_not_notified_reason": forms.Textarea(attrs={"rows": 2}),
            "narrative": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["student"].queryset = call.students.live()
        # R-12: shown (as a box to tick) only when the contact broke juveniles' access to an
        # attorney; ticking it saves the contact as a violation, as the R-15 warning does.
        self.fields[CONFIRM_VIOLATION] = forms.BooleanField(
            label=_(
                "This is what happened: record the contact as a violation of juveniles' access "
                "to an attorney. The program administrator is told."
            ),
            required=False,
            widget=forms.HiddenInput,
        )
        self.attorney_violation: dict[str, str] = {}
        self.violation_confirmed = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        confirmed = bool(cleaned.get(CONFIRM_VIOLATION))
        probe = LawEnforcementActivity(
            call=self.call, **{k: v for k, v in cleaned.items() if k not in NOT_DATA}
        )
        if probe.on_premises and not probe.premises_reason.strip():
            self.add_error("premises_reason", _("Say why the activity took place on premises."))
        try:
            check_attorney_access(probe, violation_confirmed=confirmed)
        except IncidentError as error:
            self._show_attorney_errors(error)
            raise ValidationError(error.message) from None
        self.violation_confirmed = confirmed
        return cleaned

    def _show_attorney_errors(self, error: IncidentError) -> None:
        if CONFIRM_VIOLATION in error.field_errors:
            # Warn first: the box to tick appears with the fields the rule wanted.
            self.fields[CONFIRM_VIOLATION].widget = forms.CheckboxInput()
            self.attorney_violation = attorney_access_problems(
                LawEnforcementActivity(
                    call=self.call,
                    **{k: v for k, v in self.cleaned_data.items() if k not in NOT_DATA},
                )
            )
        for name, message in error.field_errors.items():
            if name in self.fields:
                self.add_error(name, message)

    def _post_clean(self) -> None:
        pass

    def activity_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in NOT_DATA}


class ActivityCorrectForm(CorrectionMixin, ActivityForm):
    pass


BASIS_HELP = {
    InterventionBasis.DANGER: _(
        "Someone is in danger now and it keeps going: for example a student threatening others "
        "with a weapon or attacking people."
    ),
    InterventionBasis.DISRUPTION: _(
        "Teaching cannot go on now and it keeps going: a serious, ongoing disruption that staff "
        "cannot settle themselves. Breaking a school rule is not enough."
    ),
    InterventionBasis.EMERGENCY: _(
        "Another emergency under the district's emergencies policy, such as a fire, a lockdown or "
        "a medical crisis."
    ),
}


class InterventionRequestForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    sensitive_fields = ("description", "location")

    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    basis = forms.ChoiceField(
        label=_("Why are you asking safety staff to intervene?"),
        choices=InterventionBasis.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Only these three reasons are lawful. School rules and discipline are handled by the "
            "principal or designee, not by safety staff."
        ),
    )
    requester_role = forms.ChoiceField(
        label=_("You are asking as"),
        choices=[
            (InterventionRequest.RequesterRole.TEACHER, _("Teacher")),
            (InterventionRequest.RequesterRole.ADMINISTRATOR, _("Administrator")),
        ],
    )
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What is happening"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args: Any, schools, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()


class InterventionRequestCorrectForm(SensitiveTextMixin, forms.Form):
    """Correct what a request said (its basis, where, what was happening), with the reason."""

    sensitive_fields = ("description", "location", "correction_reason")

    basis = InterventionRequestForm.base_fields["basis"]
    location = InterventionRequestForm.base_fields["location"]
    description = InterventionRequestForm.base_fields["description"]
    correction_reason = reason_field()


class SelfInitiatedForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    sensitive_fields = ("description", "outcome_notes", "location")

    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    occurred_at = datetime_field(_("When"))
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What was the emergency"), widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            c for c in InterventionOutcome.choices if c[0] != InterventionOutcome.SCHOOL_DISCIPLINE
        ],
    )
    outcome_notes = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, schools, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class RespondForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    sensitive_fields = ("outcome_notes",)

    responded_by = forms.ModelChoiceField(label=_("Who responded"), queryset=None)
    responded_at = datetime_field(_("When they responded"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=InterventionOutcome.choices)
    outcome_notes = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    discipline_decided_by = forms.ModelChoiceField(
        label=_("Administrator who decided the discipline"),
        queryset=None,
        required=False,
        help_text=_("Only when the outcome is school discipline. An SRO never decides it."),
    )
    call = forms.ModelChoiceField(label=_("Linked call for service"), queryset=None, required=False)

    def __init__(self, *args: Any, staff, deciders, calls, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        from srp.models import User

        self.fields["responded_by"].queryset = staff
        self.fields["discipline_decided_by"].queryset = User.objects.filter(
            pk__in=[u.pk for u in deciders]
        )
        offer_calls(self.fields["call"], calls)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("outcome") == InterventionOutcome.SCHOOL_DISCIPLINE and not cleaned.get(
            "discipline_decided_by"
        ):
            self.add_error(
                "discipline_decided_by", _("Name the administrator who decided the discipline.")
            )
        return cleaned


class RespondCorrectForm(CorrectionMixin, RespondForm):
    pass


class RestraintReportForm(DateBoundsMixin, SensitiveTextMixin, forms.ModelForm):
    sensitive_fields = ("leading_activity", "injuries", "recommendations")

    occurred_at = datetime_field(_("Date and time"))
    report_submitted_at = datetime_field(_("Report submitted at"), required=False)
    parent_verbal_notice_at = datetime_field(_("Verbal notice to the parent at"), required=False)
    parent_written_notice_at = datetime_field(_("Written notice to the parent at"), required=False)

    class Meta:
        model = RestraintReport
        fields = [
            "school",
            "call",
            "occurred_at",
            "staff_member",
            "staff_title",
            "kind",
            "restraint_type",
            "duration_minutes",
            "students_count",
            "leading_activity",
            "student_injured",
            "staff_injured",
            "injuries",
            "recommendations",
            "report_submitted_at",
            "parent_verbal_notice_at",
            "parent_written_notice_at",
            "students",
        ]
        widgets = {
            "students": forms.CheckboxSelectMultiple,
            "leading_activity": forms.Textarea(attrs={"rows": 3}),
            "injuries": forms.Textarea(attrs={"rows": 2}),
            "recommendations": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, schools, staff, calls, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["staff_member"].queryset = staff
        offer_calls(
            self.fields["call"], calls, self.instance.call if self.instance.call_id else None
        )
        if self.instance.pk:
            self.fields["school"].disabled = True
        # The students offered are those of the chosen call (posted, preset or saved).
        call_id = self.data.get(self.add_prefix("call")) if self.is_bound else None
        if not self.is_bound:
            call_id = self.initial.get("call") or self.instance.call_id
        call_id = record_id(getattr(call_id, "pk", call_id))
        students = StudentInvolved.objects.none()
        if call_id is not None:
            students = StudentInvolved.objects.filter(
                call_id=call_id, call__in=calls.values("pk")
            ).order_by("pk")
        self.fields["students"].queryset = students
        self.fields["students"].required = False
        self.fields["students"].label_from_instance = lambda st: (
            gettext("%(ref)s · %(role)s · grade %(grade)s")
            % {
                "ref": st.student_ref or gettext("no student number"),
                "role": st.get_role_display(),
                "grade": st.grade,
            }
        )
        if not students:
            self.fields["students"].help_text = _(
                "Link a call and save: its students can then be named here."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        occurred = cleaned.get("occurred_at")
        if occurred:
            for name in (
                "report_submitted_at",
                "parent_verbal_notice_at",
                "parent_written_notice_at",
            ):
                value = cleaned.get(name)
                if value and value < occurred:
                    self.add_error(name, _("This cannot come before the restraint or isolation."))
        call, school = cleaned.get("call"), cleaned.get("school")
        if call and school and call.school_id != school.pk:
            self.add_error("call", _("This call is at another school."))
        students = cleaned.get("students") or []
        if students and (not call or any(st.call_id != call.pk for st in students)):
            self.add_error("students", _("Choose students of the linked call."))
        return cleaned

    def _post_clean(self) -> None:
        pass

    def report_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"school", *NOT_DATA}}
        data["students"] = list(data.get("students") or [])
        return data


class RestraintReportCorrectForm(CorrectionMixin, RestraintReportForm):
    pass


class AgencyRequestForm(DateBoundsMixin, SensitiveTextMixin, forms.ModelForm):
    # Describing the request itself may need these words; the warning still asks to confirm
    # that no person's status is being written down.
    sensitive_fields = ("what_was_asked", "notes")

    class Meta:
        model = AgencyInformationRequest
        fields = [
            "received_on",
            "agency",
            "school",
            "what_was_asked",
            "legal_basis",
            "immigration_enforcement",
            "notes",
        ]
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "what_was_asked": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "immigration_enforcement": _(
                "Such a request is answered only on an order signed by a judge; otherwise it is "
                "refused and sent to the program administrator."
            )
        }

    def __init__(self, *args: Any, schools, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].required = False

    def _post_clean(self) -> None:
        pass

    def request_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in NOT_DATA}


class AgencyRequestCorrectForm(CorrectionMixin, AgencyRequestForm):
    pass


class AgencyAnswerForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    """The answer to, or refusal of, an outside agency's request (R-15)."""

    sensitive_fields = ("information_given",)

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (AgencyInformationRequest.Status.ANSWERED, _("Answered: information was given")),
            (AgencyInformationRequest.Status.REFUSED, _("Refused: nothing was given")),
        ],
        widget=forms.RadioSelect,
    )
    answered_on = forms.DateField(
        label=_("Date answered or refused"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    information_given = forms.CharField(
        label=_("What was given"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the request was answered. Never immigration status."),
    )

    def __init__(self, *args: Any, record: AgencyInformationRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record
        if record.immigration_enforcement and record.legal_basis != "judicial_order":
            # Only a refusal is possible: the choice is not even offered.
            self.fields["decision"].choices = [
                c for c in self.fields["decision"].choices if c[0] == "refused"
            ]
            self.fields["decision"].help_text = _(
                "An immigration-enforcement request without an order signed by a judge can only "
                "be refused."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "answered" and not (cleaned.get("information_given") or ""):
            self.add_error("information_given", _("Say what information was given."))
        answered_on = cleaned.get("answered_on")
        if answered_on and answered_on < self.record.received_on:
            self.add_error("answered_on", _("The answer cannot come before the request."))
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, a header row with exactly the columns below, at most 50 MB."),
    )

    def clean_file(self):  # noqa: ANN201
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; the largest accepted is %(max)s MB.")
                % {"size": upload.size // (1024 * 1024), "max": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError(_("Choose a .csv file."))
        return upload


def written_options(choices: Any) -> str:
    """The `<option>`s FastSelect writes for `choices` (flat), none of them selected."""
    return "".join(
        f'<option value="{escape("" if value is None else str(value))}">{escape(label)}</option>'
        for value, label in choices
    )


class WrittenOptionsSelect(FastSelect):
    """FastSelect with its options written beforehand (`options_html`, see `written_options`).

    The list filters offer every school and every staff member of the district (2,000 at the
    scale district): writing those options on every request cost more than the rest of the page,
    so the list views cache them per district and scope and this widget only marks the chosen
    one. Without `options_html` it is FastSelect. Same HTML either way
    (tests/incidents/test_lists.py compares them).
    """

    options_html: str | None = None

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if self.options_html is None:
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = escape(next(iter(self.format_value(value)), ""))
        tag = f'<option value="{chosen}">'
        options = self.options_html.replace(tag, f'<option value="{chosen}" selected>', 1)
        return mark_safe(  # noqa: S308 - the options were escaped by written_options
            f'<select name="{escape(name)}"{flatatt(final_attrs)}>{options}</select>'
        )


class CallFilterForm(DateBoundsMixin, forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=None, required=False, widget=WrittenOptionsSelect
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Any"))] + Reason.choices,
        required=False,
        widget=FastSelect,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Any"))] + CallOutcome.choices,
        required=False,
        widget=FastSelect,
    )
    staff = forms.ModelChoiceField(
        label=_("Staff member"), queryset=None, required=False, widget=WrittenOptionsSelect
    )
    # The fields whose options `written_options_for` writes once for many requests.
    WRITTEN = ("school", "staff")
    # The calls of one import (a link from the import page); applied inside the user's scope.
    batch = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        schools,  # noqa: ANN001
        staff,  # noqa: ANN001
        reasons: list[tuple[str, str]] | None = None,
        outcomes: list[tuple[str, str]] | None = None,
        reason_label: str | None = None,
        outcome_label: str | None = None,
        options: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`options`: the school and staff options from `written_options_for` with the same
        querysets (cached by the views); the querysets still validate a submitted choice."""
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["staff"].queryset = staff
        for name, html in (options or {}).items():
            self.fields[name].widget.options_html = html
        # Each list filters on its own codes: a call's reason, a request's basis, and so on.
        if reasons is not None:
            self.fields["reason"].choices = [("", _("Any")), *reasons]
        if outcomes is not None:
            self.fields["outcome"].choices = [("", _("Any")), *outcomes]
        if reason_label:
            self.fields["reason"].label = reason_label
        if outcome_label:
            self.fields["outcome"].label = outcome_label
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    @classmethod
    def written_options_for(cls, *, schools, staff) -> dict[str, str]:  # noqa: ANN001
        """The school and staff `<option>`s of the filter, to cache and pass back as `options`."""
        fields = cls(schools=schools, staff=staff).fields
        return {name: written_options(fields[name].choices) for name in cls.WRITTEN}

    def apply(self, qs, *, paths: dict[str, str | None]):  # noqa: ANN001, ANN201
        """Filter `qs`; `paths` maps each filter (school, when, reason, outcome, staff) to the
        lookup path on this queryset's model, or None when that filter does not apply."""
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        for name in ("school", "reason", "outcome", "staff", "batch"):
            if not data.get(name) or name not in paths:
                continue
            path = paths[name]
            # A filter that cannot apply to these records (None) matches none of them.
            qs = qs.filter(**{path: data[name]}) if path else qs.none()
        when = paths.get("when")
        # Local dates as aware datetime bounds (not `__date`), so the index on the column is used.
        if when and data.get("date_from"):
            qs = qs.filter(**{f"{when}__gte": _local_midnight(data["date_from"])})
        if when and data.get("date_to"):
            qs = qs.filter(
                **{f"{when}__lt": _local_midnight(data["date_to"] + datetime.timedelta(days=1))}
            )
        return qs
