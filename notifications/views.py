"""The reader's "waiting for me" list and their notice settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.forms import PreferencesForm
from notifications.models import Notification
from notifications.selectors import (
    get_notification_for_scope,
    notifications_for_scope,
    openable_links,
    preference_for,
    remember_waiting,
)
from notifications.services import (
    notification_mark_done,
    notification_mark_read,
    preferences_save,
)
from srp.http import AuthenticatedHttpRequest
from srp.models import District
from srp.rules import RuleError, show_rule_error

PAGE_SIZE = 50


def _district(request: AuthenticatedHttpRequest) -> District:
    """Every signed-in member of a district has a list of their own; others have none."""
    district = request.scope.district
    if district is None:
        raise Http404
    return district


def _own(request: AuthenticatedHttpRequest, pk: int) -> Notification:
    notification = get_notification_for_scope(request.scope, pk)
    if notification is None:
        raise Http404
    return notification


def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _district(request)
    show = request.GET.get("show", "")
    qs = notifications_for_scope(request.scope)
    if show != "all":
        show = "open"
        qs = qs.waiting()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    if show == "open":
        remember_waiting(request.scope, page.paginator.count)
    linked = openable_links(request.scope, items)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "items": [(n, n.pk in linked) for n in items],
            "show": show,
        },
    )


def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Follow a notice's link (marking it read), if the reader may still go there."""
    _district(request)
    notification = _own(request, pk)
    if notification.pk not in openable_links(request.scope, [notification]):
        messages.info(request, _("You can no longer open what this notice was about."))
        return redirect("notifications:list")
    notification_mark_read(notification=notification, by=request.user)
    return redirect(notification.url)


@require_POST
def notification_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _district(request)
    notification = _own(request, pk)
    reopen = request.POST.get("reopen") == "1"
    notification_mark_done(notification=notification, by=request.user, done=not reopen)
    if reopen:
        messages.success(request, _("Back on your list: %(title)s") % {"title": notification})
    else:
        messages.success(request, _("Marked done: %(title)s") % {"title": notification})
    return redirect("notifications:list")


def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = _district(request)
    preference = preference_for(request.scope)
    form = PreferencesForm(request.POST or None, district=district, preference=preference)
    if request.method == "POST" and form.is_valid():
        try:
            preferences_save(
                user=request.user,
                district=district,
                language=form.cleaned_data["language"],
                email_kinds=form.email_kinds(),
            )
        except RuleError as exc:
            show_rule_error(request, form, exc)
        else:
            messages.success(request, _("Your notice settings are saved."))
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
