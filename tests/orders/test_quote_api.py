"""The quotes API: CRUD with versions, keyset lists and filters, status moves, quotes from deals,
orders from quotes, the PDF; errors as problem JSON naming the field."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client

from kliento.core.models import AuditEntry
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.orders import pdf as quote_pdf_module
from kliento.orders import services
from kliento.orders.models import Order, Quote, QuoteStatus
from kliento.orders.pdf import PdfUnavailable
from tests.customers.factories import CompanyFactory
from tests.deals.factories import DealFactory, DealLineFactory
from tests.orders.factories import QuoteFactory


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def errors_of(response):
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def api(alice) -> Client:
    raw = create_api_key(name="Owner key", role=Role.OWNER, member=alice)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _new(api, dana, chair, **extra):
    body = {"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": "2"}], **extra}
    return post(api, "/api/v1/quotes", body)


def test_a_quote_is_created_priced_by_its_lines_with_an_etag(api, dana, chair):
    response = _new(api, dana, chair, terms="Net 30")

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["status"], body["total"], body["terms"]) == (
        1,
        "draft",
        "160.0000",
        "Net 30",
    )
    assert body["lines"][0]["unit_price"] == "80.0000"
    assert response["ETag"]


def test_a_line_without_a_price_in_the_currency_is_a_422_naming_it(api, dana, desk):
    response = post(
        api, "/api/v1/quotes", {"contact_id": dana.pk, "lines": [{"product_id": desk.pk, "quantity": 1}]}
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"lines.0.unit_price"}
    assert Quote.objects.exists() is False


def test_a_negative_quantity_is_a_422_naming_the_line(api, dana, chair):
    response = post(
        api, "/api/v1/quotes", {"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": "-1"}]}
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"lines.0.quantity"}
    assert Quote.objects.exists() is False


def test_a_quote_without_lines_is_a_422_naming_lines(api, dana):
    response = post(api, "/api/v1/quotes", {"contact_id": dana.pk, "lines": []})

    assert response.status_code == 422
    assert "lines" in errors_of(response)


def test_an_unknown_field_is_refused_by_name(api, dana, chair):
    response = _new(api, dana, chair, colour="red")

    assert response.status_code == 422
    assert "colour" in errors_of(response)


def test_an_unknown_language_is_a_422_naming_it(api, dana, chair):
    response = _new(api, dana, chair, language="xx")

    assert response.status_code == 422
    assert set(errors_of(response)) == {"language"}


def test_a_quote_is_read_with_its_lines(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]

    response = api.get(f"/api/v1/quotes/{quote_id}")

    assert response.status_code == 200
    assert [line["quantity"] for line in response.json()["lines"]] == ["2.000"]


def test_a_patch_with_an_old_version_is_a_412_and_changes_nothing(api, dana, chair):
    created = _new(api, dana, chair)
    quote_id, etag = created.json()["id"], created["ETag"]
    patch(api, f"/api/v1/quotes/{quote_id}", {"notes": "first"})

    response = patch(api, f"/api/v1/quotes/{quote_id}", {"notes": "second"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert Quote.objects.get().notes == "first"


def test_a_patch_with_the_current_version_reprices_new_lines(api, dana, chair):
    created = _new(api, dana, chair)
    quote_id, etag = created.json()["id"], created["ETag"]

    response = patch(
        api,
        f"/api/v1/quotes/{quote_id}",
        {"lines": [{"product_id": chair.pk, "quantity": "1", "unit_price": "50", "tax_rate": "10"}]},
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200
    assert (response.json()["total"], response.json()["tax_total"]) == ("55.0000", "5.0000")
    assert response["ETag"] != etag


def test_an_accepted_quote_refuses_a_patch_with_a_409(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]
    post(api, f"/api/v1/quotes/{quote_id}/status", {"status": "accepted"})

    response = patch(api, f"/api/v1/quotes/{quote_id}", {"notes": "late"})

    assert response.status_code == 409
    assert Quote.objects.get().notes == ""


def test_delete_moves_the_quote_to_the_trash(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]

    response = api.delete(f"/api/v1/quotes/{quote_id}")

    assert response.status_code == 204
    assert Quote.objects.exists() is False
    assert Quote.with_trash.get().deleted_at is not None


def test_a_quote_is_sent_then_accepted(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]

    sent = post(api, f"/api/v1/quotes/{quote_id}/status", {"status": "sent"})
    accepted = post(api, f"/api/v1/quotes/{quote_id}/status", {"status": "accepted"})

    assert (sent.status_code, accepted.status_code) == (200, 200)
    assert accepted.json()["status"] == "accepted"


def test_an_accepted_quote_cannot_go_back_to_draft(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]
    post(api, f"/api/v1/quotes/{quote_id}/status", {"status": "accepted"})

    response = post(api, f"/api/v1/quotes/{quote_id}/status", {"status": "draft"})

    assert response.status_code == 409
    assert errors_of(response) == {"status": "A quote cannot go from Accepted to Draft."}


def test_an_unknown_status_is_a_422(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]

    response = post(api, f"/api/v1/quotes/{quote_id}/status", {"status": "won"})

    assert response.status_code == 422
    assert set(errors_of(response)) == {"status"}


def test_a_quote_is_made_from_a_deals_lines(api, alice, dana, chair):
    deal = DealFactory(organization=alice.organization, contact=dana)
    DealLineFactory(
        organization=alice.organization, deal=deal, product=chair, quantity=3, unit_price=Decimal("70")
    )

    response = post(api, f"/api/v1/deals/{deal.pk}/quote", {"terms": "Valid while stocks last"})

    assert response.status_code == 201
    body = response.json()
    assert (body["deal_id"], body["contact_id"], body["total"], body["terms"]) == (
        deal.pk,
        dana.pk,
        "210.0000",
        "Valid while stocks last",
    )


def test_a_deal_without_lines_gives_no_quote_but_a_409(api, alice, dana):
    deal = DealFactory(organization=alice.organization, contact=dana)

    response = post(api, f"/api/v1/deals/{deal.pk}/quote", {})

    assert response.status_code == 409
    assert Quote.objects.exists() is False


def test_an_accepted_quote_becomes_an_order_once(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]
    post(api, f"/api/v1/quotes/{quote_id}/status", {"status": "accepted"})

    first = post(api, f"/api/v1/quotes/{quote_id}/order", {"channel": "phone"})
    second = post(api, f"/api/v1/quotes/{quote_id}/order", {})

    assert first.status_code == 201
    assert (first.json()["quote_id"], first.json()["total"]) == (quote_id, "160.0000")
    assert Order.objects.get().channel == "phone"
    assert second.status_code == 409


def test_a_draft_quote_becomes_no_order(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]

    response = post(api, f"/api/v1/quotes/{quote_id}/order", {})

    assert response.status_code == 409
    assert Order.objects.exists() is False


def test_the_pdf_endpoint_answers_a_pdf(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]

    response = api.get(f"/api/v1/quotes/{quote_id}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_without_weasyprint_the_pdf_endpoint_is_a_503_problem_naming_it(api, dana, chair, monkeypatch):
    quote_id = _new(api, dana, chair).json()["id"]

    def missing() -> None:
        raise PdfUnavailable("No module named 'weasyprint'")

    monkeypatch.setattr(quote_pdf_module, "_weasyprint", missing)

    response = api.get(f"/api/v1/quotes/{quote_id}/pdf")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "weasyprint" in response.json()["detail"]


# The list ---------------------------------------------------------------------------------------


def test_the_list_is_newest_first_in_keyset_pages(api, alice):
    today = datetime.date(2026, 3, 1)
    quotes = [
        QuoteFactory(organization=alice.organization, issued_on=today - datetime.timedelta(days=days))
        for days in range(3)
    ]

    first = api.get("/api/v1/quotes?limit=2").json()
    second = api.get(f"/api/v1/quotes?limit=2&cursor={first['next_cursor']}").json()

    assert [item["id"] for item in first["items"]] == [quotes[0].pk, quotes[1].pk]
    assert [item["id"] for item in second["items"]] == [quotes[2].pk]
    assert second["next_cursor"] is None


def test_the_list_filters_by_status_customer_deal_and_dates(api, alice):
    company = CompanyFactory(organization=alice.organization)
    deal = DealFactory(organization=alice.organization)
    wanted = QuoteFactory(
        organization=alice.organization,
        status=QuoteStatus.SENT,
        company=company,
        deal=deal,
        issued_on=datetime.date(2026, 2, 10),
    )
    QuoteFactory(
        organization=alice.organization, status=QuoteStatus.SENT, issued_on=datetime.date(2026, 2, 10)
    )
    QuoteFactory(
        organization=alice.organization, company=company, deal=deal, issued_on=datetime.date(2026, 2, 10)
    )

    body = api.get(
        f"/api/v1/quotes?status=sent&company={company.pk}&deal={deal.pk}"
        "&issued_from=2026-02-01&issued_to=2026-02-28"
    ).json()

    assert [item["id"] for item in body["items"]] == [wanted.pk]


def test_the_list_finds_a_quote_by_its_number_with_or_without_the_prefix(api, alice):
    wanted = QuoteFactory(organization=alice.organization, number=42)
    QuoteFactory(organization=alice.organization, number=421)

    plain = api.get("/api/v1/quotes?q=42").json()
    prefixed = api.get("/api/v1/quotes?q=Q-42").json()

    assert [item["id"] for item in plain["items"]] == [wanted.pk]
    assert [item["id"] for item in prefixed["items"]] == [wanted.pk]


def test_a_tampered_cursor_is_a_422_naming_it(api, alice):
    response = api.get("/api/v1/quotes?cursor=bm90LWpzb24")

    assert response.status_code == 422
    assert "cursor" in errors_of(response)


def test_a_bad_status_filter_is_a_422_naming_it(api, alice):
    response = api.get("/api/v1/quotes?status=won")

    assert response.status_code == 422
    assert "status" in errors_of(response)


def test_the_list_runs_a_fixed_number_of_queries(api, alice, django_assert_max_num_queries):
    for _index in range(30):
        QuoteFactory(organization=alice.organization)

    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/quotes?limit=25")

    assert len(response.json()["items"]) == 25


def test_reading_a_quote_runs_a_fixed_number_of_queries(
    api, alice, dana, chair, django_assert_max_num_queries
):
    quote = services.create_quote(
        member=alice,
        data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 1}] * 20},
    )

    with django_assert_max_num_queries(8):
        response = api.get(f"/api/v1/quotes/{quote.pk}")

    assert len(response.json()["lines"]) == 20


def test_a_salesperson_does_not_see_others_quotes_when_visibility_is_limited(alice, bob, bob_client):
    alice.organization.record_visibility = "own_and_team"
    alice.organization.save()
    theirs = QuoteFactory(organization=alice.organization, owner=alice.user)

    listed = bob_client.get("/api/v1/quotes").json()
    read = bob_client.get(f"/api/v1/quotes/{theirs.pk}")

    assert listed["items"] == []
    assert read.status_code == 404


def test_every_write_leaves_an_audit_entry(api, dana, chair):
    quote_id = _new(api, dana, chair).json()["id"]
    post(api, f"/api/v1/quotes/{quote_id}/status", {"status": "sent"})

    actions = list(
        AuditEntry.objects.filter(record_type="orders.quote", record_id=quote_id)
        .order_by("id")
        .values_list("action", flat=True)
    )

    assert actions == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
