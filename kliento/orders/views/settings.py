"""The sales settings page: document arithmetic, numbering and the purchase lifecycle rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kliento.core.errors import DomainError
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.orders import services
from kliento.orders.forms import SalesSettingsForm
from kliento.orders.purchases import settings_of_organization
from kliento.orders.services import SETTINGS_FIELDS


@member_required(Permission.MANAGE_ORGANIZATION)
def sales_settings(request: OrgRequest) -> HttpResponse:
    current = settings_of_organization()
    initial = {name: getattr(current, name) for name in SETTINGS_FIELDS}
    form = SalesSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in SETTINGS_FIELDS}
        try:
            services.save_sales_settings(member=request.member, data=changed)
        except (ValidationError, DomainError) as error:
            _show_error(form, error)
        else:
            messages.success(request, _("The sales settings were saved."))
            return redirect("orders:sales-settings")
    return render(request, "orders/sales_settings.html", {"form": form}, status=400 if form.errors else 200)


def _show_error(form: SalesSettingsForm, error: ValidationError | DomainError) -> None:
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    for key, messages_of_field in getattr(error, "error_dict", {None: error.error_list}).items():
        form.add_error(key if key in form.fields else None, ValidationError(messages_of_field).messages)
