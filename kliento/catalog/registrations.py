"""What the catalogue registers with core's kits (called from CatalogConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from kliento.catalog import history, lists
    from kliento.catalog.models import Product, ProductTag
    from kliento.catalog.search import search_products
    from kliento.catalog.selectors import access_product
    from kliento.catalog.services import restore_product
    from kliento.catalog.views import products
    from kliento.core.commands import Command, register_command
    from kliento.core.navigation import NavItem, register_nav_item
    from kliento.core.permissions import Permission
    from kliento.core.records.cards import register_card_page
    from kliento.core.records.demo import register_demo_step
    from kliento.core.records.kinds import RecordKind, register_kind
    from kliento.core.records.panels import register_card_panel
    from kliento.core.records.search import register_search_provider
    from kliento.core.trash import register_trashable

    register_kind(
        RecordKind(
            key="product",
            model=Product,
            label=_("Product"),
            label_plural=_("Products"),
            detail_url_name="catalog:product-detail",
            list_url_name="catalog:product-list",
            icon="box-seam",
            edit_permission=Permission.EDIT_SALES,
            delete_permission=Permission.EDIT_SALES,
            order=40,
            tag_link=ProductTag,
        )
    )
    lists.register()
    history.register()
    register_trashable(
        Product,
        restore_permission=Permission.EDIT_SALES,
        restore=lambda record, member: restore_product(product=record, member=member),
    )
    register_search_provider("product", search_products)
    register_card_page(
        "product",
        template="catalog/product_card.html",
        context=products.card_header,
        access=access_product,
        edit_url_name="catalog:product-edit",
        delete_url_name="catalog:product-delete",
    )
    register_card_panel(
        "product",
        key="prices",
        title=_("Prices"),
        template="catalog/_panel_prices.html",
        context=products.prices_panel,
        order=10,
    )
    register_card_panel(
        "product",
        key="details",
        title=_("Details"),
        template="catalog/_panel_details.html",
        context=products.details_panel,
        order=10,
        column="side",
    )
    register_nav_item(NavItem(_("Products"), "catalog:product-list", "box-seam", area="sales", order=50))
    register_nav_item(
        NavItem(
            _("Price lists"),
            "catalog:price-list-list",
            "card-list",
            Permission.EDIT_SALES,
            area="settings",
            order=60,
        )
    )
    register_nav_item(
        NavItem(
            _("Exchange rates"),
            "catalog:exchange-rates",
            "currency-exchange",
            Permission.MANAGE_ORGANIZATION,
            area="settings",
            order=61,
        )
    )
    register_command(
        Command(
            key="new-product",
            label=_("New product"),
            url_name="catalog:product-create",
            icon="box-seam",
            permission=Permission.EDIT_SALES,
            keywords=_("add create item article catalogue SKU"),
            order=40,
        )
    )
    from kliento.catalog.demo import CATALOG_STEP

    register_demo_step(CATALOG_STEP)
