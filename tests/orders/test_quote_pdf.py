"""The print page and the PDF: one template, the stored values, the quote's language and locale."""

import io
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kliento.orders import pdf as quote_pdf_module
from kliento.orders import services
from kliento.orders.models import Quote
from kliento.orders.pdf import PdfUnavailable, quote_document_html, quote_pdf
from tests.catalog.factories import ProductFactory, ProductPriceFactory
from tests.customers.factories import CompanyFactory, ContactFactory


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def customer(acme):
    return CompanyFactory(
        organization=acme, name="Harbor Foods", street="1 Pier Road", city="Springfield", country="US"
    )


def _quote(alice, customer, chair, *, language: str, lines: int = 1, **extra) -> Quote:
    return services.create_quote(
        member=alice,
        data={
            "company_id": customer.pk,
            "language": language,
            "terms": "Payment within 30 days.",
            "lines": [{"product_id": chair.pk, "quantity": "12.5"}] * lines,
            **extra,
        },
    )


def test_an_english_pdf_has_the_number_customer_and_total_in_its_locale(alice, customer, chair):
    quote = _quote(alice, customer, chair, language="en")

    text = _text(quote_pdf(quote))

    assert "Q-1" in text
    assert "Harbor Foods" in text
    assert "$1,000.00" in text


def test_an_arabic_pdf_has_the_number_customer_and_total_in_its_locale(alice, customer, chair):
    quote = _quote(alice, customer, chair, language="ar")

    text = _text(quote_pdf(quote))

    assert "Q-1" in text
    assert "Harbor Foods" in text
    assert "1,000.00" in text


def test_a_russian_pdf_groups_thousands_as_russian_does(alice, customer, chair):
    quote = _quote(alice, customer, chair, language="ru")

    html = quote_document_html(quote, for_pdf=True)

    assert "1\xa0000,00\xa0$" in html


def test_the_print_page_of_an_arabic_quote_is_right_to_left(alice_client, alice, customer, chair):
    quote = _quote(alice, customer, chair, language="ar")

    response = alice_client.get(reverse("orders:quote-print", args=[quote.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "عرض سعر" in html or "Quote" in html


def test_the_print_page_shows_the_stored_amounts_not_recomputed_ones(alice_client, alice, customer, chair):
    quote = _quote(alice, customer, chair, language="en")
    # A stored total that the lines no longer add up to: the document must print what is stored.
    Quote.objects.filter(pk=quote.pk).update(total=Decimal("999.99"))

    html = alice_client.get(reverse("orders:quote-print", args=[quote.pk])).content.decode()

    assert "$999.99" in html
    assert "$1,000.00" in html  # the line's stored gross


def test_the_number_carries_the_prefix_of_the_sales_settings(alice, customer, chair):
    services.save_sales_settings(member=alice, data={"quote_prefix": "ANG-"})
    quote = _quote(alice, customer, chair, language="en")

    assert "ANG-1" in quote_document_html(quote, for_pdf=True)


def test_the_pdf_is_downloaded_from_the_card(alice_client, alice, customer, chair):
    quote = _quote(alice, customer, chair, language="en")

    response = alice_client.get(reverse("orders:quote-pdf", args=[quote.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="quote-Q-1.pdf"'
    assert response.content.startswith(b"%PDF")


def test_without_weasyprint_the_pdf_page_says_what_to_install(
    alice_client, alice, customer, chair, monkeypatch
):
    quote = _quote(alice, customer, chair, language="en")

    def missing() -> None:
        raise PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(quote_pdf_module, "_weasyprint", missing)

    response = alice_client.get(reverse("orders:quote-pdf", args=[quote.pk]))

    assert response.status_code == 503
    assert "weasyprint" in response.content.decode()
    assert "libpango" in response.content.decode()


def test_a_pdf_of_twenty_lines_takes_under_a_second(alice, customer, chair):
    quote = _quote(alice, customer, chair, language="en", lines=20)
    quote_pdf(quote)  # the first one loads WeasyPrint and the fonts, once per process
    timings = []
    for _attempt in range(3):  # the best of three: what the work costs, not what a busy machine adds
        started = time.perf_counter()
        pdf = quote_pdf(quote)
        timings.append(time.perf_counter() - started)

    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    assert min(timings) < 1.0, f"{min(timings):.2f} s"


def test_a_contact_quote_prints_the_contacts_name_and_address(alice, chair):
    contact = ContactFactory(
        organization=alice.organization, first_name="Dana", last_name="Ng", street="5 Elm St", city="Leeds"
    )
    quote = services.create_quote(
        member=alice, data={"contact_id": contact.pk, "lines": [{"product_id": chair.pk, "quantity": 1}]}
    )

    html = quote_document_html(quote, for_pdf=True)

    assert "Dana Ng" in html
    assert "5 Elm St" in html


def test_a_line_description_and_unit_are_printed(alice, customer):
    lamp = ProductFactory(organization=alice.organization, name="Lamp", unit="pcs")
    ProductPriceFactory(organization=alice.organization, product=lamp, currency="USD", amount=Decimal("10"))
    quote = services.create_quote(
        member=alice,
        data={
            "company_id": customer.pk,
            "lines": [{"product_id": lamp.pk, "quantity": 3, "description": "Warm white"}],
        },
    )

    html = quote_document_html(quote, for_pdf=True)

    assert "Warm white" in html
    assert "pcs" in html
