@reach @accuracy
Feature: Data accuracy
  What Reach pulls must be the books the partner holds: the company information and reference lists
  as they are, the statements and metric values as the books derive them on both accounting bases,
  statements that add up, and no statement line on an account the chart of accounts lacks.

  Background:
    Given the partner serves the customer's books: "Lantern Physiotherapy Pty Ltd", "Fernhill Veterinary Clinic Limited" and "Tidewater Allied Health LLC"
    And Reach has synced on demand

  @reference-data
  Scenario: Company information and reference lists equal the books
    Then the company information and every reference list equal the books

  @statement-values
  Scenario: Statements and metric values equal the books on both accounting bases
    Then the profit and loss, balance sheet and cash flow equal the books on both accounting bases
    And the budgets' profit and loss and the metric values equal the books

  @balance
  Scenario: The balance sheet balances and the cash flow adds up every month
    Then every month end total assets equal total liabilities plus equity
    And every month the cash flow sections add up to the change in cash

  @pl-totals
  Scenario: Profit and loss totals equal the sum of their accounts
    Then every month each profit and loss total equals the sum of its accounts

  @chart
  Scenario: Every account in the statements is in the chart of accounts
    Then every account a statement names is in the chart of accounts
