"""The demo loader on a tiny city: two dozen policies with articles and support items, the
demo enterprises get matches (some 免申即享 in the ledger), and a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kaifang.core import demo
from kaifang.core.reference_loader import (
    load_hs_codes,
    load_industries,
    load_partners,
    load_trade_modes,
)
from kaifang.enterprises import demo as enterprises_demo
from kaifang.library.models import (
    Document,
    Fair,
    FairExhibitor,
    LedgerEntry,
    Match,
    Outcome,
    ReplyTemplate,
    SupportItem,
)
from kaifang.library.parsing import parse
from kaifang.trade import demo as trade_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setitem(enterprises_demo.ENTERPRISES, "small", 150)
    monkeypatch.setitem(trade_demo.LINES, "small", 700)
    load_industries()
    load_partners()
    load_trade_modes()
    load_hs_codes()


@time_machine.travel(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC), tick=False)
def test_demo_policies_match_demo_enterprises(tiny):
    only = ("city", "enterprises", "trade", "library")
    demo.run(size="small", seed=7, log=lambda _: None, only=only)
    assert Document.objects.count() >= 20
    assert SupportItem.objects.count() >= 12
    for document in Document.objects.all():
        assert any(b.anchor for b in parse(document.text)), document.title
    for item in SupportItem.objects.exclude(anchor=""):
        anchors = {b.anchor for b in parse(item.document.text)}
        assert item.anchor in anchors, item.title
    assert Match.objects.filter(outcome=Outcome.ELIGIBLE).count() > 50
    assert Match.objects.filter(outcome=Outcome.NEAR).exists()
    assert LedgerEntry.objects.exists()
    # Fairs: one list imported (its exhibitors meet the fair item), one not (待核实 at most).
    canton = Fair.objects.get(session="第139届")
    assert canton.list_imported_at is not None and canton.exhibitors.count() >= 5
    fair_item = SupportItem.objects.get(title="重点展会参展企业展位补贴")
    eligible = fair_item.matches.filter(outcome=Outcome.ELIGIBLE)
    assert eligible.count() == canton.exhibitors.count()
    assert not Fair.objects.get(session="第9届").exhibitors.exists()
    # Reply templates per category, the cited ones on a real clause.
    for template in ReplyTemplate.objects.exclude(document=None):
        assert template.anchor in {b.anchor for b in parse(template.document.text)}
    assert set(ReplyTemplate.objects.values_list("category", flat=True)) >= {"policy", "logistics"}
    counts = (Document.objects.count(), SupportItem.objects.count(), Match.objects.count())
    side = (FairExhibitor.objects.count(), ReplyTemplate.objects.count(), Fair.objects.count())
    demo.run(size="small", seed=7, log=lambda _: None, only=only)
    assert (Document.objects.count(), SupportItem.objects.count(), Match.objects.count()) == counts
    assert (
        FairExhibitor.objects.count(),
        ReplyTemplate.objects.count(),
        Fair.objects.count(),
    ) == side
