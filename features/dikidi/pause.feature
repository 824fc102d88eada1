@dikidi @pause
Feature: Pausing and resuming
  Removing every record permission (add and edit, cancel, occupy time) pauses the integration: the key
  still reads, but the partner must stop changing records and say it is paused. Restoring a record
  permission resumes it; what changed in DIKIDI meanwhile was not sent, so the partner reads it again.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI
    And the partner has activated a key with access type "administrator"

  @req:DK-STOP-1
  Scenario: Removing the record permissions pauses the partner
    When the business removes all record permissions
    Then DIKIDI shows the key as "paused"
    And within the latency budget the partner reports the key as "paused"
    When the partner's staff try to add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    Then the partner refused that itself, saying it is "paused"
    And no record change reached DIKIDI while the key was paused
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-STOP-1
  Scenario: The partner learns of the pause from DIKIDI's refusal when the pause's event is lost
    Given the network loses the next "key.state_changed" event on its way to the partner
    When the business removes all record permissions
    And the partner's staff try to add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    Then within the latency budget the partner reports the key as "paused"
    When the partner's staff try to add a "Manicure with coating" with Olga Kim on Wednesday at 12:00 for "Ivan Petrov" "+79031112244"
    Then the partner refused that itself, saying it is "paused"
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-STOP-2
  Scenario: Restoring a record permission resumes the partner
    Given the business removed all record permissions
    And a client booked a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    When the business restores the record permissions
    Then DIKIDI shows the key as "active"
    And within the latency budget the partner reports the key as "active"
    And within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Thursday at 16:00
    When the partner's staff add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Ivan Petrov" "+79031112244"
    Then within the latency budget DIKIDI shows a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 made by the partner
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-STOP-1
  Scenario: A paused key changes no record, whichever change the partner's staff try
    Given the partner's staff added a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    And the partner's staff occupied Dmitry Orlov's time on Friday from 16:00 to 17:00
    When the business removes all record permissions
    Then within the latency budget the partner reports the key as "paused"
    When the partner's staff try each of these changes:
      | add a "Manicure with coating" with Olga Kim on Wednesday at 12:00 for "Ivan Petrov" "+79031112244" |
      | move that record to Tuesday at 17:00                                                              |
      | cancel that record                                                                                |
      | occupy Olga Kim's time on Wednesday from 17:00 to 18:00                                           |
      | move that time to Friday at 15:00                                                                 |
      | release that time                                                                                 |
    Then the partner refused each of them itself, saying it is "paused"
    And no record change reached DIKIDI while the key was paused
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
