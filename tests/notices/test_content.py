"""R-17: the notice written once per year, in sections, with a version per family language."""

from __future__ import annotations

import pytest

from notices.models import Notice, NoticeError, NoticeTranslation
from notices.selectors import complaint_form_url, language_versions, qr_svg, staff_lines
from notices.services import (
    TRANSLATION_FIELDS,
    notice_create,
    notice_publish,
    notice_translation_save,
    notice_unpublish,
)


def full_text(prefix: str) -> dict[str, str]:
    return {name: f"{prefix} {name}" for name in TRANSLATION_FIELDS}


def test_new_notice_starts_from_the_policy_default_in_english_and_spanish(world, notice):
    languages = sorted(notice.translations.values_list("language", flat=True))
    assert languages == ["en", "es"]
    english = notice.translations.get(language="en")
    assert english.is_complete
    assert "Cascade Valley SD" in english.role_text
    assert "do not enforce immigration law" in english.limits_text
    assert "formal school discipline" in english.limits_text
    assert "out of the criminal justice system" in english.role_text
    assert "immediate and continuing danger" in english.interventions_text
    spanish = notice.translations.get(language="es")
    assert spanish.is_complete
    assert "inmigración" in spanish.limits_text
    assert notice.status == Notice.Status.DRAFT


def test_a_notice_is_written_once_per_year(world, notice):
    with pytest.raises(NoticeError, match="already exists"):
        notice_create(district=world.district, school_year=world.year, by=world.admin)
    assert Notice.objects.filter(district=world.district).count() == 1


def test_a_year_of_another_district_is_refused(world):
    with pytest.raises(NoticeError, match="another district"):
        notice_create(district=world.district, school_year=world.other_year, by=world.admin)


def test_languages_without_default_show_as_missing_not_replaced(world, notice):
    world.district.family_languages = ["en", "es", "vi", "ru"]
    world.district.save()
    versions = {v.code: v for v in language_versions(district=world.district, notice=notice)}
    assert [c for c in versions] == ["en", "es", "vi", "ru"]
    assert versions["vi"].missing and versions["ru"].missing
    assert versions["vi"].translation is None
    assert versions["en"].complete


def test_publish_refuses_an_empty_section_and_saves_nothing(world, notice):
    spanish = notice.translations.get(language="es")
    spanish.limits_text = "   "
    spanish.save()
    with pytest.raises(NoticeError) as error:
        notice_publish(notice=notice, by=world.admin)
    assert "Spanish" in str(error.value)
    assert "what staff do and do not do" in str(error.value)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT
    assert notice.published_at is None


def test_publish_requires_english(world, notice):
    notice.translations.filter(language="en").delete()
    with pytest.raises(NoticeError, match="English"):
        notice_publish(notice=notice, by=world.admin)


def test_publish_then_unpublish_follows_the_state_machine(world, notice):
    published = notice_publish(notice=notice, by=world.admin)
    assert published.status == Notice.Status.PUBLISHED
    assert published.published_by == world.admin
    with pytest.raises(NoticeError, match="already published"):
        notice_publish(notice=published, by=world.admin)
    draft = notice_unpublish(notice=published, by=world.admin)
    assert draft.status == Notice.Status.DRAFT
    with pytest.raises(NoticeError, match="not published"):
        notice_unpublish(notice=draft, by=world.admin)
    # each change is in the history with who made it.
    assert notice.history.count() >= 3


def test_a_published_notice_cannot_lose_a_section(world, notice):
    notice_publish(notice=notice, by=world.admin)
    data = full_text("Neu")
    data["contacts_text"] = ""
    with pytest.raises(NoticeError, match="every field must be filled"):
        notice_translation_save(notice=notice, language="en", data=data, by=world.admin)
    assert notice.translations.get(language="en").contacts_text.startswith("For questions")


def test_a_draft_may_be_saved_incomplete(world, notice):
    world.district.family_languages = ["en", "es", "vi"]
    world.district.save()
    translation = notice_translation_save(
        notice=notice, language="vi", data={"title": "Nhân viên an ninh"}, by=world.admin
    )
    assert translation.language == "vi"
    assert not translation.is_complete


@pytest.mark.parametrize("code", ["xx", "klingon", "", "en-xx-yy"])
def test_a_language_code_that_is_not_a_language_is_refused(world, notice, code):
    with pytest.raises(NoticeError, match="not a language code"):
        notice_translation_save(notice=notice, language=code, data=full_text("x"), by=world.admin)
    assert not NoticeTranslation.objects.filter(language=code).exists()


def test_a_language_the_district_does_not_offer_is_refused(world, notice):
    with pytest.raises(NoticeError, match="district settings"):
        notice_translation_save(notice=notice, language="fr", data=full_text("x"), by=world.admin)


def test_staff_fill_in_is_per_school_and_per_year(world, staffed):
    names_a = [line.name for line in staff_lines(school=world.school_a, school_year=world.year)]
    names_b = [line.name for line in staff_lines(school=world.school_b, school_year=world.year)]
    assert names_a == ["Wei Chen", "Marisol Rivera"]
    assert names_b == ["Ngozi Okafor", "Marisol Rivera"]
    chen = staff_lines(school=world.school_a, school_year=world.year)[0]
    assert str(chen.days_per_week) == "5"
    assert chen.kind == "School security officer"
    assert chen.employer == world.district.name  # employed by the district itself


def test_staff_of_another_year_are_not_listed(world, staffed):
    from tests.factories import SchoolYearFactory
    from tests.notices.factories import StaffAssignmentFactory, StaffMemberFactory

    last_year = SchoolYearFactory(
        district=world.district,
        label="2025-26",
        first_instructional_day="2025-09-03",
        last_instructional_day="2026-06-17",
    )
    former = StaffMemberFactory(district=world.district, first_name="Old", last_name="Timer")
    StaffAssignmentFactory(staff_member=former, school=world.school_a, school_year=last_year)
    this_year = [line.name for line in staff_lines(school=world.school_a, school_year=world.year)]
    assert "Old Timer" not in this_year
    previous = [line.name for line in staff_lines(school=world.school_a, school_year=last_year)]
    assert previous == ["Old Timer"]


def test_the_qr_code_points_at_the_public_complaint_form(world, settings):
    settings.SITE_URL = "https://srp.example.org"
    url = complaint_form_url(world.district)
    assert url == "https://srp.example.org/p/99001/complaints/new/"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "style=" not in svg
    assert svg != qr_svg("https://srp.example.org/p/99002/complaints/new/")
    from notices.selectors import school_notice_context

    notice = notice_create(district=world.district, school_year=world.year, by=world.admin)
    context = school_notice_context(
        notice=notice, translation=notice.translations.get(language="es"), school=world.school_a
    )
    assert context["complaint_url"] == url
    assert context["complaint_qr"] == svg
