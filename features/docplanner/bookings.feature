@docplanner @bookings
Feature: Synchronising all bookings, both ways
  A visit booked, cancelled or moved on Docplanner reaches the partner's system (by PUSH or
  by PULL), and a visit booked, cancelled or moved by the clinic's receptionist reaches
  Docplanner. No time is ever sold twice. Every scenario ends with both sides holding the
  same visits (calendar, start, end, service, patient and phone), breaks and free time on
  every calendar and every day of the horizon.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  @req:DP-BKG-1
  Scenario: A visit booked by a patient on Docplanner reaches the partner by PUSH
    Given the partner receives notifications by PUSH
    And the partner has activated the integration
    When a patient books "anna-centrum" next Monday at 10:30 on Docplanner
    Then Docplanner sent the partner a "slot-booked" notification and the partner accepted it
    And within the latency budget the partner's system shows a visit at "anna-centrum" next Monday at 10:30 booked on Docplanner
    And the partner's visit at "anna-centrum" next Monday at 10:30 carries the name and phone of the patient who booked it on Docplanner
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @pull @req:DP-BKG-1
  Scenario: A visit booked by a patient on Docplanner reaches the partner by PULL
    Given the partner receives notifications by PULL
    And the partner has activated the integration
    When a patient books "piotr-centrum" next Tuesday at 11:15 on Docplanner
    Then within 2 minutes the partner's system shows a visit at "piotr-centrum" next Tuesday at 11:15 booked on Docplanner
    And the partner pulled its notifications
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @pull @req:DP-BKG-1 @req:DP-BKG-4
  Scenario: A notification that waited while Docplanner was unreachable is pulled afterwards
    Given the partner receives notifications by PULL
    And the partner has activated the integration
    And Docplanner is unreachable for the partner
    When a patient books "svc-cardio" at "piotr-centrum" next Thursday at 11:00 on Docplanner
    And 5 minutes pass
    And Docplanner is reachable again
    And a patient books "svc-ekg" at "piotr-centrum" Thursday of the second week at 12:45 on Docplanner
    Then within 2 minutes the partner's system shows a visit at "piotr-centrum" next Thursday at 11:00 booked on Docplanner
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-1
  Scenario Outline: A patient's booking of <service> at <calendar> <day> reaches the partner whole
    Given the partner has activated the integration
    When <patient> books "<service>" at "<calendar>" <day> at <time> on Docplanner
    Then within the latency budget the partner's system shows a visit at "<calendar>" <day> at <time> booked on Docplanner
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

    Examples:
      | patient                             | service     | calendar      | day                         | time  |
      | a patient insured with "ins-luxmed" | svc-cardio  | piotr-centrum | Thursday of the second week | 11:15 |
      | a patient                           | svc-consult | anna-mokotow  | next Wednesday              | 16:30 |

  @req:DP-BKG-1 @req:DP-BRK-2
  Scenario Outline: Several changes made on Docplanner together all reach the partner by <model>
    Given the partner receives notifications by <model>
    And the partner has activated the integration
    When a patient books "svc-usg" at "anna-centrum" next Monday at 10:30 on Docplanner
    And the patient moves that visit on Docplanner to Tuesday of the second week at 09:30
    And a patient books "svc-ekg" at "piotr-centrum" next Friday at 12:15 on Docplanner
    And the patient cancels that visit on Docplanner
    And a patient books "svc-cardio" at "piotr-centrum" Friday of the second week at 13:00 on Docplanner
    And the doctor adds a break on Docplanner at "anna-mokotow" next Wednesday from 14:00 to 15:00
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon

    Examples:
      | model |
      | PUSH  |

    @pull
    Examples:
      | model |
      | PULL  |

  @req:DP-BKG-2
  Scenario: A visit booked by the receptionist reaches Docplanner
    Given the partner has activated the integration
    When the receptionist books "svc-usg" at "anna-centrum" next Monday at 11:00
    Then within the latency budget Docplanner shows a booking at "anna-centrum" next Monday at 11:00
    And Docplanner's booking at "anna-centrum" next Monday at 11:00 is for "svc-usg" and the receptionist's patient
    And Docplanner no longer offers "anna-centrum" next Monday at 11:00
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-2
  Scenario Outline: The receptionist's booking of <service> at <calendar> <day> reaches Docplanner whole
    Given the partner has activated the integration
    When the receptionist books "<service>" at "<calendar>" <day> at <time> for a patient insured with "<insurance>"
    Then within the latency budget Docplanner shows a booking at "<calendar>" <day> at <time>
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

    Examples:
      | service    | calendar      | day                       | time  | insurance     |
      | svc-cardio | piotr-centrum | Friday of the second week | 12:30 | ins-medicover |
      | svc-ekg    | piotr-centrum | next Tuesday              | 12:45 | ins-luxmed    |

  @req:DP-BKG-1
  Scenario: A cancellation on Docplanner frees the time in the partner's system
    Given the partner has activated the integration
    And a patient has booked "anna-centrum" next Monday at 10:30 on Docplanner
    When the patient cancels that visit on Docplanner
    Then within the latency budget the partner's system shows no booked visit at "anna-centrum" next Monday at 10:30
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-2
  Scenario: A cancellation by the receptionist reaches Docplanner
    Given the partner has activated the integration
    And the receptionist has booked "svc-consult" at "anna-centrum" next Monday at 11:00
    When the receptionist cancels that visit
    Then within the latency budget Docplanner shows no booking at "anna-centrum" next Monday at 11:00
    And within the latency budget Docplanner offers "anna-centrum" next Monday at 11:00 again
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-1
  Scenario: A visit moved on Docplanner is moved in the partner's system
    Given the partner has activated the integration
    And a patient has booked "anna-centrum" next Monday at 10:30 on Docplanner
    When the patient moves that visit on Docplanner to next Monday at 11:30
    Then within the latency budget the partner's system shows a visit at "anna-centrum" next Monday at 11:30 booked on Docplanner
    And within the latency budget the partner's system shows no booked visit at "anna-centrum" next Monday at 10:30
    When the partner runs its periodic sync
    Then the partner's periodic sync wrote nothing to Docplanner
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-1
  Scenario: A visit moved and then cancelled on Docplanner frees the new time in the partner's system
    Given the partner has activated the integration
    And a patient has booked "anna-centrum" next Monday at 10:30 on Docplanner
    And the patient moves that visit on Docplanner to next Monday at 11:30
    When the patient cancels that visit on Docplanner
    Then within the latency budget the partner's system shows no booked visit at "anna-centrum" next Monday at 11:30
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-2
  Scenario: A visit moved by the receptionist is moved on Docplanner
    Given the partner has activated the integration
    And the receptionist has booked "svc-consult" at "anna-centrum" next Monday at 11:00
    When the receptionist moves that visit to next Monday at 11:30
    Then within the latency budget Docplanner shows a booking at "anna-centrum" next Monday at 11:30
    And within the latency budget Docplanner shows no booking at "anna-centrum" next Monday at 11:00
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-2
  Scenario: A visit booked on Docplanner that the receptionist moves is moved on Docplanner
    Given the partner has activated the integration
    And a patient has booked "svc-cardio" at "piotr-centrum" next Thursday at 11:00 on Docplanner
    When the receptionist moves the visit booked on Docplanner to Thursday of the second week at 09:15
    Then within the latency budget Docplanner shows a booking at "piotr-centrum" Thursday of the second week at 09:15
    And within the latency budget Docplanner shows no booking at "piotr-centrum" next Thursday at 11:00
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-2
  Scenario: A visit booked on Docplanner that the receptionist cancels is cancelled on Docplanner
    Given the partner has activated the integration
    And a patient has booked "svc-consult" at "anna-mokotow" Monday of the second week at 14:30 on Docplanner
    When the receptionist cancels the visit booked on Docplanner
    Then within the latency budget Docplanner shows no booking at "anna-mokotow" Monday of the second week at 14:30
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-2
  Scenario: A visit the receptionist moves to another calendar and week is moved there on Docplanner
    Given the partner has activated the integration
    And the receptionist has booked "svc-consult" at "anna-centrum" next Monday at 11:00
    When the receptionist moves that visit to "anna-mokotow" Wednesday of the second week at 15:00
    Then within the latency budget Docplanner shows a booking at "anna-mokotow" Wednesday of the second week at 15:00
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-2
  Scenario: The receptionist cannot book a time a patient has booked on Docplanner
    Given the partner has activated the integration
    And a patient has booked "piotr-centrum" Thursday of the second week at 10:00 on Docplanner
    And within the latency budget the partner's system shows a visit at "piotr-centrum" Thursday of the second week at 10:00 booked on Docplanner
    When the receptionist tries to book "svc-cardio" at "piotr-centrum" Thursday of the second week at 10:00
    Then the partner's system refused the booking
    And there is no double booking at "piotr-centrum" Thursday of the second week at 10:00
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-2
  Scenario: The receptionist cannot move a visit onto a time a patient has booked on Docplanner
    Given the partner has activated the integration
    And a patient has booked "anna-centrum" next Monday at 10:30 on Docplanner
    And within the latency budget the partner's system shows a visit at "anna-centrum" next Monday at 10:30 booked on Docplanner
    And the receptionist has booked "svc-consult" at "anna-centrum" next Monday at 11:00
    When the receptionist tries to move that visit to next Monday at 10:30
    Then the partner's system refused the move
    And there is no double booking at "anna-centrum" next Monday at 10:30
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  # Docplanner has no slot before the doctor's hours, so it cannot hold a visit starting then.
  @req:DP-BKG-2
  Scenario: The receptionist cannot book or move a visit to start before the doctor's working hours
    Given the partner has activated the integration
    And the receptionist has booked "svc-consult" at "anna-centrum" next Monday at 11:00
    When the receptionist tries to move that visit to next Monday at 07:45
    And the receptionist tries to book "svc-cardio" at "piotr-centrum" next Tuesday at 08:45
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-3 @req:DP-XCK-1
  Scenario: A patient cannot take a time the clinic has already filled
    Given the partner receives notifications by PUSH
    And real-time booking checks are on
    And the partner has activated the integration
    And Docplanner is unreachable for the partner
    When the receptionist books "svc-consult" at "anna-centrum" next Monday at 11:00
    And a patient tries to book "anna-centrum" next Monday at 11:00 on Docplanner
    Then Docplanner asked the partner to approve the booking and the partner refused
    And there is no double booking at "anna-centrum" next Monday at 11:00
    When Docplanner is reachable again
    And the partner runs its periodic sync
    Then within the latency budget Docplanner shows a booking at "anna-centrum" next Monday at 11:00
    # The check approves a time that is free, or no patient could book at all.
    When a patient books "anna-centrum" next Thursday at 10:00 on Docplanner
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-4
  Scenario: A notification delivered again after a failed attempt is still applied
    Given the partner receives notifications by PUSH
    And the partner has activated the integration
    And the network loses the next PUSH delivery to the partner
    When a patient books "anna-centrum" next Monday at 10:30 on Docplanner
    And 5 minutes pass
    Then Docplanner delivered the "slot-booked" notification on a retry
    And within the latency budget the partner's system shows a visit at "anna-centrum" next Monday at 10:30 booked on Docplanner
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-4
  Scenario: A notification delivered again after its answer was lost is applied once
    Given the partner receives notifications by PUSH
    And the partner has activated the integration
    And the network loses the partner's answer to the next PUSH delivery
    When a patient books "anna-centrum" next Monday at 10:30 on Docplanner
    And 5 minutes pass
    Then Docplanner delivered the "slot-booked" notification on a retry
    And within the latency budget the partner's system shows exactly one visit at "anna-centrum" next Monday at 10:30 booked on Docplanner
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-4
  Scenario: A notification delivered again after the patient moved the visit adds no second visit
    Given the partner receives notifications by PUSH
    And the partner has activated the integration
    And the network loses the partner's answer to the next PUSH delivery
    When a patient books "anna-centrum" next Monday at 10:30 on Docplanner
    And the patient moves that visit on Docplanner to Wednesday of the second week at 09:00
    And 5 minutes pass
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  @req:DP-BKG-4 @req:DP-XCK-1
  Scenario Outline: A visit and a break made on Docplanner <day>, their notifications lost, reach the partner by the periodic sync
    Given the partner has activated the integration
    And the next notification to the partner is lost
    When a patient books "anna-centrum" <day> at 10:30 on Docplanner
    And the next notification to the partner is lost
    And the doctor adds a break on Docplanner at "piotr-centrum" <day> from 12:00 to 13:00
    And the partner runs its periodic sync
    Then within the latency budget the partner's system shows a visit at "anna-centrum" <day> at 10:30 booked on Docplanner
    And within the latency budget the partner's system blocks "piotr-centrum" <day> from 12:00 to 13:00
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

    Examples:
      | day                                    |
      | Wednesday of the second week           |
      | on the last working day of the horizon |

  @req:DP-BKG-4 @req:DP-XCK-1
  Scenario Outline: A visit the patient <changes> on Docplanner, its notification lost, is <changed> by the periodic sync
    Given the partner has activated the integration
    And a patient has booked "anna-centrum" next Tuesday at 11:00 on Docplanner
    And within the latency budget the partner's system shows a visit at "anna-centrum" next Tuesday at 11:00 booked on Docplanner
    When the next notification to the partner is lost
    And the patient <change>
    And the partner runs its periodic sync
    Then Docplanner and the partner's system agree on every booking, break and free slot of the horizon

    Examples:
      | changes | changed  | change                                                                  |
      | cancels | canceled | cancels that visit on Docplanner                                        |
      | moves   | moved    | moves that visit on Docplanner to next Thursday at 09:00               |

  @req:DP-BKG-4 @req:DP-XCK-1
  Scenario: A visit and a break whose notifications were lost reach the partner, the visit with its patient, by the periodic sync
    Given the partner receives notifications by PUSH
    And the partner has activated the integration
    And the network loses the next PUSH delivery to the partner
    When the doctor adds a break on Docplanner at "piotr-centrum" next Thursday from 12:00 to 13:00
    And the network loses the next PUSH delivery to the partner
    And a patient books "anna-centrum" next Monday at 10:30 on Docplanner
    And the partner runs its periodic sync
    Then within the latency budget the partner's system blocks "piotr-centrum" next Thursday from 12:00 to 13:00
    And within the latency budget the partner's system shows a visit at "anna-centrum" next Monday at 10:30 booked on Docplanner
    And the partner's visit at "anna-centrum" next Monday at 10:30 carries the name and phone of the patient who booked it on Docplanner
    When 5 minutes pass
    Then Docplanner delivered the "slot-booked" notification on a retry
    And within the latency budget the partner's system shows exactly one visit at "anna-centrum" next Monday at 10:30 booked on Docplanner
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon
