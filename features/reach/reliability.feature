# @books-unchanged: Reach only reads: nothing here changes the partner's books or the connection (@whole-books compares the whole books).
@reach @reliability @books-unchanged
Feature: Endpoint reliability
  Every endpoint the specification marks as required (x-accord-required) answers, and every answer
  arrives within the latency budget (2 seconds unless --latency-budget says otherwise), measured on
  the run clock. The report lists each operation's calls and slowest answer (extras.latencies).

  Background:
    Given the partner serves the customer's books: "Lantern Physiotherapy Pty Ltd", "Fernhill Veterinary Clinic Limited" and "Tidewater Allied Health LLC"

  @endpoints @req:RR-REL-1 @req:RR-IMPL-1
  Scenario: Every required endpoint answers
    When the customer presses the sync button
    Then every operation the specification requires answered with success
    And a statement on an unknown basis, a period that ends before it starts and a metric query naming no metric are each refused with 400 and an errors body

  @latency @req:RR-REL-1
  Scenario: Every answer comes within the latency budget
    When the customer presses the sync button
    Then every answer came within the latency budget on the run clock
