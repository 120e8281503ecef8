"""
Background work (django-tasks, database backend): checking and importing files too large
for a web request, and moving more records than a web request should wait for. `manage.py db_worker` runs them; `make run` starts one.
"""

import datetime

from django_tasks import task

from .imports import import_record_run
from .models import ImportRecord, PublicationJob
from .publication import publication_job_run


@task()
def import_record_task(record_id: int, dry_run: bool, ticket: str | None = None) -> dict:
    """
    Check (dry run) or import the file of an ImportRecord; return its counts.

    `ticket` is the one shdt.core.imports.import_record_queue() gave: the run claims the
    record with it, so a task queued twice for one record (a retry while the first was
    only slow) runs once, and one for a cancelled record not at all. (A task queued
    before tickets existed claims the record as it finds it waiting.)
    """
    record = ImportRecord.objects.get(pk=record_id)
    beat = datetime.datetime.fromisoformat(ticket) if ticket else record.heartbeat_at
    result = import_record_run(record, dry_run=dry_run, ticket=beat)
    if result is None:
        return {}
    return result.counts()


@task()
def publication_job_task(job_id: int) -> dict:
    """Make a reviewer's move of many records (a PublicationJob); return how many moved."""
    job = publication_job_run(PublicationJob.objects.get(pk=job_id))
    return {"status": job.status, "moved": job.moved_count}


def publication_job_to_worker(job: PublicationJob) -> None:
    """Hand a queued job to the background worker, keeping the task's id on the job."""
    result = publication_job_task.enqueue(job.pk)
    PublicationJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
