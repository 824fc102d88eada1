# @books-unchanged: paging only reads: nothing here changes the partner's books or the connection (@whole-books compares every list read three ways).
@reach @pagination @books-unchanged
Feature: Pagination
  Reference lists take offset and limit (1 to 1000, default 100) and answer {Data, Pagination}.
  Paging through a list reads every record exactly once with a stable total; a page never holds
  more than limit records; a limit over 1000 is refused with 400, never silently clamped.

  Background:
    Given the partner serves the customer's books: "Lantern Physiotherapy Pty Ltd", "Fernhill Veterinary Clinic Limited" and "Tidewater Allied Health LLC"

  @exactly-once @req:RR-PAGE-1
  Scenario: Paging one record at a time reads every record exactly once
    When Reach pages through every reference list one record at a time
    And Reach reads every reference list in one page of 1000
    Then every record was read exactly once, with the same total on every page
    And both readings found the same records in the same order

  @limits @req:RR-PAGE-1
  Scenario: Limits of 1 and 1000 are honoured and 1001 is refused
    When Reach asks every reference list for a page of 0, a page of 1, a page of 1000 and a page of 1001, and from offset -1
    Then a page of 1 held one record and echoed limit 1
    And a page of 1000 held the whole list
    And pages of 0 and 1001 and offset -1 were refused with 400 and an errors body
