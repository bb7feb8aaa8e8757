"""A fake fleet of CGMiner-family miners: one asyncio server per loopback address, all in
one process, answering like each covered firmware (fake_replies.py).

Knobs per miner (``behaviour``): "ok", "slow" (answers after ``slow_s``), "garbage" (bytes
that are not JSON), "drop" (closes the connection without a word) and "offline" (nothing
listens: connection refused). Tests and the ``fake-miners`` command change them live.
Only 127.0.0.0/8 addresses are ever bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from desktop.miners.fake_replies import FAKE_MODELS, FakeState, reply_bytes
from desktop.miners.reading import FAMILIES

BEHAVIOURS = ("ok", "slow", "garbage", "drop", "offline")
GARBAGE = b"\x16\x03\x01HTTP/1.1 400 Bad Request\r\n\r\n<html>{{{\x00"


class FakeFleetError(ValueError):
    """A fleet that cannot be served as asked (a non-loopback base, a taken port)."""


def loopback_addresses(base: str, count: int) -> list[str]:
    """``count`` consecutive addresses from ``base``; all must lie in 127.0.0.0/8."""
    try:
        first = ipaddress.IPv4Address(base)
    except ValueError:
        raise FakeFleetError(f"base: '{base}' is not an IPv4 address") from None
    if count < 1:
        raise FakeFleetError(f"count: must be at least 1, not {count}")
    last = int(first) + count - 1
    if not first.is_loopback or last > int(ipaddress.IPv4Address("127.255.255.254")):
        raise FakeFleetError(f"base: fake miners listen on loopback only (127.0.0.0/8); {base} + {count} leaves it")
    return [str(ipaddress.IPv4Address(int(first) + i)) for i in range(count)]


@dataclass
class FakeMiner:
    address: str
    state: FakeState
    behaviour: str = "ok"
    server: asyncio.Server | None = None
    connections: int = 0


@dataclass
class FakeFleet:
    """Serves ``miners`` on ``port`` (start/stop in the loop that runs it)."""

    miners: dict[str, FakeMiner]
    port: int = 4028
    slow_s: float = 30.0
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _answering: set[asyncio.Task[None]] = field(default_factory=set, repr=False)

    @classmethod
    def build(
        cls,
        count: int,
        base: str = "127.0.0.2",
        port: int = 4028,
        *,
        firmware: str = "mix",
        offline: float = 0.0,
        garbage: float = 0.0,
        slow: float = 0.0,
        drop: float = 0.0,
        slow_s: float = 30.0,
        seed: int = 15,
    ) -> FakeFleet:
        """``count`` miners; the shares ``offline``/``garbage``/``slow``/``drop`` (0-1) of
        them misbehave, taken in that order from a seeded shuffle (the same fleet each run)."""
        if firmware != "mix" and firmware not in FAMILIES:
            raise FakeFleetError(f"firmware: '{firmware}' is not one of mix, {', '.join(FAMILIES)}")
        addresses = loopback_addresses(base, count)
        rng = random.Random(seed)
        miners: dict[str, FakeMiner] = {}
        for i, address in enumerate(addresses):
            family = FAMILIES[i % len(FAMILIES)] if firmware == "mix" else firmware
            models = FAKE_MODELS[family]
            model, ideal, watts = models[(i // len(FAMILIES)) % len(models)]
            ths = round(ideal * rng.uniform(0.96, 1.02), 2)
            miners[address] = FakeMiner(address, FakeState(family, model, ideal, ths, watts, uptime_s=3600 + i))
        order = list(addresses)
        rng.shuffle(order)
        start = 0
        for behaviour, share in (("offline", offline), ("garbage", garbage), ("slow", slow), ("drop", drop)):
            n = round(share * count)
            for address in order[start : start + n]:
                miners[address].behaviour = behaviour
            start += n
        return cls(miners, port, slow_s)

    def addresses(self, behaviour: str | None = None) -> list[str]:
        return [a for a, m in self.miners.items() if behaviour is None or m.behaviour == behaviour]

    @property
    def connections(self) -> int:
        return sum(m.connections for m in self.miners.values())

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for miner in self.miners.values():
            if miner.behaviour != "offline":
                await self._listen(miner)

    async def _listen(self, miner: FakeMiner) -> None:
        loopback_addresses(miner.address, 1)  # never bind anything but loopback

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._answering.add(task)
            try:
                with contextlib.suppress(asyncio.CancelledError):  # the fleet stopped mid-answer
                    await self._answer(miner, reader, writer)
            finally:
                self._answering.discard(task)  # type: ignore[arg-type]

        try:
            miner.server = await asyncio.start_server(handle, miner.address, self.port, backlog=64)
        except OSError as error:
            raise FakeFleetError(f"cannot listen on {miner.address}:{self.port} ({error.strerror})") from None

    async def _answer(self, miner: FakeMiner, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        miner.connections += 1
        try:
            request = await asyncio.wait_for(reader.read(4096), 10)
            if miner.behaviour == "slow":
                await asyncio.sleep(self.slow_s)
            if miner.behaviour == "garbage":
                writer.write(GARBAGE)
            elif miner.behaviour != "drop":
                writer.write(reply_bytes(miner.state, request))
            await writer.drain()
        except (OSError, TimeoutError):
            pass
        finally:
            writer.close()

    async def set_behaviour(self, address: str, behaviour: str) -> None:
        if behaviour not in BEHAVIOURS:
            raise FakeFleetError(f"behaviour: '{behaviour}' is not one of {', '.join(BEHAVIOURS)}")
        miner = self.miners[address]
        was = miner.behaviour
        miner.behaviour = behaviour
        if behaviour == "offline" and miner.server is not None:
            miner.server.close()
            miner.server = None
        elif was == "offline" and behaviour != "offline" and miner.server is None:
            await self._listen(miner)

    async def stop(self) -> None:
        for miner in self.miners.values():
            if miner.server is not None:
                miner.server.close()
                miner.server = None
        pending = list(self._answering)  # slow answers still waiting: end them before the loop goes
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


@contextlib.contextmanager
def running_in_thread(fleet: FakeFleet) -> Iterator[FleetThread]:
    """Serves ``fleet`` from a background thread's loop (for code that is not async)."""
    runner = FleetThread(fleet)
    runner.start()
    try:
        yield runner
    finally:
        runner.stop()


class FleetThread:
    def __init__(self, fleet: FakeFleet) -> None:
        self.fleet = fleet
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="fake-miners", daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fleet.start(), self.loop).result(60)

    def call(self, coroutine: object) -> object:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)  # type: ignore[arg-type]

    def set_behaviour(self, address: str, behaviour: str) -> None:
        self.call(self.fleet.set_behaviour(address, behaviour))

    def set_ths(self, address: str, ths: float) -> None:
        self.fleet.miners[address].state.ths = ths  # read by the server on its next request

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.call(self.fleet.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


async def serve_forever(fleet: FakeFleet) -> None:
    """The ``fake-miners`` command: serve until cancelled (Ctrl-C)."""
    await fleet.start()
    try:
        await asyncio.Event().wait()
    finally:
        await fleet.stop()
