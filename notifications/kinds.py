"""The kinds of notice: what each is about, who gets it, and who may follow its link.

The kinds are fixed here, so that the preferences page lists every one of them whether or not
the app that sends it is installed. The apps that send a kind (agreements, complaints,
incidents) register from their `ready()` how to tell which of its records a reader may open
(`register_link_check`): a link is shown only where the reader may go, decided when the list is
drawn, not when the notice was sent (a complaint's subject or a school's staff may change).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from srp.scope import Scope

# `check(scope, ids)`: the ids among `ids` of the records this reader may open.
LinkCheck = Callable[["Scope", Collection[int]], set[int]]


@dataclass(frozen=True)
class Kind:
    key: str
    label: StrOrPromise
    description: StrOrPromise  # what it is about, on the preferences page and in its emails
    audience: StrOrPromise  # who gets it
    action: StrOrPromise  # what the recipient does next, at the end of its email


INTERVENTION_REQUEST_NEW = "intervention_request_new"
COMPLAINT_REFERRED = "complaint_referred"
COMPLAINT_UNASSIGNED = "complaint_unassigned"
COMPLAINT_ASSIGNED = "complaint_assigned"
TRAINING_DUE = "training_due"
TRAINING_OVERDUE = "training_overdue"
AGREEMENT_ENDING = "agreement_ending"
REVIEW_LATE = "review_late"

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            INTERVENTION_REQUEST_NEW,
            _("New intervention request"),
            _("A teacher or administrator asked safety staff to intervene at a school."),
            _("Safety staff assigned to the school this year, and the school's principals."),
            _("Open the request and record the response."),
        ),
        Kind(
            COMPLAINT_REFERRED,
            _("Complaint referred to your agency"),
            _("The district referred a complaint to the provider you are the liaison for."),
            _("The provider's liaisons."),
            _("Open the complaint and record your agency's case number and outcome."),
        ),
        Kind(
            COMPLAINT_UNASSIGNED,
            _("Complaint without an investigator"),
            _("A complaint has had no investigator for a school day after it was received."),
            _("Program administrators."),
            _("Open the complaint and assign an investigator."),
        ),
        Kind(
            COMPLAINT_ASSIGNED,
            _("Complaint assigned to you"),
            _("You were named the investigator of a complaint."),
            _("The investigator."),
            _("Open the complaint, acknowledge it and start the investigation."),
        ),
        Kind(
            TRAINING_DUE,
            _("Training due soon"),
            _("A staff member's required training is due within 30 days."),
            _(
                "Principals of the schools the staff member works at this year, the "
                "employer's liaisons for contract staff, and program administrators."
            ),
            _("Open the staff member's page and check what training is left."),
        ),
        Kind(
            TRAINING_OVERDUE,
            _("Training overdue"),
            _("A staff member's required training is past its due date."),
            _(
                "Principals of the schools the staff member works at this year, the "
                "employer's liaisons for contract staff, and program administrators."
            ),
            _("Open the staff member's page and record the training or the plan to finish it."),
        ),
        Kind(
            AGREEMENT_ENDING,
            _("Agreement ending"),
            _("An agreement in force reaches its end date within 60 days."),
            _("Program administrators."),
            _("Open the agreement and plan its renewal or its end."),
        ),
        Kind(
            REVIEW_LATE,
            _("Annual review due or late"),
            _("An agreement's annual review and re-adoption is due and has not been done."),
            _("Program administrators."),
            _("Open the agreement, record the community engagement and the board's action."),
        ),
    )
}

_link_checks: dict[str, LinkCheck] = {}


def register_link_check(model_label: str, check: LinkCheck) -> None:
    """`model_label` ("complaints.complaint"): `check(scope, ids)` returns the ids of those
    records the reader may open (one query). Call from the owning app's `ready()`."""
    _link_checks[model_label.lower()] = check


def link_check(model_label: str) -> LinkCheck | None:
    return _link_checks.get(model_label.lower())


def kind_choices() -> list[tuple[str, StrOrPromise]]:
    return [(kind.key, kind.label) for kind in KINDS.values()]
