"""One rule error for every app, shown the same way by every view (issue #13).

Services follow pretix's order services: guard the state (raise `RuleError` — or the app's
subclass: `AgreementError`, `ComplaintError`, `IncidentError`, `NoticeError`, `ReportError`,
`SrpError` — with a message written for the person at the keyboard), change it atomically,
record who did it (`srp.history.as_done_by`), then notify (the outbox, on commit). Views catch
`RuleError` and call `show_rule_error`: on the field it names, else on the form as a whole, or
as a message when there is no form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest


class RuleError(Exception):
    """A rule refused the change; nothing was saved.

    `field` names the form field the rule concerns, `field_errors` maps several fields to
    their messages; with neither, the message concerns the form (or the step) as a whole.
    """

    def __init__(
        self,
        message: Any = "",
        field_errors: dict[str, Any] | None = None,
        *,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.field_errors = dict(field_errors or {})

    def errors_by_field(self) -> dict[str, Any]:
        """Field name -> message, for every field the error names."""
        errors = dict(getattr(self, "field_errors", None) or {})
        field = getattr(self, "field", None)
        if field and field not in errors:
            errors[field] = self.text
        return errors

    @property
    def text(self) -> str:
        message = getattr(self, "message", None)
        return str(message) if message else str(self)


def show_rule_error(request: HttpRequest, form: forms.BaseForm | None, error: RuleError) -> None:
    """Show a rule error where the person will see it: on the fields it names that the form
    has, else as the form's own error, or (without a form) as an error message."""
    if form is None:
        from django.contrib import messages

        messages.error(request, error.text)
        return
    attached = False
    for name, message in error.errors_by_field().items():
        if name in form.fields:
            form.add_error(name, message)
            attached = True
    if not attached:
        form.add_error(None, error.text)
