"""Isolation cases of the orders app (tests/isolation.py loads this module), one module per part."""

from tests.orders import quote_isolation as quote_isolation
