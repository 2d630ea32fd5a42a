"""The batch state machine (trade/actions/batches.py): conditional claims, a failed commit
returns to 待确认 with its reason, and a batch whose job failed or lost its worker is recovered."""

from __future__ import annotations

import socket

import pytest
from django.core.management import call_command

from kaifang.core.models import Job, JobStatus
from kaifang.trade.actions import batches
from kaifang.trade.models import ImportBatch, ImportStatus

pytestmark = pytest.mark.django_db


def make_batch(city, status=ImportStatus.PARSED, job_status=JobStatus.RUNNING, worker=""):
    job = Job.objects.create(
        kind="trade.import_commit",
        title="导入",
        owner=city.officer,
        status=job_status,
        worker=worker,
        error="任务执行出错（OperationalError）。" if job_status == JobStatus.FAILED else "",
    )
    return ImportBatch.objects.create(
        kind="customs",
        filename="九月.csv",
        sha256="0" * 64,
        status=status,
        rows_imported=3,
        current_job=job.pk,
        uploaded_by=city.officer,
    )


def test_commit_is_claimed_once(city):
    batch = make_batch(city)
    assert batches.batch_claim_commit(batch=batch)
    assert not batches.batch_claim_commit(batch=batch)  # a second click, a second tab
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.COMMITTING


def test_a_failed_commit_is_committable_again_with_its_reason(city):
    batch = make_batch(city, status=ImportStatus.COMMITTING)
    assert batches.batch_commit_failed(batch_id=batch.pk, reason="磁盘已满")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PARSED
    assert batch.message == "上次导入没有完成，数据库未做任何修改：磁盘已满。可以重新确认导入。"
    assert batches.batch_claim_commit(batch=batch)


def test_recover_after_a_failed_job_and_a_dead_worker(city):
    failed = make_batch(city, status=ImportStatus.COMMITTING, job_status=JobStatus.FAILED)
    dead = make_batch(
        city, status=ImportStatus.COMMITTING, worker=f"{socket.gethostname()}:999999999"
    )
    alive = make_batch(city, status=ImportStatus.COMMITTING, worker="another-host:1")
    parsing = make_batch(
        city, status=ImportStatus.PARSING, worker=f"{socket.gethostname()}:999999999"
    )
    call_command("import-recover", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for batch in (failed, dead, alive, parsing):
        batch.refresh_from_db()
    assert failed.status == ImportStatus.PARSED and "OperationalError" in failed.message
    assert dead.status == ImportStatus.PARSED and "后台进程" in dead.message
    assert Job.objects.get(pk=dead.current_job).status == JobStatus.FAILED
    assert alive.status == ImportStatus.COMMITTING  # its worker may still be working
    assert parsing.status == ImportStatus.FAILED and "校验没有完成" in parsing.message


def test_poll_reloads_the_page_once_the_worker_is_gone(city, client):
    batch = make_batch(
        city, status=ImportStatus.COMMITTING, worker=f"{socket.gethostname()}:999999999"
    )
    client.force_login(city.officer)
    response = client.get(f"/trade/imports/{batch.pk}/poll/")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.PARSED
