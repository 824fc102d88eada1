@docplanner @coverage
Feature: All methods implemented
  Only integrations with all the methods implemented are approved. Over one working day of
  the clinic, the partner must have called every operation the API document marks as required
  (x-accord-required); the run's report lists every operation and how often it was called.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  Scenario: The partner uses every required method
    Given the partner has activated the integration
    When the receptionist books "svc-consult" at "anna-centrum" next Monday at 11:00
    And the receptionist moves that visit to next Monday at 11:30
    And the receptionist cancels that visit
    And a patient books "anna-centrum" next Monday at 10:30 on Docplanner
    And the receptionist changes the working hours of "anna-mokotow" on Mondays to 15:00-18:00
    And the receptionist adds a break at "anna-centrum" next Friday from 09:00 to 09:30
    And the receptionist moves that break to next Friday from 10:00 to 10:30
    And the receptionist removes that break
    And the partner runs its periodic sync
    Then the partner called every operation the acceptance requires
