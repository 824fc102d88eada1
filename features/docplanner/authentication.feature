@docplanner @auth
Feature: Authentication
  The partner signs in with OAuth 2.0 client credentials (POST /oauth/v2/token, scope
  "integration"), reuses its token while it lives, says so when its credentials are refused,
  and signs in again by itself when a token expires.

  Background:
    Given the clinic "Clinica Sol" is loaded into the partner's system

  @req:DP-AUTH-1
  Scenario: The partner signs in with its client credentials and reuses its token
    When the partner activates the integration
    Then the partner asked for a token with grant type "client_credentials" and scope "integration"
    And the partner used one token for all its calls
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  # Nothing can reach Docplanner: the point is that the partner says so.
  @sides-differ @req:DP-AUTH-1
  Scenario: Wrong credentials are refused and the partner says so
    Given the partner is given a wrong client secret
    When the partner activates the integration
    Then Docplanner refused the token request with 401
    And the partner called nothing else on Docplanner
    And the partner reports that it is not connected, and why

  @req:DP-AUTH-1
  Scenario: The partner signs in again when its token expires
    Given the partner has activated the integration
    When Docplanner expires the partner's access tokens
    And the receptionist books "svc-consult" at "anna-centrum" next Monday at 10:00
    Then Docplanner refused a call because the token had expired
    And the partner asked for a new token
    And within the latency budget Docplanner shows a booking at "anna-centrum" next Monday at 10:00
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon

  # An hour passes on the run's clock, which must be this run's alone.
  @own-clock @req:DP-AUTH-1
  Scenario: The partner renews its token before it expires
    Given the partner has activated the integration
    When 60 minutes pass
    And the receptionist books "svc-consult" at "anna-centrum" next Monday at 10:00
    Then within the latency budget Docplanner shows a booking at "anna-centrum" next Monday at 10:00
    And Docplanner refused none of the partner's calls for its token
    And Docplanner and the partner's system agree on every booking, break and free slot of the horizon
