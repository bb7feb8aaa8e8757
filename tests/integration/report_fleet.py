"""A small fleet whose report figures are worked out by hand (issue #18).

Two sites (one named in Cyrillic), a supplier named in Chinese, two months of activity
(January and February 2024) plus one batch from 2023 for the year-on-year column, a
retirement, a cancellation and one target. The figures at the end of February 2024:

                     Экибастуз        Texas            Total
  deployed TH/s      6x50 + 20x100    6x100            2,900 (2.90 PH/s)
                     = 2,300          = 600
  planned TH/s       2,300            10x100 + 5x50    3,550 (3.55 PH/s), 81.69 % deployed
                                      = 1,250
  units              26 deployed,     6 deployed,      5 ordered, 4 on site, 32 deployed,
                     4 retired        4 on site,       4 retired, 3 cancelled
                                      5 ordered, 3 cancelled
  deployed W         75,000           18,000           93,000 (0.09 MW) of 3 MW
  J/TH               32.61            30.00            32.07
  miner capex USD    10,000 + 40,000  25,000 + 5x1,200 81,000; with Texas' USD 1,000,000
                                      = 31,000         facility 1,081,000: 372.76 $/TH
                                                       deployed, 304.51 $/TH planned
  Feb energy         9 d x 85 kW x 24 + 20 d x 75 kW x 24 = 54.36 MWh at 0.05 = USD 2,718.00
                     Texas: 10 d x 18 kW x 24 = 4.32 MWh at 0.10 = USD 432.00; total 58.68 MWh, USD 3,150.00

End of January 2024: 2,500 TH/s deployed (Экибастуз), 3,500 planned, 30 deployed and 10
ordered, capex 1,075,000; end of February 2023: 500 deployed and planned, capex 10,000.
M/M deployed +16.00 %, Y/Y +480.00 %; planned M/M +1.43 %, Y/Y +610.00 %.
Target: Экибастуз 5,000 TH/s by 2024-06-30: gap 2,700 over 122 days (4.01 months), 673.61 TH/s a month.
"""

from __future__ import annotations

from desktop.services.session import Session
from desktop.services.site_money import SiteMoneyService

CYRILLIC_SITE = "Экибастуз"
CHINESE_SUPPLIER = "比特大陆"


def build_small_fleet(session: Session) -> None:
    fleet = session.fleet
    fleet.add_model("M100", "Test", 100, 3000)
    fleet.add_model("M50", "Test", 50, 2500)
    fleet.add_site(CYRILLIC_SITE, "Kazakhstan", 2)
    fleet.add_site("Texas", "United States", 1)
    money = SiteMoneyService(session.store, fleet)
    money.set_investment("Texas", "1000000", "2024-01-10")
    money.add_price(CYRILLIC_SITE, "0.05", "2024-01-01")
    money.add_price("Texas", "0.10", "2024-02-15")

    b0 = fleet.add_batch(CYRILLIC_SITE, "M50", 10, "2022-12-01", "2023-01-15", "1000", CHINESE_SUPPLIER)
    for kind, units, on in (
        ("shipped", 10, "2023-01-02"),
        ("delivered", 10, "2023-01-10"),
        ("deployed", 10, "2023-01-20"),
    ):
        fleet.record_event(b0.id or 0, kind, units, on)
    fleet.record_event(b0.id or 0, "retired", 4, "2024-02-10")

    b1 = fleet.add_batch(CYRILLIC_SITE, "M100", 20, "2023-12-01", "2024-01-10", "2000", CHINESE_SUPPLIER)
    for kind, units, on in (
        ("shipped", 20, "2024-01-02"),
        ("delivered", 20, "2024-01-12"),
        ("deployed", 20, "2024-01-15"),
    ):
        fleet.record_event(b1.id or 0, kind, units, on)

    b2 = fleet.add_batch("Texas", "M100", 10, "2024-01-05", "2024-02-20", "2500", "MicroBT")
    for kind, units, on in (
        ("shipped", 10, "2024-02-01"),
        ("delivered", 10, "2024-02-15"),
        ("deployed", 6, "2024-02-20"),
    ):
        fleet.record_event(b2.id or 0, kind, units, on)

    b3 = fleet.add_batch("Texas", "M50", 8, "2024-02-01", "2024-04-15", "1200", "MicroBT")
    fleet.record_event(b3.id or 0, "cancelled", 3, "2024-02-25")

    fleet.add_target(5000, "2024-06-30", CYRILLIC_SITE)
