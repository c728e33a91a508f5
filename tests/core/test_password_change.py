"""A signed-in user changes their own password from the user menu and stays signed in."""

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

CHANGE = reverse("core:password-change")
NEW = "a much longer new secret 42"


def signed_in(alice) -> Client:
    client = Client()
    client.post(reverse("core:login"), {"email": "alice@acme.test", "password": PASSWORD})
    return client


def test_the_user_menu_links_to_the_password_change_page(alice):
    html = signed_in(alice).get(reverse("web:home")).content.decode()

    assert f'href="{CHANGE}"' in html


def test_changing_the_password_keeps_the_session_and_takes_the_new_password(alice):
    client = signed_in(alice)

    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200  # still signed in
    alice.user.refresh_from_db()
    assert alice.user.check_password(NEW)


def test_a_wrong_current_password_is_an_error_on_that_field_and_changes_nothing(alice):
    client = signed_in(alice)

    response = client.post(CHANGE, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert 'href="#id_old_password"' in response.content.decode()  # in the error summary
    alice.user.refresh_from_db()
    assert alice.user.check_password(PASSWORD)


def test_the_password_change_page_needs_a_signed_in_user(db):
    response = Client().get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_a_password_change_is_audited_without_the_password_or_its_hash(alice):
    from kliento.core.models import AuditEntry

    signed_in(alice).post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})

    entry = AuditEntry.objects.get(record_type="core.user", record_id=alice.user.pk)
    assert (entry.action, entry.actor_id, entry.changes) == (
        "update",
        alice.user.pk,
        {"password": [None, "changed"]},
    )
    alice.user.refresh_from_db()
    assert alice.user.password not in str(entry.changes) and NEW not in str(entry.changes)
