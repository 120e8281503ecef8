"""
Settings for the Shanghai digital trade registry.

One module for every environment: development, tests and production differ only
through environment variables (or a local, uncommitted ``.env`` file that
``make`` writes on first use). See README.md for the variables.
"""

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "rest_framework",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "shdt",
    "enterprises",
    "bases",
    "policies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user as the author of every change made during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "shdt.urls"
WSGI_APPLICATION = "shdt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server and the import worker (`make run` starts both) share the file: with a
    # write-ahead log, readers (the progress page) are not blocked while an import writes,
    # and a writer waits for the other instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 30}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# `loaddata report_2022` finds the report's records here.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

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

# The public address of the site: downloads and exports write permalinks with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
