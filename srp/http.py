"""Typed requests: what the middleware attaches to a request, for views and type checking.

`ScopeMiddleware` gives every request a `scope`; `LoginRequiredMiddleware` lets only signed-in
users reach a view that is not marked `@login_not_required`, so those views take an
`AuthenticatedHttpRequest`, whose `user` is an `srp.models.User` and whose `scope` is typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from srp.models import User
    from srp.scope import Scope


class ScopedHttpRequest(HttpRequest):
    """Any request past `ScopeMiddleware` (an anonymous visitor's scope is empty)."""

    scope: Scope


class AuthenticatedHttpRequest(ScopedHttpRequest):
    """A request of a signed-in user (every view but those marked `@login_not_required`)."""

    user: User
