"""Kliento's settings for the test suite: jobs run at once, passwords hash fast."""

from kliento.settings import *  # noqa: F403
from kliento.settings import HUEY, INSTALLED_APPS

# A kind of record of the tests' own (tests/recordkit), registered like any app's kinds: it proves
# that the records kit gives a kind every part by registration alone.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.recordkit"]
ROOT_URLCONF = "tests.urls"

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than Django's shared in-memory database, so that threads in the concurrency tests
    # wait for each other's writes as app processes do, instead of failing with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):  # noqa: F405
    # The file cache is shared by the test workers and culls at 300 entries, so a session could drop
    # out of it mid-test and cost a query that the query-count tests would count.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
