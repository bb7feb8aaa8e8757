"""Measured data in the store: latest readings, rollups summed and pruned, hashing uptime."""

from __future__ import annotations

import pytest

from desktop.domain.measured import RollupRow
from desktop.domain.networks import parse_network
from desktop.errors import ValidationError
from desktop.services.session import Session
from desktop.store.measured import MeasuredStore, ReadingRow

pytestmark = pytest.mark.both_backends  # store, services: on SQLite and on PostgreSQL

DAY = 86_400
T0 = 1_800_000_000 - 1_800_000_000 % DAY  # a day's start


def _row(site: int, ths: float, *, windows: int = 0, up: int = 0) -> RollupRow:
    return RollupRow(site, 10, 9, 1, ths, 1000.0, 10, 30_000.0, windows, up)


def test_rollups_sum_polls_per_bucket_and_average_per_poll(session: Session) -> None:
    site = session.fleet.add_site("A").id or 0
    measured = MeasuredStore(session.store)
    with session.store.write("poll"):
        for minute in range(3):
            measured.add_rollups([_row(site, 900.0 + minute)], T0 + minute * 60)
    assert measured.measured_series(60, site) == [(T0, 900.0), (T0 + 60, 901.0), (T0 + 120, 902.0)]
    assert measured.measured_series(3600, site) == [(T0, pytest.approx(901.0))]
    assert measured.measured_series(86_400) == [(T0, pytest.approx(901.0))]


def test_rollups_are_pruned_per_resolution(session: Session) -> None:
    site = session.fleet.add_site("A").id or 0
    measured = MeasuredStore(session.store)
    with session.store.write("poll"):
        for day in range(100):
            measured.add_rollups([_row(site, 1.0)], T0 + day * DAY)
            measured.prune_rollups(T0 + day * DAY)
    assert len(measured.measured_series(60)) == 8  # 7 days back and today
    assert len(measured.measured_series(3600)) == 91
    assert len(measured.measured_series(86_400)) == 100  # days are kept forever


def test_hashing_uptime_counts_five_minute_windows_per_miner(session: Session) -> None:
    site = session.fleet.add_site("A").id or 0
    measured = MeasuredStore(session.store)
    with session.store.write("scan"):
        measured.save_miners(site, [("127.0.0.2", 4028, "antminer", "Antminer S19", None, "")], "now")
    (miner,) = measured.known_miners(site)

    def reading(at: int, ths: float | None, outcome: str = "read") -> ReadingRow:
        return ReadingRow(miner.id, at, outcome, None, ths, None, None, None, None, (), None, None)

    polls = [(T0, 0.0, "read"), (T0 + 60, 100.0, "read"), (T0 + 300, None, "offline"), (T0 + 360, None, "offline")]
    polls.append((T0 + 600, 100.0, "read"))
    with session.store.write("poll"):
        closed = [measured.save_readings([reading(at, ths, outcome)], 300) for at, ths, outcome in polls]
    # window 0 (hashing in one poll of two) closes as hashing when window 1 opens; window 1
    # (offline throughout) closes as not hashing when window 2 opens
    assert closed == [{}, {}, {site: (1, 1)}, {}, {site: (1, 0)}]
    rows = measured.miner_rows(site)
    assert rows[0].last_seen == T0 + 600 and rows[0].status == "Unknown model"


def test_the_first_of_two_windows_closes_as_hashing(session: Session) -> None:
    site = session.fleet.add_site("A").id or 0
    measured = MeasuredStore(session.store)
    with session.store.write("scan"):
        measured.save_miners(site, [("127.0.0.2", 4028, "antminer", "", None, "")], "now")
    (miner,) = measured.known_miners(site)
    with session.store.write("poll"):
        measured.save_readings([ReadingRow(miner.id, T0, "read", None, 0.0, *[None] * 4, (), None, None)], 300)
        measured.save_readings([ReadingRow(miner.id, T0 + 60, "read", None, 5.0, *[None] * 4, (), None, None)], 300)
        closed = measured.save_readings(
            [ReadingRow(miner.id, T0 + 300, "read", None, 0.0, *[None] * 4, (), None, None)], 300
        )
    assert closed == {site: (1, 1)}


def test_uptime_is_the_share_of_hashing_windows(session: Session) -> None:
    site = session.fleet.add_site("A").id or 0
    with session.store.write("poll"):
        MeasuredStore(session.store).add_rollups([_row(site, 1.0, windows=40, up=30)], T0)
    assert session.measured.hashing_uptime(site, hours=24, now=T0 + 3600) == pytest.approx(0.75)
    assert session.measured.hashing_uptime(None, hours=24, now=T0 + 3 * DAY) is None


def test_deleting_a_site_removes_its_networks_and_miners(session: Session) -> None:
    site = session.fleet.add_site("A").id or 0
    session.measured.set_networks(site, ["127.0.0.0/30"])
    with session.store.write("scan"):
        MeasuredStore(session.store).save_miners(site, [("127.0.0.1", 4028, "", "", None, "")], "now")
    session.fleet.delete_site(site)
    assert session.measured.networks_by_site() == {} and session.measured.miners() == []


@pytest.mark.parametrize(
    "spec,first,last,canonical",
    [
        ("127.0.0.0/26", "127.0.0.1", "127.0.0.62", "127.0.0.0/26"),
        ("127.0.0.5/24", "127.0.0.1", "127.0.0.254", "127.0.0.0/24"),
        (" 127.0.0.10 - 127.0.0.60 ", "127.0.0.10", "127.0.0.60", "127.0.0.10-127.0.0.60"),
        ("10.1.2.3", "10.1.2.3", "10.1.2.3", "10.1.2.3"),  # parsed only
        ("192.168.0.0/22", "192.168.0.1", "192.168.3.254", "192.168.0.0/22"),  # parsed only
    ],
)
def test_network_specs_parse_to_ranges(spec: str, first: str, last: str, canonical: str) -> None:
    network = parse_network(spec)
    addresses = list(network.addresses())
    assert (addresses[0], addresses[-1], network.spec) == (first, last, canonical)


@pytest.mark.parametrize(
    "spec", ["", "127.0.0.0/33", "1.2.3.4/24", "127.0.0.5-127.0.0.1", "::1", "10.0.0.0/8"]  # parsed only
)
def test_bad_network_specs_are_refused_with_the_field_named(spec: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_network(spec)
    assert raised.value.field == "network"
