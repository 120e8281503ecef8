"""Staff of every role and a little of every kind of work, for the admin index's workbench (issue 15)."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from enterprises.models import AnnualList, ListMembership
from enterprises.services import annual_list_publish, enterprise_update, pending_change_reject
from policies.models import Policy
from shdt.core.models import ImportRecord, Status
from shdt.core.publication import notice_open, records_move
from shdt.core.roles import ACCOUNT_ADMIN, EDITOR, REVIEWER, VIEWER
from tests.factories import make_enterprise, put_on_list


def staff(username, role=None, *, superuser=False):
    user = get_user_model().objects.create_user(username, password="pw-for-tests-only", is_staff=True, is_superuser=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def people_create() -> dict:
    """One account of each role (two editors), a superuser and a deactivated account; Chinese names, as on the site."""
    return {
        "editor": staff("录入员甲", EDITOR),
        "other_editor": staff("录入员乙", EDITOR),
        "reviewer": staff("审核员甲", REVIEWER),
        "viewer": staff("只读甲", VIEWER),
        "account_admin": staff("账户管理员甲", ACCOUNT_ADMIN),
        "superuser": staff("超级用户", superuser=True),
        "deactivated": get_user_model().objects.create_user("离职录入员", is_active=False),
    }


def drafted_by(user, record):
    """Save `record` as `user`'s edit (its history row names them), as the admin does."""
    record._history_user = user
    record.save()
    return record


def notice(records, reviewer, *, title, days_ago, days_left):
    today = timezone.localdate()
    return notice_open(
        records,
        user=reviewer,
        title=title,
        starts_on=today - datetime.timedelta(days=days_ago),
        ends_on=today + datetime.timedelta(days=days_left),
        contact="上海市商务委员会 021-00000000",
    )[0]


def imported(user, status, *, errors=(), file_content=None, name="名单.xlsx"):
    return ImportRecord.objects.create(
        kind="enterprises", file_name=name, user=user, status=status, errors=list(errors), file_content=file_content
    )


def make_public_enterprise(name):
    return put_on_list(make_enterprise(name), year=2021, status=Status.PUBLISHED).enterprise


def work_create(people: dict) -> None:
    """A little of every kind of work: drafts, a return, notices under way and ended, changes, imports, editions."""
    editor, reviewer = people["editor"], people["reviewer"]
    annual_list = AnnualList.objects.create(year=2023, title="2023年上海数字贸易创新企业")

    def entry(name, status=Status.DRAFT):
        serial = ListMembership.objects.count() + 1
        return ListMembership(annual_list=annual_list, enterprise=make_enterprise(name), serial=serial, status=status)

    # My drafts: one entry and one policy of the editor's; one entry of another editor's.
    drafted_by(editor, entry("上海甲草稿科技有限公司"))
    drafted_by(editor, Policy(title="《甲的政策草稿》", published_on=datetime.date(2023, 1, 1), issuer="上海市人民政府"))
    drafted_by(people["other_editor"], entry("上海乙草稿科技有限公司"))
    # Returned to draft by a reviewer.
    returned = drafted_by(editor, entry("上海退回科技有限公司", Status.PUBLISHED))
    records_move(ListMembership.objects.filter(pk=returned.pk), to=Status.DRAFT, user=reviewer)
    # A notice under way over two entries; one ended whose entry is not yet published.
    under_way = [drafted_by(editor, entry(f"上海公示{n}科技有限公司")).pk for n in (1, 2)]
    notice(ListMembership.objects.filter(pk__in=under_way), reviewer, title="2023年名单公示", days_ago=2, days_left=3)
    ended = drafted_by(editor, entry("上海公示期满科技有限公司")).pk
    notice(ListMembership.objects.filter(pk=ended), reviewer, title="2023年补充公示", days_ago=12, days_left=-2)
    # The 2022 list is published, in two editions.
    published = put_on_list(make_enterprise("上海已发布科技有限公司"), year=2022, status=Status.NOTICE)
    annual_list_publish(published.annual_list, user=reviewer)
    annual_list_publish(published.annual_list, user=reviewer)
    # The editor's changes to public enterprises: one waiting for review, one rejected.
    enterprise_update(published.enterprise, user=editor, name_en="Published Ltd")
    rejected = enterprise_update(make_public_enterprise("上海被拒科技有限公司"), user=editor, name_en="Rejected")
    pending_change_reject(rejected.pending_change, user=reviewer, reason="名称有误")
    # Imports: the editor's in every stage, and one of another editor's in progress.
    imported(editor, ImportRecord.Status.RUNNING)
    imported(editor, ImportRecord.Status.PREVIEWED)
    imported(editor, ImportRecord.Status.FAILED, file_content=b"kept for the decision")
    imported(editor, ImportRecord.Status.FAILED, errors=[{"row": 2, "column": "企业名称", "code": "required", "message": "必填"}])
    imported(editor, ImportRecord.Status.DONE)
    imported(people["other_editor"], ImportRecord.Status.QUEUED)
