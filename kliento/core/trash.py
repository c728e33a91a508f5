"""Which models have a trash, so one Trash page lists and restores them all.

A soft-deletable model (with a `with_trash` manager) registers itself with the permission
needed to restore it and the service that restores it (called as `restore(record, member)`);
later apps join by calling `register_trashable` in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from kliento.core.permissions import Permission


@dataclass(frozen=True)
class Trashable:
    model: type[models.Model]
    restore_permission: Permission
    restore: Callable[[Any, Any], None]

    def rows_in_trash(self) -> models.QuerySet[Any]:
        # Registered models are soft-deletable tenant models, which all have a with_trash manager.
        rows: models.QuerySet[Any] = self.model.with_trash.in_trash()  # type: ignore[attr-defined]
        return rows

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)


_registry: dict[str, Trashable] = {}


def register_trashable(
    model: type[models.Model], *, restore_permission: Permission, restore: Callable[[Any, Any], None]
) -> None:
    trashable = Trashable(model=model, restore_permission=restore_permission, restore=restore)
    _registry[trashable.key] = trashable


def trashables() -> list[Trashable]:
    return list(_registry.values())


def trashable(key: str) -> Trashable | None:
    return _registry.get(key)
