@reach @auth
Feature: Authentication
  Reach sends the customer's bearer token with every request. A missing, wrong or foreign token is
  refused with 401 or 403 (404 for a company the token cannot see) and the errors[] JSON body, never
  200 and never HTML. A valid token reads every company of its customer, and only those. A partner
  that runs an OAuth 2.0 server (GET /auth/oauth-discovery; capability oauth: on, the default) lets
  Reach connect with the authorization code (the customer who presses Allow on its consent page
  goes back to Reach with a code and Reach's state) and keep access with refresh tokens, renewal after
  renewal, without the customer, refuses a wrong client secret, a code used twice and an access
  token past its life, and never lets a token answer be cached. A partner that hands
  Reach long-lived static tokens only (capability oauth: off) answers the discovery with 404; the
  OAuth scenarios do not apply to it, and its static token must stay valid.

  Background:
    Given the partner serves the customer's books: "Lantern Physiotherapy Pty Ltd", "Fernhill Veterinary Clinic Limited" and "Tidewater Allied Health LLC"

  # @books-unchanged: refused calls change nothing in the partner's books or in the connection; the
  # whole books are compared by @whole-books.
  @no-token @books-unchanged @req:RR-AUTH-1
  Scenario: A request without a token is refused with an errors body
    When Reach calls the partner without a token
    Then every call was refused with 401 or 403 and an errors body, never 200 or HTML

  # @books-unchanged: as above.
  @wrong-token @books-unchanged @req:RR-AUTH-1
  Scenario: A request with a wrong token is refused with an errors body
    When Reach calls the partner with a wrong token
    Then every call was refused with 401 or 403 and an errors body, never 200 or HTML

  # @books-unchanged: as above.
  @other-company @books-unchanged @req:RR-AUTH-1 @req:RR-AUTH-2
  Scenario: Another customer's token cannot read the customer's companies
    When Reach reads the customer's companies with the token of another customer of the partner
    Then every call was refused with 401, 403 or 404 and an errors body, never 200 or HTML
    And the other company's token lists only the other company
    And the other company's token reads its own company, every list and every statement, valid against the specification

  # @books-unchanged: reading whom a token belongs to changes nothing.
  @valid-token @books-unchanged @req:RR-AUTH-2
  Scenario: A valid token reads every company of its customer
    When Reach asks whom the customer's token belongs to
    Then the answer lists exactly the companies "cmp-lantern", "cmp-fernhill" and "cmp-tidewater"
    And Reach reads the company information of each of them

  @oauth @req:RR-AUTH-3
  Scenario: Reach connects by OAuth and keeps access through renewal after renewal without the customer
    Given the partner runs an OAuth 2.0 server for Reach
    When Reach reads the partner's OAuth discovery document
    And the customer grants Reach access on the partner's sign-in page
    Then Reach exchanges the code for an access token and a refresh token
    And the token endpoint refuses a wrong client secret, a code sent a second time and a code sent with another redirect URI
    And Reach reads every company with that access token
    When the access token expires on the run clock 3 times, Reach reading every company after each
    Then Reach renewed access each time without the customer, with the refresh token the partner issued last
    And Reach and the partner agree on every company's books: every list, statement and metric under every filter and period

  # @books-unchanged: the token's end changes nothing the partner serves; @oauth compares the whole
  # books through a renewed token.
  @expired-token @books-unchanged @req:RR-AUTH-3
  Scenario: An access token past its life is refused
    Given the partner runs an OAuth 2.0 server for Reach
    And Reach is connected by OAuth
    When the access token's life ends on the partner's clock
    Then a call with the expired access token is refused with 401 and an errors body, never 200 or HTML
    And Reach renews access without the customer and reads every company again

  # @books-unchanged: time passing changes nothing the partner serves.
  @static-token @books-unchanged @req:RR-AUTH-2
  Scenario: The customer's static token stays valid
    When a week passes on the run clock
    Then Reach still reads every company with the customer's static token
