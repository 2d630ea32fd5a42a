"""The briefing's appeals paragraph: the month's appeals, resolved, on time, satisfaction."""

from __future__ import annotations

import pytest

from kaifang.reports.briefing import _appeals_section
from kaifang.servicedesk import actions
from kaifang.servicedesk.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_the_paragraph_counts_the_months_appeals_and_the_resolved_on_time(city, accepted):
    done = accepted(when=at(2026, 11, 4))
    actions.appeal_resolve(
        appeal=done, actor=city.district_a_user, resolution="已协调办结。", at=at(2026, 11, 6)
    )
    accepted(when=at(2026, 11, 20))  # still open
    accepted(when=at(2026, 10, 31))  # the month before
    text = " ".join(_appeals_section(2026, 11).paragraphs)
    assert "受理企业诉求2件，办结1件，按期办结率100.0%" in text and "在办1件" in text
