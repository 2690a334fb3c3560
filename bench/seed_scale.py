"""Scale data for the benchmark: one large district over every app's models (issue #8).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/srp_bench \
        .venv/bin/python -m bench.seed_scale --schools 100 --years 5 --calls 200000

Everything goes into its own district (code 99100 by default), which must not exist yet
(`--replace` is not offered on purpose: the seeder never deletes anything). Rows are written in
batches through `bench.writer.RowWriter` (COPY on PostgreSQL); progress goes to stderr. Seeded
rows get no django-simple-history rows, like the calls of a CSV import: history starts at the
first edit. The distributions are made up but shaped like real programs: most calls have one or
two students, a few have many; outcomes are mostly no action and referrals; arrests are rare.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import itertools
import json
import os
import random
import secrets
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

DEFAULT_CODE = "99100"
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class ScaleOptions:
    schools: int = 100
    years: int = 5
    calls: int = 200_000
    students: int | None = None  # student rows; default 5 per call
    complaints: int = 100_000
    staff: int = 2_000
    interventions: int | None = None  # default calls / 10
    activities: int | None = None  # default calls / 20
    restraints: int | None = None  # default calls / 200
    district_code: str = DEFAULT_CODE
    seed: int = 2026
    batch: int = 10_000
    quiet: bool = False


@dataclass
class SeedResult:
    district_id: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    users: dict[str, int] = field(default_factory=dict)
    status_tokens: list[str] = field(default_factory=list)
    complaint_ids: list[int] = field(default_factory=list)


# Weighted code lists (weights are relative).
CALL_OUTCOMES = {
    "no_action": 34, "referred_to_school": 24, "informal_contact": 12, "services_referral": 9,
    "report_taken": 8, "citation": 3, "arrest": 2, "juvenile_referral": 2,
    "medical_transport": 2, "other": 4,
}  # fmt: skip
STUDENT_OUTCOMES = {
    "no_action": 36, "referred_to_school": 26, "warning": 12, "services_referral": 10,
    "citation": 3, "arrest": 2, "juvenile_referral": 2, "medical_transport": 2, "other": 7,
}  # fmt: skip
REASONS = {
    "disturbance": 18, "fight": 15, "threat": 9, "mental_health": 9, "welfare_check": 8,
    "drugs": 7, "theft": 6, "vandalism": 5, "trespass": 5, "assault": 4, "alcohol": 3,
    "traffic": 3, "weapon": 2, "other": 6,
}  # fmt: skip
REQUESTED_BY = {
    "principal": 30, "self_initiated": 22, "teacher": 15, "other_staff": 10, "dispatch": 8,
    "parent": 6, "student": 5, "other": 4,
}  # fmt: skip
RACE = {
    "white": 45, "hispanic_latino": 25, "two_or_more": 10, "asian": 8,
    "black_african_american": 7, "american_indian_alaska_native": 3,
    "native_hawaiian_pacific_islander": 2,
}  # fmt: skip
SEX = {"male": 55, "female": 44, "x": 1}
DISABILITY = {"none": 80, "idea": 14, "section_504": 6}
ENGLISH_LEARNER = {"no": 88, "yes": 12}
ROLES = {"subject": 70, "witness": 20, "victim": 10}
LEVELS = [
    # level, grade span, grades, share of schools, enrollment range, call weight
    ("elementary", "K-5", ["K", "1", "2", "3", "4", "5"], 55, (250, 600), 1),
    ("middle", "6-8", ["6", "7", "8"], 20, (500, 900), 3),
    ("high", "9-12", ["9", "10", "11", "12"], 18, (900, 1900), 6),
    ("k8", "K-8", ["K", "1", "2", "3", "4", "5", "6", "7", "8"], 4, (400, 700), 2),
    ("alternative", "9-12", ["9", "10", "11", "12"], 3, (80, 250), 4),
]
STAFF_KINDS = {"sro": 45, "school_security_officer": 30, "campus_security_officer": 20, "other": 5}


def log(options: ScaleOptions, message: str) -> None:
    if not options.quiet:
        print(message, file=sys.stderr, flush=True)


class Picker:
    """Fast weighted choices over a fixed code list."""

    def __init__(self, rng: random.Random, weights: dict[str, int]) -> None:
        self.rng = rng
        self.values = list(weights)
        self.cum = list(itertools.accumulate(weights.values()))

    def many(self, count: int) -> list[str]:
        return self.rng.choices(self.values, cum_weights=self.cum, k=count)

    def one(self) -> str:
        return self.rng.choices(self.values, cum_weights=self.cum, k=1)[0]


def student_counts(rng: random.Random, calls: int, students: int) -> list[int]:
    """Students per call: mostly 1–2, some none, a long tail (fights, group incidents).

    The tail is sized so that the total comes close to `students`.
    """
    if calls <= 0:
        return []
    base = {0: 6, 1: 42, 2: 22, 3: 10, 4: 6}
    tail_share = 14
    total = sum(base.values()) + tail_share
    base_mean = sum(k * w for k, w in base.items()) / total
    tail_p = tail_share / total
    tail_mean = max(5.0, (students / calls - base_mean) / tail_p)
    keys = [*base, -1]
    cum = list(itertools.accumulate([*base.values(), tail_share]))
    drawn = rng.choices(keys, cum_weights=cum, k=calls)
    high = int(2 * tail_mean - 5)
    return [k if k >= 0 else rng.randint(5, max(high, 5)) for k in drawn]


def _aware(day: datetime.date, minutes: int) -> datetime.datetime:
    from django.utils import timezone

    naive = datetime.datetime.combine(day, datetime.time(7)) + datetime.timedelta(minutes=minutes)
    return timezone.make_aware(naive)


def seed_scale(options: ScaleOptions) -> SeedResult:  # noqa: C901, PLR0912, PLR0915
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from agreements import models as agreements
    from bench.writer import RowWriter
    from complaints import models as complaints
    from incidents import models as incidents
    from notices import models as notices
    from srp.models import District, Enrollment, Membership, School, SchoolYear, User
    from srp.roles import Role

    started = time.perf_counter()
    rng = random.Random(options.seed)  # noqa: S311 - made-up data, not security
    now = timezone.now()
    today = timezone.localdate()
    writer = RowWriter(now=now)
    students_total = options.students if options.students is not None else options.calls * 5
    n_interventions = (
        options.interventions if options.interventions is not None else options.calls // 10
    )
    n_activities = options.activities if options.activities is not None else options.calls // 20
    n_restraints = options.restraints if options.restraints is not None else options.calls // 200

    if District.objects.filter(code=options.district_code).exists():
        raise SystemExit(f"District {options.district_code} exists already; nothing was changed.")

    with transaction.atomic():
        district = District.objects.create(
            code=options.district_code,
            name="Scale Test School District",
            email="safety@scale.example.org",
            complaint_contact_name="Office of Student Safety",
            complaint_contact_email="safety@scale.example.org",
            family_languages=["en", "es", "vi", "ru", "so"],
        )
        # School years: the current one (partly done) and the ones before it.
        first_now = today.year if today.month >= 7 else today.year - 1
        years = []
        for first in range(first_now - options.years + 1, first_now + 1):
            sept1 = datetime.date(first, 9, 1)
            years.append(
                SchoolYear.objects.create(
                    district=district,
                    label=f"{first}-{(first + 1) % 100:02d}",
                    first_instructional_day=sept1
                    - datetime.timedelta(days=(sept1.weekday() - 2) % 7),
                    last_instructional_day=datetime.date(first + 1, 6, 16),
                )
            )
        log(options, f"district {district.code}: {len(years)} school years")

        # Schools and enrollment ---------------------------------------------------------------
        level_picker = Picker(rng, {level[0]: level[3] for level in LEVELS})
        by_level = {level[0]: level for level in LEVELS}
        school_ids = writer.reserve_ids(School, options.schools)
        school_rows, school_grades, school_weight, enrollment_rows = [], {}, {}, []
        for number, pk in enumerate(school_ids, start=1):
            level = by_level[level_picker.one()]
            code = f"{5000 + number}"
            school_rows.append(
                (pk, district.pk, f"School {number:03d} {level[0].title()}", code, level[0],
                 level[1], f"{number} Scale Way", True)
            )  # fmt: skip
            school_grades[pk] = level[2]
            school_weight[pk] = level[5]
            size = rng.randint(*level[4])
            for offset, year in enumerate(years):
                enrollment_rows.append((pk, year.pk, size + offset * rng.randint(-8, 8)))
        writer.write(
            School,
            ["id", "district", "name", "building_code", "level", "grade_span", "address", "active"],
            school_rows,
        )
        writer.write(Enrollment, ["school", "school_year", "students"], enrollment_rows)
        log(options, f"schools: {len(school_rows)}, enrollment rows: {len(enrollment_rows)}")

        # People ---------------------------------------------------------------------------------
        password = make_password(None)  # unusable: the harness signs in with a session
        users: dict[str, User] = {}
        for key, role, first, last in [
            ("admin", Role.PROGRAM_ADMIN, "Ada", "Admin"),
            ("principal", Role.PRINCIPAL, "Pat", "Principal"),
            ("investigator", Role.INVESTIGATOR, "Ivy", "Investigator"),
            ("teacher", Role.SCHOOL_STAFF, "Tess", "Teacher"),
            ("board", Role.BOARD_MEMBER, "Bo", "Board"),
        ]:
            user = User.objects.create(
                username=f"{key}@{district.code}.scale.example.org",
                email=f"{key}@{district.code}.scale.example.org",
                first_name=first,
                last_name=last,
                password=password,
            )
            membership = Membership.objects.create(user=user, district=district, role=role)
            if role in {Role.PRINCIPAL, Role.SCHOOL_STAFF}:
                membership.schools.set(school_ids[:1])
            users[key] = user
        principal = users["principal"]

        # Providers, agreements and staff ----------------------------------------------------
        providers = []
        for number, (name, kind) in enumerate(
            [
                ("Scale County Sheriff's Office", "law_enforcement"),
                ("Scale City Police Department", "law_enforcement"),
                ("North Scale Police Department", "law_enforcement"),
                ("Secure Campus Services", "security_company"),
                ("Guardian Patrol Company", "security_company"),
            ],
            start=1,
        ):
            provider = agreements.Provider.objects.create(
                district=district,
                name=name,
                kind=kind,
                contact_email=f"contact{number}@provider.example.org",
                complaint_address=f"{number} Provider Road",
            )
            providers.append(provider)
            agreements.Agreement.objects.create(
                district=district,
                provider=provider,
                title=f"Agreement with {name}",
                effective_from=years[0].starts_on,
                status="adopted",
                adopted_on=years[-1].starts_on + datetime.timedelta(days=40),
                board_action=f"Resolution {first_now}-{number:02d}",
                review_due_on=years[-1].ends_on,
            )
        staff_ids = writer.reserve_ids(agreements.StaffMember, options.staff)
        kind_picker = Picker(rng, STAFF_KINDS)
        staff_rows, assignment_rows, training_rows = [], [], []
        staff_by_school_year: dict[tuple[int, int], list[int]] = {}
        topics = list(agreements.TrainingTopic.values)
        for index, pk in enumerate(staff_ids):
            kind = kind_picker.one()
            law = kind == "sro"
            provider = providers[rng.randrange(3)] if law else providers[3 + rng.randrange(2)]
            start_year = rng.randrange(len(years))
            span = rng.randint(1, len(years))
            active_years = years[start_year : start_year + span]
            until = None
            if start_year + span < len(years):
                until = active_years[-1].ends_on
            active_from = active_years[0].starts_on + datetime.timedelta(days=rng.randint(0, 60))
            staff_rows.append(
                (pk, district.pk, f"Staff{index:04d}", f"Member{index % 97:02d}", kind, law,
                 provider.pk, f"B{index + 1:05d}", active_from, until, active_from)
            )  # fmt: skip
            school = school_ids[index % len(school_ids)]
            for year in active_years:
                days = Decimal("5") if rng.random() < 0.7 else Decimal(rng.choice(["1", "2", "3"]))
                assignment_rows.append((pk, school, year.pk, days))
                staff_by_school_year.setdefault((school, year.pk), []).append(pk)
            # Training: most completed the whole series, some are partway.
            done = len(topics) if rng.random() < 0.85 else rng.randrange(len(topics))
            for topic in topics[:done]:
                training_rows.append(
                    (
                        pk,
                        "classroom",
                        topic,
                        active_from + datetime.timedelta(days=rng.randint(5, 150)),
                    )
                )
            for _ in range(2 if done == len(topics) else rng.randrange(2)):
                training_rows.append(
                    (
                        pk,
                        "on_the_job",
                        "",
                        active_from + datetime.timedelta(days=rng.randint(5, 300)),
                    )
                )
            for _ in range(6 if done == len(topics) else rng.randrange(6)):
                training_rows.append(
                    (pk, "check_in", "", active_from + datetime.timedelta(days=rng.randint(5, 360)))
                )
        writer.write(
            agreements.StaffMember,
            ["id", "district", "first_name", "last_name", "kind", "commissioned", "employer",
             "badge_number", "active_from", "active_until", "first_day_on_campus"],
            staff_rows,
        )  # fmt: skip
        writer.write(
            agreements.StaffAssignment,
            ["staff_member", "school", "school_year", "days_per_week"],
            assignment_rows,
        )
        writer.write(
            agreements.TrainingRecord,
            ["staff_member", "kind", "topic", "completed_on"],
            training_rows,
        )
        log(
            options,
            f"staff: {len(staff_rows)}, assignments: {len(assignment_rows)}, "
            f"training records: {len(training_rows)}",
        )
        # A school without an assigned staff member in a year borrows one from the district.
        all_staff = staff_ids

        # Calls and students ------------------------------------------------------------------
        def day_in(year: Any) -> datetime.date:
            last = min(year.last_instructional_day, today - datetime.timedelta(days=1))
            span = max((last - year.first_instructional_day).days, 1)
            day = year.first_instructional_day + datetime.timedelta(days=rng.randrange(span))
            if day.weekday() >= 5:
                day -= datetime.timedelta(days=day.weekday() - 4)
            return day

        year_days = [
            max((min(y.last_instructional_day, today) - y.first_instructional_day).days, 1)
            for y in years
        ]
        year_cum = list(itertools.accumulate(year_days))
        school_cum = list(itertools.accumulate(school_weight[pk] for pk in school_ids))
        counts = student_counts(rng, options.calls, students_total)
        outcome_pick = Picker(rng, CALL_OUTCOMES)
        reason_pick = Picker(rng, REASONS)
        asked_pick = Picker(rng, REQUESTED_BY)
        s_outcome = Picker(rng, STUDENT_OUTCOMES)
        race_pick, sex_pick = Picker(rng, RACE), Picker(rng, SEX)
        dis_pick, el_pick, role_pick = (
            Picker(rng, DISABILITY), Picker(rng, ENGLISH_LEARNER), Picker(rng, ROLES)
        )  # fmt: skip
        call_fields = [
            "id", "district", "school", "call_ref", "occurred_at", "location", "requested_by",
            "reason", "emergency", "responding_staff", "narrative", "outcome", "status",
            "void_reason", "source", "created_at",
        ]  # fmt: skip
        student_fields = [
            "call", "student_ref", "role", "grade", "race_ethnicity", "sex", "disability",
            "english_learner", "outcome", "under_18", "force_used", "school_discipline",
            "discipline_decided_by",
        ]  # fmt: skip
        sample_calls: list[
            tuple[int, int, datetime.datetime, int]
        ] = []  # id, school, when, first student
        written_calls = written_students = 0
        for start in range(0, options.calls, options.batch):
            size = min(options.batch, options.calls - start)
            ids = writer.reserve_ids(incidents.Call, size)
            batch_counts = counts[start : start + size]
            outcomes, reasons, asked = (
                outcome_pick.many(size), reason_pick.many(size), asked_pick.many(size)
            )  # fmt: skip
            years_of = rng.choices(years, cum_weights=year_cum, k=size)
            schools_of = rng.choices(school_ids, cum_weights=school_cum, k=size)
            call_rows = []
            total_students = sum(batch_counts)
            student_ids = writer.reserve_ids(incidents.StudentInvolved, total_students)
            st_out, st_race, st_sex = (
                s_outcome.many(total_students), race_pick.many(total_students),
                sex_pick.many(total_students),
            )  # fmt: skip
            st_dis, st_el, st_role = (
                dis_pick.many(total_students), el_pick.many(total_students),
                role_pick.many(total_students),
            )  # fmt: skip
            student_rows = []
            cursor_s = 0
            for i in range(size):
                number = start + i
                year, school = years_of[i], schools_of[i]
                when = _aware(day_in(year), rng.randrange(9 * 60))
                staff = staff_by_school_year.get((school, year.pk)) or all_staff
                voided = rng.random() < 0.005
                imported = number % 10 < 7
                call_rows.append(
                    (ids[i], district.pk, school, f"SC-{number + 1:07d}" if imported else "",
                     when, "" if imported else "Main hallway", asked[i], reasons[i],
                     rng.random() < 0.08, rng.choice(staff), "", outcomes[i],
                     "voided" if voided else "recorded",
                     "Entered twice" if voided else "", "import" if imported else "form",
                     when + datetime.timedelta(hours=2))
                )  # fmt: skip
                grades = school_grades[school]
                if i % 997 == 0 and batch_counts[i]:
                    sample_calls.append((ids[i], school, when, student_ids[cursor_s]))
                for _ in range(batch_counts[i]):
                    k = cursor_s
                    discipline = rng.random() < 0.03
                    student_rows.append(
                        (ids[i], f"S{rng.randrange(10**7):07d}" if k % 3 else "", st_role[k],
                         rng.choice(grades), st_race[k], st_sex[k], st_dis[k], st_el[k],
                         st_out[k], True, rng.random() < 0.01, discipline,
                         principal.pk if discipline else None)
                    )  # fmt: skip
                    cursor_s += 1
            writer.write(incidents.Call, call_fields, call_rows)
            writer.write(
                incidents.StudentInvolved, ["id", *student_fields],
                ([student_ids[n], *row] for n, row in enumerate(student_rows)),
            )  # fmt: skip
            written_calls += size
            written_students += total_students
            log(
                options,
                f"calls: {written_calls:,}/{options.calls:,}, students: {written_students:,} "
                f"({time.perf_counter() - started:.0f} s)",
            )

        # Law-enforcement activities on sampled calls with a student ---------------------------
        activity_rows = []
        kinds = ["interview", "search_possessions", "search_locker", "citation", "arrest"]
        for n in range(n_activities):
            call_id, school, when, student_id = sample_calls[n % len(sample_calls)]
            interrogation = n % 5 == 0
            activity_rows.append(
                (call_id, student_id, kinds[n % len(kinds)], when, n % 4 == 0,
                 "The student was in danger" if n % 4 == 0 else "", True, interrogation,
                 when if interrogation else None, "phone" if interrogation else "",
                 interrogation)
            )  # fmt: skip
        writer.write(
            incidents.LawEnforcementActivity,
            ["call", "student", "kind", "occurred_at", "on_premises", "premises_reason",
             "student_under_18", "custodial_interrogation", "attorney_access_at",
             "attorney_access_method", "attorney_access_before_waiver"],
            activity_rows,
        )  # fmt: skip
        log(options, f"activities: {len(activity_rows)}")

        # Intervention requests ----------------------------------------------------------------
        bases = [c for c in incidents.InterventionBasis.values if c != "emergency"] or ["emergency"]
        outcomes_i = ["resolved", "de_escalated", "returned_to_administrator", "services_referral"]
        rows = []
        for n in range(n_interventions):
            year = years[rng.randrange(len(years))]
            school = rng.choice(school_ids)
            when = _aware(day_in(year), rng.randrange(9 * 60))
            staff = staff_by_school_year.get((school, year.pk)) or all_staff
            responded = n % 20 != 0
            rows.append(
                (district.pk, school, "request", bases[n % len(bases)], users["teacher"].pk,
                 "teacher", when, "Classroom", "A student is disrupting the class.",
                 "responded" if responded else "withdrawn",
                 rng.choice(staff) if responded else None,
                 when + datetime.timedelta(minutes=7) if responded else None,
                 outcomes_i[n % len(outcomes_i)] if responded else "")
            )  # fmt: skip
        writer.write(
            incidents.InterventionRequest,
            ["district", "school", "kind", "basis", "requested_by", "requester_role",
             "requested_at", "location", "description", "status", "responded_by",
             "responded_at", "outcome"],
            rows,
        )  # fmt: skip
        log(options, f"intervention requests: {len(rows)}")

        # Restraint and isolation reports ----------------------------------------------------
        rows = []
        for n in range(n_restraints):
            call_id, school, when, _student = sample_calls[(n * 7) % len(sample_calls)]
            rows.append(
                (district.pk, school, call_id, when, rng.choice(all_staff), "Resource officer",
                 "A fight in the cafeteria", ("restraint", "isolation", "both")[n % 3],
                 "Escort hold", rng.randint(1, 20), 1, n % 25 == 0,
                 when + datetime.timedelta(hours=20), when + datetime.timedelta(hours=1),
                 when + datetime.timedelta(hours=30))
            )  # fmt: skip
        writer.write(
            incidents.RestraintReport,
            ["district", "school", "call", "occurred_at", "staff_member", "staff_title",
             "leading_activity", "kind", "restraint_type", "duration_minutes", "students_count",
             "student_injured", "report_submitted_at", "parent_verbal_notice_at",
             "parent_written_notice_at"],
            rows,
        )  # fmt: skip
        log(options, f"restraint reports: {len(rows)}")

        # Complaints, allegations, events ------------------------------------------------------
        result = SeedResult(district_id=district.pk)
        per_year: dict[int, int] = {}
        relationships = ["parent"] * 6 + ["student"] * 2 + ["community", "other"]
        categories = list(complaints.Category.values)
        findings = ["not_sustained", "exonerated", "unfounded", "sustained", "policy_failure"]
        path = ["received", "acknowledged", "under_investigation", "findings", "response_sent",
                "closed"]  # fmt: skip
        stamped = ["acknowledged", "under_investigation", "findings", "response_sent", "closed"]
        complaint_fields = [
            "id", "district", "reference", "token_hash", "status", "school", "staff_member",
            "occurred_at", "location", "description", "relationship", "anonymous",
            "contact_name", "contact_preference", "email", "language", "received_at",
            "acknowledged_at", "investigation_started_at", "findings_at", "response_sent_at",
            "closed_at", "withdrawn_at", "acknowledge_due", "respond_due", "investigation_due",
            "investigator",
        ]  # fmt: skip
        span_start = _aware(years[0].first_instructional_day, 0)
        span_seconds = int((now - span_start).total_seconds()) - 86400
        written = 0
        for start in range(0, options.complaints, options.batch):
            size = min(options.batch, options.complaints - start)
            ids = writer.reserve_ids(complaints.Complaint, size)
            c_rows, a_rows, e_rows = [], [], []
            received = sorted(
                span_start + datetime.timedelta(seconds=rng.randrange(span_seconds))
                for _ in range(size)
            )
            for i in range(size):
                pk, at = ids[i], received[i]
                local_year = timezone.localtime(at).year
                per_year[local_year] = per_year.get(local_year, 0) + 1
                token = secrets.token_urlsafe(24)
                if len(result.status_tokens) < 50 and rng.random() < 0.01:
                    result.status_tokens.append(token)
                    result.complaint_ids.append(pk)
                age = (now - at).days
                if rng.random() < 0.04:
                    reached, withdrawn = path[: rng.randint(1, 3)], True
                elif age > 120:
                    reached, withdrawn = path[: (6 if rng.random() < 0.9 else 5)], False
                else:
                    reached, withdrawn = path[: 1 + min(4, age // 20)], False
                times = {
                    name: at + datetime.timedelta(days=3 * n) for n, name in enumerate(reached)
                }
                status = "withdrawn" if withdrawn else reached[-1]
                anonymous = rng.random() < 0.1
                school = rng.choice(school_ids)
                year_pk = years[
                    min(len(years) - 1, max(0, at.year - years[0].starts_on.year - (at.month < 7)))
                ].pk
                staff = staff_by_school_year.get((school, year_pk))
                lang = rng.choices(
                    ["en", "es", "vi", "ru", "so"], cum_weights=[78, 94, 97, 99, 100]
                )[0]
                c_rows.append(
                    (pk, district.pk, f"C-{local_year}-{per_year[local_year]:05d}",
                     hashlib.sha256(token.encode()).hexdigest(), status, school,
                     rng.choice(staff) if staff and rng.random() < 0.8 else None,
                     at - datetime.timedelta(days=rng.randint(0, 20)), "Front entrance",
                     "My child was stopped and questioned in the hallway without a reason.",
                     rng.choice(relationships), anonymous, "" if anonymous else f"Family {pk}",
                     "none" if anonymous else "email",
                     "" if anonymous else f"family{pk}@example.org", lang, at,
                     *(times.get(name) for name in stamped),
                     at + datetime.timedelta(days=30) if withdrawn else None,
                     (at + datetime.timedelta(days=7)).date(),
                     (at + datetime.timedelta(days=30)).date(),
                     (at + datetime.timedelta(days=90)).date(),
                     users["investigator"].pk if len(reached) >= 3 else None)
                )  # fmt: skip
                final = "findings" in reached
                for _ in range(rng.choices([1, 2, 3], cum_weights=[70, 95, 100])[0]):
                    a_rows.append(
                        (pk, rng.choice(categories), "Stopped and questioned without a reason.",
                         rng.choice(findings) if final else "",
                         "The evidence did not support it." if final else "", at)
                    )  # fmt: skip
                previous = ""
                for name in reached:
                    e_rows.append((pk, times[name], previous, name, name, True))
                    previous = name
                if withdrawn:
                    e_rows.append((pk, at + datetime.timedelta(days=30), previous, "withdrawn",
                                   "withdrawn", True))  # fmt: skip
            writer.write(complaints.Complaint, complaint_fields, c_rows)
            writer.write(
                complaints.Allegation,
                [
                    "complaint",
                    "category",
                    "summary",
                    "finding",
                    "finding_explanation",
                    "created_at",
                ],
                a_rows,
            )
            writer.write(
                complaints.Event, ["complaint", "at", "from_status", "to_status", "kind", "public"],
                e_rows,
            )  # fmt: skip
            written += size
            log(options, f"complaints: {written:,}/{options.complaints:,}")
        for year_number, last in per_year.items():
            complaints.ComplaintCounter.objects.create(
                district=district, year=year_number, last_number=last
            )

        # Notices and their delivery record ----------------------------------------------------
        delivery_rows = []
        for year in years:
            notice = notices.Notice.objects.create(
                district=district,
                school_year=year,
                status="published",
                published_at=now,
                published_by=users["admin"],
                created_by=users["admin"],
            )
            for language in ("en", "es"):
                notices.NoticeTranslation.objects.create(
                    notice=notice, language=language, title="Safety and security staff"
                )
            for school in school_ids:
                day = year.first_instructional_day + datetime.timedelta(days=rng.randint(3, 40))
                if year == years[-1] and day > today:
                    continue
                delivery_rows.append(
                    (school, year.pk, "presentation", day, "All grades", "Officer", "assembly",
                     [], [], users["admin"].pk)
                )  # fmt: skip
                delivery_rows.append(
                    (school, year.pk, "distribution", day, "", "", "", ["email", "backpack"],
                     ["en", "es"], users["admin"].pk)
                )  # fmt: skip
        writer.write(
            notices.Delivery,
            ["school", "school_year", "kind", "delivered_on", "audience", "presenter",
             "presentation_format", "channels", "languages", "recorded_by"],
            delivery_rows,
        )  # fmt: skip
        log(options, f"notice deliveries: {len(delivery_rows)}")

    from django.db import connection

    if connection.vendor == "postgresql":
        # VACUUM sets the visibility map, so index-only scans work at once (as autovacuum would
        # in a while); it cannot run inside a transaction (the seed's own tests run in one).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    result.counts = writer.counts
    result.users = {key: user.pk for key, user in users.items()}
    result.seconds = time.perf_counter() - started
    return result


def write_state(result: SeedResult, options: ScaleOptions) -> Path:
    """What the harness needs later (user ids, a few status tokens); git-ignored."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"seed-{options.district_code}.json"
    path.write_text(
        json.dumps(
            {
                "district_code": options.district_code,
                "district_id": result.district_id,
                "users": result.users,
                "status_tokens": result.status_tokens,
                "complaint_ids": result.complaint_ids,
                "counts": result.counts,
                "seconds": round(result.seconds, 1),
            },
            indent=2,
        )
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = ScaleOptions()
    parser.add_argument("--schools", type=int, default=defaults.schools)
    parser.add_argument("--years", type=int, default=defaults.years)
    parser.add_argument("--calls", type=int, default=defaults.calls)
    parser.add_argument("--students", type=int, default=None, help="student rows (5 per call)")
    parser.add_argument("--complaints", type=int, default=defaults.complaints)
    parser.add_argument("--staff", type=int, default=defaults.staff)
    parser.add_argument("--district-code", default=DEFAULT_CODE)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--batch", type=int, default=defaults.batch)
    args = parser.parse_args(argv)
    options = ScaleOptions(
        schools=args.schools,
        years=args.years,
        calls=args.calls,
        students=args.students,
        complaints=args.complaints,
        staff=args.staff,
        district_code=args.district_code,
        seed=args.seed,
        batch=args.batch,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srp.settings")
    django.setup()
    result = seed_scale(options)
    path = write_state(result, options)
    for label, count in sorted(result.counts.items()):
        print(f"{label:40} {count:>10,}")
    print(f"seeded in {result.seconds:.1f} s; state in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
