"""The catalogue's demo step: what a trading company sells, priced in its base currency and in
euros and pounds, a wholesale price list, and exchange rates for the currencies deals use.

The catalogue is small, so it goes through the ORM in bulk rather than the bulk writer; each
product gets the Created entry its service would have written, so its History starts right.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from decimal import Decimal

from django.utils import timezone

from kliento.catalog.models import ExchangeRate, PriceList, PriceListItem, Product, ProductPrice
from kliento.catalog.money import quantize
from kliento.core.audit import field_values
from kliento.core.models import AuditEntry, Organization
from kliento.core.records.bulk import BulkWriter
from kliento.core.records.demo import DemoOutcome, DemoSize, DemoStep

# (SKU, name, category, unit, price in the base currency): a wholesale trading company's range.
CATALOGUE = [
    ("OF-CHAIR-01", "Ergonomic office chair", "Office furniture", "piece", "289.00"),
    ("OF-DESK-140", "Standing desk 140 cm", "Office furniture", "piece", "549.00"),
    ("OF-CAB-3D", "Three-drawer cabinet", "Office furniture", "piece", "179.00"),
    ("OF-SHELF-5", "Five-shelf bookcase", "Office furniture", "piece", "129.00"),
    ("IT-LAP-14", 'Business laptop 14"', "Electronics", "piece", "1099.00"),
    ("IT-MON-27", '27" monitor', "Electronics", "piece", "279.00"),
    ("IT-DOCK-C", "USB-C docking station", "Electronics", "piece", "189.00"),
    ("IT-HEAD-BT", "Wireless headset", "Electronics", "piece", "99.00"),
    ("IT-KB-WL", "Wireless keyboard and mouse", "Electronics", "set", "59.00"),
    ("IT-PRN-LAS", "Laser printer", "Electronics", "piece", "349.00"),
    ("PK-BOX-S", "Shipping boxes, small (bundle of 50)", "Packaging", "bundle", "42.50"),
    ("PK-BOX-L", "Shipping boxes, large (bundle of 25)", "Packaging", "bundle", "47.90"),
    ("PK-TAPE", "Packing tape, 36 rolls", "Packaging", "case", "64.00"),
    ("PK-WRAP", "Stretch film, 6 rolls", "Packaging", "case", "88.00"),
    ("PK-PAL", "Euro pallet", "Packaging", "piece", "18.00"),
    ("CF-BEAN-1", "Coffee beans, house blend 1 kg", "Breakroom", "kg", "24.00"),
    ("CF-MACH", "Bean-to-cup coffee machine", "Breakroom", "piece", "1890.00"),
    ("CF-CUPS", "Paper cups, 1,000", "Breakroom", "case", "38.00"),
    ("CL-PAPER", "Copy paper A4, 5 reams", "Stationery", "box", "27.50"),
    ("CL-PENS", "Ballpoint pens, 50", "Stationery", "box", "15.90"),
    ("CL-NOTE", "Notebooks A5, 10", "Stationery", "pack", "21.00"),
    ("SV-INST", "Installation service", "Services", "hour", "75.00"),
    ("SV-DELIV", "Same-day delivery", "Services", "delivery", "45.00"),
    ("SV-WARR", "Extended warranty, 2 years", "Services", "contract", "149.00"),
    ("SV-MAINT", "Maintenance plan, yearly", "Services", "year", "960.00"),
]
# Units of the base currency (USD in the demo) per unit of each currency, from the first of the year.
RATES = {"EUR": "1.0850", "GBP": "1.2700", "CNY": "0.1390", "AED": "0.2723", "RUB": "0.0110", "PHP": "0.0177"}
PRICED_IN = ("EUR", "GBP")
WHOLESALE_DISCOUNT = Decimal("0.88")


def _entries(records: list[Product], created: datetime.datetime) -> list[AuditEntry]:
    return [
        AuditEntry(
            organization_id=record.organization_id,
            action=AuditEntry.Action.CREATE,
            record_type=record._meta.label_lower,
            record_id=record.pk,
            record_label=str(record)[:200],
            changes={
                name: [None, value] for name, value in field_values(record).items() if value not in (None, "")
            },
            created_at=created,
        )
        for record in records
    ]


def fill_catalog(
    organization: Organization, size: Mapping[str, int], rng: random.Random, writer: BulkWriter
) -> DemoOutcome:
    wanted = min(size["products"], len(CATALOGUE))
    have = set(Product.with_trash.values_list("sku", flat=True))
    base = organization.base_currency
    start = timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=365)
    rates = [
        ExchangeRate(organization=organization, currency=code, rate=Decimal(rate), valid_from=start)
        for code, rate in RATES.items()
        if code != base and not ExchangeRate.objects.filter(currency=code, valid_from=start).exists()
    ]
    ExchangeRate.objects.bulk_create(rates)
    known = dict(ExchangeRate.objects.filter(valid_from=start).values_list("currency", "rate"))
    now = timezone.now()
    new = [
        Product(
            organization=organization,
            sku=sku,
            name=name,
            category=category,
            unit=unit,
            is_active=rng.random() > 0.05,
            created_at=now,
        )
        for sku, name, category, unit, _price in CATALOGUE[:wanted]
        if sku not in have
    ]
    Product.objects.bulk_create(new)
    AuditEntry.objects.bulk_create(_entries(new, now))
    base_prices = {sku: Decimal(price) for sku, _n, _c, _u, price in CATALOGUE}
    prices = []
    for product in new:
        amount = base_prices[product.sku]
        prices.append(ProductPrice(organization=organization, product=product, currency=base, amount=amount))
        for code in PRICED_IN:
            if code != base and code in known:
                # Priced at a round figure near the converted amount, as a shop would.
                converted = quantize(amount / known[code], code)
                prices.append(
                    ProductPrice(
                        organization=organization,
                        product=product,
                        currency=code,
                        amount=converted.to_integral_value() - Decimal("0.01")
                        if converted > 1
                        else converted,
                    )
                )
    ProductPrice.objects.bulk_create(prices)
    wholesale = PriceList.objects.filter(name="Wholesale").first()
    if wholesale is None:
        wholesale = PriceList.objects.create(organization=organization, name="Wholesale", currency=base)
    listed = set(PriceListItem.objects.filter(price_list=wholesale).values_list("product_id", flat=True))
    PriceListItem.objects.bulk_create(
        [
            PriceListItem(
                organization=organization,
                price_list=wholesale,
                product=product,
                amount=quantize(base_prices[product.sku] * WHOLESALE_DISCOUNT, base),
            )
            for product in new
            if product.pk not in listed and product.category != "Services"
        ]
    )
    return DemoOutcome(added={"products": len(new)}, counts={"products": Product.with_trash.count()})


CATALOG_STEP = DemoStep(
    key="catalog",
    run=fill_catalog,
    sizes=(
        DemoSize(
            "products", default=len(CATALOGUE), help=f"products in the catalogue, up to {len(CATALOGUE)}"
        ),
    ),
    order=20,
)
