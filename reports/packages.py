"""The board packet's appendices (R-22) and the state data package (R-21)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import Agreement, AnnualReview, Provider
from complaints.models import Category
from incidents.models import (
    Disability,
    EnglishLearner,
    InterventionRequest,
    RaceEthnicity,
    Sex,
    StudentInvolved,
    StudentOutcome,
)
from notices.models import Delivery
from reports.public import public_report
from reports.selectors import (
    annual_report,
    calls_queryset,
    complaints_received_in,
    schools_section,
    students_queryset,
)
from srp.models import District, SchoolYear


def agreement_status_rows(*, district: District, school_year: SchoolYear) -> list[dict[str, Any]]:
    """Every agreement in effect at some point up to the year's end, with its review (2 queries)."""
    agreements = (
        Agreement.objects.filter(district=district, effective_from__lte=school_year.ends_on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=school_year.starts_on))
        .select_related("provider")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=AnnualReview.objects.filter(school_year=school_year),
                to_attr="year_reviews",
            )
        )
        .order_by("provider__name", "-effective_from")
    )
    rows = []
    for agreement in agreements:
        review = agreement.year_reviews[0] if agreement.year_reviews else None
        rows.append(
            {
                "provider": agreement.provider.name,
                "title": agreement.title,
                "status": str(agreement.get_status_display()),
                "effective_from": agreement.effective_from.isoformat(),
                "effective_until": (
                    agreement.effective_until.isoformat() if agreement.effective_until else ""
                ),
                "adopted_on": agreement.adopted_on.isoformat() if agreement.adopted_on else "",
                "board_action": agreement.board_action,
                "review_due_on": (
                    agreement.review_due_on.isoformat() if agreement.review_due_on else ""
                ),
                "review": (
                    f"{review.get_status_display()}"
                    + (f" {review.adopted_on.isoformat()}" if review.adopted_on else "")
                    if review
                    else ""
                ),
            }
        )
    return rows


def delivery_rows(
    *, school_year: SchoolYear, school_ids: frozenset[int] | None = None
) -> list[dict[str, Any]]:
    """Each recorded notice delivery of the year (1 query)."""
    deliveries = (
        Delivery.objects.recorded()
        .filter(school_year=school_year)
        .select_related("school")
        .order_by("school__name", "delivered_on", "pk")
    )
    if school_ids is not None:
        deliveries = deliveries.filter(school_id__in=school_ids)
    channel_labels = dict(Delivery.Channel.choices)
    return [
        {
            "school": d.school.name,
            "date": d.delivered_on.isoformat(),
            "kind": str(d.get_kind_display()),
            "detail": (
                ", ".join(
                    filter(None, [d.audience, d.presenter, d.get_presentation_format_display()])
                )
                if d.kind == Delivery.Kind.PRESENTATION
                else ", ".join(str(channel_labels.get(c, c)) for c in d.channels)
            ),
            "languages": ", ".join(d.languages),
        }
        for d in deliveries
    ]


def board_packet_contents(
    *, district: District, school_year: SchoolYear, today: datetime.date | None = None
) -> dict[str, Any]:
    """What a released board packet holds (R-22): the year's report in its public, suppressed
    version, the agreement status and the notice delivery record, as plain JSON.

    Board members are not staff who may read unsuppressed counts (R-20); the packet they get
    is the version the public would see. The rows' labels are written in the site's language.
    """
    report = public_report(annual_report(district=district, school_year=school_year, today=today))
    with translation.override(settings.LANGUAGE_CODE):
        agreements = agreement_status_rows(district=district, school_year=school_year)
        deliveries = delivery_rows(school_year=school_year)
    return {"report": report, "agreements": agreements, "deliveries": deliveries}


# State data package (RCW 28A.320.1241) ------------------------------------------------------
CRDC_DISABILITY = {"idea": "idea", "section_504": "section_504_only", "none": "neither"}


def crdc_disability_labels() -> dict[str, str]:
    """How the package's printed tables name the CRDC disability groups (the CSV keeps codes)."""
    return {
        "idea": _("Students with disabilities (IDEA)"),
        "section_504_only": _("Section 504 only"),
        "neither": _("Without disabilities"),
    }


def complaints_by_category(*, school_year: SchoolYear) -> dict[str, int]:
    """Complaints received in the year about job duties, about student interactions and about
    other matters (RCW 28A.320.1241(1)(d)); a complaint with allegations in two categories
    counts in each (1 query)."""
    complaints = complaints_received_in(school_year, None)
    counts = complaints.aggregate(
        total=Count("pk", distinct=True),
        **{
            code: Count("pk", distinct=True, filter=Q(allegations__category=code))
            for code in Category.values
        },
    )
    return {"total": counts.pop("total"), **{code: counts[code] for code in Category.values}}


def adopted_agreements(*, district: District, school_year: SchoolYear) -> list[dict[str, Any]]:
    """The agreements adopted by the board and in effect at some time in the year
    (RCW 28A.320.1241(2)), each with whether its signed document is on file (1 query)."""
    agreements = (
        Agreement.objects.filter(
            district=district,
            adopted_on__isnull=False,
            adopted_on__lte=school_year.ends_on,
            effective_from__lte=school_year.ends_on,
        )
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=school_year.starts_on))
        .filter(
            Q(status__in=Agreement.IN_FORCE_STATUSES)
            | Q(status=Agreement.Status.ENDED, ended_on__gte=school_year.starts_on)
        )
        .select_related("provider")
        .order_by("provider__name", "-effective_from", "pk")
    )
    return [
        {
            "id": agreement.pk,
            "provider": agreement.provider.name,
            "title": agreement.title,
            "status": str(agreement.get_status_display()),
            "effective_from": agreement.effective_from.isoformat(),
            "effective_until": (
                agreement.effective_until.isoformat() if agreement.effective_until else ""
            ),
            "adopted_on": agreement.adopted_on.isoformat() if agreement.adopted_on else "",
            "board_action": agreement.board_action,
            "document": agreement.document_name or (agreement.document.name.rsplit("/", 1)[-1])
            if agreement.document
            else "",
        }
        for agreement in agreements
    ]


def agreement_documents(package: dict[str, Any]) -> dict[int, bytes]:
    """The signed PDF of each adopted agreement in the package that has one on file."""
    ids = [a["id"] for a in package["agreements"] if a["document"]]
    documents: dict[int, bytes] = {}
    for agreement in Agreement.objects.filter(pk__in=ids).only("pk", "document"):
        try:
            with agreement.document.open("rb") as handle:
                documents[agreement.pk] = handle.read()
        except OSError:
            continue  # listed as not readable in the package
    return documents


REFERRAL_OUTCOMES = (
    StudentOutcome.CITATION,
    StudentOutcome.ARREST,
    StudentOutcome.JUVENILE_REFERRAL,
)


def state_package(*, district: District, school_year: SchoolYear) -> dict[str, Any]:
    """Staff per building, providers with agreements, each incident with each student's
    demographics, the complaint count, and the CRDC-style referral and arrest table."""
    schools = schools_section(district=district, school_year=school_year, school_ids=None)
    kind_labels = {"call": _("Call"), "intervention": _("Intervention request")}
    providers = (
        Provider.objects.filter(district=district)
        .annotate(
            adopted_agreements=Count(
                "agreements",
                filter=Q(
                    agreements__status__in=Agreement.IN_FORCE_STATUSES,
                    agreements__effective_from__lte=school_year.ends_on,
                ),
            )
        )
        .order_by("name")
    )
    calls = (
        calls_queryset(school_year, None)
        .incidents()
        .select_related("school")
        .prefetch_related(
            Prefetch("students", queryset=StudentInvolved.objects.live().order_by("pk"))
        )
        .order_by("occurred_at", "pk")
    )
    incidents = []
    for call in calls:
        students = list(call.students.all())
        base = {
            "kind": "call",
            "kind_label": kind_labels["call"],
            "reference": call.call_ref or str(call.pk),
            "date": timezone.localtime(call.occurred_at).date().isoformat(),
            "school": call.school.building_code,
            "description": f"{call.get_reason_display()}: {call.narrative}".strip(": "),
            "outcome": str(call.get_outcome_display()),
        }
        if not students:
            incidents.append({**base, "student": None})
        for student in students:
            incidents.append(
                {
                    **base,
                    "student": {
                        "race_label": str(student.get_race_ethnicity_display()),
                        "sex_label": str(student.get_sex_display()),
                        "outcome_label": str(student.get_outcome_display()),
                        "disability_label": str(student.get_disability_display()),
                        "english_learner_label": str(student.get_english_learner_display()),
                        "grade": student.grade,
                        "race_ethnicity": student.race_ethnicity,
                        "sex": student.sex,
                        "iep": student.disability == Disability.IDEA,
                        "section_504": student.disability == Disability.SECTION_504,
                        "english_learner": student.english_learner == EnglishLearner.YES,
                        "outcome": student.outcome,
                    },
                }
            )
    interventions = (
        InterventionRequest.objects.in_school_year(school_year)
        .incidents()
        .select_related("school")
        .order_by("requested_at", "pk")
    )
    for request in interventions:
        incidents.append(
            {
                "kind": "intervention",
                "kind_label": kind_labels["intervention"],
                "reference": f"I-{request.pk}",
                "date": timezone.localtime(request.requested_at).date().isoformat(),
                "school": request.school.building_code,
                "description": request.outcome_notes or request.description,
                "outcome": str(request.get_outcome_display()),
                "student": None,
            }
        )
    return {
        "district": district.name,
        "district_code": district.code,
        "school_year": school_year.label,
        "staff": schools,
        "providers": [
            {
                "name": p.name,
                "kind": str(p.get_kind_display()),
                "agreements_adopted": p.adopted_agreements,
            }
            for p in providers
        ],
        "incidents": incidents,
        "complaints": complaints_received_in(school_year, None).count(),
        "complaints_by_category": complaints_by_category(school_year=school_year),
        "agreements": adopted_agreements(district=district, school_year=school_year),
        "crdc": crdc_table(school_year=school_year),
    }


def crdc_table(*, school_year: SchoolYear) -> dict[str, Any]:
    """Referrals to law enforcement and school-related arrests, instances and students, by
    IDEA / Section 504 only / neither, and within each by race, sex and English learner.

    A referral is a citation, an arrest or a juvenile-justice referral of a student; an
    arrest is a student outcome "arrest". Students are distinct district student numbers (rows
    without a number count once each).
    """
    students = students_queryset(school_year, None).filter(outcome__in=REFERRAL_OUTCOMES)
    arrest = Q(outcome=StudentOutcome.ARREST)
    numbered, unnumbered = ~Q(student_ref=""), Q(student_ref="")
    # name: (field counted, distinct, condition)
    measures: dict[str, tuple[str, bool, Q]] = {
        "referral_instances": ("pk", False, Q()),
        "referral_students": ("student_ref", True, numbered),
        "referral_unnumbered": ("pk", False, unnumbered),
        "arrest_instances": ("pk", False, arrest),
        "arrest_students": ("student_ref", True, arrest & numbered),
        "arrest_unnumbered": ("pk", False, arrest & unnumbered),
    }
    columns: list[tuple[str, str, str]] = [("all", "all", _("All students"))]
    columns += [("race_ethnicity", c, str(label)) for c, label in RaceEthnicity.choices]
    columns += [("sex", c, str(label)) for c, label in Sex.choices]
    columns += [("english_learner", "yes", _("English learner"))]
    aggregates = {}
    for group, disability in CRDC_DISABILITY.items():
        for dimension, code, _label in columns:
            condition = Q(disability=group)
            if dimension != "all":
                condition &= Q(**{dimension: code})
            for name, (field, distinct, extra) in measures.items():
                aggregates[f"{disability}__{dimension}__{code}__{name}"] = Count(
                    field, distinct=distinct, filter=condition & extra
                )
    values = students.aggregate(**aggregates)  # one query
    rows = []
    disability_labels = crdc_disability_labels()
    for disability in CRDC_DISABILITY.values():
        for dimension, code, label in columns:
            key = f"{disability}__{dimension}__{code}__"
            rows.append(
                {
                    "disability": disability,
                    "disability_label": disability_labels[disability],
                    "group_start": dimension == "all",
                    "group": label,
                    "referral_instances": values[key + "referral_instances"],
                    "referral_students": values[key + "referral_students"]
                    + values[key + "referral_unnumbered"],
                    "arrest_instances": values[key + "arrest_instances"],
                    "arrest_students": values[key + "arrest_students"]
                    + values[key + "arrest_unnumbered"],
                }
            )
    return {"rows": rows}


def state_package_csv_files(package: dict[str, Any]) -> dict[str, tuple[list[str], list[list]]]:
    files: dict[str, tuple[list[str], list[list]]] = {}
    files["01-staff-by-building.csv"] = (
        ["building_code", "school", "staff_members", "days_per_week"],
        [[s["code"], s["name"], s["staff"], s["days_per_week"]] for s in package["staff"]],
    )
    files["02-providers.csv"] = (
        ["provider", "kind", "agreements_adopted"],
        [[p["name"], p["kind"], p["agreements_adopted"]] for p in package["providers"]],
    )
    files["03-incidents.csv"] = (
        [
            "kind",
            "reference",
            "date",
            "building_code",
            "description",
            "outcome",
            "grade",
            "race_ethnicity",
            "sex",
            "iep",
            "section_504",
            "english_learner",
            "student_outcome",
        ],
        [
            [i["kind"], i["reference"], i["date"], i["school"], i["description"], i["outcome"]]
            + (
                [
                    i["student"]["grade"],
                    i["student"]["race_ethnicity"],
                    i["student"]["sex"],
                    "yes" if i["student"]["iep"] else "no",
                    "yes" if i["student"]["section_504"] else "no",
                    "yes" if i["student"]["english_learner"] else "no",
                    i["student"]["outcome"],
                ]
                if i["student"]
                else [""] * 7
            )
            for i in package["incidents"]
        ],
    )
    by_category = package["complaints_by_category"]
    files["04-complaints.csv"] = (
        ["complaints_received", *[f"about_{code}" for code in Category.values]],
        [[package["complaints"], *[by_category[code] for code in Category.values]]],
    )
    files["05-crdc-referrals-and-arrests.csv"] = (
        [
            "disability",
            "group",
            "referral_instances",
            "referral_students",
            "arrest_instances",
            "arrest_students",
        ],
        [
            [
                r["disability"],
                r["group"],
                r["referral_instances"],
                r["referral_students"],
                r["arrest_instances"],
                r["arrest_students"],
            ]
            for r in package["crdc"]["rows"]
        ],
    )
    files["06-adopted-agreements.csv"] = (
        [
            "provider",
            "agreement",
            "status",
            "effective_from",
            "effective_until",
            "adopted_on",
            "board_action",
            "signed_document",
        ],
        [
            [
                a["provider"],
                a["title"],
                a["status"],
                a["effective_from"],
                a["effective_until"],
                a["adopted_on"],
                a["board_action"],
                f"agreements/{agreement_document_filename(a)}" if a["document"] else "",
            ]
            for a in package["agreements"]
        ],
    )
    return files


def agreement_document_filename(agreement: dict[str, Any]) -> str:
    """Where an adopted agreement's signed PDF sits in the package's zip."""
    return f"agreement-{agreement['id']}.pdf"


def state_package_zip(package: dict[str, Any]) -> bytes:
    """The package's CSV files and, under `agreements/`, each adopted agreement's signed PDF."""
    import io
    import zipfile

    from reports.exports import csv_text

    buffer = io.BytesIO()
    documents = agreement_documents(package)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, (header, rows) in state_package_csv_files(package).items():
            archive.writestr(filename, csv_text(header, rows))
        for agreement in package["agreements"]:
            if agreement["id"] in documents:
                archive.writestr(
                    f"agreements/{agreement_document_filename(agreement)}",
                    documents[agreement["id"]],
                )
    return buffer.getvalue()
