"""The public (suppressed) version of an annual report (SPEC R-20).

Every breakdown of people or events (calls, students, interventions, law-enforcement activity,
attorney access, restraint, complaints, training) goes through `reports.suppression`; breakdowns
that share a total (calls by school, reason, requester and outcome) are suppressed as one linked
system so the shared totals are published once, the same way. Staffing, providers, agreements and
notice delivery describe schools and contracts, not students, and are published as they are.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Sequence
from typing import Any

from reports.suppression import (
    SUPPRESSED_RATE,
    is_suppressed,
    percentage,
    rate_per,
    suppress_cells,
    suppress_count,
)

Path = tuple[str, ...]


class _System:
    """Cells addressed by their path in the report, and the lines (total = sum of members)."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report
        self.values: dict[Hashable, int] = {}
        self.lines: list[tuple[Hashable, Sequence[Hashable]]] = []
        self.singles: list[Path] = []

    def get(self, path: Path) -> Any:
        node: Any = self.report
        for part in path:
            node = node[part]
        return node

    def cell(self, path: Path, value: int | None = None) -> Path:
        self.values[path] = int(self.get(path) if value is None else value)
        return path

    def breakdown(self, total: Path, members: Path) -> None:
        """`members` is the path of a {code: count} dict that adds up to `total`."""
        self.cell(total)
        keys = [self.cell((*members, code)) for code in self.get(members)]
        self.lines.append((total, keys))

    def single(self, path: Path) -> None:
        self.singles.append(path)

    def apply(self, target: dict[str, Any], threshold: int) -> None:
        published = suppress_cells(self.values, self.lines, threshold) if self.values else {}
        for path, value in published.items():
            _set(target, path, value)
        for path in self.singles:
            _set(target, path, suppress_count(int(self.get(path)), threshold))


def _set(target: dict[str, Any], path: Path, value: Any) -> None:
    node = target
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def public_report(report: dict[str, Any]) -> dict[str, Any]:
    """The suppressed copy of an internal report from `reports.selectors.annual_report`."""
    threshold = int(report["threshold"])
    public = copy.deepcopy(report)
    public["public"] = True
    system = _System(report)

    # Calls: four breakdowns of one total.
    for breakdown in ("by_school", "by_reason", "by_requested_by", "by_outcome"):
        system.breakdown(("calls", "total"), ("calls", breakdown))
    system.single(("calls", "emergency"))

    # Students: outcome x each demographic, with the outcome totals and the demographic totals.
    students = report["students"]
    system.breakdown(("students", "total"), ("students", "by_outcome"))
    system.breakdown(("students", "total"), ("students", "by_school"))
    public["students"]["by_dimension"] = {}
    for dimension, table in students["by_outcome_and"].items():
        codes = list(next(iter(table.values())).keys()) if table else []
        column_totals = {code: sum(table[o][code] for o in table) for code in codes}
        public["students"]["by_dimension"][dimension] = dict(column_totals)
        report_columns = ("students", "by_dimension", dimension)
        system.values.update({(*report_columns, code): n for code, n in column_totals.items()})
        system.lines.append((("students", "total"), [(*report_columns, code) for code in codes]))
        for outcome in table:
            cells = [
                system.cell(("students", "by_outcome_and", dimension, outcome, code))
                for code in codes
            ]
            system.lines.append((("students", "by_outcome", outcome), cells))
        for code in codes:
            system.lines.append(
                (
                    (*report_columns, code),
                    [("students", "by_outcome_and", dimension, o, code) for o in table],
                )
            )

    # Interventions.
    for breakdown in ("by_basis", "by_kind", "by_outcome"):
        system.breakdown(("interventions", "total"), ("interventions", breakdown))
    responded = sum(report["interventions"]["by_response_time"].values())
    public["interventions"]["responded"] = responded
    system.values[("interventions", "responded")] = responded
    system.lines.append(
        (
            ("interventions", "responded"),
            [
                system.cell(("interventions", "by_response_time", b))
                for b in report["interventions"]["by_response_time"]
            ],
        )
    )

    # Law-enforcement activity and attorney access.
    system.breakdown(("activities", "total"), ("activities", "by_kind"))
    system.single(("activities", "on_premises"))
    attorney = ("attorney_access",)
    for key in ("required", "compliant", "not_compliant", "access_given", "exception"):
        system.cell((*attorney, key))
    system.lines.append(
        ((*attorney, "required"), [(*attorney, "compliant"), (*attorney, "not_compliant")])
    )
    system.lines.append(
        ((*attorney, "compliant"), [(*attorney, "access_given"), (*attorney, "exception")])
    )
    system.single((*attorney, "parent_notified"))

    # Restraint and isolation.
    system.breakdown(("restraint", "reports"), ("restraint", "by_kind"))
    for key in ("students", "student_injuries", "staff_injuries"):
        system.single(("restraint", key))

    # Complaints: allegations by category and by finding.
    system.breakdown(("complaints", "allegations"), ("complaints", "by_category"))
    system.breakdown(("complaints", "allegations"), ("complaints", "by_finding"))
    system.single(("complaints", "total"))
    system.single(("complaints", "responded"))

    # Training (staff members by state).
    system.breakdown(("training", "staff"), ("training", "by_state"))
    system.single(("training", "complete"))

    # Change from the previous year: each figure on its own.
    for key, row in report["change"]["rows"].items():
        system.single(("change", "rows", key, "current"))
        if row["previous"] is not None:
            system.single(("change", "rows", key, "previous"))

    # Enrollment and students involved by subgroup (from the SIS roster), each a breakdown.
    for dimension in report.get("subgroup_rates", {}):
        base = ("subgroup_rates", dimension)
        system.breakdown((*base, "enrollment_total"), (*base, "enrollment"))
        system.breakdown((*base, "students_total"), (*base, "students"))

    system.apply(public, threshold)

    # Revisions after closing: when, which kind of record and which fields, never the values,
    # the reason or who (they can describe a student or name staff).
    public["revisions"] = [
        {
            "when": revision["when"],
            "record_type": revision["record_type"],
            "action": revision["action"],
            "changes": [{"field": c["field"], "old": "", "new": ""} for c in revision["changes"]],
        }
        for revision in report.get("revisions", [])
    ]

    # Derived figures follow the counts they come from.
    for row in public["change"]["rows"].values():
        if is_suppressed(row["current"]) or is_suppressed(row["previous"]):
            row["change"] = SUPPRESSED_RATE if row["previous"] is not None else None
    rates = public["rates"]
    for code, school_rates in rates["by_school"].items():
        enrolled = school_rates["enrollment"]
        for kind, section in (("calls_per_1000", "calls"), ("students_per_1000", "students")):
            value = rate_per(public[section]["by_school"].get(code, 0), enrolled or 0)
            school_rates[kind] = None if value is None else str(value)
    for kind, section in (("calls_per_1000", "calls"), ("students_per_1000", "students")):
        if is_suppressed(public[section]["total"]) and rates[kind] is not None:
            rates[kind] = SUPPRESSED_RATE
    for subgroup in public.get("subgroup_rates", {}).values():
        for code in subgroup["students_per_1000"]:
            value = rate_per(subgroup["students"][code], subgroup["enrollment"][code])
            subgroup["students_per_1000"][code] = None if value is None else str(value)
    attorney_public = public["attorney_access"]
    rate = percentage(attorney_public["compliant"], attorney_public["required"] or 0)
    attorney_public["compliance_rate"] = None if rate is None else str(rate)
    training = public["training"]
    rate = percentage(training["complete"], training["staff"] or 0)
    training["compliance_rate"] = None if rate is None else str(rate)
    # A median of a handful of values describes individuals: suppress it with its count.
    if report["complaints"]["responded"] < threshold and report["complaints"]["responded"]:
        public["complaints"]["median_days_to_respond"] = SUPPRESSED_RATE
    if 0 < responded < threshold:
        public["interventions"]["median_response_minutes"] = SUPPRESSED_RATE
    return public
