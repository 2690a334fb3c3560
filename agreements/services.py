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
from srp.models import District, Membership, School, SchoolYear, User
from srp.outbox import email_queue
from srp.roles import Role
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


class AgreementError(Exception):
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
        agreement.document_name = upload.name[:255]
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
    totals = review.events.aggregate(
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
        last_event = review.events.order_by("-held_on").values_list("held_on", flat=True).first()
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
    counts = (parents, students, community_members)
    if any(c is None or c < 0 for c in counts):
        raise AgreementError(_("Counts cannot be negative."), field="parents")
    if sum(counts) == 0:
        raise AgreementError(
            _("An engagement event must involve at least one parent, student or community member."),
            field="parents",
        )
    if held_on > timezone.localdate():
        raise AgreementError(_("This date is in the future."), field="held_on")
    if review.status == AnnualReview.Status.ADOPTED:
        raise AgreementError(_("This review has been adopted; it can no longer change."))
    attachments = list(attachments)
    if len(attachments) > MAX_ATTACHMENTS_PER_EVENT:
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
        for upload, content_type in zip(attachments, types, strict=True):
            attachment = EngagementAttachment(
                event=event,
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size,
            )
            attachment.file.save(upload.name, upload, save=False)
            attachment.save()
    return event


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
            if recipients:
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
        locked._history_user = by  # type: ignore[attr-defined]
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
        locked._history_user = by  # type: ignore[attr-defined]
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
) -> StaffAssignment:
    """Set a staff member's days per week at a school in a year (0.5 to 5 per school, and at most
    5 in total across schools). Replaces the days of an existing assignment."""
    if (
        school.district_id != staff_member.district_id
        or school_year.district_id != staff_member.district_id
    ):
        raise AgreementError(_("The school, year and staff member must share a district."))
    if days_per_week is None or days_per_week <= 0:
        raise AgreementError(
            _("Days per week must be more than 0 (half days are allowed)."), field="days_per_week"
        )
    if days_per_week > MAX_DAYS_PER_WEEK:
        raise AgreementError(
            _("A staff member can work at most 5 days a week at one school."),
            field="days_per_week",
        )
    with transaction.atomic():
        # Lock the staff member so two simultaneous saves cannot together exceed 5 days.
        StaffMember.objects.select_for_update().get(pk=staff_member.pk)
        others = StaffAssignment.objects.filter(
            staff_member=staff_member, school_year=school_year
        ).exclude(school=school).aggregate(total=Sum("days_per_week"))["total"] or Decimal("0")
        if others + days_per_week > MAX_DAYS_PER_WEEK:
            raise AgreementError(
                _("This makes %(total)s days a week across schools in %(year)s; the most is 5.")
                % {"total": others + days_per_week, "year": school_year.label},
                field="days_per_week",
            )
        assignment, _created = StaffAssignment.objects.update_or_create(
            staff_member=staff_member,
            school=school,
            school_year=school_year,
            defaults={"days_per_week": days_per_week},
        )
    return assignment


def staff_assignment_end(*, assignment: StaffAssignment) -> None:
    """Take a staff member off a school for the year (the history keeps the record)."""
    with transaction.atomic():
        assignment.delete()


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


def training_record_add(
    *,
    staff_member: StaffMember,
    kind: str,
    completed_on: datetime.date,
    topic: str = "",
    provided_by: str = "",
    notes: str = "",
) -> TrainingRecord:
    """Record a completed classroom topic, on-the-job day or check-in."""
    if kind not in TrainingRecord.Kind.values:
        raise AgreementError(_("Choose a kind of training."), field="kind")
    if kind == TrainingRecord.Kind.CLASSROOM and not topic:
        raise AgreementError(_("Choose the classroom topic."), field="topic")
    if kind != TrainingRecord.Kind.CLASSROOM:
        topic = ""
    if kind == TrainingRecord.Kind.CHECK_IN and staff_member.is_sro:
        raise AgreementError(
            _("Check-ins are for staff who are not school resource officers."), field="kind"
        )
    _check_training_date(staff_member, completed_on, "completed_on")
    with transaction.atomic():
        StaffMember.objects.select_for_update().get(pk=staff_member.pk)
        if (
            topic
            and TrainingRecord.objects.filter(
                staff_member=staff_member, kind=TrainingRecord.Kind.CLASSROOM, topic=topic
            ).exists()
        ):
            raise AgreementError(_("This topic is already recorded."), field="topic")
        return TrainingRecord.objects.create(
            staff_member=staff_member,
            kind=kind,
            topic=topic,
            completed_on=completed_on,
            provided_by=provided_by,
            notes=notes,
        )


def esd_documentation_add(
    *, staff_member: StaffMember, issuer: str, issued_on: datetime.date, upload: UploadedFile
) -> EsdDocumentation:
    """Store the ESD's documentation that the whole training series is complete (a PDF)."""
    _check_training_date(staff_member, issued_on, "issued_on")
    try:
        validate_upload(upload, allowed=ONLY_PDF, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError as exc:
        raise AgreementError(exc.messages[0], field="file") from None
    with transaction.atomic():
        document = EsdDocumentation(
            staff_member=staff_member,
            issuer=issuer.strip(),
            issued_on=issued_on,
            original_name=upload.name[:255],
        )
        document.file.save(upload.name, upload, save=False)
        document.save()
    return document


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


def hiring_record_add(*, staff_member: StaffMember, **fields: Any) -> HiringRecord:
    _check_agreement_for(staff_member, fields.get("agreement"))
    school = fields.get("school")
    if school is not None and school.district_id != staff_member.district_id:
        raise AgreementError(_("This school belongs to another district."), field="school")
    if fields["decided_on"] > timezone.localdate():
        raise AgreementError(_("This date is in the future."), field="decided_on")
    with transaction.atomic():
        return HiringRecord.objects.create(staff_member=staff_member, **fields)


def evaluation_add(*, staff_member: StaffMember, **fields: Any) -> PerformanceEvaluation:
    _check_agreement_for(staff_member, fields.get("agreement"))
    if fields["evaluated_on"] > timezone.localdate():
        raise AgreementError(_("This date is in the future."), field="evaluated_on")
    if (
        staff_member.first_day_on_campus
        and fields["evaluated_on"] < staff_member.first_day_on_campus
    ):
        raise AgreementError(
            _("The evaluation comes before the staff member's first day."), field="evaluated_on"
        )
    with transaction.atomic():
        return PerformanceEvaluation.objects.create(staff_member=staff_member, **fields)
