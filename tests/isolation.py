"""The reusable isolation check: every tenant model registers how to make one of its records and
which pages and endpoints touch it; tests/test_isolation.py then proves that another
organization can neither read nor change it. A tenant model without a case fails the suite.

Apps register their cases in tests/<app>/isolation.py.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from kliento.core.models import Organization

UrlFor = Callable[[Any], str]


@dataclass(frozen=True)
class Request:
    method: str  # "get", "post", "patch", "delete"
    url: UrlFor
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IsolationCase:
    model: type[Model]
    make: Callable[[Organization], Model]
    pages: tuple[Request, ...] = ()
    api: tuple[Request, ...] = ()

    @property
    def name(self) -> str:
        return self.model._meta.label


CASES: dict[str, IsolationCase] = {}


def register(case: IsolationCase) -> None:
    CASES[case.name] = case


def load_cases() -> dict[str, IsolationCase]:
    import tests

    for module in pkgutil.iter_modules(tests.__path__):
        if module.ispkg:
            try:
                importlib.import_module(f"tests.{module.name}.isolation")
            except ModuleNotFoundError as error:
                if error.name != f"tests.{module.name}.isolation":
                    raise
    return CASES
