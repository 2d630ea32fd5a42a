from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kaifang.api"
    label = "api"
    verbose_name = "数据接口"

    def ready(self) -> None:
        from kaifang.api.panels import tokens_section
        from kaifang.core import profile_sections

        profile_sections.register("api_tokens", 50, "api/profile_tokens.html", tokens_section)
