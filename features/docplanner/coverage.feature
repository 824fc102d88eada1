@docplanner @coverage
Feature: All methods implemented
  Only integrations with all the methods implemented are approved. Over one working day of
  the clinic, the partner must have called every operation the API document marks as required
  (x-accord-required, for its notification model); the run's report lists every operation and
  how often it was called. Each change waits until the one before it is on Docplanner, so a
  partner that gathers changes before sending them is given every chance to call each method.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  Scenario: The partner uses every required method
    Given the partner has activated the integration
    When the receptionist books "svc-consult" at "anna-centrum" next Monday at 11:00
    Then within the latency budget Docplanner shows a booking at "anna-centrum" next Monday at 11:00
    When the receptionist moves that visit to next Monday at 11:30
    Then within the latency budget Docplanner shows a booking at "anna-centrum" next Monday at 11:30
    When the receptionist cancels that visit
    Then within the latency budget Docplanner shows no booking at "anna-centrum" next Monday at 11:30
    When a patient books "anna-centrum" next Monday at 10:30 on Docplanner
    And the receptionist changes the working hours of "anna-mokotow" on Mondays to 15:00-18:00
    And the receptionist adds a break at "anna-centrum" next Friday from 09:00 to 09:30
    Then within the latency budget Docplanner shows a break at "anna-centrum" next Friday from 09:00 to 09:30
    When the receptionist moves that break to next Friday from 10:00 to 10:30
    Then within the latency budget Docplanner shows a break at "anna-centrum" next Friday from 10:00 to 10:30
    When the receptionist removes that break
    Then within the latency budget Docplanner shows no break at "anna-centrum" next Friday from 10:00 to 10:30
    When the partner runs its periodic sync
    Then the partner called every operation the acceptance requires
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon
