"""Writes of the incidents app. Each service checks its rule, writes inside a transaction and
records who did it; views catch `IncidentError` and show its message."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_update_with_history

from agreements.models import StaffMember
from incidents import notify as request_notify
from incidents.models import (
    ATTORNEY_ACCESS_FROM,
    AgencyInformationRequest,
    Call,
    ImportBatch,
    InterventionBasis,
    InterventionOutcome,
    InterventionRequest,
    LawEnforcementActivity,
    RestraintReport,
    StudentInvolved,
)
from sis.lookup import DEMOGRAPHIC_FIELDS, fill_blanks
from srp.cache import data_changed
from srp.closing import require_reason_if_closed
from srp.history import as_done_by
from srp.models import Membership, School
from srp.outbox import email_queue
from srp.roles import Role
from srp.rules import RuleError

if TYPE_CHECKING:
    from srp.models import District, User


class IncidentError(RuleError):
    """A rule of SPEC §5 was broken; `message` is written for the person at the keyboard.

    `field_errors` maps form fields to messages when the rule concerns particular fields.
    """

    def __init__(self, message: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


# Shared checks ------------------------------------------------------------------------------
def _check_school(school: School, district: District) -> None:
    if school.district_id != district.pk:
        raise IncidentError(_("This school belongs to another district."))


def _check_staff(staff: StaffMember | None, district: District) -> None:
    if staff is not None and staff.district_id != district.pk:
        raise IncidentError(_("This staff member belongs to another district."))


def _check_not_future(when: datetime.datetime, field: str) -> None:
    if when > timezone.now() + datetime.timedelta(minutes=5):
        raise IncidentError(
            _("This date is in the future."), {field: _("This date is in the future.")}
        )


CORRECTION_REASON = "correction_reason"  # the form field (a call has a "reason" of its own)


def _reason(reason: str | None, *, field: str = CORRECTION_REASON) -> str:
    """A correction or a void always says why; the reason is kept in the record's history."""
    reason = (reason or "").strip()
    if not reason:
        raise IncidentError(
            _("Say why: the reason is kept in the record's history."), {field: _("Say why.")}
        )
    return reason[:300]


def _save(record: Any, *, by: User, reason: str = "", **kwargs: Any) -> None:
    """Save `record` naming who changed it and why (simple-history's user and change reason)."""
    as_done_by(record, by, reason)
    record.save(**kwargs)


def _closed_year_reason(district: District | int, when: datetime.datetime, reason: str) -> str:
    """A record dated in a closed school year says why it changes now (issue #13, item 6):
    refused on the correction-reason field without one; the reason goes to its history."""
    return require_reason_if_closed(
        district=district,
        on_date=timezone.localdate(when),
        reason=reason,
        field=CORRECTION_REASON,
        error=IncidentError,
    )[:300]


def _check_call_open(call: Call) -> None:
    if call.status == Call.Status.VOIDED:
        raise IncidentError(_("A voided call cannot be changed."))


def program_admin_emails(district: District) -> list[str]:
    admins = (
        Membership.objects.active()
        .filter(district=district, role=Role.PROGRAM_ADMIN)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(admins))


def discipline_deciders(*, district: District, school: School) -> list[User]:
    """Who may decide school discipline at `school` (R-11): the principal or designee of the
    school, or the program administrator; never someone on the safety staff roster as an SRO."""
    from srp.models import User

    memberships = Membership.objects.active().filter(district=district)
    decider_ids = memberships.filter(
        Q(role=Role.PRINCIPAL, schools=school) | Q(role=Role.PROGRAM_ADMIN)
    ).values("user_id")
    sro_user_ids = StaffMember.objects.filter(kind=StaffMember.Kind.SRO, user__isnull=False).values(
        "user_id"
    )
    return list(
        User.objects.filter(pk__in=decider_ids)
        .exclude(pk__in=sro_user_ids)
        .order_by("last_name", "first_name")
    )


def check_discipline_decider(*, user: User | None, district: District, school: School) -> None:
    if user is None:
        raise IncidentError(
            _("School discipline must name the administrator who decided it."),
            {"discipline_decided_by": _("Name the administrator who decided the discipline.")},
        )
    if user.pk not in {u.pk for u in discipline_deciders(district=district, school=school)}:
        raise IncidentError(
            _("Only the principal or designee decides school discipline, never an SRO."),
            {
                "discipline_decided_by": _(
                    "Choose the principal or an administrator of this school."
                )
            },
        )


# Calls ----------------------------------------------------------------------------------------
CALL_FIELDS = (
    "call_ref",
    "occurred_at",
    "location",
    "requested_by",
    "reason",
    "emergency",
    "responding_staff",
    "narrative",
    "outcome",
)
STUDENT_FIELDS = (
    "student_ref",
    "role",
    "grade",
    "race_ethnicity",
    "sex",
    "disability",
    "english_learner",
    "outcome",
    "under_18",
    "force_used",
    "school_discipline",
    "discipline_decided_by",
)


def _validate_students(
    students: list[dict[str, Any]], *, district: District, school: School
) -> None:
    for student in students:
        if student.get("school_discipline"):
            check_discipline_decider(
                user=student.get("discipline_decided_by"), district=district, school=school
            )
        else:
            student["discipline_decided_by"] = None


def _fill_from_sis(students: list[dict[str, Any]], *, district: District) -> None:
    """Fill the demographics a student's entry left blank from the district's SIS roster, by
    district student number: what the person typed wins. One still blank is an error."""
    for student in students:
        fill_blanks(district, student)
        missing = [name for name in DEMOGRAPHIC_FIELDS if not student.get(name)]
        if missing:
            message = _("This field is required: no SIS record of the student number gives it.")
            raise IncidentError(
                _(
                    "A student's grade, race and ethnicity, sex, disability and English learner "
                    "status are required; those left blank come from the SIS roster only when "
                    "it holds the student number."
                ),
                {name: message for name in missing},
            )


def call_create(
    *,
    district: District,
    school: School,
    data: dict[str, Any],
    students: list[dict[str, Any]],
    by: User,
    reason: str = "",
) -> Call:
    """Record a call with its students. The school and staff must be in `district`; a call
    reference is unique in the district; discipline names an administrator (R-11)."""
    _check_school(school, district)
    _check_staff(data.get("responding_staff"), district)
    _check_not_future(data["occurred_at"], "occurred_at")
    _validate_students(students, district=district, school=school)
    _fill_from_sis(students, district=district)
    reason = _closed_year_reason(district, data["occurred_at"], reason)
    ref = (data.get("call_ref") or "").strip()
    with transaction.atomic():
        if ref and Call.objects.recorded().filter(district=district, call_ref=ref).exists():
            raise IncidentError(
                _("A call with this agency call number is already recorded."),
                {"call_ref": _("A call with this agency call number is already recorded.")},
            )
        call = Call(district=district, school=school, created_by=by, source=Call.Source.FORM)
        for name in CALL_FIELDS:
            if name in data:
                setattr(call, name, data[name])
        call.call_ref = ref
        as_done_by(call, by, reason)
        call.save()
        for student in students:
            record = StudentInvolved(call=call, **{k: student.get(k) for k in STUDENT_FIELDS})
            record.student_ref = record.student_ref or ""
            as_done_by(record, by, reason)
            record.save()
    return call


def call_update(*, call: Call, data: dict[str, Any], reason: str, by: User) -> Call:
    """Correct the call's own fields, saying why (its history keeps the old values, who and the
    reason). A voided call stays as it was voided. An imported call is corrected the same way:
    its batch keeps what the file said."""
    _check_call_open(call)
    reason = _reason(reason)
    _check_staff(data.get("responding_staff"), call.district)
    if "occurred_at" in data:
        _check_not_future(data["occurred_at"], "occurred_at")
    ref = (data.get("call_ref") or "").strip()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if (
            ref
            and Call.objects.recorded()
            .filter(district_id=call.district_id, call_ref=ref)
            .exclude(pk=call.pk)
            .exists()
        ):
            raise IncidentError(
                _("A call with this agency call number is already recorded."),
                {"call_ref": _("A call with this agency call number is already recorded.")},
            )
        for name in CALL_FIELDS:
            if name in data:
                setattr(call, name, data[name])
        call.call_ref = ref
        _save(call, by=by, reason=reason)
    return call


def student_add(*, call: Call, data: dict[str, Any], by: User, reason: str = "") -> StudentInvolved:
    """Add a student to a call; a call of a closed school year says why (`reason`)."""
    if call.status == Call.Status.VOIDED:
        raise IncidentError(_("A voided call cannot be changed."))
    _validate_students([data], district=call.district, school=call.school)
    _fill_from_sis([data], district=call.district)
    reason = _closed_year_reason(call.district_id, call.occurred_at, reason)
    with transaction.atomic():
        record = StudentInvolved(call=call, **{k: data.get(k) for k in STUDENT_FIELDS})
        record.student_ref = record.student_ref or ""
        as_done_by(record, by, reason)
        record.save()
    return record


def student_update(
    *, student: StudentInvolved, data: dict[str, Any], reason: str, by: User
) -> StudentInvolved:
    """Correct a student's record on a call, saying why (the history keeps the old values, who
    and the reason). Neither the call nor the student may be voided; school discipline names an
    administrator of the call's school (R-11)."""
    call = student.call
    _check_call_open(call)
    reason = _reason(reason)
    _validate_students([data], district=call.district, school=call.school)
    with transaction.atomic():
        student = StudentInvolved.objects.select_for_update().get(pk=student.pk)
        if student.voided_at is not None:
            raise IncidentError(_("This student was voided; the record can no longer change."))
        for name in STUDENT_FIELDS:
            if name in data:
                setattr(student, name, data[name])
        student.student_ref = student.student_ref or ""
        _save(student, by=by, reason=reason)
    return student


def student_void(*, student: StudentInvolved, reason: str, by: User) -> StudentInvolved:
    """Void a student entered on a call in error: the row stays, struck through with the
    reason, and counts for nothing in figures or reports. Never deleted."""
    _check_call_open(student.call)
    reason = _reason(reason, field="reason")
    with transaction.atomic():
        student = StudentInvolved.objects.select_for_update().get(pk=student.pk)
        if student.voided_at is not None:
            raise IncidentError(_("This student is already voided."))
        if student.activities.filter(voided_at__isnull=True).exists():
            raise IncidentError(
                _("Void this student's law-enforcement activities first."),
                {"reason": _("Void this student's law-enforcement activities first.")},
            )
        student.voided_at = timezone.now()
        student.voided_by = by
        student.void_reason = reason
        _save(student, by=by, reason=reason)
    return student


def call_void(*, call: Call, reason: str, by: User) -> Call:
    """Mark a call entered in error as voided. Calls are never deleted (R-23)."""
    reason = reason.strip()
    if not reason:
        raise IncidentError(_("Say why the call is voided."), {"reason": _("Say why.")})
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.status == Call.Status.VOIDED:
            raise IncidentError(_("This call is already voided."))
        call.status = Call.Status.VOIDED
        call.void_reason = reason[:300]
        _save(call, by=by, reason=reason[:300], update_fields=["status", "void_reason"])
    return call


def import_batch_void(*, batch: ImportBatch, reason: str, by: User) -> ImportBatch:
    """Void an import of the wrong file: the batch (the audit record, kept as first written)
    and every call it gave that is still recorded are voided with the reason; nothing is
    deleted, and the calls' numbers are free for a corrected file. Each call's history names
    who and why."""
    reason = _reason(reason, field="reason")
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.IMPORTED:
            raise IncidentError(_("Nothing was imported from this file."))
        if locked.voided_at is not None:
            raise IncidentError(_("This import is already voided."))
        calls = list(locked.calls.select_for_update().filter(status=Call.Status.RECORDED))
        for call in calls:
            call.status = Call.Status.VOIDED
            call.void_reason = reason
        bulk_update_with_history(
            calls,
            Call,
            ["status", "void_reason"],
            batch_size=1000,
            default_user=by,
            default_change_reason=reason,
        )
        locked.voided_at = timezone.now()
        locked.voided_by = by
        locked.void_reason = reason
        _save(locked, by=by, reason=reason)
        # The calls were written without signals: their district's figures are stale now.
        data_changed(locked.district_id)
    return locked


# Law-enforcement activity ---------------------------------------------------------------------
ACTIVITY_FIELDS = (
    "kind",
    "student",
    "occurred_at",
    "on_premises",
    "premises_reason",
    "student_under_18",
    "custodial_interrogation",
    "detained_probable_cause",
    "consent_search",
    "attorney_access_at",
    "attorney_access_method",
    "attorney_access_before_waiver",
    "attorney_exception",
    "attorney_exception_reason",
    "parent_notified_at",
    "parent_notification_method",
    "parent_not_notified_reason",
    "narrative",
)
CONFIRM_VIOLATION = "confirm_attorney_violation"


def attorney_access_problems(activity: LawEnforcementActivity) -> dict[str, str]:
    """R-12: what a covered contact with a student under 18 lacks for juveniles' access to an
    attorney (when and how, before any waiver and before the contact, or a named exception with
    its reason). Empty when the rule was respected or does not apply."""
    errors: dict[str, str] = {}
    if not activity.attorney_access_required:
        return errors
    has_exception = bool(activity.attorney_exception and activity.attorney_exception_reason)
    if activity.attorney_exception and not activity.attorney_exception_reason.strip():
        errors["attorney_exception_reason"] = _("Explain why the exception applied.")
    elif not has_exception:
        if activity.attorney_access_at is None:
            errors["attorney_access_at"] = _(
                "Record when access to an attorney was given, or the exception that applied."
            )
        if not activity.attorney_access_method:
            errors["attorney_access_method"] = _("Record how access to an attorney was given.")
        if not activity.attorney_access_before_waiver:
            errors["attorney_access_before_waiver"] = _(
                "Access to an attorney must come before any waiver of rights."
            )
        if activity.attorney_access_at and activity.attorney_access_at > activity.occurred_at:
            errors["attorney_access_at"] = _(
                "Access to an attorney must be given before the questioning, detention or search."
            )
    return errors


def _parent_notification_problems(activity: LawEnforcementActivity) -> dict[str, str]:
    if (
        activity.attorney_access_required
        and activity.parent_notified_at is None
        and not activity.parent_not_notified_reason.strip()
    ):
        return {
            "parent_notified_at": _(
                "Record when the parent or guardian was notified, or why they were not."
            )
        }
    return {}


ATTORNEY_RULE_MESSAGE = _lazy(
    "A student under 18 was questioned in custody, detained or asked to consent to a search: "
    "the record needs access to an attorney and the parent notification."
)


def check_attorney_access(
    activity: LawEnforcementActivity, *, violation_confirmed: bool = False
) -> bool:
    """R-12: a covered contact with a student under 18 needs attorney access or an exception,
    and the parent or guardian notification (or why there was none).

    A contact that broke the attorney-access rule is recorded as it happened once the writer
    confirms it (`violation_confirmed`): the return value says it is a violation. Without the
    confirmation, or without the parent notification, `IncidentError` names the fields."""
    attorney = attorney_access_problems(activity)
    errors = {**attorney, **_parent_notification_problems(activity)}
    if attorney and not violation_confirmed:
        errors[CONFIRM_VIOLATION] = _(
            "If this is what happened, tick the box to record the contact as a violation of "
            "juveniles' access to an attorney; the program administrator is told."
        )
    if errors and (not attorney or not violation_confirmed or len(errors) > len(attorney)):
        message = str(ATTORNEY_RULE_MESSAGE)
        if attorney and not violation_confirmed and len(errors) == len(attorney) + 1:
            # Only the attorney access is missing: say so, and how to record what happened.
            message = _(
                "The record shows no access to an attorney before any waiver of rights, nor an "
                "exception. Correct the record, or confirm below that this is what happened."
            )
        raise IncidentError(message, errors)
    return bool(attorney)


def _check_activity(activity: LawEnforcementActivity, call: Call) -> None:
    student = activity.student
    if student is not None and (student.call_id != call.pk or student.voided_at is not None):
        raise IncidentError(
            _("This student is not part of this call."),
            {"student": _("Choose a student of this call.")},
        )
    _check_not_future(activity.occurred_at, "occurred_at")
    if activity.on_premises and not activity.premises_reason.strip():
        raise IncidentError(
            _("Say why the activity took place on school premises."),
            {"premises_reason": _("Say why the activity took place on school premises.")},
        )


def _notify_attorney_violation(activity: LawEnforcementActivity) -> None:
    """Email the district's program administrators about a violation, once (R-12)."""
    if not activity.attorney_access_violation or activity.violation_notified_at is not None:
        return
    call = activity.call
    recipients = program_admin_emails(call.district)
    path = reverse("incidents:call_detail", args=[call.pk])
    if recipients:
        email_queue(
            to=recipients,
            template="incidents/email/attorney_violation",
            district=call.district,
            context={"activity": activity, "call": call, "path": f"{path}#activity-{activity.pk}"},
        )
    activity.violation_notified_at = timezone.now()
    activity.save(update_fields=["violation_notified_at"])


def activity_create(
    *,
    call: Call,
    data: dict[str, Any],
    by: User,
    violation_confirmed: bool = False,
    reason: str = "",
) -> LawEnforcementActivity:
    """Record formal law-enforcement activity on a call (R-12). A covered contact that broke
    juveniles' access to an attorney is saved, flagged as a violation, only when the writer
    confirms it; the program administrators are then emailed once."""
    _check_call_open(call)
    activity = LawEnforcementActivity(
        call=call, created_by=by, **{k: v for k, v in data.items() if k in ACTIVITY_FIELDS}
    )
    _check_activity(activity, call)
    activity.attorney_access_violation = check_attorney_access(
        activity, violation_confirmed=violation_confirmed
    )
    reason = _closed_year_reason(call.district_id, call.occurred_at, reason)
    with transaction.atomic():
        _save(activity, by=by, reason=reason)
        _notify_attorney_violation(activity)
    return activity


def activity_correct(
    *,
    activity: LawEnforcementActivity,
    data: dict[str, Any],
    reason: str,
    by: User,
    violation_confirmed: bool = False,
) -> LawEnforcementActivity:
    """Correct a law-enforcement activity (a mistyped date, a wrong kind), saying why; the
    history keeps the old values. The same R-12 rules apply as on creation: a correction that
    leaves the contact without attorney access is saved only as a confirmed violation."""
    reason = _reason(reason)
    with transaction.atomic():
        locked = LawEnforcementActivity.objects.select_for_update().get(pk=activity.pk)
        call = Call.objects.get(pk=locked.call_id)
        _check_call_open(call)
        if locked.voided_at is not None:
            raise IncidentError(_("This activity was voided; it can no longer change."))
        for name in ACTIVITY_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        _check_activity(locked, call)
        locked.attorney_access_violation = check_attorney_access(
            locked, violation_confirmed=violation_confirmed
        )
        _save(locked, by=by, reason=reason)
        _notify_attorney_violation(locked)
    return locked


def activity_void(
    *, activity: LawEnforcementActivity, reason: str, by: User
) -> LawEnforcementActivity:
    """Void an activity entered in error: the row stays, struck through with the reason, and is
    left out of the report's counts. Never deleted."""
    reason = _reason(reason, field="reason")
    with transaction.atomic():
        locked = LawEnforcementActivity.objects.select_for_update().get(pk=activity.pk)
        if locked.voided_at is not None:
            raise IncidentError(_("This activity is already voided."))
        locked.voided_at = timezone.now()
        locked.voided_by = by
        locked.void_reason = reason
        _save(locked, by=by, reason=reason)
    return locked


# Intervention requests ------------------------------------------------------------------------
INTERVENTION_TRANSITIONS: dict[str, set[str]] = {
    InterventionRequest.Status.OPEN: {
        InterventionRequest.Status.RESPONDED,
        InterventionRequest.Status.WITHDRAWN,
    },
    InterventionRequest.Status.RESPONDED: set(),
    InterventionRequest.Status.WITHDRAWN: set(),
}


def _transition(request: InterventionRequest, target: str) -> None:
    if target not in INTERVENTION_TRANSITIONS[request.status]:
        raise IncidentError(
            _("This request is %(status)s and cannot change now.")
            % {"status": request.get_status_display().lower()}
        )
    request.status = target


def _check_basis(basis: str) -> None:
    if basis not in InterventionBasis.values:
        raise IncidentError(
            _(
                "Safety staff may be asked to intervene only for one of the three lawful bases; "
                "school rules and discipline are for school administrators."
            ),
            {"basis": _("Choose one of the three lawful bases.")},
        )


def intervention_request_create(
    *,
    district: District,
    school: School,
    basis: str,
    requester_role: str,
    description: str,
    location: str = "",
    requested_at: datetime.datetime | None = None,
    by: User,
    reason: str = "",
) -> InterventionRequest:
    """A teacher or administrator asks for an intervention on one of the lawful bases (R-10)."""
    _check_school(school, district)
    _check_basis(basis)
    if requester_role not in (
        InterventionRequest.RequesterRole.TEACHER,
        InterventionRequest.RequesterRole.ADMINISTRATOR,
    ):
        raise IncidentError(_("Only a teacher or an administrator can file a request."))
    if not description.strip():
        raise IncidentError(_("Describe what is happening."), {"description": _("Required.")})
    requested_at = requested_at or timezone.now()
    _check_not_future(requested_at, "requested_at")
    reason = _closed_year_reason(district, requested_at, reason)
    with transaction.atomic():
        request = InterventionRequest(
            district=district,
            school=school,
            kind=InterventionRequest.Kind.REQUEST,
            basis=basis,
            requested_by=by,
            requester_role=requester_role,
            requested_at=requested_at,
            location=location,
            description=description,
        )
        as_done_by(request, by, reason)
        request.save()
        request_notify.request_created(request)
    return request


def intervention_self_initiated_create(
    *,
    district: District,
    school: School,
    staff_member: StaffMember,
    occurred_at: datetime.datetime,
    description: str,
    location: str = "",
    outcome: str,
    outcome_notes: str = "",
    call: Call | None = None,
    by: User,
    reason: str = "",
) -> InterventionRequest:
    """Safety staff intervened in an emergency without being asked: recorded as such (R-10)."""
    _check_school(school, district)
    _check_staff(staff_member, district)
    _check_not_future(occurred_at, "requested_at")
    reason = _closed_year_reason(district, occurred_at, reason)
    if outcome == InterventionOutcome.SCHOOL_DISCIPLINE:
        raise IncidentError(
            _("Safety staff do not impose school discipline; hand the matter to an administrator."),
            {"outcome": _("Safety staff do not impose school discipline.")},
        )
    if call is not None and (call.district_id != district.pk or call.school_id != school.pk):
        raise IncidentError(_("The linked call is at another school."))
    with transaction.atomic():
        request = InterventionRequest(
            district=district,
            school=school,
            kind=InterventionRequest.Kind.SELF_INITIATED,
            basis=InterventionBasis.EMERGENCY,
            requested_by=by,
            requester_role=InterventionRequest.RequesterRole.SAFETY_STAFF,
            requested_at=occurred_at,
            location=location,
            description=description,
            status=InterventionRequest.Status.RESPONDED,
            responded_by=staff_member,
            responded_at=occurred_at,
            outcome=outcome,
            outcome_notes=outcome_notes,
            call=call,
        )
        as_done_by(request, by, reason)
        request.save()
    return request


def intervention_respond(
    *,
    request: InterventionRequest,
    responded_by: StaffMember,
    responded_at: datetime.datetime,
    outcome: str,
    outcome_notes: str = "",
    discipline_decided_by: User | None = None,
    call: Call | None = None,
    by: User,
    reason: str = "",
) -> InterventionRequest:
    """Record who answered an open request, when, and how it ended (R-10, R-11)."""
    district = request.district
    _check_staff(responded_by, district)
    if responded_at < request.requested_at:
        raise IncidentError(
            _("The response cannot come before the request."),
            {"responded_at": _("The response cannot come before the request.")},
        )
    _check_not_future(responded_at, "responded_at")
    reason = _closed_year_reason(district, request.requested_at, reason)
    if outcome not in InterventionOutcome.values:
        raise IncidentError(_("Choose an outcome."), {"outcome": _("Choose an outcome.")})
    if outcome == InterventionOutcome.SCHOOL_DISCIPLINE:
        check_discipline_decider(
            user=discipline_decided_by, district=district, school=request.school
        )
    else:
        discipline_decided_by = None
    if call is not None and (
        call.district_id != district.pk or call.school_id != request.school_id
    ):
        raise IncidentError(
            _("The linked call is at another school."), {"call": _("Choose a call at this school.")}
        )
    with transaction.atomic():
        request = InterventionRequest.objects.select_for_update().get(pk=request.pk)
        _transition(request, InterventionRequest.Status.RESPONDED)
        request.responded_by = responded_by
        request.responded_at = responded_at
        request.outcome = outcome
        request.outcome_notes = outcome_notes
        request.discipline_decided_by = discipline_decided_by
        request.call = call
        as_done_by(request, by, reason)
        request.save()
        request_notify.request_answered(request)
    return request


def intervention_withdraw(*, request: InterventionRequest, by: User) -> InterventionRequest:
    with transaction.atomic():
        request = InterventionRequest.objects.select_for_update().get(pk=request.pk)
        _transition(request, InterventionRequest.Status.WITHDRAWN)
        as_done_by(request, by)
        request.save(update_fields=["status"])
        request_notify.request_answered(request)
    return request


def intervention_request_correct(
    *,
    request: InterventionRequest,
    basis: str,
    description: str,
    location: str = "",
    reason: str,
    by: User,
) -> InterventionRequest:
    """Correct what a request said, saying why; the history keeps the old values. The basis
    stays one of the three lawful bases; a self-initiated intervention stays an emergency."""
    reason = _reason(reason)
    _check_basis(basis)
    if not description.strip():
        raise IncidentError(
            _("Describe what is happening."), {"description": _("Describe what is happening.")}
        )
    with transaction.atomic():
        locked = InterventionRequest.objects.select_for_update().get(pk=request.pk)
        if (
            locked.kind == InterventionRequest.Kind.SELF_INITIATED
            and basis != InterventionBasis.EMERGENCY
        ):
            raise IncidentError(
                _("A self-initiated intervention is always an emergency."),
                {"basis": _("A self-initiated intervention is always an emergency.")},
            )
        locked.basis = basis
        locked.description = description
        locked.location = location
        _save(locked, by=by, reason=reason)
    return locked


def intervention_response_correct(
    *,
    request: InterventionRequest,
    responded_by: StaffMember,
    responded_at: datetime.datetime,
    outcome: str,
    outcome_notes: str = "",
    discipline_decided_by: User | None = None,
    call: Call | None = None,
    reason: str,
    by: User,
) -> InterventionRequest:
    """Correct the recorded response to a request (who, when, the outcome), saying why; the
    history keeps the old values. The same rules apply as when it was recorded (R-10, R-11)."""
    reason = _reason(reason)
    district = request.district
    _check_staff(responded_by, district)
    _check_not_future(responded_at, "responded_at")
    if outcome not in InterventionOutcome.values:
        raise IncidentError(_("Choose an outcome."), {"outcome": _("Choose an outcome.")})
    if outcome == InterventionOutcome.SCHOOL_DISCIPLINE:
        if request.kind == InterventionRequest.Kind.SELF_INITIATED:
            raise IncidentError(
                _("Safety staff do not impose school discipline."),
                {"outcome": _("Safety staff do not impose school discipline.")},
            )
        check_discipline_decider(
            user=discipline_decided_by, district=district, school=request.school
        )
    else:
        discipline_decided_by = None
    if call is not None and (
        call.district_id != district.pk or call.school_id != request.school_id
    ):
        raise IncidentError(
            _("The linked call is at another school."), {"call": _("Choose a call at this school.")}
        )
    with transaction.atomic():
        locked = InterventionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != InterventionRequest.Status.RESPONDED:
            raise IncidentError(_("Only a recorded response can be corrected."))
        if responded_at < locked.requested_at:
            raise IncidentError(
                _("The response cannot come before the request."),
                {"responded_at": _("The response cannot come before the request.")},
            )
        if locked.kind == InterventionRequest.Kind.SELF_INITIATED:
            # A self-initiated intervention's request and response are the same moment.
            locked.requested_at = responded_at
        locked.responded_by = responded_by
        locked.responded_at = responded_at
        locked.outcome = outcome
        locked.outcome_notes = outcome_notes
        locked.discipline_decided_by = discipline_decided_by
        locked.call = call
        _save(locked, by=by, reason=reason)
    return locked


# Restraint and isolation ----------------------------------------------------------------------
RESTRAINT_FIELDS = (
    "call",
    "occurred_at",
    "staff_member",
    "staff_title",
    "leading_activity",
    "kind",
    "restraint_type",
    "duration_minutes",
    "students_count",
    "student_injured",
    "staff_injured",
    "injuries",
    "recommendations",
    "report_submitted_at",
    "parent_verbal_notice_at",
    "parent_written_notice_at",
)


def _check_restraint_students(
    report: RestraintReport, students: list[StudentInvolved] | None
) -> None:
    if not students:
        return
    if report.call_id is None or any(s.call_id != report.call_id for s in students):
        raise IncidentError(
            _("Only students of the linked call can be named on the report."),
            {"students": _("Choose students of the linked call.")},
        )


def _check_restraint(report: RestraintReport) -> None:
    errors = {}
    for name in ("report_submitted_at", "parent_verbal_notice_at", "parent_written_notice_at"):
        value = getattr(report, name)
        if value is not None and value < report.occurred_at:
            errors[name] = _("This cannot come before the restraint or isolation.")
    if errors:
        raise IncidentError(
            _("A report or notice cannot be dated before the restraint or isolation."), errors
        )
    _check_not_future(report.occurred_at, "occurred_at")
    if report.call_id and (
        report.call.district_id != report.district_id or report.call.school_id != report.school_id
    ):
        raise IncidentError(_("The linked call is at another school."))
    _check_staff(report.staff_member, report.district)


def restraint_report_create(
    *, district: District, school: School, data: dict[str, Any], by: User
) -> RestraintReport:
    """Record a restraint or isolation report (R-13); `data["students"]`, if given, are
    StudentInvolved records of the linked call."""
    _check_school(school, district)
    report = RestraintReport(district=district, school=school, created_by=by)
    for name in RESTRAINT_FIELDS:
        if name in data:
            setattr(report, name, data[name])
    students = data.get("students")
    _check_restraint(report)
    _check_restraint_students(report, students)
    with transaction.atomic():
        as_done_by(report, by)
        report.save()
        if students:
            report.students.set(students)
    return report


def restraint_report_update(
    *, report: RestraintReport, data: dict[str, Any], reason: str, by: User
) -> RestraintReport:
    """Correct a restraint or isolation report, saying why; the history keeps the old values
    (and the students named). The same rules apply as on creation, inside one transaction."""
    reason = _reason(reason)
    with transaction.atomic():
        report = RestraintReport.objects.select_for_update().get(pk=report.pk)
        if report.voided_at is not None:
            raise IncidentError(_("This report was voided; it can no longer change."))
        for name in RESTRAINT_FIELDS:
            if name in data:
                setattr(report, name, data[name])
        _check_restraint(report)
        students = data.get("students")
        if students is None:
            students = list(report.students.all()) if report.call_id else []
        _check_restraint_students(report, students)
        _save(report, by=by, reason=reason)
        if {s.pk for s in students} != set(report.students.values_list("pk", flat=True)):
            report.students.set(students)
    return report


def restraint_report_void(*, report: RestraintReport, reason: str, by: User) -> RestraintReport:
    """Void a restraint or isolation report entered in error (recorded twice, the wrong
    student's day): the row stays, struck through with who, when and why (also in its history),
    and counts for nothing in the yearly summary, the dashboard, reminders or reports. Never
    deleted."""
    reason = _reason(reason, field="reason")
    with transaction.atomic():
        locked = RestraintReport.objects.select_for_update().get(pk=report.pk)
        if locked.voided_at is not None:
            raise IncidentError(_("This report is already voided."))
        locked.voided_at = timezone.now()
        locked.voided_by = by
        locked.void_reason = reason
        _save(locked, by=by, reason=reason)
    return locked


# Outside-agency information requests (R-15) ---------------------------------------------------
def agency_request_log(
    *, district: District, data: dict[str, Any], by: User
) -> AgencyInformationRequest:
    """Log a request from an outside agency. An immigration-enforcement request without a
    judge's order is refused, whatever was chosen, and routed to the program administrator,
    who is emailed."""
    school = data.get("school")
    if school is not None:
        _check_school(school, district)
    # A request starts as received; the answer or refusal is its own step.
    fields = {k: v for k, v in data.items() if k not in ANSWER_FIELDS}
    record = AgencyInformationRequest(district=district, logged_by=by, **fields)
    record.status = AgencyInformationRequest.Status.RECEIVED
    if record.immigration_enforcement:
        record.routed_to_program_admin = True
        if record.legal_basis != AgencyInformationRequest.LegalBasis.JUDICIAL_ORDER:
            # Never answered without a judge's order: refused on the day it came in.
            record.status = AgencyInformationRequest.Status.REFUSED
            record.answered_on = record.received_on
            record.answered_by = by
    else:
        record.routed_to_program_admin = bool(data.get("routed_to_program_admin", False))
    try:
        record.full_clean(exclude=["district", "logged_by", "school"])
    except ValidationError as exc:
        raise IncidentError(
            _("Please check the request."), {k: " ".join(v) for k, v in exc.message_dict.items()}
        ) from None
    with transaction.atomic():
        as_done_by(record, by)
        record.save()
        if record.routed_to_program_admin:
            recipients = program_admin_emails(district)
            if recipients:
                email_queue(
                    to=recipients,
                    template="incidents/email/agency_request_routed",
                    district=district,
                    context={
                        "record": record,
                        "path": reverse("incidents:agency_request_detail", args=[record.pk]),
                    },
                )
    return record


ANSWER_FIELDS = ("status", "answered_on", "information_given", "answered_by")
AGENCY_REQUEST_FIELDS = (
    "received_on",
    "agency",
    "school",
    "what_was_asked",
    "legal_basis",
    "immigration_enforcement",
    "notes",
)


def _check_request_not_voided(record: AgencyInformationRequest) -> None:
    if record.voided_at is not None:
        raise IncidentError(_("This request was voided; it can no longer change."))


def agency_request_correct(
    *, record: AgencyInformationRequest, data: dict[str, Any], reason: str, by: User
) -> AgencyInformationRequest:
    """Correct a logged request (a mistyped date, the agency's name, the legal basis), saying
    why; the history keeps the old values. A correction that would make an answered request an
    immigration-enforcement request answered without a judge's order is refused, and one that
    makes a request immigration enforcement routes it to the program administrator (R-15)."""
    reason = _reason(reason)
    school = data.get("school")
    if school is not None:
        _check_school(school, record.district)
    with transaction.atomic():
        locked = AgencyInformationRequest.objects.select_for_update().get(pk=record.pk)
        _check_request_not_voided(locked)
        newly_routed = False
        for name in AGENCY_REQUEST_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        if locked.received_on > timezone.localdate():
            raise IncidentError(
                _("This date is in the future."), {"received_on": _("This date is in the future.")}
            )
        if locked.answered_on is not None and locked.answered_on < locked.received_on:
            raise IncidentError(
                _("The request cannot come after its answer."),
                {"received_on": _("The request cannot come after its answer.")},
            )
        if locked.immigration_enforcement:
            if (
                locked.status == AgencyInformationRequest.Status.ANSWERED
                and locked.legal_basis != AgencyInformationRequest.LegalBasis.JUDICIAL_ORDER
            ):
                raise IncidentError(
                    _(
                        "This request was answered: as an immigration-enforcement request it "
                        "needed an order signed by a judge."
                    ),
                    {
                        "legal_basis": _(
                            "An answered immigration-enforcement request needs a judge's order."
                        )
                    },
                )
            if (
                locked.status == AgencyInformationRequest.Status.RECEIVED
                and locked.legal_basis != AgencyInformationRequest.LegalBasis.JUDICIAL_ORDER
            ):
                # As on logging: never answered without a judge's order, refused now.
                locked.status = AgencyInformationRequest.Status.REFUSED
                locked.answered_on = timezone.localdate()
                locked.answered_by = by
            newly_routed = not locked.routed_to_program_admin
            locked.routed_to_program_admin = True
        _save(locked, by=by, reason=reason)
        if newly_routed:
            recipients = program_admin_emails(locked.district)
            if recipients:
                email_queue(
                    to=recipients,
                    template="incidents/email/agency_request_routed",
                    district=locked.district,
                    context={
                        "record": locked,
                        "path": reverse("incidents:agency_request_detail", args=[locked.pk]),
                    },
                )
    return locked


def agency_request_may_answer(*, record: AgencyInformationRequest, user: User, scope: Any) -> bool:
    """A request routed to the program administrator is answered by them; another request by
    the program administrator or the person who logged it."""
    if scope.is_program_admin:
        return True
    return not record.routed_to_program_admin and record.logged_by_id == user.pk


def agency_request_answer(
    *,
    record: AgencyInformationRequest,
    decision: str,
    answered_on: datetime.date,
    information_given: str,
    by: User,
) -> AgencyInformationRequest:
    """Record the answer to (or refusal of) a received request, with its date and what was
    given (R-15). An immigration-enforcement request is answered only on a judicial order;
    without one it can only be refused. The request must still be `received`."""
    statuses = AgencyInformationRequest.Status
    if decision not in (statuses.ANSWERED, statuses.REFUSED):
        raise IncidentError(_("Choose answered or refused."), {"decision": _("Choose one.")})
    information_given = information_given.strip()
    if decision == statuses.ANSWERED and not information_given:
        raise IncidentError(
            _("Say what information was given."),
            {"information_given": _("Say what information was given.")},
        )
    if answered_on > timezone.localdate():
        raise IncidentError(
            _("This date is in the future."), {"answered_on": _("This date is in the future.")}
        )
    with transaction.atomic():
        record = AgencyInformationRequest.objects.select_for_update().get(pk=record.pk)
        _check_request_not_voided(record)
        if record.status != statuses.RECEIVED:
            raise IncidentError(
                _("This request was already %(status)s.")
                % {"status": record.get_status_display().lower()}
            )
        if answered_on < record.received_on:
            raise IncidentError(
                _("The answer cannot come before the request."),
                {"answered_on": _("The answer cannot come before the request.")},
            )
        if (
            decision == statuses.ANSWERED
            and record.immigration_enforcement
            and record.legal_basis != AgencyInformationRequest.LegalBasis.JUDICIAL_ORDER
        ):
            raise IncidentError(
                _(
                    "An immigration-enforcement request is answered only on an order signed by "
                    "a judge; without one it can only be refused."
                ),
                {"decision": _("Without a judge's order this request can only be refused.")},
            )
        record.status = decision
        record.answered_on = answered_on
        record.information_given = information_given
        record.answered_by = by
        as_done_by(record, by)
        record.save(update_fields=["status", "answered_on", "information_given", "answered_by"])
    return record


def agency_request_void(
    *, record: AgencyInformationRequest, reason: str, by: User
) -> AgencyInformationRequest:
    """Void a request logged in error (logged twice, never an agency's request): the row stays,
    struck through with who, when and why (also in its history), and is left out of the list and
    the dashboard by default. What was answered or refused stays as it was. Never deleted."""
    reason = _reason(reason, field="reason")
    with transaction.atomic():
        locked = AgencyInformationRequest.objects.select_for_update().get(pk=record.pk)
        if locked.voided_at is not None:
            raise IncidentError(_("This request is already voided."))
        locked.voided_at = timezone.now()
        locked.voided_by = by
        locked.void_reason = reason
        _save(locked, by=by, reason=reason)
    return locked


__all__ = [
    "activity_correct",
    "agency_request_void",
    "restraint_report_void",
    "activity_void",
    "import_batch_void",
    "agency_request_correct",
    "attorney_access_problems",
    "intervention_request_correct",
    "intervention_response_correct",
    "student_void",
    "agency_request_answer",
    "agency_request_may_answer",
    "student_update",
    "ATTORNEY_ACCESS_FROM",
    "IncidentError",
    "activity_create",
    "agency_request_log",
    "call_create",
    "call_update",
    "call_void",
    "intervention_request_create",
    "intervention_respond",
    "intervention_self_initiated_create",
    "intervention_withdraw",
    "restraint_report_create",
    "restraint_report_update",
    "student_add",
]
