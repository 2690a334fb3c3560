"""Forms validate and normalise; they never write (services do)."""

from __future__ import annotations

import datetime
import functools
import secrets
import time
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Provider, StaffMember
from complaints.models import (
    Allegation,
    Category,
    ContactPreference,
    Finding,
    LetterText,
    ProviderOutcome,
    ProviderResponse,
    Relationship,
    Status,
)
from complaints.roster import PublicRoster, public_roster_member
from srp.date_bounds import DateBoundsMixin
from srp.languages import language_choices, validate_language_code
from srp.models import District, School, SchoolYear
from srp.sensitive import SensitiveTextMixin
from srp.uploads import IMAGES_AND_PDF, MB, validate_upload
from srp.widgets import FastSelect

MAX_FILES = 5
MAX_FILE_BYTES = 10 * MB
MAX_DESCRIPTION = 10_000
MAX_REQUEST = 4_000
FORM_TOKEN_SALT = "complaints.intake"  # noqa: S105 - a signing salt, not a secret
FORM_TOKEN_MAX_AGE = 6 * 60 * 60


def make_form_token(issued_at: float | None = None) -> str:
    """A signed timestamp and nonce: proves fill time and lets a replay be recognised."""
    payload = {"t": issued_at if issued_at is not None else time.time(), "n": secrets.token_hex(8)}
    return signing.dumps(payload, salt=FORM_TOKEN_SALT)


def min_fill_seconds() -> int:
    return int(getattr(settings, "COMPLAINTS_MIN_FILL_SECONDS", 5))


class SpamError(ValidationError):
    """Raised for a filled honeypot or a too-fast submission; never creates a complaint."""


def _school_choices(roster: PublicRoster) -> list[Any]:
    return [("", _("Choose a school"))] + [(str(pk), name) for pk, name in roster.schools]


def _staff_choices(roster: PublicRoster) -> list[Any]:
    choices: list[Any] = [("", _("I don't know"))]
    for school_id, school_name in roster.schools:
        members = roster.staff.get(school_id)
        if members:
            choices.append((school_name, [(str(pk), name) for pk, name in members]))
    return choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        if data in (None, "", []):
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class RosterChoiceField(forms.ChoiceField):
    """A choice field over a long, cached list: its choices are listed only when the field is
    drawn, and a sent value is checked against a set of the allowed values, not by scanning."""

    allowed: frozenset[str] = frozenset()

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.allowed


class ComplaintForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    """The public intake form (R-06). Staff choices come from the school's public roster."""

    sensitive_fields = ("location", "description", "requested_outcome")

    school = RosterChoiceField(label=_("School"), widget=FastSelect)
    staff_member = RosterChoiceField(
        widget=FastSelect,
        label=_("Staff member, if you know who"),
        required=False,
        help_text=_("Choose “I don't know” if you are not sure."),
    )
    occurred_on = forms.DateField(
        label=_("Date it happened"), widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_time = forms.TimeField(
        label=_("Time (if you know it)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    location = forms.CharField(
        label=_("Where it happened"),
        max_length=300,
        help_text=_("For example: the front office, the parking lot, a bus stop."),
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=MAX_DESCRIPTION,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Tell us in your own words. At most 10,000 characters."),
    )
    requested_outcome = forms.CharField(
        label=_("What are you asking the district to do?"),
        max_length=MAX_REQUEST,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    relationship = forms.ChoiceField(
        label=_("You are"), choices=Relationship.choices, widget=forms.RadioSelect
    )
    anonymous = forms.BooleanField(
        label=_("File anonymously (we will not ask for or keep your name)"),
        required=False,
        help_text=_("You can still give an email address to receive the private status link."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.EMAIL,
    )
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    mailing_address = forms.CharField(
        label=_("Mailing address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    language = forms.ChoiceField(label=_("Language for our letters and emails"))
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 5 files: photos (JPEG, PNG, GIF, WebP, HEIC) or PDF, 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    # Honeypot: hidden from people by CSS and from assistive technology; bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        district: District,
        roster: PublicRoster,
        language: str = "en",
        form_token: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        self.roster = roster
        school_field = self.fields["school"]
        staff_field = self.fields["staff_member"]
        school_field.allowed = roster.school_ids
        staff_field.allowed = roster.staff_ids
        # Callables: the ~1,000 options of a large district are only listed when drawn (a POST
        # that is accepted never draws them).
        school_field.choices = functools.partial(_school_choices, roster)
        staff_field.choices = functools.partial(_staff_choices, roster)
        languages = district.family_languages or ["en"]
        self.fields["language"].choices = language_choices(languages)
        self.fields["language"].initial = language if language in languages else "en"
        if not self.is_bound:
            self.initial["form_token"] = form_token or make_form_token()
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["description"].widget.attrs["maxlength"] = str(MAX_DESCRIPTION)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Where and when"),
                "school",
                "staff_member",
                Div(
                    Div("occurred_on", css_class="col-sm-6"),
                    Div("occurred_time", css_class="col-sm-6"),
                    css_class="row",
                ),
                "location",
            ),
            Fieldset(
                _("What happened"),
                "description",
                "requested_outcome",
                "attachments",
                "confirm_sensitive",
            ),
            Fieldset(
                _("About you"),
                "relationship",
                "anonymous",
                "contact_name",
                "contact_preference",
                "email",
                "phone",
                "mailing_address",
                "language",
            ),
            Div("website", css_class="complaints-hp", aria_hidden="true"),
            "form_token",
        )

    # Field checks ------------------------------------------------------------------------------
    def clean_school(self) -> School:
        # The value is one of the roster's ids (checked by the field); the school is read again
        # so that one closed since the form was drawn is refused.
        school = (
            School.objects.filter(district=self.district, pk=int(self.cleaned_data["school"]))
            .active()
            .first()
        )
        if school is None:
            raise ValidationError(_("Choose a school from the list."))
        return school

    def clean_occurred_on(self) -> datetime.date:
        day = self.cleaned_data["occurred_on"]
        today = timezone.localdate()
        if day > today:
            raise ValidationError(_("The date cannot be in the future."))
        if day < today - datetime.timedelta(days=3 * 365):
            raise ValidationError(_("The date is more than three years ago."))
        return day

    def clean_language(self) -> str:
        code = self.cleaned_data["language"]
        validate_language_code(code)
        return code

    def clean_attachments(self) -> list[tuple[Any, str]]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("You can attach at most %(max)s files; you chose %(count)s.")
                % {"max": MAX_FILES, "count": len(files)}
            )
        checked = []
        errors = []
        for upload in files:
            try:
                checked.append(
                    (
                        upload,
                        validate_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=MAX_FILE_BYTES),
                    )
                )
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked

    def clean_form_token(self) -> dict[str, Any]:
        try:
            payload = signing.loads(
                self.cleaned_data["form_token"], salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE
            )
        except signing.SignatureExpired:
            raise ValidationError(
                _("This form was open for too long. Your text is kept: please send it again.")
            ) from None
        except signing.BadSignature:
            raise ValidationError(
                _("This form could not be checked. Please send it again.")
            ) from None
        return payload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("website"):
            raise SpamError(_("We could not accept this form."), code="spam")
        token = data.get("form_token")
        if isinstance(token, dict) and time.time() - float(token.get("t", 0)) < min_fill_seconds():
            raise SpamError(
                _("This form was sent too quickly. Please check it and send it again."),
                code="spam",
            )
        preference = data.get("contact_preference")
        if preference == ContactPreference.EMAIL and not data.get("email"):
            self.add_error("email", _("Give an email address, or choose another way to reach you."))
        if preference == ContactPreference.PHONE and not data.get("phone"):
            self.add_error("phone", _("Give a phone number, or choose another way to reach you."))
        if preference == ContactPreference.MAIL and not data.get("mailing_address"):
            self.add_error(
                "mailing_address", _("Give a mailing address, or choose another way to reach you.")
            )
        if data.get("anonymous"):
            data["contact_name"] = ""
        school, staff_id = data.get("school"), data.get("staff_member")
        data["staff_member"] = None
        if school is not None and staff_id:
            # One query proves the person is on this school's roster this year.
            member = public_roster_member(
                district=self.district,
                school=school,
                staff_member_id=int(staff_id),
                school_year_id=self.roster.school_year_id,
            )
            if member is None:
                self.add_error(
                    "staff_member",
                    _("This person is not on the roster of the school you chose."),
                )
            else:
                data["staff_member"] = member
        day = data.get("occurred_on")
        if day is not None:
            moment = datetime.datetime.combine(day, data.get("occurred_time") or datetime.time(12))
            aware = timezone.make_aware(moment)
            if data.get("occurred_time") and aware > timezone.now():
                self.add_error("occurred_time", _("The time cannot be in the future."))
            data["occurred_at"] = aware
        return data

    @property
    def is_spam(self) -> bool:
        return any(e.code == "spam" for e in self.errors.as_data().get("__all__", []))


# Staff forms --------------------------------------------------------------------------------
class AssignForm(forms.Form):
    investigator = forms.ModelChoiceField(label=_("Investigator"), queryset=None)

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["investigator"].queryset = choices


class ReferForm(DateBoundsMixin, forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    referred_on = forms.DateField(
        label=_("Referred on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    case_number = forms.CharField(label=_("Provider's case number"), max_length=60, required=False)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(district=district)
        self.initial.setdefault("referred_on", timezone.localdate())

    def clean_referred_on(self) -> datetime.date:
        day = self.cleaned_data["referred_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day


class AllegationForm(SensitiveTextMixin, forms.ModelForm):
    sensitive_fields = ("summary", "finding_explanation")

    class Meta:
        model = Allegation
        fields = ["staff_member", "category", "summary", "finding", "finding_explanation"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "finding_explanation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = StaffMember.objects.filter(district=district)
        self.fields["staff_member"].empty_label = _("Unknown")
        self.fields["category"].choices = Category.choices
        self.fields["finding"].choices = [("", _("Not decided yet"))] + list(Finding.choices)
        self.fields["summary"].max_length = 4000
        self.fields["finding_explanation"].max_length = 4000

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("finding") and not (data.get("finding_explanation") or "").strip():
            self.add_error(
                "finding_explanation", _("Explain the finding in plain words for the family.")
            )
        return data


class ExtendForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    sensitive_fields = ("reason",)

    new_due = forms.DateField(
        label=_("New response date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason (the family is told)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(SensitiveTextMixin, forms.Form):
    sensitive_fields = ("reason",)

    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(SensitiveTextMixin, forms.Form):
    sensitive_fields = ("text",)

    text = forms.CharField(
        label=_("Internal note"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class LetterTextForm(SensitiveTextMixin, forms.ModelForm):
    sensitive_fields = ("opening", "appeal_route", "closing")

    class Meta:
        model = LetterText
        fields = ["language", "opening", "appeal_route", "closing", "signature"]

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"), choices=language_choices(district.family_languages or ["en"])
        )

    def clean_language(self) -> str:
        code = self.cleaned_data["language"]
        clash = LetterText.objects.filter(district=self.district, language=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("There is already a letter in this language."))
        return code


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    school = forms.ModelChoiceField(label=_("School"), required=False, queryset=None)
    provider = forms.ModelChoiceField(label=_("Provider"), required=False, queryset=None)
    finding = forms.ChoiceField(label=_("Finding"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status"))] + list(Status.choices)
        self.fields["finding"].choices = [("", _("Any finding"))] + list(Finding.choices)
        self.fields["school"].queryset = School.objects.filter(district=district)
        self.fields["school"].empty_label = _("Any school")
        self.fields["provider"].queryset = Provider.objects.filter(district=district)
        self.fields["provider"].empty_label = _("Any provider")
        for name, field in self.fields.items():
            if name == "q":
                field.widget.attrs["class"] = "form-control"
                field.widget.attrs["type"] = "search"
            elif name != "overdue":
                field.widget.attrs["class"] = "form-select"


def current_year(district: District) -> SchoolYear | None:
    return district.current_school_year()


MAX_PROVIDER_FILES = 5


class ProviderOutcomeForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    """The provider's answer on a referred complaint, typed by its liaison (issue #14 item 5).
    A correction of an answer already recorded asks for a reason (kept in the history)."""

    sensitive_fields = ("outcome_text", "reason")

    case_number = forms.CharField(
        label=_("Provider's case number"),
        max_length=60,
        required=False,
        help_text=_("The number the provider gave this complaint in its own records."),
    )
    outcome = forms.ChoiceField(label=_("Provider's outcome"), choices=ProviderOutcome.choices)
    outcome_text = forms.CharField(
        label=_("What the provider concluded"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "In plain words: what it found and any action it took. At most 4,000 characters."
        ),
    )
    received_on = forms.DateField(
        label=_("Provider's response received on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    documents = MultipleFileField(
        label=_("Documents from the provider (optional)"),
        required=False,
        help_text=_(
            "Up to 5 files at a time: PDF or photos (JPEG, PNG, GIF, WebP, HEIC), 10 MB each."
        ),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=100,
        required=False,
        help_text=_("Needed when you change an answer already recorded; kept in its history."),
    )

    def __init__(self, *args: Any, instance: ProviderResponse | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "case_number": instance.case_number,
                    "outcome": instance.outcome,
                    "outcome_text": instance.outcome_text,
                    "received_on": instance.received_on,
                },
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is None:
            del self.fields["reason"]
        self.fields["received_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.initial.setdefault("received_on", timezone.localdate())

    def clean_received_on(self) -> datetime.date:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day

    def clean_documents(self) -> list[tuple[Any, str]]:
        files = self.cleaned_data.get("documents") or []
        if len(files) > MAX_PROVIDER_FILES:
            raise ValidationError(
                _("You can attach at most %(max)s files at a time; you chose %(count)s.")
                % {"max": MAX_PROVIDER_FILES, "count": len(files)}
            )
        checked, errors = [], []
        for upload in files:
            try:
                content_type = validate_upload(
                    upload, allowed=IMAGES_AND_PDF, max_bytes=MAX_FILE_BYTES
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                checked.append((upload, content_type))
        if errors:
            raise ValidationError(errors)
        return checked

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        explained = (data.get("outcome_text") or "").strip()
        if data.get("outcome") == ProviderOutcome.OTHER and not explained:
            self.add_error("outcome_text", _("Say what the provider concluded."))
        return data
