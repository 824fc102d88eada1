@docplanner @mapping
Feature: Mapping of all resources
  Every facility, doctor, address, service and insurance of the clinic is mapped to its
  Docplanner counterpart, and the doctor's profile is fed with the mapped services (at the
  clinic's prices and visit lengths) and insurances.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  Scenario: Every resource of the clinic is mapped
    When the partner activates the integration
    Then every doctor and address of the clinic is mapped to its Docplanner counterpart
    And every service of the clinic is on the Docplanner address of each calendar that offers it
    And the doctor's profile shows each service at the clinic's price and visit length
    And every insurance of the clinic is accepted at the Docplanner address of each calendar that takes it
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon
