"""The garbage collector's full passes after a response (kaifang/core/lib/collector.py,
decision 0047), with a real request through Django's handler."""

from __future__ import annotations

import gc

import pytest
from django.core.signals import request_finished
from django.urls import reverse

from kaifang.core.lib import collector


@pytest.fixture
def installed():
    collector.install()
    yield
    collector.uninstall()


@pytest.mark.django_db
def test_a_full_pass_runs_once_a_response_is_done_and_only_when_due(installed, client):
    assert gc.get_threshold()[2] == collector.FULL_AFTER * collector.BACKSTOP
    gc.collect()
    assert not collector.collect_if_due()  # none due: no middle-generation pass since
    for _ in range(collector.FULL_AFTER):
        gc.collect(1)
    collector.last_pass_ms = 0.0
    assert client.get(reverse("core:login")).status_code == 200
    assert gc.get_count()[2] < collector.FULL_AFTER  # the full pass reset it
    assert collector.last_pass_ms > 0


@pytest.mark.django_db
def test_uninstalled_the_schedule_is_cpythons():
    collector.install()
    collector.uninstall()
    assert gc.get_threshold()[2] == collector.FULL_AFTER
    for _ in range(collector.FULL_AFTER):
        gc.collect(1)
    request_finished.send(sender=None)
    assert gc.get_count()[2] >= collector.FULL_AFTER  # no receiver ran a pass
    gc.collect()
