from django.urls import path

from kliento.catalog.views import products, settings
from kliento.core.records import views as records
from kliento.core.records.lists.views import list_urls

app_name = "catalog"

bound = {"kind": "product"}

urlpatterns = [
    *list_urls("product", "products/"),
    path("products/new/", products.product_create, name="product-create"),
    path("products/<int:record_id>/", records.record_card, bound, name="product-detail"),
    path("products/<int:record_id>/edit/", products.product_edit, name="product-edit"),
    path("products/<int:record_id>/delete/", products.product_delete, name="product-delete"),
    path("products/<int:record_id>/price/", products.product_price, name="product-price"),
    path("products/<int:record_id>/history/", records.record_history, bound, name="product-history"),
    path("settings/price-lists/", settings.price_list_list, name="price-list-list"),
    path("settings/price-lists/<int:price_list_id>/", settings.price_list_edit, name="price-list-detail"),
    path("settings/price-lists/<int:price_list_id>/item/", settings.price_list_item, name="price-list-item"),
    path(
        "settings/price-lists/<int:price_list_id>/delete/",
        settings.price_list_delete,
        name="price-list-delete",
    ),
    path("settings/exchange-rates/", settings.exchange_rates, name="exchange-rates"),
    path(
        "settings/exchange-rates/<int:rate_id>/delete/",
        settings.exchange_rate_delete,
        name="exchange-rate-delete",
    ),
]
