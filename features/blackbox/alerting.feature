Feature: When the partner's operators are e-mailed
  Three failed checks in a row send exactly one alert e-mail to the
  endpoint's recipients. While the endpoint stays down nothing more is sent
  (unless a reminder interval is configured); when it answers again, one
  recovery e-mail is sent. A check that succeeds between failures starts the
  count again.

  Background:
    Given a partner endpoint "acme-bookings" alerting "ops@acme.test"
    And the monitor checks it every 5 minutes and alerts after 3 failures in a row

  @req:BB-ALERT-1 @req:BB-ALERT-2
  Scenario: the partner answers 503 three times in a row, five minutes apart: one alert e-mail
    Given the partner answers 503 with body "upstream database unavailable"
    When 5 minutes pass
    Then no e-mail has been sent
    When 5 minutes pass
    Then no e-mail has been sent
    When 5 minutes pass
    Then exactly 1 e-mail has been sent
    And it was sent to "ops@acme.test"
    And its subject contains "DOWN: acme-bookings"
    And its body names the time of the first failure
    And its body lists 3 failures with reason "HTTP 503 Service Unavailable"
    And its body contains "Last response:  HTTP 503"
    And its body contains "upstream database unavailable"
    When 30 minutes pass
    Then exactly 1 e-mail has been sent
    And the endpoint is alerting with 9 failures in a row

  @req:BB-ALERT-1
  Scenario: two failures then a success send nothing
    Given the partner answers 503
    When 10 minutes pass
    And the partner answers 200
    And 5 minutes pass
    Then no e-mail has been sent
    And the endpoint is up with 0 failures in a row

  @req:BB-ALERT-1
  Scenario: a success between failures starts the count again
    Given the partner answers 503
    When 10 minutes pass
    And the partner answers 200
    And 5 minutes pass
    And the partner answers 503
    And 10 minutes pass
    Then no e-mail has been sent
    And the endpoint is down with 2 failures in a row
    When 5 minutes pass
    Then exactly 1 e-mail has been sent

  @req:BB-ALERT-2
  Scenario: recovery sends one e-mail
    Given the partner answers 500
    When 15 minutes pass
    Then exactly 1 e-mail has been sent
    When the partner answers 200
    And 5 minutes pass
    Then exactly 2 e-mails have been sent
    And it was sent to "ops@acme.test"
    And its subject contains "RECOVERED: acme-bookings"
    And its body contains "Failed checks:  3 in a row"
    When 30 minutes pass
    Then exactly 2 e-mails have been sent
    And the endpoint is up with 0 failures in a row

  @req:BB-ALERT-2
  Scenario: an optional reminder repeats the alert while the endpoint stays down
    Given reminders are sent every 60 minutes while it stays down
    And the partner answers 502
    When 15 minutes pass
    Then exactly 1 e-mail has been sent
    When 55 minutes pass
    Then exactly 1 e-mail has been sent
    When 5 minutes pass
    Then exactly 2 e-mails have been sent
    And its subject contains "STILL DOWN: acme-bookings"
