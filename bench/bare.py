"""The reference endpoint: the least a Django + Ninja app can do per request, served as Kliento is.

`GET /bare` runs one query (an organization by its slug) against the instance's own database and
returns it as JSON, with no middleware, sessions or authentication. The harness serves it with
granian, the same number of workers and threads as `kliento serve`, in the same run, so Kliento's
figures can be read against what the framework and the machine allow at that moment.

It uses Django's default database settings plus connection reuse, as any production deployment
would: a persistent connection per thread on SQLite, the psycopg pool on PostgreSQL.
"""

from __future__ import annotations

import os

import dj_database_url
import django
from django.conf import settings

DATABASE_URL = os.environ["KLIENTO_DATABASE_URL"]
ORG_SLUG = "bench"

database = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
if database["ENGINE"] == "django.db.backends.sqlite3":
    database["CONN_MAX_AGE"] = None
else:
    database["OPTIONS"] = {"pool": {"min_size": 1, "max_size": 10, "timeout": 10}}

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-reference-endpoint",  # signs nothing: the app has no sessions or forms
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["ninja"],
    MIDDLEWARE=[],
    DATABASES={"default": database},
    USE_TZ=True,
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402  (needs the settings above)
from django.db import connection  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import NinjaAPI  # noqa: E402

api = NinjaAPI(docs_url=None, openapi_url=None)


@api.get("/bare")
def bare(request) -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM core_organization WHERE slug = %s", [ORG_SLUG])
        row = cursor.fetchone()
    return {"id": row[0], "name": row[1]}


urlpatterns = [path("", api.urls)]
application = get_wsgi_application()
