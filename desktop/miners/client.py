"""The CGMiner-family JSON client (TCP 4028): one JSON request per connection, commands
joined with "+", the reply read to the end (or the NUL some firmware ends it with).

A read costs at most two connections: a miner whose firmware is not known yet is asked
"version+devdetails" first; then one request asks for everything its family reports. When
that fails (a command the firmware refuses), a second asks for "summary" alone.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import os
from dataclasses import dataclass, replace
from typing import Any

from desktop.domain.networks import is_loopback
from desktop.miners.jsonfix import ReplyFormatError, parse_reply
from desktop.miners.reading import (
    FAMILIES,
    OFFLINE,
    POLL_COMMANDS,
    UNREADABLE,
    MinerReading,
    family_of,
    read_reply,
    sections,
    succeeded,
)

DEFAULT_PORT = 4028
MAX_REPLY_BYTES = 2 * 1024 * 1024  # a reply larger than this is not a miner's
PRIVATE_NETWORKS_ENV = "HASHPLAN_MINER_NETWORKS"  # "private": also reach private (LAN) addresses


class AddressNotAllowedError(ValueError):
    """The client was asked to reach an address outside what it may reach."""


def check_address(address: str) -> None:
    """Loopback always; a private address only when the operator allows it (the environment
    variable HASHPLAN_MINER_NETWORKS=private); never a public one."""
    if is_loopback(address):
        return
    try:
        parsed = ipaddress.IPv4Address(address)
    except ValueError:
        raise AddressNotAllowedError(f"'{address}' is not an IPv4 address") from None
    if parsed.is_private and os.environ.get(PRIVATE_NETWORKS_ENV, "").lower() == "private":
        return
    raise AddressNotAllowedError(
        f"{address} is not a loopback address; set {PRIVATE_NETWORKS_ENV}=private to reach miners on a private network"
    )


class MinerUnreachable(Exception):
    """Refused, reset, dropped before a reply, or silent past the timeout."""


async def query(address: str, port: int, command: str, *, timeout: float) -> dict[str, Any]:
    """One request on one connection; the parsed reply. Raises MinerUnreachable or
    ReplyFormatError."""
    check_address(address)
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(address, port)
            writer.write(json.dumps({"command": command}).encode())
            await writer.drain()
            data = await _read_reply(reader)
    except TimeoutError:
        raise MinerUnreachable(f"no reply within {timeout:g} s") from None
    except OSError as error:
        raise MinerUnreachable(_describe(error)) from None
    finally:
        if writer is not None:
            writer.close()
    if not data:
        raise MinerUnreachable("closed the connection without a reply")
    return parse_reply(data)


async def _read_reply(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if chunk.endswith(b"\x00"):  # some firmware ends the reply with NUL and keeps the socket open
            break
        if size > MAX_REPLY_BYTES:
            raise ReplyFormatError(f"reply longer than {MAX_REPLY_BYTES} bytes")
    return b"".join(chunks)


def _describe(error: OSError) -> str:
    if error.errno == errno.ECONNREFUSED:
        return "connection refused"
    if error.errno in (errno.ECONNRESET, errno.EPIPE):
        return "connection dropped"
    return error.strerror or type(error).__name__


@dataclass
class CgminerClient:
    """A MinerSource over the CGMiner-family API; ``timeout`` bounds one whole read."""

    timeout: float = 5.0
    connections: int = 0  # requests made (each on its own connection): the benchmark checks <= 2 a miner

    async def read(self, address: str, port: int = DEFAULT_PORT, family: str | None = None) -> MinerReading:
        try:
            async with asyncio.timeout(self.timeout):
                return await self._read(address, port, family)
        except TimeoutError:
            return MinerReading(address, OFFLINE, error=f"no reply within {self.timeout:g} s")
        except MinerUnreachable as error:
            return MinerReading(address, OFFLINE, error=str(error))
        except ReplyFormatError as error:
            return MinerReading(address, UNREADABLE, error=str(error))

    async def _read(self, address: str, port: int, family: str | None) -> MinerReading:
        if family not in FAMILIES:
            self.connections += 1
            first = await query(address, port, "version+devdetails", timeout=self.timeout)
            family = family_of({k: v for k, v in sections(first).items() if succeeded(v)})
        self.connections += 1
        reply = await query(address, port, "+".join(POLL_COMMANDS[family]), timeout=self.timeout)
        parts = sections(reply)
        if "summary" in parts and succeeded(parts["summary"]):
            return read_reply(address, reply, family)
        # The firmware refused the combined request: the hash rate alone, on a second connection.
        self.connections += 1
        reply = await query(address, port, "summary", timeout=self.timeout)
        if not any(succeeded(p) for p in sections(reply).values()):
            return MinerReading(address, UNREADABLE, family=family, error=_status_message(reply))
        return replace(read_reply(address, reply, family), family=family)


def _status_message(reply: dict[str, Any]) -> str:
    try:
        return f"the miner refused: {reply['STATUS'][0]['Msg']}"
    except (KeyError, IndexError, TypeError):
        return "the miner answered without a status"
