@docplanner @breaks
Feature: Calendar breaks, both ways
  A break added, moved or removed in the partner's system blocks or frees the time on
  Docplanner, and a break the doctor manages on Docplanner blocks or frees it in the
  partner's system, on any calendar and any day of the horizon.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  @req:DP-BRK-1
  Scenario: Breaks managed in the partner's system reach Docplanner
    Given the partner has activated the integration
    When the receptionist adds a break at "anna-centrum" next Monday from 09:00 to 09:30
    Then within the latency budget Docplanner shows a break at "anna-centrum" next Monday from 09:00 to 09:30
    When the receptionist moves that break to next Monday from 10:00 to 10:30
    Then within the latency budget Docplanner shows a break at "anna-centrum" next Monday from 10:00 to 10:30
    And within the latency budget Docplanner shows no break at "anna-centrum" next Monday from 09:00 to 09:30
    When the receptionist removes that break
    Then within the latency budget Docplanner shows no break at "anna-centrum" next Monday from 10:00 to 10:30
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BRK-1
  Scenario: A break the receptionist moves to another day reaches Docplanner on that day
    Given the partner has activated the integration
    When the receptionist adds a break at "piotr-centrum" next Thursday from 12:00 to 13:00
    And the receptionist moves that break to Friday of the second week from 14:00 to 15:30
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BRK-2
  Scenario: Breaks managed on Docplanner reach the partner's system
    Given the partner has activated the integration
    When the doctor adds a break on Docplanner at "anna-centrum" next Monday from 09:00 to 09:30
    Then within the latency budget the partner's system blocks "anna-centrum" next Monday from 09:00 to 09:30
    When the doctor moves that break on Docplanner to next Monday from 10:00 to 10:30
    Then within the latency budget the partner's system blocks "anna-centrum" next Monday from 10:00 to 10:30
    And within the latency budget the partner's system no longer blocks "anna-centrum" next Monday from 09:00 to 09:30
    When the doctor removes that break on Docplanner
    Then within the latency budget the partner's system no longer blocks "anna-centrum" next Monday from 10:00 to 10:30
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BRK-2
  Scenario: A break the doctor adds on the last day of the horizon blocks that day in the partner's system
    Given the partner has activated the integration
    When the doctor adds a break on Docplanner at "piotr-centrum" on the last day of the horizon from 08:00 to 18:00
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BRK-2 @req:DP-XCK-1
  Scenario: A break the doctor moves on Docplanner, its notification lost, is moved by the periodic sync
    Given the partner has activated the integration
    And the doctor adds a break on Docplanner at "piotr-centrum" next Thursday from 12:00 to 13:00
    And within the latency budget the partner's system blocks "piotr-centrum" next Thursday from 12:00 to 13:00
    When the next notification to the partner is lost
    And the doctor moves that break on Docplanner to Friday of the second week from 14:00 to 15:30
    And the partner runs its periodic sync
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BRK-2 @req:DP-XCK-1
  Scenario: A break the doctor removes on Docplanner, its notification lost, is removed by the periodic sync
    Given the partner has activated the integration
    And the doctor adds a break on Docplanner at "piotr-centrum" next Thursday from 12:00 to 13:00
    And within the latency budget the partner's system blocks "piotr-centrum" next Thursday from 12:00 to 13:00
    When the next notification to the partner is lost
    And the doctor removes that break on Docplanner
    And the partner runs its periodic sync
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon
