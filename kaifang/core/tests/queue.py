"""Run what the web side queued, in this process, the way the worker would: pop each queued
task from django-q2's ORM broker and call its function with its arguments. For tests that
check what a request enqueued without starting a cluster (test_worker.py starts a real one)."""

from __future__ import annotations

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
