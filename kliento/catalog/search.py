"""The global search's provider for products."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kliento.catalog.selectors import products_matching
from kliento.core.models import Membership
from kliento.core.records.search import SearchResult


def search_products(member: Membership, query: str, limit: int) -> list[SearchResult]:
    text = query.strip()
    if not text:
        return []
    rows = products_matching(text).order_by("name", "id").only("id", "sku", "name", "is_active")[:limit]
    results = []
    for product in rows:
        exact = product.sku.casefold() == text.casefold() or product.name.casefold() == text.casefold()
        results.append(
            SearchResult(
                title=product.name,
                subtitle=product.sku,
                url=reverse("catalog:product-detail", args=[product.pk]),
                badge="" if product.is_active else _("Inactive"),
                badge_class="text-bg-light border",
                score=1.0 if exact else 0.6,
                record_id=product.pk,
            )
        )
    return results
