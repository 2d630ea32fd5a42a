"""The enterprise stage rollups: the customs records of one enterprise, month and flow grouped
by a stage's fields (trade/dimensions.py), kept, and the partner group stage summed from the
partner stage through the groups' members."""

from __future__ import annotations

from django.db import models

from kaifang.trade.models.records import ENTERPRISE_SCOPE_OWNERS, ENTERPRISE_SCOPE_UNITS
from kaifang.trade.models.rollups import MonthlySums

# What the stages' key indexes carry after (key, period, enterprise), so that a read of the
# firms within a key is answered by the index alone (decision 0046).
SUMMED = ("flow", "value_usd", "value_cny", "rows")


class _EnterpriseStage(MonthlySums):
    """The customs records of one enterprise, month and flow, grouped by a rollup stage's
    fields (trade/dimensions.py `STAGES`): the grouping every rollup of a rebuild is summed
    from, kept. Pages that need one enterprise's figures by partner, product or trade mode
    (the 一企一档 trade panel, concentration, the risk module's dependence) read these rows
    instead of the records. Rewritten with the other rollups for the months they rebuild,
    never edited. Scope: through the enterprise, as the records are.

    The unique key leads with (enterprise, period): one firm's months are one walk along it;
    on PostgreSQL it also carries the sums (INCLUDE, migration trade/0013), so that walk
    reads no table rows.
    No foreign-key constraint, as for the exposure rollup: rows are replaced by month, and an
    enterprise with customs records cannot be deleted (the records protect it)."""

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


class EnterprisePartnerRollup(_EnterpriseStage):
    """Stage "partner": per enterprise, month and flow, the sums by trade partner (summed from
    the partner × trade mode stage, trade/dimensions.py DERIVED)."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown

    class Meta:
        verbose_name = "企业分国别(地区)月度汇总"
        verbose_name_plural = "企业分国别(地区)月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "partner"],
                name="enterprise_partner_rollup_unique",
            )
        ]
        # (partner, period, enterprise): the firms trading with one partner or group (by firm
        # within a partner: 380 ms through the period index at 5.6 M records, session 41). The
        # enterprise third: SQLite, without statistics, takes this index for one firm's partner
        # too, and then seeks the firm's rows instead of reading every firm's (11,166 rows of
        # partner 143's year against the firm's 363). The flow and the sums after them
        # (`SUMMED`), as in each stage's key index: the firms within a key read the index
        # alone, not one table row per entry (the leader's within partner 502: 57 → 19 ms of
        # SQL at 5.6 M records, and fewer pages read on a first view; decision 0046).
        indexes = [
            models.Index(fields=["period"], name="enterprise_partner_period"),
            models.Index(
                fields=["partner", "period", "enterprise", *SUMMED], name="enterprise_partner_cover"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.partner}"


class EnterprisePartnerYearToDateRollup(_EnterpriseStage):
    """累计 of the partner stage: per enterprise, flow and partner, the sums from January to
    each month of its year (through December: months after the last data hold the year's
    sums so far). The 300 largest exporters' partner concentration (the dependence page, the
    concentration page) reads one month of these instead of eleven stage months per firm
    (decision 0062). Not a stage (`STAGE_MODELS`): summed from the partner stage by every
    rebuild, after it, as YearToDateRollup is from the enterprise rollup."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    period = models.DateField()  # the last month summed; the first is January of its year

    class Meta:
        verbose_name = "企业分国别(地区)年内累计汇总"
        verbose_name_plural = "企业分国别(地区)年内累计汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "partner"],
                name="enterprise_partner_ytd_unique",
            )
        ]
        indexes = [models.Index(fields=["period"], name="enterprise_partner_ytd_period")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} 1–{self.period:%Y-%m} {self.flow} {self.partner}"


class EnterpriseProductRollup(_EnterpriseStage):
    """Stage "product": per enterprise, month and flow, the sums by HS heading (the first four
    digits of the commodity code) and trade mode."""

    heading = models.CharField(max_length=4, blank=True)  # "" where the code is missing
    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "企业分商品贸易方式月度汇总"
        verbose_name_plural = "企业分商品贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "heading", "mode"],
                name="enterprise_product_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_product_period"),
            models.Index(  # the enterprise after the month, as in the partner stage's
                fields=["heading", "period", "enterprise", "mode", *SUMMED],
                name="enterprise_product_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.heading} {self.mode}"


class EnterpriseModeRollup(_EnterpriseStage):
    """Stage "mode": per enterprise, month and flow, the sums by trade mode; the product stage
    without the heading, summed from it (trade/dimensions.py DERIVED). The firms within a
    trade mode (by firm within 一般贸易: 1.3 s of CPU reading the product stage's 1.5 M rows
    on a first view at 5.6 M records, session 42) and a firm's totals read a tenth of the rows
    here (decision 0038)."""

    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "企业分贸易方式月度汇总"
        verbose_name_plural = "企业分贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "mode"],
                name="enterprise_mode_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_mode_period"),
            models.Index(  # the enterprise after the month, as in the other stages'
                fields=["mode", "period", "enterprise", *SUMMED], name="enterprise_mode_cover"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.mode}"


class EnterpriseChapterRollup(_EnterpriseStage):
    """Stage "chapter": per enterprise, month and flow, the sums by HS chapter (the first two
    digits of the commodity code); the product stage with the heading cut and without the
    mode, summed from it (trade/dimensions.py DERIVED). 407 k rows at 5.6 M records against
    the product stage's 1.49 M: the firms within a chapter (200 → 28 ms of CPU on a first
    view for HS 85) and a scoped viewer's chapters read it, and the chapter rollups are summed
    from it (decision 0039). It keeps its rows when records come under another trade mode."""

    chapter = models.CharField(max_length=2, blank=True)  # "" where the code is missing

    class Meta:
        verbose_name = "企业分商品章月度汇总"
        verbose_name_plural = "企业分商品章月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "chapter"],
                name="enterprise_chapter_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_chapter_period"),
            models.Index(  # the enterprise after the month, as in the other stages'
                fields=["chapter", "period", "enterprise", *SUMMED], name="enterprise_chapter_cover"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.chapter}"


class EnterpriseChapterModeRollup(_EnterpriseStage):
    """Stage "chapter_mode": per enterprise, month and flow, the sums by HS chapter and trade
    mode; the product stage with the heading cut to its chapter, summed from it (decision
    0054). About 487 k rows at 5.6 M records against the product stage's 1.49 M: the firms
    within a chapter and a trade mode (the leader's within HS 84 and 一般贸易 read 236,000
    product rows, 108 ms of SQL) and the chapters within a mode read it. Read only with a
    trade mode: the chapter stage, which keeps no mode, serves a chapter alone."""

    chapter = models.CharField(max_length=2, blank=True)  # "" where the code is missing
    mode = models.CharField(max_length=20, blank=True)  # the trade mode; "" unknown

    class Meta:
        verbose_name = "企业分商品章分贸易方式月度汇总"
        verbose_name_plural = "企业分商品章分贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "chapter", "mode"],
                name="enterprise_chapter_mode_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_chapter_mode_period"),
            models.Index(  # a chapter and a mode sought per month, the firm's sums on the index
                fields=["chapter", "mode", "period", "enterprise", *SUMMED],
                name="enterprise_chapter_mode_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.chapter} {self.mode}"


class EnterpriseGroupRollup(_EnterpriseStage):
    """Stage "group": per enterprise, month and flow, the sums by partner group (RCEP, 一带一路
    …), a firm's trade with a group's members; summed from the partner stage through the
    groups' members, so a partner counts in each of its groups. Not a dimension of
    trade/dimensions.py: its key is no column of the records but the members an administrator
    chooses, and editing them refreshes that group's rows (trade/invalidation.py). The firms
    within 一带一路 read its 106 k rows instead of the partner stage's 540 k (402 → 37 ms at 5.6
    M records, session 44; decision 0040). It keeps its rows when records come under another
    trade mode."""

    partner_group = models.CharField(max_length=30)  # the group's code

    class Meta:
        verbose_name = "企业分国别(地区)分组月度汇总"
        verbose_name_plural = "企业分国别(地区)分组月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "partner_group"],
                name="enterprise_group_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_group_period"),
            models.Index(  # the enterprise after the month, as in the other stages'
                fields=["partner_group", "period", "enterprise", *SUMMED],
                name="enterprise_group_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.partner_group}"


class EnterprisePartnerModeRollup(_EnterpriseStage):
    """Stage "partner_mode": per enterprise, month and flow, the sums by trade partner and
    trade mode; grouped from the facts, and the partner stage summed from it. It answers the
    partners within a trade mode, the modes within a partner and the firms within both, from
    the stage rather than the records (a district user's partners within 一般贸易: 9.9 s of
    CPU on a first view at 5.6 M records, session 43; decision 0038). 1.51 M rows at 5.6 M
    records against the partner stage's 1.31 M: pages without a mode keep reading that one,
    which does not grow when records come under another trade mode. The unique key serves
    the reads (a scoped viewer's firms, months and flows); the period index, the rebuilds."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "企业分国别(地区)分贸易方式月度汇总"
        verbose_name_plural = "企业分国别(地区)分贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "partner", "mode"],
                name="enterprise_partner_mode_unique",
            )
        ]
        indexes = [models.Index(fields=["period"], name="enterprise_partner_mode_period")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.partner} {self.mode}"


# stage (trade/dimensions.py) → the table that keeps it; each field of the stage is a column
StageModel = (
    type[EnterprisePartnerRollup]
    | type[EnterpriseProductRollup]
    | type[EnterpriseModeRollup]
    | type[EnterprisePartnerModeRollup]
    | type[EnterpriseChapterRollup]
    | type[EnterpriseChapterModeRollup]
    | type[EnterpriseGroupRollup]
)


STAGE_MODELS: dict[str, StageModel] = {
    "partner": EnterprisePartnerRollup,
    "product": EnterpriseProductRollup,
    "mode": EnterpriseModeRollup,
    "partner_mode": EnterprisePartnerModeRollup,
    "chapter": EnterpriseChapterRollup,
    "chapter_mode": EnterpriseChapterModeRollup,
    # not a stage of trade/dimensions.py: summed from the partner stage through the groups'
    # members (rollups.group_stage)
    "group": EnterpriseGroupRollup,
}
