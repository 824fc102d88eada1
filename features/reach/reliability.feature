@reach @reliability
Feature: Endpoint reliability
  Every endpoint the specification marks as required (x-accord-required) answers, and every answer
  arrives within the latency budget (2 seconds unless --latency-budget says otherwise), measured on
  the run clock. The report lists each operation's calls and slowest answer (extras.latencies).

  Background:
    Given the partner serves the books of "Lantern Physiotherapy Pty Ltd"

  @endpoints
  Scenario: Every required endpoint answers
    When the customer presses the sync button
    Then every operation the specification requires answered with success

  @latency
  Scenario: Every answer comes within the latency budget
    When the customer presses the sync button
    Then every answer came within the latency budget on the run clock
