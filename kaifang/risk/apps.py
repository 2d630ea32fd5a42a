from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "kaifang.risk"
    label = "risk"
    verbose_name = "风险预警"

    def ready(self) -> None:
        from kaifang.core import schedules

        schedules.label("risk.exposure_refresh", "风险预警：刷新待更新月份的敞口汇总")

        from kaifang.core.navigation import MenuItem, register
        from kaifang.core.notifications import register_category

        register(MenuItem("风险预警", "risk:scenario_list", 250))
        register_category("risk", "风险预警")

        from kaifang.risk import demo, hooks, panels, rollup

        hooks.connect()
        rollup.connect()
        from kaifang.trade.refill import after_version_moves

        after_version_moves(
            "kaifang.risk.dependence.refill_dependence", dispatch_uid="risk.dependence"
        )
        panels.register_all()
        demo.register_loader()
