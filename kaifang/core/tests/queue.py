"""Run what the web side queued, in this process, the way the worker would: pop each queued
task from django-q2's ORM broker and call its function with its arguments. For tests that
check what a request enqueued without starting a cluster (test_worker.py starts a real one)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.urls import reverse
from django.utils.module_loading import import_string
from django_q.models import OrmQ


def run_queued_tasks() -> list[str]:
    done = []
    for row in OrmQ.objects.order_by("id"):
        task = row.task
        import_string(task["func"])(*task["args"], **task["kwargs"])
        row.delete()
        done.append(task["func"])
    return done


def download_through_worker(client: Any, path: str, capture: Any) -> tuple[Any, bytes]:
    """Ask for an export that the view sends to the worker (kaifang.core.exports), run the
    worker's side here, and return the job and the file its owner downloads (Excel or Word).
    `capture`: pytest-django's `django_capture_on_commit_callbacks` (the job is queued at
    commit)."""
    from kaifang.core.models import Job, JobStatus

    before = set(Job.objects.values_list("pk", flat=True))
    with capture(execute=True):
        response = client.get(path)
    assert response.status_code == 302, response.status_code
    (job,) = Job.objects.exclude(pk__in=before)
    assert response["Location"] == f"{reverse('core:job_detail', args=[job.pk])}?download=1"
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    download = client.get(reverse("core:job_download", args=[job.pk]))
    return job, b"".join(download.streaming_content)


def export_through_worker(client: Any, path: str, capture: Any) -> tuple[Any, list[list[Any]]]:
    """`download_through_worker` for an Excel export: the job and the rows of its sheet."""
    job, content = download_through_worker(client, path, capture)
    book = openpyxl.load_workbook(io.BytesIO(content))
    return job, [list(row) for row in book.active.iter_rows(values_only=True)]
