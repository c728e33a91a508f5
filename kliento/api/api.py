"""The one NinjaAPI: /api/v1/…, with OpenAPI at /api/openapi.json and docs at /api/docs."""

from typing import Any

from django.urls import URLPattern, path
from ninja import NinjaAPI

from kliento.api.auth import ApiKeyAuth, MemberSessionAuth
from kliento.api.errors import install_error_handlers

api = NinjaAPI(
    title="Kliento API",
    version="1",
    description="The Kliento CRM's REST API. Errors are RFC 9457 problem details; lists use cursors.",
    auth=[ApiKeyAuth(), MemberSessionAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)

api.add_router("/v1/", "kliento.core.api.router")
api.add_router("/v1/", "kliento.core.records.fields.api.router")
api.add_router("/v1/", "kliento.core.records.search_api.router")
api.add_router("/v1/", "kliento.customers.api.router")
api.add_router("/v1/", "kliento.activities.api.router")
api.add_router("/v1/", "kliento.activities.telephony_api.router")
api.add_router("/v1/", "kliento.catalog.api.router")
api.add_router("/v1/", "kliento.deals.api.router")
api.add_router("/v1/", "kliento.orders.api.router")
api.add_router("/v1/", "kliento.leads.api.router")
api.add_router("/v1/", "kliento.notifications.api.router")
api.add_router("/v1/", "kliento.orders.quote_api.router")
api.add_router("/v1/", "kliento.tasks.api.router")


def _with_trailing_slashes(urls: tuple[list[Any], str, str]) -> tuple[list[Any], str, str]:
    """Every endpoint answers at its path with a trailing slash too (`/api/v1/contacts/`): clients
    add one out of habit, and a redirect would turn a POST into a GET and lose its body."""
    patterns, app_name, namespace = urls
    slashed = [
        path(f"{pattern.pattern}/", pattern.callback, pattern.default_args)
        for pattern in patterns
        if isinstance(pattern, URLPattern) and str(pattern.pattern).startswith("v1/")
    ]
    return [*patterns, *slashed], app_name, namespace


urls = _with_trailing_slashes(api.urls)
