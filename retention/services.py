"""Retention rules, legal holds and destruction runs: the only code that removes records.

A destruction run is prepared (the list of what is due and on no hold), confirmed by a
program administrator, and then each listed record is checked again and destroyed with the
parts of its case (a complaint's allegations, notes, attachments…; a call's students and
law-enforcement activity), the files they hold and every history row of them, in one
transaction; each destroyed record leaves a line in the destruction log. A record that another
kept record still points at is skipped and says why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from retention.models import (
    DestructionLogEntry,
    DestructionRun,
    HoldReason,
    LegalHold,
    RecordType,
    RetentionRule,
)
from retention.record_types import DESTRUCTION_ORDER, KINDS, RecordKind
from srp.cache import data_changed
from srp.models import District, User
from srp.rules import RuleError

MAX_RUN_ITEMS = 5000


class RetentionError(RuleError):
    """A retention step refused, with a message for the administrator."""


# Rules -------------------------------------------------------------------------------------
def effective_rules(district: District) -> dict[str, tuple[RecordKind, RetentionRule | None, int]]:
    """Each kind of record with the district's rule (None while it keeps the default) and the
    years that apply."""
    rules = {r.record_type: r for r in RetentionRule.objects.filter(district=district)}
    result = {}
    for key, kind in KINDS.items():
        rule = rules.get(key)
        result[key] = (kind, rule, rule.years if rule else kind.default_years)
    return result


@transaction.atomic
def rule_set(
    *,
    district: District,
    record_type: str,
    years: int,
    disposition_authority: str,
    notes: str,
    by: User,
) -> RetentionRule:
    kind = KINDS.get(record_type)
    if kind is None:
        raise RetentionError(_("Unknown kind of record."), field="record_type")
    if years < kind.minimum_years:
        raise RetentionError(
            _("The state's schedule keeps these records at least %(years)s years.")
            % {"years": kind.minimum_years},
            field="years",
        )
    rule = RetentionRule.objects.filter(district=district, record_type=record_type).first()
    if rule is None:
        rule = RetentionRule(district=district, record_type=record_type)
    rule.years = years
    rule.disposition_authority = disposition_authority.strip()
    rule.notes = notes.strip()
    rule._history_user = by  # type: ignore[attr-defined]
    rule.full_clean()
    rule.save()
    return rule


# Holds -------------------------------------------------------------------------------------
def find_record(district: District, record_type: str, reference: str) -> models.Model | None:
    """A record of the district by the reference people use (a complaint's C-…, a call's
    reference) or its number."""
    kind = KINDS.get(record_type)
    if kind is None:
        return None
    manager = kind.model._default_manager.filter(district=district)
    reference = reference.strip()
    if record_type == RecordType.COMPLAINT:
        found = manager.filter(reference__iexact=reference).first()
        if found is not None:
            return found
    if record_type == RecordType.CALL:
        found = manager.filter(call_ref__iexact=reference).first()
        if found is not None:
            return found
    digits = reference.lstrip("#")
    if digits.isascii() and digits.isdigit() and len(digits) < 18:
        return manager.filter(pk=int(digits)).first()
    return None


@transaction.atomic
def hold_place(
    *,
    district: District,
    record_type: str,
    record: models.Model,
    reason: str,
    details: str,
    by: User,
) -> LegalHold:
    kind = KINDS[record_type]
    if getattr(record, "district_id", None) != district.pk or not isinstance(record, kind.model):
        raise RetentionError(_("No such record in this district."), field="reference")
    if reason not in HoldReason.values:
        raise RetentionError(_("Choose why the record is held."), field="reason")
    if not details.strip():
        raise RetentionError(_("Say what the hold is for."), field="details")
    if (
        LegalHold.objects.active()
        .filter(district=district, record_type=record_type, record_id=record.pk)
        .exists()
    ):
        raise RetentionError(_("This record is already on hold."), field="reference")
    hold = LegalHold(
        district=district,
        record_type=record_type,
        record_id=record.pk,
        label=kind.label(record)[:200],
        reason=reason,
        details=details.strip(),
        placed_by=by,
    )
    hold._history_user = by  # type: ignore[attr-defined]
    hold.save()
    return hold


@transaction.atomic
def hold_release(*, hold: LegalHold, reason: str, by: User) -> LegalHold:
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not hold.is_active:
        raise RetentionError(_("This hold was already released."))
    if not reason.strip():
        raise RetentionError(_("Say why the hold ends."), field="release_reason")
    hold.released_at = timezone.now()
    hold.released_by = by
    hold.release_reason = reason.strip()
    hold._history_user = by  # type: ignore[attr-defined]
    hold.save()
    return hold


def _held_ids(district: District) -> dict[str, set[int]]:
    held: dict[str, set[int]] = {key: set() for key in KINDS}
    for record_type, record_id in (
        LegalHold.objects.active().filter(district=district).values_list("record_type", "record_id")
    ):
        held.setdefault(record_type, set()).add(record_id)
    return held


def _is_held(kind: RecordKind, record: models.Model, held: dict[str, set[int]]) -> bool:
    if record.pk in held.get(kind.key, set()):
        return True
    # A hold on a call holds its whole case: the requests and reports that point at it.
    call_id = getattr(record, "call_id", None)
    return call_id is not None and call_id in held.get(RecordType.CALL, set())


# Runs --------------------------------------------------------------------------------------
def due_records(district: District, as_of: datetime.date) -> tuple[list[dict[str, Any]], int]:
    """What is past its period on `as_of` and on no hold (in destruction order), and how many
    records a hold keeps."""
    rules = effective_rules(district)
    held = _held_ids(district)
    items: list[dict[str, Any]] = []
    kept = 0
    for key in DESTRUCTION_ORDER:
        kind, rule, years = rules[key]
        for record in kind.due(district, as_of, years).iterator(chunk_size=500):
            if _is_held(kind, record, held):
                kept += 1
                continue
            trigger = record.trigger
            items.append(
                {
                    "type": key,
                    "id": record.pk,
                    "label": kind.label(record)[:200],
                    "trigger": trigger.isoformat(),
                    "years": years,
                    "dan": rule.disposition_authority if rule else "",
                }
            )
            if len(items) > MAX_RUN_ITEMS:
                raise RetentionError(
                    _(
                        "More than %(count)s records are due: prepare the list with an earlier "
                        "date and destroy them in several runs."
                    )
                    % {"count": MAX_RUN_ITEMS},
                    field="as_of",
                )
    return items, kept


@transaction.atomic
def run_prepare(*, district: District, as_of: datetime.date, by: User) -> DestructionRun:
    if as_of > timezone.localdate():
        raise RetentionError(_("A list is prepared for today or an earlier day."), field="as_of")
    if DestructionRun.objects.filter(
        district=district, status=DestructionRun.Status.PREPARED
    ).exists():
        raise RetentionError(
            _("A list is already waiting for confirmation: confirm or cancel it first.")
        )
    items, _kept = due_records(district, as_of)
    if not items:
        raise RetentionError(_("No record is due for destruction on that day."), field="as_of")
    run = DestructionRun(district=district, as_of=as_of, items=items, prepared_by=by)
    run._history_user = by  # type: ignore[attr-defined]
    run.save()
    return run


@transaction.atomic
def run_cancel(*, run: DestructionRun, note: str, by: User) -> DestructionRun:
    run = DestructionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != DestructionRun.Status.PREPARED:
        raise RetentionError(_("This list is no longer waiting for confirmation."))
    run.status = DestructionRun.Status.CANCELLED
    run.note = note.strip()
    run._history_user = by  # type: ignore[attr-defined]
    run.save()
    return run


def run_confirm(*, run: DestructionRun, note: str, by: User) -> tuple[DestructionRun, list[str]]:
    """Destroy what the list names and is still due and on no hold; (the run, what was kept)."""
    skipped: list[str] = []
    files: set[str] = set()
    with transaction.atomic():
        run = DestructionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != DestructionRun.Status.PREPARED:
            raise RetentionError(_("This list is no longer waiting for confirmation."))
        district = run.district
        still_due, _kept = due_records(district, run.as_of)
        due_now = {(item["type"], item["id"]): item for item in still_due}
        listed = sorted(
            run.items, key=lambda item: DESTRUCTION_ORDER.index(RecordType(item["type"]))
        )
        for item in listed:
            current = due_now.get((item["type"], item["id"]))
            if current is None:
                skipped.append(
                    _("%(label)s: no longer due (a hold, a change or already gone)")
                    % {"label": item["label"]}
                )
                continue
            kind = KINDS[item["type"]]
            try:
                with transaction.atomic():
                    rows, record_files = destroy(kind.model, [item["id"]])
            except (ProtectedError, RestrictedError) as error:
                names = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})  # type: ignore[union-attr]
                skipped.append(
                    _("%(label)s: kept, other records point at it (%(what)s)")
                    % {"label": item["label"], "what": ", ".join(names)}
                )
                continue
            files |= record_files
            DestructionLogEntry.objects.create(
                district=district,
                run=run,
                record_type=item["type"],
                record_id=item["id"],
                label=item["label"],
                trigger_date=datetime.date.fromisoformat(current["trigger"]),
                rule_years=current["years"],
                disposition_authority=current["dan"],
                rows_removed=rows,
                files_removed=len(record_files),
                destroyed_by=by,
            )
        run.status = DestructionRun.Status.DONE
        run.confirmed_at = timezone.now()
        run.confirmed_by = by
        run.note = note.strip()
        run._history_user = by  # type: ignore[attr-defined]
        run.save()
        data_changed(district.pk)
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: _remove_files(files))
    return run, skipped


def _remove_files(names: Iterable[str]) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


# Destroying a record with its case ------------------------------------------------------
def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None) if manager is not None else None


def _record_models() -> set[type[models.Model]]:
    return {kind.model for kind in KINDS.values()}


def _parts(model: type[models.Model], pks: set[int]) -> list[tuple[type[models.Model], set[int]]]:
    """The rows of the record's case, the deepest first, ending with the record itself.

    A part is a row of the record's own app whose foreign key points at the record (or at one
    of its parts); another record kind's rows are never parts (a request pointing at a call is
    kept under its own rule and keeps the call)."""
    order: list[type[models.Model]] = []
    found: dict[type[models.Model], set[int]] = {}
    history_models = {_history_model(m) for m in _record_models()}

    def visit(current: type[models.Model], ids: set[int]) -> None:
        for rel in current._meta.related_objects:
            if not (rel.one_to_many or rel.one_to_one):
                continue
            child = rel.related_model
            if (
                not isinstance(child, type)
                or child._meta.app_label != current._meta.app_label
                or child in _record_models()
                or child in history_models
                or child.__name__.startswith("Historical")
            ):
                continue
            child_ids = set(
                child._base_manager.filter(**{f"{rel.field.name}__in": ids}).values_list(
                    "pk", flat=True
                )
            )
            if child_ids:
                visit(child, child_ids)
                found.setdefault(child, set()).update(child_ids)
                if child in order:
                    order.remove(child)
                order.append(child)

    visit(model, pks)
    # Children before parents: a model reached again deeper moves after its first place, so
    # reverse the reaching order to delete the deepest first.
    ordered = sorted(order, key=lambda m: -_depth(m, model))
    return [(m, found[m]) for m in ordered] + [(model, set(pks))]


def _depth(model: type[models.Model], root: type[models.Model]) -> int:
    """The longest chain of same-app foreign keys from `model` up to `root`."""
    best = 0
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and field.related_model is not model:
            target = field.related_model
            if target is root:
                best = max(best, 1)
            elif (
                isinstance(target, type)
                and target._meta.app_label == root._meta.app_label
                and target not in _record_models()
            ):
                best = max(best, 1 + _depth(target, root))
    return best


def _file_names(model: type[models.Model], pks: set[int]) -> set[str]:
    fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    names: set[str] = set()
    if not fields:
        return names
    for row in model._base_manager.filter(pk__in=pks).values_list(*fields):
        names.update(name for name in row if name)
    history = _history_model(model)
    if history is not None:
        for row in history._base_manager.filter(id__in=pks).values_list(*fields):
            names.update(name for name in row if name)
    return names


def _check_no_outside_links(parts: list[tuple[type[models.Model], set[int]]]) -> None:
    """A kept record linked to a part through a many-to-many (a restraint report naming a
    student of the call) keeps the record: Django would silently unlink it otherwise."""
    part_models = {model for model, _ids in parts}
    for model, ids in parts:
        for rel in model._meta.related_objects:
            if not rel.many_to_many or rel.related_model in part_models:
                continue
            through = rel.through  # type: ignore[attr-defined]
            column = next(
                f.name for f in through._meta.fields if getattr(f, "related_model", None) is model
            )
            linked = through._base_manager.filter(**{f"{column}__in": ids})
            if linked.exists():
                owner = rel.related_model
                raise ProtectedError(
                    "linked",
                    set(owner._base_manager.filter(**{f"{rel.field.name}__in": ids})[:5]),  # type: ignore[union-attr]
                )


def destroy(model: type[models.Model], pks: list[int]) -> tuple[int, set[str]]:
    """Remove records, the parts of their case and all their history rows; (rows, file names).

    Callers run it inside a transaction (a savepoint per record); ProtectedError when a record
    outside the case points at it."""
    parts = _parts(model, set(pks))
    _check_no_outside_links(parts)
    files: set[str] = set()
    rows = 0
    for part, ids in parts:
        files |= _file_names(part, ids)
        # Retention destruction: the one place rows are removed, after the confirmed list.
        count, _by_model = part._base_manager.filter(pk__in=ids).delete()
        rows += count
        history = _history_model(part)
        if history is not None:
            count, _by_model = history._base_manager.filter(id__in=ids).delete()
            rows += count
    return rows, files
