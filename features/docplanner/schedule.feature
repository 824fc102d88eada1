@docplanner @schedule
Feature: Updating doctors' schedules in real time
  Each change of availability in the partner's system must reach Docplanner at once (by
  replaceSlots), so patients are never offered a time that does not exist, nor miss one that
  does: on every such day of the horizon, with every service of the calendar at its own length
  and every insurer the calendar takes. The time it takes is measured on the run's clock and
  reported.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  @req:DP-SCH-1
  Scenario: A change of working hours reaches Docplanner within the latency budget
    Given the partner has activated the integration
    When the receptionist changes the working hours of "anna-centrum" on Mondays to 10:00-14:00
    Then within the latency budget Docplanner offers "anna-centrum" next Monday at 13:30
    And Docplanner no longer offers "anna-centrum" next Monday at 08:00
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-SCH-1
  Scenario Outline: New working hours of <calendar> on <weekday>s reach Docplanner for both weeks of the horizon
    Given the partner has activated the integration
    When the receptionist changes the working hours of "<calendar>" on <weekday>s to <hours>
    Then within the latency budget Docplanner offers "<calendar>" <weekday> of the second week at <last>
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

    Examples:
      | calendar      | weekday   | hours       | last  |
      | piotr-centrum | Friday    | 08:00-11:00 | 10:45 |
      | anna-mokotow  | Wednesday | 15:00-19:30 | 19:00 |
      | anna-mokotow  | Saturday  | 18:00-22:30 | 22:00 |
