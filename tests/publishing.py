"""Helpers for tests of publication: a reviewer, and a list's life from draft to its editions."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from enterprises.models import AnnualList, BusinessType, ListMembership
from shdt.reference.models import Region
from enterprises.services import annual_list_publish, enterprise_update
from shdt.core.models import Status
from shdt.core.publication import notice_open, records_move
from shdt.core.roles import REVIEWER
from tests.factories import make_enterprise, put_on_list


def make_reviewer(username="reviewer"):
    """A member of 审核员, who may publish, as roles are given on the site (not a superuser)."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw-for-tests-only")
    user.groups.add(reviewer_group())
    return user


def reviewer_group() -> Group:
    """The group 审核员, which every migrate and flush keeps (shdt.core.roles.sync_roles)."""
    return Group.objects.get(name=REVIEWER)


def open_notice(memberships, reviewer, title="2022年名单公示"):
    """Put list entries under a public notice of ten days from 2023-01-10."""
    notice, _ = notice_open(
        memberships,
        user=reviewer,
        title=title,
        starts_on=datetime.date(2023, 1, 10),
        ends_on=datetime.date(2023, 1, 20),
        contact="上海市商务委员会 服务贸易处 021-00000000",
    )
    return notice


def move(membership: ListMembership, to: Status, reviewer) -> None:
    records_move(ListMembership.objects.filter(pk=membership.pk), to=to, user=reviewer)


def drafts_of(annual_list: AnnualList):
    return annual_list.memberships.filter(status=Status.DRAFT)


NAMES = {
    "kept": "上海留名科技有限公司",
    "to_draft": "上海退稿科技有限公司",
    "withdrawn": "上海撤回科技有限公司",
    "renamed": "上海旧名科技有限公司",
    "moved_region": "上海迁区科技有限公司",
    "moved_type": "上海改类科技有限公司",
}
NEW_NAME = "上海新名科技有限公司"
ADDED = "上海新增科技有限公司"


def publish_two_editions():
    """
    Edition 1 of the 2023 list with six enterprises; then one entry returned to draft, one
    withdrawn, one enterprise renamed, one moved to Xuhui, one to cloud services, a new
    one added, all through a reviewer's notice; then edition 2.
    """
    reviewer = make_reviewer()
    enterprises = {key: make_enterprise(name, region="pudong", business_type="digital-services") for key, name in NAMES.items()}
    entries = {key: put_on_list(enterprise, year=2023, status=Status.DRAFT) for key, enterprise in enterprises.items()}
    annual_list = AnnualList.objects.get(year=2023)
    open_notice(drafts_of(annual_list), reviewer)
    first = annual_list_publish(annual_list, user=reviewer, note="首次发布")

    move(entries["to_draft"], Status.DRAFT, reviewer)
    move(entries["withdrawn"], Status.WITHDRAWN, reviewer)
    for key in ("renamed", "moved_region", "moved_type"):
        move(entries[key], Status.DRAFT, reviewer)
    enterprise_update(enterprises["renamed"], name=NEW_NAME)
    enterprise_update(enterprises["moved_region"], region=Region.objects.get(code="xuhui"))
    enterprise_update(enterprises["moved_type"], business_type=BusinessType.objects.get(code="cloud"))
    put_on_list(make_enterprise(ADDED, region="minhang", business_type="digital-content"), year=2023, status=Status.DRAFT)
    # The entry returned to draft stays out of the notice: it is still a draft when edition 2 is made.
    open_notice(drafts_of(annual_list).exclude(pk=entries["to_draft"].pk), reviewer, title="2023年名单调整公示")
    second = annual_list_publish(annual_list, user=reviewer, note="调整")
    return first, second, enterprises
