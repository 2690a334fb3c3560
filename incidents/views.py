"""Views of calls, interventions, activities, restraint reports, incidents and imports.

Every view reaches its records through `incidents.selectors`, which applies the user's scope:
another district's or another school's record is a 404, a role that may not write gets 403.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum, prefetch_related_objects
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from incidents import selectors
from incidents.clocks import restraint_clocks
from incidents.forms import (
    ActivityCorrectForm,
    ActivityForm,
    AgencyAnswerForm,
    AgencyRequestCorrectForm,
    AgencyRequestForm,
    CallCorrectForm,
    CallFilterForm,
    CallForm,
    ImportForm,
    InterventionRequestCorrectForm,
    InterventionRequestForm,
    RecordVoidForm,
    RespondCorrectForm,
    RespondForm,
    RestraintReportCorrectForm,
    RestraintReportForm,
    SelfInitiatedForm,
    StudentCorrectForm,
    StudentForm,
    StudentFormSet,
    VoidForm,
)
from incidents.importer import COLUMNS, import_calls
from incidents.models import (
    Call,
    CallOutcome,
    ImportBatch,
    InterventionBasis,
    InterventionOutcome,
    InterventionRequest,
    Reason,
    RestraintReport,
    StudentInvolved,
)
from incidents.paging import FILTER_OPTIONS, ListPage, ListPaginator, cached_rows_html
from incidents.services import (
    CORRECTION_REASON,
    IncidentError,
    activity_correct,
    activity_create,
    activity_void,
    agency_request_answer,
    agency_request_correct,
    agency_request_log,
    agency_request_may_answer,
    agency_request_void,
    call_create,
    call_update,
    call_void,
    discipline_deciders,
    import_batch_void,
    intervention_request_correct,
    intervention_request_create,
    intervention_respond,
    intervention_response_correct,
    intervention_self_initiated_create,
    intervention_withdraw,
    restraint_report_create,
    restraint_report_update,
    restraint_report_void,
    student_add,
    student_update,
    student_void,
)
from srp import schooldays
from srp.cache import cached_figures
from srp.closing import add_reason_field, closed_year_for, has_closed_year
from srp.csv_export import csv_response
from srp.disclosure import EXPORTED, disclosure_record
from srp.history import render_history
from srp.hostile_input import record_id
from srp.http import AuthenticatedHttpRequest
from srp.models import SchoolYear
from srp.roles import Role
from srp.rules import show_rule_error

PAGE_SIZE = 50


def _closed_call_reason_field(form: Any, call: Call) -> None:
    """A call of a closed school year changes only with a reason: the form asks for one."""
    if closed_year_for(district=call.district_id, on_date=timezone.localdate(call.occurred_at)):
        add_reason_field(form, name=CORRECTION_REASON)


def _page(request: AuthenticatedHttpRequest, qs: Any) -> ListPage:
    paginator = ListPaginator(qs, PAGE_SIZE, scope=request.scope)
    return paginator.get_page(request.GET.get("page"))


def _list_context(request: AuthenticatedHttpRequest, qs: Any, rows_template: str) -> dict[str, Any]:
    """A page of `qs` and its rows written by `rows_template` (cached, see incidents.paging)."""
    page = _page(request, qs)
    return {"page": page, "rows": page.rows_html(rows_template)}


def _filter_form(request: AuthenticatedHttpRequest, **codes: Any) -> CallFilterForm:
    """The list filter; `codes` sets the reason and outcome choices and labels of a list.

    The school and staff options (every staff member of the district) are written once per
    district data version and reader identity, not on every request.
    """
    scope = request.scope
    schools = selectors.schools_for_writing(scope)
    staff = selectors.staff_for_district(scope)
    options = cached_figures(
        FILTER_OPTIONS,
        scope,
        lambda: CallFilterForm.written_options_for(
            schools=schools.only("pk", "name"),
            staff=staff.only("pk", "first_name", "last_name"),
        ),
    )
    return CallFilterForm(
        request.GET or None, schools=schools, staff=staff, options=options, **codes
    )


CALL_CODES: dict[str, Any] = {}
ACTIVITY_CODES = {
    "reason_label": _lazy("Reason for the call"),
    "outcome_label": _lazy("Outcome of the call"),
}
INTERVENTION_CODES = {
    "reasons": InterventionBasis.choices,
    "outcomes": InterventionOutcome.choices,
    "reason_label": _lazy("Basis"),
}
RESTRAINT_CODES = ACTIVITY_CODES


def _show_voided(request: AuthenticatedHttpRequest) -> bool:
    """A list leaves out records voided as entered in error unless asked (`?voided=1`)."""
    return request.GET.get("voided") == "1"


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# Calls ----------------------------------------------------------------------------------------
CALL_PATHS = {
    "school": "school",
    "when": "occurred_at",
    "reason": "reason",
    "outcome": "outcome",
    "staff": "responding_staff",
    "batch": "import_batch_id",
}


def call_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    calls = selectors.calls_for_scope(request.scope)
    form = _filter_form(request)
    calls = form.apply(calls, paths=CALL_PATHS).for_list()
    return render(
        request,
        "incidents/call_list.html",
        {**_list_context(request, calls, "incidents/_call_rows.html"), "filter_form": form},
    )


def call_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One row per student (a call without students has one row), like the import format."""
    calls = selectors.calls_for_scope(request.scope)
    calls = _filter_form(request).apply(calls, paths=CALL_PATHS)
    students = (
        StudentInvolved.objects.live()
        .filter(call__in=calls.values("pk"))
        .select_related("call__school", "call__responding_staff")
        .order_by("call__occurred_at", "call_id", "pk")
    )
    # Calls with no student left (none, or only students voided as entered in error).
    lonely = calls.exclude(students__voided_at__isnull=True).select_related(
        "school", "responding_staff"
    )
    header = [*COLUMNS, "status", "location", "narrative"]

    def call_cells(call: Call) -> list[Any]:
        return [
            call.call_ref or f"srp-{call.pk}",
            timezone.localtime(call.occurred_at).isoformat(timespec="minutes"),
            call.school.building_code,
            call.requested_by,
            call.reason,
            "yes" if call.emergency else "no",
            call.responding_staff.badge_number,
            call.outcome,
        ]

    def rows():  # noqa: ANN202
        for s in students.iterator(chunk_size=2000):
            yield [
                *call_cells(s.call),
                s.student_ref,
                s.grade,
                s.race_ethnicity,
                s.sex,
                s.disability,
                s.english_learner,
                s.outcome,
                s.call.status,
                s.call.location,
                s.call.narrative,
            ]
        for call in lonely.iterator(chunk_size=2000):
            yield [
                *call_cells(call),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                call.status,
                call.location,
                call.narrative,
            ]

    count = students.count() + lonely.count()
    disclosure_record(
        request, what=_("Calls export"), record_type="incidents.call", rows=count, action=EXPORTED
    )
    return csv_response("calls.csv", header, rows())


def _call_form_kwargs(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    scope = request.scope
    return {
        "schools": selectors.schools_for_writing(scope),
        "staff": selectors.staff_for_district(scope),
    }


def _deciders_for_scope(request: AuthenticatedHttpRequest, school: Any = None) -> list[Any]:
    scope = request.scope
    schools = [school] if school else list(selectors.schools_for_writing(scope))
    seen: dict[int, Any] = {}
    for s in schools:
        for user in discipline_deciders(district=scope.district, school=s):
            seen[user.pk] = user
    return sorted(seen.values(), key=lambda u: (u.last_name, u.first_name))


def call_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(*selectors.CALL_ROLES)
    mine = selectors.staff_member_for_user(scope)
    initial = {"responding_staff": mine} if mine else {}
    form = CallForm(request.POST or None, initial=initial, **_call_form_kwargs(request))
    if has_closed_year(scope.district):
        add_reason_field(form, name=CORRECTION_REASON)
    deciders = _deciders_for_scope(request)
    formset = StudentFormSet(
        request.POST or None, prefix="students", form_kwargs={"deciders": deciders}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            call = call_create(
                district=scope.district,
                school=form.cleaned_data["school"],
                data=form.call_data(),
                students=formset.students(),
                by=request.user,
                reason=form.cleaned_data.get(CORRECTION_REASON, ""),
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Call recorded."))
            return redirect("incidents:call_detail", pk=call.pk)
    return render(
        request,
        "incidents/call_form.html",
        {"form": form, "formset": formset, "title": _("Log a call for service")},
    )


def call_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for_user(request, pk)
    # Prefetched, so `call.is_incident` reads these rows instead of querying again.
    prefetch_related_objects(
        [call],
        Prefetch(
            "students", queryset=StudentInvolved.objects.select_related("discipline_decided_by")
        ),
    )
    students = call.students.all()
    activities = call.activities.select_related("student")
    disclosure_record(request, what=_("Call"), obj=call, rows=len(students))
    return render(
        request,
        "incidents/call_detail.html",
        {
            "call": call,
            "students": students,
            "activities": activities,
            "requests": call.intervention_requests.select_related("requested_by"),
            "restraints": call.restraint_reports.all(),
            "void_form": VoidForm(),
        },
    )


def call_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a call, saying why (kept in its history)."""
    call = selectors.get_call_for_user(request, pk)
    form = CallCorrectForm(request.POST or None, instance=call, **_call_form_kwargs(request))
    form.fields["school"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            call_update(
                call=call,
                data=form.call_data(),
                reason=form.cleaned_data[CORRECTION_REASON],
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Call saved."))
            return redirect("incidents:call_detail", pk=call.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Correct the call"),
            "back_url": reverse("incidents:call_detail", args=[call.pk]),
        },
    )


@require_POST
def call_void_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for_user(request, pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            call_void(call=call, reason=form.cleaned_data["reason"], by=request.user)
        except IncidentError as error:
            show_rule_error(request, None, error)
        else:
            messages.success(request, _("The call is marked as voided. It stays on record."))
    else:
        messages.error(request, _("Say why the call is voided."))
    return redirect("incidents:call_detail", pk=call.pk)


def call_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for_user(request, pk)
    if request.GET.get("format") != "csv":  # the export logs itself
        disclosure_record(request, what=_("Call history"), obj=call, rows=call.students.count())
    return render_history(request, call, back_url=reverse("incidents:call_detail", args=[pk]))


def student_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for_user(request, pk)
    form = StudentForm(request.POST or None, deciders=_deciders_for_scope(request, call.school))
    _closed_call_reason_field(form, call)
    if request.method == "POST" and form.is_valid():
        try:
            student_add(
                call=call,
                data=form.cleaned_data,
                by=request.user,
                reason=form.cleaned_data.get(CORRECTION_REASON, ""),
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Student added."))
            return redirect("incidents:call_detail", pk=call.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Add a student to the call"),
            "back_url": reverse("incidents:call_detail", args=[call.pk]),
        },
    )


def student_edit(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """Correct a student's record on a call; the student is looked up through the call, which
    is looked up through the user's scope."""
    call = selectors.get_call_for_user(request, pk)
    student = selectors.get_student_of_call(call, student_pk)
    form = StudentCorrectForm(
        request.POST or None,
        instance=student,
        deciders=_deciders_for_scope(request, call.school),
    )
    if request.method == "POST" and form.is_valid():
        try:
            student_update(
                student=student,
                data=form.cleaned_data,
                reason=form.cleaned_data[CORRECTION_REASON],
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Student saved."))
            return redirect("incidents:call_detail", pk=call.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Correct a student on the call"),
            "back_url": reverse("incidents:call_detail", args=[call.pk]),
        },
    )


def _void_view(
    request: AuthenticatedHttpRequest,
    *,
    record: Any,
    service: Any,
    back_url: str,
    title: str,
    intro: str = "",
) -> HttpResponse:
    """Ask why, then void `record` through `service(reason=..., by=...)`: it stays on record."""
    form = RecordVoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(record, reason=form.cleaned_data["reason"], by=request.user)
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Voided. The record stays, struck through, with why."))
            return redirect(back_url)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": intro
            or _(
                "Void only a record entered in error. It is never deleted: it stays on the call, "
                "struck through with the reason, and counts for nothing in figures and reports."
            ),
            "submit_label": _("Void"),
            "back_url": back_url,
        },
    )


def student_void_view(request: AuthenticatedHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    call = selectors.get_call_for_user(request, pk)
    student = selectors.get_student_of_call(call, student_pk)
    return _void_view(
        request,
        record=student,
        service=lambda record, **kw: student_void(student=record, **kw),
        back_url=reverse("incidents:call_detail", args=[call.pk]),
        title=_("Void a student entered on the call in error"),
    )


# Activities -----------------------------------------------------------------------------------
def activity_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for_user(request, pk)
    form = ActivityForm(request.POST or None, call=call)
    _closed_call_reason_field(form, call)
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_create(
                call=call,
                data=form.activity_data(),
                violation_confirmed=form.violation_confirmed,
                by=request.user,
                reason=form.cleaned_data.get(CORRECTION_REASON, ""),
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            _activity_saved_message(request, activity, _("Law-enforcement activity recorded."))
            return redirect("incidents:call_detail", pk=call.pk)
    return render(
        request,
        "incidents/activity_form.html",
        {
            "form": form,
            "call": call,
            "title": _("Record law-enforcement activity"),
            "back_url": reverse("incidents:call_detail", args=[call.pk]),
        },
    )


def _activity_saved_message(request: AuthenticatedHttpRequest, activity: Any, text: str) -> None:
    if activity.attorney_access_violation:
        messages.warning(
            request,
            _(
                "Recorded as a violation of juveniles' access to an attorney. The program "
                "administrator has been told."
            ),
        )
    else:
        messages.success(request, text)


def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a law-enforcement activity (a mistyped date, say), with the reason (R-12, R-23)."""
    activity = selectors.get_activity_for_user(request, pk)
    call = activity.call
    form = ActivityCorrectForm(request.POST or None, instance=activity, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_correct(
                activity=activity,
                data=form.activity_data(),
                reason=form.cleaned_data[CORRECTION_REASON],
                violation_confirmed=form.violation_confirmed,
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            _activity_saved_message(request, activity, _("Law-enforcement activity corrected."))
            return redirect("incidents:call_detail", pk=call.pk)
    return render(
        request,
        "incidents/activity_form.html",
        {
            "form": form,
            "call": call,
            "title": _("Correct law-enforcement activity"),
            "back_url": reverse("incidents:call_detail", args=[call.pk]),
        },
    )


def activity_void_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request, pk)
    return _void_view(
        request,
        record=activity,
        service=lambda record, **kw: activity_void(activity=record, **kw),
        back_url=reverse("incidents:call_detail", args=[activity.call_id]),
        title=_("Void law-enforcement activity entered in error"),
    )


ACTIVITY_PATHS = {
    "school": "call__school",
    "when": "occurred_at",
    "reason": "call__reason",
    "outcome": "call__outcome",
    "staff": "call__responding_staff",
}


def activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    activities = selectors.activities_for_scope(request.scope)
    form = _filter_form(request, **ACTIVITY_CODES)
    activities = form.apply(activities, paths=ACTIVITY_PATHS).for_list()
    return render(
        request,
        "incidents/activity_list.html",
        {
            **_list_context(request, activities, "incidents/_activity_rows.html"),
            "filter_form": form,
        },
    )


def activity_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    activities = (
        _filter_form(request, **ACTIVITY_CODES)
        .apply(selectors.activities_for_scope(request.scope), paths=ACTIVITY_PATHS)
        .for_list()
    )
    header = [
        "call_ref", "occurred_at", "school_code", "kind", "on_premises", "premises_reason",
        "student_under_18", "custodial_interrogation", "detained_probable_cause",
        "consent_search", "attorney_access_at", "attorney_access_method",
        "attorney_access_before_waiver", "attorney_exception", "attorney_exception_reason",
        "parent_notified_at", "attorney_access_compliant",
    ]  # fmt: skip

    def rows():  # noqa: ANN202
        for a in activities.iterator(chunk_size=2000):
            yield [
                a.call.call_ref or f"srp-{a.call_id}", _local(a.occurred_at),
                a.call.school.building_code, a.kind, a.on_premises, a.premises_reason,
                a.student_under_18, a.custodial_interrogation, a.detained_probable_cause,
                a.consent_search, _local(a.attorney_access_at), a.attorney_access_method,
                a.attorney_access_before_waiver, a.attorney_exception,
                a.attorney_exception_reason, _local(a.parent_notified_at),
                a.attorney_access_compliant,
            ]  # fmt: skip

    disclosure_record(
        request,
        what=_("Law-enforcement activities export"),
        record_type="incidents.lawenforcementactivity",
        rows=activities.count(),
        action=EXPORTED,
    )
    return csv_response("activities.csv", header, rows())


def activity_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request, pk)
    return render_history(
        request, activity, back_url=reverse("incidents:call_detail", args=[activity.call_id])
    )


# Intervention requests ------------------------------------------------------------------------
INTERVENTION_PATHS = {
    "school": "school",
    "when": "requested_at",
    "reason": "basis",
    "outcome": "outcome",
    "staff": "responded_by",
}


def intervention_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    requests = selectors.interventions_for_scope(scope)
    form = _filter_form(request, **INTERVENTION_CODES)
    requests = form.apply(requests, paths=INTERVENTION_PATHS)
    return render(
        request,
        "incidents/intervention_list.html",
        {
            **_list_context(request, requests.for_list(), "incidents/_intervention_rows.html"),
            "filter_form": form,
            "can_file": scope.has(*selectors.REQUEST_FILERS),
            "can_self_initiate": scope.has(Role.SAFETY_STAFF),
        },
    )


def intervention_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    requests = (
        _filter_form(request, **INTERVENTION_CODES)
        .apply(selectors.interventions_for_scope(request.scope), paths=INTERVENTION_PATHS)
        .for_list()
    )
    header = [
        "id", "school_code", "kind", "basis", "requester_role", "requested_at", "status",
        "responded_by_badge", "responded_at", "response_minutes", "outcome", "call_ref",
        "description", "outcome_notes",
    ]  # fmt: skip

    def rows():  # noqa: ANN202
        for r in requests.iterator(chunk_size=2000):
            yield [
                r.pk, r.school.building_code, r.kind, r.basis, r.requester_role,
                _local(r.requested_at), r.status,
                r.responded_by.badge_number if r.responded_by else "", _local(r.responded_at),
                r.response_minutes if r.response_minutes is not None else "", r.outcome,
                (r.call.call_ref or f"srp-{r.call_id}") if r.call else "", r.description,
                r.outcome_notes,
            ]  # fmt: skip

    disclosure_record(
        request,
        what=_("Intervention requests export"),
        record_type="incidents.interventionrequest",
        rows=requests.count(),
        action=EXPORTED,
    )
    return csv_response("intervention-requests.csv", header, rows())


def intervention_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(*selectors.REQUEST_FILERS)
    schools = selectors.request_schools_for_filing(scope)
    role = (
        "teacher"
        if scope.has(Role.SCHOOL_STAFF) and not scope.has(Role.PRINCIPAL, Role.PROGRAM_ADMIN)
        else "administrator"
    )
    form = InterventionRequestForm(
        request.POST or None, schools=schools, initial={"requester_role": role}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = intervention_request_create(
                district=scope.district,
                school=data["school"],
                basis=data["basis"],
                requester_role=data["requester_role"],
                description=data["description"],
                location=data["location"],
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Your request was sent to safety staff."))
            return redirect("incidents:intervention_detail", pk=record.pk)
    return render(
        request,
        "incidents/intervention_form.html",
        {"form": form, "title": _("Ask safety staff to intervene")},
    )


def intervention_self_initiated(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(Role.SAFETY_STAFF)
    staff_member = selectors.staff_member_for_user(scope)
    if staff_member is None:
        raise PermissionDenied
    schools = selectors.schools_for_writing(scope)
    form = SelfInitiatedForm(request.POST or None, schools=schools)
    if has_closed_year(scope.district):
        add_reason_field(form, name=CORRECTION_REASON)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = intervention_self_initiated_create(
                district=scope.district,
                school=data["school"],
                staff_member=staff_member,
                occurred_at=data["occurred_at"],
                description=data["description"],
                location=data["location"],
                outcome=data["outcome"],
                outcome_notes=data["outcome_notes"],
                by=request.user,
                reason=data.get(CORRECTION_REASON, ""),
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Emergency intervention recorded."))
            return redirect("incidents:intervention_detail", pk=record.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Record a self-initiated emergency intervention"),
            "intro": _(
                "Safety staff may intervene in an emergency without being asked. Record it here."
            ),
            "back_url": reverse("incidents:intervention_list"),
        },
    )


def intervention_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    record = selectors.get_intervention_for_user(request, pk)
    responder = scope.is_program_admin or record.school_id in scope.school_ids(
        Role.PRINCIPAL, Role.SAFETY_STAFF
    )
    can_respond = record.status == InterventionRequest.Status.OPEN and responder
    can_correct = record.status == InterventionRequest.Status.RESPONDED and responder
    return render(
        request,
        "incidents/intervention_detail.html",
        {
            "record": record,
            "can_respond": can_respond,
            "can_correct": can_correct,
            "can_correct_request": record.requested_by_id == request.user.pk
            or scope.is_program_admin,
            "can_withdraw": record.status == InterventionRequest.Status.OPEN
            and (record.requested_by_id == request.user.pk or scope.is_program_admin),
            "call_openable": record.call_id in selectors.openable_call_ids(scope, [record.call_id]),
        },
    )


def intervention_respond_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    record = selectors.get_intervention_for_user(request, pk, respond=True)
    mine = selectors.staff_member_for_user(scope)
    form = RespondForm(
        request.POST or None,
        staff=selectors.staff_for_district(scope),
        deciders=discipline_deciders(district=scope.district, school=record.school),
        calls=Call.objects.filter(district=scope.district, school=record.school),
        initial={"responded_by": mine, "responded_at": timezone.localtime().replace(second=0)},
    )
    if closed_year_for(
        district=record.district_id, on_date=timezone.localdate(record.requested_at)
    ):
        add_reason_field(form, name=CORRECTION_REASON)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intervention_respond(
                request=record,
                responded_by=data["responded_by"],
                responded_at=data["responded_at"],
                outcome=data["outcome"],
                outcome_notes=data["outcome_notes"],
                discipline_decided_by=data["discipline_decided_by"],
                call=data["call"],
                by=request.user,
                reason=data.get(CORRECTION_REASON, ""),
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Response recorded."))
            return redirect("incidents:intervention_detail", pk=record.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Record the response"),
            "back_url": reverse("incidents:intervention_detail", args=[record.pk]),
        },
    )


def intervention_request_correct_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct what a request said: the person who filed it or the program administrator."""
    record = selectors.get_intervention_for_user(request, pk)
    if record.requested_by_id != request.user.pk and not request.scope.is_program_admin:
        raise PermissionDenied
    form = InterventionRequestCorrectForm(
        request.POST or None,
        initial={
            "basis": record.basis,
            "location": record.location,
            "description": record.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intervention_request_correct(
                request=record,
                basis=data["basis"],
                description=data["description"],
                location=data["location"],
                reason=data[CORRECTION_REASON],
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Request corrected."))
            return redirect("incidents:intervention_detail", pk=record.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Correct the request"),
            "back_url": reverse("incidents:intervention_detail", args=[record.pk]),
        },
    )


def intervention_correct_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct the recorded response to a request, with the reason (R-10, R-23)."""
    scope = request.scope
    record = selectors.get_intervention_for_user(request, pk, respond=True)
    if record.status != InterventionRequest.Status.RESPONDED:
        messages.error(request, _("Only a recorded response can be corrected."))
        return redirect("incidents:intervention_detail", pk=record.pk)
    form = RespondCorrectForm(
        request.POST or None,
        staff=selectors.staff_for_district(scope),
        deciders=discipline_deciders(district=scope.district, school=record.school),
        calls=Call.objects.filter(district=scope.district, school=record.school),
        initial={
            "responded_by": record.responded_by,
            "responded_at": record.responded_at and timezone.localtime(record.responded_at),
            "outcome": record.outcome,
            "outcome_notes": record.outcome_notes,
            "discipline_decided_by": record.discipline_decided_by,
            "call": record.call,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intervention_response_correct(
                request=record,
                responded_by=data["responded_by"],
                responded_at=data["responded_at"],
                outcome=data["outcome"],
                outcome_notes=data["outcome_notes"],
                discipline_decided_by=data["discipline_decided_by"],
                call=data["call"],
                reason=data[CORRECTION_REASON],
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Response corrected."))
            return redirect("incidents:intervention_detail", pk=record.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Correct the response"),
            "back_url": reverse("incidents:intervention_detail", args=[record.pk]),
        },
    )


@require_POST
def intervention_withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_intervention_for_user(request, pk)
    if record.requested_by_id != request.user.pk and not request.scope.is_program_admin:
        raise PermissionDenied
    try:
        intervention_withdraw(request=record, by=request.user)
    except IncidentError as error:
        show_rule_error(request, None, error)
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("incidents:intervention_detail", pk=record.pk)


def intervention_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_intervention_for_user(request, pk)
    return render_history(
        request, record, back_url=reverse("incidents:intervention_detail", args=[pk])
    )


# Restraint and isolation ----------------------------------------------------------------------
RESTRAINT_PATHS = {
    "school": "school",
    "when": "occurred_at",
    "reason": "call__reason",
    "outcome": "call__outcome",
    "staff": "staff_member",
}


def restraint_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    reports = selectors.restraint_reports_for_scope(request.scope)
    show_voided = _show_voided(request)
    if not show_voided:
        reports = reports.live()
    form = _filter_form(request, **RESTRAINT_CODES)
    reports = form.apply(reports, paths=RESTRAINT_PATHS).for_list()
    page = _page(request, reports)
    calendar = schooldays.calendar_for(request.scope.district)  # one query for the page
    for report in page:
        report.clocks = restraint_clocks(report, calendar)
        report.is_late = any(c.late for c in report.clocks)
    # The rows change when the records do or when a clock runs out: both are in the key.
    states = tuple((r.pk, tuple(c.state for c in r.clocks)) for r in page)
    rows = page.rows_html("incidents/_restraint_rows.html", key=states)
    return render(
        request,
        "incidents/restraint_list.html",
        {"page": page, "rows": rows, "filter_form": form, "show_voided": show_voided},
    )


def restraint_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list's reports as CSV: like the list, voided reports only when asked for, marked."""
    reports = selectors.restraint_reports_for_scope(request.scope)
    if not _show_voided(request):
        reports = reports.live()
    reports = (
        _filter_form(request, **RESTRAINT_CODES).apply(reports, paths=RESTRAINT_PATHS).for_list()
    )
    header = [
        "id", "school_code", "occurred_at", "staff_name", "staff_title", "kind",
        "restraint_type", "duration_minutes", "students_count", "student_injured",
        "staff_injured", "report_submitted_at", "report_late", "parent_verbal_notice_at",
        "verbal_late", "parent_written_notice_at", "written_late", "leading_activity",
        "injuries", "recommendations", "voided_at", "void_reason",
    ]  # fmt: skip

    calendar = schooldays.calendar_for(request.scope.district)

    def rows():  # noqa: ANN202
        for r in reports.iterator(chunk_size=1000):
            clocks = {c.key: c for c in restraint_clocks(r, calendar)}
            yield [
                r.pk, r.school.building_code, _local(r.occurred_at), r.staff_member.full_name,
                r.staff_title, r.kind, r.restraint_type, r.duration_minutes, r.students_count,
                r.student_injured, r.staff_injured, _local(r.report_submitted_at),
                clocks["report"].late, _local(r.parent_verbal_notice_at), clocks["verbal"].late,
                _local(r.parent_written_notice_at), clocks["written"].late, r.leading_activity,
                r.injuries, r.recommendations, _local(r.voided_at), r.void_reason,
            ]  # fmt: skip

    disclosure_record(
        request,
        what=_("Restraint and isolation export"),
        record_type="incidents.restraintreport",
        rows=reports.count(),
        action=EXPORTED,
    )
    return csv_response("restraint-isolation.csv", header, rows())


def restraint_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The yearly summary for the state (due by January 1): R-13. Voided reports count for
    nothing."""
    scope = request.scope
    reports = selectors.restraint_reports_for_scope(scope).live()
    years = list(SchoolYear.objects.filter(district=scope.district))
    year = next((y for y in years if y.label == request.GET.get("year")), None)
    year = year or scope.district.current_school_year() or (years[0] if years else None)
    summary: dict[str, Any] = {}
    kinds: list[tuple[str, int]] = []
    types: list[tuple[str, int]] = []
    if year is not None:
        in_year = reports.in_school_year(year)
        summary = in_year.aggregate(
            incidents=Count("pk"),
            students=Sum("students_count"),
            student_injuries=Count("pk", filter=Q(student_injured=True)),
            staff_injuries=Count("pk", filter=Q(staff_injured=True)),
        )
        labels = dict(RestraintReport.Kind.choices)
        kinds = [
            (labels[row["kind"]], row["n"])
            for row in in_year.values("kind").annotate(n=Count("pk")).order_by("kind")
        ]
        types = Counter(
            t.strip().capitalize() for t in in_year.values_list("restraint_type", flat=True)
        ).most_common()
    if request.GET.get("format") == "csv" and year is not None:
        rows = [
            ["school_year", year.label],
            ["incidents", summary["incidents"]],
            ["students", summary["students"] or 0],
            ["incidents_with_student_injury", summary["student_injuries"]],
            ["incidents_with_staff_injury", summary["staff_injuries"]],
            *[[f"kind:{k}", n] for k, n in kinds],
            *[[f"type:{t}", n] for t, n in types],
        ]
        return csv_response(f"restraint-summary-{year.label}.csv", ["measure", "value"], rows)
    return render(
        request,
        "incidents/restraint_summary.html",
        {"year": year, "years": years, "summary": summary, "kinds": kinds, "types": types},
    )


def _restraint_form_kwargs(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    scope = request.scope
    calls = selectors.calls_for_scope(scope).select_related("school").order_by("-occurred_at")
    return {
        "schools": selectors.schools_for_writing(scope),
        "staff": selectors.staff_for_district(scope),
        "calls": calls,
    }


def restraint_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(*selectors.CALL_ROLES)
    mine = selectors.staff_member_for_user(scope)
    initial: dict[str, Any] = {"staff_member": mine, "staff_title": mine.title} if mine else {}
    from_call = record_id(request.GET.get("call"))
    if from_call is not None:
        # Reported from a call's page: the call (checked through the scope) and its school.
        call = selectors.get_call_for_user(request, from_call)
        initial.update(call=call, school=call.school)
    form = RestraintReportForm(
        request.POST or None, initial=initial, **_restraint_form_kwargs(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = restraint_report_create(
                district=scope.district,
                school=form.cleaned_data["school"],
                data=form.report_data(),
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Restraint or isolation report saved."))
            return redirect("incidents:restraint_detail", pk=report.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Report restraint or isolation"),
            "intro": _(
                "Due within 2 business days. Tell the parent or guardian within 24 hours and in "
                "writing within 5 business days."
            ),
            "back_url": reverse("incidents:restraint_list"),
        },
    )


def restraint_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_restraint_report_for_user(request, pk)
    return render(
        request,
        "incidents/restraint_detail.html",
        {"report": report, "clocks": restraint_clocks(report)},
    )


def restraint_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_restraint_report_for_user(request, pk)
    form = RestraintReportCorrectForm(
        request.POST or None, instance=report, **_restraint_form_kwargs(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            restraint_report_update(
                report=report,
                data=form.report_data(),
                reason=form.cleaned_data[CORRECTION_REASON],
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Restraint or isolation report saved."))
            return redirect("incidents:restraint_detail", pk=report.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Correct the restraint or isolation report"),
            "back_url": reverse("incidents:restraint_detail", args=[report.pk]),
        },
    )


def restraint_void_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Void a report entered in error, saying why; it stays on record (R-13, R-23)."""
    report = selectors.get_restraint_report_for_user(request, pk)
    return _void_view(
        request,
        record=report,
        service=lambda record, **kw: restraint_report_void(report=record, **kw),
        back_url=reverse("incidents:restraint_detail", args=[report.pk]),
        title=_("Void a restraint or isolation report entered in error"),
        intro=_(
            "Void only a report entered in error (recorded twice, say). It is never deleted: it "
            "stays, struck through with the reason, and counts for nothing in the yearly summary, "
            "the dashboard and the reports. To fix a date or a notice, correct the report instead."
        ),
    )


def restraint_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_restraint_report_for_user(request, pk)
    return render_history(
        request, report, back_url=reverse("incidents:restraint_detail", args=[pk])
    )


# Incidents (R-14) -----------------------------------------------------------------------------
def _incident_calls(request: AuthenticatedHttpRequest, form: CallFilterForm) -> Any:
    calls = selectors.calls_for_scope(request.scope).recorded().incidents()
    calls = form.apply(calls, paths=CALL_PATHS)
    return calls.select_related("school").prefetch_related(
        Prefetch("students", queryset=StudentInvolved.objects.live().order_by("pk"))
    )


def _incident_interventions(request: AuthenticatedHttpRequest, form: CallFilterForm) -> Any:
    records = selectors.interventions_for_scope(request.scope).incidents()
    # The reason and outcome filters of this page are a call's codes: requests have none.
    paths = {**INTERVENTION_PATHS, "reason": None, "outcome": None}
    return form.apply(records, paths=paths).select_related("school")


def incident_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(*selectors.CALL_ROLES)
    form = _filter_form(request)
    calls = _incident_calls(request, form)
    interventions = _incident_interventions(request, form)[:200]
    listed = _list_context(request, calls, "incidents/_incident_calls.html")
    # The page lists students with their demographics: a disclosure (`srp.disclosure`).
    shown = StudentInvolved.objects.filter(call_id__in=listed["page"].ids_query).count()
    disclosure_record(
        request, what=_("Incidents list"), record_type="incidents.studentinvolved", rows=shown
    )
    return render(
        request,
        "incidents/incident_list.html",
        {
            **listed,
            "interventions_html": cached_rows_html(
                scope=request.scope,
                template_name="incidents/_incident_interventions.html",
                qs=interventions,
                context=lambda: {"interventions": interventions},
            ),
            "filter_form": form,
        },
    )


def incident_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.scope.require(*selectors.CALL_ROLES)
    header = [
        "source", "ref", "occurred_at", "school_code", "reason_or_basis", "outcome",
        "description", "student_ref", "grade", "race_ethnicity", "sex", "disability",
        "english_learner", "student_outcome", "force_used", "school_discipline",
    ]  # fmt: skip
    form = _filter_form(request)

    def rows():  # noqa: ANN202
        for call in _incident_calls(request, form).iterator(chunk_size=500):
            base = [
                "call",
                call.call_ref or f"srp-{call.pk}",
                _local(call.occurred_at),
                call.school.building_code,
                call.reason,
                call.outcome,
                call.narrative,
            ]
            students = list(call.students.all())
            if not students:
                yield [*base, "", "", "", "", "", "", "", "", ""]
            for s in students:
                yield [
                    *base,
                    s.student_ref,
                    s.grade,
                    s.race_ethnicity,
                    s.sex,
                    s.disability,
                    s.english_learner,
                    s.outcome,
                    s.force_used,
                    s.school_discipline,
                ]
        for r in _incident_interventions(request, form).iterator(chunk_size=500):
            yield ["intervention", r.pk, _local(r.requested_at), r.school.building_code,
                   r.basis, r.outcome, r.outcome_notes or r.description,
                   "", "", "", "", "", "", "", "", ""]  # fmt: skip

    calls = _incident_calls(request, form).order_by()
    count = (
        StudentInvolved.objects.live().filter(call__in=calls.values("pk")).count()
        + calls.exclude(students__voided_at__isnull=True).count()
        + _incident_interventions(request, form).count()
    )
    disclosure_record(
        request,
        what=_("Incidents export"),
        record_type="incidents.call",
        rows=count,
        action=EXPORTED,
    )
    return csv_response("incidents.csv", header, rows())


# Outside-agency information requests (R-15) ---------------------------------------------------
def agency_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    records = selectors.agency_requests_for_scope(request.scope).select_related("school")
    show_voided = _show_voided(request)
    if not show_voided:
        records = records.live()
    return render(
        request,
        "incidents/agency_request_list.html",
        {
            **_list_context(request, records, "incidents/_agency_request_rows.html"),
            "show_voided": show_voided,
        },
    )


def agency_request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(*selectors.AGENCY_ROLES)
    form = AgencyRequestForm(
        request.POST or None,
        schools=selectors.schools_for_writing(scope),
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = agency_request_log(
                district=scope.district, data=form.request_data(), by=request.user
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            if record.status == record.Status.REFUSED and record.immigration_enforcement:
                messages.warning(
                    request,
                    _(
                        "Immigration-enforcement request without a judge's order: recorded as "
                        "refused and sent to the program administrator."
                    ),
                )
            else:
                messages.success(request, _("Request logged."))
            return redirect("incidents:agency_request_detail", pk=record.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Log an information request from an outside agency"),
            "back_url": reverse("incidents:agency_request_list"),
        },
    )


def agency_request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_agency_request_for_user(request, pk)
    can_answer = (
        record.status == record.Status.RECEIVED
        and not record.is_voided
        and agency_request_may_answer(record=record, user=request.user, scope=request.scope)
    )
    return render(
        request,
        "incidents/agency_request_detail.html",
        {"record": record, "can_answer": can_answer},
    )


def agency_request_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a logged request, with the reason; the program administrator or the person who
    logged it (the only ones who see it) may (R-15, R-23)."""
    record = selectors.get_agency_request_for_user(request, pk)
    form = AgencyRequestCorrectForm(
        request.POST or None,
        instance=record,
        schools=selectors.schools_for_writing(request.scope),
    )
    if request.method == "POST" and form.is_valid():
        try:
            agency_request_correct(
                record=record,
                data=form.request_data(),
                reason=form.cleaned_data[CORRECTION_REASON],
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Request corrected."))
            return redirect("incidents:agency_request_detail", pk=record.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Correct the request from %(agency)s") % {"agency": record.agency},
            "back_url": reverse("incidents:agency_request_detail", args=[record.pk]),
        },
    )


def agency_request_void_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Void a request logged in error, saying why; the program administrator or the person who
    logged it (the only ones who see it) may. It stays on record (R-15, R-23)."""
    record = selectors.get_agency_request_for_user(request, pk)
    return _void_view(
        request,
        record=record,
        service=lambda record, **kw: agency_request_void(record=record, **kw),
        back_url=reverse("incidents:agency_request_detail", args=[record.pk]),
        title=_("Void the request from %(agency)s logged in error") % {"agency": record.agency},
        intro=_(
            "Void only a request logged in error (logged twice, say). It is never deleted: it "
            "stays, struck through with the reason, and what was answered or refused stays as it "
            "was. To fix a date or the legal basis, correct the request instead."
        ),
    )


def agency_request_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_agency_request_for_user(request, pk)
    return render_history(
        request, record, back_url=reverse("incidents:agency_request_detail", args=[pk])
    )


def agency_request_answer_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The answer or refusal of a received request (R-15): routed requests are decided by the
    program administrator, others also by the person who logged them."""
    record = selectors.get_agency_request_for_user(request, pk)
    if not agency_request_may_answer(record=record, user=request.user, scope=request.scope):
        raise PermissionDenied
    if record.status != record.Status.RECEIVED:
        messages.error(request, _("This request was already answered or refused."))
        return redirect("incidents:agency_request_detail", pk=record.pk)
    form = AgencyAnswerForm(
        request.POST or None, record=record, initial={"answered_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agency_request_answer(
                record=record,
                decision=data["decision"],
                answered_on=data["answered_on"],
                information_given=data["information_given"],
                by=request.user,
            )
        except IncidentError as error:
            show_rule_error(request, form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("incidents:agency_request_detail", pk=record.pk)
    return render(
        request,
        "incidents/form_page.html",
        {
            "form": form,
            "title": _("Answer or refuse the request from %(agency)s") % {"agency": record.agency},
            "back_url": reverse("incidents:agency_request_detail", args=[record.pk]),
        },
    )


# Import (R-16) --------------------------------------------------------------------------------
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    scope.require(Role.PROGRAM_ADMIN)
    form = ImportForm(request.POST or None, request.FILES or None)
    wants_json = request.headers.get("x-requested-with") == "fetch"
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_calls(
                upload.file, district=scope.district, filename=upload.name, by=request.user
            )
            url = reverse("incidents:import_detail", args=[result.batch.pk])
            if result.ok:
                messages.success(
                    request,
                    _("Imported %(calls)s calls and %(students)s students.")
                    % {"calls": result.calls, "students": result.students},
                )
            else:
                messages.error(request, _("Nothing was imported: the file has errors."))
            if wants_json:
                return JsonResponse({"ok": result.ok, "redirect": url})
            return redirect(url)
        if wants_json:
            return JsonResponse(
                {"ok": False, "errors": [str(e) for e in form.errors.get("file", [])]},
                status=400,
            )
    recent = ImportBatch.objects.filter(district=scope.district).select_related("uploaded_by")[:10]
    return render(
        request,
        "incidents/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "recent": recent,
            "codes": {
                "requested_by": ", ".join(
                    c[0] for c in Call._meta.get_field("requested_by").choices
                ),
                "reason": ", ".join(Reason.values),
                "call_outcome": ", ".join(CallOutcome.values),
            },
        },
    )


def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = selectors.get_import_for_user(request, pk)
    return render(request, "incidents/import_detail.html", {"batch": batch})


def import_void(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Void an import of the wrong file with its calls (program administrator only)."""
    batch = selectors.get_import_for_user(request, pk)
    return _void_view(
        request,
        record=batch,
        service=lambda record, **kw: import_batch_void(batch=record, **kw),
        back_url=reverse("incidents:import_detail", args=[batch.pk]),
        title=_("Void the import of %(file)s") % {"file": batch.filename},
        intro=_(
            "Void an import only when the wrong file was imported. The import and its calls are "
            "never deleted: they stay, marked voided with the reason, and count for nothing in "
            "figures and reports. A corrected file can then be imported."
        ),
    )


__all__ = ["InterventionOutcome"]
