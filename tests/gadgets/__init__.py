"""A kind of record that exists only in the test suite: gadgets, registered as any app registers its
kinds, so the tests prove that the records kit serves a kind that `core` and `customers` never name.
The kit's parts use it by registration alone: add what a part needs to `GadgetsConfig.ready()`."""
