"""Who may see what: the user's roles and schools in the active district (SPEC §1).

Every view reaches records through a scope: district first, then school, then assignment.
`request.scope` is built once per request by `ScopeMiddleware`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from srp.models import District, Membership, School
from srp.registry import registry
from srp.roles import SCHOOL_SCOPED_ROLES, Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from srp.models import User

SESSION_DISTRICT_KEY = "srp_district_id"


@dataclass(frozen=True)
class Scope:
    user: User | None
    district: District | None
    roles: frozenset[str] = frozenset()
    schools_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    membership_ids: dict[str, int] = field(default_factory=dict)
    districts: tuple[District, ...] = ()
    # Whether the user's own records in the district (a roster entry) narrow what they see;
    # True unless `build_scope` found none, so that a scope made by hand is never shared.
    narrowed_by_own_records: bool = True

    @property
    def district_id(self) -> int | None:
        return self.district.pk if self.district is not None else None

    def cache_identity(self) -> tuple[Any, ...]:
        """Everything that narrows what this reader may see, for keying cached values
        (`srp.cache`): the district, the roles, the schools of each role and, whenever a held
        role or the user's own records narrow visibility to them, the user. Two readers with
        equal identities may be served the same value; any other two never are."""
        if self.user is None:
            return ("anonymous",)
        personal = self.narrowed_by_own_records or bool(self.roles & registry.personal_roles)
        return (
            self.district_id,
            tuple(sorted(self.roles)),
            tuple(sorted((role, tuple(sorted(ids))) for role, ids in self.schools_by_role.items())),
            self.is_host_admin,
            self.user.pk if personal else None,
        )

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_host_admin(self) -> bool:
        return bool(self.user and self.user.is_host_admin)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_program_admin(self) -> bool:
        return Role.PROGRAM_ADMIN in self.roles

    def school_ids(self, *roles: str) -> frozenset[int]:
        """Schools this user reaches through the given school-scoped roles."""
        ids: set[int] = set()
        for role in roles or tuple(SCHOOL_SCOPED_ROLES):
            ids |= self.schools_by_role.get(role, frozenset())
        return frozenset(ids)

    def covers_school(self, school_id: int | None, *roles: str) -> bool:
        """True when the user is program administrator, or holds `roles` at that school."""
        if self.is_program_admin:
            return True
        return school_id is not None and school_id in self.school_ids(*roles)

    def require(self, *roles: str) -> District:
        """The active district; 403 unless the user holds one of `roles` in it."""
        if self.district is None or not self.has(*roles):
            raise PermissionDenied
        return self.district

    def get_school(self, pk: int | str, *roles: str) -> School:
        """A school of the active district that the user covers, or 404."""
        if self.district is None:
            raise Http404
        try:
            school = School.objects.get(pk=pk, district=self.district)
        except (School.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if not (self.is_program_admin or school.pk in self.school_ids(*roles)):
            raise Http404
        return school


ANONYMOUS_SCOPE = Scope(user=None, district=None)


def build_scope(user: User, district_id: int | None = None) -> Scope:
    narrowers = {
        f"srp_narrowed_{i}": narrower(user)
        for i, narrower in enumerate(registry.identity_narrowers.values())
    }
    memberships = list(
        Membership.objects.active()
        .filter(user=user)
        .annotate(**narrowers)
        .select_related("district")
        .prefetch_related("schools")
    )
    districts = {m.district_id: m.district for m in memberships}
    ordered = tuple(sorted(districts.values(), key=lambda d: d.name))
    if not ordered:
        return Scope(user=user, district=None)
    district = districts.get(district_id) if district_id else None
    district = district or ordered[0]
    roles: set[str] = set()
    schools_by_role: dict[str, frozenset[int]] = {}
    membership_ids: dict[str, int] = {}
    narrowed = False
    for m in memberships:
        if m.district_id != district.pk:
            continue
        narrowed = narrowed or any(getattr(m, name) for name in narrowers)
        roles.add(m.role)
        membership_ids[m.role] = m.pk
        if m.role in SCHOOL_SCOPED_ROLES:
            resolver = registry.school_resolvers.get(m.role)
            ids = resolver(user, district) if resolver else {s.pk for s in m.schools.all()}
            schools_by_role[m.role] = frozenset(ids)
    return Scope(
        user=user,
        district=district,
        roles=frozenset(roles),
        schools_by_role=schools_by_role,
        membership_ids=membership_ids,
        districts=ordered,
        narrowed_by_own_records=narrowed,
    )


def get_scope(request: HttpRequest) -> Scope:
    cached = getattr(request, "_srp_scope", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        scope = ANONYMOUS_SCOPE
    else:
        scope = build_scope(user, request.session.get(SESSION_DISTRICT_KEY))
    request._srp_scope = scope  # type: ignore[attr-defined]
    return scope
