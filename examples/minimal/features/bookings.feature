Feature: Bookings made in the partner's system reach the platform

  Scenario: Every booking the partner's staff make reaches the platform
    Given the partner is connected to the platform
    When the partner's staff book visits at 09:00, 11:30 and 16:15
    Then within the latency budget the platform and the partner hold the same bookings
