"""The "waiting for me" list, the navbar's count and the notice settings: each reader's own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications import kinds
from notifications.models import Notification, NotificationPreference
from notifications.services import notify
from tests.complaints.factories import complaint as make_complaint
from tests.notifications.conftest import prefer

pytestmark = pytest.mark.django_db

LIST = "/notifications/"
SETTINGS = "/notifications/settings/"


def notice(user, district, *, key, kind=kinds.AGREEMENT_ENDING, url="/agreements/", obj=None):
    return notify([user], kind, district, f"Notice {key}", url, obj=obj, dedupe=key)[0]


def test_urls():
    assert reverse("notifications:list") == LIST
    assert reverse("notifications:settings") == SETTINGS


def test_list_shows_only_the_readers_own_notices(world, client_for):
    notice(world.admin, world.district, key="mine")
    notice(world.principal_a, world.district, key="theirs")
    notice(world.outsider, world.other_district, key="other-district")
    body = client_for(world.admin).get(LIST).content.decode()
    assert "Notice mine" in body
    assert "Notice theirs" not in body
    assert "Notice other-district" not in body
    body = client_for(world.outsider).get(LIST).content.decode()
    assert "Notice other-district" in body and "Notice mine" not in body


def test_marking_another_persons_notice_is_a_404(world, client_for):
    theirs = notice(world.principal_a, world.district, key="theirs")
    client = client_for(world.admin)
    assert client.post(reverse("notifications:done", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    # The other district's administrator neither.
    other = client_for(world.outsider)
    assert other.post(reverse("notifications:done", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.done_at is None and theirs.read_at is None
    assert client.post(reverse("notifications:done", args=[999999])).status_code == 404
    assert client.get(reverse("notifications:done", args=[theirs.pk])).status_code == 405


def test_mark_done_then_reopen(world, client_for):
    mine = notice(world.admin, world.district, key="mine")
    client = client_for(world.admin)
    response = client.post(reverse("notifications:done", args=[mine.pk]), follow=True)
    assert "Marked done: Notice mine" in response.content.decode()
    mine.refresh_from_db()
    assert mine.done_at is not None
    assert "Notice mine" not in client.get(LIST).content.decode()  # open ones only
    assert "Notice mine" in client.get(LIST, {"show": "all"}).content.decode()
    client.post(reverse("notifications:done", args=[mine.pk]), {"reopen": "1"})
    mine.refresh_from_db()
    assert mine.done_at is None
    assert Notification.objects.count() == 1  # never deleted


def test_link_only_where_the_reader_may_go(world, client_for):
    c = make_complaint(world)
    url = reverse("complaints:detail", args=[c.pk])
    # The investigator was told of the complaint, but it is no longer theirs to open.
    told = notify(
        [world.investigator, world.admin],
        kinds.COMPLAINT_ASSIGNED,
        world.district,
        "Complaint assigned",
        url,
        obj=c,
    )
    assert len(told) == 2
    theirs = Notification.objects.get(recipient=world.investigator)
    open_url = reverse("notifications:open", args=[theirs.pk])
    investigator = client_for(world.investigator)
    body = investigator.get(LIST).content.decode()
    assert "Complaint assigned" in body
    assert open_url not in body and url not in body
    response = investigator.get(open_url)
    assert response.status_code == 302 and response.url == LIST
    # The program administrator may open it: the link is there and leads to the complaint.
    admin = client_for(world.admin)
    admin_notice = Notification.objects.get(recipient=world.admin)
    admin_open = reverse("notifications:open", args=[admin_notice.pk])
    assert admin_open in admin.get(LIST).content.decode()
    response = admin.get(admin_open)
    assert response.status_code == 302 and response.url == url
    admin_notice.refresh_from_db()
    assert admin_notice.read_at is not None


def test_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    from tests.agreements.factories import ProviderFactory, in_force_agreement

    client = client_for(world.admin)
    c = make_complaint(world)
    agreement = in_force_agreement(ProviderFactory(district=world.district), world.year)

    def add(n, start):
        for i in range(start, start + n):
            notice(world.admin, world.district, key=f"plain-{i}")
            notify(
                [world.admin],
                kinds.COMPLAINT_UNASSIGNED,
                world.district,
                f"Complaint {i}",
                reverse("complaints:detail", args=[c.pk]),
                obj=c,
                dedupe=f"c-{i}",
            )
            notify(
                [world.admin],
                kinds.AGREEMENT_ENDING,
                world.district,
                f"Agreement {i}",
                reverse("agreements:agreement_detail", args=[agreement.pk]),
                obj=agreement,
                dedupe=f"a-{i}",
            )

    add(2, 0)
    client.get(LIST)
    with django_assert_max_num_queries(14) as few:
        client.get(LIST)
    add(12, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(LIST).content.decode()
    assert body.count(reverse("complaints:detail", args=[c.pk])) == 0  # through the open view
    assert body.count("/open/") == 14 * 3 - 14  # the plain notices name no record: no link


def test_navbar_count_is_each_readers_own(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice(world.admin, world.district, key="one")
        notice(world.admin, world.district, key="two")
        notice(world.principal_a, world.district, key="three")
    admin_page = client_for(world.admin).get(reverse("srp:dashboard")).content.decode()
    assert "2 open notices" in admin_page
    principal_page = client_for(world.principal_a).get(reverse("srp:dashboard")).content.decode()
    assert "1 open notice" in principal_page and "2 open notices" not in principal_page
    # Marked done: the count follows.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.admin).post(
            reverse(
                "notifications:done",
                args=[Notification.objects.filter(recipient=world.admin).first().pk],
            )
        )
    assert "1 open notice" in client_for(world.admin).get(reverse("srp:dashboard")).content.decode()


def test_settings_lists_every_kind_and_saves(world, client_for):
    client = client_for(world.principal_a)
    body = client.get(SETTINGS).content.decode()
    for kind in kinds.KINDS.values():
        assert str(kind.description).replace("'", "&#x27;") in body
        assert f'name="email_{kind.key}"' in body
    assert 'value="es"' in body  # the district's languages
    data = {"language": "es"}
    data.update({f"email_{k}": "on" for k in kinds.KINDS if k != kinds.TRAINING_DUE})
    response = client.post(SETTINGS, data, follow=True)
    assert "Your notice settings are saved." in response.content.decode()
    preference = NotificationPreference.objects.get(user=world.principal_a)
    assert preference.language == "es"
    assert preference.email_off == [kinds.TRAINING_DUE]
    assert not preference.wants_email(kinds.TRAINING_DUE)
    assert preference.wants_email(kinds.INTERVENTION_REQUEST_NEW)
    # The form now shows what was saved.
    body = client.get(SETTINGS).content.decode()
    assert 'name="email_training_due"' in body
    assert [h.history_user for h in preference.history.all()] == [world.principal_a]


@pytest.mark.parametrize(
    "language",
    ["vi", "", "x" * 5000, "es\x00", "<script>alert(1)</script>", "'; DROP TABLE x; --"],
)
def test_settings_bad_language_is_refused_nothing_saved(world, client_for, language):
    prefer(world.admin, world.district, language="en", email_off=[kinds.REVIEW_LATE])
    client = client_for(world.admin)
    response = client.post(SETTINGS, {"language": language, "email_review_late": "on"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        body = response.content.decode()
        assert "Please correct the errors below." in body
        assert "<script>alert(1)</script>" not in body
    preference = NotificationPreference.objects.get(user=world.admin)
    assert preference.language == "en"
    assert preference.email_off == [kinds.REVIEW_LATE]


def test_settings_unknown_fields_are_ignored(world, client_for):
    client = client_for(world.admin)
    client.post(SETTINGS, {"language": "en", "email_no_such_kind": "on", "email_review_late": "on"})
    preference = NotificationPreference.objects.get(user=world.admin)
    assert kinds.REVIEW_LATE not in preference.email_off
    assert "no_such_kind" not in preference.email_off
    assert set(preference.email_off) == set(kinds.KINDS) - {kinds.REVIEW_LATE}


def test_pages_need_a_district(world, client_for):
    # Signed in without any membership: no list of their own to show.
    assert client_for(world.nobody).get(LIST).status_code == 404
    assert client_for(world.nobody).get(SETTINGS).status_code == 404
    # Signed out: to the sign-in page.
    from django.test import Client

    response = Client().get(LIST)
    assert response.status_code == 302 and "login" in response.url


def test_preferences_are_per_district(world, client_for):
    from srp.models import Membership
    from srp.roles import Role

    Membership.objects.create(
        user=world.admin, district=world.other_district, role=Role.PROGRAM_ADMIN
    )
    prefer(world.admin, world.other_district, language="es")
    label = kinds.KINDS[kinds.REVIEW_LATE].label
    for district in (world.district, world.other_district):
        notify(
            [world.admin],
            kinds.REVIEW_LATE,
            district,
            label,
            "/agreements/",
            dedupe=f"k-{district.pk}",
        )
    # In this district the admin chose nothing (English); in the other, Spanish.
    assert Notification.objects.get(district=world.district).title == "Annual review due or late"
    assert Notification.objects.get(district=world.other_district).title == (
        "Revisión anual pendiente o atrasada"
    )
