"""Writes for notices: content, publication, deliveries, the archive job, reminders."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from notices.defaults import default_text
from notices.models import (
    TRANSLATION_FIELDS,
    Delivery,
    DeliveryEvidence,
    LateNoticeReminder,
    Notice,
    NoticeArchive,
    NoticeArchivePart,
    NoticeError,
    NoticeTranslation,
)
from srp.closing import require_reason_if_closed
from srp.history import as_done_by
from srp.languages import is_language_code, language_name_english
from srp.models import District, Membership, School, SchoolYear, User
from srp.outbox import email_queue
from srp.roles import Role
from srp.uploads import IMAGES_AND_PDF, MB, validate_upload

EVIDENCE_ALLOWED = IMAGES_AND_PDF
EVIDENCE_MAX_BYTES = 10 * MB
EVIDENCE_MAX_FILES = 5


def _field_label(name: str) -> str:
    return str(NoticeTranslation._meta.get_field(name).verbose_name)


def _check_language(*, district: District, language: str) -> None:
    if not is_language_code(language):
        raise NoticeError(
            _("“%(code)s” is not a language code (for example en, es, vi, so).")
            % {"code": language}
        )
    if language not in (district.family_languages or []):
        raise NoticeError(
            _(
                "%(language)s is not one of the district's family languages; add it in the "
                "district settings first."
            )
            % {"language": language_name_english(language)}
        )


# Content ----------------------------------------------------------------------------------
def notice_create(*, district: District, school_year: SchoolYear, by: User) -> Notice:
    """Start the year's notice from the default text (English, Spanish) for the district.

    Precondition: the year is the district's and has no notice yet. Languages without a default
    text are not created: they show as missing until the district writes them.
    """
    if school_year.district_id != district.pk:
        raise NoticeError(_("This school year belongs to another district."))
    with transaction.atomic():
        if (
            Notice.objects.select_for_update()
            .filter(district=district, school_year=school_year)
            .exists()
        ):
            raise NoticeError(
                _("The notice for %(year)s already exists.") % {"year": school_year.label}
            )
        notice = Notice.objects.create(district=district, school_year=school_year, created_by=by)
        for language in district.family_languages or ["en"]:
            text = default_text(language, district_name=district.name)
            if text is not None:
                NoticeTranslation.objects.create(
                    notice=notice, language=language, updated_by=by, **text
                )
    return notice


def notice_translation_save(
    *, notice: Notice, language: str, data: dict[str, Any], by: User
) -> NoticeTranslation:
    """Create or change the notice's text in one language.

    A published notice must stay complete: saving it with an empty field is refused, so the
    public page never shows a notice with a hole in it.
    """
    _check_language(district=notice.district, language=language)
    values = {name: (data.get(name) or "").strip() for name in TRANSLATION_FIELDS}
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.is_published:
            empty = [name for name, value in values.items() if not value]
            if empty:
                raise NoticeError(
                    _("This notice is published, so every field must be filled: %(fields)s.")
                    % {"fields": ", ".join(_field_label(name) for name in empty)}
                )
        translation, _created = NoticeTranslation.objects.update_or_create(
            notice=locked, language=language, defaults={**values, "updated_by": by}
        )
    return translation


def notice_publish(*, notice: Notice, by: User) -> Notice:
    """Publish the notice: the public pages and PDFs of every school show it from now on.

    Preconditions: the notice is a draft; English is written; every written language has its
    title and every section's heading and text.
    """
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if not locked.can_move_to(Notice.Status.PUBLISHED):
            raise NoticeError(_("This notice is already published."))
        translations = list(locked.translations.all())
        if not any(t.language == "en" for t in translations):
            raise NoticeError(_("Write the notice in English before publishing it."))
        problems = []
        for translation in translations:
            empty = translation.empty_fields()
            if empty:
                problems.append(
                    _("%(language)s: %(fields)s")
                    % {
                        "language": language_name_english(translation.language),
                        "fields": ", ".join(_field_label(name) for name in empty),
                    }
                )
        if problems:
            raise NoticeError(
                _("Fill in every section before publishing. Empty: %(problems)s.")
                % {"problems": "; ".join(problems)}
            )
        locked.status = Notice.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = by
        as_done_by(locked, by, "published")
        locked.save(update_fields=["status", "published_at", "published_by"])
    return locked


def notice_unpublish(*, notice: Notice, by: User) -> Notice:
    """Take the notice back to draft (the public pages then say it is not available)."""
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if not locked.can_move_to(Notice.Status.DRAFT):
            raise NoticeError(_("This notice is not published."))
        locked.status = Notice.Status.DRAFT
        as_done_by(locked, by, "unpublished")
        locked.save(update_fields=["status"])
    return locked


# Deliveries --------------------------------------------------------------------------------
def _check_delivery_date(*, school_year: SchoolYear, delivered_on: datetime.date) -> None:
    if delivered_on < school_year.starts_on:
        raise NoticeError(
            _("%(date)s is before the %(year)s school year began (%(start)s).")
            % {"date": delivered_on, "year": school_year.label, "start": school_year.starts_on}
        )
    if delivered_on > school_year.ends_on:
        raise NoticeError(
            _("%(date)s is after the %(year)s school year ended.")
            % {"date": delivered_on, "year": school_year.label}
        )
    if delivered_on > timezone.localdate():
        raise NoticeError(_("A delivery cannot be recorded before it happens."))


def _check_evidence(files: Sequence[UploadedFile]) -> list[str]:
    if len(files) > EVIDENCE_MAX_FILES:
        raise NoticeError(_("Attach at most %(n)s files.") % {"n": EVIDENCE_MAX_FILES})
    types = []
    for upload in files:
        try:
            types.append(
                validate_upload(upload, allowed=EVIDENCE_ALLOWED, max_bytes=EVIDENCE_MAX_BYTES)
            )
        except ValidationError as exc:
            raise NoticeError(" ".join(exc.messages)) from None
    return types


def _store_evidence(
    *, delivery: Delivery, files: Sequence[UploadedFile], types: list[str], by: User
) -> None:
    for upload, content_type in zip(files, types, strict=True):
        evidence = DeliveryEvidence(
            delivery=delivery,
            original_name=(upload.name or "file")[:255],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=by,
        )
        evidence.file.save(upload.name or "file", upload, save=False)
        evidence.save()


def delivery_record(
    *,
    school: School,
    school_year: SchoolYear,
    kind: str,
    delivered_on: datetime.date,
    by: User,
    audience: str = "",
    presenter: str = "",
    presentation_format: str = "",
    channels: Sequence[str] = (),
    languages: Sequence[str] = (),
    notes: str = "",
    evidence: Sequence[UploadedFile] = (),
    reason: str = "",
) -> Delivery:
    """Record that the notice was presented to students or distributed to families (R-18).

    Preconditions: school and year share the district; the date lies in the school year and not
    in the future; a presentation names its audience, presenter and format; a distribution names
    at least one channel and one of the district's languages; every evidence file is an image or
    a PDF by its bytes; a delivery of a closed school year says why it is recorded late (the
    reason is kept in its history and listed as a revision in the year's report). Nothing is
    saved unless everything is.
    """
    district = school.district
    if school_year.district_id != district.pk:
        raise NoticeError(_("This school year belongs to another district."))
    if kind not in Delivery.Kind.values:
        raise NoticeError(_("Choose whether the notice was presented or distributed."))
    _check_delivery_date(school_year=school_year, delivered_on=delivered_on)
    if kind == Delivery.Kind.PRESENTATION:
        if not (audience.strip() and presenter.strip()):
            raise NoticeError(_("Say who was presented to and who presented."))
        if presentation_format not in Delivery.Format.values:
            raise NoticeError(_("Choose the format of the presentation."))
        channels, languages = [], []
    else:
        channels = list(dict.fromkeys(channels))
        languages = list(dict.fromkeys(languages))
        if not channels or any(c not in Delivery.Channel.values for c in channels):
            raise NoticeError(_("Choose at least one channel the notice was sent through."))
        offered = set(district.family_languages or [])
        if not languages or any(code not in offered for code in languages):
            raise NoticeError(_("Choose the family languages the notice was sent in."))
        audience = presenter = presentation_format = ""
    types = _check_evidence(evidence)
    reason = require_reason_if_closed(school_year=school_year, reason=reason, error=NoticeError)
    with transaction.atomic():
        delivery = Delivery(
            school=school,
            school_year=school_year,
            kind=kind,
            delivered_on=delivered_on,
            audience=audience.strip(),
            presenter=presenter.strip(),
            presentation_format=presentation_format,
            channels=channels,
            languages=languages,
            notes=notes.strip(),
            recorded_by=by,
        )
        as_done_by(delivery, by, reason).save()
        _store_evidence(delivery=delivery, files=evidence, types=types, by=by)
    return delivery


def delivery_add_evidence(*, delivery: Delivery, files: Sequence[UploadedFile], by: User) -> None:
    """Attach more evidence to a recorded delivery (checked by their bytes, all or none)."""
    if not files:
        raise NoticeError(_("Choose a file to attach."))
    if delivery.status != Delivery.Status.RECORDED:
        raise NoticeError(_("This delivery was withdrawn; evidence cannot be added."))
    if delivery.evidence.count() + len(files) > EVIDENCE_MAX_FILES:
        raise NoticeError(
            _("A delivery has at most %(n)s evidence files.") % {"n": EVIDENCE_MAX_FILES}
        )
    types = _check_evidence(files)
    with transaction.atomic():
        _store_evidence(delivery=delivery, files=files, types=types, by=by)


def delivery_withdraw(*, delivery: Delivery, reason: str, by: User) -> Delivery:
    """Withdraw a delivery recorded by mistake; it stays in the history, it no longer counts."""
    if not reason.strip():
        raise NoticeError(_("Say why this delivery is withdrawn."))
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if Delivery.Status.WITHDRAWN not in Delivery.TRANSITIONS[locked.status]:
            raise NoticeError(_("This delivery was already withdrawn."))
        locked.status = Delivery.Status.WITHDRAWN
        locked.withdrawn_reason = reason.strip()
        as_done_by(locked, by, f"withdrawn: {locked.withdrawn_reason}")
        locked.save(update_fields=["status", "withdrawn_reason"])
    return locked


# The district-wide archive -----------------------------------------------------------------
def archive_request(*, district: District, school_year: SchoolYear, by: User) -> NoticeArchive:
    """Start (or rejoin) the build of the zip with every school's notice for the year.

    Precondition: the year's notice is published. A build already under way is returned rather
    than started twice.
    """
    from notices.selectors import schools_with_staff

    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .filter(district=district, school_year=school_year)
            .first()
        )
        if notice is None or not notice.is_published:
            raise NoticeError(_("Publish the notice for this year before building the archive."))
        running = (
            NoticeArchive.objects.filter(
                district=district,
                school_year=school_year,
                status__in=[NoticeArchive.Status.PENDING, NoticeArchive.Status.BUILDING],
            )
            .order_by("-pk")
            .first()
        )
        if running is not None:
            return running
        school_ids = list(
            schools_with_staff(district=district, school_year=school_year).values_list(
                "pk", flat=True
            )
        )
        return NoticeArchive.objects.create(
            district=district,
            school_year=school_year,
            notice=notice,
            school_ids=school_ids,
            total=len(school_ids),
            requested_by=by,
        )


def _school_zip(*, notice: Notice, school: School) -> bytes:
    """One school's files: a PDF per written language and the bundle of all of them."""
    from pypdf import PdfWriter

    from notices.pdf import render_school_notice_pdf, written_translations

    prefix = f"{school.building_code}-{slugify(school.name)}"
    buffer = io.BytesIO()
    writer = PdfWriter()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for translation in written_translations(notice):
            pdf = render_school_notice_pdf(notice=notice, translation=translation, school=school)
            archive.writestr(f"{prefix}/{prefix}-{translation.language}.pdf", pdf)
            writer.append(io.BytesIO(pdf))
        bundle = io.BytesIO()
        writer.write(bundle)
        archive.writestr(f"{prefix}/{prefix}-all-languages.pdf", bundle.getvalue())
    return buffer.getvalue()


def archive_step(*, archive: NoticeArchive) -> NoticeArchive:
    """Advance the build by one school, or assemble the zip once every school is done.

    Safe to call from several servers at once: the row is claimed with SKIP LOCKED, and a caller
    that finds it claimed returns the archive as it is (someone else is working on it).
    """
    with transaction.atomic():
        locked = (
            NoticeArchive.objects.select_for_update(skip_locked=True)
            .select_related("notice__district", "notice__school_year")
            .filter(pk=archive.pk)
            .first()
        )
        if locked is None or locked.is_finished:
            return NoticeArchive.objects.get(pk=archive.pk)
        done_ids = set(locked.parts.values_list("school_id", flat=True))
        pending = [pk for pk in locked.school_ids if pk not in done_ids]
        try:
            if pending:
                school = School.objects.select_related("district").get(pk=pending[0])
                content = _school_zip(notice=locked.notice, school=school)
                part = NoticeArchivePart(archive=locked, school=school)
                part.file.save(f"{school.building_code}.zip", ContentFile(content), save=False)
                part.save()
                locked.status = NoticeArchive.Status.BUILDING
                locked.done = len(done_ids) + 1
                locked.save(update_fields=["status", "done"])
            else:
                _assemble(locked)
        except Exception as exc:  # noqa: BLE001 - any failure is shown on the status page
            locked.status = NoticeArchive.Status.FAILED
            locked.error = f"{type(exc).__name__}: {exc}"[:2000]
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "error", "finished_at"])
    return locked


def _assemble(archive: NoticeArchive) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for part in archive.parts.order_by("school__name"):
            with part.file.open("rb") as handle, zipfile.ZipFile(handle) as school_zip:
                for name in school_zip.namelist():
                    out.writestr(name, school_zip.read(name))
    name = f"notices-{archive.district.code}-{archive.school_year.label}.zip"
    archive.file.save(name, ContentFile(buffer.getvalue()), save=False)
    archive.status = NoticeArchive.Status.READY
    archive.done = archive.total
    archive.finished_at = timezone.now()
    archive.save(update_fields=["file", "status", "done", "finished_at"])


def archive_build(*, archive: NoticeArchive) -> NoticeArchive:
    """Run the build to the end (the management command, or a test)."""
    steps = 0
    while not archive.is_finished and steps <= archive.total + 1:
        archive = archive_step(archive=archive)
        steps += 1
    return archive


# Reminders --------------------------------------------------------------------------------
REMINDER_EVERY_DAYS = 7


def send_late_notice_reminders(*, now: datetime.datetime | None = None) -> int:
    """Email the principals of every school that is late with its notice (once a week at most).

    Returns the number of emails queued. Running twice the same day queues nothing new.
    """
    from notices.selectors import LATE, delivery_statuses

    today = timezone.localdate(now) if now else timezone.localdate()
    queued = 0
    for district in District.objects.all():
        year = district.current_school_year(today)
        if year is None:
            continue
        for status in delivery_statuses(district=district, school_year=year, today=today):
            if status.state != LATE:
                continue
            recent = LateNoticeReminder.objects.filter(
                school=status.school,
                school_year=year,
                sent_on__gt=today - datetime.timedelta(days=REMINDER_EVERY_DAYS),
            )
            if recent.exists():
                continue
            principals = list(
                Membership.objects.active()
                .filter(district=district, role=Role.PRINCIPAL, schools=status.school)
                .select_related("user")
            )
            emails = sorted({m.user.email for m in principals if m.user.email})
            if not emails:
                continue
            LateNoticeReminder.objects.create(
                school=status.school, school_year=year, sent_on=today, recipients=emails
            )
            email_queue(
                to=emails,
                template="notices/email/late_reminder",
                district=district,
                context={
                    "status": status,
                    "district": district,
                    "school_year": year,
                    "url": settings.SITE_URL
                    + reverse("notices:school", kwargs={"school_pk": status.school.pk}),
                },
            )
            queued += 1
    return queued
