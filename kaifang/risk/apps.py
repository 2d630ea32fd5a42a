from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "kaifang.risk"
    label = "risk"
    verbose_name = "风险预警"

    def ready(self) -> None:
        from kaifang.core.navigation import MenuItem, register
        from kaifang.core.notifications import register_category

        register(MenuItem("风险预警", "risk:scenario_list", 250))
        register_category("risk", "风险预警")

        from kaifang.risk import demo, hooks, panels, rollup

        hooks.connect()
        rollup.connect()
        panels.register_all()
        demo.register_loader()
