@dikidi @deletion
Feature: Deleting the key
  Deleting the key ends the integration for good: DIKIDI refuses every call with it and sends one last
  event. The partner stops calling DIKIDI and says the link is gone, even when that last event is lost.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI
    And the partner has activated a key with access type "administrator"

  @req:DK-STOP-3
  Scenario: The partner stops and says the link is gone when the key is deleted
    When the business deletes the key
    Then DIKIDI shows the key as "deleted"
    And the partner accepted the "key.state_changed" event at its Path, if it has one
    And within the latency budget the partner reports the key as "deleted"
    When the partner's staff try to add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    Then the partner refused that itself, saying it is "deleted"
    When the partner synchronises
    Then the partner made no call to DIKIDI once it knew the key was deleted
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-STOP-3
  Scenario: The partner notices the deletion even when the last event is lost
    Given the network loses the next "key.state_changed" event on its way to the partner
    When the business deletes the key
    And the partner synchronises
    Then the partner reports the key as "deleted"
    When the partner synchronises again
    And the partner's staff try to add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    Then the partner made at most one call to DIKIDI after the deletion
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-STOP-3
  Scenario: After the key is deleted the partner calls DIKIDI for nothing its staff try
    Given the partner's staff added a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    And the partner's staff occupied Dmitry Orlov's time on Friday from 16:00 to 17:00
    When the business deletes the key
    Then within the latency budget the partner reports the key as "deleted"
    When the partner's staff try each of these changes:
      | add a "Manicure with coating" with Olga Kim on Wednesday at 12:00 for "Ivan Petrov" "+79031112244" |
      | move that record to Tuesday at 17:00                                                              |
      | cancel that record                                                                                |
      | occupy Olga Kim's time on Wednesday from 17:00 to 18:00                                           |
      | move that time to Friday at 15:00                                                                 |
      | release that time                                                                                 |
      | set Anna Smirnova's hours on Thursday to 12:00-20:00                                              |
      | activate the key again                                                                             |
    And the partner synchronises
    Then the partner refused each of them itself, saying it is "deleted"
    And the partner made no call to DIKIDI once it knew the key was deleted
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-EVT-1 @req:DK-STOP-3
  Scenario: Deleting another key the salon gave the partner leaves the partner's own key working
    Given the partner's Path also takes the events of a second key the business gave the partner, which it activated for another of its connections
    When the business deletes the second key
    Then the partner accepted the "key.state_changed" event at its Path, if it has one
    And the partner reports the key as "active"
    When a client books a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    Then within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Thursday at 16:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
