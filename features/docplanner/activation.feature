@docplanner @activation
Feature: Activation order
  To start the initial synchronisation on sound ground, Docplanner asks an integration to
  activate a clinic in this order: provide the callback URL (PUSH model), feed the doctor's
  profile with the mapped services and insurances, feed the calendars with slots, synchronise
  all bookings both ways, then feed calendar breaks.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  @req:DP-ACT-1 @req:DP-ACT-3
  Scenario: Activation follows the order Docplanner asks for
    When the partner activates the integration
    Then the activation steps happened in this order:
      | step                           |
      | callback URL declared          |
      | services and insurances mapped |
      | calendars fed with slots       |
      | existing bookings sent         |
      | calendar breaks sent           |
    And the partner reports that it is connected, with no error
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  # The other failed-call scenarios are in crosscheck.feature; this one is here because a
  # fault's test runs whole features, and fewer faults run this one. Each run of the flow starts
  # on a client of its own (@own-clients). With no visit to send after the slots, no later call
  # fails for a calendar left without them.
  @req:DP-XCK-1 @own-clients
  Scenario: A call Docplanner fails during the activation of a clinic with no visits is never taken for a finished activation
    When Docplanner fails one call of the partner's activation of a clinic with no visits, in turn at every stage of it
    Then each time the partner reported the failure or completed the flow anyway, and the next try left both sides in agreement
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon
