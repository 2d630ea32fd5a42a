"""Route matrix rows of core (units, account, jobs, notifications, audit, dictionaries)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from kaifang.core.models import Job, Notification
from kaifang.core.tests.route_matrix import Route

# The Django admin's own gate (is_staff): other users are sent to the admin login.
STAFF_ONLY = {
    "leader": 302,
    "district_a": 302,
    "district_b": 302,
    "liaison": 302,
    "park": 302,
    "admin": 200,
}
# Personal records (a job, a notification): only their owner, whatever the scope.
OWNER_ONLY = {"leader": 404, "admin": 404}
PUBLIC = {"anonymous": 200}


def make(city: Any) -> dict[str, Any]:
    job = Job.objects.create(kind="matrix.test", title="矩阵测试任务", owner=city.district_a_user)
    job.result_file.save("result.txt", ContentFile(b"ok"), save=True)
    note = Notification.objects.create(
        recipient=city.district_a_user, title="东城矩阵通知", body="只给东城的通知"
    )
    return {"unit_a": city.district_a, "job_a": job, "note_a": note}


ROUTES = [
    Route("core:workbench"),
    Route("core:healthz", expect=PUBLIC),
    # Signed-in users are sent on from the login page.
    Route(
        "core:login",
        expect={
            "anonymous": 200,
            "leader": 302,
            "district_a": 302,
            "district_b": 302,
            "liaison": 302,
            "park": 302,
        },
    ),
    Route("core:logout", method="POST", expect={"anonymous": 302}),
    Route("core:password_change"),
    Route("core:password_change_done"),
    Route("core:profile"),
    # The header search: each app's routes.py has the rows that search for its own objects.
    Route("core:search"),
    Route("core:search", query={"q": "矩"}),  # too short: a hint, no search
    Route("core:unit_list", hides="unit_a", seen_by=("liaison",)),  # the org chart
    Route("core:unit_create", expect=STAFF_ONLY),
    Route("core:unit_detail", kwargs={"pk": "unit_a"}),
    Route("core:unit_edit", kwargs={"pk": "unit_a"}, expect={**STAFF_ONLY, "district_b": 302}),
    Route(
        "core:unit_delete",
        kwargs={"pk": "unit_a"},
        method="POST",
        expect={"district_b": 302, "liaison": 302, "park": 302},
    ),
    Route("core:audit_list", expect=STAFF_ONLY),
    Route("core:audit_export", expect=STAFF_ONLY),
    Route("core:dictionaries", expect=STAFF_ONLY),
    Route("core:job_list", hides="job_a", expect={"leader": 200}),
    Route("core:job_selftest", method="POST"),
    Route("core:job_detail", kwargs={"pk": "job_a"}, expect=OWNER_ONLY),
    Route("core:job_progress", kwargs={"pk": "job_a"}, expect=OWNER_ONLY),
    Route("core:job_download", kwargs={"pk": "job_a"}, expect=OWNER_ONLY),
    Route("core:notification_list", hides="note_a"),
    Route("core:bell"),
    Route("core:notification_preferences"),
    Route(
        "core:notification_open", kwargs={"pk": "note_a"}, expect={**OWNER_ONLY, "district_a": 302}
    ),
    Route("core:notification_read", kwargs={"pk": "note_a"}, method="POST"),
    Route("core:notification_read_all", method="POST"),
]
