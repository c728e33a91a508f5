"""Quote pages: the list, the form and its lines editor, the card and its actions, the deal card's
Quotes panel, the trash, history, search and navigation."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kliento.orders import services
from kliento.orders.models import Order, Quote, QuoteStatus
from kliento.orders.views.quotes import order_url
from tests.customers.factories import ContactFactory
from tests.deals.factories import DealFactory, DealLineFactory
from tests.orders.factories import QuoteFactory, QuoteLineFactory


@pytest.fixture
def quote(alice, dana, chair):
    return services.create_quote(
        member=alice,
        data={
            "contact_id": dana.pk,
            "terms": "Net 30",
            "lines": [{"product_id": chair.pk, "quantity": 2, "tax_rate": "10", "description": "Oak"}],
        },
    )


def _form(dana, chair, **extra):
    return {
        "contact": dana.pk,
        "currency": "USD",
        "issued_on": "2026-03-01",
        "owner": "",
        "lines-0-product": chair.pk,
        "lines-0-quantity": "3",
        **extra,
    }


# The list ---------------------------------------------------------------------------------------


def test_the_list_shows_quotes_with_their_prefixed_number_and_status(alice_client, quote):
    response = alice_client.get(reverse("orders:quote-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Q-1" in html
    assert "Draft" in html


def test_the_list_filters_by_status(alice_client, alice):
    QuoteFactory(organization=alice.organization, number=7, status=QuoteStatus.SENT)
    QuoteFactory(organization=alice.organization, number=8, status=QuoteStatus.DRAFT)

    html = alice_client.get(reverse("orders:quote-list") + "?status=sent").content.decode()

    assert "Q-7" in html
    assert "Q-8" not in html


def test_the_lists_search_finds_a_quote_by_number(alice_client, alice):
    QuoteFactory(organization=alice.organization, number=31)
    QuoteFactory(organization=alice.organization, number=32)

    html = alice_client.get(reverse("orders:quote-list") + "?q=Q-31").content.decode()

    assert "Q-31" in html
    assert "Q-32" not in html


def test_the_list_filters_by_deal(alice_client, alice):
    deal = DealFactory(organization=alice.organization)
    QuoteFactory(organization=alice.organization, number=5, deal=deal)
    QuoteFactory(organization=alice.organization, number=6)

    html = alice_client.get(reverse("orders:quote-list") + f"?deal={deal.pk}").content.decode()

    assert "Q-5" in html
    assert "Q-6" not in html


def test_the_list_runs_a_fixed_number_of_queries(alice_client, alice, django_assert_max_num_queries):
    for _index in range(60):
        QuoteFactory(organization=alice.organization)

    with django_assert_max_num_queries(16):
        response = alice_client.get(
            reverse("orders:quote-list") + "?columns=number,customer,deal,status,tags"
        )

    assert response.status_code == 200


def test_tags_are_added_in_bulk(alice_client, alice):
    first, second = (
        QuoteFactory(organization=alice.organization),
        QuoteFactory(organization=alice.organization),
    )

    alice_client.post(
        reverse("orders:quote-bulk"), {"action": "add_tag", "tag": "Priority", "ids": [first.pk, second.pk]}
    )

    assert sorted(Quote.tags.through.objects.values_list("quote_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_the_sales_area_has_a_quotes_entry(alice_client):
    html = alice_client.get(reverse("orders:quote-list")).content.decode()

    assert f'href="{reverse("orders:quote-list")}"' in html


# The form ---------------------------------------------------------------------------------------


def test_a_quote_is_added_from_its_form_with_the_products_price(alice_client, alice, dana, chair):
    response = alice_client.post(reverse("orders:quote-create"), _form(dana, chair, terms="Net 30"))

    quote = Quote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:quote-detail", args=[quote.pk])
    assert (quote.total, quote.terms, quote.lines.get().unit_price) == (
        Decimal("240"),
        "Net 30",
        Decimal("80"),
    )


def test_the_language_defaults_to_the_contacts_preferred_language(alice_client, alice, chair):
    contact = ContactFactory(organization=alice.organization, preferred_language="es")

    alice_client.post(reverse("orders:quote-create"), _form(contact, chair, language=""))

    assert Quote.objects.get().language == "es"


def test_a_new_quote_for_a_contact_offers_their_language(alice_client, alice):
    contact = ContactFactory(organization=alice.organization, preferred_language="ru")

    html = alice_client.get(reverse("orders:quote-create") + f"?contact={contact.pk}").content.decode()

    assert '<option value="ru" selected>' in html


def test_adding_a_line_shows_the_form_again_without_saving(alice_client, alice, dana, chair):
    response = alice_client.post(reverse("orders:quote-create"), _form(dana, chair, lines_action="add-line"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="lines-1-product"' in html
    assert 'name="lines-0-unit_price" id="lines-0-unit_price" value="80"' in html
    assert Quote.objects.exists() is False


def test_removing_a_line_drops_its_row(alice_client, alice, dana, chair):
    data = _form(
        dana, chair, **{"lines-1-product": chair.pk, "lines-1-quantity": "1"}, lines_action="remove-line:0"
    )

    html = alice_client.post(reverse("orders:quote-create"), data).content.decode()

    assert 'name="lines-1-product"' not in html
    assert 'name="lines-0-product"' in html


def test_a_bad_quantity_is_shown_on_its_line_and_nothing_is_saved(alice_client, alice, dana, chair):
    response = alice_client.post(
        reverse("orders:quote-create"), _form(dana, chair, **{"lines-0-quantity": "-2"})
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "A quantity is more than zero." in html
    assert 'href="#lines-0-quantity"' in html
    assert Quote.objects.exists() is False


def test_a_quote_without_a_customer_names_the_contact_field(alice_client, alice, dana, chair):
    response = alice_client.post(reverse("orders:quote-create"), _form(dana, chair, contact=""))

    assert response.status_code == 400
    assert "Choose the customer: a contact or a company." in response.content.decode()
    assert Quote.objects.exists() is False


def test_the_line_price_fills_in_from_the_chosen_product(alice_client, alice, chair):
    response = alice_client.get(
        reverse("orders:quote-line-price") + f"?index=2&lines-2-product={chair.pk}&currency=USD",
        HTTP_HX_REQUEST="true",
    )

    assert 'name="lines-2-unit_price" id="lines-2-unit_price" value="80"' in response.content.decode()


def test_a_quote_is_edited_with_its_lines(alice_client, quote, chair):
    form = alice_client.get(reverse("orders:quote-edit", args=[quote.pk])).content.decode()
    assert 'value="Oak"' in form
    version = form.split('name="version" value="')[1].split('"')[0]

    response = alice_client.post(
        reverse("orders:quote-edit", args=[quote.pk]),
        {
            "contact": quote.contact_id,
            "currency": "USD",
            "issued_on": quote.issued_on.isoformat(),
            "valid_until": quote.valid_until.isoformat(),
            "language": "en",
            "owner": quote.owner_id,
            "version": version,
            "lines-0-product": chair.pk,
            "lines-0-quantity": "1",
            "lines-0-unit_price": "100",
            "lines-0-tax_rate": "0",
        },
    )

    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.total == Decimal("100")


def test_an_accepted_quote_is_not_opened_for_editing(alice_client, alice, quote):
    services.change_quote_status(quote=quote, member=alice, status=QuoteStatus.ACCEPTED)

    response = alice_client.get(reverse("orders:quote-edit", args=[quote.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("orders:quote-detail", args=[quote.pk])


# The card ---------------------------------------------------------------------------------------


def test_the_card_shows_lines_with_net_tax_gross_and_the_stored_totals(alice_client, quote):
    html = alice_client.get(reverse("orders:quote-detail", args=[quote.pk])).content.decode()

    assert "Quote Q-1" in html
    assert "$160.00" in html  # net
    assert "$16.00" in html  # tax
    assert "$176.00" in html  # gross and total
    assert "Net 30" in html
    assert 'data-testid="quote-status-sent"' in html


def test_the_card_runs_a_fixed_number_of_queries(
    alice_client, alice, quote, chair, django_assert_max_num_queries
):
    for _index in range(20):
        QuoteLineFactory(organization=alice.organization, quote=quote, product=chair)

    with django_assert_max_num_queries(30):
        response = alice_client.get(reverse("orders:quote-detail", args=[quote.pk]))

    assert response.status_code == 200


def test_a_quote_is_sent_then_accepted_from_its_card(alice_client, quote):
    alice_client.post(reverse("orders:quote-status", args=[quote.pk]), {"status": "sent"})
    alice_client.post(reverse("orders:quote-status", args=[quote.pk]), {"status": "accepted"})

    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED


def test_a_refused_move_is_a_message_and_changes_nothing(alice_client, alice, quote):
    services.change_quote_status(quote=quote, member=alice, status=QuoteStatus.ACCEPTED)

    response = alice_client.post(
        reverse("orders:quote-status", args=[quote.pk]), {"status": "draft"}, follow=True
    )

    assert "A quote cannot go from Accepted to Draft." in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED


def test_create_order_on_an_accepted_quote_leads_to_the_new_order(alice_client, alice, quote):
    services.change_quote_status(quote=quote, member=alice, status=QuoteStatus.ACCEPTED)
    card = alice_client.get(reverse("orders:quote-detail", args=[quote.pk])).content.decode()
    assert 'data-testid="quote-create-order"' in card

    response = alice_client.post(reverse("orders:quote-order", args=[quote.pk]))

    order = Order.objects.get()
    assert (order.quote_id, order.total) == (quote.pk, quote.total)
    assert response.status_code == 302
    assert response["Location"] == order_url(order)


def test_a_draft_quote_offers_no_order(alice_client, quote):
    html = alice_client.get(reverse("orders:quote-detail", args=[quote.pk])).content.decode()

    assert 'data-testid="quote-create-order"' not in html


def test_a_trashed_quote_is_restored(alice_client, quote):
    alice_client.post(reverse("orders:quote-delete", args=[quote.pk]))
    assert Quote.objects.exists() is False

    alice_client.post(reverse("core:trash-restore", args=["orders.quote", quote.pk]))

    assert Quote.objects.get().pk == quote.pk


def test_the_history_reads_the_lines(alice_client, alice, quote, chair):
    services.update_quote(
        quote=quote,
        member=alice,
        data={"lines": [{"product_id": chair.pk, "quantity": 5, "unit_price": "70"}]},
    )

    html = alice_client.get(
        reverse("orders:quote-history", args=[quote.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "5 x Chair at 70" in html


def test_the_global_search_finds_a_quote_by_number(alice_client, quote):
    html = alice_client.get(reverse("core:search") + "?q=Q-1").content.decode()

    assert reverse("orders:quote-detail", args=[quote.pk]) in html


# The deal card ----------------------------------------------------------------------------------


def test_a_deal_card_lists_its_quotes_with_status_and_total(alice_client, alice, quote):
    deal = DealFactory(organization=alice.organization)
    Quote.objects.filter(pk=quote.pk).update(deal=deal)

    html = alice_client.get(reverse("deals:deal-detail", args=[deal.pk])).content.decode()

    assert 'data-testid="deal-quote"' in html
    assert "Q-1" in html
    assert "$176.00" in html


def test_a_deal_without_lines_explains_why_it_cannot_be_quoted(alice_client, alice):
    deal = DealFactory(organization=alice.organization)

    html = alice_client.get(reverse("deals:deal-detail", args=[deal.pk])).content.decode()

    assert 'disabled aria-describedby="quote-from-deal-help"' in html
    assert "Add products to the deal first" in html


def test_create_quote_from_a_deal_opens_the_new_quote(alice_client, alice, dana, chair):
    deal = DealFactory(organization=alice.organization, contact=dana)
    DealLineFactory(
        organization=alice.organization, deal=deal, product=chair, quantity=2, unit_price=Decimal("75")
    )

    response = alice_client.post(reverse("orders:quote-from-deal", args=[deal.pk]))

    quote = Quote.objects.get()
    assert response["Location"] == reverse("orders:quote-detail", args=[quote.pk])
    assert (quote.deal_id, quote.total) == (deal.pk, Decimal("150"))


def test_the_deal_card_with_its_quotes_panel_runs_a_fixed_number_of_queries(
    alice_client, alice, django_assert_max_num_queries
):
    deal = DealFactory(organization=alice.organization)
    for _index in range(10):
        QuoteFactory(organization=alice.organization, deal=deal, issued_on=datetime.date(2026, 1, 1))

    with django_assert_max_num_queries(32):
        response = alice_client.get(reverse("deals:deal-detail", args=[deal.pk]))

    assert response.status_code == 200
