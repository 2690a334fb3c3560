from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from srp.cache import cached_figures
from srp.forms import (
    DistrictCreateForm,
    DistrictSettingsForm,
    EnrollmentForm,
    MembershipForm,
    SchoolForm,
    SchoolYearForm,
)
from srp.history import render_history
from srp.http import AuthenticatedHttpRequest
from srp.models import District, Enrollment, Membership, School, SchoolYear
from srp.outbox import email_queue
from srp.registry import DashboardSection, registry
from srp.roles import Role
from srp.rules import show_rule_error
from srp.scope import SESSION_DISTRICT_KEY
from srp.services import (
    SrpError,
    district_create,
    enrollment_set,
    membership_save,
    person_add,
    person_name_set,
)


# Public pages -----------------------------------------------------------------------------
@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("srp:dashboard")
    districts = list(District.objects.order_by("name"))
    if len(districts) == 1:
        return redirect("srp:public_district", district_code=districts[0].code)
    return render(request, "srp/public_home.html", {"districts": districts})


def get_public_district(district_code: str) -> District:
    return get_object_or_404(District, code=district_code)


@login_not_required
def public_district(request: HttpRequest, district_code: str) -> HttpResponse:
    district = get_public_district(district_code)
    links = [
        {
            "label": link.label,
            "description": link.description,
            "url": reverse(link.url_name, kwargs={"district_code": district.code}),
        }
        for link in registry.public_links
    ]
    return render(request, "srp/public_district.html", {"district": district, "links": links})


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "429.html", status=429)


@login_not_required
def benchmark_floor(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: one query and a tiny template (only with BENCHMARK_FLOOR_VIEW)."""
    if not settings.BENCHMARK_FLOOR_VIEW:
        raise Http404
    district = District.objects.order_by("pk").first()
    return render(request, "srp/floor.html", {"district": district})


# Dashboard ----------------------------------------------------------------------------------
def _render_section(request: AuthenticatedHttpRequest, section: DashboardSection) -> str:
    context = section.context(request)
    if context is None:
        return ""
    # Drawn without the request: the cached HTML holds no form token, nor the reader's name.
    return render_to_string(section.template, {"section": context})


def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    sections = []
    if scope.district is not None:
        for section in registry.dashboard_sections:
            if scope.has(*section.roles):
                # Kept for the reader's identity (`Scope.cache_identity()`): whoever is shown
                # this value may see everything in it.
                html = cached_figures(
                    f"dashboard:{section.key}", scope, partial(_render_section, request, section)
                )
                if html:
                    sections.append(mark_safe(html))  # noqa: S308 - our own rendered template
    return render(
        request,
        "srp/dashboard.html",
        {
            "sections": sections,
            "no_membership": scope.district is None,
            "role_labels": [label for value, label in Role.choices if value in scope.roles],
        },
    )


@require_POST
def switch_district(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        district_id = int(request.POST.get("district", ""))
    except ValueError:
        raise Http404 from None
    if district_id not in {d.pk for d in request.scope.districts}:
        raise Http404
    request.session[SESSION_DISTRICT_KEY] = district_id
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("srp:dashboard")
    return redirect(target)


# District administration (program administrator) ------------------------------------------
def _require_admin(request: AuthenticatedHttpRequest) -> District:
    return request.scope.require(Role.PROGRAM_ADMIN)


def district_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _require_admin(request)
    form = DistrictSettingsForm(request.POST or None, instance=district)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("District settings saved."))
        return redirect("srp:district_settings")
    return render(request, "srp/district_settings.html", {"form": form, "district": district})


@require_POST
def district_test_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queue a test email to the administrator, to check the mail settings end to end."""
    _require_admin(request)
    if not request.user.email:
        messages.error(request, _("Your account has no email address."))
    else:
        email_queue(
            to=[request.user.email],
            template="srp/email/test",
            context={"name": request.user.get_full_name() or request.user.email},
            district=request.scope.district,
            language=request.LANGUAGE_CODE,
        )
        messages.success(
            request,
            _("A test email to %(email)s is in the outbox; it is sent at the next delivery run.")
            % {"email": request.user.email},
        )
    return redirect("srp:district_settings")


def district_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _require_admin(request)
    return render_history(request, district, back_url=reverse("srp:district_settings"))


def school_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    district = scope.require(Role.PROGRAM_ADMIN, Role.PRINCIPAL)
    schools = School.objects.filter(district=district)
    if not scope.is_program_admin:
        schools = schools.filter(pk__in=scope.school_ids(Role.PRINCIPAL))
    year = district.current_school_year()
    schools = schools.prefetch_related(
        Prefetch(
            "enrollments",
            queryset=Enrollment.objects.filter(school_year=year),
            to_attr="current_enrollment",
        )
    )
    return render(request, "srp/school_list.html", {"schools": schools, "year": year})


def school_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    district = scope.require(Role.PROGRAM_ADMIN, Role.PRINCIPAL)
    school = scope.get_school(pk, Role.PRINCIPAL)
    enrollments = school.enrollments.select_related("school_year").order_by(
        "-school_year__starts_on"
    )
    form = None
    if scope.is_program_admin:
        form = EnrollmentForm(request.POST or None, district=district)
        if request.method == "POST" and form.is_valid():
            try:
                enrollment_set(
                    school=school,
                    school_year=form.cleaned_data["school_year"],
                    students=form.cleaned_data["students"],
                    by=request.user,
                    reason=form.cleaned_data.get("reason", ""),
                )
            except SrpError as exc:
                show_rule_error(request, form, exc)
            else:
                messages.success(request, _("Enrollment saved."))
                return redirect("srp:school_detail", pk=school.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "srp/school_detail.html",
        {"school": school, "enrollments": enrollments, "form": form},
    )


def school_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    district = _require_admin(request)
    school = request.scope.get_school(pk) if pk else None
    form = SchoolForm(request.POST or None, instance=school, district=district)
    if request.method == "POST" and form.is_valid():
        school = form.save()
        messages.success(request, _("School saved."))
        return redirect("srp:school_detail", pk=school.pk)
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": _("Edit school") if school else _("Add a school"),
            "back_url": reverse("srp:school_detail", args=[school.pk])
            if school
            else reverse("srp:school_list"),
        },
    )


def school_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    school = request.scope.get_school(pk)
    return render_history(request, school, back_url=reverse("srp:school_detail", args=[pk]))


def school_year_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _require_admin(request)
    years = SchoolYear.objects.filter(district=district)
    return render(request, "srp/school_year_list.html", {"years": years})


def school_year_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    district = _require_admin(request)
    year = get_object_or_404(SchoolYear, pk=pk, district=district) if pk else None
    form = SchoolYearForm(request.POST or None, instance=year, district=district)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("School year saved."))
        return redirect("srp:school_year_list")
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": _("Edit school year") if year else _("Add a school year"),
            "back_url": reverse("srp:school_year_list"),
        },
    )


def people_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _require_admin(request)
    memberships = (
        Membership.objects.filter(district=district)
        .select_related("user")
        .prefetch_related("schools")
        .order_by(
            Coalesce(NullIf("last_name", Value("")), "user__last_name"),
            Coalesce(NullIf("first_name", Value("")), "user__first_name"),
            "role",
        )
    )
    role = request.GET.get("role", "")
    if role in Role.values:
        memberships = memberships.filter(role=role)
    query = request.GET.get("q", "").strip()
    if query:
        memberships = memberships.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(first_name="", last_name="", user__first_name__icontains=query)
            | Q(first_name="", last_name="", user__last_name__icontains=query)
            | Q(user__email__icontains=query)
        )
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "srp/people_list.html",
        {"page": page, "roles": Role.choices, "role": role, "q": query},
    )


def person_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    district = _require_admin(request)
    membership = (
        get_object_or_404(Membership.objects.select_related("user"), pk=pk, district=district)
        if pk
        else None
    )
    role = membership.role if membership else None
    initial: dict[str, Any] = {"active": True}
    if membership:
        first_name, last_name = membership.names
        initial = {
            "email": membership.user.email,
            "first_name": first_name,
            "last_name": last_name,
            "role": membership.role,
            "title": membership.title,
            "active": membership.active,
        }
        if role != Role.SAFETY_STAFF:
            initial["schools"] = list(membership.schools.all())
    # Names are always editable: for an account that also serves another district they are kept
    # on the membership (`person_name_set`), so the page never tells such an account apart.
    form = MembershipForm(
        request.POST or None,
        initial=initial,
        district=district,
        editing=membership is not None,
        role=role,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if membership:
                person_name_set(
                    membership=membership,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    by=request.user,
                )
                membership_save(
                    district=district,
                    user=membership.user,
                    role=membership.role,
                    schools=data.get("schools", ()),
                    title=data["title"],
                    active=data["active"],
                    by=request.user,
                )
                done = _("%(name)s saved.") % {"name": membership.display_name}
            else:
                person_add(
                    district=district,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=data["role"],
                    schools=data.get("schools", ()),
                    title=data["title"],
                    active=data["active"],
                    by=request.user,
                )
                # The name as typed, whether or not the email had an account already: the page
                # must not tell an existing account (and its name) from a new one.
                done = _("%(name)s saved; they were emailed a link to sign in.") % {
                    "name": f"{data['first_name']} {data['last_name']}".strip()
                }
        except SrpError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, done)
            return redirect("srp:people_list")
    panels = []
    if membership:
        for panel in registry.person_panels:
            context = panel.context(membership.user, district)
            if context is not None:
                panels.append(render_to_string(panel.template, {"panel": context}, request))
    return render(
        request,
        "srp/person_edit.html",
        {
            "form": form,
            "assigned_schools": _assigned_schools(membership, district)
            if role == Role.SAFETY_STAFF
            else None,
            "current_year": district.current_school_year() if role == Role.SAFETY_STAFF else None,
            "title": _("Edit role") if membership else _("Add a person"),
            "back_url": reverse("srp:people_list"),
            "history_url": reverse("srp:person_history", args=[membership.pk])
            if membership
            else "",
            "panels": [mark_safe(html) for html in panels],  # noqa: S308 - our own templates
        },
        status=400 if request.method == "POST" else 200,
    )


def _assigned_schools(membership: Membership | None, district: District) -> list[School]:
    """A safety staff member's schools: those of their assignments in the current year, as the
    registered resolver (the staff roster's) reads them; the People page shows them read-only."""
    if membership is None:
        return []
    resolver = registry.school_resolvers.get(Role.SAFETY_STAFF)
    ids = resolver(membership.user, district) if resolver else set()
    return list(School.objects.filter(pk__in=ids, district=district).order_by("name"))


def person_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    district = _require_admin(request)
    membership = get_object_or_404(Membership, pk=pk, district=district)
    return render_history(request, membership, back_url=reverse("srp:people_list"))


# Host administration ------------------------------------------------------------------------
def _require_host_admin(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_host_admin:
        raise PermissionDenied


def host_district_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_host_admin(request)
    districts = District.objects.annotate(
        school_count=Count("schools", distinct=True),
        admin_count=Count(
            "memberships",
            filter=Q(memberships__role=Role.PROGRAM_ADMIN, memberships__active=True),
            distinct=True,
        ),
    ).order_by("name")
    return render(request, "srp/host_district_list.html", {"districts": districts})


def host_district_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_host_admin(request)
    form = DistrictCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            district = district_create(by=request.user, **form.cleaned_data)
        except SrpError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(
                request,
                _("%(district)s created; its program administrator was emailed a sign-in link.")
                % {"district": district},
            )
            return redirect("srp:host_district_list")
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": _("Create a district"),
            "back_url": reverse("srp:host_district_list"),
        },
    )


# Errors ---------------------------------------------------------------------------------------
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


error_403 = login_not_required(error_403)
error_404 = login_not_required(error_404)
error_500 = login_not_required(error_500)
