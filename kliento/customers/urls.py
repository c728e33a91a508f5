from django.urls import URLPattern, path

from kliento.core.records import views as records
from kliento.core.records.lists.views import list_urls, saved_view_delete, saved_view_save
from kliento.customers.kinds import CUSTOMER_KINDS, CustomerKind
from kliento.customers.views import cards, editing

app_name = "customers"


def _card_urls(kind: CustomerKind) -> list[URLPattern]:
    """`customers:contact-detail`, `customers:company-edit`, …: each kind's card, its History tab
    (core's, under the kind's own URL), its forms and its card's actions."""
    bound, prefix = {"kind": kind.key}, f"{kind.plural}/<int:record_id>"
    return [
        path(f"{kind.plural}/new/", editing.create, bound, name=f"{kind.key}-create"),
        path(f"{prefix}/", records.record_card, bound, name=f"{kind.key}-detail"),
        path(f"{prefix}/edit/", editing.edit, bound, name=f"{kind.key}-edit"),
        path(f"{prefix}/field/<str:field>/", cards.inline_edit, bound, name=f"{kind.key}-inline-edit"),
        path(f"{prefix}/stage/", cards.change_stage, bound, name=f"{kind.key}-change-stage"),
        path(f"{prefix}/history/", records.record_history, bound, name=f"{kind.key}-history"),
        path(f"{prefix}/delete/", cards.delete, bound, name=f"{kind.key}-delete"),
    ]


urlpatterns = [
    # Lists (the records kit's list pages, registered in lists.py)
    *list_urls("contact", "contacts/"),
    *list_urls("company", "companies/"),
    # The saved views' routes moved to core; their old names still reverse to them.
    path("views/<str:kind>/save/", saved_view_save, name="saved-view-save"),
    path("views/<int:view_id>/delete/", saved_view_delete, name="saved-view-delete"),
    # Cards (core's card page, views/cards.py) and their forms (views/editing.py), for each kind
    *(pattern for kind in CUSTOMER_KINDS.values() for pattern in _card_urls(kind)),
    path("contacts/<int:contact_id>/consent/", cards.contact_consent, name="contact-consent"),
    path("contacts/duplicates/", editing.contact_duplicates, name="contact-duplicates"),
]
