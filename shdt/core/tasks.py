"""
Background work (django-tasks, database backend): checking and importing files too large
for a web request, and moving more records than a web request should wait for. `manage.py db_worker` runs them; `make run` starts one.
"""

from django_tasks import task

from .imports import import_record_run
from .models import ImportRecord, PublicationJob
from .publication import publication_job_run


@task()
def import_record_task(record_id: int, dry_run: bool) -> dict:
    """Check (dry run) or import the file of an ImportRecord; return its counts."""
    record = ImportRecord.objects.get(pk=record_id)
    if record.status == ImportRecord.Status.CANCELLED:
        return {}
    result = import_record_run(record, dry_run=dry_run)
    return result.counts()


@task()
def publication_job_task(job_id: int) -> dict:
    """Make a reviewer's move of many records (a PublicationJob); return how many moved."""
    job = publication_job_run(PublicationJob.objects.get(pk=job_id))
    return {"status": job.status, "moved": job.moved_count}
