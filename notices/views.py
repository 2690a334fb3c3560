"""Staff pages for notices: the year's text, each school's notice and deliveries, the archive."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation as django_translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notices.forms import (
    AddLanguageForm,
    DistributionForm,
    EvidenceForm,
    NoticeTranslationForm,
    PresentationForm,
    WithdrawForm,
)
from notices.models import (
    Delivery,
    DeliveryEvidence,
    Notice,
    NoticeArchive,
    NoticeError,
    NoticeTranslation,
)
from notices.pdf import render_school_bundle_pdf, render_school_notice_pdf
from notices.selectors import (
    delivery_statuses,
    language_versions,
    notice_for,
    school_notice_context,
    year_for_request,
)
from notices.services import (
    archive_request,
    archive_step,
    delivery_add_evidence,
    delivery_record,
    delivery_withdraw,
    notice_create,
    notice_publish,
    notice_translation_save,
    notice_unpublish,
)
from srp.closing import add_reason_field
from srp.history import render_history
from srp.http import AuthenticatedHttpRequest
from srp.languages import is_language_code, is_rtl, language_name
from srp.models import School, SchoolYear
from srp.roles import Role
from srp.rules import show_rule_error
from srp.uploads import serve_upload

# Board members read what is published (reports, adopted agreements, a released board packet,
# whose notice delivery record is frozen in it), not the working pages (SPEC §1).
READ_ROLES = (Role.PROGRAM_ADMIN, Role.PRINCIPAL)
WRITE_ROLES = (Role.PROGRAM_ADMIN, Role.PRINCIPAL)


# Access helpers: one rule per object, default deny ------------------------------------------
def _require_admin(request: AuthenticatedHttpRequest) -> None:
    request.scope.require(Role.PROGRAM_ADMIN)


def get_school_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, write: bool = False
) -> School:
    """A school of the active district the user may see or write (principals: their own).

    403 for roles that may not do this at all; 404 for a school outside their reach.
    """
    scope = request.scope
    scope.require(*(WRITE_ROLES if write else READ_ROLES))
    return scope.get_school(pk, Role.PRINCIPAL)


def get_notice_for_admin(request: AuthenticatedHttpRequest, pk: int) -> Notice:
    _require_admin(request)
    return get_object_or_404(
        Notice.objects.select_related("school_year", "district"),
        pk=pk,
        district=request.scope.district,
    )


def get_delivery_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, write: bool = False
) -> Delivery:
    scope = request.scope
    scope.require(*(WRITE_ROLES if write else READ_ROLES))
    delivery = get_object_or_404(
        Delivery.objects.select_related("school", "school_year", "recorded_by"),
        pk=pk,
        school__district=scope.district,
    )
    if not scope.covers_school(delivery.school_id, Role.PRINCIPAL):
        raise Http404
    return delivery


def _language_or_404(code: str) -> str:
    if not is_language_code(code):
        raise Http404
    return code.lower()


def _visible_school_ids(request: AuthenticatedHttpRequest) -> frozenset[int] | None:
    scope = request.scope
    if scope.is_program_admin:
        return None
    return scope.school_ids(Role.PRINCIPAL)


# The year's notice --------------------------------------------------------------------------
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(*READ_ROLES)
    district = scope.district
    year = year_for_request(district, request.GET.get("year"))
    if request.GET.get("year") and year is None:
        raise Http404
    notice = notice_for(district=district, school_year=year)
    statuses = (
        delivery_statuses(
            district=district, school_year=year, school_ids=_visible_school_ids(request)
        )
        if year
        else []
    )
    archive = (
        NoticeArchive.objects.filter(district=district, school_year=year).first()
        if year and scope.is_program_admin
        else None
    )
    versions = language_versions(district=district, notice=notice)
    context = {
        "year": year,
        "years": SchoolYear.objects.filter(district=district),
        "notice": notice,
        "versions": versions,
        "statuses": statuses,
        "archive": archive,
        "add_language_form": AddLanguageForm(
            district=district, written={v.code for v in versions if not v.missing}
        )
        if notice
        else None,
    }
    return render(request, "notices/index.html", context)


@require_POST
def notice_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    district = request.scope.district
    year = get_object_or_404(SchoolYear, pk=request.POST.get("year") or 0, district=district)
    try:
        notice = notice_create(district=district, school_year=year, by=request.user)
    except NoticeError as exc:
        show_rule_error(request, None, exc)
        return redirect(f"{reverse('notices:index')}?year={year.pk}")
    messages.success(
        request,
        _("The %(year)s notice was started from the default text. Edit it, then publish it.")
        % {"year": year.label},
    )
    return redirect(f"{reverse('notices:index')}?year={notice.school_year_id}")


def translation_edit(request: AuthenticatedHttpRequest, pk: int, language: str) -> HttpResponse:
    notice = get_notice_for_admin(request, pk)
    language = _language_or_404(language)
    if (
        language not in (notice.district.family_languages or [])
        and not notice.translations.filter(language=language).exists()
    ):
        raise Http404
    instance = NoticeTranslation.objects.filter(notice=notice, language=language).first()
    form = NoticeTranslationForm(
        request.POST or None, instance=instance, language=language, rtl=is_rtl(language)
    )
    back = f"{reverse('notices:index')}?year={notice.school_year_id}"
    if request.method == "POST" and form.is_valid():
        try:
            notice_translation_save(
                notice=notice, language=language, data=form.cleaned_data, by=request.user
            )
        except NoticeError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(
                request,
                _("The notice in %(language)s was saved.") % {"language": language_name(language)},
            )
            return redirect(back)
    return render(
        request,
        "notices/translation_form.html",
        {
            "form": form,
            "notice": notice,
            "language": language,
            "language_label": language_name(language),
            "back_url": back,
            "history_url": reverse("notices:translation_history", args=[instance.pk])
            if instance
            else "",
        },
    )


@require_POST
def translation_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_admin(request, pk)
    written = set(notice.translations.values_list("language", flat=True))
    form = AddLanguageForm(request.POST, district=notice.district, written=written)
    if form.is_valid():
        return redirect(
            "notices:translation_edit", pk=notice.pk, language=form.cleaned_data["language"]
        )
    for error in form.errors.get("language", []):
        messages.error(request, error)
    return redirect(f"{reverse('notices:index')}?year={notice.school_year_id}")


@require_POST
def notice_publish_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_admin(request, pk)
    try:
        notice_publish(notice=notice, by=request.user)
    except NoticeError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request, _("The notice is published: every school's public page shows it.")
        )
    return redirect(f"{reverse('notices:index')}?year={notice.school_year_id}")


@require_POST
def notice_unpublish_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_admin(request, pk)
    try:
        notice_unpublish(notice=notice, by=request.user)
    except NoticeError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request, _("The notice is back to draft; the public pages no longer show it.")
        )
    return redirect(f"{reverse('notices:index')}?year={notice.school_year_id}")


def notice_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_admin(request, pk)
    return render_history(
        request, notice, back_url=f"{reverse('notices:index')}?year={notice.school_year_id}"
    )


def translation_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    translation = get_object_or_404(
        NoticeTranslation.objects.select_related("notice"),
        pk=pk,
        notice__district=request.scope.district,
    )
    return render_history(
        request,
        translation,
        back_url=reverse(
            "notices:translation_edit", args=[translation.notice_id, translation.language]
        ),
    )


# Each school --------------------------------------------------------------------------------
def _year_or_404(request: AuthenticatedHttpRequest) -> SchoolYear:
    year = year_for_request(request.scope.district, request.GET.get("year"))
    if year is None:
        raise Http404
    return year


def school_detail(request: AuthenticatedHttpRequest, school_pk: int) -> HttpResponse:
    school = get_school_for_user(request, school_pk)
    year = _year_or_404(request)
    notice = notice_for(district=school.district, school_year=year)
    statuses = delivery_statuses(district=school.district, school_year=year, school_ids={school.pk})
    deliveries = (
        Delivery.objects.filter(school=school, school_year=year)
        .select_related("recorded_by")
        .prefetch_related("evidence")
    )
    scope = request.scope
    can_write = scope.is_program_admin or school.pk in scope.school_ids(Role.PRINCIPAL)
    return render(
        request,
        "notices/school_detail.html",
        {
            "school": school,
            "year": year,
            "notice": notice,
            "versions": language_versions(district=school.district, notice=notice),
            "status": statuses[0] if statuses else None,
            "deliveries": deliveries,
            "can_write": can_write,
        },
    )


def _translation_or_404(notice: Notice | None, language: str) -> NoticeTranslation:
    if notice is None:
        raise Http404
    for translation in notice.translations.all():
        if translation.language == language:
            return translation
    raise Http404


def school_preview(
    request: AuthenticatedHttpRequest, school_pk: int, language: str
) -> HttpResponse:
    school = get_school_for_user(request, school_pk)
    year = _year_or_404(request)
    language = _language_or_404(language)
    notice = notice_for(district=school.district, school_year=year)
    translation = _translation_or_404(notice, language)
    with django_translation.override(language):
        context = school_notice_context(notice=notice, translation=translation, school=school)
    return render(
        request,
        "notices/school_preview.html",
        {
            **context,
            "year": year,
            "versions": language_versions(district=school.district, notice=notice),
        },
    )


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def notice_filename(school: School, year: SchoolYear, suffix: str) -> str:
    return f"notice-{year.label}-{school.building_code}-{slugify(school.name)}-{suffix}.pdf"


def school_pdf(request: AuthenticatedHttpRequest, school_pk: int, language: str) -> HttpResponse:
    school = get_school_for_user(request, school_pk)
    year = _year_or_404(request)
    language = _language_or_404(language)
    notice = notice_for(district=school.district, school_year=year)
    translation = _translation_or_404(notice, language)
    pdf = render_school_notice_pdf(notice=notice, translation=translation, school=school)
    return pdf_response(pdf, notice_filename(school, year, language))


def school_bundle_pdf(request: AuthenticatedHttpRequest, school_pk: int) -> HttpResponse:
    school = get_school_for_user(request, school_pk)
    year = _year_or_404(request)
    notice = notice_for(district=school.district, school_year=year)
    if notice is None or not notice.translations.exists():
        raise Http404
    pdf = render_school_bundle_pdf(notice=notice, school=school)
    return pdf_response(pdf, notice_filename(school, year, "all-languages"))


# Deliveries ---------------------------------------------------------------------------------
def delivery_create(request: AuthenticatedHttpRequest, school_pk: int, kind: str) -> HttpResponse:
    school = get_school_for_user(request, school_pk, write=True)
    if kind not in Delivery.Kind.values:
        raise Http404
    year = _year_or_404(request)
    if kind == Delivery.Kind.PRESENTATION:
        form = PresentationForm(request.POST or None, request.FILES or None, school_year=year)
        title = _("Record the presentation to students")
    else:
        form = DistributionForm(
            request.POST or None, request.FILES or None, school_year=year, district=school.district
        )
        title = _("Record the distribution to families")
    if year.is_closed:
        add_reason_field(form, required=True)
    back = f"{reverse('notices:school', args=[school.pk])}?year={year.pk}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delivery = delivery_record(
                school=school,
                school_year=year,
                kind=kind,
                delivered_on=data["delivered_on"],
                by=request.user,
                audience=data.get("audience", ""),
                presenter=data.get("presenter", ""),
                presentation_format=data.get("presentation_format", ""),
                channels=data.get("channels", []),
                languages=data.get("languages", []),
                notes=data.get("notes", ""),
                evidence=data.get("evidence", []),
                reason=data.get("reason", ""),
            )
        except NoticeError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(
                request, _("Recorded: %(delivery)s.") % {"delivery": delivery.get_kind_display()}
            )
            return redirect(back)
    return render(
        request,
        "notices/delivery_form.html",
        {"form": form, "title": title, "school": school, "year": year, "back_url": back},
    )


def delivery_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request, pk)
    scope = request.scope
    can_write = scope.is_program_admin or delivery.school_id in scope.school_ids(Role.PRINCIPAL)
    return render(
        request,
        "notices/delivery_detail.html",
        {
            "delivery": delivery,
            "evidence": delivery.evidence.select_related("uploaded_by"),
            "can_write": can_write and delivery.status == Delivery.Status.RECORDED,
            "evidence_form": EvidenceForm(),
            "withdraw_form": WithdrawForm(),
            "languages": [language_name(code) for code in delivery.languages],
        },
    )


@require_POST
def delivery_evidence_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request, pk, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            delivery_add_evidence(
                delivery=delivery, files=form.cleaned_data["evidence"], by=request.user
            )
        except NoticeError as exc:
            show_rule_error(request, None, exc)
        else:
            messages.success(request, _("Evidence added."))
            return redirect("notices:delivery", pk=delivery.pk)
    else:
        for error in form.errors.get("evidence", []):
            messages.error(request, error)
    return redirect("notices:delivery", pk=delivery.pk)


@require_POST
def delivery_withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request, pk, write=True)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this delivery is withdrawn."))
        return redirect("notices:delivery", pk=delivery.pk)
    try:
        delivery_withdraw(delivery=delivery, reason=form.cleaned_data["reason"], by=request.user)
    except NoticeError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(request, _("The delivery was withdrawn; it no longer counts."))
    return redirect("notices:delivery", pk=delivery.pk)


def evidence_download(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request, pk)
    evidence = get_object_or_404(DeliveryEvidence, pk=evidence_pk, delivery=delivery)
    return serve_upload(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


def delivery_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request, pk)
    return render_history(request, delivery, back_url=reverse("notices:delivery", args=[pk]))


# The district-wide archive ------------------------------------------------------------------
def _archive_json(archive: NoticeArchive) -> dict:
    return {
        "status": archive.status,
        "status_label": archive.get_status_display(),
        "done": archive.done,
        "total": archive.total,
        "percent": archive.percent,
        "download_url": reverse("notices:archive_download", args=[archive.pk])
        if archive.status == NoticeArchive.Status.READY
        else "",
        "error": bool(archive.error),
    }


def get_archive_for_admin(request: AuthenticatedHttpRequest, pk: int) -> NoticeArchive:
    _require_admin(request)
    return get_object_or_404(
        NoticeArchive.objects.select_related("school_year", "district"),
        pk=pk,
        district=request.scope.district,
    )


@require_POST
def archive_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    district = request.scope.district
    year = get_object_or_404(SchoolYear, pk=request.POST.get("year") or 0, district=district)
    try:
        archive = archive_request(district=district, school_year=year, by=request.user)
    except NoticeError as exc:
        show_rule_error(request, None, exc)
        return redirect(f"{reverse('notices:index')}?year={year.pk}")
    return redirect("notices:archive", pk=archive.pk)


def archive_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    archive = get_archive_for_admin(request, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(_archive_json(archive))
    return render(
        request, "notices/archive.html", {"archive": archive, "state": _archive_json(archive)}
    )


@require_POST
def archive_step_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    archive = archive_step(archive=get_archive_for_admin(request, pk))
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(_archive_json(archive))
    return redirect("notices:archive", pk=archive.pk)


def archive_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    archive = get_archive_for_admin(request, pk)
    if archive.status != NoticeArchive.Status.READY:
        raise Http404
    return serve_upload(
        archive.file,
        filename=f"notices-{archive.district.code}-{archive.school_year.label}.zip",
        content_type="application/zip",
    )
