"""The monthly rollups without the enterprise: by one dimension for the city, a (district,
park) pair and a liaison officer, year to date, and the city-wide crosses of two trade keys and
of the commodity code. Rebuilt from the facts (or the stages) for the periods an import
touched, so every total on a page equals the sum of the rows it drills down to."""

from __future__ import annotations

from django.db import models

from kaifang.trade.models.records import Flow


class Dimension(models.TextChoices):
    PARTNER = "partner", "国别(地区)"
    HS2 = "hs2", "商品章"
    HS4 = "hs4", "商品品目"
    MODE = "mode", "贸易方式"
    ENTERPRISE = "enterprise", "企业"


class MonthlySums(models.Model):
    """What every monthly rollup row holds besides its keys: the month, the flow, the sums in
    both currencies and the records summed (`rows`)."""

    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class TradeRollup(MonthlySums):
    """Monthly sums of customs records by one dimension: what pages read at 5 million rows.
    Rebuilt from the facts for every period an import touches (never edited by hand)."""

    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=20)

    class Meta:
        verbose_name = "贸易月度汇总"
        verbose_name_plural = "贸易月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "period", "flow", "key"], name="trade_rollup_unique"
            )
        ]
        indexes = [models.Index(fields=["dimension", "key", "period"])]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key} {self.period:%Y-%m} {self.flow}"


class ScopeRollup(MonthlySums):
    """Monthly sums by one dimension for the enterprises of one (district, park) pair: what a
    district or park user's pages read. Each enterprise has exactly one pair, so filtering
    "district in the user's units OR park in the user's units" counts it once even when both
    are in scope. 0 stands for "none" (unit ids start at 1). Rebuilt with TradeRollup, and for
    the pairs of an enterprise that moves (kaifang.trade.apps)."""

    district_id = models.PositiveIntegerField(default=0)
    park_id = models.PositiveIntegerField(default=0)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=20)

    class Meta:
        verbose_name = "贸易月度汇总（按县区园区）"
        verbose_name_plural = "贸易月度汇总（按县区园区）"
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "district_id", "park_id", "period", "flow", "key"],
                name="scope_rollup_unique",
            )
        ]
        # (key, dimension, period): a drill-down's count and totals for one key (an HS
        # heading, a partner) within a district or park user's units, which the unique key
        # (pair before period, key last) and the period index serve only by reading every
        # key of the months (a district user's HS heading: 3–17 ms on SQLite, 24 ms on
        # PostgreSQL at 5.6 M records, session 24). The key first: led by the dimension, the
        # index gives every key in order, and SQLite took it for the breakdowns' GROUP BY
        # key, reading every pair's rows (a district user's hs4 breakdown 5–28 → 62–74 ms).
        indexes = [
            models.Index(fields=["dimension", "park_id", "period"]),
            models.Index(fields=["period"]),
            models.Index(fields=["key", "dimension", "period"], name="scope_rollup_key"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key} {self.district_id}/{self.park_id} {self.period:%Y-%m}"


class LiaisonRollup(MonthlySums):
    """ScopeRollup's sums again, for enterprises that have a liaison officer only, split by
    that officer: what a liaison officer's pages read for the enterprises they see only as
    liaison (outside their units), which the (district, park) pair cannot isolate. Small,
    because few enterprises have a liaison. Rebuilt with ScopeRollup, by period and by pair
    (an enterprise whose liaison changes has its pair refreshed)."""

    liaison_id = models.PositiveIntegerField()
    district_id = models.PositiveIntegerField(default=0)
    park_id = models.PositiveIntegerField(default=0)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=20)

    class Meta:
        verbose_name = "贸易月度汇总（按包联干部）"
        verbose_name_plural = "贸易月度汇总（按包联干部）"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "liaison_id",
                    "dimension",
                    "period",
                    "flow",
                    "district_id",
                    "park_id",
                    "key",
                ],
                name="liaison_rollup_unique",
            )
        ]
        indexes = [models.Index(fields=["period"]), models.Index(fields=["district_id", "park_id"])]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key} liaison {self.liaison_id} {self.period:%Y-%m}"


class YearToDateRollup(MonthlySums):
    """Per enterprise, the sums from January to each month of that month's year (累计), read
    where a page needs 累计 and 上年同期累计 for every enterprise: two rows per firm and flow
    instead of up to twenty monthly ones. Summed from the enterprise rows of TradeRollup in
    the same rebuild, for each affected month through December (a month's change moves every
    later 累计 of its year). Months after the last data hold the year's sums so far."""

    key = models.CharField(max_length=20)  # the enterprise id, as in TradeRollup
    period = models.DateField()  # the last month summed; the first is January of its year

    class Meta:
        verbose_name = "企业年内累计汇总"
        verbose_name_plural = "企业年内累计汇总"
        constraints = [
            models.UniqueConstraint(fields=["period", "flow", "key"], name="ytd_rollup_unique")
        ]

    def __str__(self) -> str:
        return f"enterprise:{self.key} 1–{self.period:%Y-%m} {self.flow}"


class PartnerProductRollup(MonthlySums):
    """City-wide monthly sums by trade partner and HS heading: the one cross of two trade
    dimensions the pages ask for that no stage holds (the partners within an HS chapter, the
    chapters within a partner or a partner group). Without the enterprise it is a fifth of the
    records; a row per firm as well would be nine tenths of them (decision 0035). So it
    answers only viewers who see the whole city, as TradeRollup does; it is rebuilt from the
    facts with the other rollups, never edited."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    heading = models.CharField(max_length=4, blank=True)  # "" where the code is missing

    class Meta:
        verbose_name = "分国别(地区)分商品月度汇总"
        verbose_name_plural = "分国别(地区)分商品月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "partner", "heading"],
                name="partner_product_rollup_unique",
            )
        ]
        # One partner's (or group's) months, or one heading range's: the rows a keyed page
        # reads, found without walking the month's other rows. The heading's carries the
        # sums: the partners within an HS chapter are read on it alone (trade/0039).
        indexes = [
            models.Index(fields=["partner", "period"], name="partner_product_partner"),
            models.Index(
                fields=["heading", "period", "flow", "partner", "value_usd", "value_cny", "rows"],
                name="partner_product_heading_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.partner} {self.heading}"


class PlacePartnerChapterRollup(MonthlySums):
    """Monthly sums by trade partner, HS chapter and trade mode for the enterprises of one
    (district, park) pair: a district or park user's partners within a chapter and chapters
    within a partner (within a trade mode too, decision 0053), and the leader's within a
    district or park. No stage holds a partner and a heading (decision 0035: per firm it
    would be half the records); per pair and chapter it is 624,607 rows at 5.6 M records, 11 %
    of them (decision 0043), about 850,000 with the mode. Each firm is in one pair,
    so filtering by the viewer's units as ScopeRollup is filtered gives exactly the records
    they see. Grouped from the facts with the other rollups; for the pairs of a firm that
    moves, grouped again from their firms' records (`rollups.refresh_places`)."""

    district_id = models.PositiveIntegerField(default=0)  # 0: none (unit ids start at 1)
    park_id = models.PositiveIntegerField(default=0)
    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    chapter = models.CharField(max_length=2, blank=True)  # "" where the code is missing
    mode = models.CharField(max_length=20, blank=True)  # the trade mode; "" unknown

    class Meta:
        verbose_name = "分县区园区分国别(地区)分章月度汇总"
        verbose_name_plural = "分县区园区分国别(地区)分章月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["district_id", "park_id", "period", "flow", "partner", "chapter", "mode"],
                name="place_partner_chapter_mode_unique",
            )
        ]
        # One partner's (or group's) months, or one chapter range's, across the pairs: the
        # rows a keyed page reads, without walking a pair's other partners or chapters. The
        # unique key serves a district's rows (a refresh, a district key), the park index a
        # park's: a group within an empty park read the group's partners across every pair
        # (22 ms on SQLite, 40–48 ms on PostgreSQL at 5.6 M; 1.8 ms with it, session 45).
        # A partner's index holds the chapter before the month: a partner and a chapter
        # together are sought, not one of them read across the other's values (trade/0038).
        # Both carry every other column: their rows are tested for the mode, the pair (and
        # the partner) on the index alone (trade/0040).
        indexes = [
            models.Index(
                fields=[
                    "partner",
                    "chapter",
                    "period",
                    "mode",
                    "district_id",
                    "park_id",
                    "flow",
                    "value_usd",
                    "value_cny",
                    "rows",
                ],
                name="place_cross_partner_cover",
            ),
            models.Index(
                fields=[
                    "chapter",
                    "period",
                    "mode",
                    "district_id",
                    "park_id",
                    "flow",
                    "partner",
                    "value_usd",
                    "value_cny",
                    "rows",
                ],
                name="place_cross_chapter_cover",
            ),
            models.Index(fields=["park_id", "period"], name="place_partner_chapter_park"),
            # A district's rows within one trade mode (a district user's chapters or partners
            # within 一般贸易, anyone's within a district and a mode): the unique key sought the
            # district and read its every park, month and mode from the table, so the read
            # doubled with the doubled set's second mode (a district user's partners within
            # 一般贸易 and his district 146 → 210 ms at 2×; 104 and 103 ms with it; trade/0042).
            models.Index(
                fields=[
                    "district_id",
                    "mode",
                    "period",
                    "chapter",
                    "partner",
                    "park_id",
                    "flow",
                    "value_usd",
                    "value_cny",
                    "rows",
                ],
                name="place_cross_district_mode",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.district_id}/{self.park_id} {self.period:%Y-%m} {self.flow} "
            f"{self.partner} {self.chapter} {self.mode}"
        )


class PartnerModeRollup(MonthlySums):
    """City-wide monthly sums by trade partner and trade mode: the partners within a trade
    mode and the modes within a partner or group, for viewers who see the whole city. The
    partner × mode stage holds the same cross per firm (decision 0038), but the leader's partners
    within 一般贸易 read a year of every firm's rows there (802 ms of CPU on a first view at
    5.6 M records); without the firm it is 10,724 rows for 36 months. Summed from the partner
    × mode stage with the other rollups, never edited."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "分国别(地区)分贸易方式月度汇总"
        verbose_name_plural = "分国别(地区)分贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "partner", "mode"], name="partner_mode_rollup_unique"
            )
        ]
        indexes = [
            models.Index(fields=["mode", "period"], name="partner_mode_mode"),
            models.Index(fields=["partner", "period"], name="partner_mode_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.partner} {self.mode}"


class ModeProductRollup(MonthlySums):
    """City-wide monthly sums by trade mode and HS heading: the chapters or headings within a
    trade mode and the modes within an HS chapter or heading, for viewers who see the whole
    city. The product stage holds the same cross per firm, a row per firm and heading: the
    leader's chapters within 一般贸易 read 519 ms of CPU there on a first view at 5.6 M
    records; without the firm it is 79,139 rows for 36 months. Summed from the product stage
    with the other rollups, never edited (decision 0038)."""

    heading = models.CharField(max_length=4, blank=True)  # "" where the code is missing
    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "分贸易方式分商品月度汇总"
        verbose_name_plural = "分贸易方式分商品月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "heading", "mode"], name="mode_product_rollup_unique"
            )
        ]
        indexes = [
            models.Index(fields=["mode", "period"], name="mode_product_mode"),
            models.Index(fields=["heading", "period"], name="mode_product_heading"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.heading} {self.mode}"


class PartnerModeProductRollup(MonthlySums):
    """City-wide monthly sums by trade partner, HS heading and trade mode: the pages within
    all three kinds of trade key, or two of them broken down by the third (the partners within
    一般贸易 and HS 84: 1.5 s of CPU reading the records on a first view at 5.6 M records,
    session 44; decision 0041). 1.42 M rows at 5.6 M records. Grouped from the facts; the
    partner × heading rollup is summed from it. Viewers who see the whole city only, as the
    other crosses; rebuilt with the other rollups, never edited."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    heading = models.CharField(max_length=4, blank=True)  # "" where the code is missing
    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "分国别(地区)分贸易方式分商品月度汇总"
        verbose_name_plural = "分国别(地区)分贸易方式分商品月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "partner", "heading", "mode"],
                name="partner_mode_product_unique",
            )
        ]
        # A trade mode's months and heading range (the partners within both), a partner's trade
        # mode (the headings within both, the modes within a partner and a heading range).
        # The months before the heading: SQLite, without statistics, took (mode, heading,
        # period) for the headings within a partner and a mode, for the heading order of its
        # GROUP BY, and walked every row of the mode (344 → 11 ms at 5.6 M records; within a
        # group and a mode 369 → 30; the partners within 一般贸易 and HS 84 86 → 58; session
        # 48, migration trade/0031). The partner, the flow and the sums after them, as the
        # stages' key indexes carry them (decision 0046): the partners within 一般贸易 and HS 84
        # read the index alone, 125,547 entries, 90 → 60 ms of SQL (session 49, trade/0034),
        # the headings within partner 116 and 一般贸易 the partner's, 20 ms.
        indexes = [
            models.Index(
                fields=[
                    "mode",
                    "period",
                    "heading",
                    "partner",
                    "flow",
                    "value_usd",
                    "value_cny",
                    "rows",
                ],
                name="partner_mode_product_cover",
            ),
            # covering as well: with the mode's index alone covering, SQLite read every row
            # of 一般贸易's months for the headings within a partner and it
            models.Index(
                fields=[
                    "partner",
                    "mode",
                    "period",
                    "heading",
                    "flow",
                    "value_usd",
                    "value_cny",
                    "rows",
                ],
                name="partner_mode_product_p_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.partner} {self.heading} {self.mode}"


class CommodityRollup(MonthlySums):
    """City-wide monthly sums by commodity code (商品编码, its first eight digits): the codes
    within an HS heading or chapter, a level no stage holds (the stages stop at the heading).
    The leader's codes within heading 8539 read 47,727 records through the (hs_code, period)
    index on a first view (190 ms of CPU at 5.6 M; 3.5 s before that range); this is a
    seventeenth of the records (decision 0036). City-wide only, as PartnerProductRollup;
    rebuilt from the facts with the other rollups, never edited."""

    code = models.CharField(max_length=8, blank=True)  # "" where the record has none

    class Meta:
        verbose_name = "分商品编码月度汇总"
        verbose_name_plural = "分商品编码月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "code"], name="commodity_rollup_unique"
            )
        ]
        # a code range's months (a heading's or chapter's codes), without the month's others
        indexes = [models.Index(fields=["code", "period"], name="commodity_rollup_code")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.code}"


class CommodityYearToDateRollup(MonthlySums):
    """City-wide 累计 by commodity code: the sums of CommodityRollup from January to each
    month of that month's year, as YearToDateRollup is the enterprise rollup's. The whole
    city's codes page needs 累计 and 上年同期累计 of every code: two months of these rows
    instead of twenty of the monthly ones (199,457 rows at 5.6 M records, 100 ms of SQL on
    every first view). Rebuilt with CommodityRollup for each rebuilt month through December;
    months after the last data hold the year's sums so far."""

    code = models.CharField(max_length=8, blank=True)  # as CommodityRollup.code
    period = models.DateField()  # the last month summed; the first is January of its year

    class Meta:
        verbose_name = "分商品编码年内累计汇总"
        verbose_name_plural = "分商品编码年内累计汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "code"], name="commodity_ytd_rollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} 1–{self.period:%Y-%m} {self.flow}"


class PlaceCommodityRollup(MonthlySums):
    """Monthly sums by commodity code for the enterprises of one (district, park) pair: a
    district or park user's codes, and the leader's within a district or park, which no
    stage holds (they stop at the heading). A district user's 4,362 codes read his firms'
    records of 22 months: 780 ms on a miss at 5.6 M records (session 49). 1,175,970 rows at
    5.6 M, a fifth of the records. Filtered by the viewer's units as ScopeRollup is. Grouped
    from the facts with the other rollups; for the pairs of a firm that moves, grouped again
    from their firms' records (`rollups.refresh_places`)."""

    district_id = models.PositiveIntegerField(default=0)  # 0: none (unit ids start at 1)
    park_id = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=8, blank=True)  # as CommodityRollup.code

    class Meta:
        verbose_name = "分县区园区分商品编码月度汇总"
        verbose_name_plural = "分县区园区分商品编码月度汇总"
        # the months first: a page reads three of them (and 累计 from the year-to-date rows),
        # sought for the viewer's districts; a park's rows through the park index
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "district_id", "park_id", "code"],
                name="place_commodity_unique",
            )
        ]
        indexes = [models.Index(fields=["park_id", "period"], name="place_commodity_park")]

    def __str__(self) -> str:
        return f"{self.district_id}/{self.park_id} {self.period:%Y-%m} {self.flow} {self.code}"


class LiaisonCommodityRollup(MonthlySums):
    """Monthly sums by commodity code of the enterprises that have a liaison officer, split by
    that officer and (district, park) pair: a liaison officer's codes, which no pair holds
    alone (his firms are scattered over pairs, among firms he does not see) and no stage
    holds (they stop at the heading). His codes read his firms' records of 22 months before:
    160–175 ms of CPU on a miss for the officers of 28–31 firms at 5.6 M records, doubling
    with the records (decision 0061). A sixth of those records' rows; they do not grow with
    the records beyond the codes his firms trade. Filtered by the officer and, for one who
    also has units, outside them, as LiaisonRollup is. Grouped from the facts with the other
    rollups (an import into new months is handed them by its parsing child); for the pairs
    of a firm that moves or changes officer, grouped again from their firms' records
    (`rollups.refresh_pairs`)."""

    liaison_id = models.PositiveIntegerField()
    district_id = models.PositiveIntegerField(default=0)  # 0: none (unit ids start at 1)
    park_id = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=8, blank=True)  # as CommodityRollup.code

    class Meta:
        verbose_name = "包联干部分商品编码月度汇总"
        verbose_name_plural = "包联干部分商品编码月度汇总"
        # the officer first: his page seeks his months; a pair's rows through their index
        constraints = [
            models.UniqueConstraint(
                fields=["liaison_id", "period", "flow", "district_id", "park_id", "code"],
                name="liaison_commodity_unique",
            )
        ]
        indexes = [
            models.Index(fields=["district_id", "park_id"], name="liaison_commodity_pair"),
            models.Index(fields=["period"], name="liaison_commodity_period"),
        ]

    def __str__(self) -> str:
        return f"{self.code} liaison {self.liaison_id} {self.period:%Y-%m} {self.flow}"


class PlaceCommodityYearToDateRollup(MonthlySums):
    """累计 of PlaceCommodityRollup: per pair and code, the sums from January to each month
    of that month's year (decision 0050), as CommodityYearToDateRollup is the city's. About
    as many rows as the monthly one (a pair trades most of its codes every month)."""

    district_id = models.PositiveIntegerField(default=0)
    park_id = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=8, blank=True)
    period = models.DateField()  # the last month summed; the first is January of its year

    class Meta:
        verbose_name = "分县区园区分商品编码年内累计汇总"
        verbose_name_plural = "分县区园区分商品编码年内累计汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "district_id", "park_id", "code"],
                name="place_commodity_ytd_unique",
            )
        ]
        indexes = [models.Index(fields=["park_id", "period"], name="place_commodity_ytd_park")]

    def __str__(self) -> str:
        return f"{self.district_id}/{self.park_id} {self.code} 1–{self.period:%Y-%m} {self.flow}"
