"""The custom field settings: list, add, change and delete the fields of every kind of record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kliento.core.errors import DomainError
from kliento.core.permissions import Permission
from kliento.core.records.fields import services as field_services
from kliento.core.records.fields.forms import CustomFieldForm
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import kinds_with_custom_fields
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required

NEW = 0  # custom-field-edit with id 0 adds a field


def _show_refusal(form: CustomFieldForm, error: ValidationError | DomainError) -> None:
    """The service's refusal next to the field it names, else above the form."""
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    for name, texts in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(name if name in form.fields else None, texts)


def _field(field_id: int) -> CustomField:
    field = CustomField.objects.filter(pk=field_id).first()
    if field is None:
        raise Http404
    return field


@member_required(Permission.MANAGE_ORGANIZATION)
def custom_field_list(request: OrgRequest) -> HttpResponse:
    fields = list(CustomField.objects.order_by("entity", "position", "id"))
    groups = [
        (kind.key, kind.label_plural, [field for field in fields if field.entity == kind.key])
        for kind in kinds_with_custom_fields()
    ]
    return render(request, "core/custom_fields.html", {"groups": groups, "new_id": NEW})


@member_required(Permission.MANAGE_ORGANIZATION)
def custom_field_edit(request: OrgRequest, field_id: int) -> HttpResponse:
    field = None if field_id == NEW else _field(field_id)
    heading = field.label if field else ""  # taken before a refused save changes the instance
    initial = None
    if field is None:
        entity = request.GET.get("entity", "")
        kinds = [kind.key for kind in kinds_with_custom_fields()]
        entity = entity if entity in kinds else kinds[0]
        last = CustomField.objects.filter(entity=entity).aggregate(last=Max("position"))["last"]
        initial = {"entity": entity, "position": 0 if last is None else last + 1}
    form = CustomFieldForm(request.POST or None, instance=field, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = field_services.save_custom_field(
                member=request.member,
                data=form.service_data(),
                field=field,
            )
        except (ValidationError, DomainError) as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("The field “%(label)s” was saved.") % {"label": saved.label})
            return redirect("core:custom-field-list")
    context = {"form": form, "field": field, "heading": heading}
    return render(request, "core/custom_field_form.html", context, status=400 if form.errors else 200)


@member_required(Permission.MANAGE_ORGANIZATION)
def custom_field_delete(request: OrgRequest, field_id: int) -> HttpResponse:
    field = _field(field_id)
    if request.method == "POST":
        field_services.delete_custom_field(member=request.member, field=field)
        messages.success(request, _("The field “%(label)s” was deleted.") % {"label": field.label})
        return redirect("core:custom-field-list")
    context = {"field": field, "heading": field.label, "confirm_delete": True}
    return render(request, "core/custom_field_form.html", context)
