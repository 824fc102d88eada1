@dikidi @activation
Feature: Activating the access key
  A DIKIDI business links a partner by adding an API access key (Settings → Integration → API access).
  The key stays "awaiting activation" until the partner activates it with the partner key DIKIDI issued
  to it; only then does the key open the company's data and do events reach the partner's Path. The
  partner always says which state the key is in.

  Background:
    Given the salon "Birch Beauty Studio" is on DIKIDI

  @req:DK-KEY-1 @req:DK-KEY-2 @req:DK-KEY-4
  Scenario: A key stays awaiting activation until the partner activates it
    Given the business created an access key for the partner with access type "administrator"
    And the partner was given the key
    Then DIKIDI shows the key as "awaiting activation"
    And the partner reports the key as "awaiting activation"
    And DIKIDI has sent no event to the partner
    When the partner activates the key
    Then DIKIDI shows the key as "active"
    And the partner reports the key as "active"
    And the partner accepted the "key.state_changed" event at its Path, if it has one
    And the partner shows the salon's records of the horizon
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon

  @req:DK-KEY-3
  Scenario: A wrong partner key is refused and the partner says so
    Given the business created an access key for the partner with access type "administrator" and partner key "pk-another-partner"
    And the partner was given the key
    When the partner activates the key
    Then DIKIDI refused the activation with "PARTNER_KEY_INVALID"
    And DIKIDI shows the key as "awaiting activation"
    And the partner reports the key as "awaiting activation" with an error naming "PARTNER_KEY_INVALID"
    And within the latency budget DIKIDI and the partner agree on the key and on every record, working day and free time of the horizon
