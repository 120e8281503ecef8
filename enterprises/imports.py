"""
How the enterprise and case-study tables are imported (see shdt.core.imports for the path
every import takes). Matching, per the registry's rules: an enterprise by its credit
code when the row gives one, else by its name normalised for width and spaces, else by
one of its aliases; a case study by its enterprise and report year.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shdt.core.imports import (
    CHANGED,
    INVALID,
    NEW,
    SIMILAR,
    Change,
    SerialClaim,
    Similar,
    TableImport,
    display,
    fetch_in_chunks,
    find_similar,
    settle_serials,
)
from shdt.core.models import PUBLIC_STATUSES, unique_slug
from shdt.core.text import normalize_name, permalink_slug

from . import review
from .models import AnnualList, CaseStudy, Enterprise, ListMembership
from .resources import ALIAS_SEPARATOR, CaseStudyResource, EnterpriseResource
from .services import pending_changes_propose
from .validation import split_aliases, validate_aliases, validate_name_free

NAME_FIELDS = {"name", "name_en", "aliases"}


def list_title(year: int) -> str:
    return f"{year}年上海数字贸易创新企业"


class EnterpriseIndex:
    """Every enterprise's names and credit code, read in one query, to match rows against."""

    def __init__(self):
        self.names: dict[int, str] = {}
        self.by_name: dict[str, int] = {}
        self.by_code: dict[str, int] = {}
        self.codes: dict[int, str | None] = {}
        # Every (id, name or alias) pair: what a new row's name may be a likely duplicate of.
        self.spellings: list[tuple[int, str]] = []
        by_alias: dict[str, set[int]] = {}
        for pk, name, normalized, code, aliases in Enterprise.objects.values_list(
            "pk", "name", "name_normalized", "credit_code", "aliases"
        ):
            self.names[pk] = name
            self.spellings.append((pk, name))
            self.by_name[normalized] = pk
            self.codes[pk] = code
            if code:
                self.by_code[code] = pk
            for alias in split_aliases(aliases):
                self.spellings.append((pk, alias))
                by_alias.setdefault(normalize_name(alias), set()).add(pk)
        # An alias shared by two enterprises identifies neither.
        self.by_alias = {alias: next(iter(pks)) for alias, pks in by_alias.items() if len(pks) == 1}

    def find(self, name: str) -> tuple[int | None, str]:
        """Return the id of the enterprise called `name` and how it matched ("name" or "alias")."""
        normalized = normalize_name(name)
        if normalized in self.by_name:
            return self.by_name[normalized], "name"
        if normalized in self.by_alias:
            return self.by_alias[normalized], "alias"
        return None, ""


class EnterpriseImport(TableImport):
    """表 3-3 and the enterprise export: enterprises, and with a list year their 序号 on that list."""

    resource_class = EnterpriseResource
    model = Enterprise
    special_columns = ("serial", "aliases")
    required_columns = ("name",)

    def prepare(self, rows):
        self.index = EnterpriseIndex()
        self.public_pks = []
        self.annual_list = AnnualList.objects.filter(year=self.list_year).first() if self.list_year else None
        self.memberships = {}
        if self.annual_list is not None:
            self.memberships = {
                m.enterprise_id: m for m in ListMembership.objects.filter(annual_list=self.annual_list)
            }
        # The records the rows will be compared with, fetched together, not one by one.
        candidates = set()
        for row in rows:
            name = row.raw("name")
            if name:
                candidates.add(self.index.find(str(name))[0])
            code = row.raw("credit_code")
            if code:
                candidates.add(self.index.by_code.get("".join(str(code).split()).upper()))
            decision = self.decisions.get(str(row.number), "")
            if decision.isdigit():
                candidates.add(int(decision))
        candidates.discard(None)
        self.records = fetch_in_chunks(Enterprise.objects.select_related("region", "business_type", "listing"), candidates)

    def check_row(self, row):
        values = self.read_plain_fields(row)
        name = values.get("name")
        plan = self.start_plan(row, name or row.raw("name"))
        if row.has("aliases"):
            try:
                validate_aliases(row.raw("aliases"))
            except ValidationError as error:
                self.report(row, ValidationError({"aliases": error}))
            else:
                values["aliases"] = "\n".join(split_aliases(row.raw("aliases")))
        if self.list_year and row.has("serial"):
            serial = self.clean(row, "serial")
            if serial is not INVALID:
                if serial is not None and serial < 1:
                    row.error("serial", "invalid", _("a serial number starts at 1"))
                else:
                    plan.attached = serial
        self.refuse_blanks(row, values, ("name",))
        if not name:
            return plan.outcome

        pk, matched_by = self.match(row, values)
        if pk is INVALID:
            return plan.outcome
        plan.record = self.records[pk] if pk else None
        same_enterprise = gettext_lazy("the same enterprise as row %(row)d")
        if not self.first_of(row, pk or ("new", normalize_name(name)), "name", same_enterprise):
            return plan.outcome
        code = values.get("credit_code")
        same_code = gettext_lazy("the same credit code as row %(row)d")
        if code and not self.first_of(row, ("code", code), "credit_code", same_code):
            return plan.outcome
        if "name" in values and not self.name_free(row, values["name"], pk):
            return plan.outcome

        if pk is None:
            self.refuse_blanks(
                row,
                values,
                ("business_type", "region"),
                new_record_message=gettext_lazy("a new enterprise needs the column “%(column)s”"),
            )
            return self.plan_new(plan, values)

        record = plan.record
        plan.outcome.label = record.name
        if normalize_name(name) == record.name_normalized:
            # The same name in another width or spacing (博彦科技(上海) is 博彦科技（上海）): not a rename.
            values.pop("name", None)
        elif matched_by in ("alias", "decision"):
            # The row's name is another spelling of this enterprise: keep the registered
            # name, and keep the spelling as an alias so that a search finds it.
            values.pop("name", None)
            aliases = split_aliases(values.get("aliases", record.aliases))
            if normalize_name(name) not in {normalize_name(a) for a in [record.name, *aliases]}:
                values["aliases"] = "\n".join([*aliases, name])
        self.refuse_blanks(row, values, ("business_type", "region"))
        outcome = self.plan_change(plan, record, values)
        for change in outcome.changes:
            if change.column == row.header("aliases"):
                change.old, change.new = (ALIAS_SEPARATOR.join(split_aliases(v)) for v in (change.old, change.new))
        if record.on_public_list and not review.may_change_public(self.user):
            # The public sees this enterprise: an editor's changes to it wait for a reviewer
            # (enterprises.services.enterprise_update's rule), and the preview says so.
            self.plan_review(plan, review.REVIEWED_FIELDS)
        return outcome

    def name_free(self, row, name, pk) -> bool:
        """The registry's rule on names (enterprises.validation), against the names read once."""
        holder = self.index.by_name.get(normalize_name(name))
        try:
            validate_name_free(name, pk, (holder, self.index.names[holder]) if holder else None)
        except ValidationError as error:
            self.report(row, error)
            return False
        return True

    def match(self, row, values):
        """Return (id or None, how) of the enterprise the row is; INVALID if it contradicts itself."""
        name = values["name"]
        decision = self.decisions.get(str(row.number), "")
        if decision.isdigit():
            if int(decision) not in self.records:
                row.error("name", "unknown_enterprise", _("the enterprise chosen for this row no longer exists"))
                return INVALID, ""
            return int(decision), "decision"
        code = values.get("credit_code")
        by_code = self.index.by_code.get(code) if code else None
        by_name, how = self.index.find(name)
        if by_code and by_name and by_code != by_name:
            row.error(
                "credit_code",
                "credit_code_conflict",
                _("this credit code is “%(owner)s”'s, but the name is another enterprise's") % {
                    "owner": self.index.names[by_code]
                },
            )
            return INVALID, ""
        if by_code:
            return by_code, "credit_code"
        if by_name:
            registered = self.index.codes.get(by_name)
            if code and registered and registered != code:
                row.error(
                    "credit_code",
                    "credit_code_conflict",
                    _("the registry has the credit code %(code)s for “%(name)s”") % {
                        "code": registered,
                        "name": self.index.names[by_name],
                    },
                )
                return INVALID, ""
            return by_name, how
        return None, ""

    def check_file(self, rows, outcomes):
        self.check_similar_names()
        if self.list_year:
            self.settle_list_serials()

    def check_similar_names(self):
        new_plans = {
            p.row.number: p for p in self.plans if p.pk is None and "name" in p.values and not p.row.problems
        }
        undecided = {n: p.values["name"] for n, p in new_plans.items() if self.decisions.get(str(n)) != "new"}
        for number in set(new_plans) - set(undecided):
            new_plans[number].outcome.decision = "new"
        new_codes = {n: new_plans[n].values.get("credit_code") for n in undecided}
        for number, pks in find_similar(
            undecided, self.index.spellings, new_codes=new_codes, codes=self.index.codes
        ).items():
            outcome = new_plans[number].outcome
            outcome.status = SIMILAR
            outcome.similar = [Similar(pk, self.index.names[pk]) for pk in pks]

    def settle_list_serials(self):
        claims = []
        for plan in self.plans:
            if plan.pk is None and "name" not in plan.values:
                continue
            key = plan.pk or ("new", plan.row.number)
            membership = self.memberships.get(plan.pk) if plan.pk else None
            claims.append(SerialClaim(plan.row, key, plan.attached, membership.serial if membership else None))
        held = {m.serial: (pk, self.index.names.get(pk, "")) for pk, m in self.memberships.items()}
        scope = _("the %(year)d list") % {"year": self.list_year}
        final = settle_serials(claims, held, scope)
        for plan in self.plans:
            key = plan.pk or ("new", plan.row.number)
            if key not in final:
                continue
            plan.attached = final[key]
            membership = self.memberships.get(plan.pk) if plan.pk else None
            if plan.pk and (membership is None or membership.serial != plan.attached):
                if membership is not None and self.refuse_public_change(plan.row, membership):
                    continue
                old = "" if membership is None else display(membership.serial)
                plan.outcome.add_change(Change(plan.row.header("serial"), old, display(plan.attached)))

    def write(self):
        taken = set(Enterprise.objects.values_list("slug", flat=True))
        for plan in self.planned(NEW):
            enterprise = plan.record = Enterprise(**plan.values)
            enterprise.refresh_name_keys()
            enterprise.slug = unique_slug(Enterprise, permalink_slug(enterprise.name), taken=taken)
            taken.add(enterprise.slug)
        self.bulk_create(Enterprise, [plan.record for plan in self.planned(NEW)])

        changed, fields = self.apply_changes()
        for plan in self.planned(CHANGED):
            if NAME_FIELDS & set(plan.changed_fields):
                plan.record.refresh_name_keys()
                fields.update({"name", "name_normalized", "aliases", "search_text"})
        self.bulk_update(Enterprise, changed, fields)
        pending_changes_propose(
            [
                (plan.record, {name: review.encode(name, value) for name, value in plan.pending.items()})
                for plan in self.planned(CHANGED)
                if plan.pending
            ],
            user=self.user,
            import_record=self.record,
        )

        if self.list_year:
            self.write_memberships(self.planned(NEW, CHANGED))

    def write_memberships(self, plans):
        annual_list = self.annual_list
        if annual_list is None:
            annual_list = AnnualList(year=self.list_year, title=list_title(self.list_year))
            self.bulk_create(AnnualList, [annual_list])
        added, moved = [], []
        for plan in plans:
            membership = self.memberships.get(plan.pk)
            if membership is None:
                added.append(ListMembership(annual_list=annual_list, enterprise_id=plan.pk, serial=plan.attached))
            elif membership.serial != plan.attached:
                membership.serial = plan.attached
                moved.append(membership)
        self.park_serials(ListMembership, moved)
        self.bulk_update(ListMembership, moved, ["serial"])
        self.bulk_create(ListMembership, added)
        # Bulk writes send no signals: the PublicListing rows follow the entries, in
        # refresh_public(). They are read from the entries the public sees only, so an
        # entry under no public status (every new one is a draft) cannot change them.
        self.public_pks = [m.enterprise_id for m in (*moved, *added) if m.status in PUBLIC_STATUSES]

    def write_total(self):
        total = super().write_total()
        if self.list_year:
            # The list itself, if new, and an entry for each row that joins it or moves on it (write_memberships).
            total += self.annual_list is None
            for plan in self.planned(NEW, CHANGED):
                membership = self.memberships.get(plan.pk)
                total += membership is None or membership.serial != plan.attached
        return total

    def public_total(self):
        return len(self.public_pks)

    def refresh_public(self):
        Enterprise.objects.filter(pk__in=self.public_pks).refresh_public_listing()


class CaseStudyImport(TableImport):
    """
    表 6-1 and the case-study export: case studies of a report year, attached to
    enterprises already in the registry (a case-study file never creates an enterprise).
    """

    resource_class = CaseStudyResource
    model = CaseStudy
    special_columns = ("enterprise", "business_type", "region", "report_year")
    required_columns = ("enterprise",)

    def default_year(self) -> int | None:
        if self.list_year:
            return self.list_year
        latest = AnnualList.objects.order_by("-year").values_list("year", flat=True).first()
        return latest

    def prepare(self, rows):
        self.index = EnterpriseIndex()
        self.year = self.default_year()
        self.enterprises = fetch_in_chunks(
            Enterprise.objects.select_related("region", "business_type"),
            [self.index.find(str(row.raw("enterprise")))[0] for row in rows if row.raw("enterprise")],
        )
        self.cases = {(c.enterprise_id, c.report_year): c for c in CaseStudy.objects.all()}

    def check_row(self, row):
        name = self.clean(row, "enterprise")
        plan = self.start_plan(row, name)
        values = self.read_plain_fields(row)
        year = self.year
        if row.has("report_year"):
            given = self.clean(row, "report_year")
            if given not in (None, INVALID):
                if self.list_year and given != self.list_year:
                    row.error(
                        "report_year",
                        "year_mismatch",
                        _("this row is for %(given)d, but the import is for %(year)d") % {
                            "given": given,
                            "year": self.list_year,
                        },
                    )
                year = given
        if year is None:
            row.error(None, "no_year", _("say which report year the case studies belong to (--list YEAR)"))
        if name is INVALID or not self.required(row, "enterprise", name):
            return plan.outcome
        pk, _how = self.index.find(str(name))
        if pk is None:
            row.error(
                "enterprise",
                "unknown_enterprise",
                _("no enterprise of this name is in the registry; import it with the enterprise table first"),
            )
            return plan.outcome
        enterprise = self.enterprises[pk]
        plan.outcome.label = enterprise.name
        for key in ("business_type", "region"):
            if row.has(key):
                given = self.clean(row, key)
                current = getattr(enterprise, key)
                if given not in (None, INVALID) and given.pk != current.pk:
                    row.error(
                        key,
                        "differs_from_enterprise",
                        _("“%(given)s” differs from the enterprise's record (“%(current)s”); change the enterprise itself")
                        % {"given": row.raw(key), "current": current},
                    )
        if row.problems or year is None:
            return plan.outcome
        if not self.first_of(row, (pk, year), "enterprise", gettext_lazy("the same case study as row %(row)d")):
            return plan.outcome
        plan.key = (pk, year)
        record = self.cases.get(plan.key)
        if record is None:
            return self.plan_new(plan, {**values, "enterprise_id": pk, "report_year": year})
        if values.get("serial") is None:
            # A blank serial keeps the case study's own.
            values.pop("serial", None)
        return self.plan_change(plan, record, values)

    def check_file(self, rows, outcomes):
        by_year: dict[int, list] = {}
        for plan in self.plans:
            if plan.key is not None:
                by_year.setdefault(plan.key[1], []).append(plan)
        for year, plans in by_year.items():
            claims = [
                SerialClaim(
                    plan.row,
                    plan.key[0],
                    plan.values.get("serial", plan.record.serial if plan.record else None),
                    plan.record.serial if plan.record else None,
                )
                for plan in plans
            ]
            held = {
                case.serial: (enterprise_id, self.index.names.get(enterprise_id, ""))
                for (enterprise_id, case_year), case in self.cases.items()
                if case_year == year
            }
            final = settle_serials(claims, held, _("the case studies of %(year)d") % {"year": year})
            for plan in plans:
                if plan.record is None:
                    plan.values["serial"] = final.get(plan.key[0])

    def write(self):
        changed, fields = self.apply_changes()
        self.park_serials(CaseStudy, [p.record for p in self.planned(CHANGED) if "serial" in p.changed_fields])
        self.bulk_update(CaseStudy, changed, fields)
        self.bulk_create(CaseStudy, [CaseStudy(**plan.values) for plan in self.planned(NEW)])
