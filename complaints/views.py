"""Staff pages: lists, the complaint's file, workflow steps, findings, letters, access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import services
from complaints.forms import (
    AllegationForm,
    AssignForm,
    ComplaintFilterForm,
    ExtendForm,
    LetterTextForm,
    NoteForm,
    ProviderOutcomeForm,
    ReasonForm,
    ReferForm,
)
from complaints.models import Allegation, Complaint, ComplaintQuerySet, LetterText
from complaints.selectors import (
    READ_ROLES,
    can_record_provider_outcome,
    can_write,
    complaints_for_scope,
    get_complaint_for_user,
    investigator_choices,
    is_about,
    provider_responses_for,
)
from complaints.services import ComplaintError
from srp.closing import add_reason_field, closed_year_for
from srp.csv_export import csv_response
from srp.disclosure import EXPORTED, disclosure_record
from srp.history import render_history
from srp.roles import Role
from srp.rules import show_rule_error
from srp.uploads import serve_upload

PAGE_SIZE = 25


def _filtered(request: HttpRequest) -> tuple[ComplaintQuerySet, ComplaintFilterForm]:
    scope = request.scope
    scope.require(*READ_ROLES)
    form = ComplaintFilterForm(request.GET or None, district=scope.district)
    qs = complaints_for_scope(scope).with_list_data()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(reference__icontains=q)
                | Q(location__icontains=q)
                | Q(description__icontains=q)
                | Q(staff_member__last_name__icontains=q)
            )
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["school"]:
            qs = qs.filter(school=data["school"])
        if data["provider"]:
            qs = qs.filter(
                Q(referred_provider=data["provider"]) | Q(staff_member__employer=data["provider"])
            )
        if data["finding"]:
            qs = qs.filter(
                Exists(Allegation.objects.filter(complaint=OuterRef("pk"), finding=data["finding"]))
            )
        if data["overdue"]:
            qs = qs.overdue()
    return qs, form


def complaint_list(request: HttpRequest) -> HttpResponse:
    qs, form = _filtered(request)
    page = Paginator(qs.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for complaint in page:
        complaint.overdue_flag = complaint.is_overdue(today)
    return render(
        request,
        "complaints/list.html",
        {"page": page, "form": form, "can_export": True},
    )


def complaint_export(request: HttpRequest) -> HttpResponse:
    qs, _form = _filtered(request)
    today = timezone.localdate()
    header = [
        _("Reference"),
        _("Status"),
        _("School"),
        _("Staff member"),
        _("Received"),
        _("Acknowledge by"),
        _("Respond by"),
        _("Overdue"),
        _("Investigator"),
        _("Referred to"),
        _("Provider's case number"),
        _("Response sent"),
        _("Days to respond"),
        _("Findings"),
    ]

    def rows():  # noqa: ANN202 - a generator for the streamed response
        for c in (
            qs.prefetch_related("allegations")
            .order_by("received_at", "pk")
            .iterator(chunk_size=500)
        ):
            yield [
                c.reference,
                c.get_status_display(),
                c.school.name,
                c.staff_member.full_name if c.staff_member else "",
                c.received_at.date().isoformat(),
                c.acknowledge_due.isoformat(),
                c.respond_due.isoformat(),
                _("yes") if c.is_overdue(today) else _("no"),
                str(c.investigator or ""),
                c.referred_provider.name if c.referred_provider else "",
                c.provider_case_number,
                c.response_sent_at.date().isoformat() if c.response_sent_at else "",
                c.days_to_respond if c.days_to_respond is not None else "",
                "; ".join(a.get_finding_display() for a in c.allegations.all() if a.finding),
            ]

    disclosure_record(
        request,
        what=_("Complaints export"),
        record_type="complaints.complaint",
        rows=qs.count(),
        action=EXPORTED,
    )
    return csv_response(f"complaints-{today.isoformat()}.csv", header, rows())


def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk)
    scope = request.scope
    services.access_log_record(complaint=complaint, user=request.user, request=request)
    writable = can_write(scope, complaint)
    context: dict[str, Any] = {
        "complaint": complaint,
        "allegations": list(complaint.allegations.select_related("staff_member")),
        "attachments": list(complaint.attachments.all()),
        "events": list(complaint.events.select_related("by")),
        "extensions": list(complaint.extensions.select_related("by")),
        "can_write": writable,
        "actions": services.allowed_actions(complaint) if writable else [],
        "is_admin": scope.is_program_admin,
        "overdue": complaint.is_overdue(),
        # An investigator assigned before the complaint turned out to be about them (an account
        # linked later, an allegation naming them) can no longer open it: the admin is told.
        "investigator_conflict": scope.is_program_admin
        and complaint.investigator is not None
        and is_about(complaint, complaint.investigator),
        # The provider's answer on a referral: recorded by its liaison, read by the district.
        "can_record_outcome": can_record_provider_outcome(scope, complaint),
    }
    responses = provider_responses_for(scope, complaint)
    context["provider_responses"] = responses
    context["outcome_recorded"] = any(
        r.provider_id == complaint.referred_provider_id for r in responses
    )
    # Investigation notes are internal: never shown to an agency liaison.
    if writable:
        context["notes"] = list(complaint.notes.select_related("author"))
        context["note_form"] = NoteForm()
    return render(request, "complaints/detail.html", context)


def complaint_history(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk)
    if not request.scope.is_program_admin:
        raise PermissionDenied
    services.access_log_record(
        complaint=complaint, user=request.user, what="history", request=request
    )
    return render_history(
        request, complaint, back_url=reverse("complaints:detail", args=[complaint.pk])
    )


def complaint_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk)
    if not request.scope.is_program_admin:
        raise PermissionDenied
    entries = complaint.access_log.select_related("user")[:500]
    return render(
        request, "complaints/access_log.html", {"complaint": complaint, "entries": entries}
    )


def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk)
    attachment = get_object_or_404(complaint.attachments, pk=attachment_pk)
    services.access_log_record(
        complaint=complaint, user=request.user, what="attachment", request=request
    )
    return serve_upload(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


def provider_document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A document the provider sent with its answer, to those who may see that answer."""
    complaint = get_complaint_for_user(request, pk)
    documents = {
        document.pk: document
        for response in provider_responses_for(request.scope, complaint)
        for document in response.documents.all()
    }
    document = documents.get(document_pk)
    if document is None:
        raise Http404
    services.access_log_record(
        complaint=complaint, user=request.user, what="provider document", request=request
    )
    return serve_upload(
        document.file, filename=document.original_name, content_type=document.content_type
    )


def provider_outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The liaison of the provider a complaint is referred to records the provider's case
    number, outcome and documents (issue #14 item 5); a second visit corrects them."""
    complaint = get_complaint_for_user(request, pk)
    if not can_record_provider_outcome(request.scope, complaint):
        raise PermissionDenied
    existing = complaint.provider_responses.filter(
        provider_id=complaint.referred_provider_id
    ).first()
    form = ProviderOutcomeForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=existing,
    )
    if request.method != "POST":
        services.access_log_record(
            complaint=complaint, user=request.user, what="provider outcome", request=request
        )
    return _step_page(
        request,
        complaint,
        title=_("Correct the provider's answer") if existing else _("Record the provider's answer"),
        form=form,
        run=lambda d: services.referral_record_provider_outcome(
            complaint=complaint,
            by=request.user,
            case_number=d["case_number"],
            outcome=d["outcome"],
            outcome_text=d["outcome_text"],
            received_on=d["received_on"],
            documents=d["documents"],
            reason=d.get("reason", ""),
        ),
        done=_("The provider's answer is saved; the district can read it on the complaint."),
        submit_label=_("Save"),
        explanation=_(
            "What %(provider)s decided on this complaint. The district's investigator and "
            "program administrators read it; the family does not."
        )
        % {"provider": complaint.referred_provider.name if complaint.referred_provider else ""},
    )


def letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk)
    if not complaint.response_letter:
        raise Http404
    services.access_log_record(
        complaint=complaint, user=request.user, what="letter", request=request
    )
    return serve_upload(
        complaint.response_letter,
        filename=f"{complaint.reference}.pdf",
        content_type="application/pdf",
    )


def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as it would be sent now (for the investigator to read before sending)."""
    from complaints.pdf import letter_language, render_response_letter_pdf

    complaint = get_complaint_for_user(request, pk, write=True)
    services.access_log_record(
        complaint=complaint, user=request.user, what="letter preview", request=request
    )
    pdf = render_response_letter_pdf(
        complaint=complaint, language=letter_language(complaint), on=timezone.localdate()
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.reference}-draft.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# Workflow steps ---------------------------------------------------------------------------
def _step_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    title: str,
    form: Any,
    run: Callable[[dict[str, Any]], Any],
    done: str,
    submit_label: str,
    explanation: str = "",
) -> HttpResponse:
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            run(form.cleaned_data if form is not None else {})
        except ComplaintError as error:
            show_rule_error(request, form, error)
            if form is None:
                return redirect("complaints:detail", pk=complaint.pk)
        else:
            messages.success(request, done)
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/step.html",
        {
            "complaint": complaint,
            "title": title,
            "form": form,
            "submit_label": submit_label,
            "explanation": explanation,
            "back_url": reverse("complaints:detail", args=[complaint.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


SIMPLE_STEPS = {
    "acknowledge": (
        services.complaint_acknowledge,
        _("Acknowledge"),
    ),
    "start_investigation": (services.complaint_start_investigation, _("Start the investigation")),
    "record_findings": (services.complaint_record_findings, _("Record the findings")),
    "send_response": (services.complaint_send_response, _("Send the response letter")),
    "close": (services.complaint_close, _("Close")),
}


def complaint_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk, write=True)
    user = request.user
    if action in SIMPLE_STEPS:
        service, label = SIMPLE_STEPS[action]
        explanation = ""
        if action == "send_response":
            explanation = _(
                "The letter is saved, shown on the family's status page and emailed to them."
            )
        return _step_page(
            request,
            complaint,
            title=str(label),
            form=None,
            run=lambda data: service(complaint=complaint, by=user),
            done=_("Done: %(step)s.") % {"step": label},
            submit_label=str(label),
            explanation=explanation,
        )
    if action == "refer":
        form = ReferForm(request.POST or None, district=complaint.district)
        return _step_page(
            request,
            complaint,
            title=_("Refer to the provider"),
            form=form,
            run=lambda d: services.complaint_refer(
                complaint=complaint,
                provider=d["provider"],
                referred_on=d["referred_on"],
                case_number=d["case_number"],
                by=user,
            ),
            done=_("The complaint is referred; the provider's liaison can now see it."),
            submit_label=_("Refer"),
        )
    if action in {"withdraw", "appeal"}:
        service = services.complaint_withdraw if action == "withdraw" else services.complaint_appeal
        return _step_page(
            request,
            complaint,
            title=_("Record the withdrawal") if action == "withdraw" else _("Record an appeal"),
            form=ReasonForm(request.POST or None),
            run=lambda d: service(complaint=complaint, by=user, reason=d["reason"]),
            done=_("Saved."),
            submit_label=_("Save"),
        )
    if action == "extend":
        return _step_page(
            request,
            complaint,
            title=_("Extend the response date"),
            form=ExtendForm(request.POST or None),
            run=lambda d: services.complaint_extend(
                complaint=complaint, by=user, new_due=d["new_due"], reason=d["reason"]
            ),
            done=_("The response date is extended; the family is told."),
            submit_label=_("Extend"),
        )
    if action == "assign":
        if not request.scope.is_program_admin:
            raise PermissionDenied
        form = AssignForm(request.POST or None, choices=investigator_choices(complaint=complaint))
        return _step_page(
            request,
            complaint,
            title=_("Assign an investigator"),
            form=form,
            run=lambda d: services.complaint_assign(
                complaint=complaint, investigator=d["investigator"], by=user
            ),
            done=_("The investigator is assigned."),
            submit_label=_("Assign"),
        )
    raise Http404


def allegation_edit(
    request: HttpRequest, pk: int, allegation_pk: int | None = None
) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk, write=True)
    allegation = None
    if allegation_pk is not None:
        allegation = get_object_or_404(complaint.allegations, pk=allegation_pk)
    form = AllegationForm(request.POST or None, instance=allegation, district=complaint.district)
    if closed_year_for(
        district=complaint.district_id, on_date=timezone.localdate(complaint.received_at)
    ):
        add_reason_field(form)
    return _step_page(
        request,
        complaint,
        title=_("Allegation") if allegation else _("Add an allegation"),
        form=form,
        run=lambda d: services.allegation_save(
            complaint=complaint,
            by=request.user,
            allegation=allegation,
            staff_member=d["staff_member"],
            category=d["category"],
            summary=d["summary"],
            finding=d["finding"],
            finding_explanation=d["finding_explanation"],
            reason=d.get("reason", ""),
        ),
        done=_("Allegation saved."),
        submit_label=_("Save"),
    )


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for_user(request, pk, write=True)
    # A note that is refused (too long, or held back by the R-15 warning until confirmed) comes
    # back on a page of its own, its text kept.
    return _step_page(
        request,
        complaint,
        title=_("Add a note"),
        form=NoteForm(request.POST),
        run=lambda d: services.note_add(complaint=complaint, by=request.user, text=d["text"]),
        done=_("Note added."),
        submit_label=_("Add the note"),
    )


# Letter wording (program administrator) ----------------------------------------------------
def letter_text_list(request: HttpRequest) -> HttpResponse:
    request.scope.require(Role.PROGRAM_ADMIN)
    texts = LetterText.objects.filter(district=request.scope.district)
    return render(request, "complaints/letter_text_list.html", {"texts": texts})


def letter_text_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    request.scope.require(Role.PROGRAM_ADMIN)
    district = request.scope.district
    instance = get_object_or_404(LetterText, pk=pk, district=district) if pk else None
    form = LetterTextForm(request.POST or None, instance=instance, district=district)
    if request.method == "POST" and form.is_valid():
        services.letter_text_save(
            district=district, by=request.user, instance=instance, data=form.cleaned_data
        )
        messages.success(request, _("Letter wording saved."))
        return redirect("complaints:letter_text_list")
    return render(
        request,
        "srp/form_page.html",
        {
            "form": form,
            "title": _("Response letter wording"),
            "back_url": reverse("complaints:letter_text_list"),
        },
        status=400 if request.method == "POST" else 200,
    )
