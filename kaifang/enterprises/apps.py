from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "kaifang.enterprises"
    label = "enterprises"
    verbose_name = "外向型企业"

    def ready(self) -> None:
        from kaifang.core.navigation import MenuItem, register
        from kaifang.enterprises import demo  # noqa: F401 (registers the demo loader)

        register(MenuItem("企业名录", "enterprises:list", 10))

        from kaifang.enterprises import search

        search.register()
