"""
A reviewer's move of more records than PUBLICATION_BACKGROUND_ROWS is made by the
background worker: the admin answers at once with the job's page, nothing public changes
until the worker runs, and then every record moves as a foreground move would.
"""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise, ListMembership
from shdt.core.models import PublicationEvent, PublicationJob, PublicationJobRecord, Status
from shdt.core.publication import publication_job_create, publication_job_run
from shdt.core.roles import REVIEWER
from tests.shdt.test_import_admin import run_worker
from tests.shdt.test_publication_at_scale import draft_list

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MEMBERSHIPS = reverse("admin:enterprises_listmembership_changelist")
THRESHOLD = 40


@pytest.fixture
def reviewer_client(client, django_user_model, settings):
    settings.PUBLICATION_BACKGROUND_ROWS = THRESHOLD
    user = django_user_model.objects.create_user("reviewer", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWER))
    client.force_login(user)
    client.user = user
    return client


def run_action(client, action, annual_list, **extra):
    """The action on every entry of the list, as “select all” of the filtered changelist sends it."""
    data = {"action": action, "select_across": "1", "index": "0", ACTION_CHECKBOX_NAME: [annual_list.memberships.first().pk], **extra}
    return client.post(f"{MEMBERSHIPS}?annual_list__id__exact={annual_list.pk}", data)


def test_publishing_more_than_the_threshold_answers_at_once_and_the_worker_publishes(reviewer_client):
    annual_list = draft_list(2041, THRESHOLD + 1)

    response = run_action(reviewer_client, "publish", annual_list)

    job = PublicationJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.rows_total, job.action, job.user, job.task_id != "") == ("queued", THRESHOLD + 1, "published", reviewer_client.user, True)
    # Nothing has moved yet: no entry is public, no event, no history row of a move.
    assert set(annual_list.memberships.values_list("status", flat=True)) == {Status.DRAFT}
    assert not PublicationEvent.objects.exists() and not Enterprise.objects.public().exists()
    queued = reviewer_client.get(response["Location"])
    assert queued.context["refresh_seconds"] == 2
    assert "Waiting for the worker" in queued.content.decode() and f"{THRESHOLD + 1} records selected" in queued.content.decode()

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.moved_count, job.error) == ("done", THRESHOLD + 1, "")
    assert set(annual_list.memberships.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert Enterprise.objects.public().count() == THRESHOLD + 1
    assert PublicationEvent.objects.filter(action=Status.PUBLISHED, user=reviewer_client.user).count() == THRESHOLD + 1
    assert ListMembership.history.filter(history_type="~", history_user=reviewer_client.user).count() == THRESHOLD + 1
    assert not PublicationJobRecord.objects.exists()
    done = reviewer_client.get(job.get_absolute_url())
    assert done.context["refresh_seconds"] is None
    assert f"{THRESHOLD + 1} of {THRESHOLD + 1} records moved" in done.content.decode()


def test_a_notice_for_many_entries_is_kept_with_its_job(reviewer_client):
    annual_list = draft_list(2042, THRESHOLD + 5)
    form = {"apply": "1", "title": "名单公示", "starts_on": "2023-01-10", "ends_on": "2023-01-20", "contact": "服务贸易处"}

    response = run_action(reviewer_client, "open_notice", annual_list, **form)

    job = PublicationJob.objects.get()
    assert response["Location"] == job.get_absolute_url() and job.notice.title == "名单公示"
    assert not annual_list.memberships.exclude(status=Status.DRAFT).exists()
    run_worker()
    assert set(annual_list.memberships.values_list("status", "notice__title")) == {(Status.NOTICE, "名单公示")}


def test_up_to_the_threshold_a_move_is_made_in_the_request(reviewer_client):
    annual_list = draft_list(2043, THRESHOLD)
    response = run_action(reviewer_client, "publish", annual_list)
    assert response.status_code == 302 and response["Location"].startswith(MEMBERSHIPS)
    assert not PublicationJob.objects.exists()
    assert set(annual_list.memberships.values_list("status", flat=True)) == {Status.PUBLISHED}


def test_a_job_whose_reviewer_lost_the_right_moves_nothing_and_says_why(reviewer_client):
    annual_list = draft_list(2044, 5)
    job = publication_job_create(annual_list.memberships.all(), to=Status.PUBLISHED, user=reviewer_client.user)
    reviewer_client.user.groups.clear()
    reviewer_client.user = type(reviewer_client.user).objects.get(pk=reviewer_client.user.pk)
    job.user = reviewer_client.user

    publication_job_run(job)

    job.refresh_from_db()
    assert job.status == "failed" and "Only a reviewer" in job.error
    assert set(annual_list.memberships.values_list("status", flat=True)) == {Status.DRAFT}


def test_a_job_runs_once():
    from tests.publishing import make_reviewer

    annual_list = draft_list(2045, 3)
    job = publication_job_create(annual_list.memberships.all(), to=Status.PUBLISHED, user=make_reviewer())
    publication_job_run(job)
    publication_job_run(PublicationJob.objects.get(pk=job.pk))
    assert PublicationEvent.objects.count() == 3


def test_publishing_a_large_list_and_freezing_its_edition_runs_on_the_worker(reviewer_client):
    # *Annual lists → Publish the list and freeze an edition* on a list of more entries than
    # a web request should wait for (20,000 through the admin without a timeout).
    from enterprises.models import AnnualList, ListEdition
    from tests.publishing import open_notice

    annual_list = draft_list(2042, THRESHOLD + 1)
    open_notice(annual_list.memberships.all(), reviewer_client.user)
    data = {"action": "publish_list", ACTION_CHECKBOX_NAME: [annual_list.pk]}
    response = reviewer_client.post(reverse("admin:enterprises_annuallist_changelist"), data)

    job = PublicationJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert not ListEdition.objects.exists()
    assert set(annual_list.memberships.values_list("status", flat=True)) == {Status.NOTICE}

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.moved_count) == ("done", THRESHOLD + 1)
    assert set(annual_list.memberships.values_list("status", flat=True)) == {Status.PUBLISHED}
    edition = ListEdition.objects.get(annual_list=AnnualList.objects.get(year=2042))
    assert (edition.number, edition.row_count, edition.published_by) == (1, THRESHOLD + 1, reviewer_client.user)


def stopped_long_ago(job, **fields):
    """Set the job's times back past their lease, as a worker killed mid-move (or never started) leaves it."""
    PublicationJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_stopped_mid_move_can_be_run_again_and_moves_once(reviewer_client, settings):
    annual_list = draft_list(2046, THRESHOLD + 1)
    run_action(reviewer_client, "publish", annual_list)
    job = PublicationJob.objects.get()
    # The worker took the job and was killed before its move committed: nothing moved.
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.PUBLICATION_JOB_LEASE_SECONDS + 1)
    stopped_long_ago(job, status="running", started_at=long_ago)
    assert job.is_stalled

    page = reviewer_client.get(job.get_absolute_url())
    html = page.content.decode()
    assert page.context["refresh_seconds"] is None and page.context["can_run_again"]
    assert "The worker stopped" in html and "Nothing was moved" in html and 'name="run_again"' in html

    response = reviewer_client.post(job.get_absolute_url(), {"run_again": "Run again"})

    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.started_at) == ("queued", None) and not job.is_stalled
    # Both tasks run (the first one queued and the new one); the job is claimed once.
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.moved_count) == ("done", THRESHOLD + 1)
    assert PublicationEvent.objects.count() == THRESHOLD + 1
    assert set(annual_list.memberships.values_list("status", flat=True)) == {Status.PUBLISHED}


def test_a_job_no_worker_took_says_so_and_can_be_run_again(reviewer_client, settings):
    annual_list = draft_list(2047, THRESHOLD + 1)
    run_action(reviewer_client, "publish", annual_list)
    job = PublicationJob.objects.get()
    stopped_long_ago(job, queued_at=timezone.now() - datetime.timedelta(seconds=settings.IMPORT_QUEUE_LEASE_SECONDS + 1))

    html = reviewer_client.get(job.get_absolute_url()).content.decode()

    assert "No worker has taken this job" in html and "db_worker" in html
    reviewer_client.post(job.get_absolute_url(), {"run_again": "Run again"})
    job.refresh_from_db()
    assert job.status == "queued" and not job.is_stalled


def test_only_a_stalled_job_can_be_run_again_and_only_by_a_reviewer(reviewer_client, django_user_model, client):
    annual_list = draft_list(2048, THRESHOLD + 1)
    run_action(reviewer_client, "publish", annual_list)
    job = PublicationJob.objects.get()
    # A job the worker has not yet had time to take is left alone.
    response = reviewer_client.post(job.get_absolute_url(), {"run_again": "Run again"})
    assert response.status_code == 302
    assert PublicationJob.objects.get().queued_at == job.queued_at
    assert "This job changed while the page was open" in reviewer_client.get(job.get_absolute_url()).content.decode()

    stopped_long_ago(job, status="running", started_at=timezone.now() - datetime.timedelta(days=1))
    viewer = django_user_model.objects.create_user("viewer", password="pw-for-tests-only", is_superuser=False, is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_publicationjob"))
    client.force_login(viewer)
    assert not client.get(job.get_absolute_url()).context["can_run_again"]
    assert client.post(job.get_absolute_url(), {"run_again": "Run again"}).status_code == 403
    assert PublicationJob.objects.get().status == "running"


def test_a_run_whose_job_was_queued_again_meanwhile_rolls_its_move_back(monkeypatch):
    from shdt.core import publication
    from tests.publishing import make_reviewer

    annual_list = draft_list(2049, 3)
    job = publication_job_create(annual_list.memberships.all(), to=Status.PUBLISHED, user=make_reviewer())
    job_model = publication._job_model

    def taken_by_another_run(job):
        # As this run starts, the job is taken for stopped, queued again and taken by another worker.
        PublicationJob.objects.filter(pk=job.pk).update(started_at=timezone.now() + datetime.timedelta(seconds=1))
        return job_model(job)

    monkeypatch.setattr(publication, "_job_model", taken_by_another_run)
    publication_job_run(job)

    # The move was rolled back: the other run moves the records, once; they are still there for it.
    assert set(annual_list.memberships.values_list("status", flat=True)) == {Status.DRAFT}
    assert not PublicationEvent.objects.exists()
    assert PublicationJob.objects.get().status == "running"
    assert PublicationJobRecord.objects.filter(job=job).count() == 3
