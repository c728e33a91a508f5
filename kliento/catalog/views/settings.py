"""Settings pages of the catalogue: price lists with their items, and exchange rates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.catalog import selectors, services
from kliento.catalog.forms import ExchangeRateForm, PriceListForm, PriceListItemForm, apply_service_error
from kliento.catalog.models import ExchangeRate, PriceList, Product
from kliento.core.errors import DomainError
from kliento.core.models import MAX_ID
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required

NEW = 0


@member_required(Permission.EDIT_SALES)
def price_list_list(request: OrgRequest) -> HttpResponse:
    price_lists = PriceList.objects.order_by("name", "id")
    return render(request, "catalog/price_lists.html", {"price_lists": price_lists, "new_id": NEW})


@member_required(Permission.EDIT_SALES)
def price_list_edit(request: OrgRequest, price_list_id: int) -> HttpResponse:
    """Add a price list (id 0), or change one and the prices of its products."""
    price_list = None if price_list_id == NEW else selectors.access_price_list(price_list_id=price_list_id)
    initial = (
        {"name": price_list.name, "currency": price_list.currency, "is_active": price_list.is_active}
        if price_list
        else {"currency": request.organization.base_currency, "is_active": True}
    )
    heading = price_list.name if price_list else ""
    form = PriceListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_price_list(
                member=request.member, data=form.cleaned_data, price_list=price_list
            )
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The price list “%(name)s” was saved.") % {"name": saved.name})
            return redirect("catalog:price-list-detail", saved.pk)
    context: dict[str, Any] = {"form": form, "price_list": price_list, "heading": heading}
    if price_list is not None:
        context["rows"] = selectors.price_list_rows(price_list)
        context["item_form"] = _item_form(price_list)
    return render(request, "catalog/price_list_form.html", context, status=400 if form.errors else 200)


def _item_form(price_list: PriceList, data: Any = None) -> PriceListItemForm:
    products = list(Product.objects.order_by("name", "id").values_list("pk", "name")[:1000])
    return PriceListItemForm(data, products=products)


@member_required(Permission.EDIT_SALES)
@require_POST
def price_list_item(request: OrgRequest, price_list_id: int) -> HttpResponse:
    price_list = selectors.access_price_list(price_list_id=price_list_id)
    product_id = request.POST.get("product", "")
    amount = request.POST.get("amount", "").strip()
    try:
        pk = int(product_id) if product_id.isdigit() and int(product_id) <= MAX_ID else 0
        services.set_price_list_item(
            member=request.member,
            price_list=price_list,
            product_id=pk,
            amount=amount or None,
        )
    except DomainError as error:
        messages.warning(request, error.message)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, _("The price list was saved."))
    return redirect("catalog:price-list-detail", price_list.pk)


@member_required(Permission.EDIT_SALES)
@require_POST
def price_list_delete(request: OrgRequest, price_list_id: int) -> HttpResponse:
    price_list = selectors.access_price_list(price_list_id=price_list_id)
    services.delete_price_list(member=request.member, price_list=price_list)
    messages.success(request, _("The price list “%(name)s” was deleted.") % {"name": price_list.name})
    return redirect("catalog:price-list-list")


@member_required(Permission.MANAGE_ORGANIZATION)
def exchange_rates(request: OrgRequest) -> HttpResponse:
    """The organization's rates, newest first per currency, and a form to add one."""
    form = ExchangeRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_exchange_rate(member=request.member, **form.cleaned_data)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The exchange rate was saved."))
            return redirect("catalog:exchange-rates")
    context = {
        "form": form,
        "rates": selectors.exchange_rates()[:500],
        "base_currency": request.organization.base_currency,
    }
    return render(request, "catalog/exchange_rates.html", context, status=400 if form.errors else 200)


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def exchange_rate_delete(request: OrgRequest, rate_id: int) -> HttpResponse:
    rate = ExchangeRate.objects.filter(pk=rate_id).first() if 0 < rate_id <= MAX_ID else None
    if rate is None:
        raise Http404
    services.delete_exchange_rate(member=request.member, rate=rate)
    messages.success(request, _("The exchange rate was deleted."))
    return redirect("catalog:exchange-rates")
