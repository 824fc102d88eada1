# @books-unchanged: Reach only reads: nothing here changes the partner's books or the connection (@whole-books compares the whole books).
@reach @formatting @books-unchanged
Feature: Data formatting
  Every answer is JSON valid against the Reach specification: dates are YYYY-MM-DD, empty lists are
  [] and never null, and field names are fixed, never data such as a month or an id. Fields the
  specification does not have are ignored by Reach; the report lists them as warnings
  (summary.json, extras.warnings).

  Background:
    Given the partner serves the customer's books: "Lantern Physiotherapy Pty Ltd", "Fernhill Veterinary Clinic Limited" and "Tidewater Allied Health LLC"

  @valid-answers
  Scenario: Every answer of a sync is valid against the Reach specification
    When the customer presses the sync button
    Then every answer of the sync was valid against the Reach specification

  @dates
  Scenario: Dates are plain dates
    When the customer presses the sync button
    Then every date in the answers is written YYYY-MM-DD

  @empty-lists
  Scenario: Empty lists are empty arrays
    When Reach asks for a page past the end of every reference list
    And Reach asks for the statements of a month before the books start
    Then every empty list came back as [], never null

  @field-names
  Scenario: Field names are fixed; extra fields are only warnings
    When the customer presses the sync button
    Then no answer has a field named after data such as a date, a number or an id
    And the records of every list have the same field names
