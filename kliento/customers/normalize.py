"""Emails and phone numbers in one stored form, whatever way people type them."""

from __future__ import annotations

import functools

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email


def normalize_email(value: str) -> str:
    """The address as email-validator normalizes it, lower-cased; no DNS look-up."""
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(_("Enter a valid email address (%(reason)s).") % {"reason": error}) from error
    return checked.normalized.lower()


def parse_phone(value: str, region: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("Enter a valid phone number.")) from error
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid phone number for %(region)s.") % {"region": region})
    return number


def normalize_phone(value: str, region: str) -> str:
    """E.164 (+4930123456), reading national numbers in the organization's default region."""
    return phonenumbers.format_number(parse_phone(value, region), phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=8192)  # lists show the same numbers page after page; parsing is slow
def format_phone(e164: str, region: str) -> str:
    """National format for numbers of the organization's own country, international for the rest."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    same_country = phonenumbers.region_code_for_number(number) == region
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def example_phone(region: str) -> tuple[str, str] | None:
    """A valid number of the region written nationally and internationally, for placeholders;
    None for a region phonenumbers has no example of."""
    number = phonenumbers.example_number(region)
    if number is None:
        return None
    return (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )


def digits_of(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def reversed_digits(e164: str) -> str:
    return digits_of(e164)[::-1]
