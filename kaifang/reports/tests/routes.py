"""Route matrix rows of reports."""

from typing import Any

from kaifang.core.tests.route_matrix import Route


def make(city: Any) -> dict[str, Any]:
    """A whole-city briefing: only users who see the whole city may list or download it."""
    from django.core.files.base import ContentFile

    from kaifang.reports.models import Briefing

    briefing = Briefing(
        year=2025, month=3, title="2025年3月对外开放工作月报", created_by=city.officer
    )
    briefing.document.save("b.docx", ContentFile(b"docx"), save=False)
    briefing.annex.save("b.xlsx", ContentFile(b"xlsx"), save=False)
    briefing.save()
    return {"briefing": briefing}


WHOLE_CITY = {"district_a": 404, "district_b": 404, "park": 404, "liaison": 404}

ROUTES = [
    # Whole-city briefings are hidden from district A too, so `hides` cannot prove anything
    # here; test_briefing.py checks that district users' list is empty.
    Route("reports:briefing_list"),
    Route(
        "reports:briefing_generate",
        method="POST",
        expect={
            "leader": 302,
            "officer": 302,
            "admin": 302,
            "district_a": 403,
            "district_b": 403,
            "park": 403,
            "liaison": 403,
        },
    ),
    Route("reports:briefing_download", kwargs={"pk": "briefing"}, expect=WHOLE_CITY),
    Route("reports:briefing_annex", kwargs={"pk": "briefing"}, expect=WHOLE_CITY),
]
