"""What each covered firmware answers, for the fake miner: the same sections, key names
and faults as the real replies (BMMiner's `}{` between STATS objects, a trailing NUL,
Avalon's `Key[value]` strings)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop.miners.reading import ANTMINER, AVALON, BRAIINS, LUXOS

# Models each family's fake miners run: (reported type, ideal TH/s, watts)
FAKE_MODELS: dict[str, tuple[tuple[str, float, float], ...]] = {
    ANTMINER: (
        ("Antminer S19j Pro", 100.0, 3050.0),
        ("Antminer S19 XP", 140.0, 3010.0),
        ("Antminer S19", 95.0, 3250.0),
    ),
    BRAIINS: (("Antminer S19j Pro", 100.0, 3050.0), ("Antminer S19", 95.0, 3250.0)),
    LUXOS: (("Antminer S19 XP", 140.0, 3010.0), ("Antminer S21", 200.0, 3500.0)),
    AVALON: (("AvalonMiner 1246", 90.0, 3420.0),),
}


@dataclass
class FakeState:
    """One fake miner's figures; the server reads them on every request (tests change them)."""

    family: str
    model: str
    ideal_ths: float
    ths: float
    watts: float
    uptime_s: int = 86_400
    temp_c: float = 68.0


def _status(msg: str, code: int, description: str) -> list[dict[str, Any]]:
    return [{"STATUS": "S", "When": 1_700_000_000, "Code": code, "Msg": msg, "Description": description}]


def _pools(state: FakeState) -> dict[str, Any]:
    return {
        "STATUS": _status("1 Pool(s)", 7, "cgminer"),
        "POOLS": [{"POOL": 0, "URL": "stratum+tcp://pool.invalid:3333", "Status": "Alive", "Stratum Active": True}],
    }


def _antminer(state: FakeState, command: str) -> dict[str, Any] | None:
    ghs = state.ths * 1000
    if command == "version":
        return {
            "STATUS": _status("BMMiner versions", 22, "bmminer 1.0.0"),
            "VERSION": [
                {
                    "BMMiner": "1.0.0",
                    "API": "3.1",
                    "Miner": "uart_trans.1.3",
                    "CompileTime": "Thu Jul 7 2022",
                    "Type": state.model,
                }
            ],
        }
    if command == "summary":
        return {
            "STATUS": _status("Summary", 11, "bmminer 1.0.0"),
            "SUMMARY": [{"Elapsed": state.uptime_s, "GHS 5s": f"{ghs:.2f}", "GHS av": round(ghs * 0.995, 2)}],
        }
    if command == "stats":
        chip = f"{state.temp_c - 20:.0f}-{state.temp_c - 20:.0f}-{state.temp_c:.0f}-{state.temp_c:.0f}"
        return {
            "STATUS": _status("CGMiner stats", 70, "bmminer 1.0.0"),
            "STATS": [
                {"BMMiner": "1.0.0", "Miner": "uart_trans.1.3", "CompileTime": "Thu Jul 7 2022", "Type": state.model},
                {
                    "Elapsed": state.uptime_s,
                    "GHS 5s": round(ghs, 2),
                    "fan_num": 4,
                    "fan1": 5040,
                    "fan2": 5160,
                    "fan3": 5000,
                    "fan4": 5100,
                    "temp_chip1": chip,
                    "temp_chip2": chip,
                    "temp_chip3": chip,
                    "temp2_1": state.temp_c,
                    "total_rateideal": state.ideal_ths * 1000,
                    "rate_unit": "GH",
                },
            ],
        }
    if command == "pools":
        return _pools(state)
    return None


def _braiins(state: FakeState, command: str) -> dict[str, Any] | None:
    mhs = state.ths * 1e6
    if command == "version":
        return {
            "STATUS": _status("BOSminer versions", 22, "BOSminer bosminer-plus-tuner 0.2.0"),
            "VERSION": [{"BOSminer": "bosminer-plus-tuner 0.2.0-9e5d6fd", "API": "3.7"}],
        }
    if command == "summary":
        return {
            "STATUS": _status("Summary", 11, "BOSminer"),
            "SUMMARY": [{"Elapsed": state.uptime_s, "MHS 5s": mhs, "MHS 1m": mhs, "MHS av": mhs * 0.99}],
        }
    if command == "devdetails":
        board = {"Model": state.model, "Chips": 76, "Nominal MHS": state.ideal_ths * 1e6 / 3}
        return {
            "STATUS": _status("Device Details", 69, "BOSminer"),
            "DEVDETAILS": [board | {"ID": i} for i in (1, 2, 3)],
        }
    if command == "temps":
        rows = [{"ID": i, "Board": state.temp_c - 10, "Chip": state.temp_c - i} for i in (1, 2, 3)]
        return {"STATUS": _status("3 Temp(s)", 201, "BOSminer"), "TEMPS": rows}
    if command == "fans":
        return {"STATUS": _status("4 Fan(s)", 202, "BOSminer"), "FANS": [{"ID": i, "RPM": 4500 + i} for i in range(4)]}
    if command == "tunerstatus":
        tuner = {"PowerLimit": 3300, "ApproximateMinerPowerConsumption": state.watts}
        return {"STATUS": _status("Tuner Status", 203, "BOSminer"), "TUNERSTATUS": [tuner]}
    if command == "pools":
        return _pools(state)
    return None


def _luxos(state: FakeState, command: str) -> dict[str, Any] | None:
    if command == "version":
        return {
            "STATUS": _status("CGMiner versions", 22, "LUXminer 2024.5.1"),
            "VERSION": [
                {"API": "3.7", "LUXminer": "2024.5.1.180621-a7b6e1a", "Miner": "2024.5.1", "Type": state.model}
            ],
        }
    if command == "power":
        return {"STATUS": _status("Power", 339, "LUXminer"), "POWER": [{"PSU": True, "Watts": state.watts}]}
    if command == "fans":
        return {"STATUS": _status("4 Fan(s)", 202, "LUXminer"), "FANS": [{"ID": i, "RPM": 4800 + i} for i in range(4)]}
    return _antminer(state, command)


def _avalon(state: FakeState, command: str) -> dict[str, Any] | None:
    if command == "version":
        code = state.model.split()[-1]
        return {
            "STATUS": _status("CGMiner versions", 22, "cgminer 4.11.1"),
            "VERSION": [
                {
                    "CGMiner": "4.11.1",
                    "API": "3.7",
                    "PROD": state.model,
                    "MODEL": code,
                    "VERSION": "21042001_4ec6bb0_61407fa",
                }
            ],
        }
    if command == "summary":
        mhs = state.ths * 1e6
        return {
            "STATUS": _status("Summary", 11, "cgminer 4.11.1"),
            "SUMMARY": [{"Elapsed": state.uptime_s, "MHS av": mhs * 0.99, "MHS 5s": mhs, "MHS 1m": mhs}],
        }
    if command == "estats":
        mm = (
            f"Ver[1246-83-21042001_4ec6bb0_61407fa] Elapsed[{state.uptime_s}] Fan1[6120] Fan2[6150] "
            f"FanR[88%] Temp[31] TMax[{state.temp_c:.0f}] TAvg[{state.temp_c - 6:.0f}] "
            f"GHSspd[{state.ths * 1000:.2f}] GHSmm[{state.ideal_ths * 1000:.2f}] WALLPOWER[{state.watts:.0f}] "
            "PS[0 1213 1308 275 3597 1308]"
        )
        return {
            "STATUS": _status("CGMiner stats", 70, "cgminer 4.11.1"),
            "STATS": [{"STATS": 0, "ID": "AVA100", "MM ID0": mm}],
        }
    if command == "pools":
        return _pools(state)
    return None


_BUILDERS = {ANTMINER: _antminer, BRAIINS: _braiins, LUXOS: _luxos, AVALON: _avalon}


def _invalid(command: str) -> dict[str, Any]:
    return {"STATUS": [{"STATUS": "E", "When": 1_700_000_000, "Code": 14, "Msg": f"Invalid command '{command}'"}]}


def reply_bytes(state: FakeState, request: bytes) -> bytes:
    """The bytes the firmware sends back for ``request`` (a JSON {"command": "a+b"})."""
    try:
        command = str(json.loads(request.decode("utf-8", "replace").strip("\x00 \n"))["command"])
    except (ValueError, KeyError, TypeError):
        return json.dumps({"STATUS": [{"STATUS": "E", "Code": 23, "Msg": "Invalid JSON"}]}).encode() + b"\x00"
    build = _BUILDERS[state.family]
    names = command.split("+")
    if len(names) == 1:
        reply = build(state, names[0]) or _invalid(names[0])
        body = json.dumps(reply | {"id": 1})
    else:
        combined = {name: [(build(state, name) or _invalid(name)) | {"id": 1}] for name in names}
        body = json.dumps(combined | {"id": 1})
    if state.family in (ANTMINER, LUXOS):
        body = body.replace('"}, {"BMMiner"', '"}{"BMMiner"').replace('}, {"Elapsed"', '}{"Elapsed"')  # BMMiner's `}{`
    if state.family == AVALON:
        body = body.replace('"id": 1}', '"id": 1,}', 1)  # a trailing comma, as Avalon firmware sends
    return body.encode() + b"\x00"
