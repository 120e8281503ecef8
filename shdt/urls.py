from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from .feeds import ChangeFeed
from shdt.core.sitemaps import sitemaps

from .views import (
    AccessibilityView,
    ChangesView,
    HomeView,
    ReportErrorView,
    SearchSuggestView,
    SearchView,
    SiteMapView,
    StatsView,
    favicon_ico,
    report_error_thanks,
    robots_txt,
)

# 503 with a page in the visitor's language while the database is away, the 500 page otherwise.
handler500 = "shdt.core.outages.server_error"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("enterprises/", include("enterprises.urls")),
    path("lists/", include("enterprises.list_urls")),
    path("bases/", include("bases.urls")),
    path("policies/", include("policies.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path("search/suggest/", SearchSuggestView.as_view(), name="search_suggest"),
    # Applications for next year's list: never cached, never listed (enterprises.applications).
    path("apply/", include("enterprises.applications.urls")),
    path("stats/", StatsView.as_view(), name="stats"),
    path("feed/", ChangeFeed(), name="change_feed"),
    path("changes/", ChangesView.as_view(), name="changes"),
    path("site-map/", SiteMapView.as_view(), name="site_map"),
    path("accessibility/", AccessibilityView.as_view(), name="accessibility"),
    # Reports of an error in a record: no CSRF token, and why that is safe, in shdt.core.corrections.
    path("report-error/<str:kind>/<slug:slug>/", ReportErrorView.as_view(), name="report_error"),
    path("report-error/<str:kind>/<slug:slug>/thanks/", report_error_thanks, name="report_error_thanks"),
    # For search engines: the sitemap (an index of sections, each paged at 50,000 addresses) and robots.txt.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps(), "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": sitemaps()}, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico whatever the page says; the site's icon is an SVG.
    path("favicon.ico", favicon_ico),
    path("api/", include("shdt.api_urls")),
    # Switching the language changes nothing but a cookie, so it needs no CSRF token; with
    # none in the form, public pages carry no per-visitor token and can be cached whole.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Before the admin's own pages: the second factor after the admin's password sign-in.
    path("admin/second-factor/", include("shdt.core.second_factor.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK_VIEWS:
    # The benchmark's baseline, served only when the benchmark starts the server.
    from bench.views import bare

    urlpatterns.append(path("bench/bare/", bare))
