"""
Selectors of list editions: which editions the public sees, and what changed from one
edition to the next.

The changes are read from the two editions' frozen JSON files, never from the live
records, so that they say what the published files say, however the records have
changed since. Rows are matched by their 永久链接 (an enterprise keeps its permalink when
its name changes), which is what lets a renamed enterprise show as renamed rather than
as one removed and another added.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Length

from shdt.core.models import PUBLIC_STATUSES

from .models import AnnualList, ListEdition, ListMembership

# The columns of an edition's file that the comparison reads (enterprises.resources.EnterpriseResource).
PERMALINK = "永久链接"
NAME = "企业名称"
REGION = "所属区域"
BUSINESS_TYPE = "业务类型"
SERIAL = "序号"

# The editions' files are large (every column of every row): pages that list editions
# read their sizes, not their bytes.
EXTENSIONS = ("csv", "xlsx", "json")
FILE_FIELDS = tuple(f"{extension}_file" for extension in EXTENSIONS)


@dataclass(frozen=True)
class EditionRow:
    """One enterprise as an edition's file lists it."""

    # The permalink's path: the row's key, and a link that works whatever host the file names.
    path: str
    serial: int | None
    name: str
    region: str
    business_type: str
    permalink: str

    def __iter__(self):
        # The cells of the rows' template (includes/enterprise_rows.html), which shows the
        # list's rows too: an edition's file has no list year per row and no markers.
        return iter((self.path, self.serial, None, self.name, self.business_type, self.region, False, False))


@dataclass(frozen=True)
class Change:
    """A row in both editions whose value in one column differs: `before` in the previous edition."""

    row: EditionRow
    before: str
    after: str


@dataclass
class EditionChanges:
    """What changed from one edition of a list to the next, each part in the order of its edition."""

    added: list[EditionRow] = field(default_factory=list)
    removed: list[EditionRow] = field(default_factory=list)
    renamed: list[Change] = field(default_factory=list)
    moved_region: list[Change] = field(default_factory=list)
    moved_type: list[Change] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.added, self.removed, self.renamed, self.moved_region, self.moved_type))


def permalink_key(permalink: str) -> str:
    """
    Return the part of a permalink that names the enterprise: its path. The host is the
    site's address when the edition was made (settings.SITE_URL), which may change.
    """
    return urlsplit(permalink).path or permalink


def edition_rows(edition: ListEdition) -> dict[str, EditionRow]:
    """Return the rows of an edition's JSON file, keyed by permalink, in the file's order."""
    rows = {}
    for item in json.loads(edition.file("json")):
        path = permalink_key(item[PERMALINK])
        rows[path] = EditionRow(
            path=path,
            serial=item.get(SERIAL),
            name=item[NAME],
            region=item[REGION],
            business_type=item[BUSINESS_TYPE],
            permalink=item[PERMALINK],
        )
    return rows


def edition_changes(previous: ListEdition, current: ListEdition) -> EditionChanges:
    """
    Return what changed from `previous` to `current`: the enterprises added and
    removed, and, of those in both, the ones renamed (same permalink, another
    企业名称), moved to another region (所属区域) or to another business type (业务类型).
    An enterprise renamed and moved is in both lists.
    """
    before = edition_rows(previous)
    after = edition_rows(current)
    changes = EditionChanges(
        added=[row for key, row in after.items() if key not in before],
        removed=[row for key, row in before.items() if key not in after],
    )
    for key, row in after.items():
        old = before.get(key)
        if old is None:
            continue
        if old.name != row.name:
            changes.renamed.append(Change(row, old.name, row.name))
        if old.region != row.region:
            changes.moved_region.append(Change(row, old.region, row.region))
        if old.business_type != row.business_type:
            changes.moved_type.append(Change(row, old.business_type, row.business_type))
    return changes


def previous_edition(edition: ListEdition) -> ListEdition | None:
    """The edition of the same list published before this one, if any."""
    earlier = editions_listed().filter(annual_list=edition.annual_list_id, number__lt=edition.number)
    return earlier.order_by("-number").first()


def editions_listed():
    """
    The editions with the sizes of their files (`csv_size`, `xlsx_size`, `json_size`)
    but not the files themselves, which are read only when asked for.
    """
    sizes = {f"{extension}_size": Length(f"{extension}_file") for extension in EXTENSIONS}
    return ListEdition.objects.defer(*FILE_FIELDS).annotate(**sizes)


def public_annual_lists():
    """
    The lists the public sees, newest first, each with its editions (newest first) and
    whether it has entries the public sees (`has_public_entries`): a list with entries
    under public notice or published, or with a published edition (an edition stays
    citable even if the list's entries are later withdrawn).
    """
    public_entries = ListMembership.objects.filter(annual_list=OuterRef("pk"), status__in=PUBLIC_STATUSES)
    return (
        AnnualList.objects.annotate(has_public_entries=Exists(public_entries))
        .filter(Q(has_public_entries=True) | Q(Exists(ListEdition.objects.filter(annual_list=OuterRef("pk")))))
        .order_by("-year")
        .prefetch_related(Prefetch("editions", editions_listed().order_by("-number")))
    )
