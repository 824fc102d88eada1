@reach @explore
Feature: Exploring sequences nobody wrote down
  Seeded random sequences of what happens over time on both sides: the customer's books change at
  the partner (the bookkeeper closes another month, the customer adds a company or closes one), the
  customer presses the sync button, the nightly sync comes, the access token's life ends, the
  partner is briefly unavailable; and Reach asks on its own: one reference list in pages of any
  size, one statement or metric under any filter over any period, every request about a company the
  partner must refuse (a limit or offset out of range, a period that is no period, an unknown basis,
  no token or a wrong one), the access token past its life, or the whole books. After every step Reach and the partner must agree:
  what Reach holds from its last sync is the books as they were when it ran, every company, list,
  statement, budget and metric value of its window; what Reach just read is the books as they are.
  A failing sequence is shrunk to a short one and shown as Given/When/Then with every difference.
  The same seed gives the same sequence; accord explore --seed, --sequences and --steps replace the
  plan below.

  @explore-books @req:RR-DATA-1 @req:RR-SYNC-1 @req:RR-AUTH-3 @req:RR-PAGE-1
  Scenario: Random sequences of changes and syncs keep Reach and the partner's books in agreement
    When accord explores 2 sequences of 10 steps from seed 6
    Then both sides agreed on their whole state after every step
