from django.urls import path

from kliento.core.records import views as records
from kliento.core.records.lists.views import list_urls
from kliento.orders.quote_urls import urlpatterns as quote_patterns
from kliento.orders.views import orders, settings

app_name = "orders"

bound = {"kind": "order"}

urlpatterns = [
    *list_urls("order", "orders/"),
    path("orders/new/", orders.order_create, name="order-create"),
    path("orders/<int:record_id>/", records.record_card, bound, name="order-detail"),
    path("orders/<int:record_id>/edit/", orders.order_edit, name="order-edit"),
    path("orders/<int:record_id>/delete/", orders.order_delete, name="order-delete"),
    path("orders/<int:record_id>/status/", orders.order_status, name="order-status"),
    path("orders/<int:record_id>/history/", records.record_history, bound, name="order-history"),
    path("settings/sales/", settings.sales_settings, name="sales-settings"),
    *quote_patterns,
]
