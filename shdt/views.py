"""
The home page, the statistics page, the pages that help find the rest (search, changes,
site map, robots.txt), the accessibility statement, and the form that reports an error in a record.
"""

from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseForbidden, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import TemplateView, View

from bases.models import ExportBase
from enterprises.models import AnnualList, BusinessType, CaseStudy
from shdt.reference.models import Region
from policies.models import Policy

from shdt.core.caching import VersionedResponseCacheMixin
from shdt.core.charts import bar_chart
from shdt.core.corrections import CorrectionForm, correction_request_create, from_this_site, public_record
from shdt.core.limits import CORRECTION, too_many_requests, wait_seconds
from shdt.core.feed import feed_entries
from shdt.core.links import absolute_url
from shdt.core.maps import district_map
from shdt.core.models import PUBLIC_STATUSES
from shdt.core.search import SEARCH_VAR, InvalidQuery, clean_query, search, suggestions


# The downloads of the public lists: crawlers leave them to people (the API serves the data).
DOWNLOAD_URL_NAMES = ("enterprise_download", "exportbase_download", "policy_download")


def latest_public_list():
    """The newest list with entries the public sees."""
    return AnnualList.objects.filter(memberships__status__in=PUBLIC_STATUSES).order_by("-year").first()


class HomeView(VersionedResponseCacheMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        # One grouped count gives the map and the headline number: every public enterprise
        # has a region, so their sum is the count of public enterprises.
        public = Q(enterprises__listing__isnull=False)
        by_region = list(Region.objects.annotate(n=Count("enterprises", filter=public)))
        list_url = reverse("enterprise_list")
        return super().get_context_data(
            enterprise_count=sum(r.n for r in by_region),
            # Like the business types below: every public enterprise, whatever its list.
            region_map=district_map([(r, r.n) for r in by_region], link=lambda r: f"{list_url}?district={r.code}"),
            case_study_count=CaseStudy.objects.public().count(),
            base_count=ExportBase.objects.public().count(),
            policy_count=Policy.objects.public().count(),
            latest_list=latest_public_list(),
            business_types=BusinessType.objects.annotate(n=Count("enterprises", filter=public)),
            **kwargs,
        )


class StatsView(VersionedResponseCacheMixin, TemplateView):
    """Enterprises by business type and by region (图 3-25 and 表 3-3), and the case studies' volumes."""

    template_name = "stats.html"

    def get_context_data(self, **kwargs):
        annual_list = latest_public_list()
        on_list = _on(annual_list)
        by_type = list(
            BusinessType.objects.annotate(n=Count("enterprises", filter=on_list)).filter(n__gt=0).order_by("-n", "sort_order")
        )
        # Every region, in the reference order, for the map; those with enterprises, most first, for the bars.
        regions = list(Region.objects.annotate(n=Count("enterprises", filter=on_list)))
        by_region = sorted((r for r in regions if r.n), key=lambda r: -r.n)
        cases_public = CaseStudy.objects.public()
        case_year = cases_public.order_by("-report_year").values_list("report_year", flat=True).first()
        cases = list(cases_public.filter(report_year=case_year).select_related("enterprise").order_by("-trade_volume"))
        with_volume = [c for c in cases if c.trade_volume is not None]
        on_this_list = f"{reverse('enterprise_list')}?list={annual_list.year}&" if annual_list else f"{reverse('enterprise_list')}?"
        return super().get_context_data(
            annual_list=annual_list,
            enterprise_total=sum(t.n for t in by_type),
            by_type=by_type,
            # Each bar leads to the enterprises it counts.
            by_type_chart=bar_chart([(t, t.n) for t in by_type], link=lambda t: f"{on_this_list}business_type={t.code}"),
            by_region=by_region,
            by_region_chart=bar_chart([(r, r.n) for r in by_region], link=lambda r: f"{on_this_list}district={r.code}"),
            region_map=district_map([(r, r.n) for r in regions], link=lambda r: f"{on_this_list}district={r.code}"),
            case_year=case_year,
            cases=cases,
            cases_chart=bar_chart([(c.enterprise, c.trade_volume) for c in with_volume], link=lambda e: e.get_absolute_url()),
            case_total=sum((c.trade_volume for c in with_volume), start=0),
            **kwargs,
        )


def _on(annual_list) -> Q:
    """Count the enterprises on the given list as the public sees it (none when there is no list)."""
    if annual_list is None:
        return Q(pk__in=[])
    return Q(enterprises__memberships__annual_list=annual_list, enterprises__memberships__status__in=PUBLIC_STATUSES)


class ChangesView(VersionedResponseCacheMixin, TemplateView):
    """The change feed as a page: what /feed/ gives feed readers, for a person's browser."""

    template_name = "changes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=feed_entries(), **kwargs)


class SiteMapView(VersionedResponseCacheMixin, TemplateView):
    """网站地图: every public section of the site and the lists' editions, on one page."""

    template_name = "site_map.html"

    def get_context_data(self, **kwargs):
        annual_lists = AnnualList.objects.filter(memberships__status__in=PUBLIC_STATUSES).distinct().order_by("-year")
        return super().get_context_data(
            annual_lists=annual_lists,
            bases=ExportBase.objects.public().order_by("name").only("name", "slug"),
            **kwargs,
        )


class AccessibilityView(VersionedResponseCacheMixin, TemplateView):
    """无障碍声明: what the site does for people who read it with assistive technology, and how to report a problem."""

    template_name = "accessibility.html"


# Taking a report changes no record and no page, and the pages that carry the form are
# cached whole without a CSRF token: see shdt.core.corrections for what protects it instead.
@method_decorator(csrf_exempt, name="dispatch")
class ReportErrorView(View):
    """The form that reports an error in a public record: on its own page (GET, or a post with a mistake), and its POST."""

    template_name = "report_error.html"

    def get(self, request, kind, slug):
        record = public_record(kind, slug)
        return render(request, self.template_name, {"record": record, "kind": kind, "form": CorrectionForm()})

    def post(self, request, kind, slug):
        if not from_this_site(request):
            return HttpResponseForbidden()
        retry_after = wait_seconds(request, CORRECTION)
        if retry_after is not None:
            return too_many_requests(request, retry_after, "report_error_429.html")
        record = public_record(kind, slug)
        form = CorrectionForm(request.POST)
        # A robot is thanked as a person is, and nothing is kept.
        if form.is_robot():
            return redirect("report_error_thanks", kind=kind, slug=slug)
        if not form.is_valid():
            return render(request, self.template_name, {"record": record, "kind": kind, "form": form}, status=400)
        correction_request_create(record=record, message=form.cleaned_data["message"], contact=form.cleaned_data["contact"])
        return redirect("report_error_thanks", kind=kind, slug=slug)


def report_error_thanks(request, kind, slug):
    """After a report (post, redirect, get): thanks, and the way back to the record."""
    return render(request, "report_error_thanks.html", {"record": public_record(kind, slug)})


def robots_txt(request):
    """Crawlers may read every public page; not the staff's, and not the downloads (the API serves data)."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        *(f"Disallow: {reverse(name, kwargs={'fmt': 'csv'}).removesuffix('csv')}" for name in DOWNLOAD_URL_NAMES),
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon_ico(request):
    # Asked for at the request, not at import: the static file's hashed name needs collectstatic's manifest.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


class SearchView(VersionedResponseCacheMixin, TemplateView):
    """
    The site's search: enterprises by name, alias, English name or pinyin, case studies by
    their words, export bases and policies by their titles, each kind in its group
    (shdt.core.search; each app registers what its records give).
    """

    template_name = "search.html"

    @classmethod
    def response_cache_params(cls) -> frozenset[str]:
        return frozenset({SEARCH_VAR})

    def get(self, request, *args, **kwargs):
        raw = request.GET.get(SEARCH_VAR, "")
        try:
            query = clean_query(raw)
        except InvalidQuery as refusal:
            # Refused, as a mistyped filter is: the sentence says why (the cache keeps only 200s).
            return self.render_to_response(self.get_context_data(query=raw, error=str(refusal), groups=[]), status=400)
        groups = search(query) if query else []
        return self.render_to_response(
            self.get_context_data(query=query, groups=groups, total=sum(len(group.hits) for group in groups))
        )


class SearchSuggestView(VersionedResponseCacheMixin, View):
    """The first names the search finds, as JSON, for the suggestions under the header's search box."""

    @classmethod
    def response_cache_params(cls) -> frozenset[str]:
        return frozenset({SEARCH_VAR})

    def get(self, request, *args, **kwargs):
        try:
            query = clean_query(request.GET.get(SEARCH_VAR, ""))
        except InvalidQuery as refusal:
            return JsonResponse({"error": str(refusal)}, status=400)
        return JsonResponse({"query": query, "suggestions": suggestions(query) if query else []})
