"""Writes of the agreements app: each checks its rules, changes state atomically and logs who.

The agreement lifecycle (SPEC §3) is an explicit state machine; an illegal move raises
`AgreementError` with a message a person understands.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements import notify as agreement_notify
from agreements.models import (
    MAX_DAYS_PER_WEEK,
    REVIEW_AFTER_MONTHS,
    Agreement,
    AgreementElement,
    AnnualReview,
    BoardAdoption,
    EngagementAttachment,
    EngagementEvent,
    EsdDocumentation,
    HiringRecord,
    PerformanceEvaluation,
    Provider,
    RequiredElement,
    ReviewReminder,
    StaffAssignment,
    StaffMember,
    TrainingRecord,
    add_months,
)
from srp.closing import require_reason_if_closed
from srp.history import as_done_by
from srp.models import District, Membership, School, SchoolYear, User
from srp.outbox import email_queue
from srp.roles import Role
from srp.rules import RuleError
from srp.uploads import IMAGES_AND_PDF, MB, ONLY_PDF, validate_upload

AGREEMENT_PDF_MAX_BYTES = 20 * MB
ATTACHMENT_MAX_BYTES = 10 * MB
MAX_ATTACHMENTS_PER_EVENT = 5

Status = Agreement.Status

# Which status may follow which. Adoption and re-adoption go through `agreement_adopt`, which
# also checks the checklist and the community engagement; the move to "review due" is made by
# the daily reminder once twelve months have passed.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.COMMUNITY_REVIEW, Status.ENDED}),
    Status.COMMUNITY_REVIEW: frozenset({Status.DRAFT, Status.READY, Status.ENDED}),
    Status.READY: frozenset({Status.COMMUNITY_REVIEW, Status.ADOPTED, Status.ENDED}),
    Status.ADOPTED: frozenset({Status.REVIEW_DUE, Status.READOPTED, Status.ENDED}),
    Status.REVIEW_DUE: frozenset({Status.READOPTED, Status.ENDED}),
    Status.READOPTED: frozenset({Status.REVIEW_DUE, Status.READOPTED, Status.ENDED}),
    Status.ENDED: frozenset(),
}

# The moves a person makes with a button (adoption has its own form).
MANUAL_TRANSITIONS = {
    Status.COMMUNITY_REVIEW: gettext_lazy("Open community review"),
    Status.READY: gettext_lazy("Mark ready for adoption"),
    Status.DRAFT: gettext_lazy("Back to draft"),
    Status.ENDED: gettext_lazy("End the agreement"),
}


class AgreementError(RuleError):
    """A rule of the agreements app refused the change; the message says why."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _check_transition(agreement: Agreement, target: str) -> None:
    if target not in TRANSITIONS[agreement.status]:
        raise AgreementError(
            _("An agreement that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": Status(agreement.status).label,
                "target": Status(target).label,
            }
        )


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


# Providers ------------------------------------------------------------------------------------
def provider_save(
    *, district: District, provider: Provider | None = None, **fields: Any
) -> Provider:
    provider = provider or Provider(district=district)
    if provider.district_id != district.pk:
        raise AgreementError(_("This provider belongs to another district."))
    for name, value in fields.items():
        setattr(provider, name, value)
    with transaction.atomic():
        provider.full_clean()
        provider.save()
    return provider


def liaison_link_set(*, membership: Membership, provider: Provider) -> None:
    """Link an agency liaison to the provider it speaks for (one provider per membership)."""
    if membership.role != Role.AGENCY_LIAISON:
        raise AgreementError(_("Only an agency liaison can be linked to a provider."))
    if membership.district_id != provider.district_id:
        raise AgreementError(_("The liaison and the provider belong to different districts."))
    from agreements.models import LiaisonLink

    with transaction.atomic():
        LiaisonLink.objects.update_or_create(membership=membership, defaults={"provider": provider})


# Agreements -----------------------------------------------------------------------------------
def agreement_create(
    *,
    district: District,
    provider: Provider,
    title: str,
    effective_from: datetime.date,
    effective_until: datetime.date | None = None,
) -> Agreement:
    """Create a draft agreement with its ten required elements, none marked present yet."""
    if provider.district_id != district.pk:
        raise AgreementError(_("This provider belongs to another district."), field="provider")
    if effective_until and effective_until < effective_from:
        raise AgreementError(
            _("The end date comes before the start date."), field="effective_until"
        )
    with transaction.atomic():
        agreement = Agreement.objects.create(
            district=district,
            provider=provider,
            title=title,
            effective_from=effective_from,
            effective_until=effective_until,
        )
        AgreementElement.objects.bulk_create(
            AgreementElement(agreement=agreement, code=code) for code in RequiredElement.values
        )
        for element in agreement.elements.all():
            # bulk_create skips history; one "created" row per element keeps the audit whole.
            element.save()
    return agreement


def agreement_update(
    *,
    agreement: Agreement,
    title: str,
    effective_from: datetime.date,
    effective_until: datetime.date | None,
) -> Agreement:
    if agreement.status == Status.ENDED:
        raise AgreementError(_("An ended agreement cannot be changed."))
    if effective_until and effective_until < effective_from:
        raise AgreementError(
            _("The end date comes before the start date."), field="effective_until"
        )
    with transaction.atomic():
        agreement = _locked(agreement)
        agreement.title = title
        agreement.effective_from = effective_from
        agreement.effective_until = effective_until
        agreement.save()
    return agreement


def agreement_elements_save(*, agreement: Agreement, elements: Iterable[dict[str, Any]]) -> None:
    """Save the checklist: each item has code, present, section, page, excerpt.

    A present element needs its clause reference (section and page). All or nothing.
    """
    if agreement.status == Status.ENDED:
        raise AgreementError(_("An ended agreement cannot be changed."))
    with transaction.atomic():
        _locked(agreement)
        existing = {e.code: e for e in agreement.elements.select_for_update()}
        for item in elements:
            element = existing.get(item["code"])
            if element is None:
                raise AgreementError(_("Unknown element %(code)s.") % {"code": item["code"]})
            present = bool(item.get("present"))
            section = (item.get("section") or "").strip()
            page = item.get("page")
            if present and (not section or not page):
                raise AgreementError(
                    _("%(element)s is marked present: give its section and page.")
                    % {"element": element.code}
                )
            changed = (
                element.present != present
                or element.section != section
                or element.page != page
                or element.excerpt != (item.get("excerpt") or "")
            )
            if changed:
                element.present = present
                element.section = section
                element.page = page
                element.excerpt = item.get("excerpt") or ""
                element.save()


def missing_elements(agreement: Agreement) -> list[str]:
    """The labels of the required elements not yet marked present (R-01)."""
    present = {e.code for e in agreement.elements.all() if e.present}
    return [str(label) for code, label in RequiredElement.choices if code not in present]


def agreement_document_upload(*, agreement: Agreement, upload: UploadedFile) -> Agreement:
    """Store the signed agreement. The file must be a PDF by its bytes, at most 20 MB."""
    try:
        validate_upload(upload, allowed=ONLY_PDF, max_bytes=AGREEMENT_PDF_MAX_BYTES)
    except ValidationError as exc:
        raise AgreementError(exc.messages[0], field="document") from None
    with transaction.atomic():
        agreement = _locked(agreement)
        # A replaced file stays in storage: the history rows still name it.
        agreement.document_name = (upload.name or "")[:255]
        agreement.document.save(upload.name, upload, save=False)
        agreement.save()
    return agreement


def agreement_transition(*, agreement: Agreement, to: str, by: User) -> Agreement:
    """Move a not-yet-adopted agreement along (draft ↔ community review ↔ ready) or end it."""
    if to in (Status.ADOPTED, Status.READOPTED):
        raise AgreementError(_("Use the adoption form to record the board's action."))
    with transaction.atomic():
        agreement = _locked(agreement)
        _check_transition(agreement, to)
        agreement.status = to
        if to == Status.ENDED:
            agreement.ended_on = timezone.localdate()
        agreement._change_reason = f"status → {to} by {by}"
        agreement.save()
    return agreement


def _missing_message(missing: list[str]) -> str:
    return _("Adoption refused: these required elements are not marked present: %(list)s.") % {
        "list": "; ".join(missing)
    }


def engagement_gaps(review: AnnualReview) -> list[str]:
    """The groups (parents, students, community members) no engagement event involved (R-02)."""
    totals = review.events.live().aggregate(
        parents=Sum("parents"), students=Sum("students"), community=Sum("community_members")
    )
    gaps = []
    if not totals["parents"]:
        gaps.append(_("parents"))
    if not totals["students"]:
        gaps.append(_("students"))
    if not totals["community"]:
        gaps.append(_("community members"))
    return gaps


def agreement_adopt(
    *,
    agreement: Agreement,
    review: AnnualReview,
    adopted_on: datetime.date,
    board_action: str,
    by: User,
) -> BoardAdoption:
    """Record the board's adoption (or re-adoption) of the agreement and of the year's review.

    Preconditions: the agreement is ready for adoption (first adoption) or adopted / review due
    (re-adoption); every required element is present (R-01); the review belongs to this
    agreement, is not adopted yet and involved parents, students and community members (R-02);
    the adoption date is not before the review's last engagement event, lies in the review's
    school year and is not in the future. Effect: the review becomes due 12 months later (R-03).
    """
    board_action = board_action.strip()
    if not board_action:
        raise AgreementError(
            _("Give the board's motion or resolution number."), field="board_action"
        )
    today = timezone.localdate()
    if adopted_on > today:
        raise AgreementError(_("The adoption date is in the future."), field="adopted_on")
    with transaction.atomic():
        agreement = _locked(agreement)
        review = (
            AnnualReview.objects.select_for_update().select_related("school_year").get(pk=review.pk)
        )
        if review.agreement_id != agreement.pk:
            raise AgreementError(_("This review belongs to another agreement."), field="review")
        target = Status.ADOPTED if agreement.status == Status.READY else Status.READOPTED
        if agreement.status not in (Status.READY, *Agreement.IN_FORCE_STATUSES):
            raise AgreementError(
                _("An agreement that is “%(current)s” cannot be adopted; mark it ready first.")
                % {"current": Status(agreement.status).label}
            )
        _check_transition(agreement, target)
        missing = missing_elements(agreement)
        if missing:
            raise AgreementError(_missing_message(missing))
        if review.status == AnnualReview.Status.ADOPTED:
            raise AgreementError(
                _("The %(year)s review has already been adopted.")
                % {"year": review.school_year.label},
                field="review",
            )
        gaps = engagement_gaps(review)
        if gaps:
            raise AgreementError(
                _("The %(year)s review cannot be adopted: no engagement event involved %(groups)s.")
                % {"year": review.school_year.label, "groups": ", ".join(gaps)},
                field="review",
            )
        last_event = (
            review.events.live().order_by("-held_on").values_list("held_on", flat=True).first()
        )
        if last_event and adopted_on < last_event:
            raise AgreementError(
                _(
                    "The adoption date comes before the review's last engagement event "
                    "(%(date)s): the board adopts after hearing the community."
                )
                % {"date": last_event.isoformat()},
                field="adopted_on",
            )
        year = review.school_year
        if not (year.starts_on <= adopted_on <= year.ends_on):
            raise AgreementError(
                _("The adoption date is outside the %(year)s school year of the review.")
                % {"year": year.label},
                field="adopted_on",
            )
        if agreement.adopted_on and adopted_on <= agreement.adopted_on:
            raise AgreementError(
                _("The adoption date must come after the previous adoption (%(date)s).")
                % {"date": agreement.adopted_on.isoformat()},
                field="adopted_on",
            )
        adoption = BoardAdoption.objects.create(
            agreement=agreement,
            review=review,
            adopted_on=adopted_on,
            board_action=board_action,
            readoption=target == Status.READOPTED,
            recorded_by=by,
        )
        review.status = AnnualReview.Status.ADOPTED
        review.adopted_on = adopted_on
        review.board_action = board_action
        review.save()
        agreement.status = target
        agreement.adopted_on = adopted_on
        agreement.board_action = board_action
        agreement.review_due_on = add_months(adopted_on, REVIEW_AFTER_MONTHS)
        if agreement.review_due_on <= today:
            agreement.status = Status.REVIEW_DUE
        agreement._change_reason = f"adopted {adopted_on} ({board_action}) by {by}"
        agreement.save()
    return adoption


def annual_review_open(*, agreement: Agreement, school_year: SchoolYear) -> AnnualReview:
    """Open the review of a school year (one per year)."""
    if school_year.district_id != agreement.district_id:
        raise AgreementError(
            _("This school year belongs to another district."), field="school_year"
        )
    if agreement.status == Status.ENDED:
        raise AgreementError(_("An ended agreement is not reviewed."))
    with transaction.atomic():
        _locked(agreement)
        if AnnualReview.objects.filter(agreement=agreement, school_year=school_year).exists():
            raise AgreementError(
                _("This agreement already has a review for %(year)s.")
                % {"year": school_year.label},
                field="school_year",
            )
        return AnnualReview.objects.create(agreement=agreement, school_year=school_year)


def engagement_event_add(
    *,
    review: AnnualReview,
    held_on: datetime.date,
    kind: str,
    parents: int,
    students: int,
    community_members: int,
    summary: str,
    attachments: Iterable[UploadedFile] = (),
) -> EngagementEvent:
    """Record an engagement event; it must involve someone and may carry up to 5 files."""
    _check_event_values(
        held_on=held_on,
        kind=kind,
        parents=parents,
        students=students,
        community_members=community_members,
    )
    if review.status == AnnualReview.Status.ADOPTED:
        raise AgreementError(_("This review has been adopted; it can no longer change."))
    attachments = list(attachments)
    types = _check_attachments(attachments)
    with transaction.atomic():
        AnnualReview.objects.select_for_update().get(pk=review.pk)
        event = EngagementEvent.objects.create(
            review=review,
            held_on=held_on,
            kind=kind,
            parents=parents,
            students=students,
            community_members=community_members,
            summary=summary,
        )
        _attach(event, attachments, types)
    return event


def _check_event_values(
    *, held_on: datetime.date, kind: str, parents: int, students: int, community_members: int
) -> None:
    counts = (parents, students, community_members)
    if any(c is None or c < 0 for c in counts):
        raise AgreementError(_("Counts cannot be negative."), field="parents")
    if sum(counts) == 0:
        raise AgreementError(
            _("An engagement event must involve at least one parent, student or community member."),
            field="parents",
        )
    if kind not in EngagementEvent.Kind.values:
        raise AgreementError(_("Choose a kind of event."), field="kind")
    if held_on > timezone.localdate():
        raise AgreementError(_("This date is in the future."), field="held_on")


def _check_adopted_review_still_holds(review: AnnualReview) -> None:
    """A correction of an adopted review's engagement must leave what the board adopted true:
    parents, students and community members involved (R-02), every event before the board's
    action. Call inside the transaction, after the change is saved (it is rolled back)."""
    if review.status != AnnualReview.Status.ADOPTED:
        return
    gaps = engagement_gaps(review)
    if gaps:
        raise AgreementError(
            _(
                "The %(year)s review was adopted on the engagement of %(groups)s: this change "
                "would leave no event that involved them."
            )
            % {"year": review.school_year.label, "groups": ", ".join(gaps)},
            field="parents",
        )
    if review.adopted_on and review.events.live().filter(held_on__gt=review.adopted_on).exists():
        raise AgreementError(
            _("The board adopted the review on %(date)s: an event of it cannot come after that.")
            % {"date": review.adopted_on.isoformat()},
            field="held_on",
        )


def _check_attachments(attachments: list[UploadedFile], *, already: int = 0) -> list[str]:
    if already + len(attachments) > MAX_ATTACHMENTS_PER_EVENT:
        raise AgreementError(
            _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS_PER_EVENT},
            field="attachments",
        )
    types = []
    for upload in attachments:
        try:
            types.append(
                validate_upload(upload, allowed=IMAGES_AND_PDF, max_bytes=ATTACHMENT_MAX_BYTES)
            )
        except ValidationError as exc:
            raise AgreementError(exc.messages[0], field="attachments") from None
    return types


def _attach(event: EngagementEvent, attachments: list[UploadedFile], types: list[str]) -> None:
    for upload, content_type in zip(attachments, types, strict=True):
        attachment = EngagementAttachment(
            event=event,
            original_name=(upload.name or "")[:255],
            content_type=content_type,
            size=upload.size,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()


def engagement_event_correct(
    *,
    event: EngagementEvent,
    by: User,
    reason: str,
    held_on: datetime.date,
    kind: str,
    parents: int,
    students: int,
    community_members: int,
    summary: str,
    attachments: Iterable[UploadedFile] = (),
) -> EngagementEvent:
    """Correct an engagement event (and add files to it, at most 5 not voided in all) with a
    reason kept in its history. An adopted review's event may be corrected too, as long as the
    review still involved every group and each event came before the board's action."""
    reason = _reason(reason)
    _check_event_values(
        held_on=held_on,
        kind=kind,
        parents=parents,
        students=students,
        community_members=community_members,
    )
    attachments = list(attachments)
    with transaction.atomic():
        review = (
            AnnualReview.objects.select_for_update()
            .select_related("school_year")
            .get(pk=event.review_id)
        )
        locked = _live_locked(EngagementEvent, event)
        types = _check_attachments(attachments, already=locked.attachments.live().count())
        locked.held_on = held_on
        locked.kind = kind
        locked.parents = parents
        locked.students = students
        locked.community_members = community_members
        locked.summary = summary
        _save_corrected(locked, by=by, reason=reason)
        _check_adopted_review_still_holds(review)
        _attach(locked, attachments, types)
    return locked


def engagement_event_void(*, event: EngagementEvent, by: User, reason: str) -> EngagementEvent:
    """Void an event recorded by mistake: it stays, struck through, and no longer counts for
    the review's engagement (an adopted review must still have involved every group)."""
    with transaction.atomic():
        review = (
            AnnualReview.objects.select_for_update()
            .select_related("school_year")
            .get(pk=event.review_id)
        )
        voided = _void(EngagementEvent, record=event, by=by, reason=reason)
        _check_adopted_review_still_holds(review)
    return voided


def engagement_attachment_void(
    *, attachment: EngagementAttachment, by: User, reason: str
) -> EngagementAttachment:
    """Void a file attached by mistake: the row and the file stay (named in the history), the
    file is no longer offered for download."""
    return _void(EngagementAttachment, record=attachment, by=by, reason=reason)


# Reminders (R-03) -----------------------------------------------------------------------------
def _program_admin_emails(district_id: int) -> list[str]:
    return sorted(
        {
            email
            for email in Membership.objects.active()
            .filter(district_id=district_id, role=Role.PROGRAM_ADMIN, user__is_active=True)
            .values_list("user__email", flat=True)
            if email
        }
    )


def agreement_reviews_remind(*, now: datetime.datetime | None = None) -> int:
    """Daily: mark agreements whose review has fallen due, and warn program administrators
    60 days before (and on the day) by email, once per agreement and due date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = 0
    for agreement in Agreement.objects.review_warning_window(today).select_related(
        "provider", "district"
    ):
        with transaction.atomic():
            locked = _locked(agreement)
            if locked.review_due_on is None or locked.status not in Agreement.IN_FORCE_STATUSES:
                continue
            due = locked.review_due_on <= today
            if due and locked.status != Status.REVIEW_DUE:
                _check_transition(locked, Status.REVIEW_DUE)
                locked.status = Status.REVIEW_DUE
                locked._change_reason = "review due: 12 months since adoption"
                locked.save()
            kind = ReviewReminder.Kind.DUE if due else ReviewReminder.Kind.WARNING
            reminder, created = ReviewReminder.objects.get_or_create(
                agreement=locked,
                kind=kind,
                review_due_on=locked.review_due_on,
                defaults={"sent_at": now},
            )
            if not created:
                continue
            recipients = _program_admin_emails(locked.district_id)
            reminder.recipients = recipients
            reminder.save(update_fields=["recipients"])
            if due:
                # Due now: on the program administrators' lists, by email as each chose.
                queued += 1 if agreement_notify.review_late(locked, agreement.district) else 0
            elif recipients:
                email_queue(
                    to=recipients,
                    template="agreements/email/review_due",
                    district=agreement.district,
                    context={
                        "agreement": locked,
                        "provider": agreement.provider,
                        "district": agreement.district,
                        "due": due,
                        "days_left": (locked.review_due_on - today).days,
                    },
                )
                queued += 1
    return queued


# Staff ----------------------------------------------------------------------------------------
def staff_member_save(
    *, district: District, staff_member: StaffMember | None = None, **fields: Any
) -> StaffMember:
    staff_member = staff_member or StaffMember(district=district)
    if staff_member.district_id != district.pk:
        raise AgreementError(_("This staff member belongs to another district."))
    employer = fields.get("employer")
    if employer is not None and employer.district_id != district.pk:
        raise AgreementError(_("This provider belongs to another district."), field="employer")
    for name, value in fields.items():
        setattr(staff_member, name, value)
    with transaction.atomic():
        try:
            staff_member.full_clean()
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise AgreementError(messages[0], field=field if field != "__all__" else None) from None
        staff_member.save()
    return staff_member


def staff_member_link_account(*, staff_member: StaffMember, user: User, by: User) -> StaffMember:
    """Link the roster entry to the sign-in account of the person it is.

    Preconditions: the account holds a membership in the entry's district; the entry is not
    linked to another account; the account is not linked to another entry of the district's
    roster (it may be on other districts' rosters). Effects: the
    link, in the entry's history with who made it. From then on the link, not the email, says
    whose entry it is (R-09 in `ComplaintQuerySet.not_about`, the safety staff's schools).
    """
    with transaction.atomic():
        locked = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
        if locked.user_id == user.pk:
            return locked
        if locked.user_id is not None:
            raise AgreementError(
                _("This roster entry is linked to another account: unlink it first.")
            )
        if not Membership.objects.filter(user=user, district_id=locked.district_id).exists():
            raise AgreementError(
                _("Only a person of this district can be linked: add them under People first.")
            )
        # Only this district's roster counts: the person may be on other districts' rosters
        # too, and the answer must not tell whether they are.
        if (
            StaffMember.objects.filter(user=user, district_id=locked.district_id)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise AgreementError(
                _("This account is linked to another roster entry already: unlink it there.")
            )
        locked.user = user
        as_done_by(locked, by)
        locked.save()
    staff_member.user = user
    return locked


def staff_member_unlink_account(*, staff_member: StaffMember, by: User) -> StaffMember:
    """Remove the link between the roster entry and its account (recorded in the history).

    Until it is linked again, the entry is matched to accounts by its email (R-09)."""
    with transaction.atomic():
        locked = StaffMember.objects.select_for_update().get(pk=staff_member.pk)
        if locked.user_id is None:
            return locked
        locked.user = None
        as_done_by(locked, by)
        locked.save()
    staff_member.user = None
    return locked


def staff_member_invite(*, staff_member: StaffMember, email: str, by: User) -> StaffMember:
    """Give the roster entry's person a sign-in account by email and link it.

    A new email gets an account named as the entry and a "choose your password" email; an
    email with an account already keeps it as it is (its owner is told of the new role), so the
    page does not reveal whether an email has an account in another district. Either way the
    person gets a safety-staff membership in the district unless they hold one, and the link.
    """
    from srp.services import person_add

    email = email.strip().lower()
    if staff_member.user_id is not None:
        raise AgreementError(_("This roster entry is linked to another account: unlink it first."))
    with transaction.atomic():
        membership = Membership.objects.filter(
            user__email__iexact=email,
            district_id=staff_member.district_id,
            role=Role.SAFETY_STAFF,
        ).first()
        if membership is None:
            membership = person_add(
                district=staff_member.district,
                email=email,
                first_name=staff_member.first_name,
                last_name=staff_member.last_name,
                role=Role.SAFETY_STAFF,
                title=staff_member.title,
            )
        return staff_member_link_account(staff_member=staff_member, user=membership.user, by=by)


def staff_assignment_save(
    *,
    staff_member: StaffMember,
    school: School,
    school_year: SchoolYear,
    days_per_week: Decimal,
    by: User | None = None,
    reason: str = "",
) -> StaffAssignment:
    """Set a staff member's days per week at a school in a year (0.5 to 5 per school, and at most
    5 in total across the schools they still work at). Replaces the days of an existing
    assignment of the current year, and takes an ended one up again. A past year's assignment
    changes only through `staff_assignment_correct`, with a reason; a new assignment in a
    closed year needs a reason too (listed as a revision in the year's report)."""
    if (
        school.district_id != staff_member.district_id
        or school_year.district_id != staff_member.district_id
    ):
        raise AgreementError(_("The school, year and staff member must share a district."))
    _check_days(days_per_week)
    reason = require_reason_if_closed(school_year=school_year, reason=reason, error=AgreementError)
    with transaction.atomic():
        # Lock the staff member so two simultaneous saves cannot together exceed 5 days.
        StaffMember.objects.select_for_update().get(pk=staff_member.pk)
        existing = (
            StaffAssignment.objects.select_for_update()
            .filter(staff_member=staff_member, school=school, school_year=school_year)
            .first()
        )
        if existing is not None and school_year.ends_on < timezone.localdate():
            raise AgreementError(
                _("%(year)s is over: correct its assignment at %(school)s with a reason instead.")
                % {"year": school_year.label, "school": school.name},
                field="school_year",
            )
        _check_week(staff_member, school_year, days_per_week, exclude=existing)
        if existing is None:
            assignment = StaffAssignment(
                staff_member=staff_member, school=school, school_year=school_year
            )
        else:
            assignment = existing
        again = existing is not None and existing.ended_on is not None
        assignment.days_per_week = days_per_week
        assignment.ended_on = None
        if again:
            reason = f"assigned again: {reason}" if reason else "assigned again"
        if by is not None or reason:
            as_done_by(assignment, by, reason)
        assignment.save()
    return assignment


def _check_days(days_per_week: Decimal | None) -> None:
    if days_per_week is None or days_per_week <= 0:
        raise AgreementError(
            _("Days per week must be more than 0 (half days are allowed)."), field="days_per_week"
        )
    if days_per_week > MAX_DAYS_PER_WEEK:
        raise AgreementError(
            _("A staff member can work at most 5 days a week at one school."),
            field="days_per_week",
        )


def _check_week(
    staff_member: StaffMember,
    school_year: SchoolYear,
    days_per_week: Decimal,
    *,
    exclude: StaffAssignment | None,
) -> None:
    """At most 5 days a week across the schools the staff member still works at that year (an
    ended assignment no longer takes days of the week). Call with the staff member locked."""
    others = StaffAssignment.objects.filter(
        staff_member=staff_member, school_year=school_year
    ).not_ended()
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    total = others.aggregate(total=Sum("days_per_week"))["total"] or Decimal("0")
    if total + days_per_week > MAX_DAYS_PER_WEEK:
        raise AgreementError(
            _("This makes %(total)s days a week across schools in %(year)s; the most is 5.")
            % {"total": total + days_per_week, "year": school_year.label},
            field="days_per_week",
        )


def staff_assignment_correct(
    *,
    assignment: StaffAssignment,
    by: User,
    reason: str,
    school: School | None = None,
    days_per_week: Decimal | None = None,
) -> StaffAssignment:
    """Correct a mistyped assignment (its school or its days per week), any year, with a
    reason kept in its history. The 5-days-a-week rule holds; nothing changes when it would
    break (the error names the field)."""
    reason = _reason(reason)
    with transaction.atomic():
        staff_member = StaffMember.objects.select_for_update().get(pk=assignment.staff_member_id)
        locked = (
            StaffAssignment.objects.select_for_update()
            .select_related("school_year", "school")
            .get(pk=assignment.pk)
        )
        school = school or locked.school
        days = locked.days_per_week if days_per_week is None else days_per_week
        if school.district_id != staff_member.district_id:
            raise AgreementError(_("This school belongs to another district."), field="school")
        _check_days(days)
        if (
            school.pk != locked.school_id
            and StaffAssignment.objects.filter(
                staff_member=staff_member, school=school, school_year_id=locked.school_year_id
            ).exists()
        ):
            raise AgreementError(
                _("%(name)s already has an assignment at %(school)s in %(year)s.")
                % {
                    "name": staff_member.full_name,
                    "school": school.name,
                    "year": locked.school_year.label,
                },
                field="school",
            )
        if locked.ended_on is None:
            _check_week(staff_member, locked.school_year, days, exclude=locked)
        locked.school = school
        locked.days_per_week = days
        _save_corrected(locked, by=by, reason=reason)
    return locked


def staff_assignment_end(
    *, assignment: StaffAssignment, by: User, ended_on: datetime.date, reason: str = ""
) -> StaffAssignment:
    """End an assignment on its last day at the school. The row stays (its year's records and
    reports are unchanged); from the day after, the staff member no longer works there and its
    days no longer count towards the 5 a week. The day lies in the assignment's school year;
    ending one of a year that is over needs a reason."""
    with transaction.atomic():
        locked = (
            StaffAssignment.objects.select_for_update()
            .select_related("school_year")
            .get(pk=assignment.pk)
        )
        year = locked.school_year
        if locked.ended_on is not None:
            raise AgreementError(
                _("This assignment already ended on %(date)s.")
                % {"date": locked.ended_on.isoformat()},
                field="ended_on",
            )
        if not (year.starts_on <= ended_on <= year.ends_on):
            raise AgreementError(
                _("The end date must lie in the %(year)s school year (%(start)s to %(end)s).")
                % {
                    "year": year.label,
                    "start": year.starts_on.isoformat(),
                    "end": year.ends_on.isoformat(),
                },
                field="ended_on",
            )
        reason = (reason or "").strip()
        if year.ends_on < timezone.localdate() and not reason:
            raise AgreementError(
                _("%(year)s is over: say why its record changes.") % {"year": year.label},
                field="reason",
            )
        locked.ended_on = ended_on
        _save_corrected(locked, by=by, reason=reason or "ended")
    assignment.ended_on = ended_on
    return locked


# Corrections and voids --------------------------------------------------------------------------
# Each record of the app is corrected through a `<thing>_correct` service: the change and its
# reason (and who made it) are kept in the record's history. A record that must stay as first
# written is voided with a reason instead: the row stays, shown struck through, and counts for
# nothing. Nothing is ever deleted.
def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AgreementError(
            _("Say why: the reason is kept in the record's history."), field="reason"
        )
    return reason


def _save_corrected(record: Any, *, by: User, reason: str) -> None:
    as_done_by(record, by, reason)
    record.save()


def _live_locked(model: type[Any], record: Any) -> Any:
    locked = model.objects.select_for_update().get(pk=record.pk)
    if locked.voided_at is not None:
        raise AgreementError(_("This record was voided; it can no longer change."))
    return locked


def _void(model: type[Any], *, record: Any, by: User, reason: str) -> Any:
    reason = _reason(reason)
    with transaction.atomic():
        locked = _live_locked(model, record)
        locked.voided_at = timezone.now()
        locked.voided_by = by
        locked.void_reason = reason
        _save_corrected(locked, by=by, reason=reason)
    return locked


# Training (R-04) --------------------------------------------------------------------------------
def _check_training_date(staff_member: StaffMember, day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise AgreementError(_("This date is in the future."), field=field)
    if staff_member.first_day_on_campus and day < staff_member.first_day_on_campus:
        raise AgreementError(
            _("This date is before the staff member's first day on school property (%(date)s).")
            % {"date": staff_member.first_day_on_campus.isoformat()},
            field=field,
        )


def _training_kind_and_topic(staff_member: StaffMember, kind: str, topic: str) -> str:
    """Check the kind against the staff member and return the topic it takes ("" unless
    classroom)."""
    if kind not in TrainingRecord.Kind.values:
        raise AgreementError(_("Choose a kind of training."), field="kind")
    if kind == TrainingRecord.Kind.CLASSROOM and not topic:
        raise AgreementError(_("Choose the classroom topic."), field="topic")
    if kind == TrainingRecord.Kind.CHECK_IN and staff_member.is_sro:
        raise AgreementError(
            _("Check-ins are for staff who are not school resource officers."), field="kind"
        )
    return topic if kind == TrainingRecord.Kind.CLASSROOM else ""


def _check_topic_free(
    staff_member: StaffMember, topic: str, *, exclude: TrainingRecord | None = None
) -> None:
    """A classroom topic is recorded once; a voided record does not hold its topic."""
    if not topic:
        return
    taken = TrainingRecord.objects.live().filter(
        staff_member=staff_member, kind=TrainingRecord.Kind.CLASSROOM, topic=topic
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise AgreementError(
            _("This topic is already recorded: correct or void that record instead."),
            field="topic",
        )


def training_record_add(
    *,
    staff_member: StaffMember,
    kind: str,
    completed_on: datetime.date,
    topic: str = "",
    provided_by: str = "",
    notes: str = "",
    by: User | None = None,
    reason: str = "",
) -> TrainingRecord:
    """Record a completed classroom topic, on-the-job day or check-in. A record dated in a
    closed school year needs a reason (listed as a revision in that year's report)."""
    topic = _training_kind_and_topic(staff_member, kind, topic)
    _check_training_date(staff_member, completed_on, "completed_on")
    reason = require_reason_if_closed(
        district=staff_member.district_id, on_date=completed_on, reason=reason, error=AgreementError
    )
    with transaction.atomic():
        StaffMember.objects.select_for_update().get(pk=staff_member.pk)
        _check_topic_free(staff_member, topic)
        record = TrainingRecord(
            staff_member=staff_member,
            kind=kind,
            topic=topic,
            completed_on=completed_on,
            provided_by=provided_by,
            notes=notes,
        )
        if by is not None or reason:
            as_done_by(record, by, reason)
        record.save()
        return record


def training_record_correct(
    *, record: TrainingRecord, by: User, reason: str, **changes: Any
) -> TrainingRecord:
    """Correct a training record (its kind, topic, date, trainer or notes) with a reason kept
    in its history. The rules of `training_record_add` hold: a topic recorded once (among the
    records not voided), check-ins only for staff who are not SROs, no date in the future or
    before the first day. A voided record is not corrected."""
    reason = _reason(reason)
    allowed = {"kind", "topic", "completed_on", "provided_by", "notes"}
    _check_fields(changes, allowed)
    with transaction.atomic():
        staff_member = StaffMember.objects.select_for_update().get(pk=record.staff_member_id)
        locked = _live_locked(TrainingRecord, record)
        for name, value in changes.items():
            setattr(locked, name, value if value is not None else "")
        locked.topic = _training_kind_and_topic(staff_member, locked.kind, locked.topic or "")
        _check_training_date(staff_member, locked.completed_on, "completed_on")
        _check_topic_free(staff_member, locked.topic, exclude=locked)
        _save_corrected(locked, by=by, reason=reason)
    return locked


def training_record_void(*, record: TrainingRecord, by: User, reason: str) -> TrainingRecord:
    """Void a training record entered by mistake: it stays, struck through with the reason,
    counts for no component, and its topic may be recorded again."""
    return _void(TrainingRecord, record=record, by=by, reason=reason)


def _check_fields(changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def esd_documentation_add(
    *, staff_member: StaffMember, issuer: str, issued_on: datetime.date, upload: UploadedFile
) -> EsdDocumentation:
    """Store the ESD's documentation that the whole training series is complete (a PDF)."""
    _check_training_date(staff_member, issued_on, "issued_on")
    _check_esd_file(upload)
    with transaction.atomic():
        document = EsdDocumentation(
            staff_member=staff_member,
            issuer=issuer.strip(),
            issued_on=issued_on,
            original_name=(upload.name or "")[:255],
        )
        document.file.save(upload.name, upload, save=False)
        document.save()
    return document


def _check_esd_file(upload: UploadedFile) -> None:
    try:
        validate_upload(upload, allowed=ONLY_PDF, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError as exc:
        raise AgreementError(exc.messages[0], field="file") from None


def esd_documentation_correct(
    *,
    record: EsdDocumentation,
    by: User,
    reason: str,
    issuer: str,
    issued_on: datetime.date,
    upload: UploadedFile | None = None,
) -> EsdDocumentation:
    """Correct the issuer or the date of ESD documentation, or replace its file (the file
    replaced stays in storage: its history row still names it), with a reason."""
    reason = _reason(reason)
    issuer = (issuer or "").strip()
    if not issuer:
        raise AgreementError(_("Name the issuing educational service district."), field="issuer")
    if upload is not None:
        _check_esd_file(upload)
    with transaction.atomic():
        locked = _live_locked(EsdDocumentation, record)
        _check_training_date(locked.staff_member, issued_on, "issued_on")
        locked.issuer = issuer
        locked.issued_on = issued_on
        if upload is not None:
            locked.original_name = (upload.name or "")[:255]
            locked.file.save(upload.name, upload, save=False)
        _save_corrected(locked, by=by, reason=reason)
    return locked


def esd_documentation_void(*, record: EsdDocumentation, by: User, reason: str) -> EsdDocumentation:
    """Void ESD documentation recorded by mistake: it no longer confirms the training."""
    return _void(EsdDocumentation, record=record, by=by, reason=reason)


# Hiring and evaluations (R-05) ------------------------------------------------------------------
def _check_agreement_for(staff_member: StaffMember, agreement: Agreement | None) -> None:
    if agreement is None:
        return
    if agreement.district_id != staff_member.district_id:
        raise AgreementError(_("This agreement belongs to another district."), field="agreement")
    if staff_member.employer_id and agreement.provider_id != staff_member.employer_id:
        raise AgreementError(
            _("This agreement is with another provider than the staff member's employer."),
            field="agreement",
        )


HIRING_FIELDS = {
    "kind",
    "decided_on",
    "school",
    "agreement",
    "district_participants",
    "provider_participants",
    "notes",
}
EVALUATION_FIELDS = {
    "evaluated_on",
    "agreement",
    "district_evaluator",
    "provider_evaluator",
    "summary",
}


def _check_hiring(staff_member: StaffMember, fields: dict[str, Any]) -> None:
    _check_agreement_for(staff_member, fields.get("agreement"))
    school = fields.get("school")
    if school is not None and school.district_id != staff_member.district_id:
        raise AgreementError(_("This school belongs to another district."), field="school")
    if fields["decided_on"] > timezone.localdate():
        raise AgreementError(_("This date is in the future."), field="decided_on")
    if not (fields.get("district_participants") or "").strip():
        raise AgreementError(
            _("Name who took part for the district."), field="district_participants"
        )


def hiring_record_add(*, staff_member: StaffMember, **fields: Any) -> HiringRecord:
    _check_fields(fields, HIRING_FIELDS)
    _check_hiring(staff_member, fields)
    with transaction.atomic():
        return HiringRecord.objects.create(staff_member=staff_member, **fields)


def hiring_record_correct(
    *, record: HiringRecord, by: User, reason: str, **changes: Any
) -> HiringRecord:
    """Correct a hiring or placement record with a reason kept in its history (the rules of
    `hiring_record_add` hold)."""
    reason = _reason(reason)
    _check_fields(changes, HIRING_FIELDS)
    with transaction.atomic():
        locked = _live_locked(HiringRecord, record)
        values = {name: getattr(locked, name) for name in HIRING_FIELDS} | changes
        _check_hiring(locked.staff_member, values)
        for name, value in changes.items():
            setattr(locked, name, value)
        _save_corrected(locked, by=by, reason=reason)
    return locked


def hiring_record_void(*, record: HiringRecord, by: User, reason: str) -> HiringRecord:
    return _void(HiringRecord, record=record, by=by, reason=reason)


def _check_evaluation(staff_member: StaffMember, fields: dict[str, Any]) -> None:
    """R-05: the evaluation follows the agreement's process, with an evaluator from the
    district and, for staff a provider employs, one from the provider."""
    _check_agreement_for(staff_member, fields.get("agreement"))
    evaluated_on = fields["evaluated_on"]
    if evaluated_on > timezone.localdate():
        raise AgreementError(_("This date is in the future."), field="evaluated_on")
    if staff_member.first_day_on_campus and evaluated_on < staff_member.first_day_on_campus:
        raise AgreementError(
            _("The evaluation comes before the staff member's first day."), field="evaluated_on"
        )
    if not (fields.get("district_evaluator") or "").strip():
        raise AgreementError(
            _("Name the district's evaluator: both the district and the provider evaluate."),
            field="district_evaluator",
        )
    if staff_member.employer_id and not (fields.get("provider_evaluator") or "").strip():
        raise AgreementError(
            _("Name the provider's evaluator: both the district and the provider evaluate."),
            field="provider_evaluator",
        )


def evaluation_add(*, staff_member: StaffMember, **fields: Any) -> PerformanceEvaluation:
    _check_fields(fields, EVALUATION_FIELDS)
    _check_evaluation(staff_member, fields)
    with transaction.atomic():
        return PerformanceEvaluation.objects.create(staff_member=staff_member, **fields)


def evaluation_correct(
    *, record: PerformanceEvaluation, by: User, reason: str, **changes: Any
) -> PerformanceEvaluation:
    """Correct a performance evaluation with a reason kept in its history. Both evaluators
    stay required (the district's and, for a provider's staff, the provider's)."""
    reason = _reason(reason)
    _check_fields(changes, EVALUATION_FIELDS)
    with transaction.atomic():
        locked = _live_locked(PerformanceEvaluation, record)
        values = {name: getattr(locked, name) for name in EVALUATION_FIELDS} | changes
        _check_evaluation(locked.staff_member, values)
        for name, value in changes.items():
            setattr(locked, name, value)
        _save_corrected(locked, by=by, reason=reason)
    return locked


def evaluation_void(
    *, record: PerformanceEvaluation, by: User, reason: str
) -> PerformanceEvaluation:
    return _void(PerformanceEvaluation, record=record, by=by, reason=reason)
