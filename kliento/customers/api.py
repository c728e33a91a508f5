"""API of customer cards (in progress)."""

from ninja import Router

router = Router(tags=["customers"])
