@dikidi @records @from-partner
Feature: Records the partner makes
  A record the partner's staff add, move or cancel, and time they occupy, appear in DIKIDI, records
  made in DIKIDI included; a create whose answer was lost is not made twice.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI
    And the partner has activated a key with access type "administrator"

  @req:DK-REC-2
  Scenario Outline: A <service> the partner adds for <master> appears in DIKIDI
    When the partner's staff add a "<service>" with <master> on <day> at <time> for "Pavel Sokolov" "+79031112233"
    Then within the latency budget DIKIDI shows a "<service>" with <master> on <day> at <time> made by the partner
    And DIKIDI no longer offers <master> on <day> at <time>
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

    Examples: one service in the first week, ending when the master's day ends; two services in the second
      | service                    | master        | day                         | time  |
      | Women's haircut            | Anna Smirnova | Tuesday                     | 18:00 |
      | Men's haircut + Beard trim | Dmitry Orlov  | Saturday of the second week | 11:00 |

  @req:DK-REC-2
  Scenario: A record the partner moves and cancels changes in DIKIDI
    Given the partner's staff added a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    When the partner's staff move that record to Tuesday at 17:00
    Then within the latency budget DIKIDI shows a "Women's haircut" with Anna Smirnova on Tuesday at 17:00 made by the partner
    And within the latency budget DIKIDI shows no active record with Anna Smirnova on Tuesday at 16:00
    When the partner's staff cancel that record
    Then within the latency budget DIKIDI shows no active record with Anna Smirnova on Tuesday at 17:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-2
  Scenario: Time the partner occupies is blocked in DIKIDI, and freed when released
    When the partner's staff occupy Dmitry Orlov's time on Friday from 16:00 to 17:00
    Then within the latency budget DIKIDI shows Dmitry Orlov's time occupied on Friday from 16:00 to 17:00
    And DIKIDI no longer offers Dmitry Orlov on Friday at 16:00
    When the partner's staff release that time
    Then within the latency budget DIKIDI offers Dmitry Orlov on Friday at 16:00 again
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-2
  Scenario: A change DIKIDI refuses because the time is taken changes nothing at the partner
    Given a client booked a "Women's haircut" with Anna Smirnova on Tuesday at 17:00 online as "Irina Novikova" "+79031112255"
    And the partner's staff added a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    When the partner's staff try to move that record to Tuesday at 17:00
    Then the partner says it could not do that
    And the partner shows a "Women's haircut" with Anna Smirnova on Tuesday at 16:00
    When the partner's staff try to occupy Anna Smirnova's time on Tuesday from 17:00 to 18:00
    Then the partner says it could not do that
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-2
  Scenario: The partner's own changes stand as DIKIDI answered them before DIKIDI's events of them arrive
    Given the network loses the next "record.created" event on its way to the partner
    When the partner's staff add a "Men's haircut + Beard trim" with Dmitry Orlov on Wednesday at 15:00 for "Pavel Sokolov" "+79031112233"
    Then within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
    When 2 minutes pass
    And the network loses the next "record.updated" event on its way to the partner
    And the partner's staff move that record to Friday at 14:00
    Then within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
    When 2 minutes pass
    And the network loses the next "record.cancelled" event on its way to the partner
    And the partner's staff cancel that record
    Then within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
    When 2 minutes pass
    And the network loses the next "record.created" event on its way to the partner
    And the partner's staff occupy Dmitry Orlov's time on Monday from 15:00 to 16:00
    Then within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
    When 10 minutes pass
    Then within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-2
  Scenario: A record the partner's staff cancel after DIKIDI moved it, the move's event still on its way, frees both its times
    Given a client booked a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    And within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Thursday at 16:00
    And the network loses the next "record.updated" event on its way to the partner
    When the salon's staff move that record to Saturday at 12:00 in DIKIDI
    And the partner's staff cancel that record
    Then within the latency budget DIKIDI shows no active record with Olga Kim on Saturday at 12:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-2
  Scenario: A record the partner's staff cancel after DIKIDI gave it to another master, the move's event still on its way, frees both masters' times
    Given a client booked a "Men's haircut" with Anna Smirnova on Friday at 12:00 online as "Pavel Sokolov" "+79031112233"
    And within the latency budget the partner shows a "Men's haircut" with Anna Smirnova on Friday at 12:00
    And the network loses the next "record.updated" event on its way to the partner
    When the salon's staff give that record to Dmitry Orlov on Friday at 12:00 in DIKIDI
    And the partner's staff cancel that record
    Then within the latency budget DIKIDI shows no active record with Dmitry Orlov on Friday at 12:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-2
  Scenario: A record is not made twice when DIKIDI's answer to the partner is lost, and reaches the partner when the retry's is lost too
    Given the network loses DIKIDI's answer to the partner's next change
    When the partner's staff add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    Then DIKIDI has exactly one record of the partner with Anna Smirnova on Tuesday at 16:00
    And the partner's record is linked to that DIKIDI record
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
    When the network loses DIKIDI's answer to the partner's next change and the one to its retry
    And the partner's staff try to add a "Men's haircut + Beard trim" with Dmitry Orlov on Wednesday at 15:00 for "Irina Novikova" "+79031112266"
    Then DIKIDI has exactly one record of the partner with Dmitry Orlov on Wednesday at 15:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-2 @req:DK-EVT-1
  Scenario: A cancellation whose answers never reached the partner stands there once DIKIDI's event of it comes
    Given the partner's staff added a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    And DIKIDI has delivered every event of the key so far
    And the network loses DIKIDI's answer to the partner's next change and the one to its retry
    When the partner's staff try to cancel that record
    Then within the latency budget DIKIDI shows no active record with Anna Smirnova on Tuesday at 16:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-REC-2
  Scenario: A record booked in DIKIDI that the partner's staff move to another master moves in DIKIDI
    Given a client booked a "Men's haircut" with Dmitry Orlov on Monday of the second week at 10:00 online as "Pavel Sokolov" "+79031112233"
    When the partner's staff move that record to Anna Smirnova on Tuesday of the second week at 12:00
    Then within the latency budget DIKIDI shows a "Men's haircut" with Anna Smirnova on Tuesday of the second week at 12:00
    And within the latency budget DIKIDI shows no active record with Dmitry Orlov on Monday of the second week at 10:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
