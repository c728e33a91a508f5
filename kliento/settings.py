"""Kliento settings, read from the environment (see the configuration table in README.md)."""

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

# Django classes the type stubs make generic (ModelForm[Contact], …) can then be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("KLIENTO_VAR_DIR", BASE_DIR.parent / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def env(name: str, default: str = "") -> str:
    """A setting from NAME, or from the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_flag(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The configured key, or one generated once into var/ so sessions survive restarts."""
    configured = env("KLIENTO_SECRET_KEY")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("KLIENTO_DEBUG")
ALLOWED_HOSTS = [host.strip() for host in env("KLIENTO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("KLIENTO_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "huey.contrib.djhuey",
    "kliento.core",
    "kliento.customers",
    "kliento.activities",
    "kliento.catalog",
    "kliento.deals",
    "kliento.orders",
    "kliento.leads",
    "kliento.notifications",
    "kliento.tasks",
    "kliento.api",
    "kliento.web",
    "kliento.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kliento.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kliento.core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kliento.core.middleware.CsrfViewMiddleware",
    "kliento.core.middleware.AuthenticationMiddleware",
    "kliento.core.middleware.ActiveOrganizationMiddleware",
    "kliento.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Requests here that present an API key skip the browser's middleware (core.middleware).
API_PATH = "/api/"

ROOT_URLCONF = "kliento.urls"
WSGI_APPLICATION = "kliento.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kliento.web.context_processors.shell",
            ],
            # `|inert` everywhere without a {% load %}: stored text is printed through it.
            "builtins": ["kliento.core.templatetags.markup"],
        },
    }
]

# Database: SQLite file under var/ unless KLIENTO_DATABASE_URL names another.
DATABASE_URL = env("KLIENTO_DATABASE_URL", f"sqlite:///{VAR_DIR / 'kliento.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Keep each thread's connection between requests: opening one runs the PRAGMAs below and
    # starts with a cold page cache, which cost more than the request itself. The health check
    # replaces a connection that broke, at the start of the request that finds it so.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Each thread's connection keeps its own page cache for the life of the worker: 16 MB holds a
    # list's hot index pages, and the operating system's file cache, shared by every worker, the rest.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": int(env("KLIENTO_DATABASE_POOL_SIZE", "10")), "timeout": 10},
    }
    if env("KLIENTO_DATABASE_PREPARED", "true").lower() not in ("0", "false", "no"):
        # PostgreSQL spends longer planning a list's or a key lookup's query than running it (about
        # 1.2 ms against 0.2 ms): the pool keeps connections, so a statement that a connection has
        # run five times is prepared there and planned no more. Off for a pooler that cannot
        # follow prepared statements (PgBouncer before 1.21 in transaction mode).
        DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 5}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["kliento.core.auth.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "core:login"

# Sign-in throttling (core/throttling.py): failures allowed per account and client address, and per
# client address across accounts, before each further try waits twice as long as the last, up to the
# maximum; failures are forgotten after the window without any.
LOGIN_FAILURE_LIMIT = int(env("KLIENTO_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_CLIENT_FAILURE_LIMIT = int(env("KLIENTO_LOGIN_CLIENT_FAILURE_LIMIT", "100"))
LOGIN_FIRST_DELAY_SECONDS = int(env("KLIENTO_LOGIN_DELAY", "30"))
LOGIN_MAX_DELAY_SECONDS = int(env("KLIENTO_LOGIN_MAX_DELAY", "900"))
LOGIN_FAILURE_WINDOW_SECONDS = int(env("KLIENTO_LOGIN_FAILURE_WINDOW", "3600"))
# Password-reset emails allowed per address and per client address within the window.
PASSWORD_RESET_LIMIT = int(env("KLIENTO_PASSWORD_RESET_LIMIT", "5"))
PASSWORD_RESET_CLIENT_LIMIT = int(env("KLIENTO_PASSWORD_RESET_CLIENT_LIMIT", "20"))
PASSWORD_RESET_WINDOW_SECONDS = int(env("KLIENTO_PASSWORD_RESET_WINDOW", "3600"))
# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client; checked at start.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(proxy.strip(), strict=False))
    for proxy in env("KLIENTO_TRUSTED_PROXIES").split(",")
    if proxy.strip()
]

# A reminder claimed by a worker that stopped is claimed again after this many seconds; the app
# warns that the worker is not running when it has not dispatched reminders for this long.
KLIENTO_REMINDER_LEASE_SECONDS = int(env("KLIENTO_REMINDER_LEASE_SECONDS", "300"))
KLIENTO_WORKER_LATE_SECONDS = int(env("KLIENTO_WORKER_LATE_SECONDS", "300"))

# Lists count their rows exactly up to this many and estimate beyond (kliento/core/counting.py).
KLIENTO_EXACT_COUNT_CAP = int(env("KLIENTO_EXACT_COUNT_CAP", "1000"))

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "kliento", "url": REDIS_URL, "immediate": False}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kliento",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": False,
    }
if env_flag("KLIENTO_TASKS_IMMEDIATE"):
    HUEY["immediate"] = True

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE = env_flag("KLIENTO_SECURE")  # behind TLS: secure cookies, HSTS, redirect to https
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ar", "العربية"),
    ("fil", "Filipino"),
    ("es", "Español"),
    ("ru", "Русский"),
]
# Django has no Filipino of its own; tell it the language's name and direction.
LANG_INFO.setdefault("fil", {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"})
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "kliento_language"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files attached to timeline entries: local files under var/ by default, an S3-compatible bucket
# when KLIENTO_ATTACHMENTS_S3_BUCKET is set (needs the `s3` extra, django-storages). Never served
# from a public URL: a view checks that the reader may see the record, then streams the file.
if env("KLIENTO_ATTACHMENTS_S3_BUCKET"):
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("KLIENTO_ATTACHMENTS_S3_BUCKET"),
            "endpoint_url": env("KLIENTO_ATTACHMENTS_S3_ENDPOINT") or None,
            "region_name": env("KLIENTO_ATTACHMENTS_S3_REGION") or None,
            "access_key": env("KLIENTO_ATTACHMENTS_S3_ACCESS_KEY") or None,
            "secret_key": env("KLIENTO_ATTACHMENTS_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "attachments"), "base_url": None},
    }
KLIENTO_ATTACHMENTS_STORAGE = "attachments"
KLIENTO_ATTACHMENT_MAX_BYTES = int(env("KLIENTO_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
KLIENTO_ATTACHMENT_TYPES = [
    kind.strip()
    for kind in env(
        "KLIENTO_ATTACHMENT_TYPES",
        "application/pdf,image/png,image/jpeg,image/gif,image/webp,text/plain,text/csv,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/zip",
    ).split(",")
    if kind.strip()
]
# Serve straight from the apps' static folders: `kliento serve` works without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600

EMAIL_BACKEND = env("KLIENTO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("KLIENTO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("KLIENTO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("KLIENTO_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("KLIENTO_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_flag("KLIENTO_EMAIL_TLS")
DEFAULT_FROM_EMAIL = env("KLIENTO_EMAIL_FROM", "Kliento <noreply@localhost>")
KLIENTO_BASE_URL = env("KLIENTO_BASE_URL", "http://127.0.0.1:8000")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("KLIENTO_LOG_LEVEL", "WARNING")},
}

SITE_NAME = _("Kliento")
