@dikidi @deletion
Feature: Deleting the key
  Deleting the key ends the integration for good: DIKIDI refuses every call with it and sends one last
  event. The partner stops calling DIKIDI and says the link is gone, even when that last event is lost.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI
    And the partner has activated a key with access type "administrator"

  Scenario: The partner stops and says the link is gone when the key is deleted
    When the business deletes the key
    Then DIKIDI shows the key as "deleted"
    And the partner received the "key.state_changed" event
    And within the latency budget the partner reports the key as "deleted"
    When the partner's staff try to add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    Then the partner refused that itself, saying it is "deleted"
    When the partner synchronises
    Then the partner made no call to DIKIDI after the deletion
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  Scenario: The partner notices the deletion even when the last event is lost
    Given the network loses the next "key.state_changed" event on its way to the partner
    When the business deletes the key
    And the partner synchronises
    Then the partner reports the key as "deleted"
    When the partner synchronises again
    And the partner's staff try to add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    Then the partner made at most one call to DIKIDI after the deletion
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
