"""The miner client's reading of recorded replies of each covered firmware, broken JSON
and missing fields included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.miners.jsonfix import ReplyFormatError, parse_reply
from desktop.miners.reading import ANTMINER, AVALON, BRAIINS, LUXOS, READ, MinerReading, read_reply

REPLIES = Path(__file__).parent / "miner_replies"


def _read(name: str, family: str | None = None) -> MinerReading:
    return read_reply("127.0.0.9", parse_reply((REPLIES / name).read_bytes()), family)


def test_stock_antminer_reply_with_bmminer_faults_reads_every_field() -> None:
    reading = _read("antminer_s19jpro_bmminer.json")
    assert reading.outcome == READ and reading.family == ANTMINER
    assert reading.model == "Antminer S19j Pro"
    assert reading.firmware == "BMMiner 1.0.0 (Mon Dec 26 17:26:24 CST 2022)"
    assert reading.ths_5s == pytest.approx(102.37246)  # "GHS 5s" is a string on this firmware
    assert reading.ths_avg == pytest.approx(101.46641)
    assert reading.ideal_ths == pytest.approx(104.0)
    assert reading.max_temp_c == 72.0  # the hottest chip of "55-55-71-71"-style strings
    assert reading.fans_rpm == (5520, 5640, 5520, 5640)
    assert reading.uptime_s == 264351
    assert reading.pool_alive is True  # one of two pools alive
    assert reading.watts is None  # stock firmware does not report it
    assert reading.hashing


def test_old_antminer_with_leading_comma_trailing_commas_and_newline_still_reads() -> None:
    reading = _read("antminer_s9_broken.json")
    assert reading.model == "Antminer S9"
    assert reading.ths_5s == pytest.approx(13.51283)  # "13,512.83" with a thousands separator
    assert reading.ideal_ths == pytest.approx(13.5)  # no rate_unit: GH assumed
    assert reading.max_temp_c == 81.0
    assert reading.fans_rpm == (4800, 5880)  # a fan at 0 RPM is not there
    assert reading.pool_alive is False


def test_braiins_os_reads_mhs_watts_and_model_from_devdetails() -> None:
    reading = _read("braiins_s19.json")
    assert reading.family == BRAIINS and reading.model == "Antminer S19"
    assert reading.firmware == "bosminer-plus-tuner 0.2.0-36a64b4e5"
    assert reading.ths_5s == pytest.approx(95.310022)
    assert reading.ideal_ths == pytest.approx(95.0)  # the boards' Nominal MHS summed
    assert reading.watts == 3186
    assert reading.max_temp_c == 74.5
    assert len(reading.fans_rpm) == 4


def test_luxos_reads_watts_from_power_and_skips_empty_chip_strings() -> None:
    reading = _read("luxos_s19xp.json")
    assert reading.family == LUXOS and reading.model == "Antminer S19 XP"
    assert reading.ths_5s == pytest.approx(141.2305)
    assert reading.ideal_ths == 140.0 and reading.watts == 3012 and reading.max_temp_c == 70.0


def test_avalon_reply_with_inf_nan_and_trailing_comma_reads_from_its_mm_string() -> None:
    reading = _read("avalon_1246.json")
    assert reading.family == AVALON and reading.model == "AvalonMiner 1246"
    assert reading.ths_5s == pytest.approx(86.540001)
    assert reading.ideal_ths == pytest.approx(90.51234)
    assert reading.watts == 3597 and reading.max_temp_c == 86 and reading.fans_rpm == (6840, 6870)


def test_a_refused_command_and_a_malformed_field_lose_only_their_own_fields() -> None:
    reading = _read("antminer_t17_missing.json")
    assert reading.model == "Antminer T17" and reading.firmware == "CGMiner 4.9.0"
    assert reading.ths_5s == pytest.approx(41.0025)
    assert (reading.ths_avg, reading.ideal_ths, reading.max_temp_c, reading.uptime_s) == (None, None, None, None)
    assert reading.fans_rpm == () and reading.pool_alive is None


@pytest.mark.parametrize("section,key", [("summary", "SUMMARY"), ("stats", "STATS"), ("version", "VERSION")])
def test_each_missing_key_leaves_the_rest_of_the_reading(section: str, key: str) -> None:
    full = parse_reply((REPLIES / "antminer_s19jpro_bmminer.json").read_bytes())
    whole = read_reply("127.0.0.9", full)
    rows = full[section][0][key]
    for row_index, row in enumerate(rows):
        for name in list(row):
            broken = json.loads(json.dumps(full))
            del broken[section][0][key][row_index][name]
            reading = read_reply("127.0.0.9", broken, ANTMINER)
            # whatever was lost, every other field keeps its value
            changed = [
                f
                for f in ("model", "ths_5s", "ideal_ths", "max_temp_c", "uptime_s")
                if getattr(reading, f) != getattr(whole, f)
            ]
            assert len(changed) <= 1, (name, changed)


@pytest.mark.parametrize(
    "raw,expected",
    [
        (b'{"a":1,}', {"a": 1}),
        (b'{"a":[{"b":1}{"c":2}]}', {"a": [{"b": 1}, {"c": 2}]}),
        (b'{"a":[,{"b":1}]}', {"a": [{"b": 1}]}),
        (b'{"a":inf,"b":-inf,"c":nan,"d":NaN}', {"a": None, "b": None, "c": None, "d": None}),
        (b'{"a":"x\ny"}\x00', {"a": "x y"}),
        (b'{"url":"stratum+tcp://a,}b{"}', {"url": "stratum+tcp://a,}b{"}),  # faults inside a string stay
        (b',"id":1}', {"id": 1}),
        (b'{"a":[1,,2, ], "b" : {"c":1 ,\n} }', {"a": [1, 2], "b": {"c": 1}}),
        (b'{"a":[{"b":1} \n {"c":"}{"}]}', {"a": [{"b": 1}, {"c": "}{"}]}),
        (b'{"a": "say \\"inf\\", nan"}', {"a": 'say "inf", nan'}),
    ],
)
def test_known_firmware_json_faults_are_repaired(raw: bytes, expected: dict) -> None:
    assert parse_reply(raw) == expected


@pytest.mark.parametrize("raw", [b"", b"\x00", b"HTTP/1.1 400 Bad Request", b"[1,2]", b'{"a":'])
def test_garbage_is_a_reply_format_error(raw: bytes) -> None:
    with pytest.raises(ReplyFormatError):
        parse_reply(raw)


def test_a_single_command_reply_reads_like_a_combined_one() -> None:
    raw = (
        b'{"STATUS":[{"STATUS":"S","Msg":"Summary"}],'
        b'"SUMMARY":[{"GHS 5s":"95000.5","GHS av":94000,"Elapsed":60}],"id":1}'
    )
    reading = read_reply("127.0.0.9", parse_reply(raw), ANTMINER)
    assert (reading.ths_5s, reading.ths_avg, reading.uptime_s) == (95.0005, 94.0, 60)
