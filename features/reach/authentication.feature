@reach @auth
Feature: Authentication
  Reach sends the customer's bearer token with every request. A missing, wrong or foreign token is
  refused with 401 or 403 (404 for a company the token cannot see) and the errors[] JSON body, never
  200 and never HTML. A valid token reads its own companies. A partner that advertises an OAuth 2.0
  server (GET /auth/oauth-discovery) lets Reach connect with the authorization code and renew access
  with refresh tokens, without the customer; a partner without one answers the discovery with 404,
  and its static token must then stay valid.

  Background:
    Given the partner serves the books of "Lantern Physiotherapy Pty Ltd"

  @no-token
  Scenario: A request without a token is refused with an errors body
    When Reach calls the partner without a token
    Then every call was refused with 401 or 403 and an errors body, never 200 or HTML

  @wrong-token
  Scenario: A request with a wrong token is refused with an errors body
    When Reach calls the partner with a wrong token
    Then every call was refused with 401 or 403 and an errors body, never 200 or HTML

  @other-company
  Scenario: Another company's token cannot read this company
    When Reach reads this company with the token of another company of the partner
    Then every call was refused with 401, 403 or 404 and an errors body, never 200 or HTML
    And the other company's token lists only the other company

  @valid-token
  Scenario: A valid token reads its own company
    When Reach asks whom the customer's token belongs to
    Then the answer lists the company "cmp-lantern" and no other
    And Reach reads the company information of "cmp-lantern"

  @oauth
  Scenario: Reach connects by OAuth and renews access without the customer
    When Reach reads the partner's OAuth discovery document
    And the customer grants Reach access on the partner's sign-in page
    Then Reach exchanges the code for an access token and a refresh token
    And Reach reads the company with that access token
    When the access token expires on the run clock
    Then Reach renews access without the customer and reads the company again
