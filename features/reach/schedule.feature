# @books-unchanged: syncs only read, and a brief outage is over once the sync it interrupted completed, which @retry-503 checks: nothing here changes the partner's books or the connection (@whole-books compares the whole books).
@reach @schedule @books-unchanged
Feature: Sync scheduling and stability
  Reach pulls every night off-hours (02:00 UTC on the run clock) and when the customer presses the
  sync button. A sync reads user-info, the company, every reference list page by page, the three
  statements on both accounting bases for a window aligned on the fiscal year, and the metric
  values. The partner must not rate-limit the nightly sync; when briefly unavailable it answers 503,
  which Reach retries with exponential backoff; and syncing twice gives the same data.

  Background:
    Given the partner serves the customer's books: "Lantern Physiotherapy Pty Ltd", "Fernhill Veterinary Clinic Limited" and "Tidewater Allied Health LLC"

  @nightly
  Scenario: The nightly sync runs off-hours and completes without rate limiting
    When the nightly sync time comes on the run clock
    Then the nightly sync completed
    And the partner never answered 429 during the nightly sync

  @on-demand
  Scenario: An on-demand sync completes
    When the customer presses the sync button
    Then the on-demand sync completed
    And it read every reference list to its end and the statements of both accounting bases

  @repeatable
  Scenario: Repeated syncs return the same data
    When the customer presses the sync button
    And the customer presses the sync button again
    Then both syncs completed and returned the same data

  @retry-503
  Scenario: A brief outage answered with 503 is retried
    Given the partner's system is unavailable for its next 2 requests
    When the customer presses the sync button
    Then the partner answered 503 and Reach retried after a backoff on the run clock
    And the on-demand sync completed
