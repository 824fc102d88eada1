@dikidi @delivery
Feature: Delivery trouble
  DIKIDI POSTs every event to the key's Path and retries a failed delivery 1, 2, 4, 8, 16, 32 and 60
  minutes later. When the Path keeps failing, one e-mail per incident goes to the address the business
  entered on the key. Once the Path answers again, every event still arrives, and the partner applies
  the ones delivered on a retry like any other.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI

  @req:DK-EVT-2
  Scenario: A Path that keeps failing produces one e-mail, and no event is lost once it answers again
    Given the business created an access key for the partner with access type "administrator"
    And the business entered the e-mail "ops@connector.test" on the key
    And the partner has activated the key
    When the partner's Path starts failing
    And a client books a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    And a client books a "Men's haircut" with Dmitry Orlov on Wednesday at 12:00 online as "Ivan Petrov" "+79031112244"
    And 20 minutes pass
    Then DIKIDI retried the events while the Path was failing
    And exactly one e-mail about the delivery problem reached "ops@connector.test"
    And the e-mail's subject says the key's events cannot be delivered and its body names the Path
    When the partner's Path works again
    And 20 minutes pass
    Then every event DIKIDI created for the key was delivered
    And within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Thursday at 16:00
    And within the latency budget the partner shows a "Men's haircut" with Dmitry Orlov on Wednesday at 12:00
    And exactly one e-mail about the delivery problem reached "ops@connector.test"
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-EVT-2
  Scenario: Changes made in DIKIDI while the partner could not reach it all reach the partner once it can
    Given the business created an access key for the partner with access type "administrator"
    And the partner has activated the key
    When the partner cannot reach DIKIDI
    And a client books a "Manicure with coating" with Olga Kim on Thursday at 16:00 online as "Pavel Sokolov" "+79031112233"
    And 20 minutes pass
    And a client books a "Men's haircut" with Dmitry Orlov on Wednesday at 12:00 online as "Ivan Petrov" "+79031112244"
    And the salon's staff set Olga Kim's hours on Friday to 10:00-14:00 in DIKIDI
    And DIKIDI has delivered every event of the key so far
    And the partner can reach DIKIDI again
    Then within the latency budget the partner shows a "Manicure with coating" with Olga Kim on Thursday at 16:00
    And within the latency budget the partner shows a "Men's haircut" with Dmitry Orlov on Wednesday at 12:00
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
