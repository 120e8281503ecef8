"""
Background work (django-tasks, database backend): checking and importing files too large
for a web request. `manage.py db_worker` runs them; `make run` starts one.
"""

from django_tasks import task

from .imports import import_record_run
from .models import ImportRecord


@task()
def import_record_task(record_id: int, dry_run: bool) -> dict:
    """Check (dry run) or import the file of an ImportRecord; return its counts."""
    record = ImportRecord.objects.get(pk=record_id)
    if record.status == ImportRecord.Status.CANCELLED:
        return {}
    result = import_record_run(record, dry_run=dry_run)
    return result.counts()
