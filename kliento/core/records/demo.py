"""Demo steps: each app fills the demo organization with its own records, registered in its
AppConfig.ready() with the size options it adds to `kliento demo`:

    register_demo_step(
        DemoStep(
            key="deals",
            run=fill_deals,
            sizes=(DemoSize("deals", default=120, help="fill the organization up to this many deals (120)"),),
            order=30,
        )
    )

    def fill_deals(
        organization: Organization, size: Mapping[str, int], rng: random.Random, writer: BulkWriter
    ) -> DemoOutcome:
        ...
        return DemoOutcome(added={"deals": added}, counts={"deals": Deal.objects.count()})

`kliento demo` runs the steps in order, inside one transaction with the organization active, so a
step reads what earlier ones made (deals find the customers). Each is given the values of its own
size options, a generator seeded from the demo's seed and the step's key (so adding a step changes
no other step's records), and the writer shared by all steps for loads too large for the ORM.
A step fills up to its sizes and never adds twice: a second run adds only what is missing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kliento.core.models import Organization
    from kliento.core.records.bulk import BulkWriter


@dataclass(frozen=True)
class DemoSize:
    """A size option of `kliento demo` (`--NAME N`): how many records of a kind to fill up to."""

    name: str
    default: int
    help: str = ""


@dataclass
class DemoOutcome:
    added: dict[str, int] = field(default_factory=dict)  # records this run added, by size name
    counts: dict[str, int] = field(default_factory=dict)  # records there are now, by size name


DemoRun = Callable[["Organization", Mapping[str, int], random.Random, "BulkWriter"], DemoOutcome]


@dataclass(frozen=True)
class DemoStep:
    key: str
    run: DemoRun
    sizes: tuple[DemoSize, ...] = ()
    order: int = 100


_steps: dict[str, DemoStep] = {}


def register_demo_step(step: DemoStep) -> None:
    taken = {size.name for other in _steps.values() if other.key != step.key for size in other.sizes}
    clash = taken & {size.name for size in step.sizes}
    if clash:
        raise ValueError(f"The demo size options {sorted(clash)} are registered by another step.")
    _steps[step.key] = step


def unregister_demo_step(key: str) -> None:
    _steps.pop(key, None)


def demo_steps() -> Iterator[DemoStep]:
    yield from sorted(_steps.values(), key=lambda step: (step.order, step.key))


def demo_sizes() -> Iterator[DemoSize]:
    for step in demo_steps():
        yield from step.sizes


def step_generator(seed: int, step: DemoStep) -> random.Random:
    """The step's own generator: the same seed gives it the same draws whatever other steps exist."""
    return random.Random(f"{seed}:{step.key}")
