"""The miner client against fake miners over real loopback sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from desktop.miners.client import AddressNotAllowedError, CgminerClient, check_address
from desktop.miners.fake import FakeFleet, FakeFleetError, loopback_addresses
from desktop.miners.reading import AVALON, BRAIINS, FAMILIES, OFFLINE, READ, UNREADABLE

PORT = 24028
REPLIES = Path(__file__).parents[1] / "unit" / "miner_replies"


def _with_fleet(fleet: FakeFleet, body: Callable[[FakeFleet], Awaitable[None]]) -> None:
    async def run() -> None:
        await fleet.start()
        try:
            await body(fleet)
        finally:
            await fleet.stop()

    asyncio.run(run())


@pytest.mark.parametrize("family", FAMILIES)
def test_each_firmware_is_identified_and_read_over_a_socket(family: str) -> None:
    fleet = FakeFleet.build(2, "127.0.1.2", PORT, firmware=family)

    async def body(fleet: FakeFleet) -> None:
        client = CgminerClient(timeout=2)
        for address, miner in fleet.miners.items():
            first = await client.read(address, PORT)
            again = await client.read(address, PORT, first.family)
            assert first.outcome == READ and first.family == family
            assert first.model == miner.state.model
            assert first.ths_5s == pytest.approx(miner.state.ths)
            assert first.ideal_ths == pytest.approx(miner.state.ideal_ths)
            assert first.max_temp_c is not None and first.fans_rpm and first.pool_alive
            assert (first.watts is not None) == (family in (BRAIINS, AVALON, "luxos"))
            assert again == first
        # a first read costs two connections (find the firmware, then read), a later one one
        assert fleet.connections == 3 * len(fleet.miners)

    _with_fleet(fleet, body)


def test_misbehaving_miners_are_read_as_offline_or_unreadable_within_the_timeout() -> None:
    fleet = FakeFleet.build(4, "127.0.1.10", PORT, offline=0.25, garbage=0.25, slow=0.25, drop=0.25, slow_s=5)
    expected = {"offline": OFFLINE, "garbage": UNREADABLE, "slow": OFFLINE, "drop": OFFLINE}

    async def body(fleet: FakeFleet) -> None:
        client = CgminerClient(timeout=0.3)
        readings = await asyncio.gather(*(client.read(a, PORT, "antminer") for a in fleet.miners))
        for reading in readings:
            behaviour = fleet.miners[reading.address].behaviour
            assert reading.outcome == expected[behaviour], reading
            assert reading.error and not reading.hashing

    _with_fleet(fleet, body)


def test_a_miner_going_offline_and_back_is_read_accordingly() -> None:
    fleet = FakeFleet.build(1, "127.0.1.20", PORT)

    async def body(fleet: FakeFleet) -> None:
        client = CgminerClient(timeout=1)
        (address,) = fleet.miners
        assert (await client.read(address, PORT)).outcome == READ
        await fleet.set_behaviour(address, "offline")
        assert (await client.read(address, PORT)).error == "connection refused"
        await fleet.set_behaviour(address, "ok")
        assert (await client.read(address, PORT)).outcome == READ

    _with_fleet(fleet, body)


@pytest.mark.parametrize("name", sorted(p.name for p in REPLIES.glob("*.json")))
def test_recorded_replies_read_the_same_over_a_socket(name: str) -> None:
    raw = (REPLIES / name).read_bytes()

    async def run() -> None:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(4096)
            writer.write(raw)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer, "127.0.1.30", PORT)
        try:
            reading = await CgminerClient(timeout=2).read(
                "127.0.1.30", PORT, "antminer" if "antminer" in name else None
            )
        finally:
            server.close()
        assert reading.outcome == READ and reading.ths_5s and reading.model

    asyncio.run(run())


@pytest.mark.parametrize("address", ["10.0.0.5", "192.168.1.20", "8.8.8.8", "example.com"])  # checked, never connected
def test_the_client_refuses_anything_but_loopback_by_default(address: str) -> None:
    with pytest.raises(AddressNotAllowedError):
        check_address(address)


@pytest.mark.parametrize("base,count", [("10.0.0.2", 1), ("127.255.255.250", 10), ("nonsense", 1)])  # refused
def test_the_fake_fleet_listens_on_loopback_only(base: str, count: int) -> None:
    with pytest.raises(FakeFleetError):
        loopback_addresses(base, count)


def test_a_refused_combined_request_falls_back_to_summary_on_a_second_connection() -> None:
    requests: list[bytes] = []
    summary = b'{"STATUS":[{"STATUS":"S","Msg":"Summary"}],"SUMMARY":[{"GHS 5s":"95000.5","Elapsed":60}],"id":1}\x00'
    refused = b'{"STATUS":[{"STATUS":"E","Code":45,"Msg":"Access denied to \'stats\' command"}],"id":1}\x00'

    async def run() -> None:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            request = await reader.read(4096)
            requests.append(request)
            writer.write(summary if b'"summary"' in request else refused)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer, "127.0.1.31", PORT)
        client = CgminerClient(timeout=2)
        try:
            reading = await client.read("127.0.1.31", PORT, "antminer")
        finally:
            server.close()
        assert reading.outcome == READ and reading.ths_5s == pytest.approx(95.0005) and reading.uptime_s == 60
        assert client.connections == 2 and len(requests) == 2

    asyncio.run(run())
    assert requests[0] == b'{"command": "version+summary+stats+pools"}'
