@reach @books
Feature: The whole books
  Reach shows each of the customer's companies as the partner's books hold it, so everything the
  partner's API serves must be the books it was loaded with: every company the customer's token
  reads and its information; every record of every reference list, read with the default page,
  pages of 7 and one page of 1000, in one stable order, and an empty page past the end; the profit
  and loss, balance sheet and cash flow on both accounting bases, for the company and for every
  budget, class, department and class within a department, over the books' whole span with a month
  either side, over a year that starts in the middle of a fiscal year and over the quarter before
  the books; every metric value, for actuals, every budget and every class; and 404 with an errors
  body for an unknown company, budget, class, department or metric. The companies differ in every
  dimension a partner's code could lean on (fixtures/reach/README.md). A failure lists every
  difference: item, field, what the books say and what the partner served.

  Background:
    Given the partner serves the customer's books: "Lantern Physiotherapy Pty Ltd", "Fernhill Veterinary Clinic Limited" and "Tidewater Allied Health LLC"

  @whole-books
  Scenario: Everything the partner serves is the books, every company, filter, period and page
    When Reach reads every company's books under every filter, period and page size the specification gives
    Then Reach and the partner agree on every company's books: every list, statement and metric under every filter and period
