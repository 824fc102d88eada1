@dikidi @schedule
Feature: Working hours and free times
  The partner shows the masters' working hours and the free times DIKIDI offers, and keeps them
  current when the salon changes its schedule or its journal. Where the key allows schedule editing,
  hours the partner's staff set appear in DIKIDI; where it does not, the partner does not try.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI

  @req:DK-SCH-1 @req:DK-KEY-4
  Scenario: The partner reflects DIKIDI's working hours and free times
    Given the salon's staff gave Dmitry Orlov the day off on Saturday of the second week in DIKIDI
    And the salon's staff set Anna Smirnova's hours on Wednesday of the second week to 12:00-20:00 in DIKIDI
    And the partner has activated a key with access type "administrator"
    Then the partner shows DIKIDI's working hours for every master and day
    And within the latency budget the partner offers the same free times as DIKIDI for "Manicure with coating" with Olga Kim on Tuesday
    And within the latency budget the partner offers the same free times as DIKIDI for "Men's haircut" with Dmitry Orlov on Wednesday
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-SCH-1
  Scenario: A change of working hours in DIKIDI reaches the partner
    Given the partner has activated a key with access type "administrator"
    When the salon's staff give Olga Kim the day off on Thursday in DIKIDI
    And the salon's staff set Anna Smirnova's hours on Wednesday to 12:00-20:00 in DIKIDI
    And the salon's staff set Dmitry Orlov's hours on Saturday of the second week to 11:00-15:00 in DIKIDI
    Then within the latency budget the partner shows Olga Kim off on Thursday
    And within the latency budget the partner shows Anna Smirnova working 12:00-20:00 on Wednesday
    And within the latency budget the partner shows Dmitry Orlov working 11:00-15:00 on Saturday of the second week
    And within the latency budget the partner offers the same free times as DIKIDI for "Women's haircut" with Anna Smirnova on Wednesday
    When a client books a "Manicure with coating" with Olga Kim on Friday at 16:00 online as "Pavel Sokolov" "+79031112233"
    Then within the latency budget the partner offers the same free times as DIKIDI for "Manicure with coating" with Olga Kim on Friday
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-SCH-1 @req:DK-PERM-1
  Scenario: Working hours the partner sets where the key allows it appear in DIKIDI
    Given the business created an access key for the partner with these permissions:
      | clients view         | all        |
      | show surnames        | yes        |
      | show phones          | everywhere |
      | add and edit records | yes        |
      | cancel records       | yes        |
      | occupy time          | yes        |
      | edit schedule        | own        |
      | employee             | 201        |
    And the partner has activated the key
    And the network loses the next "schedule.updated" event on its way to the partner
    When the partner's staff set Anna Smirnova's hours on Wednesday to 12:00-20:00 with a break 15:00-15:30
    Then within the latency budget DIKIDI shows Anna Smirnova working 12:00-20:00 with a break 15:00-15:30 on Wednesday
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
    When the partner's staff try to set Dmitry Orlov's hours on Wednesday to 12:00-18:00
    Then the partner refused that itself, naming "schedule.edit"
    And DIKIDI still shows Dmitry Orlov working 09:00-18:00 on Wednesday
    And DIKIDI refused none of the partner's calls
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
