from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .feeds import ChangeFeed
from .views import HomeView, StatsView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("enterprises/", include("enterprises.urls")),
    path("lists/", include("enterprises.list_urls")),
    path("bases/", include("bases.urls")),
    path("policies/", include("policies.urls")),
    path("stats/", StatsView.as_view(), name="stats"),
    path("feed/", ChangeFeed(), name="change_feed"),
    path("api/", include("shdt.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK_VIEWS:
    # The benchmark's baseline, served only when the benchmark starts the server.
    from bench.views import bare

    urlpatterns.append(path("bench/bare/", bare))
