"""
Settings for the Shanghai digital trade registry.

One module for every environment: development, tests and production differ only
through environment variables (or a local, uncommitted ``.env`` file that
``make`` writes on first use). See README.md for the variables.
"""

import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env (written by `make`, never committed); production sets real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

# No default: a deployment without its own key must fail at start, not run with a known one.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Run `make env` for a development .env, or set it in the environment."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, named and arranged as the registry's (shdt.core.admin_site).
    "shdt.core.admin_site.RegistryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "import_export",
    "rest_framework",
    "axes",
    "csp",
    "rest_framework.authtoken",
    # The staff's second factor: authenticator apps (TOTP) and recovery codes (shdt.core.second_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "shdt.core",
    "shdt.reference",
    "enterprises",
    # Online applications for next year's list (issue 17): never public, see its models.
    "enterprises.applications",
    "bases",
    "policies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the response cache, so that a cached page counts too; after static files.
    "shdt.core.limits.RequestLimitMiddleware",
    "shdt.core.versioning.DataVersionMiddleware",
    # Right after the data version: a cached public answer skips everything below it.
    "shdt.core.caching.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, so that its redirects and errors carry CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Django's LocaleMiddleware, with ?lang= for an address of each language (shdt.core.languages).
    "shdt.core.languages.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave its second factor…
    "django_otp.middleware.OTPMiddleware",
    # …without which a staff user is sent from the admin to the second-factor page.
    "shdt.core.second_factor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user as the author of every change made during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shdt.urls"
WSGI_APPLICATION = "shdt.wsgi.application"

# The public pages (templates/) are Jinja2 templates, which render a list page's rows and
# facets several times faster than Django's engine; the admin, DRF and the other apps'
# templates are Django's (APP_DIRS). A name is looked up in this order.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "shdt.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.i18n",
                "shdt.context_processors.last_updated",
                "shdt.context_processors.site_urls",
                "shdt.context_processors.site_owner",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

# SQLite in the project folder by default; postgres://user@host:port/name uses psycopg 3.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is checked before a request reuses it: after a database restart or a
# failover the request reconnects instead of failing.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server and the import worker (`make run` starts both) share the file: with a
    # write-ahead log, readers (the progress page) are not blocked while an import writes,
    # and a writer waits for the other instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 30}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite ignores the INCLUDE columns of covering indexes, which only speed up PostgreSQL.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# `loaddata report_2022` finds the report's records here.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Sign-in --------------------------------------------------------------

# django-axes counts failed sign-ins and, after AXES_FAILURE_LIMIT of them, locks for
# AXES_COOLOFF_HOURS the username (from every address: a guesser cannot spread over
# addresses) and, separately, the address (for every username).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# Each entry locks by itself; a list inside the list would lock only the combination.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The address by the site's one rule (NUM_PROXIES): behind a proxy, the connecting address is
# the proxy's for everyone, and locking it would lock every account at once.
AXES_CLIENT_IP_CALLABLE = "shdt.core.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Staff give a second factor after the password: a code from an authenticator app, or one
# of their recovery codes (shdt.core.second_factor). On by default in production.
STAFF_SECOND_FACTOR = env.bool("STAFF_SECOND_FACTOR", default=not DEBUG)
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Shanghai Digital Trade Registry")
# Wrong codes in a row lock the device for 1, 2, 4, 8 … seconds (0 would turn it off).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin lists each account's devices (who has enrolled, how many wrong codes) but shows no
# one's secret or recovery codes, not even to a superuser.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Cache ------------------------------------------------------------------

# Local memory by default (make run needs nothing more). Several server processes must
# share one cache, or each keeps its own throttle counts and cached pages: set e.g.
# CACHE_URL=redis://127.0.0.1:6379/1 (django-environ's URL forms).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://shdt")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, without a new client object for every call (see the module).
    CACHES["default"]["BACKEND"] = "shdt.core.redis_cache.RedisCache"
    # A Redis out of reach is given up on quickly: the site answers without it (see the module).
    for _option in ("socket_connect_timeout", "socket_timeout"):
        CACHES["default"].setdefault("OPTIONS", {}).setdefault(_option, env.float("CACHE_TIMEOUT_SECONDS", default=1.0))
# Every key of a deployment begins with its own prefix, so that two deployments sharing
# one Redis (a staging site beside production) never answer with each other's pages:
# CACHE_KEY_PREFIX, or by default a short hash of the secret key and the database.
_DATABASE = DATABASES["default"]
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="") or hashlib.sha256(
    "\0".join(str(_DATABASE.get(part, "")) for part in ("HOST", "PORT", "NAME")).encode() + SECRET_KEY.encode()
).hexdigest()[:12]
# Whole public pages and API answers for anonymous visitors, keyed by the data token
# (so never older than the records they show); 0 turns the response cache off.
RESPONSE_CACHE_SECONDS = env.int("RESPONSE_CACHE_SECONDS", default=600)

# --- Passwords ------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Registry -------------------------------------------------------------

# The benchmark (make bench) adds a bare view as its baseline; never set in production.
BENCHMARK_VIEWS = env.bool("BENCHMARK_VIEWS", default=False)

# The public address of the site: downloads and exports write permalinks with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Security ---------------------------------------------------------------

# With DEBUG off, the strict values are the defaults; a deployment can relax one
# through the environment (say, SECURE_SSL_REDIRECT=0 when the proxy redirects).
PRODUCTION = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
# Subdomains and the browsers' preload list are the whole domain's decision (a commission's
# other sites share it), not this app's: off unless a deployment sets them.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# `check --deploy` warns of each while it is off; it is off on purpose until a deployment sets it.
SILENCED_SYSTEM_CHECKS += [
    check
    for check, on in (("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS), ("security.W021", SECURE_HSTS_PRELOAD))
    if not on
]
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    # The proxy terminates TLS and says so in this header; only trust it behind one.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# No page uses a device or a payment: the browser is told to refuse them to every frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
    )
}

# Content-Security-Policy: every asset comes from the project itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Public API -----------------------------------------------------------

# Anyone reads, within a throttle; staff write with a token (`Authorization: Token …`) or
# their admin session, and only what their Django model permissions allow.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "shdt.core.api.authentication.SecondFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shdt.core.api.permissions.StaffModelPermissionsOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["shdt.core.api.throttling.AnonThrottle", "shdt.core.api.throttling.UserThrottle"],
    # "N/second|minute|hour|day", per client address for anonymous users, per account for staff.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "shdt.core.api.pagination.RegistryPagination",
    "DEFAULT_FILTER_BACKENDS": ["shdt.core.api.filters.TableFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "shdt.core.api.schema.RegistryAutoSchema",
    "EXCEPTION_HANDLER": "shdt.core.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shanghai Digital Trade Registry API",
    "DESCRIPTION": (
        "The records of the Shanghai digital trade registry (上海数字贸易创新企业名录): innovation "
        "enterprises and the years' lists they are on, case studies, national service-export bases "
        "and policy documents.\n\n"
        "Lists take the same filters as the public pages and their downloads, and return the same "
        "rows. Records are identified by their permalink slug (the last part of the address of their "
        "public page), never by a database id. Anyone may read, within a rate limit (HTTP 429 "
        "with Retry-After when it is reached); staff write with `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    # Docstrings are written for the code's readers; the schema says what clients need, explicitly.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "TAGS": [
        {"name": "enterprises", "description": "Innovation enterprises, their places on the years' lists, case studies."},
        {"name": "export bases", "description": "National service-export bases (国家服务出口基地)."},
        {"name": "policies", "description": "Policy documents on digital trade (表 3-2)."},
        {"name": "reference data", "description": "Regions, business types and lists: the codes the filters take."},
    ],
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN, no online validator.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "displayRequestDuration": True},
    # Separate request and response components: what a client sends is not what it reads back.
    "COMPONENT_SPLIT_REQUEST": True,
    # Every record's publication status is one enum, whichever field carries it.
    "ENUM_NAME_OVERRIDES": {"PublicationStatusEnum": ["draft", "notice", "published", "withdrawn"]},
}

# --- Limits per client address -------------------------------------------------

# Behind reverse proxies, how many of them append to X-Forwarded-For and are trusted: clients
# are then counted by the address the outermost one reports (shdt.core.clients). Unset or 0,
# by the connecting address, whatever X-Forwarded-For says. API_NUM_PROXIES is its older name.
NUM_PROXIES = env.int("NUM_PROXIES", default=None)
if NUM_PROXIES is None:
    NUM_PROXIES = env.int("API_NUM_PROXIES", default=0)
# Anonymous requests per address to the public pages and to the downloads ("N/second|minute|
# hour|day", empty for none), counted in the cache (shdt.core.limits); the API has its own
# throttle (API_THROTTLE_ANON). Pages generous enough for a person reading fast, downloads
# firm enough to stop a scraper fetching a file per filter. Staff and static files are not counted.
PAGE_RATE = env.str("PAGE_RATE", default="120/minute")
DOWNLOAD_RATE = env.str("DOWNLOAD_RATE", default="20/minute")
# Reports of an error in a record (the form on each profile, shdt.core.corrections) per
# address: a person finds few errors in an hour; a script posting reports is stopped early.
CORRECTION_RATE = env.str("CORRECTION_RATE", default="5/hour")

# Who runs the site (主办单位), shown in every page's footer as Chinese government sites do,
# and how to reach them. The contact is empty by default rather than a made-up number: the
# footer then points to the sponsor's own website. An e-mail address is shown as a link.
SITE_SPONSOR = env.str("SITE_SPONSOR", default="上海市商务委员会")
SITE_SPONSOR_EN = env.str("SITE_SPONSOR_EN", default="Shanghai Municipal Commission of Commerce")
SITE_CONTACT = env.str("SITE_CONTACT", default="")

# Applications submitted per address (enterprises.applications): firm, as a person applies a
# few times a year at most and a bot would fill the reviewers' queue.
APPLICATION_RATE = env.str("APPLICATION_RATE", default="5/hour")

# CORS is off: a browser page on another origin may read the API only from the origins listed
# here (comma-separated, e.g. https://data.example.cn). Only /api/ answers them.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# --- Imports ----------------------------------------------------------------

# A larger file, or one with more data rows, is refused with a message saying so.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# An XLSX is a zip: refuse one whose parts would unpack to more than this (a zip bomb),
# or whose parts are compressed more than IMPORT_MAX_ZIP_RATIO times.
IMPORT_MAX_UNZIPPED_BYTES = env.int("IMPORT_MAX_UNZIPPED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ZIP_RATIO = env.int("IMPORT_MAX_ZIP_RATIO", default=200)
# Uploads up to this size are checked and imported during the request; larger ones by
# the background worker, while the admin shows their progress.
IMPORT_FOREGROUND_MAX_BYTES = env.int("IMPORT_FOREGROUND_MAX_BYTES", default=256 * 1024)
# The lease of a running check or import: it writes a sign of life (with its progress) at
# least every sixth of this many seconds; one silent for longer is shown as stopped, and
# may be cancelled or retried from its page. On PostgreSQL a run writing its rows (in one
# transaction) still writes its progress, from a connection of its own; SQLite allows one
# writer, so there it writes them without a sign of life: keep this above the longest
# write (about 45 s for 100,000 enterprises on the bench machine). A run that was cancelled or retried meanwhile finds
# out at its next sign of life, or before it commits, and writes nothing.
IMPORT_LEASE_SECONDS = env.int("IMPORT_LEASE_SECONDS", default=120)
# How long a file may wait in the queue for the worker (which runs one import at a time)
# before the page says that no worker has taken it.
IMPORT_QUEUE_LEASE_SECONDS = env.int("IMPORT_QUEUE_LEASE_SECONDS", default=600)
# A reviewer's move (publish, withdraw, notice, return to draft) of more records than
# this is made by the background worker, while the admin shows its progress.
PUBLICATION_BACKGROUND_ROWS = env.int("PUBLICATION_BACKGROUND_ROWS", default=5000)
# How long a background move may run before its worker is taken for stopped (killed,
# restarted) and its page offers to run it again. A move is one transaction, so a
# stopped one moved nothing; 100,000 entries take about 5 s on the bench machine. A run
# that was started again meanwhile rolls its move back instead of moving twice.
PUBLICATION_JOB_LEASE_SECONDS = env.int("PUBLICATION_JOB_LEASE_SECONDS", default=900)
# How many rows of a preview the admin shows (errors and likely duplicates are always all shown).
IMPORT_PREVIEW_ROWS = env.int("IMPORT_PREVIEW_ROWS", default=1000)

# Background tasks (django-tasks): the database backend needs nothing beyond the database;
# `manage.py db_worker` runs them (`make run` starts one beside the server).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Logging --------------------------------------------------------------

# Errors go to the log (standard error, where gunicorn and systemd collect it), never
# to the visitor: with DEBUG off a failing request shows templates/500.html.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}


# --- Applications (enterprises.applications) -----------------------------------
# Applicants' attachments: outside MEDIA and STATIC, never served by a URL; staff download
# them through a permission-checked admin view.
APPLICATION_FILES_ROOT = Path(env.str("APPLICATION_FILES_ROOT", default=str(BASE_DIR / "private" / "applications")))
# Rejected and withdrawn applications are anonymised this many days after their last change
# (`manage.py purge_applications`, to be scheduled daily).
APPLICATION_RETENTION_DAYS = env.int("APPLICATION_RETENTION_DAYS", default=365)

# --- E-mail -----------------------------------------------------------------------
# Applicants' receipts and decisions. EMAIL_URL (e.g. smtp+tls://user:password@host:587)
# in production; printed to the console in development; the tests use locmem.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="registry@localhost")
