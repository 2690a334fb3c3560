"""R-26: the incidents catalogue is complete in Spanish and compiled."""

from __future__ import annotations

from pathlib import Path

import polib
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "incidents/locale/es/LC_MESSAGES/django.po"


def test_every_message_has_a_spanish_translation():
    catalogue = polib.pofile(str(PO))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_new_workflow_strings_are_served_in_spanish():
    with translation.override("es"):
        assert translation.gettext("Answer or refuse") == "Responder o rechazar"
        assert translation.gettext("Correct a student on the call") == (
            "Corregir un estudiante de la llamada"
        )
        assert translation.gettext("SHA-256 of the file") == "SHA-256 del archivo"
        assert "llamadas" in translation.ngettext("%(n)s call", "%(n)s calls", 3)
