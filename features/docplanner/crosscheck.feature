@docplanner @crosscheck
Feature: Periodic schedule cross-check
  Docplanner recommends a daily or hourly check that getSlots, getBookings and
  getCalendarBreaks together give the same free time as the partner's own system. After a
  day of changes on both sides and the partner's periodic sync, every discrepancy is listed.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  Scenario: Docplanner's schedule matches the partner's own view
    Given the partner has activated the integration
    When a patient books "piotr-centrum" next Tuesday at 11:00 on Docplanner
    And the receptionist books "svc-usg" at "anna-centrum" next Wednesday at 11:00
    And the doctor adds a break on Docplanner at "anna-mokotow" next Monday from 15:00 to 16:00
    And the partner runs its periodic sync
    Then Docplanner's free slots, bookings and breaks match the partner's own view for the whole horizon
