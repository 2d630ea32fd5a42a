"""Behind the README's nginx every request comes from 127.0.0.1: the login lockout and the rate
limits key on the client address from X-Forwarded-For, trusting as many proxies as
TRUSTED_PROXIES says; password spraying (one address, many accounts) is limited too."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from conftest import PASSWORD
from kaifang.core.lib.client_ip import client_ip

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "127.0.0.1"),  # no proxy trusted: the header is anyone's claim
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "10.9.9.9, 203.0.113.7", "203.0.113.7"),  # the client's own claim is ignored
        (2, "10.9.9.9, 203.0.113.7, 192.0.2.1", "203.0.113.7"),
        (2, "203.0.113.7", "127.0.0.1"),  # fewer hops than trusted proxies: the peer
        (1, "not-an-address", "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def login(client, username, password, address):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_nginx_one_attacker_does_not_lock_out_the_real_user(city, settings):
    settings.TRUSTED_PROXIES = 1
    attacker, officer = Client(), Client()
    for _ in range(5):
        login(attacker, "officer", "wrong", "198.51.100.66")
    assert login(attacker, "officer", PASSWORD, "198.51.100.66").status_code == 429
    assert login(officer, "officer", PASSWORD, "203.0.113.10").status_code == 302


def test_without_trusted_proxies_the_header_cannot_dodge_the_lockout(city, settings):
    settings.TRUSTED_PROXIES = 0
    attacker = Client()
    for number in range(5):
        login(attacker, "officer", "wrong", f"198.51.100.{number}")
    assert login(attacker, "officer", PASSWORD, "198.51.100.99").status_code == 429


def test_password_spraying_from_one_address_is_paused(city, settings):
    settings.TRUSTED_PROXIES = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    sprayer = Client()
    accounts = ["leader", "officer", "dist_a", "dist_b", "admin", "nobody"]
    for number, username in enumerate(accounts):  # one guess per account: axes sees nothing
        response = login(sprayer, username, "Spring2026!", "198.51.100.7")
        assert response.status_code == (429 if number == 5 else 200), username
    paused = login(sprayer, "officer", PASSWORD, "198.51.100.7")
    assert paused.status_code == 429 and "登录已暂停" in paused.content.decode()
    # Another address (a colleague behind the same nginx) logs in as usual.
    assert login(Client(), "officer", PASSWORD, "203.0.113.10").status_code == 302
