from django.urls import path

from kliento.customers.views import cards, editing, lists, search, settings

app_name = "customers"

urlpatterns = [
    # Lists (views/lists.py)
    path("contacts/", lists.contact_list, name="contact-list"),
    path("companies/", lists.company_list, name="company-list"),
    path("contacts/count/", lists.contact_count, name="contact-count"),
    path("companies/count/", lists.company_count, name="company-count"),
    path("contacts/bulk/", lists.contact_bulk, name="contact-bulk"),
    path("companies/bulk/", lists.company_bulk, name="company-bulk"),
    path("views/<str:entity>/save/", lists.saved_view_save, name="saved-view-save"),
    path("views/<int:view_id>/delete/", lists.saved_view_delete, name="saved-view-delete"),
    # Cards (views/cards.py) and their forms (views/editing.py)
    path("contacts/new/", editing.contact_create, name="contact-create"),
    path("contacts/<int:contact_id>/", cards.contact_detail, name="contact-detail"),
    path("contacts/<int:contact_id>/edit/", editing.contact_edit, name="contact-edit"),
    path(
        "contacts/<int:contact_id>/field/<str:field>/", cards.contact_inline_edit, name="contact-inline-edit"
    ),
    path("contacts/<int:contact_id>/stage/", cards.contact_change_stage, name="contact-change-stage"),
    path("contacts/<int:contact_id>/consent/", cards.contact_consent, name="contact-consent"),
    path("contacts/<int:contact_id>/history/", cards.contact_history, name="contact-history"),
    path("contacts/<int:contact_id>/delete/", cards.contact_delete, name="contact-delete"),
    path("contacts/duplicates/", editing.contact_duplicates, name="contact-duplicates"),
    path("companies/new/", editing.company_create, name="company-create"),
    path("companies/<int:company_id>/", cards.company_detail, name="company-detail"),
    path("companies/<int:company_id>/edit/", editing.company_edit, name="company-edit"),
    path(
        "companies/<int:company_id>/field/<str:field>/", cards.company_inline_edit, name="company-inline-edit"
    ),
    path("companies/<int:company_id>/stage/", cards.company_change_stage, name="company-change-stage"),
    path("companies/<int:company_id>/history/", cards.company_history, name="company-history"),
    path("companies/<int:company_id>/delete/", cards.company_delete, name="company-delete"),
    # Custom fields and tags (views/settings.py)
    path("settings/custom-fields/", settings.custom_field_list, name="custom-field-list"),
    path("settings/custom-fields/<int:field_id>/", settings.custom_field_edit, name="custom-field-edit"),
    path(
        "settings/custom-fields/<int:field_id>/delete/",
        settings.custom_field_delete,
        name="custom-field-delete",
    ),
    # Search (views/search.py): the top bar's as-you-type results and a full results page
    path("search/", search.search, name="search"),
]
