"""Pages for providers, agreements, the staff roster and training compliance.

Every object comes through a scope-checked helper in `agreements.access`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import services
from agreements.access import (
    AGREEMENT_READERS,
    PROVIDER_READERS,
    STAFF_READERS,
    agreements_for,
    get_agreement_for_user,
    get_provider_for_user,
    get_staff_for_user,
    providers_for,
    require_writer,
    sees_work_in_progress,
    staff_for,
)
from agreements.filters import AgreementFilter, StaffFilter
from agreements.forms import (
    AccountInviteForm,
    AccountLinkForm,
    AdoptForm,
    AgreementForm,
    AnnualReviewForm,
    AssignmentCorrectForm,
    AssignmentEndForm,
    AssignmentForm,
    DocumentForm,
    EngagementEventCorrectForm,
    EngagementEventForm,
    EsdDocumentationCorrectForm,
    EsdDocumentationForm,
    EvaluationCorrectForm,
    EvaluationForm,
    HiringRecordCorrectForm,
    HiringRecordForm,
    ProviderForm,
    StaffMemberForm,
    TrainingRecordCorrectForm,
    TrainingRecordForm,
    VoidForm,
    element_formset,
)
from agreements.models import (
    Agreement,
    AnnualReview,
    EngagementAttachment,
    EngagementEvent,
    EsdDocumentation,
    HiringRecord,
    PerformanceEvaluation,
    Provider,
    StaffAssignment,
    StaffMember,
    TrainingRecord,
    TrainingTopic,
)
from agreements.selectors import account_to_offer, provider_ids_with_agreement_in_force
from agreements.services import MANUAL_TRANSITIONS, TRANSITIONS, AgreementError
from agreements.training import STATE_LABELS, State, status_from_counts, training_status
from srp.csv_export import csv_response
from srp.history import render_history
from srp.http import AuthenticatedHttpRequest
from srp.models import Membership, School
from srp.roles import Role
from srp.rules import show_rule_error
from srp.uploads import serve_upload

PAGE_SIZE = 50


def _form_page(
    request: HttpRequest, form: forms.BaseForm, title: str, back_url: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "agreements/form_page.html",
        {"form": form, "title": title, "back_url": back_url, **extra},
    )


# Providers --------------------------------------------------------------------------------------
def provider_list(request: HttpRequest) -> HttpResponse:
    request.scope.require(*PROVIDER_READERS)
    in_force = provider_ids_with_agreement_in_force(request.scope.district)
    providers = providers_for(request.scope).annotate(
        staff_count=Count("staff_members", distinct=True),
        agreement_count=Count("agreements", distinct=True),
    )
    return render(
        request, "agreements/provider_list.html", {"providers": providers, "in_force": in_force}
    )


def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request, pk)
    agreements = agreements_for(request.scope).filter(provider=provider)
    staff = staff_for(request.scope).filter(employer=provider)
    liaisons = provider.liaison_links.select_related("membership__user")
    candidates = []
    if request.scope.is_program_admin:
        candidates = (
            Membership.objects.active()
            .filter(district=request.scope.district, role=Role.AGENCY_LIAISON)
            .select_related("user")
        )
    return render(
        request,
        "agreements/provider_detail.html",
        {
            "provider": provider,
            "agreements": agreements,
            "staff": staff,
            "liaisons": liaisons,
            "candidates": candidates,
        },
    )


def provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = require_writer(request)
    provider = get_provider_for_user(request, pk, write=True) if pk else None
    form = ProviderForm(request.POST or None, instance=provider, district=scope.district)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ProviderForm.Meta.fields}
        try:
            provider = services.provider_save(district=scope.district, provider=provider, **data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Provider saved."))
            return redirect("agreements:provider_detail", pk=provider.pk)
    back = (
        reverse("agreements:provider_detail", args=[provider.pk])
        if provider
        else reverse("agreements:provider_list")
    )
    title = _("Edit provider") if provider else _("Add a provider")
    return _form_page(request, form, title, back)


@require_POST
def provider_liaison_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link an agency liaison of the district to this provider (they then see its records)."""
    scope = require_writer(request)
    provider = get_provider_for_user(request, pk, write=True)
    membership = get_object_or_404(
        Membership,
        pk=request.POST.get("membership") or 0,
        district=scope.district,
        role=Role.AGENCY_LIAISON,
    )
    try:
        services.liaison_link_set(membership=membership, provider=provider)
    except AgreementError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request,
            _("%(user)s now speaks for %(provider)s.")
            % {"user": membership.user, "provider": provider.name},
        )
    return redirect("agreements:provider_detail", pk=provider.pk)


def provider_history(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    provider = get_provider_for_user(request, pk)
    return render_history(
        request, provider, back_url=reverse("agreements:provider_detail", args=[pk])
    )


# Agreements -------------------------------------------------------------------------------------
AGREEMENT_CSV_HEADER = [
    "title",
    "provider",
    "status",
    "effective_from",
    "effective_until",
    "adopted_on",
    "board_action",
    "review_due_on",
    "elements_present",
]


def agreement_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(*AGREEMENT_READERS)
    queryset = (
        agreements_for(scope)
        .select_related("provider")
        .annotate(present_count=Count("elements", filter=Q(elements__present=True)))
        .order_by("provider__name", "-effective_from", "pk")
    )
    # Board members see no provider records, only the providers of the agreements they read.
    providers = Provider.objects.filter(
        district=scope.district, pk__in=agreements_for(scope).values("provider_id")
    )
    filterset = AgreementFilter(
        request.GET or None, queryset=queryset, district=scope.district, providers=providers
    )
    agreements = filterset.qs
    if request.GET.get("format") == "csv":
        rows = (
            [
                a.title,
                a.provider.name,
                a.get_status_display(),
                a.effective_from,
                a.effective_until,
                a.adopted_on,
                a.board_action,
                a.review_due_on,
                a.present_count,
            ]
            for a in agreements.iterator()
        )
        return csv_response("agreements.csv", AGREEMENT_CSV_HEADER, rows)
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/agreement_list.html",
        {"page": page, "filter": filterset, "today": timezone.localdate()},
    )


def agreement_create(request: HttpRequest) -> HttpResponse:
    scope = require_writer(request)
    form = AgreementForm(request.POST or None, district=scope.district)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(district=scope.district, **form.cleaned_data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Agreement created. Mark its required elements next."))
            return redirect("agreements:agreement_checklist", pk=agreement.pk)
    return _form_page(request, form, _("New agreement"), reverse("agreements:agreement_list"))


def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_writer(request)
    agreement = get_agreement_for_user(request, pk, write=True)
    initial = {
        "provider": agreement.provider_id,
        "title": agreement.title,
        "effective_from": agreement.effective_from,
        "effective_until": agreement.effective_until,
    }
    form = AgreementForm(request.POST or None, initial=initial, district=scope.district)
    form.fields["provider"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_update(
                agreement=agreement,
                title=data["title"],
                effective_from=data["effective_from"],
                effective_until=data["effective_until"],
            )
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return _form_page(
        request,
        form,
        _("Edit agreement"),
        reverse("agreements:agreement_detail", args=[pk]),
        history_url=reverse("agreements:agreement_history", args=[pk]),
    )


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk)
    elements = list(agreement.elements.all())
    reviews_qs = agreement.reviews.all()
    if not sees_work_in_progress(request.scope, agreement):
        reviews_qs = reviews_qs.filter(status=AnnualReview.Status.ADOPTED)
    reviews = list(
        reviews_qs.select_related("school_year").prefetch_related(
            Prefetch("events", queryset=EngagementEvent.objects.prefetch_related("attachments"))
        )
    )
    for review in reviews:
        events = [e for e in review.events.all() if e.voided_at is None]
        review.totals = {
            "parents": sum(e.parents for e in events),
            "students": sum(e.students for e in events),
            "community_members": sum(e.community_members for e in events),
        }
        review.gaps = [k for k, v in review.totals.items() if not v]
    can_write = request.scope.is_program_admin and agreement.status != Agreement.Status.ENDED
    transitions = [
        (status, label)
        for status, label in MANUAL_TRANSITIONS.items()
        if status in TRANSITIONS[agreement.status]
    ]
    missing = [e for e in elements if not e.present]
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "elements": elements,
            "missing": missing,
            "present_count": len(elements) - len(missing),
            "reviews": reviews,
            "adoptions": agreement.adoptions.select_related("review__school_year"),
            "can_write": can_write,
            "transitions": transitions if can_write else [],
            "can_adopt": can_write
            and agreement.status in (Agreement.Status.READY, *Agreement.IN_FORCE_STATUSES),
            "today": timezone.localdate(),
        },
    )


def agreement_history(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    agreement = get_agreement_for_user(request, pk)
    return render_history(
        request, agreement, back_url=reverse("agreements:agreement_detail", args=[pk])
    )


def agreement_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    agreement = get_agreement_for_user(request, pk, write=True)
    formset = element_formset(agreement, request.POST or None)
    if request.method == "POST" and formset.is_valid():
        codes = {e.code for e in agreement.elements.all()}
        items = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("code") in codes]
        try:
            services.agreement_elements_save(agreement=agreement, elements=items)
        except AgreementError as exc:
            show_rule_error(request, None, exc)
        else:
            missing = services.missing_elements(agreement)
            if missing:
                messages.warning(
                    request,
                    _("Checklist saved; %(n)s element(s) still missing.") % {"n": len(missing)},
                )
            else:
                messages.success(request, _("Checklist saved; every required element is present."))
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "agreements/agreement_checklist.html",
        {"agreement": agreement, "formset": formset},
    )


@require_POST
def agreement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    agreement = get_agreement_for_user(request, pk, write=True)
    target = request.POST.get("to", "")
    if target not in MANUAL_TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return redirect("agreements:agreement_detail", pk=agreement.pk)
    try:
        agreement = services.agreement_transition(agreement=agreement, to=target, by=request.user)
    except AgreementError as exc:
        show_rule_error(request, None, exc)
    else:
        messages.success(
            request,
            _("The agreement is now “%(status)s”.") % {"status": agreement.get_status_display()},
        )
    return redirect("agreements:agreement_detail", pk=agreement.pk)


def agreement_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    agreement = get_agreement_for_user(request, pk, write=True)
    form = AdoptForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_adopt(agreement=agreement, by=request.user, **form.cleaned_data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            agreement.refresh_from_db()
            messages.success(
                request,
                _("Adoption recorded. The next review is due on %(date)s.")
                % {"date": agreement.review_due_on.isoformat()},
            )
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return _form_page(
        request,
        form,
        _("Record the board's adoption"),
        reverse("agreements:agreement_detail", args=[pk]),
        intro=_(
            "Adoption needs every required element marked present and an annual review that "
            "involved parents, students and community members."
        ),
        missing=services.missing_elements(agreement),
    )


def agreement_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    agreement = get_agreement_for_user(request, pk, write=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_document_upload(
                agreement=agreement, upload=form.cleaned_data["document"]
            )
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Signed agreement uploaded."))
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return _form_page(
        request,
        form,
        _("Upload the signed agreement"),
        reverse("agreements:agreement_detail", args=[pk]),
    )


def agreement_document(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk)
    if not agreement.document:
        raise Http404
    return serve_upload(
        agreement.document,
        filename=agreement.document_name or "agreement.pdf",
        content_type="application/pdf",
    )


def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    agreement = get_agreement_for_user(request, pk, write=True)
    form = AnnualReviewForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.annual_review_open(agreement=agreement, **form.cleaned_data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Annual review opened. Record its engagement events."))
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return _form_page(
        request, form, _("Open an annual review"), reverse("agreements:agreement_detail", args=[pk])
    )


def _get_review(request: HttpRequest, pk: int, review_pk: int, *, write: bool) -> AnnualReview:
    agreement = get_agreement_for_user(request, pk, write=write)
    return get_object_or_404(
        AnnualReview.objects.select_related("school_year", "agreement"),
        pk=review_pk,
        agreement=agreement,
    )


def event_create(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    require_writer(request)
    review = _get_review(request, pk, review_pk, write=True)
    form = EngagementEventForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_event_add(review=review, **form.cleaned_data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Engagement event recorded."))
            return redirect("agreements:agreement_detail", pk=pk)
    return _form_page(
        request,
        form,
        _("Record an engagement event (%(year)s review)") % {"year": review.school_year.label},
        reverse("agreements:agreement_detail", args=[pk]),
    )


def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk)
    attachments = EngagementAttachment.objects.filter(event__review__agreement=agreement)
    if not sees_work_in_progress(request.scope, agreement):
        attachments = attachments.filter(event__review__status=AnnualReview.Status.ADOPTED)
    if not request.scope.is_program_admin:
        # A voided file (or one of a voided event) is kept for the audit, not offered to readers.
        attachments = attachments.live().filter(event__voided_at__isnull=True)
    attachment = get_object_or_404(attachments, pk=attachment_pk)
    return serve_upload(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


# Staff ------------------------------------------------------------------------------------------
STAFF_CSV_HEADER = [
    "last_name",
    "first_name",
    "kind",
    "commissioned",
    "employer",
    "badge_number",
    "active_from",
    "active_until",
    "first_day_on_campus",
    "schools_days_per_week",
    "total_days_per_week",
    "agreement_in_force",
]


def _staff_listing(request: HttpRequest) -> tuple[Any, StaffFilter, Any, set[int]]:
    scope = request.scope
    district = scope.district
    year = district.current_school_year()
    schools = School.objects.filter(district=district)
    if not scope.has(Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON):
        schools = schools.filter(pk__in=scope.school_ids(Role.PRINCIPAL))
    queryset = (
        staff_for(scope)
        .select_related("employer")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=StaffAssignment.objects.filter(school_year=year).select_related("school"),
                to_attr="current_assignments",
            )
        )
        .order_by("last_name", "first_name", "pk")
    )
    filterset = StaffFilter(
        request.GET or None,
        queryset=queryset,
        district=district,
        providers=providers_for(scope)
        if scope.has(Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON)
        else providers_for(scope).none(),
        schools=schools,
        year=year,
    )
    in_force = provider_ids_with_agreement_in_force(district)
    return filterset.qs, filterset, year, in_force


def _without_agreement(staff: StaffMember, in_force: set[int]) -> bool:
    return staff.employer_id is not None and staff.employer_id not in in_force


def staff_list(request: HttpRequest) -> HttpResponse:
    request.scope.require(*STAFF_READERS)
    staff, filterset, year, in_force = _staff_listing(request)
    if request.GET.get("format") == "csv":

        def rows() -> Any:
            for s in staff:
                yield [
                    s.last_name,
                    s.first_name,
                    s.get_kind_display(),
                    "yes" if s.commissioned else "no",
                    s.employer.name if s.employer else "district",
                    s.badge_number,
                    s.active_from,
                    s.active_until,
                    s.first_day_on_campus,
                    "; ".join(
                        f"{a.school.building_code} {a.days_per_week}" for a in s.current_assignments
                    ),
                    sum(a.days_per_week for a in s.current_assignments),
                    "n/a"
                    if s.employer_id is None
                    else ("no" if _without_agreement(s, in_force) else "yes"),
                ]

        return csv_response("staff.csv", STAFF_CSV_HEADER, rows())
    today = timezone.localdate()
    # Training state counted in the database (no training rows loaded): "done late (N days)"
    # shows on the roster as on the staff member's page.
    page = Paginator(staff.with_training_counts(today), PAGE_SIZE).get_page(request.GET.get("page"))
    for s in page.object_list:
        s.without_agreement = _without_agreement(s, in_force)
        s.total_days = sum(a.days_per_week for a in s.current_assignments)
        s.training = status_from_counts(s, today)
    return render(
        request,
        "agreements/staff_list.html",
        {"page": page, "filter": filterset, "year": year, "today": timezone.localdate()},
    )


def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_staff_for_user(request, pk)
    staff = (
        StaffMember.objects.filter(pk=staff.pk)
        .select_related("employer", "user")
        .prefetch_related("training_records", "esd_documents")
        .get()
    )
    today = timezone.localdate()
    records = list(staff.training_records.all())
    live = [r for r in records if r.voided_at is None]
    topic_dates = {r.topic: r for r in live if r.kind == TrainingRecord.Kind.CLASSROOM}
    in_force = provider_ids_with_agreement_in_force(staff.district)
    return render(
        request,
        "agreements/staff_detail.html",
        {
            "staff": staff,
            "status": training_status(staff, today),
            "topics": [(label, topic_dates.get(code)) for code, label in TrainingTopic.choices],
            "other_records": [r for r in live if r.kind != TrainingRecord.Kind.CLASSROOM],
            "voided_records": [r for r in records if r.voided_at is not None],
            "today": today,
            "assignments": staff.assignments.select_related("school", "school_year").order_by(
                "-school_year__starts_on", "school__name"
            ),
            "hiring_records": staff.hiring_records.select_related("school", "agreement"),
            "evaluations": staff.evaluations.select_related("agreement"),
            "without_agreement": _without_agreement(staff, in_force),
            "can_write": request.scope.is_program_admin,
            **(_account_card(staff) if request.scope.is_program_admin else {}),
        },
    )


def _account_card(staff: StaffMember) -> dict[str, Any]:
    """The "Sign-in account" card: the link, or an account with the same email OFFERED for
    linking (never linked silently), and the forms to link another account or invite one."""
    if staff.user_id is not None:
        person = (
            Membership.objects.filter(user_id=staff.user_id, district_id=staff.district_id)
            .order_by("role")
            .first()
        )
        return {"account_person": person}
    return {
        "account_offer": account_to_offer(staff),
        "link_form": AccountLinkForm(district=staff.district),
        "invite_form": AccountInviteForm(initial={"email": staff.email}),
    }


def _account_step(request: AuthenticatedHttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    require_writer(request)
    staff = get_staff_for_user(request, pk, write=True)
    try:
        message = run(staff)
    except AgreementError as exc:
        show_rule_error(request, None, exc)
    else:
        if message:
            messages.error(request, message)
        else:
            messages.success(request, done % {"name": staff.full_name})
    return redirect("agreements:staff_detail", pk=staff.pk)


@require_POST
def staff_account_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Link the roster entry to an account of the district (the one offered, or one chosen)."""

    def run(staff: StaffMember) -> str:
        form = AccountLinkForm(request.POST, district=staff.district)
        if not form.is_valid():
            return _("Choose an account of the district that is not linked to another entry.")
        services.staff_member_link_account(
            staff_member=staff, user=form.cleaned_data["user"], by=request.user
        )
        return ""

    return _account_step(request, pk, run, _("%(name)s is now linked to their sign-in account."))


@require_POST
def staff_account_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invite the roster entry's person by email and link the account."""

    def run(staff: StaffMember) -> str:
        form = AccountInviteForm(request.POST)
        if not form.is_valid():
            return _("Enter a valid email address.")
        services.staff_member_invite(
            staff_member=staff, email=form.cleaned_data["email"], by=request.user
        )
        return ""

    return _account_step(
        request,
        pk,
        run,
        _("%(name)s is linked to the account and was emailed a link to sign in."),
    )


@require_POST
def staff_account_unlink(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def run(staff: StaffMember) -> str:
        services.staff_member_unlink_account(staff_member=staff, by=request.user)
        return ""

    return _account_step(request, pk, run, _("%(name)s is no longer linked to an account."))


def staff_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = require_writer(request)
    staff = get_staff_for_user(request, pk, write=True) if pk else None
    form = StaffMemberForm(request.POST or None, instance=staff, district=scope.district)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in StaffMemberForm.Meta.fields}
        try:
            staff = services.staff_member_save(district=scope.district, staff_member=staff, **data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Staff member saved."))
            return redirect("agreements:staff_detail", pk=staff.pk)
    back = (
        reverse("agreements:staff_detail", args=[staff.pk])
        if staff
        else reverse("agreements:staff_list")
    )
    return _form_page(
        request,
        form,
        _("Edit staff member") if staff else _("Add a staff member"),
        back,
        history_url=reverse("agreements:staff_history", args=[staff.pk]) if staff else "",
    )


def staff_history(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    staff = get_staff_for_user(request, pk)
    return render_history(request, staff, back_url=reverse("agreements:staff_detail", args=[pk]))


def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_writer(request)
    staff = get_staff_for_user(request, pk, write=True)
    form = AssignmentForm(request.POST or None, district=scope.district)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_assignment_save(staff_member=staff, by=request.user, **form.cleaned_data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("agreements:staff_detail", pk=staff.pk)
    return _form_page(
        request,
        form,
        _("Assign %(name)s to a school") % {"name": staff.full_name},
        reverse("agreements:staff_detail", args=[pk]),
    )


def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    staff = get_staff_for_user(request, pk, write=True)
    form = TrainingRecordForm(request.POST or None, staff_member=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record_add(staff_member=staff, by=request.user, **form.cleaned_data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("agreements:staff_detail", pk=staff.pk)
    return _form_page(
        request,
        form,
        _("Record training for %(name)s") % {"name": staff.full_name},
        reverse("agreements:staff_detail", args=[pk]),
    )


def esd_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    staff = get_staff_for_user(request, pk, write=True)
    form = EsdDocumentationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.esd_documentation_add(
                staff_member=staff,
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                upload=data["file"],
            )
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("ESD documentation saved."))
            return redirect("agreements:staff_detail", pk=staff.pk)
    return _form_page(
        request,
        form,
        _("ESD training documentation for %(name)s") % {"name": staff.full_name},
        reverse("agreements:staff_detail", args=[pk]),
    )


def esd_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    staff = get_staff_for_user(request, pk)
    document = get_object_or_404(EsdDocumentation, pk=document_pk, staff_member=staff)
    return serve_upload(
        document.file, filename=document.original_name, content_type="application/pdf"
    )


def hiring_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    staff = get_staff_for_user(request, pk, write=True)
    form = HiringRecordForm(request.POST or None, staff_member=staff)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in HiringRecordForm.Meta.fields}
        try:
            services.hiring_record_add(staff_member=staff, **data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Hiring or placement record saved."))
            return redirect("agreements:staff_detail", pk=staff.pk)
    return _form_page(
        request,
        form,
        _("Hiring or placement of %(name)s") % {"name": staff.full_name},
        reverse("agreements:staff_detail", args=[pk]),
    )


def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_writer(request)
    staff = get_staff_for_user(request, pk, write=True)
    form = EvaluationForm(request.POST or None, staff_member=staff)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in EvaluationForm.Meta.fields}
        try:
            services.evaluation_add(staff_member=staff, **data)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Evaluation saved."))
            return redirect("agreements:staff_detail", pk=staff.pk)
    return _form_page(
        request,
        form,
        _("Performance evaluation of %(name)s") % {"name": staff.full_name},
        reverse("agreements:staff_detail", args=[pk]),
    )


# Corrections, voids and ended assignments -------------------------------------------------------
# Every record is corrected (with a reason kept in its history) or, where it must stay as first
# written, voided with a reason; an assignment ends with a date. Nothing here deletes a row.
STAFF_RECORDS: dict[str, type[models.Model]] = {
    "assignments": StaffAssignment,
    "training": TrainingRecord,
    "esd": EsdDocumentation,
    "hiring": HiringRecord,
    "evaluations": PerformanceEvaluation,
}


def _staff_record(
    request: AuthenticatedHttpRequest, pk: int, kind: str, record_pk: int
) -> tuple[Any, Any]:
    """The staff member (scope-checked for writing: 404 outside it, 403 for readers) and one of
    their records of that kind (404 when it is someone else's)."""
    require_writer(request)
    staff = get_staff_for_user(request, pk, write=True)
    record = get_object_or_404(STAFF_RECORDS[kind], pk=record_pk, staff_member=staff)
    return staff, record


def _correction_page(
    request: AuthenticatedHttpRequest,
    form: forms.BaseForm,
    *,
    run: Any,
    title: str,
    back_url: str,
    history_url: str,
    done: str,
    intro: str = "",
) -> HttpResponse:
    """Bind, validate, call the service with the reason; a rule error lands on its field and
    nothing is saved."""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            run(data, reason)
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, done)
            return redirect(back_url)
    return _form_page(request, form, title, back_url, history_url=history_url, intro=intro)


def _record_history_url(pk: int, kind: str, record_pk: int) -> str:
    return reverse("agreements:staff_record_history", args=[pk, kind, record_pk])


def staff_record_history(
    request: AuthenticatedHttpRequest, pk: int, kind: str, record_pk: int
) -> HttpResponse:
    if kind not in STAFF_RECORDS:
        raise Http404
    require_writer(request)
    staff = get_staff_for_user(request, pk)
    record = get_object_or_404(STAFF_RECORDS[kind], pk=record_pk, staff_member=staff)
    return render_history(
        request,
        record,
        back_url=reverse("agreements:staff_detail", args=[pk]),
        title=f"{staff.full_name}: {record}",
    )


def _void_page(
    request: AuthenticatedHttpRequest,
    *,
    record: Any,
    void: Any,
    title: str,
    back_url: str,
    history_url: str,
) -> HttpResponse:
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            void(record=record, by=request.user, reason=form.cleaned_data["reason"])
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Record voided. It stays on the page, struck through."))
            return redirect(back_url)
    intro = _(
        "A voided record is kept, shown struck through with the reason, and counts for nothing."
    )
    return _form_page(request, form, title, back_url, history_url=history_url, intro=intro)


def _staff_back(pk: int) -> str:
    return reverse("agreements:staff_detail", args=[pk])


def assignment_correct(
    request: AuthenticatedHttpRequest, pk: int, assignment_pk: int
) -> HttpResponse:
    staff, assignment = _staff_record(request, pk, "assignments", assignment_pk)
    form = AssignmentCorrectForm(
        request.POST or None,
        district=staff.district,
        initial={"school": assignment.school_id, "days_per_week": assignment.days_per_week},
    )
    return _correction_page(
        request,
        form,
        run=lambda data, reason: services.staff_assignment_correct(
            assignment=assignment, by=request.user, reason=reason, **data
        ),
        title=_("Correct the assignment of %(name)s (%(year)s)")
        % {"name": staff.full_name, "year": assignment.school_year.label},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "assignments", assignment_pk),
        done=_("Assignment corrected."),
    )


def assignment_end(request: AuthenticatedHttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """End an assignment with its last day (it stays in its year's records and reports)."""
    staff, assignment = _staff_record(request, pk, "assignments", assignment_pk)
    year = assignment.school_year
    today = timezone.localdate()
    form = AssignmentEndForm(request.POST or None, initial={"ended_on": min(today, year.ends_on)})
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_assignment_end(
                assignment=assignment,
                by=request.user,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except AgreementError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Assignment ended."))
            return redirect("agreements:staff_detail", pk=staff.pk)
    return _form_page(
        request,
        form,
        _("End the assignment of %(name)s at %(school)s (%(year)s)")
        % {"name": staff.full_name, "school": assignment.school.name, "year": year.label},
        _staff_back(pk),
        history_url=_record_history_url(pk, "assignments", assignment_pk),
    )


def training_correct(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    staff, record = _staff_record(request, pk, "training", record_pk)
    form = TrainingRecordCorrectForm(
        request.POST or None,
        staff_member=staff,
        initial={
            "kind": record.kind,
            "topic": record.topic,
            "completed_on": record.completed_on,
            "provided_by": record.provided_by,
            "notes": record.notes,
        },
    )
    return _correction_page(
        request,
        form,
        run=lambda data, reason: services.training_record_correct(
            record=record, by=request.user, reason=reason, **data
        ),
        title=_("Correct training of %(name)s") % {"name": staff.full_name},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "training", record_pk),
        done=_("Training record corrected."),
    )


def training_void(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    staff, record = _staff_record(request, pk, "training", record_pk)
    return _void_page(
        request,
        record=record,
        void=services.training_record_void,
        title=_("Void training record: %(record)s") % {"record": record},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "training", record_pk),
    )


def esd_correct(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> HttpResponse:
    staff, document = _staff_record(request, pk, "esd", document_pk)
    form = EsdDocumentationCorrectForm(
        request.POST or None,
        request.FILES or None,
        initial={"issuer": document.issuer, "issued_on": document.issued_on},
    )
    return _correction_page(
        request,
        form,
        run=lambda data, reason: services.esd_documentation_correct(
            record=document,
            by=request.user,
            reason=reason,
            issuer=data["issuer"],
            issued_on=data["issued_on"],
            upload=data.get("file"),
        ),
        title=_("Correct ESD documentation of %(name)s") % {"name": staff.full_name},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "esd", document_pk),
        done=_("ESD documentation corrected."),
    )


def esd_void(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> HttpResponse:
    staff, document = _staff_record(request, pk, "esd", document_pk)
    return _void_page(
        request,
        record=document,
        void=services.esd_documentation_void,
        title=_("Void ESD documentation: %(record)s") % {"record": document},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "esd", document_pk),
    )


def hiring_correct(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    staff, record = _staff_record(request, pk, "hiring", record_pk)
    form = HiringRecordCorrectForm(
        request.POST or None,
        staff_member=staff,
        initial={f: getattr(record, f) for f in HiringRecordForm.Meta.fields},
    )
    return _correction_page(
        request,
        form,
        run=lambda data, reason: services.hiring_record_correct(
            record=record,
            by=request.user,
            reason=reason,
            **{f: data[f] for f in HiringRecordForm.Meta.fields},
        ),
        title=_("Correct hiring or placement of %(name)s") % {"name": staff.full_name},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "hiring", record_pk),
        done=_("Hiring or placement record corrected."),
    )


def hiring_void(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    staff, record = _staff_record(request, pk, "hiring", record_pk)
    return _void_page(
        request,
        record=record,
        void=services.hiring_record_void,
        title=_("Void hiring or placement record: %(record)s") % {"record": record},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "hiring", record_pk),
    )


def evaluation_correct(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    staff, record = _staff_record(request, pk, "evaluations", record_pk)
    form = EvaluationCorrectForm(
        request.POST or None,
        staff_member=staff,
        initial={f: getattr(record, f) for f in EvaluationForm.Meta.fields},
    )
    return _correction_page(
        request,
        form,
        run=lambda data, reason: services.evaluation_correct(
            record=record,
            by=request.user,
            reason=reason,
            **{f: data[f] for f in EvaluationForm.Meta.fields},
        ),
        title=_("Correct the evaluation of %(name)s") % {"name": staff.full_name},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "evaluations", record_pk),
        done=_("Evaluation corrected."),
    )


def evaluation_void(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    staff, record = _staff_record(request, pk, "evaluations", record_pk)
    return _void_page(
        request,
        record=record,
        void=services.evaluation_void,
        title=_("Void evaluation: %(record)s") % {"record": record},
        back_url=_staff_back(pk),
        history_url=_record_history_url(pk, "evaluations", record_pk),
    )


def _get_event(
    request: AuthenticatedHttpRequest, pk: int, event_pk: int, *, write: bool
) -> EngagementEvent:
    agreement = get_agreement_for_user(request, pk, write=write)
    if not sees_work_in_progress(request.scope, agreement):
        raise Http404
    return get_object_or_404(
        EngagementEvent.objects.select_related("review__school_year"),
        pk=event_pk,
        review__agreement=agreement,
    )


def event_correct(request: AuthenticatedHttpRequest, pk: int, event_pk: int) -> HttpResponse:
    require_writer(request)
    event = _get_event(request, pk, event_pk, write=True)
    form = EngagementEventCorrectForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "held_on": event.held_on,
            "kind": event.kind,
            "parents": event.parents,
            "students": event.students,
            "community_members": event.community_members,
            "summary": event.summary,
        },
    )
    return _correction_page(
        request,
        form,
        run=lambda data, reason: services.engagement_event_correct(
            event=event, by=request.user, reason=reason, **data
        ),
        title=_("Correct an engagement event (%(year)s review)")
        % {"year": event.review.school_year.label},
        back_url=reverse("agreements:agreement_detail", args=[pk]),
        history_url=reverse("agreements:event_history", args=[pk, event_pk]),
        done=_("Engagement event corrected."),
    )


def event_void(request: AuthenticatedHttpRequest, pk: int, event_pk: int) -> HttpResponse:
    require_writer(request)
    event = _get_event(request, pk, event_pk, write=True)
    return _void_page(
        request,
        record=event,
        void=lambda record, by, reason: services.engagement_event_void(
            event=record, by=by, reason=reason
        ),
        title=_("Void engagement event: %(record)s") % {"record": event},
        back_url=reverse("agreements:agreement_detail", args=[pk]),
        history_url=reverse("agreements:event_history", args=[pk, event_pk]),
    )


def event_history(request: AuthenticatedHttpRequest, pk: int, event_pk: int) -> HttpResponse:
    require_writer(request)
    event = _get_event(request, pk, event_pk, write=False)
    return render_history(
        request, event, back_url=reverse("agreements:agreement_detail", args=[pk])
    )


def attachment_void(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    require_writer(request)
    agreement = get_agreement_for_user(request, pk, write=True)
    attachment = get_object_or_404(
        EngagementAttachment, pk=attachment_pk, event__review__agreement=agreement
    )
    return _void_page(
        request,
        record=attachment,
        void=lambda record, by, reason: services.engagement_attachment_void(
            attachment=record, by=by, reason=reason
        ),
        title=_("Void attachment: %(name)s") % {"name": attachment.original_name},
        back_url=reverse("agreements:agreement_detail", args=[pk]),
        history_url="",
    )


# Training compliance ----------------------------------------------------------------------------
TRAINING_STATES = [
    (State.OVERDUE, STATE_LABELS[State.OVERDUE]),
    (State.DUE, STATE_LABELS[State.DUE]),
    (State.DONE, STATE_LABELS[State.DONE]),
    (State.DONE_LATE, STATE_LABELS[State.DONE_LATE]),
    (State.ESD, STATE_LABELS[State.ESD]),
    (State.NOT_STARTED, STATE_LABELS[State.NOT_STARTED]),
]
TRAINING_CSV_HEADER = [
    "school",
    "last_name",
    "first_name",
    "kind",
    "employer",
    "first_day_on_campus",
    "classroom_state",
    "classroom_topics_done",
    "classroom_due_on",
    "on_the_job_state",
    "on_the_job_days_done",
    "on_the_job_due_on",
    "check_ins_state",
    "check_ins_done",
    "check_ins_due_on",
    "esd_documented",
    "overall",
]


def training_compliance(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(*STAFF_READERS)
    staff, filterset, year, _in_force = _staff_listing(request)
    state = request.GET.get("state", "")
    today = timezone.localdate()
    staff = staff.prefetch_related("training_records", "esd_documents")
    rows: list[dict[str, Any]] = []
    visible_schools = None
    if not scope.has(Role.PROGRAM_ADMIN, Role.AGENCY_LIAISON):
        visible_schools = scope.school_ids(Role.PRINCIPAL)
    school_filter = (
        filterset.form.cleaned_data.get("school")
        if filterset.is_bound and filterset.form.is_valid()
        else None
    )
    summary = {value: 0 for value, _label in TRAINING_STATES}
    for member in staff:
        status = training_status(member, today)
        summary[status.overall] = summary.get(status.overall, 0) + 1
        if state and status.overall != state:
            continue
        assignments = [
            a
            for a in member.current_assignments
            if (visible_schools is None or a.school_id in visible_schools)
            and (school_filter is None or a.school_id == school_filter.pk)
        ]
        if not assignments:
            rows.append({"school": None, "staff": member, "status": status, "days": None})
        for assignment in assignments:
            rows.append(
                {
                    "school": assignment.school,
                    "staff": member,
                    "status": status,
                    "days": assignment.days_per_week,
                }
            )
    rows.sort(
        key=lambda r: (
            r["school"] is None,
            r["school"].name if r["school"] else "",
            r["staff"].last_name,
            r["staff"].first_name,
        )
    )
    if request.GET.get("format") == "csv":

        def csv_rows() -> Any:
            for row in rows:
                member, status = row["staff"], row["status"]
                cells = [
                    row["school"].name if row["school"] else "",
                    member.last_name,
                    member.first_name,
                    member.get_kind_display(),
                    member.employer.name if member.employer else "district",
                    member.first_day_on_campus,
                ]
                for component in status.components:
                    cells += [component.state, component.done, component.due_on]
                cells += ["yes" if status.esd_documented else "no", status.overall]
                yield cells

        return csv_response("training-compliance.csv", TRAINING_CSV_HEADER, csv_rows())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/training_compliance.html",
        {
            "page": page,
            "filter": filterset,
            "states": TRAINING_STATES,
            "state": state,
            # Staff members by overall state: complete on time and complete late apart.
            "summary": [(value, label, summary[value]) for value, label in TRAINING_STATES],
            "year": year,
            "today": today,
        },
    )
