"""Public pages (no account): each school's notice per language, and its PDFs (R-17, R-26)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils import translation as django_translation
from django_ratelimit.decorators import ratelimit

from notices.models import Notice, NoticeTranslation
from notices.pdf import render_school_bundle_pdf, render_school_notice_pdf
from notices.selectors import language_versions, school_notice_context, schools_with_staff
from notices.views import notice_filename, pdf_response
from srp.languages import is_language_code, language_name
from srp.models import District, School, SchoolYear

PAGE_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _published(district: District) -> tuple[SchoolYear | None, Notice | None]:
    """The notice families see and its year: the latest published notice of a year that has
    begun. After the rollover the new year's notice is a draft, and the previous year's stays
    up until the new one is published: there is no "not published" gap between years."""
    notice = (
        Notice.objects.published()
        .filter(district=district, school_year__starts_on__lte=timezone.localdate())
        .select_related("school_year", "district")
        .prefetch_related("translations")
        .order_by("-school_year__starts_on")
        .first()
    )
    if notice is None:
        return district.school_year_in_effect(), None
    return notice.school_year, notice


def _school(district: District, year: SchoolYear | None, building_code: str) -> School:
    if year is None:
        raise Http404
    return get_object_or_404(
        schools_with_staff(district=district, school_year=year).select_related("district"),
        building_code=building_code,
    )


def _written(notice: Notice | None, language: str) -> NoticeTranslation | None:
    if notice is None:
        return None
    return next((t for t in notice.translations.all() if t.language == language), None)


@login_not_required
@ratelimit(key="ip", rate=settings.RATELIMIT_PUBLIC_GET, block=True)
def public_index(request: HttpRequest, district_code: str) -> HttpResponse:
    district = get_object_or_404(District, code=district_code)
    year, notice = _published(district)
    schools = list(schools_with_staff(district=district, school_year=year)) if year else []
    versions = language_versions(district=district, notice=notice)
    return render(
        request,
        "notices/public_index.html",
        {
            "district": district,
            "year": year,
            "notice": notice,
            "schools": schools,
            "versions": versions,
            "unwritten": [v for v in versions if not v.complete],
        },
    )


@login_not_required
@ratelimit(key="ip", rate=settings.RATELIMIT_PUBLIC_GET, block=True)
def public_notice(
    request: HttpRequest, district_code: str, building_code: str, language: str
) -> HttpResponse:
    district = get_object_or_404(District, code=district_code)
    if not is_language_code(language):
        raise Http404
    language = language.lower()
    year, notice = _published(district)
    school = _school(district, year, building_code)
    versions = language_versions(district=district, notice=notice)
    for version in versions:
        version.url = reverse(
            "notices_public:notice",
            kwargs={
                "district_code": district.code,
                "building_code": school.building_code,
                "language": version.code,
            },
        )
    translation = _written(notice, language)
    # The page speaks the family's language where the site has it; the notice always does.
    page_language = language if language in PAGE_LANGUAGES else None
    with django_translation.override(page_language or django_translation.get_language()):
        if translation is None or not translation.is_complete:
            # Missing: say so in the page, never fall back silently to another language.
            return render(
                request,
                "notices/public_missing.html",
                {
                    "district": district,
                    "school": school,
                    "year": year,
                    "language_label": language_name(language),
                    "language_code": language,
                    "versions": versions,
                    "notice": notice,
                },
                status=404,
            )
        context = school_notice_context(notice=notice, translation=translation, school=school)
        return render(
            request,
            "notices/public_notice.html",
            {**context, "year": year, "versions": versions},
        )


@login_not_required
@ratelimit(key="ip", rate="30/m", block=True)
def public_pdf(
    request: HttpRequest, district_code: str, building_code: str, language: str
) -> HttpResponse:
    district = get_object_or_404(District, code=district_code)
    if not is_language_code(language):
        raise Http404
    year, notice = _published(district)
    school = _school(district, year, building_code)
    translation = _written(notice, language.lower())
    if translation is None or not translation.is_complete:
        raise Http404
    pdf = render_school_notice_pdf(notice=notice, translation=translation, school=school)
    return pdf_response(pdf, notice_filename(school, year, translation.language))


@login_not_required
@ratelimit(key="ip", rate="10/m", block=True)
def public_bundle(request: HttpRequest, district_code: str, building_code: str) -> HttpResponse:
    district = get_object_or_404(District, code=district_code)
    year, notice = _published(district)
    school = _school(district, year, building_code)
    if notice is None:
        raise Http404
    pdf = render_school_bundle_pdf(notice=notice, school=school)
    return pdf_response(pdf, notice_filename(school, year, "all-languages"))
