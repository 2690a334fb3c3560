"""R-15: spot free text that seems to record immigration or citizenship status, a visa, or a
place or country of birth, and warn the writer, in English and Spanish, before it is saved.

`sensitive_terms()` is the detector; `SensitiveTextMixin` gives a form the warning: the first
submit that holds such words is refused with the warning and a box to tick; ticking it saves.
Every form where staff or families write narrative text uses the mixin.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Lower-case, accent-free stems in English and Spanish. A warning, not a block: "visa" may be
# a credit card, so the writer confirms after re-reading.
_PATTERNS = [
    r"\bimmigra\w*",
    r"\binmigra\w*",
    r"\bemigra\w*",
    r"\bcitizen\w*",
    r"\bciudadan\w*",
    r"\bvisas?\b",
    r"\bgreen card\b",
    r"\btarjeta verde\b",
    r"\bresidencia permanente\b",
    r"\bpermanent resident\b",
    r"\bundocumented\b",
    r"\bindocumentad\w*",
    r"\billegal (?:alien|immigrant)s?\b",
    r"\bsin papeles\b",
    r"\bdeport\w*",
    r"\bice agents?\b",
    r"\bla migra\b",
    r"\basylum\b",
    r"\basilo\b",
    r"\brefugee\w*",
    r"\brefugiad\w*",
    r"\bdaca\b",
    r"\bpassports?\b",
    r"\bpasaportes?\b",
    r"\bborn in\b",
    r"\bplace of birth\b",
    r"\bcountry of birth\b",
    r"\bbirthplace\b",
    r"\bnacid[oa]s? en\b",
    r"\bnacio en\b",
    r"\blugar de nacimiento\b",
    r"\bpais de (?:nacimiento|origen)\b",
]
_REGEX = re.compile("|".join(_PATTERNS))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sensitive_terms(*texts: str) -> list[str]:
    """The words in `texts` that look like immigration, citizenship, visa or birthplace data."""
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        for match in _REGEX.finditer(_fold(text)):
            term = match.group(0)
            if term not in found:
                found.append(term)
    return found


CONFIRM_FIELD = "confirm_sensitive"


class SensitiveTextMixin:
    """For a form (listed before `forms.Form` among its bases) whose `sensitive_fields` are free
    text: warns, without blocking, when they seem to hold immigration or citizenship status, a
    visa or a place of birth. The first submit shows the warning and a box to tick; the next
    submit with the box ticked saves. The tick never reaches `cleaned_data`."""

    sensitive_fields: tuple[str, ...] = ()
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[CONFIRM_FIELD] = forms.BooleanField(
            label=_(
                "I have re-read the text: it records no immigration or citizenship status, visa "
                "or place of birth, and I want to save it."
            ),
            required=False,
            widget=forms.HiddenInput,
        )
        self.sensitive_found: list[str] = []

    def full_clean(self) -> None:
        # After the form's own checks, so their errors and this warning are shown together.
        super().full_clean()  # type: ignore[misc]
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is None:
            return
        confirmed = cleaned.pop(CONFIRM_FIELD, False)
        texts = [cleaned.get(name) or "" for name in self.sensitive_fields]
        found = sensitive_terms(*(t for t in texts if isinstance(t, str)))
        self.sensitive_found = found
        if not found:
            return
        # Shown only once something was found; ticking it lets the next submit save.
        self.fields[CONFIRM_FIELD].widget = forms.CheckboxInput()
        if not confirmed:
            self.add_error(  # type: ignore[attr-defined]
                None,
                ValidationError(
                    gettext(
                        "Warning: this text seems to mention immigration or citizenship status, "
                        "a visa or a place of birth (%(words)s). The district never records that "
                        "information. Remove it, or tick the box below to confirm and save."
                    )
                    % {"words": ", ".join(found)},
                    code="sensitive",
                ),
            )
