"""Scanning and polling fake fleets over real loopback sockets, through the services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.domain.measured import DEGRADED, HASHING, OFFLINE, UNREADABLE
from desktop.miners.fake import FakeFleet, FleetThread, running_in_thread
from desktop.services.polling import PollOptions
from desktop.services.session import Session

pytestmark = pytest.mark.both_backends  # services and the command line on SQLite and on PostgreSQL

PORT = 24200


@pytest.fixture
def fleet() -> Iterator[FleetThread]:
    with running_in_thread(FakeFleet.build(200, "127.0.3.2", PORT, slow_s=5)) as runner:
        yield runner


def test_a_poll_of_200_miners_reads_the_good_and_counts_the_rest(session: Session, fleet: FleetThread) -> None:
    site = session.fleet.add_site("Loopback", "Nowhere")
    session.measured.set_networks(site.id or 0, ["127.0.3.0/24"])
    scan = session.polling.scan(site.id, PollOptions(port=PORT, timeout_s=2))
    assert scan.sites[0].addresses == 254 and scan.sites[0].found == 200 and scan.sites[0].new == 200

    addresses = list(fleet.fleet.miners)
    offline, garbage, slow = addresses[:20], addresses[20:30], addresses[30:40]  # 10 %, 5 %, 5 %
    for group, behaviour in ((offline, "offline"), (garbage, "garbage"), (slow, "slow")):
        for address in group:
            fleet.set_behaviour(address, behaviour)
    good = addresses[40:]

    result = session.polling.poll(site.id, PollOptions(timeout_s=0.5))

    (loopback,) = [s for s in result.reconciliation.sites if s.name == "Loopback"]
    assert loopback.miners_found == 200
    assert loopback.miners_hashing == 160
    assert loopback.miners_offline == 30  # refused and too slow
    expected_ths = sum(fleet.fleet.miners[a].state.ths for a in good)
    assert loopback.measured_ths == pytest.approx(expected_ths)
    statuses = {row.address: row.status for row in session.measured.miners(site.id)}
    assert all(statuses[a] in (HASHING, DEGRADED) for a in good)
    assert all(statuses[a] == OFFLINE for a in offline + slow)
    assert all(statuses[a] == UNREADABLE for a in garbage)
    assert result.to_json()["total"]["miners_hashing"] == 160


def test_a_miner_under_90_percent_of_its_ideal_is_degraded(session: Session, fleet: FleetThread) -> None:
    site = session.fleet.add_site("Loopback", "Nowhere")
    session.measured.set_networks(site.id or 0, ["127.0.3.2-127.0.3.5"])
    session.polling.scan(site.id, PollOptions(port=PORT, timeout_s=2))
    address = "127.0.3.3"
    miner = fleet.fleet.miners[address]
    fleet.set_ths(address, miner.state.ideal_ths * 0.8)
    session.polling.poll(site.id, PollOptions(timeout_s=2))
    rows = {row.address: row for row in session.measured.miners(site.id)}
    assert rows[address].status == DEGRADED
    assert rows["127.0.3.2"].status == HASHING


def test_reported_types_match_catalog_models_and_the_user_can_correct_one(session: Session, fleet: FleetThread) -> None:
    site = session.fleet.add_site("Loopback", "Nowhere")
    session.measured.set_networks(site.id or 0, ["127.0.3.2-127.0.3.9"])
    session.polling.scan(site.id, PollOptions(port=PORT, timeout_s=2))
    rows = session.measured.miners(site.id)
    assert all(r.model == r.reported_type for r in rows)  # the seed catalog names every fake model
    session.measured.set_type_model("Antminer S19 XP", "Antminer S21")
    session.polling.poll(site.id, PollOptions(timeout_s=2))
    remapped = [r for r in session.measured.miners(site.id) if r.reported_type == "Antminer S19 XP"]
    assert remapped and all(r.model == "Antminer S21" for r in remapped)


def test_a_rescan_keeps_what_it_knew_of_a_miner_that_now_answers_garbage(session: Session, fleet: FleetThread) -> None:
    site = session.fleet.add_site("Loopback", "Nowhere")
    session.measured.set_networks(site.id or 0, ["127.0.3.2-127.0.3.3"])
    session.polling.scan(site.id, PollOptions(port=PORT, timeout_s=2))
    fleet.set_behaviour("127.0.3.2", "garbage")
    again = session.polling.scan(site.id, PollOptions(port=PORT, timeout_s=2))
    assert again.sites[0].found == 2 and again.sites[0].new == 0
    rows = {r.address: r for r in session.measured.miners(site.id)}
    assert rows["127.0.3.2"].model == fleet.fleet.miners["127.0.3.2"].state.model
    assert rows["127.0.3.2"].status == UNREADABLE
