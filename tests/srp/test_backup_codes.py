"""Backup codes for a lost phone (issue #15 item 1): shown once, each works once, and a used
code is announced to the account's owner."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from srp.models import OutboundEmail
from srp.second_factor import BACKUP_CODE_COUNT, issue_backup_codes, use_backup_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _with_phone(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_setting_up_the_app_shows_ten_codes_once(client_for, world):
    c = client_for(world.principal_a)
    c.get(reverse("account:otp_setup"))
    device = TOTPDevice.objects.get(user=world.principal_a, confirmed=False)
    page = c.post(reverse("account:otp_setup"), {"token": _code(device)})
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    stored = set(
        StaticToken.objects.filter(device__user=world.principal_a).values_list("token", flat=True)
    )
    assert len(stored) == BACKUP_CODE_COUNT
    body = page.content.decode()
    assert all(code in body for code in stored)
    # The account page afterwards counts them but never shows them again.
    profile = c.get(reverse("account:profile")).content.decode()
    assert "10 backup codes left" in profile
    assert not any(code in profile for code in stored)


def test_a_backup_code_signs_in_once_and_tells_the_owner(client, world):
    _with_phone(world.admin)
    codes = issue_backup_codes(world.admin)
    _login(client, world.admin)
    verify = reverse("account:otp_verify")
    response = client.post(verify, {"backup_code": codes[0].upper()})
    assert response.status_code == 302 and response["Location"] == reverse("srp:dashboard")
    assert client.get(reverse("srp:people_list")).status_code == 200
    assert StaticToken.objects.filter(device__user=world.admin).count() == BACKUP_CODE_COUNT - 1
    (email,) = [e for e in OutboundEmail.objects.all() if e.to == [world.admin.email]]
    assert "backup code" in email.subject and "9 backup codes are left" in email.body

    # The same code does not work a second time.
    again = client.__class__()
    _login(again, world.admin)
    refused = again.post(verify, {"backup_code": codes[0]})
    assert refused.status_code == 200
    assert "not right, or it was used already" in refused.content.decode()
    assert again.get(reverse("srp:people_list")).status_code == 302


@pytest.mark.parametrize(
    "value",
    ["", "short", "abcdefgh1", "' OR 1=1 --", "a" * 5000, "abcd\x00efg", "ABCDEFG8"],
)
def test_malformed_backup_codes_are_refused_with_a_message(client, world, value):
    _with_phone(world.admin)
    issue_backup_codes(world.admin)
    _login(client, world.admin)
    response = client.post(reverse("account:otp_verify"), {"backup_code": value})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "backup code" in response.content.decode().lower()
    assert StaticToken.objects.filter(device__user=world.admin).count() == BACKUP_CODE_COUNT
    assert client.get(reverse("srp:people_list")).status_code == 302


def test_new_codes_replace_the_old_ones(client, world):
    _with_phone(world.admin)
    old = issue_backup_codes(world.admin)
    _login(client, world.admin)
    client.post(
        reverse("account:otp_verify"), {"token": _code(TOTPDevice.objects.get(user=world.admin))}
    )
    page = client.post(reverse("account:backup_codes"))
    new = set(StaticToken.objects.filter(device__user=world.admin).values_list("token", flat=True))
    assert len(new) == BACKUP_CODE_COUNT and not new & set(old)
    assert all(code in page.content.decode() for code in new)
    assert use_backup_code(world.admin, old[1]) == (None, "wrong")


def test_backup_codes_page_needs_a_verified_session_and_an_app(client, client_for, world):
    # Password alone, with a phone set up: sent to the code page first.
    _with_phone(world.admin)
    _login(client, world.admin)
    response = client.post(reverse("account:backup_codes"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("account:otp_verify")
    )
    assert not StaticDevice.objects.filter(user=world.admin).exists()
    # Without an app there is nothing to back up.
    c = client_for(world.board)
    assert c.post(reverse("account:backup_codes"))["Location"] == reverse("account:otp_setup")
    assert not StaticDevice.objects.filter(user=world.board).exists()


def test_turning_the_second_factor_off_removes_the_codes(client, world):
    phone = _with_phone(world.principal_a)
    issue_backup_codes(world.principal_a)
    _login(client, world.principal_a)
    client.post(reverse("account:otp_verify"), {"token": _code(phone)})
    client.post(reverse("account:otp_disable"))
    assert not StaticDevice.objects.filter(user=world.principal_a).exists()
    assert not TOTPDevice.objects.filter(user=world.principal_a).exists()


def test_codes_only_unlock_their_own_account(world):
    _with_phone(world.admin)
    _with_phone(world.principal_a)
    codes = issue_backup_codes(world.admin)
    issue_backup_codes(world.principal_a)
    assert use_backup_code(world.principal_a, codes[0]) == (None, "wrong")
    assert use_backup_code(world.board, codes[0]) == (None, "none")
    device, refusal = use_backup_code(world.admin, codes[0])
    assert device is not None and refusal == ""


@pytest.mark.django_db(transaction=True)
def test_one_code_used_twice_at_once_signs_in_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need PostgreSQL")
    codes = issue_backup_codes(world.admin)
    results = []

    def spend():
        try:
            results.append(use_backup_code(world.admin, codes[0])[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count("") == 1
