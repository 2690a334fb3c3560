"""Forms of the school calendar pages (issue #14 item 3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from srp.calendar_import import MAX_BYTES
from srp.date_bounds import DateBoundsMixin
from srp.models import NonInstructionalDay, SchoolYear


class NonInstructionalDayForm(DateBoundsMixin, forms.ModelForm):
    """Add a day off (or a run of days) to a year, or correct one (then with a reason)."""

    class Meta:
        model = NonInstructionalDay
        fields = ["first_day", "last_day", "kind", "name", "office_closed"]
        widgets = {
            "first_day": forms.DateInput(attrs={"type": "date"}),
            "last_day": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(
        self, *args: Any, school_year: SchoolYear, correcting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school_year = school_year
        self.fields["last_day"].required = False
        self.fields["name"].widget.attrs["placeholder"] = _("For example Winter break")
        for name in ("first_day", "last_day"):
            self.fields[name].widget.attrs.update(
                min=school_year.starts_on.isoformat(), max=school_year.ends_on.isoformat()
            )
        if correcting or school_year.is_closed:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the change"),
                max_length=300,
                help_text=_("Kept in the entry's history."),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_day") and not data.get("last_day"):
            data["last_day"] = data["first_day"]
            self.instance.last_day = data["first_day"]
        return data


class WithdrawDayForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this entry withdrawn?"),
        max_length=300,
        help_text=_(
            "The entry stays on the calendar page, struck through, and no longer changes any "
            "deadline."
        ),
    )


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=_("Calendar file"),
        help_text=_(
            "A .csv file with the columns below, or an iCalendar (.ics) file; at most 1 MB."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(max)s KB; a school year's calendar is far smaller.")
                % {"max": MAX_BYTES // 1024}
            )
        if not upload.name.lower().endswith((".csv", ".txt", ".ics", ".ical")):
            raise ValidationError(_("Choose a .csv or an .ics file."))
        return upload
