"""The one NinjaAPI: /api/v1/…, with OpenAPI at /api/openapi.json and docs at /api/docs."""

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
api.add_router("/v1/", "kliento.customers.api.router")
