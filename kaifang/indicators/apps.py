from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "kaifang.indicators"
    label = "indicators"
    verbose_name = "指标与驾驶舱"

    def ready(self) -> None:
        from kaifang.core.navigation import MenuItem, register

        register(MenuItem("领导驾驶舱", "indicators:dashboard", 5))
        register(MenuItem("指标对标", "indicators:indicator_list", 28))
        from kaifang.indicators import dashboard, demo, workbench

        dashboard.connect()

        workbench.register()
        demo.register_loader()
