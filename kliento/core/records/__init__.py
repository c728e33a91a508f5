"""The records kit: what every kind of record (contact, company, lead, deal, …) gets by registering.

An app describes each of its kinds once, in its AppConfig.ready(), with `register_kind(RecordKind(...))`;
fields, tags, lists, cards, search and demo data read that description instead of naming the kind.
"""
