"""The `fake-miners` use case: serve a fake fleet on loopback until interrupted (demos,
benchmarks). Errors come back as ValidationError for the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from desktop.errors import ValidationError
from desktop.miners.fake import FakeFleet, FakeFleetError


def build_fake_fleet(
    count: int,
    base: str,
    port: int,
    *,
    firmware: str = "mix",
    offline_pct: float = 0.0,
    garbage_pct: float = 0.0,
    slow_pct: float = 0.0,
    drop_pct: float = 0.0,
    slow_s: float = 30.0,
) -> FakeFleet:
    shares = {"offline": offline_pct, "garbage": garbage_pct, "slow": slow_pct, "drop": drop_pct}
    for name, pct in shares.items():
        if not 0 <= pct <= 100:
            raise ValidationError(name, f"must be a percentage 0-100, not {pct}")
    if sum(shares.values()) > 100:
        raise ValidationError("offline", "the misbehaving shares add up to more than 100 %")
    if not 1 <= port <= 65535:
        raise ValidationError("port", f"must be 1-65535, not {port}")
    try:
        return FakeFleet.build(
            count,
            base,
            port,
            firmware=firmware,
            offline=offline_pct / 100,
            garbage=garbage_pct / 100,
            slow=slow_pct / 100,
            drop=drop_pct / 100,
            slow_s=slow_s,
        )
    except FakeFleetError as error:
        field, _, message = str(error).partition(": ")
        raise ValidationError(field, message) from None


def serve_fake_fleet(fleet: FakeFleet, ready: Callable[[], None] | None = None) -> None:
    """Serves ``fleet`` until Ctrl-C; ``ready`` is called once every miner listens."""

    async def run() -> None:
        try:
            await fleet.start()
        except FakeFleetError as error:
            await fleet.stop()
            field, _, message = str(error).partition(": ")
            raise ValidationError("port", message or field) from None
        if ready is not None:
            ready()
        try:
            await asyncio.Event().wait()
        finally:
            await fleet.stop()

    asyncio.run(run())
