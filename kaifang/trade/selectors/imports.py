"""Reads the import machinery needs: reference lookups as plain data, and import batches
within scope."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from kaifang.core.models import Partner, SupervisionMode, TradeMode, User
from kaifang.core.scope import visible_to
from kaifang.enterprises.models import Enterprise
from kaifang.trade.importers.common import Lookups
from kaifang.trade.models import ImportBatch


def _split_aliases(raw: str) -> list[str]:
    for sep in ("，", "、", ";", "；", "|"):
        raw = raw.replace(sep, ",")
    return [a.strip() for a in raw.split(",") if a.strip()]


def import_lookups() -> Lookups:
    """Reference data and the register's identities for the pure importers (one pass each)."""
    partners = list(Partner.objects.values_list("code", "name_zh", "name_zh_clean", "aliases"))
    aliases: dict[str, str] = {}
    for code, _name, clean, extra in partners:
        if clean:
            aliases[clean] = code
        for alias in _split_aliases(extra or ""):
            aliases[alias] = code
    # English names (the customs platform's English download) and ISO codes (US, USA), after
    # the Chinese names so that none of them displaces one; not NA (Namibia), which English
    # data writes for a missing value
    for code, *english in Partner.objects.values_list(
        "code", "iso2", "iso3", "name_en", "name_en_clean"
    ):
        for alias in english:
            if alias and alias.upper() != "NA":
                aliases.setdefault(alias, code)
    modes: list[tuple[str, str, str]] = [
        (code, name, code) for code, name in TradeMode.objects.values_list("code", "name_zh")
    ]
    for code, name, stats_code in SupervisionMode.objects.values_list(
        "code", "name_zh", "trade_mode__code"
    ):
        modes.append((code, name, stats_code or code))
    enterprises = [
        (pk, uscc or "", customs or "", name)
        for pk, uscc, customs, name in Enterprise.objects.values_list(
            "id", "uscc", "customs_code", "name"
        )
    ]
    former = [
        (pk, name)
        for pk, names in Enterprise.objects.exclude(former_names=[]).values_list(
            "id", "former_names"
        )
        for name in names
    ]
    return Lookups.build(
        partners=[(code, name) for code, name, _c, _a in partners],
        partner_aliases=aliases,
        trade_modes=modes,
        enterprises=enterprises,
        former_names=former,
    )


def scope_attributes() -> dict[int, tuple[int, int, int | None]]:
    """Every enterprise's (district id, park id, liaison id), 0 where unplaced: what the
    rollups by pair and by liaison officer group on. Read by imports, which see the city."""
    return {
        pk: (district or 0, park or 0, liaison)
        for pk, district, park, liaison in Enterprise.objects.values_list(
            "id", "district_id", "park_id", "liaison_id"
        )
    }


def import_batches(*, user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    return visible_to(ImportBatch.objects.select_related("uploaded_by"), user)
