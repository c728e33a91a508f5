"""Product pages: the create and edit forms, the card's header and panels, prices, the trash."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.catalog import selectors, services
from kliento.catalog.forms import PriceForm, ProductForm, apply_service_error
from kliento.catalog.models import ExchangeRate, PriceListItem, Product
from kliento.core.errors import DomainError, StaleRecord
from kliento.core.forms import expected_version, show_conflict
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import definitions_for
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required


def _currencies(base: str) -> list[str]:
    """What a product form offers a price in: the base currency, then those with a rate."""
    rated = ExchangeRate.objects.order_by("currency").values_list("currency", flat=True).distinct()
    return list(dict.fromkeys([base, *rated]))


def _save(request: OrgRequest, product: Product | None) -> HttpResponse:
    member = request.member
    definitions = definitions_for("product")
    prices = {price.currency: price.amount for price in selectors.prices_of(product)} if product else {}
    tags = record_tags.tag_names(product) if product else []
    options: dict[str, Any] = {
        "definitions": definitions,
        "currencies": _currencies(request.organization.base_currency),
        "instance": product,
        "prices": prices,
        "tags": tags,
    }
    form = ProductForm(request.POST or None, **options)
    heading = str(product) if product else ""
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                product = services.create_product(member=member, data=form.service_data())
            else:
                services.update_product(
                    product=product,
                    member=member,
                    data=form.service_data(),
                    expected_version=expected_version(form),
                )
        except StaleRecord as error:
            assert product is not None
            show_conflict(form, error, product)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": product})
            return redirect("catalog:product-detail", product.pk)
    cancel = (
        reverse("catalog:product-detail", args=[product.pk]) if product else reverse("catalog:product-list")
    )
    context = {"form": form, "record": product, "heading": heading, "cancel_url": cancel}
    return render(request, "catalog/product_form.html", context, status=400 if form.errors else 200)


@member_required(Permission.EDIT_SALES)
def product_create(request: OrgRequest) -> HttpResponse:
    return _save(request, None)


@member_required(Permission.EDIT_SALES)
def product_edit(request: OrgRequest, record_id: int) -> HttpResponse:
    product = selectors.access_product(member=request.member, record_id=record_id, write=True)
    return _save(request, product)


@member_required(Permission.EDIT_SALES)
@require_POST
def product_delete(request: OrgRequest, record_id: int) -> HttpResponse:
    product = selectors.access_product(member=request.member, record_id=record_id, write=True)
    services.trash_product(product=product, member=request.member)
    messages.success(
        request, _("%(name)s was moved to the trash, where it can be restored.") % {"name": product}
    )
    return redirect("catalog:product-list")


@member_required(Permission.EDIT_SALES)
@require_POST
def product_price(request: OrgRequest, record_id: int) -> HttpResponse:
    """Set or remove one price from the card's prices panel."""
    product = selectors.access_product(member=request.member, record_id=record_id, write=True)
    form = PriceForm(request.POST)
    if form.is_valid():
        try:
            services.set_product_price(
                product=product,
                member=request.member,
                currency=form.cleaned_data["currency"],
                amount=form.cleaned_data["amount"],
            )
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
    if form.errors:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.warning(request, str(message))
    else:
        messages.success(request, _("The price was saved."))
    return redirect("catalog:product-detail", product.pk)


# The card ------------------------------------------------------------------------------------


def card_header(request: OrgRequest, product: Product) -> dict[str, Any]:
    return {"tags": record_tags.tag_names(product)}


def prices_panel(request: OrgRequest, product: Product) -> dict[str, Any]:
    listed = (
        PriceListItem.objects.filter(product=product)
        .select_related("price_list")
        .order_by("price_list__name", "id")
    )
    return {
        "prices": selectors.prices_of(product),
        "listed": list(listed),
        "price_form": PriceForm(initial={"currency": request.organization.base_currency}),
        "can_edit": request.member.can(Permission.EDIT_SALES),
    }


def details_panel(request: OrgRequest, product: Product) -> dict[str, Any]:
    definitions = definitions_for("product")
    custom = [
        (definition.label, definition.type.display(product.custom_fields.get(definition.key)))
        for definition in definitions
        if product.custom_fields.get(definition.key) not in (None, "", [])
    ]
    return {"custom": custom}
