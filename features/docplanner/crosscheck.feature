@docplanner @crosscheck
Feature: Periodic schedule cross-check
  Docplanner recommends a daily or hourly check that getSlots, getBookings and
  getCalendarBreaks together give the same free time as the partner's own system, and that
  the partner repairs any difference. Changes the partner could not send while Docplanner was
  unreachable reach it with the next periodic sync.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  Scenario: Changes made while Docplanner was unreachable reach it with the periodic sync
    Given the partner has activated the integration
    And Docplanner is unreachable for the partner
    When the receptionist changes the working hours of "anna-centrum" on Thursdays to 10:00-14:00
    And the receptionist books "svc-usg" at "anna-centrum" next Wednesday at 11:00
    And the receptionist adds a break at "piotr-centrum" Thursday of the second week from 09:00 to 10:00
    And a patient books "piotr-centrum" next Tuesday at 11:00 on Docplanner
    And the doctor adds a break on Docplanner at "anna-mokotow" next Monday from 15:00 to 16:00
    And Docplanner is reachable again
    And the partner runs its periodic sync
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon
