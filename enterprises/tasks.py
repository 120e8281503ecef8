"""
Background work of the enterprises app: publishing a year's list too large for a web
request and freezing its edition (`manage.py db_worker` runs it, as it runs imports).
"""

from django_tasks import task

from shdt.core.models import PublicationJob
from shdt.core.publication import publication_job_run

from .models import AnnualList
from .services import annual_list_publish


@task()
def annual_list_publish_task(job_id: int, annual_list_id: int) -> dict:
    """
    Publish the list's entries under notice (the PublicationJob the reviewer's page
    follows), then freeze the edition from what the public then sees of the list.
    """
    job = publication_job_run(PublicationJob.objects.get(pk=job_id))
    if job.status != PublicationJob.State.DONE:
        return {"status": job.status}
    edition = annual_list_publish(AnnualList.objects.get(pk=annual_list_id), user=job.user)
    return {"status": job.status, "moved": job.moved_count, "edition": edition.number}
