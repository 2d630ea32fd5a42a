"""Demo firms a reviewer believes: each liaison officer looks after a plausible few dozen
firms of their own district, and a firm named after a place is named after its own district."""

from __future__ import annotations

import random

import pytest

from kaifang.core import demo
from kaifang.core.models import RoleCode, User
from kaifang.core.reference_loader import load_industries
from kaifang.enterprises.demo import _HOME_PLACE, enterprise_specs, load_enterprises
from kaifang.enterprises.models import Enterprise


def _ctx(log, size="small"):
    return demo.DemoContext(size=size, rng=random.Random("t"), log=log)  # noqa: S311 (demo data)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("size", ["small", "large"])
def test_liaison_officers_look_after_their_own_district(size):
    messages: list[str] = []
    demo.load_city(_ctx(messages.append, size))
    load_industries()
    load_enterprises(_ctx(messages.append, size))
    officers = User.objects.filter(roles__code=RoleCode.LIAISON, is_synthetic=True)
    assert officers.exists()
    assigned = 0
    for officer in officers:
        firms = Enterprise.objects.filter(liaison=officer)
        districts = set(firms.values_list("district_id", flat=True))
        assert districts <= {officer.unit_id}, officer.username
        assert 5 <= firms.count() <= 80, (officer.username, firms.count())
        assigned += firms.count()
    # the loader's line says how many firms really got an officer
    assert f"包联 {assigned} 家" in messages[-1]
    assert Enterprise.objects.filter(liaison__isnull=False).count() == assigned


def test_firm_names_match_their_district():
    checked = 0
    for spec in enterprise_specs(2026, 2000):
        for names in (spec.name, spec.former_name):
            other_places = [p for d, p in _HOME_PLACE.items() if d != spec.district]
            assert not any(names.startswith(p) for p in other_places), (spec.district, names)
        checked += spec.name.startswith(_HOME_PLACE[spec.district])
    assert checked > 600  # most firms carry their district's name
