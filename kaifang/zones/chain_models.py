"""The chains' own rollup (decision 0024): what the industry chains' figures are summed from
instead of the customs records. Kept apart from `models.py` (its size); imported there, so
Django and the migrations see these models as the zones app's."""

from __future__ import annotations

from django.db import models

from kaifang.trade.models import ENTERPRISE_SCOPE_OWNERS, ENTERPRISE_SCOPE_UNITS, Flow


class _ChainSums(models.Model):
    """What every chains' rollup row holds: a segment's HS code (2–6 digits, not a record's),
    the month, the flow and the dollar sum."""

    code = models.CharField(max_length=10)
    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)

    class Meta:
        abstract = True


class _ByFirm(_ChainSums):
    """A chains' rollup with the enterprise: scoped through it, as the records are. No
    foreign-key constraint: rows are replaced by month, never edited."""

    scope_unit_fields = ENTERPRISE_SCOPE_UNITS
    scope_owner_fields = ENTERPRISE_SCOPE_OWNERS

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class ChainTradeRollup(_ByFirm):
    """The customs records of the codes the chains' segments name, summed per enterprise,
    month, flow, code and partner (over trade modes and the rest of each record's code): a
    segment's figures for any scope (per enterprise: its exports and imports; per partner:
    sources and markets) are sums of these rows, whatever the records' count. Only the codes
    in `ChainRollupCode` are held, each under its own digits (8507 and 850760 both, if
    segments name both); rewritten with trade's rollups for the months a rebuild touches
    (`zones.chain_rollup`, on `rollups_rebuilt`, in the rebuild's transaction), never
    edited."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown

    class Meta:
        verbose_name = "产业链商品月度汇总"
        verbose_name_plural = "产业链商品月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "period", "flow", "enterprise", "partner"],
                name="zones_chain_rollup_unique",
            )
        ]
        # a liaison officer's few firms: one walk per firm
        indexes = [models.Index(fields=["enterprise", "period"], name="zones_chain_rollup_firm")]

    def __str__(self) -> str:
        return f"{self.code} {self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.partner}"


class ChainFirmRollup(_ByFirm):
    """`ChainTradeRollup` summed over partners: per enterprise, month, flow and code. A
    segment's firms (its by-enterprise figures) read these rows, a quarter of the partner
    rows (the leader's year-to-date of the chains' 36 codes at 5.6 M records: 43 k rows
    instead of 176 k, decision 0045). Written by `zones.chain_rollup` from the chains' rollup
    whenever it is, for the same codes and months; never edited."""

    class Meta:
        verbose_name = "产业链商品分企业月度汇总"
        verbose_name_plural = "产业链商品分企业月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "period", "flow", "enterprise"], name="zones_chain_firm_unique"
            )
        ]
        indexes = [models.Index(fields=["enterprise", "period"], name="zones_chain_firm_firm")]

    def __str__(self) -> str:
        return f"{self.code} {self.enterprise_id} {self.period:%Y-%m} {self.flow}"


class ChainPartnerRollup(_ChainSums):
    """`ChainTradeRollup` summed over enterprises: the city's sources and markets of each
    code per month and flow (25 k rows for the leader's year to date instead of 176 k,
    decision 0045). City-wide like trade's crosses, so read only for a viewer who sees the
    whole city; it has no scope fields, and the scope gate refuses it for anyone else.
    Written with `ChainFirmRollup`; never edited."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown

    class Meta:
        verbose_name = "产业链商品分国别(地区)月度汇总"
        verbose_name_plural = "产业链商品分国别(地区)月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "period", "flow", "partner"], name="zones_chain_partner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.partner} {self.period:%Y-%m} {self.flow}"


class ChainRollupCode(models.Model):
    """A code `ChainTradeRollup` holds for every month (filled by `chain_rollup.sync_codes`).
    A code not listed here is summed from the records. The row with the empty code is the
    lock that the rebuild's rewrite and `sync_codes` take first, so neither reads the other's
    half-written state."""

    code = models.CharField(max_length=10, unique=True)
    filled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "产业链汇总商品编码"
        verbose_name_plural = "产业链汇总商品编码"

    def __str__(self) -> str:
        return self.code or "(lock)"
