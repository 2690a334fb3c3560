"""Writes to complaints: each step checks the state, changes it atomically, logs it, notifies."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import notify as complaint_notify
from complaints.models import (
    AccessLog,
    Allegation,
    Attachment,
    Complaint,
    ComplaintCounter,
    ContactPreference,
    Event,
    Extension,
    Finding,
    InvestigationNote,
    LetterText,
    ProviderDocument,
    ProviderResponse,
    Status,
)
from complaints.selectors import investigator_choices, is_about
from srp import schooldays
from srp.closing import require_reason_if_closed
from srp.history import as_done_by
from srp.outbox import email_queue
from srp.roles import Role
from srp.rules import RuleError

if TYPE_CHECKING:
    from agreements.models import Provider, StaffMember
    from srp.models import District, School, User

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128
STATUS_LINK_DAYS_AFTER_CLOSING = 2 * 365


class ComplaintError(RuleError):
    """A step that is not allowed now; the message is shown to the person who tried it."""


# The transition table: action -> (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "acknowledge": (frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED),
    "start_investigation": (
        frozenset({Status.ACKNOWLEDGED, Status.REFERRED, Status.FINDINGS, Status.APPEALED}),
        Status.UNDER_INVESTIGATION,
    ),
    "refer": (
        frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.UNDER_INVESTIGATION}),
        Status.REFERRED,
    ),
    "record_findings": (
        frozenset({Status.UNDER_INVESTIGATION, Status.REFERRED}),
        Status.FINDINGS,
    ),
    "send_response": (frozenset({Status.FINDINGS}), Status.RESPONSE_SENT),
    "close": (frozenset({Status.RESPONSE_SENT, Status.APPEALED}), Status.CLOSED),
    "withdraw": (
        frozenset(
            {
                Status.RECEIVED,
                Status.ACKNOWLEDGED,
                Status.UNDER_INVESTIGATION,
                Status.REFERRED,
                Status.FINDINGS,
            }
        ),
        Status.WITHDRAWN,
    ),
    "appeal": (frozenset({Status.CLOSED}), Status.APPEALED),
}


def allowed_actions(complaint: Complaint) -> list[str]:
    return [a for a, (sources, _target) in TRANSITIONS.items() if complaint.status in sources]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def next_reference(*, district: District, year: int) -> str:
    """The next `C-<year>-NNNNN` of the district, from a counter row locked for the update.

    The year's row is created with INSERT … ON CONFLICT DO NOTHING so two first submissions of a
    year cannot both create it; `select_for_update` then serialises the increments.
    """
    counters = ComplaintCounter.objects.select_for_update()
    counter = counters.filter(district=district, year=year).first()
    if counter is None:  # the year's first complaint
        ComplaintCounter.objects.bulk_create(
            [ComplaintCounter(district=district, year=year, last_number=0)], ignore_conflicts=True
        )
        counter = counters.get(district=district, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"C-{year}-{counter.last_number:05d}"


def status_url(complaint: Complaint, token: str) -> str:
    path = reverse(
        "complaints_public:status",
        kwargs={"district_code": complaint.district.code, "token": token},
    )
    return f"{settings.SITE_URL}{path}"


@dataclass
class Submission:
    complaint: Complaint
    token: str
    status_url: str


def complaint_submit(
    *,
    district: District,
    school: School,
    staff_member: StaffMember | None,
    occurred_at: datetime.datetime,
    location: str,
    description: str,
    requested_outcome: str,
    relationship: str,
    anonymous: bool,
    contact_name: str,
    contact_preference: str,
    email: str,
    phone: str,
    mailing_address: str,
    language: str,
    files: Sequence[tuple[UploadedFile, str]] = (),
) -> Submission:
    """File a complaint from the public form (already validated). Returns the one-time token.

    Effects: the complaint with its reference and deadlines, its attachments, a `received`
    event and, when an email was given, the receipt in the family's language.
    """
    if school.district_id != district.pk:
        raise ComplaintError(_("This school is not in this district."))
    if staff_member is not None and staff_member.district_id != district.pk:
        raise ComplaintError(_("This staff member is not in this district."))
    now = timezone.now()
    today = timezone.localdate(now)
    if anonymous:
        contact_name = ""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        complaint = Complaint.objects.create(
            district=district,
            reference=next_reference(district=district, year=today.year),
            token_hash=hash_token(token),
            school=school,
            staff_member=staff_member,
            occurred_at=occurred_at,
            location=location,
            description=description,
            requested_outcome=requested_outcome,
            relationship=relationship,
            anonymous=anonymous,
            contact_name=contact_name,
            contact_preference=contact_preference,
            email=email,
            phone=phone,
            mailing_address=mailing_address,
            language=language,
            received_at=now,
            acknowledge_due=schooldays.add_school_days(
                district, today, district.acknowledge_within_school_days
            ),
            respond_due=today + datetime.timedelta(days=district.respond_within_days),
            investigation_due=today + datetime.timedelta(days=district.investigation_max_days),
        )
        for upload, content_type in files:
            attachment = Attachment(
                complaint=complaint,
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size or 0,
            )
            attachment.file.save(upload.name, upload, save=False)
            attachment.save()
        Event.objects.create(
            complaint=complaint, at=now, kind="received", to_status=Status.RECEIVED
        )
        url = status_url(complaint, token)
        if email:
            email_queue(
                to=[email],
                template="complaints/email/receipt",
                district=district,
                private_link=True,
                context={
                    "complaint": complaint,
                    "status_url": url,
                    "district": district,
                    "attachment_count": len(files),
                },
                language=language,
                reply_to=[district.complaint_contact_email]
                if district.complaint_contact_email
                else [],
            )
    return Submission(complaint=complaint, token=token, status_url=url)


def complaint_by_token(*, district: District, token: str) -> Complaint | None:
    """The complaint whose status link this is, or None (wrong, forged or expired)."""
    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    found = list(
        Complaint.objects.filter(district=district, token_hash=digest)
        .select_related("school")
        .order_by()[:1]
    )
    complaint = found[0] if found else None
    # The lookup is by hash; comparing again in constant time keeps timing flat.
    if complaint is None or not secrets.compare_digest(complaint.token_hash, digest):
        return None
    expires = complaint.status_link_expires_on
    if expires is not None and expires < timezone.localdate():
        return None
    complaint.district = district  # the lookup was within it
    return complaint


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("district").get(pk=complaint.pk)


def _transition(
    complaint: Complaint, action: str, *, by: User | None, note: str = "", public: bool = True
) -> Complaint:
    sources, target = TRANSITIONS[action]
    locked = _lock(complaint)
    if locked.status not in sources:
        raise ComplaintError(
            _("A complaint that is “%(status)s” cannot be moved to “%(target)s”.")
            % {"status": locked.get_status_display(), "target": Status(target).label}
        )
    previous = locked.status
    locked.status = target
    as_done_by(locked, by)
    Event.objects.create(
        complaint=locked,
        by=by,
        kind=action,
        from_status=previous,
        to_status=target,
        note=note,
        public=public,
    )
    return locked


def _notify_family(complaint: Complaint, template: str, context: dict[str, Any], **kw: Any) -> None:
    """Email the family if it gave an address and did not ask not to be contacted."""
    if not complaint.email or complaint.contact_preference == ContactPreference.NONE:
        return
    email_queue(
        to=[complaint.email],
        template=f"complaints/email/{template}",
        district=complaint.district,
        context={"complaint": complaint, "district": complaint.district, **context},
        language=complaint.language,
        **kw,
    )


def complaint_acknowledge(*, complaint: Complaint, by: User) -> Complaint:
    """received → acknowledged; the family is told by email if it gave an address."""
    with transaction.atomic():
        locked = _transition(complaint, "acknowledge", by=by)
        locked.acknowledged_at = timezone.now()
        locked.save()
        _notify_family(locked, "acknowledged", {})
    return locked


def complaint_assign(*, complaint: Complaint, investigator: User, by: User) -> Complaint:
    """Name the investigator: an investigator or program administrator of the district.

    The person the complaint is about, and staff of their provider, can never investigate it
    (R-09, `ComplaintQuerySet.not_about`), whether or not their account is linked to their
    roster entry yet.
    """
    with transaction.atomic():
        locked = _lock(complaint)
        if not locked.is_open:
            raise ComplaintError(_("Only an open complaint can be assigned."))
        if is_about(locked, investigator):
            raise ComplaintError(
                _(
                    "%(person)s cannot investigate this complaint: it is about them or a "
                    "colleague at their provider."
                )
                % {"person": investigator}
            )
        if not investigator_choices(complaint=locked).filter(pk=investigator.pk).exists():
            raise ComplaintError(
                _(
                    "%(person)s cannot investigate this complaint: only an investigator or "
                    "program administrator of the district can."
                )
                % {"person": investigator}
            )
        locked.investigator = investigator
        as_done_by(locked, by)
        locked.save()
        Event.objects.create(
            complaint=locked, by=by, kind="assigned", note=str(investigator), public=False
        )
        complaint_notify.complaint_assigned(locked, investigator)
    return locked


def complaint_start_investigation(*, complaint: Complaint, by: User) -> Complaint:
    with transaction.atomic():
        locked = _transition(complaint, "start_investigation", by=by)
        if locked.investigation_started_at is None:
            locked.investigation_started_at = timezone.now()
        locked.save()
    return locked


def complaint_refer(
    *,
    complaint: Complaint,
    provider: Provider,
    referred_on: datetime.date,
    case_number: str,
    by: User,
) -> Complaint:
    """Refer to the provider (its liaison then sees the complaint)."""
    if provider.district_id != complaint.district_id:
        raise ComplaintError(_("This provider belongs to another district."))
    with transaction.atomic():
        locked = _transition(complaint, "refer", by=by, note=provider.name)
        locked.referred_provider = provider
        locked.referred_on = referred_on
        locked.provider_case_number = case_number
        locked.save()
        complaint_notify.complaint_referred(locked, provider)
    return locked


PROVIDER_RESPONSE_FIELDS = ("case_number", "outcome", "outcome_text", "received_on")
MAX_PROVIDER_DOCUMENTS = 20


def referral_record_provider_outcome(
    *,
    complaint: Complaint,
    by: User,
    case_number: str,
    outcome: str,
    outcome_text: str,
    received_on: datetime.date,
    documents: Sequence[tuple[UploadedFile, str]] = (),
    reason: str = "",
) -> ProviderResponse:
    """Record, or correct, the provider's answer on a complaint referred to it (issue #14).

    Preconditions: the complaint is referred to a provider and `by` is an active agency liaison
    of that provider in the complaint's district who may open it (R-09: never one naming their
    own roster entry). `documents` are uploads already checked by `srp.uploads.validate_upload`
    with their sniffed content type. A correction of what was recorded needs a `reason`, kept
    in the response's history; adding documents alone does not. Nothing is ever deleted.

    Effects: the provider's response (one per complaint and provider), its documents, the
    complaint's `provider_case_number` kept in step, and an internal timeline event.
    """
    from agreements.models import LiaisonLink

    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(complaint)
        provider_id = locked.referred_provider_id
        if provider_id is None:
            raise ComplaintError(_("This complaint is not referred to a provider."))
        speaks_for = LiaisonLink.objects.filter(
            provider_id=provider_id,
            provider__district_id=locked.district_id,
            membership__user=by,
            membership__district_id=locked.district_id,
            membership__role=Role.AGENCY_LIAISON,
            membership__active=True,
        ).exists()
        may_open = (
            Complaint.objects.filter(pk=locked.pk).not_about(by, referred_to=[provider_id]).exists()
        )
        if not speaks_for or not may_open:
            raise ComplaintError(
                _(
                    "Only a liaison of the provider this complaint is referred to can record "
                    "its answer."
                )
            )
        if received_on > timezone.localdate():
            raise ComplaintError(_("The date cannot be in the future."), field="received_on")
        if locked.referred_on is not None and received_on < locked.referred_on:
            raise ComplaintError(
                _("The provider's answer cannot come before the referral (%(date)s).")
                % {"date": locked.referred_on.isoformat()},
                field="received_on",
            )
        response = (
            ProviderResponse.objects.select_for_update()
            .filter(complaint=locked, provider_id=provider_id)
            .first()
        )
        wanted = {
            "case_number": case_number.strip(),
            "outcome": outcome,
            "outcome_text": outcome_text,
            "received_on": received_on,
        }
        if response is None:
            response = ProviderResponse(
                complaint=locked, provider_id=provider_id, recorded_by=by, **wanted
            )
            changed = True
        else:
            changed = any(getattr(response, name) != wanted[name] for name in wanted)
            if changed and not reason:
                raise ComplaintError(
                    _(
                        "Say why the provider's answer is corrected: the reason is kept in its "
                        "history."
                    ),
                    field="reason",
                )
            for name, value in wanted.items():
                setattr(response, name, value)
        if len(documents) + (response.documents.count() if response.pk else 0) > (
            MAX_PROVIDER_DOCUMENTS
        ):
            raise ComplaintError(
                _("A provider's answer holds at most %(max)s documents.")
                % {"max": MAX_PROVIDER_DOCUMENTS},
                field="documents",
            )
        if changed:
            as_done_by(response, by, reason)
            response.save()
        for upload, content_type in documents:
            document = ProviderDocument(
                complaint=locked,
                response=response,
                original_name=(upload.name or "document")[:255],
                content_type=content_type,
                size=upload.size or 0,
                uploaded_by=by,
            )
            document.file.save(upload.name or "document", upload, save=False)
            as_done_by(document, by).save()
        if locked.provider_case_number != response.case_number:
            locked.provider_case_number = response.case_number
            as_done_by(locked, by, reason)
            locked.save(update_fields=["provider_case_number"])
        if changed or documents:
            note = response.get_outcome_display()
            if documents:
                note += " · " + _("%(count)s document(s)") % {"count": len(documents)}
            Event.objects.create(
                complaint=locked, by=by, kind="provider_outcome", note=note, public=False
            )
    return response


ALLEGATION_FIELDS = ("staff_member_id", "category", "summary", "finding", "finding_explanation")


def allegation_save(
    *,
    complaint: Complaint,
    by: User,
    allegation: Allegation | None = None,
    staff_member: StaffMember | None,
    category: str,
    summary: str,
    finding: str = "",
    finding_explanation: str = "",
    reason: str = "",
) -> Allegation:
    """Add or change an allegation (its staff member, category, summary and finding).

    A complaint received in a closed school year changes only with a reason (refused on the
    `reason` field without one): the reason is kept in the allegation's history and listed as a
    revision in that year's report.
    """
    if staff_member is not None and staff_member.district_id != complaint.district_id:
        raise ComplaintError(_("This staff member belongs to another district."))
    with transaction.atomic():
        locked = _lock(complaint)
        stored = (
            Allegation.objects.filter(pk=allegation.pk).values(*ALLEGATION_FIELDS).first()
            if allegation is not None and allegation.pk
            else None
        )
        wanted = {
            "staff_member_id": staff_member.pk if staff_member else None,
            "category": category,
            "summary": summary,
            "finding": finding,
            "finding_explanation": finding_explanation,
        }
        if stored != wanted:
            reason = require_reason_if_closed(
                district=locked.district_id,
                on_date=timezone.localdate(locked.received_at),
                reason=reason,
                error=ComplaintError,
            )
        if locked.status not in {
            Status.RECEIVED,
            Status.ACKNOWLEDGED,
            Status.UNDER_INVESTIGATION,
            Status.REFERRED,
            Status.APPEALED,
        }:
            raise ComplaintError(
                _("Allegations can no longer be changed: the complaint is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        if allegation is None:
            allegation = Allegation(complaint=locked)
        elif allegation.complaint_id != locked.pk:
            raise ComplaintError(_("This allegation belongs to another complaint."))
        allegation.staff_member = staff_member
        allegation.category = category
        allegation.summary = summary
        allegation.finding = finding
        allegation.finding_explanation = finding_explanation
        as_done_by(allegation, by, (reason or "").strip())
        allegation.save()
        if locked.investigator is not None and is_about(locked, locked.investigator):
            # the investigator would be investigating a complaint about themselves or a
            # colleague at their provider (and could no longer open it). Nothing is saved.
            raise ComplaintError(
                _(
                    "%(staff)s is, or works with, the investigator of this complaint. Assign "
                    "another investigator before naming them in an allegation."
                )
                % {"staff": staff_member.full_name if staff_member else ""}
            )
    return allegation


def complaint_record_findings(*, complaint: Complaint, by: User) -> Complaint:
    """Requires at least one allegation, each with a finding (R-08)."""
    with transaction.atomic():
        locked = _transition(complaint, "record_findings", by=by)
        allegations = list(locked.allegations.all())
        if not allegations:
            raise ComplaintError(_("Add at least one allegation before recording findings."))
        missing = [a for a in allegations if not a.finding]
        if missing:
            raise ComplaintError(
                _("%(count)s allegation(s) have no finding yet.") % {"count": len(missing)}
            )
        locked.findings_at = timezone.now()
        locked.save()
    return locked


def complaint_send_response(*, complaint: Complaint, by: User) -> Complaint:
    """Render the response letter, keep it for the status page and email it to the family."""
    from complaints.pdf import letter_language, render_response_letter_pdf

    with transaction.atomic():
        locked = _transition(complaint, "send_response", by=by)
        now = timezone.now()
        locked.response_sent_at = now
        language = letter_language(locked)
        pdf = render_response_letter_pdf(complaint=locked, language=language, on=now.date())
        locked.response_letter.save(f"{locked.reference}.pdf", ContentFile(pdf), save=False)
        locked.response_letter_language = language
        locked.save()
        _notify_family(
            locked,
            "response",
            {},
            attachments=[(f"{locked.reference}.pdf", pdf, "application/pdf")],
        )
    return locked


def complaint_close(*, complaint: Complaint, by: User) -> Complaint:
    with transaction.atomic():
        locked = _transition(complaint, "close", by=by)
        locked.closed_at = timezone.now()
        locked.status_link_expires_on = timezone.localdate() + datetime.timedelta(
            days=STATUS_LINK_DAYS_AFTER_CLOSING
        )
        locked.save()
    return locked


def complaint_withdraw(*, complaint: Complaint, by: User, reason: str) -> Complaint:
    """The family withdrew: allegations without a finding are marked withdrawn."""
    if not reason.strip():
        raise ComplaintError(_("Say why the complaint is withdrawn."))
    with transaction.atomic():
        locked = _transition(complaint, "withdraw", by=by, note=reason, public=False)
        locked.withdrawn_at = timezone.now()
        locked.status_link_expires_on = timezone.localdate() + datetime.timedelta(
            days=STATUS_LINK_DAYS_AFTER_CLOSING
        )
        locked.save()
        locked.allegations.filter(finding="").update(finding=Finding.WITHDRAWN)
    return locked


def complaint_appeal(*, complaint: Complaint, by: User, reason: str) -> Complaint:
    """An appeal after closing reopens the complaint with a new response date."""
    if not reason.strip():
        raise ComplaintError(_("Write what the appeal says."))
    with transaction.atomic():
        locked = _transition(complaint, "appeal", by=by, public=True)
        locked.appealed_at = timezone.now()
        locked.appeal_reason = reason
        locked.status_link_expires_on = None
        locked.respond_due = timezone.localdate() + datetime.timedelta(
            days=locked.district.respond_within_days
        )
        locked.save()
    return locked


def complaint_extend(
    *, complaint: Complaint, by: User, new_due: datetime.date, reason: str
) -> Extension:
    """Move the response date later, with a reason; the family is told."""
    if not reason.strip():
        raise ComplaintError(_("An extension needs a reason."))
    with transaction.atomic():
        locked = _lock(complaint)
        if not locked.is_open or locked.response_sent_at is not None:
            raise ComplaintError(
                _("Only a complaint still waiting for its response can be extended.")
            )
        if new_due <= locked.respond_due:
            raise ComplaintError(_("The new date must be later than the current one."))
        limit = locked.received_at.date() + datetime.timedelta(
            days=locked.district.investigation_max_days
        )
        if new_due > max(limit, locked.investigation_due):
            raise ComplaintError(
                _("The investigation may last at most %(days)s days (until %(date)s).")
                % {"days": locked.district.investigation_max_days, "date": limit.isoformat()}
            )
        extension = Extension.objects.create(
            complaint=locked, previous_due=locked.respond_due, new_due=new_due, reason=reason, by=by
        )
        locked.respond_due = new_due
        as_done_by(locked, by, reason)
        locked.save()
        Event.objects.create(complaint=locked, by=by, kind="extended", note=reason, public=True)
        _notify_family(locked, "extended", {"extension": extension})
    return extension


def note_add(*, complaint: Complaint, by: User, text: str) -> InvestigationNote:
    if not text.strip():
        raise ComplaintError(_("The note is empty."))
    with transaction.atomic():
        note = InvestigationNote(complaint=complaint, author=by, text=text)
        as_done_by(note, by).save()
        return note


def access_log_record(
    *, complaint: Complaint, user: User, what: str = "detail", request: Any = None
) -> None:
    """Log the opening of a complaint on its own access log (R-09) and, given the request, in
    the district's disclosure log (`srp.disclosure`), in one call."""
    AccessLog.objects.create(complaint=complaint, user=user, what=what)
    if request is not None:
        from srp.disclosure import DOWNLOADED, VIEWED, disclosure_record

        labels = {
            "detail": _("Complaint"),
            "history": _("Complaint history"),
            "attachment": _("Complaint attachment"),
            "letter": _("Response letter"),
            "letter preview": _("Response letter preview"),
            "provider outcome": _("Provider's answer"),
            "provider document": _("Provider's document"),
        }
        action = DOWNLOADED if what in ("attachment", "letter", "provider document") else VIEWED
        disclosure_record(request, what=labels.get(what, what), obj=complaint, action=action)


def letter_text_save(
    *, district: District, by: User, instance: LetterText | None, data: dict[str, Any]
) -> LetterText:
    """Create or change the district's letter wording in one language."""
    text = instance or LetterText(district=district)
    if text.district_id != district.pk:
        raise ComplaintError(_("This wording belongs to another district."))
    for field in ("language", "opening", "appeal_route", "closing", "signature"):
        setattr(text, field, data[field])
    as_done_by(text, by)
    with transaction.atomic():
        text.save()
    return text
