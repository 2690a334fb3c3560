from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from srp.closing import add_reason_field, has_closed_year
from srp.date_bounds import DateBoundsMixin
from srp.languages import validate_language_code
from srp.models import District, School, SchoolYear, User
from srp.roles import SCHOOL_SCOPED_ROLES, Role


class DistrictSettingsForm(forms.ModelForm):
    family_languages = forms.CharField(
        label=_("Languages offered to families"),
        help_text=_("Language codes separated by commas, for example: en, es, vi, so, ru."),
        max_length=200,
    )

    class Meta:
        model = District
        fields = [
            "name",
            "address",
            "phone",
            "email",
            "website",
            "complaint_contact_name",
            "complaint_contact_email",
            "complaint_contact_phone",
            "acknowledge_within_school_days",
            "respond_within_days",
            "investigation_max_days",
            "small_count_threshold",
            "family_languages",
            "notice_deadline_days",
            "require_totp_for_admins",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # crispy-forms marks help text safe: the threshold's "'<N'" must reach the page as text.
        threshold = self.fields["small_count_threshold"]
        threshold.help_text = escape(threshold.help_text)
        if self.instance and isinstance(self.instance.family_languages, list):
            self.initial["family_languages"] = ", ".join(self.instance.family_languages)

    def clean_family_languages(self) -> list[str]:
        raw = self.cleaned_data["family_languages"]
        codes = []
        for part in raw.replace(";", ",").split(","):
            code = part.strip().lower()
            if not code:
                continue
            validate_language_code(code)
            if code not in codes:
                codes.append(code)
        if "en" not in codes:
            raise ValidationError(_("English must be offered."))
        return codes

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        ack, respond, longest = (
            data.get("acknowledge_within_school_days"),
            data.get("respond_within_days"),
            data.get("investigation_max_days"),
        )
        if respond and longest and longest < respond:
            self.add_error(
                "investigation_max_days",
                _("The longest investigation cannot be shorter than the response deadline."),
            )
        if ack and respond and ack > respond:
            self.add_error(
                "acknowledge_within_school_days",
                _("Acknowledgement cannot come after the response deadline."),
            )
        return data


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["name", "building_code", "level", "grade_span", "address", "phone", "active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.district = district

    def clean_building_code(self) -> str:
        code = self.cleaned_data["building_code"].strip()
        clash = School.objects.filter(district=self.instance.district, building_code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another school of the district has this code."))
        return code


class SchoolYearForm(DateBoundsMixin, forms.ModelForm):
    class Meta:
        model = SchoolYear
        fields = ["label", "first_instructional_day", "last_instructional_day"]
        widgets = {
            "first_instructional_day": forms.DateInput(attrs={"type": "date"}),
            "last_instructional_day": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.district = district

    def clean_label(self) -> str:
        label = self.cleaned_data["label"]
        clash = SchoolYear.objects.filter(district=self.instance.district, label=label)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("This school year exists already."))
        return label


class EnrollmentForm(forms.Form):
    school_year = forms.ModelChoiceField(queryset=SchoolYear.objects.none(), label=_("School year"))
    students = forms.IntegerField(label=_("Students enrolled"), min_value=0, max_value=100_000)

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = cast(forms.ModelChoiceField, self.fields["school_year"])
        years.queryset = SchoolYear.objects.filter(district=district)
        if has_closed_year(district):
            add_reason_field(self)


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools"),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For principals and school staff. Safety staff work at the schools of their "
            "assignments on the staff roster."
        ),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        district: District,
        editing: bool = False,
        names_editable: bool = True,
        role: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if role == Role.SAFETY_STAFF:
            # Their schools are their assignments of the current year (agreements' roster);
            # the page shows those, read-only, instead of a field that would be ignored.
            del self.fields["schools"]
        else:
            schools = cast(forms.ModelChoiceField, self.fields["schools"])
            schools.queryset = School.objects.filter(district=district)
        if editing:
            # The account and the role are what the membership is; change the role by adding one.
            self.fields["email"].disabled = True
            self.fields["role"].disabled = True
        if not names_editable:
            # An account shared with another district is named by its owner (their profile) or
            # the host administrator, never by one of its districts.
            for name in ("first_name", "last_name"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "The person changes their name on their own profile."
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        role = data.get("role")
        if (
            role in (Role.PRINCIPAL, Role.SCHOOL_STAFF)
            and data.get("active")
            and not data.get("schools")
        ):
            self.add_error("schools", _("Choose at least one school for this role."))
        if role == Role.SAFETY_STAFF and data.get("schools"):
            self.add_error(
                "schools",
                _(
                    "Safety staff work at the schools of their assignments: leave schools "
                    "empty and assign them to a school from their entry on the staff roster."
                ),
            )
        elif role not in SCHOOL_SCOPED_ROLES and data.get("schools"):
            self.add_error(
                "schools", _("This role covers the whole district; leave schools empty.")
            )
        return data


class DistrictCreateForm(forms.Form):
    name = forms.CharField(label=_("District name"), max_length=200)
    code = forms.RegexField(
        label=_("State district code"),
        regex=r"^[0-9A-Za-z-]{2,10}$",
        error_messages={"invalid": _("Use 2 to 10 letters, digits or '-'.")},
    )
    admin_first_name = forms.CharField(label=_("Administrator's first name"), max_length=150)
    admin_last_name = forms.CharField(label=_("Administrator's last name"), max_length=150)
    admin_email = forms.EmailField(label=_("Administrator's email"))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if District.objects.filter(code__iexact=code).exists():
            raise ValidationError(_("A district with this code exists already."))
        return code


class OtpVerifyForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class BackupCodeForm(forms.Form):
    """One of the ten backup codes, for a sign-in without the phone."""

    backup_code = forms.RegexField(
        label=_("Backup code"),
        regex=r"^\s*[A-Za-z2-7](?:\s?[A-Za-z2-7]){7}\s*$",
        max_length=40,
        error_messages={"invalid": _("A backup code has 8 letters and digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length checked: Django only sets `max_length`
    on the field (for the HTML attribute), so a longer name reached authentication and then
    django-axes, whose record of a failed attempt holds 255 characters (a server error on
    PostgreSQL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = cast(forms.CharField, self.fields["username"])
        username.validators.append(MaxLengthValidator(username.max_length))
