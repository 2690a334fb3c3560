"""Form widgets that stay fast with long option lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """The same `<select>` as Django's, with its options written straight from the choices.

    Django builds a context dictionary and renders a template for every option, which costs
    tens of microseconds each: a roster of 2,000 staff made the public complaint form and the
    calls filter slow. Same attributes, option groups and selection as `Select`, so crispy-forms
    lays it out as before (tests/srp/test_widgets.py compares the two).
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        found = False

        def option(option_value: Any, label: Any) -> str:
            nonlocal found
            text = "" if option_value is None else str(option_value)
            is_selected = not found and text in selected
            found = found or is_selected
            return (
                f'<option value="{escape(text)}"{" selected" if is_selected else ""}>'
                f"{escape(label)}</option>"
            )

        parts = []
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                inner = "".join(option(v, label) for v, label in group_label)
                parts.append(f'<optgroup label="{escape(group_value)}">{inner}</optgroup>')
            else:
                parts.append(option(group_value, group_label))
        return mark_safe(  # noqa: S308 - every value and label above is escaped
            f'<select name="{escape(name)}"{flatatt(final_attrs)}>{"".join(parts)}</select>'
        )
