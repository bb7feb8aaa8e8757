"""The interface every source of miner readings offers (the 4028 client today; another
source, such as pyasic-rs or a PDU, can be added beside it)."""

from __future__ import annotations

from typing import Protocol

from desktop.miners.reading import MinerReading


class MinerSource(Protocol):
    async def read(self, address: str, port: int, family: str | None = None) -> MinerReading:
        """One reading of the miner at ``address``; never raises for a miner's fault (an
        offline or garbled miner is a reading with that outcome). ``family``: the firmware
        a previous read found (None: find it first, at the cost of one more connection)."""
        ...
