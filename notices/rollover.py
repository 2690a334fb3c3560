"""The notices app's part of the school-year rollover (`srp.rollover`, issue #14 item 4).

The new year's notice is a copy of last year's with every translation (every language, every
text field), as a draft: the district reviews it and publishes it. Until then the public
notices page keeps showing the latest published notice (`notices.public_views`).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notices.models import Notice, NoticeTranslation
from srp.history import as_done_by
from srp.languages import language_name
from srp.models import SchoolYear, User
from srp.registry import RolloverStep, RolloverSummary, registry

# Fields a copy does not take from the original: its identity, its notice and who wrote it.
NOT_COPIED = {"id", "notice", "updated_at", "updated_by"}


def _source(from_year: SchoolYear) -> Notice | None:
    return (
        Notice.objects.filter(district_id=from_year.district_id, school_year=from_year)
        .prefetch_related("translations")
        .first()
    )


def _existing(to_year: SchoolYear) -> Notice | None:
    if to_year.pk is None:
        return None
    return Notice.objects.filter(district_id=to_year.district_id, school_year=to_year).first()


def _summary(source: Notice | None, existing: Notice | None, to_label: str) -> RolloverSummary:
    if existing is not None:
        return {
            "counts": {"copied": 0, "translations": 0},
            "lines": [
                _("%(year)s has its notice already: it is kept as it is.") % {"year": to_label}
            ],
        }
    if source is None:
        return {
            "counts": {"copied": 0, "translations": 0},
            "lines": [
                _(
                    "Last year had no notice: start the %(year)s notice from the default text on "
                    "the notices page."
                )
                % {"year": to_label}
            ],
        }
    languages = sorted(t.language for t in source.translations.all())
    return {
        "counts": {"copied": 1, "translations": len(languages)},
        "lines": [
            _(
                "The %(year)s notice is copied from last year's as a draft, with its "
                "%(count)s translations (%(languages)s). Review it, then publish it: until then "
                "families see last year's published notice."
            )
            % {
                "year": to_label,
                "count": len(languages),
                "languages": ", ".join(language_name(code) for code in languages),
            }
        ],
    }


def notice_preview(from_year: SchoolYear, to_year: SchoolYear) -> RolloverSummary:
    return _summary(_source(from_year), _existing(to_year), to_year.label)


def notice_run(from_year: SchoolYear, to_year: SchoolYear, by: User) -> RolloverSummary:
    source, existing = _source(from_year), _existing(to_year)
    summary = _summary(source, existing, to_year.label)
    if source is None or existing is not None:
        return summary
    notice = Notice(
        district_id=source.district_id,
        school_year=to_year,
        status=Notice.Status.DRAFT,
        created_by=by,
    )
    as_done_by(notice, by, f"copied from {from_year.label}").save()
    fields = [f.name for f in NoticeTranslation._meta.concrete_fields if f.name not in NOT_COPIED]
    for original in source.translations.all():
        copy = NoticeTranslation(
            notice=notice,
            updated_by=by,
            **{name: getattr(original, name) for name in fields},
        )
        as_done_by(copy, by, f"copied from {from_year.label}").save()
    return summary


def notice_result(to_year: SchoolYear) -> dict[str, Any]:
    notice = _existing(to_year)
    return {
        "year": to_year,
        "notice": notice,
        "url": f"{reverse('notices:index')}?year={to_year.pk}",
    }


def register() -> None:
    """Called from `NoticesConfig.ready()`."""
    registry.add_rollover_step(
        RolloverStep(
            key="notices.notice",
            label=gettext_lazy("Notice to students and families"),
            preview=notice_preview,
            run=notice_run,
            order=30,
            result_template="notices/rollover_notice.html",
            result_context=notice_result,
        )
    )
