"""
Publication: what the public sees, and who decides it.

A reviewer moves records between the states of shdt.core.models.Status: puts drafts under
public notice (公示), publishes, withdraws, or returns a record to draft so that an
editor may change it. Every move is checked against the reviewer's permission, written
with its history, logged as a PublicationEvent (the Atom feed), and counted in the data
version (so that no cached page shows the old state).

A move is set-based: the same few statements whether it moves five records or 100,000.
The ids of the records that move are locked and kept in a temporary table; one UPDATE
moves them, and the database writes their history rows and their events itself (INSERT
… SELECT, shdt.core.history), with the titles and addresses each model declares as SQL
expressions (PublishableModel.publication_title, publication_url).
"""

from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import DatabaseError, connections, transaction
from django.db.models import CharField, DateTimeField, F, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.translation import gettext as _

from .history import history_enabled, history_insert_select
from .models import Notice, PublicationEvent, PublicationJob, PublicationJobRecord, Status
from .roles import can_publish
from .sql_select import select_sql
from .versioning import data_version_bump

# Which states each move starts from.
MOVES = {
    Status.NOTICE: (Status.DRAFT, Status.WITHDRAWN),
    Status.PUBLISHED: (Status.DRAFT, Status.NOTICE, Status.WITHDRAWN),
    Status.WITHDRAWN: (Status.NOTICE, Status.PUBLISHED),
    Status.DRAFT: (Status.NOTICE, Status.PUBLISHED, Status.WITHDRAWN),
}

# The records of the move under way: a temporary table, seen by this connection only.
MOVING_TABLE = "shdt_moving_records"
TITLE_LENGTH = PublicationEvent._meta.get_field("title").max_length
URL_LENGTH = PublicationEvent._meta.get_field("url").max_length


class ConcurrentMove(DatabaseError):
    """Another transaction moved some of the records between their selection and their move."""


@transaction.atomic
def records_move(queryset, *, to: Status, user, notice: Notice | None = None) -> int:
    """
    Move the records of `queryset` that may make the move to the status `to`; return
    how many moved. Records already there, or in a state the move does not start from,
    are left as they are.
    """
    model = queryset.model
    if not can_publish(user, model):
        raise PermissionDenied(_("Only a reviewer may change what the public sees."))
    if to == Status.NOTICE and notice is None:
        raise ValidationError(_("A public notice needs its period and a contact for objections."))
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    now = timezone.now()
    # Locked (FOR UPDATE, in id order so that two moves never wait on each other in a
    # circle): a second reviewer's move of the same records waits for this one, then
    # finds them in their new state and leaves them.
    selected = model._default_manager.filter(pk__in=queryset.values("pk"), status__in=MOVES[to])
    selected = selected.select_for_update().order_by("pk").values_list("pk")
    with connection.cursor() as cursor:
        # Dropped at the end, or with everything else when the transaction rolls back.
        cursor.execute(f"CREATE TEMPORARY TABLE {quote(MOVING_TABLE)} (id bigint PRIMARY KEY)")
        sql, params = select_sql(selected)
        cursor.execute(f"INSERT INTO {quote(MOVING_TABLE)} (id) {sql}", params)
        count = cursor.rowcount
        moving = model._default_manager.filter(pk__in=RawSQL(f"SELECT id FROM {quote(MOVING_TABLE)}", ()))
        if count:
            changes = {"status": to}
            if to == Status.NOTICE:
                changes["notice"] = notice
            if to == Status.PUBLISHED:
                changes["published_at"] = now
            # The state is checked again: on a database that does not lock rows (SQLite),
            # a record moved by someone else meanwhile is not moved twice.
            if moving.filter(status__in=MOVES[to]).update(**changes) != count:
                raise ConcurrentMove(_("Another reviewer moved some of these records at the same time; try again."))
            if history_enabled():
                insert, params = history_insert_select(
                    model,
                    {
                        "history_date": now,
                        "history_change_reason": None,
                        "history_type": "~",
                        "history_user": user.pk,
                        "import_record": None,
                    },
                )
                table = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
                cursor.execute(
                    f"{insert} WHERE {table} IN (SELECT id FROM {quote(MOVING_TABLE)}) ORDER BY {table}", params
                )
            _events_write(moving, to=to, user=user, now=now, connection=connection)
            model.after_publication_change(moving, to=to)
        cursor.execute(f"DROP TABLE {quote(MOVING_TABLE)}")
    if count:
        data_version_bump()
    return count


def _events_write(moving: QuerySet, *, to, user, now, connection) -> None:
    """The moved records' PublicationEvents, written by the database from the records themselves."""
    model = moving.model
    columns = {
        "at": Value(now, output_field=DateTimeField()),
        "action": Value(str(to), output_field=CharField()),
        "kind": Value(model._meta.label_lower, output_field=CharField()),
        "record_id": F("pk"),
        "title": Left(model.publication_title(), TITLE_LENGTH),
        "url": Left(model.publication_url(), URL_LENGTH),
        "user": Value(user.pk, output_field=IntegerField()),
    }
    insert_select(PublicationEvent, columns, moving, connection)


def insert_select(target, columns: dict, queryset: QuerySet, connection, *, update_conflicts: str | None = None) -> int:
    """
    Write a row of `target` (a model) for each row of `queryset`, in the queryset's order,
    with `columns` (field name → expression over the queryset's model): one INSERT …
    SELECT. With `update_conflicts` (a unique field of `target`), a row whose value there
    is taken updates that row's other columns instead (an upsert, as bulk_create's
    update_conflicts writes it). Return how many rows were written.
    """
    quote = connection.ops.quote_name
    names = [quote(target._meta.get_field(name).column) for name in columns]
    suffix = ""
    if update_conflicts is not None:
        # Written out, not asked of the backend's private helpers: PostgreSQL and SQLite
        # (3.24 and later) read the same upsert clause.
        unique = quote(target._meta.get_field(update_conflicts).column)
        others = [quote(target._meta.get_field(name).column) for name in columns if name != update_conflicts]
        updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in others)
        suffix = f" ON CONFLICT ({unique}) DO UPDATE SET {updates}"
    # Aliases the model's fields cannot clash with; values() selects them in this order.
    selected = queryset.values(**{f"insert_select_{index}": value for index, value in enumerate(columns.values())})
    try:
        sql, params = select_sql(selected)
    except EmptyResultSet:
        # A queryset that can match nothing (pk__in=[]) has no SELECT: nothing to write.
        return 0
    if suffix:
        # SQLite reads `… ON CONFLICT` after a SELECT as a join's ON unless a WHERE comes first.
        sql = f"SELECT * FROM ({sql}) {quote('insert_select')} WHERE 1 = 1"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(target._meta.db_table)} ({', '.join(names)}) {sql}{suffix}", params)
        return cursor.rowcount



def publication_job_create(queryset, *, to: Status, user, notice: Notice | None = None) -> PublicationJob:
    """
    Keep a move of many records for the background worker (shdt.core.tasks): the job and
    the ids of its records (written by the database, INSERT … SELECT). The records move
    when the worker runs publication_job_run; until then nothing the public sees changes.
    """
    model = queryset.model
    if not can_publish(user, model):
        raise PermissionDenied(_("Only a reviewer may change what the public sees."))
    if to == Status.NOTICE and notice is None:
        raise ValidationError(_("A public notice needs its period and a contact for objections."))
    with transaction.atomic():
        job = PublicationJob.objects.create(
            kind=model._meta.label_lower, action=to, user=user, notice=notice, queued_at=timezone.now()
        )
        columns = {"job": Value(job.pk, output_field=IntegerField()), "record_id": F("pk")}
        job.rows_total = insert_select(PublicationJobRecord, columns, queryset.order_by("pk"), connections[queryset.db])
        job.save(update_fields=["rows_total"])
    return job


class _JobLost(Exception):
    """The job was queued again (its page's *Run again*) while this run moved its records."""


def publication_job_run(job: PublicationJob) -> PublicationJob:
    """
    Make the move of a queued job, and record how it ended: how many records moved, or
    why none did. The move and the job's end as done are one transaction, conditional on
    the job still being this run's: a run taken for stopped and queued again meanwhile
    rolls its move back, so the records move once whatever the workers do.
    """
    State = PublicationJob.State
    started = timezone.now()
    claimed = PublicationJob.objects.filter(pk=job.pk, status=State.QUEUED)
    if not claimed.update(status=State.RUNNING, started_at=started, error=""):
        return job  # Run already, or being run by another worker.
    held = PublicationJob.objects.filter(pk=job.pk, status=State.RUNNING, started_at=started)
    records = _job_model(job)._default_manager.filter(pk__in=job.records.values("record_id"))
    try:
        with transaction.atomic():
            moved = records_move(records, to=job.action, user=job.user, notice=job.notice)
            if not held.update(status=State.DONE, moved_count=moved, finished_at=timezone.now()):
                raise _JobLost
    except _JobLost:
        # Another run has the job, and its records: leave both to it.
        job.refresh_from_db()
        return job
    except Exception as error:  # noqa: BLE001 (whatever stopped the move, the reviewer reads it on the job's page)
        held.update(status=State.FAILED, error=str(error) or type(error).__name__, finished_at=timezone.now())
    job.refresh_from_db()
    if not job.is_busy:
        job.records.all().delete()
    return job


def publication_job_requeue(job: PublicationJob, *, user) -> bool:
    """
    Queue again a job whose worker stopped (is_stalled), if it is still as the caller read
    it: its records wait for the next worker, and a run of it still alive somewhere rolls
    its move back (publication_job_run). Return whether it was queued; the caller then
    hands it to the worker.
    """
    if not can_publish(user, _job_model(job)):
        raise PermissionDenied(_("Only a reviewer may change what the public sees."))
    if not job.is_stalled:
        return False
    read = PublicationJob.objects.filter(pk=job.pk, status=job.status, started_at=job.started_at, queued_at=job.queued_at)
    now = timezone.now()
    if not read.update(status=PublicationJob.State.QUEUED, queued_at=now, started_at=None):
        return False
    job.status, job.queued_at, job.started_at = PublicationJob.State.QUEUED, now, None
    return True


def _job_model(job: PublicationJob):
    from .registry import model_for_label

    return model_for_label(job.kind)


def notice_open(queryset, *, user, title: str, starts_on, ends_on, contact: str) -> tuple[Notice, int]:
    """Put the records under a new public notice (公示) with its period and contact."""
    notice = Notice(title=title, starts_on=starts_on, ends_on=ends_on, contact=contact, created_by=user)
    notice.full_clean()
    with transaction.atomic():
        notice.save()
        moved = records_move(queryset, to=Status.NOTICE, user=user, notice=notice)
    return notice, moved
