from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from notifications.kinds import KINDS
from notifications.models import NotificationPreference
from srp.languages import language_choices
from srp.models import District


def email_field_name(kind: str) -> str:
    return f"email_{kind}"


class PreferencesForm(forms.Form):
    """Which notices come by email as well as in the app, and in which language."""

    language = forms.ChoiceField(
        label=_("Language of my emails"),
        help_text=_("The languages your district offers."),
    )

    def __init__(
        self,
        *args: Any,
        district: District,
        preference: NotificationPreference | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        offered = district.family_languages if isinstance(district.family_languages, list) else []
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)  # noqa: S101 - declared above
        language.choices = language_choices(list(offered) or ["en"])
        self.initial.setdefault(
            "language",
            preference.language if preference and preference.language in offered else "en",
        )
        for kind in KINDS.values():
            name = email_field_name(kind.key)
            self.fields[name] = forms.BooleanField(
                label=format_html(
                    "{} <span class='text-body-secondary'>({})</span>",
                    kind.label,
                    _("by email"),
                ),
                required=False,
                help_text=format_html("{} {} {}", kind.description, _("Sent to:"), kind.audience),
            )
            self.initial.setdefault(name, preference.wants_email(kind.key) if preference else True)

    def email_kinds(self) -> list[str]:
        return [key for key in KINDS if self.cleaned_data.get(email_field_name(key))]
