"""What else converting a lead may make, registered by other apps: the hook for "and create a deal".

Converting a qualified lead (`services.convert_lead`) makes its contact (and company) in one
transaction; then each extra the person chose runs in that same transaction, with the new contact,
so a refusal by any of them writes nothing at all. An app adds its own in its AppConfig.ready():

    register_conversion_extra(
        ConversionExtra(
            key="deal",
            label=_("Create a deal"),
            run=lambda step: create_deal_from_lead(
                member=step.member, contact=step.contact, company=step.company,
                title=step.options.get("title") or step.lead.name,
            ),
            permission=Permission.EDIT_SALES,
        )
    )

`convert_lead(..., extras={"deal": {"title": "…"}})` then runs it; the conversion form offers each
extra the member may use as a check box, and the API takes the same mapping. An extra raises a
ValidationError (naming `extras.<key>.<field>`) or a DomainError to refuse; what it returns is kept
in `Conversion.extras[key]` (the new deal), so the caller can link to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from kliento.core.permissions import Permission

if TYPE_CHECKING:
    from kliento.core.models import Membership
    from kliento.customers.models import Company, Contact
    from kliento.leads.models import Lead


@dataclass(frozen=True)
class ConversionStep:
    """What an extra is given: the lead as converted, what it became, who converted it, and the
    options the person gave for this extra."""

    lead: Lead
    contact: Contact
    company: Company | None
    member: Membership
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConversionExtra:
    key: str
    label: str | Promise
    run: Callable[[ConversionStep], Any]
    permission: Permission | None = None
    order: int = 100


@dataclass
class Conversion:
    """What converting a lead made."""

    lead: Lead
    contact: Contact
    company: Company | None
    extras: dict[str, Any] = field(default_factory=dict)


_extras: dict[str, ConversionExtra] = {}


def register_conversion_extra(extra: ConversionExtra) -> None:
    _extras[extra.key] = extra


def unregister_conversion_extra(key: str) -> None:
    _extras.pop(key, None)


def conversion_extra(key: str) -> ConversionExtra | None:
    return _extras.get(key)


def conversion_extras_for(member: Membership) -> list[ConversionExtra]:
    """The extras this member may add to a conversion, in order."""
    extras = sorted(_extras.values(), key=lambda extra: (extra.order, extra.key))
    return [extra for extra in extras if extra.permission is None or member.can(extra.permission)]
