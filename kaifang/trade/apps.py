from django.apps import AppConfig


class TradeConfig(AppConfig):
    name = "kaifang.trade"
    label = "trade"
    verbose_name = "外贸与投资数据"

    def ready(self) -> None:
        from kaifang.core import schedules

        schedules.label("trade.imports.recover", "外贸数据导入：恢复中断的导入")

        from kaifang.core.navigation import MenuItem, register
        from kaifang.core.permissions import Cap
        from kaifang.trade import demo  # noqa: F401 (registers the demo loader)

        register(MenuItem("外贸分析", "trade:analysis_overview", 20))
        register(MenuItem("数据导入", "trade:import_list", 25, requires=Cap.IMPORT))

        from kaifang.trade import profile

        profile.register_all()

        from kaifang.trade import invalidation

        invalidation.connect()

        from kaifang.trade import refill

        refill.connect()

        from kaifang.enterprises import merge_hooks
        from kaifang.trade import merge

        merge_hooks.register(before=merge.fold_before_merge, after=merge.refresh_after_merge)
