Feature: What counts as alive
  After a partner integration goes live, the platform pings the partner's
  endpoint every 5 minutes. Any HTTP answer below 500 means the partner is
  alive, whatever the status says about the request itself (a 404 or a 401
  still proves the service is up). A 5xx answer, or no answer at all (timeout,
  refused connection, DNS or TLS failure), is a failure.

  Background:
    Given a partner endpoint "acme-bookings" alerting "ops@acme.test"
    And the monitor checks it every 5 minutes and alerts after 3 failures in a row

  @req:BB-PING-1 @req:BB-PING-2
  Scenario: a 404 counts as alive
    Given the partner answers 404
    When 15 minutes pass
    Then the endpoint was checked 3 times
    And the endpoint is up with 0 failures in a row
    And no e-mail has been sent

  @req:BB-PING-3
  Scenario: a 503 counts as a failure
    Given the partner answers 503
    When 5 minutes pass
    Then the endpoint was checked 1 time
    And the endpoint is down with 1 failure in a row
    And the last result says "HTTP 503 Service Unavailable"

  @req:BB-PING-3
  Scenario: a timeout counts as a failure
    Given the partner does not answer within the 10 second timeout
    When 5 minutes pass
    Then the endpoint is down with 1 failure in a row
    And the last result says "timeout"
    And no e-mail has been sent
