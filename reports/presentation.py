"""Turns a report (internal or public) into titled tables and charts for the page, PDF and CSV.

One description of the tables serves every format, so the web page, the PDF and the CSV files
show the same numbers under the same headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from agreements.training import STATE_LABELS as TRAINING_LABELS
from complaints.models import Category, Finding
from incidents.models import (
    ActivityKind,
    CallOutcome,
    Disability,
    EnglishLearner,
    InterventionBasis,
    InterventionOutcome,
    InterventionRequest,
    RaceEthnicity,
    Reason,
    RequestedBy,
    RestraintReport,
    Sex,
    StudentOutcome,
)
from notices.selectors import STATE_LABELS as NOTICE_LABELS
from reports.charts import bar_chart
from srp.cache import DATA, Audience, PublicAudience, cached_figures
from srp.registry import CachedSurface, registry

if TYPE_CHECKING:
    from srp.models import District


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None
    chart: str = ""
    note: str = ""

    def numeric_columns(self) -> list[bool]:
        """Which columns hold numbers (or suppression markers), to right-align them."""
        width = len(self.columns)
        lines = [*self.rows, *([self.total] if self.total else [])]
        flags = []
        for i in range(width):
            cells = [line[i] for line in lines if i < len(line) and line[i] not in ("", "—", None)]
            flags.append(i > 0 and bool(cells) and all(_is_number(c) for c in cells))
        return flags

    def aligned(self) -> dict[str, Any]:
        flags = self.numeric_columns()
        return {
            "columns": list(zip(self.columns, flags, strict=True)),
            "rows": [list(zip(row, flags, strict=False)) for row in self.rows],
            "total": list(zip(self.total, flags, strict=False)) if self.total else None,
        }


def _is_number(value: Any) -> bool:
    if isinstance(value, int | float | Decimal):
        return True
    text = str(value).strip().lstrip("+-").replace(".", "", 1).replace(",", "")
    return text.isdigit() or text == "*" or text.startswith("<")


@dataclass
class Section:
    key: str
    heading: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    facts: list[tuple[str, Any]] = field(default_factory=list)
    empty: bool = False
    empty_message: str = ""


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def grade_band_labels() -> dict[str, str]:
    return {"pk_5": _("Pre-K to grade 5"), "6_8": _("Grades 6 to 8"), "9_12": _("Grades 9 to 12")}


def dimension_labels() -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "race_ethnicity": (_("Race and ethnicity"), _labels(RaceEthnicity)),
        "sex": (_("Sex"), _labels(Sex)),
        "disability": (_("Disability"), _labels(Disability)),
        "english_learner": (_("English learner"), _labels(EnglishLearner)),
        "grade_band": (_("Grade band"), grade_band_labels()),
    }


def _one_way(
    key: str,
    title: str,
    counts: dict[str, Any],
    labels: dict[str, str],
    total: Any,
    *,
    chart: bool = True,
    column: str | None = None,
) -> Table:
    rows = [[labels.get(code, code), value] for code, value in counts.items()]
    return Table(
        key=key,
        title=title,
        columns=["", column or _("Count")],
        rows=rows,
        total=[_("Total"), total],
        chart=bar_chart(chart_id=f"chart-{key}", title=title, items=rows) if chart else "",
    )


def build_sections(report: dict[str, Any]) -> list[Section]:
    sections: list[Section] = []
    schools = report["schools"]
    school_names = {s["code"]: s["name"] for s in schools}

    # Staff and providers.
    staff = Section("staff", _("Safety and security staff by school"))
    staff.tables.append(
        Table(
            key="staff_by_school",
            title=_("Staff and days per week at each school"),
            columns=[_("School"), _("Building code"), _("Staff members"), _("Days per week")],
            rows=[[s["name"], s["code"], s["staff"], s["days_per_week"]] for s in schools],
        )
    )
    sections.append(staff)
    providers = Section(
        "providers",
        _("Providers and agreement status"),
        intro=_(
            "The agreement in force with each provider on %(day)s; an agreement still being "
            "prepared is shown beside it as under review, not in force."
        )
        % {"day": report.get("as_of") or report["period"]["to"]},
    )
    providers.tables.append(
        Table(
            key="providers",
            title=_("Providers and their agreements"),
            columns=[
                _("Provider"),
                _("Kind"),
                _("Agreement in force"),
                _("Status"),
                _("Adopted on"),
                _("Board action"),
                _("Under review"),
            ],
            rows=[
                [
                    p["name"],
                    p["kind_label"],
                    p["agreement"] or _("No agreement in force"),
                    p["agreement_status_label"] or "—",
                    p["adopted_on"] or "—",
                    p["board_action"] or "—",
                    _under_review(p.get("under_review")),
                ]
                for p in report["providers"]
            ],
        )
    )
    providers.empty = not report["providers"]
    providers.empty_message = _("No provider supplies staff to the district.")
    sections.append(providers)

    # Calls.
    calls = report["calls"]
    section = Section(
        "calls",
        _("Calls for law-enforcement service"),
        intro=_(
            "Every call recorded in the school year, by school, reason, who asked, and outcome."
        ),
    )
    section.facts = [(_("Calls"), calls["total"]), (_("Emergencies"), calls["emergency"])]
    section.empty = calls["total"] == 0
    section.empty_message = _("No calls were recorded in this school year.")
    section.tables = [
        _one_way(
            "calls_by_school",
            _("Calls by school"),
            calls["by_school"],
            school_names,
            calls["total"],
        ),
        _one_way(
            "calls_by_reason",
            _("Calls by reason"),
            calls["by_reason"],
            _labels(Reason),
            calls["total"],
        ),
        _one_way(
            "calls_by_requested_by",
            _("Calls by who asked"),
            calls["by_requested_by"],
            _labels(RequestedBy),
            calls["total"],
        ),
        _one_way(
            "calls_by_outcome",
            _("Calls by outcome"),
            calls["by_outcome"],
            _labels(CallOutcome),
            calls["total"],
        ),
    ]
    sections.append(section)

    # Students.
    students = report["students"]
    outcome_labels = _labels(StudentOutcome)
    section = Section(
        "students",
        _("Students involved"),
        intro=_("A student involved in two calls counts twice."),
    )
    section.facts = [(_("Students involved"), students["total"])]
    section.empty = students["total"] == 0
    section.empty_message = _("No students were involved in calls in this school year.")
    section.tables.append(
        _one_way(
            "students_by_outcome",
            _("Students by outcome"),
            students["by_outcome"],
            outcome_labels,
            students["total"],
        )
    )
    for dimension, (title, labels) in dimension_labels().items():
        table = students["by_outcome_and"][dimension]
        codes = list(labels)
        column_totals = (students.get("by_dimension") or {}).get(dimension) or {
            code: sum(table[o][code] for o in table) for code in codes
        }
        section.tables.append(
            Table(
                key=f"students_by_outcome_and_{dimension}",
                title=_("Students by outcome and %(dimension)s") % {"dimension": title.lower()},
                columns=[_("Outcome"), *[labels[c] for c in codes], _("Total")],
                rows=[
                    [outcome_labels[o], *[table[o][c] for c in codes], students["by_outcome"][o]]
                    for o in table
                ],
                total=[_("Total"), *[column_totals[c] for c in codes], students["total"]],
                chart=bar_chart(
                    chart_id=f"chart-students-{dimension}",
                    title=_("Students involved by %(dimension)s") % {"dimension": title.lower()},
                    items=[(labels[c], column_totals[c]) for c in codes],
                ),
            )
        )
    sections.append(section)

    # Rates.
    rates = report["rates"]
    section = Section(
        "rates",
        _("Rates per 1,000 students"),
        intro=_("Calls and students involved per 1,000 students enrolled (October count)."),
    )
    section.facts = [
        (_("Students enrolled"), rates["enrollment"]),
        (_("Calls per 1,000 students"), rates["calls_per_1000"] or "—"),
        (_("Students involved per 1,000 students"), rates["students_per_1000"] or "—"),
    ]
    section.tables.append(
        Table(
            key="rates_by_school",
            title=_("Rates per 1,000 students by school"),
            columns=[
                _("School"),
                _("Enrollment"),
                _("Calls per 1,000"),
                _("Students involved per 1,000"),
            ],
            rows=[
                [
                    school_names.get(code, code),
                    r["enrollment"] or "—",
                    r["calls_per_1000"] or "—",
                    r["students_per_1000"] or "—",
                ]
                for code, r in rates["by_school"].items()
            ],
        )
    )
    # By subgroup, where the SIS roster import gave the enrollment of each subgroup.
    for dimension, (title, labels) in dimension_labels().items():
        subgroup = report.get("subgroup_rates", {}).get(dimension)
        if not subgroup:
            continue
        section.tables.append(
            Table(
                key=f"rates_by_{dimension}",
                title=_("Students involved per 1,000 students by %(dimension)s")
                % {"dimension": title.lower()},
                columns=[title, _("Enrollment"), _("Students involved"), _("Per 1,000")],
                rows=[
                    [
                        labels[code],
                        subgroup["enrollment"][code],
                        subgroup["students"][code],
                        subgroup["students_per_1000"][code] or "—",
                    ]
                    for code in labels
                ],
            )
        )
    sections.append(section)

    # Interventions.
    interventions = report["interventions"]
    section = Section("interventions", _("Requests for intervention"))
    section.facts = [
        (_("Requests and self-initiated interventions"), interventions["total"]),
        (_("Median minutes to respond"), interventions["median_response_minutes"] or "—"),
    ]
    section.empty = interventions["total"] == 0
    section.empty_message = _("No intervention was requested in this school year.")
    section.tables = [
        _one_way(
            "interventions_by_basis",
            _("Interventions by basis"),
            interventions["by_basis"],
            _labels(InterventionBasis),
            interventions["total"],
            chart=False,
        ),
        _one_way(
            "interventions_by_kind",
            _("Interventions by kind"),
            interventions["by_kind"],
            _labels(InterventionRequest.Kind),
            interventions["total"],
            chart=False,
        ),
        _one_way(
            "interventions_by_outcome",
            _("Interventions by outcome"),
            interventions["by_outcome"],
            {**_labels(InterventionOutcome), "pending": _("No response recorded yet")},
            interventions["total"],
            chart=False,
        ),
        _one_way(
            "interventions_by_response_time",
            _("Time to respond"),
            interventions["by_response_time"],
            {
                "under_5_minutes": _("Under 5 minutes"),
                "5_to_15_minutes": _("5 to 15 minutes"),
                "15_to_60_minutes": _("15 to 60 minutes"),
                "over_60_minutes": _("Over an hour"),
            },
            interventions.get(
                "responded",
                sum(v for v in interventions["by_response_time"].values() if isinstance(v, int)),
            ),
            chart=False,
        ),
    ]
    sections.append(section)

    # Law-enforcement activity and attorney access.
    activities = report["activities"]
    attorney = report["attorney_access"]
    section = Section(
        "activities",
        _("Law-enforcement activity on school premises"),
        intro=_(
            "Formal law-enforcement activity, and juveniles' access to an attorney (RCW 13.40.740)."
        ),
    )
    section.facts = [
        (_("Activities"), activities["total"]),
        (_("On school premises"), activities["on_premises"]),
        (_("Contacts requiring access to an attorney"), attorney["required"]),
        (
            _("Attorney access compliance"),
            f"{attorney['compliance_rate']} %"
            if attorney["compliance_rate"] not in (None, "*")
            else (attorney["compliance_rate"] or "—"),
        ),
        (_("Parent or guardian notified"), attorney["parent_notified"]),
    ]
    section.tables = [
        _one_way(
            "activities_by_kind",
            _("Activities by kind"),
            activities["by_kind"],
            _labels(ActivityKind),
            activities["total"],
        ),
        Table(
            key="attorney_access",
            title=_("Access to an attorney"),
            columns=["", _("Count")],
            rows=[
                [_("Access given before any waiver"), attorney["access_given"]],
                [_("An exception applied, with its reason"), attorney["exception"]],
                [_("Not recorded"), attorney["not_compliant"]],
            ],
            total=[_("Total"), attorney["required"]],
        ),
    ]
    sections.append(section)

    # Restraint and isolation.
    restraint = report["restraint"]
    section = Section("restraint", _("Restraint and isolation"))
    section.facts = [
        (_("Incidents"), restraint["reports"]),
        (_("Students"), restraint["students"]),
        (_("Incidents with a student injured"), restraint["student_injuries"]),
        (_("Incidents with a staff member injured"), restraint["staff_injuries"]),
    ]
    section.tables = [
        _one_way(
            "restraint_by_kind",
            _("Types used"),
            restraint["by_kind"],
            _labels(RestraintReport.Kind),
            restraint["reports"],
            chart=False,
        )
    ]
    sections.append(section)

    # Complaints.
    complaints = report["complaints"]
    section = Section("complaints", _("Complaints"))
    median = complaints["median_days_to_respond"]
    section.facts = [
        (_("Complaints received"), complaints["total"]),
        (_("Answered"), complaints["responded"]),
        (_("Median days to respond"), "—" if median is None else median),
    ]
    section.tables = [
        _one_way(
            "complaints_by_category",
            _("Allegations by category"),
            complaints["by_category"],
            _labels(Category),
            complaints["allegations"],
            chart=False,
        ),
        _one_way(
            "complaints_by_finding",
            _("Allegations by finding"),
            complaints["by_finding"],
            {**_labels(Finding), "pending": _("No finding yet")},
            complaints["allegations"],
            chart=False,
        ),
    ]
    sections.append(section)

    # Training.
    training = report["training"]
    section = Section("training", _("Training compliance"))
    rate = training["compliance_rate"]
    by_state = training["by_state"]
    section.facts = [
        (_("Staff assigned this year"), training["staff"]),
        (_("Training complete or documented by the ESD"), training["complete"]),
        (_("Completed on time"), by_state.get("done", 0)),
        *([(_("Completed late"), by_state["done_late"])] if "done_late" in by_state else []),
        (_("Documented by the ESD"), by_state.get("esd", 0)),
        (_("Compliance"), f"{rate} %" if rate not in (None, "*") else (rate or "—")),
    ]
    section.tables = [
        _one_way(
            "training_by_state",
            _("Staff by training state"),
            training["by_state"],
            {k: str(v) for k, v in TRAINING_LABELS.items()},
            training["staff"],
            chart=False,
        )
    ]
    sections.append(section)

    # Notices.
    notices = report["notices"]
    section = Section("notices", _("Start-of-year notice delivery"))
    section.facts = [
        (_("Schools with safety staff"), notices["schools_with_staff"]),
        *[(str(NOTICE_LABELS[k]), v) for k, v in notices["by_state"].items()],
    ]
    section.tables = [
        Table(
            key="notice_delivery",
            title=_("Notice delivery by school"),
            columns=[
                _("School"),
                _("Deadline"),
                _("Presented to students"),
                _("Distributed to families"),
                _("State"),
            ],
            rows=[
                [
                    s["name"],
                    s["deadline"],
                    s["students_on"] or str(NOTICE_LABELS[s["students"]]),
                    s["families_on"] or str(NOTICE_LABELS[s["families"]]),
                    str(NOTICE_LABELS[s["state"]]),
                ]
                for s in notices["schools"]
            ],
        )
    ]
    section.empty = not notices["schools"]
    section.empty_message = _("No school had safety staff assigned this year.")
    sections.append(section)

    # Change from the previous year.
    change = report["change"]
    labels = {
        "calls": _("Calls"),
        "call_arrests": _("Calls ending in arrest"),
        "students": _("Students involved"),
        "student_arrests": _("Students arrested"),
        "interventions": _("Interventions"),
        "restraint_reports": _("Restraint and isolation incidents"),
        "complaints": _("Complaints"),
    }
    section = Section("change", _("Change from the previous year"))
    section.empty = change["previous_year"] is None
    section.empty_message = _("There is no previous school year to compare with.")
    section.tables = [
        Table(
            key="change_from_previous_year",
            title=_("This year and %(year)s") % {"year": change["previous_year"] or "—"},
            columns=["", report["school_year"], change["previous_year"] or "—", _("Change")],
            rows=[
                [
                    labels[k],
                    r["current"],
                    "—" if r["previous"] is None else r["previous"],
                    _signed(r["change"]),
                ]
                for k, r in change["rows"].items()
            ],
        )
    ]
    sections.append(section)
    if report.get("closed_at"):
        sections.append(_revisions_section(report))
    return sections


def _revisions_section(report: dict[str, Any]) -> Section:
    """What changed after the year was closed (issue #13): who, when, what and why internally;
    when, which record and which fields on public outputs."""
    public = bool(report["public"])
    closed_on = str(report["closed_at"])[:10]
    section = Section(
        "revisions",
        _("Revisions since the year was closed"),
        intro=_(
            "The year was closed on %(day)s: its figures are final. Each change made since to a "
            "record this report counts is listed here, with its reason."
        )
        % {"day": closed_on},
    )
    revisions = report.get("revisions") or []
    section.empty = not revisions
    section.empty_message = _("No record of this year has changed since it was closed.")

    def what(revision: dict[str, Any]) -> str:
        changes = []
        for change in revision["changes"]:
            if change["old"] or change["new"]:
                changes.append(f"{change['field']}: {change['old']} → {change['new']}")
            else:
                changes.append(change["field"])
        return f"{revision['action']}" + (f" ({'; '.join(changes)})" if changes else "")

    if public:
        columns = [_("When"), _("Record"), _("What changed")]
        rows = [[r["when"], r["record_type"], what(r)] for r in revisions]
    else:
        columns = [_("When"), _("Who"), _("Record"), _("What changed"), _("Reason")]
        rows = [[r["when"], r["who"], r["record"], what(r), r["reason"] or "—"] for r in revisions]
    section.tables = [
        Table(
            key="revisions",
            title=_("Changes after closing"),
            columns=columns,
            rows=rows,
        )
    ]
    return section


def _under_review(pending: dict[str, Any] | None) -> str:
    if not pending:
        return "—"
    return _("%(title)s (under review: %(status)s)") % {
        "title": pending["title"],
        "status": pending["status_label"].lower(),
    }


def _signed(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"+{value}" if value > 0 else str(value)
    return str(value)


def table_rows_for_csv(table: Table) -> tuple[list[str], list[list[Any]]]:
    header = [c or _("Category") for c in table.columns]
    rows = [list(r) for r in table.rows]
    if table.total:
        rows.append(list(table.total))
    return header, rows


# What `srp.cache` keeps of reports: a reader's report, its drawn body and PDF; a published
# snapshot's body and PDF (public).
ANNUAL_REPORT = "reports.annual_report"
REPORT_BODY = "reports.report_body"
ANNUAL_REPORT_PDF = "reports.annual_report_pdf"
PUBLISHED_BODY = "reports.published_body"
PUBLISHED_PDF = "reports.published_pdf"
PUBLISHED_PACKET_PDF = "reports.published_packet_pdf"


def _reader_paths(district: District) -> list[str]:
    years = district.school_years.order_by("-starts_on")[:1]
    return [
        reverse(name, args=[year.label])
        for year in years
        for name in ("reports:detail", "reports:pdf", "reports:board_packet")
    ] + [f"{reverse('reports:detail', args=[year.label])}?version=public" for year in years]


def _public_paths(district: District) -> list[str]:
    years = district.school_years.order_by("-starts_on")[:1]
    return [
        reverse(name, kwargs={"district_code": district.code, "label": year.label})
        for year in years
        for name in ("reports_public:report", "reports_public:pdf")
    ]


def _public_packet_paths(district: District) -> list[str]:
    years = district.school_years.order_by("-starts_on")[:1]
    return [
        reverse(
            "reports_public:board_packet",
            kwargs={"district_code": district.code, "label": year.label},
        )
        for year in years
    ]


def register_surfaces() -> None:
    """Called from `ReportsConfig.ready()`."""
    for name in (ANNUAL_REPORT, REPORT_BODY, ANNUAL_REPORT_PDF):
        registry.add_cached_surface(CachedSurface(name, _reader_paths))
    for name in (PUBLISHED_BODY, PUBLISHED_PDF):
        registry.add_cached_surface(CachedSurface(name, _public_paths, public=True))
    registry.add_cached_surface(
        CachedSurface(PUBLISHED_PACKET_PDF, _public_packet_paths, public=True)
    )


def rendered_body(
    report: dict[str, Any], *, audience: Audience, key: tuple[Any, ...], topic: str = DATA
) -> dict[str, Any]:
    """The page's table of contents (`key`, `heading` per section) and the HTML of every section
    (`reports/_report_body.html`), rendered once per report and language and kept like the
    figures (`srp.cache`): the sections hold about 2,000 table cells at the scale of a large
    district, and rendering them cost most of a warm page's time.

    `audience` is the reader's scope, or `public(district)` for a published snapshot; `key`
    must identify `report` for that audience (year and version; or the publication).
    """

    def compute() -> dict[str, Any]:
        sections = build_sections(report)
        return {
            "nav": [{"key": s.key, "heading": str(s.heading)} for s in sections],
            "body": render_to_string("reports/_report_body.html", {"sections": sections}),
        }

    name = PUBLISHED_BODY if isinstance(audience, PublicAudience) else REPORT_BODY
    rendered = cached_figures(name, audience, compute, key=key, topic=topic)
    # The template engine escaped every value when it rendered the body.
    return {"nav": rendered["nav"], "body": mark_safe(rendered["body"])}  # noqa: S308
