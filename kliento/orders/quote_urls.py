"""The quote pages' routes, included by orders/urls.py under the `orders` namespace."""

from django.urls import path

from kliento.core.records import views as records
from kliento.core.records.lists.views import list_urls
from kliento.orders.views import quotes

bound = {"kind": "quote"}

urlpatterns = [
    *list_urls("quote", "quotes/"),
    path("quotes/new/", quotes.quote_create, name="quote-create"),
    path("quotes/line-price/", quotes.quote_line_price, name="quote-line-price"),
    path("quotes/<int:record_id>/", records.record_card, bound, name="quote-detail"),
    path("quotes/<int:record_id>/edit/", quotes.quote_edit, name="quote-edit"),
    path("quotes/<int:record_id>/delete/", quotes.quote_delete, name="quote-delete"),
    path("quotes/<int:record_id>/status/", quotes.quote_status, name="quote-status"),
    path("quotes/<int:record_id>/order/", quotes.quote_order, name="quote-order"),
    path("quotes/<int:record_id>/print/", quotes.quote_print, name="quote-print"),
    path("quotes/<int:record_id>/pdf/", quotes.quote_pdf_download, name="quote-pdf"),
    path("quotes/<int:record_id>/history/", records.record_history, bound, name="quote-history"),
    path("deals/<int:record_id>/quote/", quotes.quote_from_deal, name="quote-from-deal"),
]
