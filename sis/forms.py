from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sis.oneroster import MAX_UPLOAD_BYTES


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("OneRoster CSV zip"),
        help_text=_(
            "The bulk OneRoster 1.1 or 1.2 CSV export of your student information system, as "
            "one .zip file with manifest.csv, at most 200 MB."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; the largest accepted is %(max)s MB.")
                % {
                    "size": (upload.size or 0) // (1024 * 1024),
                    "max": MAX_UPLOAD_BYTES // (1024 * 1024),
                }
            )
        if not (upload.name or "").lower().endswith(".zip"):
            raise ValidationError(_("Choose the .zip file of the OneRoster export."))
        return upload
