@docplanner @crosscheck
Feature: Periodic schedule cross-check
  Docplanner recommends a daily or hourly check that getSlots, getBookings and
  getCalendarBreaks together give the same free time as the partner's own system, and that
  the partner repairs any difference. Changes the partner could not send while Docplanner was
  unreachable reach it with the next periodic sync.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  @req:DP-XCK-1
  Scenario: Changes made while Docplanner was unreachable reach it with the periodic sync
    Given the partner has activated the integration
    And Docplanner is unreachable for the partner
    When the receptionist changes the working hours of "anna-centrum" on Thursdays to 10:00-14:00
    And the receptionist books "svc-usg" at "anna-centrum" next Wednesday at 11:00
    And the receptionist books "svc-consult" at "anna-mokotow" next Monday at 14:00
    And the receptionist cancels that visit
    And the receptionist adds a break at "piotr-centrum" Thursday of the second week from 09:00 to 10:00
    And a patient books "piotr-centrum" next Tuesday at 11:00 on Docplanner
    And the doctor adds a break on Docplanner at "anna-mokotow" next Monday from 15:00 to 16:00
    And Docplanner is reachable again
    And the partner runs its periodic sync
    Then the partner reports that it is connected, with no error
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-XCK-1
  Scenario: A visit booked and canceled at the clinic before it reached Docplanner is never sent there
    Given the partner has activated the integration
    And Docplanner is unreachable for the partner
    And the receptionist books "svc-consult" at "anna-mokotow" next Monday at 14:00
    And Docplanner is reachable again
    When the receptionist cancels that visit
    And the partner runs its periodic sync
    Then the partner reports that it is connected, with no error
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-XCK-1
  Scenario Outline: A change Docplanner refused shows in the partner's status until the periodic sync sends it: <change>
    Given the partner has activated the integration
    And <before>
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon
    And Docplanner is unreachable for the partner
    When <change>
    Then within the latency budget the partner reports that a change has not reached Docplanner
    When Docplanner is reachable again
    And the partner runs its periodic sync
    Then the partner reports that it is connected, with no error
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

    Examples:
      | before                                                                                | change                                                                                     |
      | the receptionist has booked "svc-consult" at "anna-centrum" next Monday at 11:00      | the receptionist cancels that visit                                                        |
      | the receptionist adds a break at "anna-centrum" next Friday from 09:00 to 09:30       | the receptionist removes that break                                                        |
      | a patient has booked "anna-centrum" next Monday at 10:30 on Docplanner                | the receptionist books "svc-ekg" at "piotr-centrum" next Tuesday at 12:45                  |
      | a patient has booked "piotr-centrum" next Tuesday at 11:00 on Docplanner              | the receptionist closes "anna-mokotow" on Wednesdays                                       |
      | a patient has booked "anna-mokotow" next Monday at 14:30 on Docplanner                | the receptionist adds a break at "anna-centrum" Monday of the second week from 10:00 to 11:00 |
      | the receptionist adds a break at "piotr-centrum" next Thursday from 12:00 to 13:00    | the receptionist moves that break to Friday of the second week from 14:00 to 15:30         |
      | the receptionist has booked "svc-ekg" at "piotr-centrum" next Tuesday at 12:30        | the receptionist changes the working hours of "piotr-centrum" on Tuesdays to 08:45-12:45   |

  # Each run of the flow starts on a client of its own (@own-clients).
  @req:DP-XCK-1 @own-clients
  Scenario: A call Docplanner fails during the activation is never taken for a finished activation
    When Docplanner fails one call of the partner's activation, in turn at every stage of it
    Then each time the partner reported the failure or completed the flow anyway, and the next try left both sides in agreement
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  # Each run of the flow starts on a client of its own (@own-clients).
  @req:DP-XCK-1 @own-clients
  Scenario: A call Docplanner fails during the periodic sync is never taken for a finished sync
    When Docplanner fails one call of the partner's periodic sync after changes on both sides, in turn at every stage of it
    Then each time the partner reported the failure or completed the flow anyway, and the next try left both sides in agreement
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon
