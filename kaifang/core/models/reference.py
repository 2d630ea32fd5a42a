"""Reference data (数据字典): industries, customs partners and their groups, HS codes, trade
modes, administrative divisions. Loaded by `kaifang load-reference` from package data; rows are
never deleted by the loader (other data points at them), only marked inactive."""

from __future__ import annotations

from django.db import models


class Industry(models.Model):
    """One GB/T 4754-2017 node: 门类 (letter), 大类 (2 digits), 中类 (3), 小类 (4)."""

    class Level(models.IntegerChoices):
        SECTION = 1, "门类"
        DIVISION = 2, "大类"
        GROUP = 3, "中类"
        CLASS = 4, "小类"

    code = models.CharField("代码", max_length=4, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    section_code = models.CharField("门类代码", max_length=1, db_index=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "国民经济行业分类"
        verbose_name_plural = "国民经济行业分类"
        ordering = ["section_code", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Continent(models.TextChoices):
    """The first digit of a customs partner code names its continent."""

    ASIA = "1", "亚洲"
    AFRICA = "2", "非洲"
    EUROPE = "3", "欧洲"
    LATIN_AMERICA = "4", "拉丁美洲"
    NORTH_AMERICA = "5", "北美洲"
    OCEANIA = "6", "大洋洲"
    OTHER = "7", "国别不详及国际组织"
    NEUTRAL = "9", "中性包装原产国别"


class Partner(models.Model):
    """A customs statistics trade partner (贸易伙伴, 国别(地区)), keyed by its 3-digit code."""

    code = models.CharField("海关代码", max_length=3, unique=True)
    name_zh = models.CharField("中文名称", max_length=60)
    name_en = models.CharField("英文名称", max_length=100, blank=True)
    name_zh_clean = models.CharField("中文名称（规范）", max_length=60, blank=True)
    name_en_clean = models.CharField("英文名称（规范）", max_length=100, blank=True)
    iso3 = models.CharField("ISO 三位码", max_length=3, blank=True, db_index=True)
    iso2 = models.CharField("ISO 两位码", max_length=2, blank=True)
    iso_match_method = models.CharField("ISO 匹配方法", max_length=40, blank=True)
    continent = models.CharField("大洲", max_length=1, choices=Continent.choices)
    aliases = models.CharField(
        "别名",
        max_length=300,
        blank=True,
        help_text="其他常见中文名称，用逗号或顿号分隔，用于导入时识别国别",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "贸易伙伴（国别地区）"
        verbose_name_plural = "贸易伙伴（国别地区）"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def alias_list(self) -> list[str]:
        raw = self.aliases.replace("，", ",").replace("、", ",")
        return [a.strip() for a in raw.split(",") if a.strip()]


class PartnerGroup(models.Model):
    """A named set of partners for analysis (RCEP, 欧盟 …). China (142) is never a member:
    it is not a trade partner of itself."""

    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    description = models.TextField("说明", blank=True)
    source = models.TextField("来源说明", blank=True)
    members = models.ManyToManyField(
        Partner, verbose_name="成员", related_name="groups", blank=True
    )
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "国别（地区）分组"
        verbose_name_plural = "国别（地区）分组"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class HSCode(models.Model):
    """One node of the commodity code tree: HS 2022 section, chapter, heading, subheading,
    and China's 8-digit national codes (2023). Sections are coded in Roman numerals."""

    class Level(models.IntegerChoices):
        SECTION = 1, "类"
        CHAPTER = 2, "章"
        HEADING = 3, "品目（4位）"
        SUBHEADING = 4, "子目（6位）"
        NATIONAL = 5, "本国子目（8位）"

    code = models.CharField("编码", max_length=8, unique=True)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    name_zh = models.CharField("中文名称", max_length=200, blank=True)
    name_en = models.CharField("英文名称", max_length=500, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    section = models.CharField("类", max_length=5, blank=True, db_index=True)
    unit1 = models.CharField("第一计量单位", max_length=20, blank=True)
    unit2 = models.CharField("第二计量单位", max_length=20, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "商品编码（HS）"
        verbose_name_plural = "商品编码（HS）"
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh or '（暂无中文名称）'}"


class TradeMode(models.Model):
    """贸易方式 of customs statistics (2-digit codes), the dimension published data uses."""

    code = models.CharField("代码", max_length=2, unique=True)
    name_zh = models.CharField("中文名称", max_length=60)
    name_en = models.CharField("英文名称", max_length=120, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "贸易方式（统计）"
        verbose_name_plural = "贸易方式（统计）"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class SupervisionMode(models.Model):
    """监管方式 of the customs declaration (4-digit). The list comes from a source of weak
    provenance, so rows are unverified until an administrator checks them."""

    code = models.CharField("代码", max_length=4, unique=True)
    name_zh = models.CharField("中文名称", max_length=60)
    trade_mode = models.ForeignKey(
        TradeMode,
        verbose_name="对应统计贸易方式",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_modes",
        help_text="按代码后两位（海关统计代码）对应；后两位不是统计贸易方式代码的不对应",
    )
    is_verified = models.BooleanField("已核实", default=False)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "监管方式（报关单）"
        verbose_name_plural = "监管方式（报关单）"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class AdminDivision(models.Model):
    """NBS statistical division codes: province (2 digits), prefecture (4), county (6)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        PREFECTURE = 2, "地级"
        COUNTY = 3, "县级"

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.CharField("省级代码", max_length=2, db_index=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegistrationProvince(models.Model):
    """收发货人注册地 of customs statistics (2-digit province codes)."""

    code = models.CharField("代码", max_length=2, unique=True)
    name_zh = models.CharField("名称", max_length=30)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "海关注册地"
        verbose_name_plural = "海关注册地"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"
