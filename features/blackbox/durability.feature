Feature: Alerts survive restarts and mail outages
  The monitor keeps its counts, its open alerts and its unsent e-mails in a
  state file. A restart continues where the last run stopped: it neither
  forgets failures already seen nor sends an alert a second time. When the
  mail server is down, the alert waits in the outbox and is delivered once,
  when the server is back.

  Background:
    Given a partner endpoint "acme-bookings" alerting "ops@acme.test"
    And the monitor checks it every 5 minutes and alerts after 3 failures in a row

  @req:BB-ALERT-3
  Scenario: restart in the middle of an outage neither forgets nor repeats
    Given the partner answers 503
    When 10 minutes pass
    And the monitor restarts
    And 5 minutes pass
    Then exactly 1 e-mail has been sent
    And its subject contains "DOWN: acme-bookings"
    When the monitor restarts
    And 10 minutes pass
    Then exactly 1 e-mail has been sent
    And the endpoint is alerting with 5 failures in a row

  @req:BB-ALERT-3
  Scenario: SMTP down: the alert is delivered once when it returns
    Given the mail server is down
    And the partner answers 503
    When 15 minutes pass
    Then no e-mail has been sent
    And 1 e-mail is waiting in the outbox
    When the mail server is back
    And 5 minutes pass
    Then exactly 1 e-mail has been sent
    And it was sent to "ops@acme.test"
    And its subject contains "DOWN: acme-bookings"
    And no e-mail is waiting in the outbox
    When 30 minutes pass
    Then exactly 1 e-mail has been sent
