"""A kind of record that exists only in the test suite: specimens.

It proves that the records kit gives a new kind its parts by registration alone (apps.py); each
part of the kit adds its registration here and its tests in tests/core/."""
