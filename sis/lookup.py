"""A student's demographics from the SIS, by district student number, for the call form.

Called by `incidents` when a call names a student: what the person typed wins, and only the
fields left blank are filled (`fill_blanks`).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from sis.models import StudentRecord
from srp.models import District

DEMOGRAPHIC_FIELDS = ("grade", "race_ethnicity", "sex", "disability", "english_learner")


def demographics_for(district: District | int, student_number: str) -> dict[str, str]:
    """The demographics the SIS gave for this student number in this district: only the
    fields it gave (none when the number is unknown or blank)."""
    number = (student_number or "").strip()
    if not number:
        return {}
    district_id = district if isinstance(district, int) else district.pk
    row = (
        StudentRecord.objects.filter(district_id=district_id, student_number=number)
        .values(*DEMOGRAPHIC_FIELDS)
        .first()
    )
    return {k: v for k, v in (row or {}).items() if v}


def fill_blanks(
    district: District | int, student: MutableMapping[str, Any], *, ref_field: str = "student_ref"
) -> list[str]:
    """Fill the demographics `student` left blank from the SIS record of its student number;
    typed values are kept. Returns the names of the fields filled."""
    missing = [name for name in DEMOGRAPHIC_FIELDS if not student.get(name)]
    if not missing:
        return []
    found = demographics_for(district, student.get(ref_field) or "")
    filled = [name for name in missing if name in found]
    for name in filled:
        student[name] = found[name]
    return filled
