"""开放平台, 园区, 产业链 and 招商项目.

Platforms and projects are scoped by their district and park units (a park is the park
committee's Unit); a park is scoped by its own unit and its district. Statuses and stages change
only in `actions.py`, each change kept as a dated history row. A chain is a city-wide map (no
scope of its own): its figures are always computed from the customs records the viewer sees.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from kaifang.core.scope import ScopedQuerySet

# --- settings ----------------------------------------------------------------------------


class ZoneSettings(models.Model):
    """The administrator's settings of this module (one row)."""

    stuck_months = models.PositiveSmallIntegerField(
        "项目停滞提示（月）",
        default=3,
        help_text="招商项目连续多少个月没有推进到下一阶段即标记为停滞",
    )
    milestone_warn_days = models.PositiveSmallIntegerField(
        "节点临期预警（天）", default=15, help_text="节点到期前多少天亮黄灯"
    )

    class Meta:
        verbose_name = "平台园区设置"
        verbose_name_plural = "平台园区设置"

    def __str__(self) -> str:
        return "平台园区设置"

    @classmethod
    def current(cls) -> ZoneSettings:
        found = cls.objects.order_by("pk").first()
        return found if found is not None else cls()


# --- platforms ---------------------------------------------------------------------------


class PlatformKind(models.Model):
    """自贸试验区片区, 综合保税区, 铁路口岸 … — administrators add more."""

    name = models.CharField("平台类型", max_length=50, unique=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "平台类型"
        verbose_name_plural = "平台类型"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class KpiDefinition(models.Model):
    """A monthly KPI that platforms of one kind report (班列开行列数, 跨境电商交易额 …).
    Monthly values add up to the year, which is compared with the annual target."""

    kind = models.ForeignKey(
        PlatformKind, verbose_name="平台类型", on_delete=models.CASCADE, related_name="kpis"
    )
    name = models.CharField("指标名称", max_length=50)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "平台指标"
        verbose_name_plural = "平台指标"
        ordering = ["kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="zones_kpi_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class PlatformStatus(models.TextChoices):
    PLANNING = "planning", "谋划"
    APPLYING = "applying", "申建"
    APPROVED = "approved", "获批"
    BUILDING = "building", "建设"
    OPERATING = "operating", "运营"
    SUSPENDED = "suspended", "暂缓"


PLATFORM_STATUS_COLOURS = {
    PlatformStatus.PLANNING: "gray",
    PlatformStatus.APPLYING: "yellow",
    PlatformStatus.APPROVED: "blue",
    PlatformStatus.BUILDING: "blue",
    PlatformStatus.OPERATING: "green",
    PlatformStatus.SUSPENDED: "red",
}


class Platform(models.Model):
    scope_unit_fields = ("district", "park", "unit")

    name = models.CharField("平台名称", max_length=100, unique=True)
    kind = models.ForeignKey(
        PlatformKind, verbose_name="平台类型", on_delete=models.PROTECT, related_name="platforms"
    )
    status = models.CharField(
        "状态", max_length=20, choices=PlatformStatus.choices, default=PlatformStatus.PLANNING
    )
    status_on = models.DateField("状态日期", null=True, blank=True)
    district = models.ForeignKey(
        "core.Unit",
        verbose_name="所在县区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    park = models.ForeignKey(
        "core.Unit",
        verbose_name="所在园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "park"},
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader = models.CharField("责任领导", max_length=50, blank=True)
    description = models.TextField("简介", blank=True)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name="运营企业",
        blank=True,
        related_name="platforms",
    )
    is_synthetic = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "开放平台"
        verbose_name_plural = "开放平台"
        ordering = ["kind__order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def status_colour(self) -> str:
        return PLATFORM_STATUS_COLOURS[PlatformStatus(self.status)]


class PlatformStatusChange(models.Model):
    platform = models.ForeignKey(
        Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=PlatformStatus.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "平台状态变化"
        verbose_name_plural = "平台状态变化"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.platform} → {self.get_to_status_display()}"

    @property
    def from_label(self) -> str:
        return str(PlatformStatus(self.from_status).label) if self.from_status else "—"


class PlatformMilestone(models.Model):
    """A dated step; `task_ref` is the id of a supervision task (督办事项) whose completion
    completes this milestone (kept as a number: supervision is a peer module)."""

    platform = models.ForeignKey(
        Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("节点", max_length=200)
    due = models.DateField("计划完成")
    done_on = models.DateField("完成日期", null=True, blank=True)
    task_ref = models.PositiveIntegerField("督办事项编号", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "平台节点"
        verbose_name_plural = "平台节点"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title


class KpiTarget(models.Model):
    platform = models.ForeignKey(
        Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="targets"
    )
    definition = models.ForeignKey(
        KpiDefinition, verbose_name="指标", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    target = models.DecimalField("年度目标", max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = "平台年度目标"
        verbose_name_plural = "平台年度目标"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "definition", "year"], name="zones_kpi_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.definition} {self.year}"


class KpiValue(models.Model):
    platform = models.ForeignKey(
        Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="kpi_values"
    )
    definition = models.ForeignKey(
        KpiDefinition, verbose_name="指标", on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField("年月")
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = "平台月度指标"
        verbose_name_plural = "平台月度指标"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "definition", "period"], name="zones_kpi_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.definition} {self.period:%Y-%m}"


class ZoneEvent(models.Model):
    """One line of a platform's, park's, project's or chain's timeline."""

    platform = models.ForeignKey(
        Platform,
        verbose_name="平台",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    park = models.ForeignKey(
        "zones.Park",
        verbose_name="园区",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    project = models.ForeignKey(
        "zones.Project",
        verbose_name="招商项目",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    chain = models.ForeignKey(
        "zones.Chain",
        verbose_name="产业链",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField("类型", max_length=30)
    text = models.CharField("内容", max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "动态"
        verbose_name_plural = "动态"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text


# --- parks -------------------------------------------------------------------------------


class ParkKind(models.TextChoices):
    DEVELOPMENT = "development", "经济技术开发区"
    HIGHTECH = "hightech", "高新技术产业开发区"
    COOPERATION = "cooperation", "国际合作产业园"
    BONDED = "bonded", "综合保税区"
    INDUSTRIAL = "industrial", "工业园区"
    LOGISTICS = "logistics", "物流园区"
    OTHER = "other", "其他"


class ParkTier(models.TextChoices):
    NONE = "", "—"
    TEN_BILLION = "10b", "百亿级"
    HUNDRED_BILLION = "100b", "千亿级"


class Park(models.Model):
    """A park: its committee is a Unit of kind PARK (the scope hangs off it)."""

    scope_unit_fields = ("unit", "district")

    unit = models.OneToOneField(
        "core.Unit",
        verbose_name="园区管委会",
        on_delete=models.PROTECT,
        related_name="park_profile",
        limit_choices_to={"kind": "park"},
    )
    name = models.CharField("园区名称", max_length=100, unique=True)
    kind = models.CharField("园区类型", max_length=20, choices=ParkKind.choices)
    district = models.ForeignKey(
        "core.Unit",
        verbose_name="所在县区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_km2 = models.DecimalField(
        "规划面积（平方公里）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    lead_industries = models.ManyToManyField(
        "core.Industry", verbose_name="主导产业", blank=True, related_name="+"
    )
    tier = models.CharField(
        "目标层级", max_length=5, choices=ParkTier.choices, blank=True, default=ParkTier.NONE
    )
    description = models.TextField("简介", blank=True)
    is_synthetic = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "园区"
        verbose_name_plural = "园区"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ParkOutput(models.Model):
    """营业收入/产值 of a year (亿元) and its target."""

    park = models.ForeignKey(
        Park, verbose_name="园区", on_delete=models.CASCADE, related_name="outputs"
    )
    year = models.PositiveSmallIntegerField("年度")
    output = models.DecimalField(
        "营业收入/产值（亿元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        "目标（亿元）", max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "园区年度产值"
        verbose_name_plural = "园区年度产值"
        ordering = ["park", "year"]
        constraints = [
            models.UniqueConstraint(fields=["park", "year"], name="zones_park_output_unique")
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.year}"

    @property
    def progress_pct(self) -> Decimal | None:
        if not self.target or self.output is None:
            return None
        return (self.output / self.target * 100).quantize(Decimal("0.1"))


class ParkKpiDefinition(models.Model):
    """A monthly KPI every park reports (营业收入, 进出口额, 实际使用外资 …); administrators add
    more. Monthly values add up to the year, which is compared with the park's annual target."""

    name = models.CharField("指标名称", max_length=50, unique=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "园区指标"
        verbose_name_plural = "园区指标"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class ParkKpiTarget(models.Model):
    park = models.ForeignKey(
        Park, verbose_name="园区", on_delete=models.CASCADE, related_name="kpi_targets"
    )
    definition = models.ForeignKey(
        ParkKpiDefinition, verbose_name="指标", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    target = models.DecimalField("年度目标", max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = "园区年度目标"
        verbose_name_plural = "园区年度目标"
        constraints = [
            models.UniqueConstraint(
                fields=["park", "definition", "year"], name="zones_park_kpi_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.definition} {self.year}"


class ParkKpiValue(models.Model):
    park = models.ForeignKey(
        Park, verbose_name="园区", on_delete=models.CASCADE, related_name="kpi_values"
    )
    definition = models.ForeignKey(
        ParkKpiDefinition, verbose_name="指标", on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField("年月")
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = "园区月度指标"
        verbose_name_plural = "园区月度指标"
        constraints = [
            models.UniqueConstraint(
                fields=["park", "definition", "period"], name="zones_park_kpi_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.definition} {self.period:%Y-%m}"


class ParkTeamMember(models.Model):
    """专人专班: a named officer and their role on the park's team."""

    park = models.ForeignKey(
        Park, verbose_name="园区", on_delete=models.CASCADE, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("专班职务", max_length=50)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "专班成员"
        verbose_name_plural = "专班成员"
        ordering = ["park", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.role}）"


# --- chains ------------------------------------------------------------------------------


class Chain(models.Model):
    """产业链: a city-wide map of segments; no scope of its own (see module docstring)."""

    name = models.CharField("产业链", max_length=50, unique=True)
    description = models.TextField("说明", blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    UPSTREAM = "up", "上游"
    MIDSTREAM = "mid", "中游"
    DOWNSTREAM = "down", "下游"


class ChainSegment(models.Model):
    """A link of the chain, defined by GB/T 4754 class prefixes and HS headings (4 digits).
    Filled when at least `min_enterprises` local enterprises are in it and the city exports
    at least what it imports there; weak when some are but not enough; empty when none."""

    chain = models.ForeignKey(
        Chain, verbose_name="产业链", on_delete=models.CASCADE, related_name="segments"
    )
    position = models.CharField("环节", max_length=4, choices=Position.choices)
    name = models.CharField("细分环节", max_length=60)
    order = models.PositiveIntegerField("排序", default=0)
    industry_codes = models.CharField(
        "行业代码", max_length=200, blank=True, help_text="GB/T 4754 代码，多个用逗号分隔"
    )
    hs_headings = models.CharField(
        "HS 品目", max_length=300, blank=True, help_text="4 位 HS 品目，多个用逗号分隔"
    )
    min_enterprises = models.PositiveSmallIntegerField("达标企业数", default=1)

    class Meta:
        verbose_name = "产业链环节"
        verbose_name_plural = "产业链环节"
        ordering = ["chain", "order", "id"]

    def __str__(self) -> str:
        return f"{self.chain} · {self.get_position_display()} · {self.name}"

    @staticmethod
    def _codes(raw: str) -> list[str]:
        cleaned = raw.replace("，", ",").replace("、", ",").replace(" ", ",")
        return [c.strip() for c in cleaned.split(",") if c.strip()]

    @property
    def industry_list(self) -> list[str]:
        return self._codes(self.industry_codes)

    @property
    def hs_list(self) -> list[str]:
        return self._codes(self.hs_headings)


# --- projects ----------------------------------------------------------------------------


class Direction(models.TextChoices):
    INBOUND = "inbound", "引进来"
    OUTBOUND = "outbound", "走出去"


class Stage(models.TextChoices):
    LEAD = "lead", "线索"
    TALKS = "talks", "洽谈"
    SIGNED = "signed", "签约"
    REGISTERED = "registered", "注册"
    STARTED = "started", "开工"
    OPERATING = "operating", "投产/运营"
    TERMINATED = "terminated", "终止"


PIPELINE = [
    Stage.LEAD,
    Stage.TALKS,
    Stage.SIGNED,
    Stage.REGISTERED,
    Stage.STARTED,
    Stage.OPERATING,
]
STAGE_COLOURS = {
    Stage.LEAD: "gray",
    Stage.TALKS: "blue",
    Stage.SIGNED: "blue",
    Stage.REGISTERED: "blue",
    Stage.STARTED: "yellow",
    Stage.OPERATING: "green",
    Stage.TERMINATED: "red",
}


class Project(models.Model):
    scope_unit_fields = ("district", "park")
    scope_owner_fields = ("officer",)

    name = models.CharField("项目名称", max_length=150)
    direction = models.CharField("类型", max_length=10, choices=Direction.choices)
    investor = models.CharField("投资方/境外企业", max_length=150, blank=True)
    country = models.ForeignKey(
        "core.Partner",
        verbose_name="国别(地区)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.ForeignKey(
        "core.Industry",
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contracted_usd = models.DecimalField(
        "合同金额（万美元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    contracted_cny = models.DecimalField(
        "合同金额（万元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    actual_usd = models.DecimalField(
        "实际到位（万美元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    actual_cny = models.DecimalField(
        "实际到位（万元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    district = models.ForeignKey(
        "core.Unit",
        verbose_name="所在县区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    park = models.ForeignKey(
        "core.Unit",
        verbose_name="落地园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "park"},
    )
    platform = models.ForeignKey(
        Platform,
        verbose_name="依托平台",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="项目企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.LEAD)
    stage_on = models.DateField("进入本阶段日期")
    reached = models.PositiveSmallIntegerField("到达的最远阶段序号", default=0)
    lead_on = models.DateField("线索日期")
    terminated_reason = models.CharField("终止原因", max_length=300, blank=True)
    task_ref = models.PositiveIntegerField("督办事项编号", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField("演示数据", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "招商项目"
        ordering = ["-lead_on", "-id"]
        indexes = [models.Index(fields=["stage", "stage_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_colour(self) -> str:
        return STAGE_COLOURS[Stage(self.stage)]

    @property
    def reached_label(self) -> str:
        return str(PIPELINE[self.reached].label)


class ProjectStageChange(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField("原阶段", max_length=12, blank=True)
    to_stage = models.CharField("新阶段", max_length=12, choices=Stage.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目阶段变化"
        verbose_name_plural = "项目阶段变化"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.project} → {self.get_to_stage_display()}"

    @property
    def from_label(self) -> str:
        return str(Stage(self.from_stage).label) if self.from_stage else "—"


class ProjectProblem(models.Model):
    """A problem raised on a project; `appeal_ref` is the service-desk appeal it became."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="problems"
    )
    text = models.TextField("问题")
    appeal_ref = models.PositiveIntegerField("诉求编号", null=True, blank=True)
    appeal_code = models.CharField("诉求查询码", max_length=20, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目问题"
        verbose_name_plural = "项目问题"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class PlatformAppeal(models.Model):
    """A service-desk appeal (诉求) that concerns a platform: raised from the platform's page
    for an enterprise operating on it, or an existing appeal linked by its tracking code.
    `appeal_ref` is the appeal's id (the service desk is a peer module: reached through
    kaifang.core.handover, never imported); the page shows only the appeals its viewer sees."""

    platform = models.ForeignKey(
        Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="appeals"
    )
    appeal_ref = models.PositiveIntegerField("诉求编号")
    appeal_code = models.CharField("诉求查询码", max_length=20)
    raised = models.BooleanField("在平台页提出", default=False)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="关联人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "平台相关诉求"
        verbose_name_plural = "平台相关诉求"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "appeal_ref"], name="zones_platform_appeal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} · {self.appeal_code}"


# The chains' rollup lives in its own module (this one's size); imported here for Django.
from kaifang.zones.chain_models import ChainFirmRollup as ChainFirmRollup  # noqa: E402
from kaifang.zones.chain_models import ChainPartnerRollup as ChainPartnerRollup  # noqa: E402
from kaifang.zones.chain_models import ChainRollupCode as ChainRollupCode  # noqa: E402
from kaifang.zones.chain_models import ChainTradeRollup as ChainTradeRollup  # noqa: E402
