"""Users, roles and data scopes (数据权限), in the Chinese back-office convention:
a role carries a scope; a user with several roles gets the union, stated explicitly."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class DataScope(models.TextChoices):
    ALL = "all", "全部数据"
    UNIT_AND_BELOW = "unit_and_below", "本单位及以下"
    UNIT = "unit", "本单位"
    CHOSEN = "chosen", "指定单位"
    SELF = "self", "仅本人"


# Width of each scope, used to name the widest one a user holds.
SCOPE_WIDTH = {
    DataScope.ALL: 5,
    DataScope.UNIT_AND_BELOW: 4,
    DataScope.UNIT: 3,
    DataScope.CHOSEN: 2,
    DataScope.SELF: 1,
}


class RoleCode(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    LEADER = "leader", "领导"
    DIVISION_STAFF = "division_staff", "科室工作人员"
    UNIT_STAFF = "unit_staff", "单位工作人员"
    LIAISON = "liaison", "包联干部"


class Role(models.Model):
    code = models.CharField("角色编码", max_length=30, unique=True)
    name = models.CharField("角色名称", max_length=50)
    data_scope = models.CharField(
        "数据范围", max_length=20, choices=DataScope.choices, default=DataScope.UNIT
    )
    chosen_units = models.ManyToManyField(
        "core.Unit", verbose_name="指定单位", blank=True, related_name="+"
    )
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A civil servant using Kaifang. `unit` is where they work; scope comes from roles."""

    unit = models.ForeignKey(
        "core.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True, related_name="users")
    full_name = models.CharField("姓名", max_length=50, blank=True)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def has_role(self, code: str) -> bool:
        return any(role.code == code for role in self.roles.all())
