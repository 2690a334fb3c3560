"""What of a user's own records in `agreements` narrows what they may see (see `srp.scope`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from agreements.models import StaffMember

if TYPE_CHECKING:
    from django.db.models.expressions import BaseExpression

    from srp.models import User


def own_roster_entry(user: User) -> BaseExpression:
    """True for a membership whose district's roster holds the user: linked to the account or
    under its email. That person may be a complaint's subject (R-09), so no cached value of
    theirs is shared with anyone else."""
    # R-09's own rule (`of_person`: linked, or unlinked under any email the account has had),
    # and any entry under its current email.
    mine = Q(pk__in=StaffMember.objects.of_person(user).values("pk"))
    if user.email:
        mine |= Q(email__iexact=user.email)
    return Exists(StaffMember.objects.filter(mine, district=OuterRef("district")))
