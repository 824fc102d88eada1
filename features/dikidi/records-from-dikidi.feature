@dikidi @records @from-dikidi
Feature: Records made in DIKIDI
  A record made, moved, confirmed or cancelled in DIKIDI (by the salon's staff in the panel or by a
  client booking online), the partner's own records included, reaches the partner through events.
  Events may come twice, out of order or several together: the partner applies each once, and never
  lets an older event undo a newer one.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI
    And the partner has activated a key with access type "administrator"

  @req:DK-REC-1
  Scenario Outline: A <service> booked online with <master> on <day> reaches the partner
    When a client books a "<service>" with <master> on <day> at <time> online as "Pavel Sokolov" "+79031112233"
    Then the partner accepted the "record.created" event at its Path, if it has one
    And within the latency budget the partner shows a "<service>" with <master> on <day> at <time>
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

    Examples: a record of two services in the second week, and the horizon's last day
      | service                    | master       | day                        | time  |
      | Men's haircut + Beard trim | Dmitry Orlov | Friday of the second week  | 15:00 |
      | Pedicure                   | Olga Kim     | Sunday of the second week  | 14:00 |

  @req:DK-REC-1
  Scenario: A record the salon's staff enter in DIKIDI for a client it knows reaches the partner
    When the salon's staff book a "Women's haircut" with Anna Smirnova on Tuesday of the second week at 17:00 for their client "Irina Volkova"
    Then the partner accepted the "record.created" event at its Path, if it has one
    And within the latency budget the partner shows a "Women's haircut" with Anna Smirnova on Tuesday of the second week at 17:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
    When the salon's staff change the phone of their client "Irina Volkova" to "+79161234599" in DIKIDI
    Then the partner accepted the "client.updated" event at its Path, if it has one
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-KEY-4 @req:DK-REC-1
  Scenario: A synchronisation whose answer from DIKIDI is cut off is reported, and the next one agrees with DIKIDI
    Given the network cuts off DIKIDI's answer to the partner's next read
    When the partner synchronises
    Then the partner says its synchronisation failed
    When the partner synchronises again
    Then within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-1
  Scenario: A record moved and then cancelled in DIKIDI is moved and cancelled at the partner
    Given a client booked a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    When the salon's staff move that record to Thursday at 17:30 in DIKIDI
    Then within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Thursday at 17:30
    And within the latency budget the partner shows no active record with Olga Kim on Thursday at 16:00
    When the salon's staff cancel that record in DIKIDI
    Then within the latency budget the partner shows no active record with Olga Kim on Thursday at 17:30
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-EVT-2
  Scenario: A record moved twice in DIKIDI whose first move's event is lost frees the time it first held at the partner
    Given a client booked a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    And within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Thursday at 16:00
    And the network loses the next "record.updated" event on its way to the partner
    When the salon's staff move that record to Wednesday at 12:00 in DIKIDI
    And the salon's staff move that record to Friday at 12:00 in DIKIDI
    Then within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Friday at 12:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
    When 10 minutes pass
    Then within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-EVT-1
  Scenario: An event delivered twice is applied once
    Given the network loses the partner's answer to the next "record.created" event
    When a client books a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    And 2 minutes pass
    Then DIKIDI delivered the "record.created" event twice
    And the partner shows exactly one record with Olga Kim on Thursday at 16:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-EVT-1
  Scenario: Events that arrive out of order leave the newest state
    Given the network loses the next "record.created" event on its way to the partner
    When a client books a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    And the salon's staff move that record to Thursday at 17:30 in DIKIDI
    And 2 minutes pass
    Then DIKIDI delivered the "record.created" event after the "record.updated" event
    And within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Thursday at 17:30
    And the partner shows no active record with Olga Kim on Thursday at 16:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-1
  Scenario: A record the partner added and DIKIDI's staff moved and confirmed changes at the partner too
    Given the partner's staff added a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    When the salon's staff move that record to Thursday of the second week at 11:00 in DIKIDI
    And the salon's staff confirm that record in DIKIDI
    Then within the latency budget the partner shows a "Women's haircut" with Anna Smirnova on Thursday of the second week at 11:00
    And within the latency budget the partner shows no active record with Anna Smirnova on Tuesday at 16:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-EVT-1 @req:DK-REC-1 @req:DK-SCH-1
  Scenario: Changes made together in DIKIDI all reach the partner, whatever order their events arrive in
    Given the network loses the next 2 "record.created" events on their way to the partner
    When a client books a "Hair colouring" with Anna Smirnova on Wednesday of the second week at 11:00 online as "Pavel Sokolov" "+79031112233"
    And a client books a "Beard trim" with Dmitry Orlov on Monday at 15:00 online as "Ivan Petrov" "+79031112244"
    And the salon's staff set Olga Kim's hours on Friday of the second week to 12:00-20:00 in DIKIDI
    And the salon's staff cancel Maria Lebedeva's record on Tuesday in DIKIDI
    And 2 minutes pass
    Then DIKIDI delivered the "record.created" event after the "schedule.updated" event
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
