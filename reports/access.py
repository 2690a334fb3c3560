"""Who reads which version of a report: one rule, used by the pages and the dashboard.

- program administrator: the whole district, internal (and the public preview);
- principal: their schools, internal;
- board member (holding neither of those roles): only what the district published and the
  board packets released to the board (SPEC §1, R-20, R-22).
"""

from __future__ import annotations

from srp.roles import Role
from srp.scope import Scope


def is_board_reader(scope: Scope) -> bool:
    """A board member holding no role that reads internal figures."""
    return scope.has(Role.BOARD_MEMBER) and not scope.has(Role.PROGRAM_ADMIN, Role.PRINCIPAL)
