@dikidi @permissions
Feature: Permissions and masking
  The business decides what the key may do: view its own or all clients, see surnames and phones
  everywhere, everywhere except the client list, or nowhere; add and edit records, cancel them, occupy
  time; edit its own or everyone's working hours. The partner never asks for what the key does not
  allow, copes when permissions shrink under it, and keeps hidden data hidden in its own system.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI

  @req:DK-PERM-1
  Scenario: The partner never calls what the key does not allow
    Given the business created an access key for the partner with these permissions:
      | clients view         | none |
      | show surnames        | no   |
      | show phones          | none |
      | add and edit records | yes  |
      | cancel records       | no   |
      | occupy time          | no   |
      | edit schedule        | none |
    And the partner has activated the key
    When the partner's staff add a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    And the partner's staff try to cancel that record
    Then the partner refused that itself, naming "records.cancel"
    When the partner's staff move that record to Tuesday at 17:00
    Then within the latency budget DIKIDI shows a "Women's haircut" with Anna Smirnova on Tuesday at 17:00 made by the partner
    When the partner's staff try to occupy Dmitry Orlov's time on Friday from 16:00 to 17:00
    Then the partner refused that itself, naming "records.occupy_time"
    Given the partner holds Dmitry Orlov on Friday at 09:00 as occupied time
    When the partner's staff try to move that time to Friday at 15:00
    Then the partner refused that itself, naming "records.occupy_time"
    When the partner's staff try to release that time
    Then the partner refused that itself, naming "records.occupy_time"
    When the partner's staff try to set Olga Kim's hours on Thursday to 12:00-20:00
    Then the partner refused that itself, naming "schedule.edit"
    When the partner synchronises
    Then DIKIDI refused none of the partner's calls
    And DIKIDI still shows that record booked
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-PERM-2
  Scenario: The partner copes when the business takes a permission away
    Given the partner has activated a key with access type "administrator"
    And the partner's staff added a "Women's haircut" with Anna Smirnova on Tuesday at 16:00 for "Pavel Sokolov" "+79031112233"
    When the business removes the "cancel records" permission
    And DIKIDI has delivered every event of the key so far
    And the partner's staff try to cancel that record
    Then the partner refused that, naming "records.cancel"
    And DIKIDI still shows that record booked
    And the partner still shows that record booked
    When DIKIDI has delivered every event of the key so far
    And the partner's staff try to cancel that record
    Then the partner refused that itself, naming "records.cancel"
    And DIKIDI refused at most one of the partner's calls
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-PERM-3
  Scenario Outline: Clients' surnames and phones stay as DIKIDI shows them: <what>
    Given the business created an access key for the partner with these permissions:
      | clients view         | all             |
      | show surnames        | <show surnames> |
      | show phones          | <show phones>   |
      | add and edit records | yes             |
      | cancel records       | yes             |
      | occupy time          | yes             |
      | edit schedule        | none            |
    And the partner has activated the key
    Then the partner shows <surnames> and <phones> for the salon's clients
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

    Examples:
      | what                                    | show surnames | show phones        | surnames   | phones                                       |
      | nothing shown                           | no            | none               | no surname | only masked phones                           |
      | phones on records, not in the list      | yes           | except_client_list | surnames   | masked phones in the list, real ones on records |
      | phones everywhere, no surname           | no            | everywhere         | no surname | real phones                                  |
