"""Forms for notices: they validate and normalise; the services write."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices.models import Delivery, NoticeTranslation
from notices.services import EVIDENCE_ALLOWED, EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES
from srp.date_bounds import DateBoundsMixin
from srp.languages import language_choices, language_name_english, validate_language_code
from srp.models import District, SchoolYear
from srp.sensitive import SensitiveTextMixin
from srp.uploads import validate_upload


class NoticeTranslationForm(forms.ModelForm):
    class Meta:
        model = NoticeTranslation
        fields = [
            "title",
            "role_heading",
            "role_text",
            "staff_heading",
            "staff_text",
            "limits_heading",
            "limits_text",
            "interventions_heading",
            "interventions_text",
            "complaints_heading",
            "complaints_text",
            "contacts_heading",
            "contacts_text",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6}) for name in fields if name.endswith("_text")
        }

    def __init__(self, *args: Any, language: str, rtl: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # The text is in the notice's language, whatever the page's language is.
            field.widget.attrs["lang"] = language
            field.widget.attrs["dir"] = "rtl" if rtl else "ltr"


class AddLanguageForm(forms.Form):
    language = forms.CharField(
        label=_("Language code"),
        max_length=12,
        help_text=_("One of the district's family languages, for example vi, ru, so."),
    )

    def __init__(self, *args: Any, district: District, written: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        self.written = written

    def clean_language(self) -> str:
        code = self.cleaned_data["language"].strip().lower()
        validate_language_code(code)
        if code not in (self.district.family_languages or []):
            raise ValidationError(
                _(
                    "%(language)s is not one of the district's family languages; add it in the "
                    "district settings first."
                )
                % {"language": language_name_english(code)}
            )
        if code in self.written:
            raise ValidationError(_("The notice is already written in this language."))
        return code


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to EVIDENCE_MAX_FILES images or PDFs, each checked by its bytes."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Evidence (optional)"))
        kwargs.setdefault(
            "help_text",
            _(
                "Images or PDF files: the slides, the letter sent home, a photo. "
                "At most 5, 10 MB each."
            ),
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs["accept"] = "image/*,application/pdf"

    def clean(self, data: Any, initial: Any = None) -> list:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > EVIDENCE_MAX_FILES:
            raise ValidationError(_("Attach at most %(n)s files.") % {"n": EVIDENCE_MAX_FILES})
        errors = []
        for upload in files:
            try:
                validate_upload(upload, allowed=EVIDENCE_ALLOWED, max_bytes=EVIDENCE_MAX_BYTES)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


class DeliveryForm(DateBoundsMixin, SensitiveTextMixin, forms.Form):
    """What is common to both kinds of delivery: the date, notes, evidence."""

    sensitive_fields = ("notes",)

    delivered_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = EvidenceField()

    def __init__(self, *args: Any, school_year: SchoolYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school_year = school_year

    def clean_delivered_on(self) -> datetime.date:
        day = self.cleaned_data["delivered_on"]
        year = self.school_year
        if day < year.starts_on:
            raise ValidationError(
                _("This date is before the %(year)s school year began (%(start)s).")
                % {"year": year.label, "start": year.starts_on.isoformat()}
            )
        if day > year.ends_on:
            raise ValidationError(
                _("This date is after the %(year)s school year ended.") % {"year": year.label}
            )
        if day > timezone.localdate():
            raise ValidationError(_("A delivery cannot be recorded before it happens."))
        return day


class PresentationForm(DeliveryForm):
    audience = forms.CharField(
        label=_("Grades or audience"),
        max_length=200,
        help_text=_("For example: all grades, in advisory classes"),
    )
    presenter = forms.CharField(label=_("Presenter"), max_length=200)
    presentation_format = forms.ChoiceField(label=_("Format"), choices=Delivery.Format.choices)

    field_order = ["delivered_on", "audience", "presenter", "presentation_format", "notes"]


class DistributionForm(DeliveryForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Delivery.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages sent"), widget=forms.CheckboxSelectMultiple
    )

    field_order = ["delivered_on", "channels", "languages", "notes"]

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices(list(district.family_languages or []))


class EvidenceForm(forms.Form):
    evidence = EvidenceField(required=True, label=_("Add evidence"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this delivery withdrawn?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
