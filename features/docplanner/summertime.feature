@docplanner @schedule @summertime
Feature: Times across the change to summer time
  One night each spring the clinic's clocks go forward an hour. Slots and visits after the
  change must keep the clinic's wall-clock time on Docplanner: a partner that works out the
  UTC offset once (from today, in winter) and writes every time with it puts the whole of
  summer an hour late. The scenario lives a few days before the change, whatever the date.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  Scenario: Slots and visits after the change to summer time keep the clinic's wall-clock time
    Given the clinic's calendar spans the change to summer time
    And the partner has activated the integration
    Then Docplanner's slots at "piotr-centrum" next Thursday from 09:00 to 13:00 are the clinic's working hours
    And Docplanner's slots at "anna-centrum" next Monday from 08:00 to 12:00 are the clinic's working hours
    When the receptionist books "svc-consult" at "anna-centrum" next Monday at 11:00
    And a patient books "anna-centrum" next Tuesday at 10:30 on Docplanner
    Then within the latency budget Docplanner shows a booking at "anna-centrum" next Monday at 11:00
    And within the latency budget the partner's system shows a visit at "anna-centrum" next Tuesday at 10:30 booked on Docplanner
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon
