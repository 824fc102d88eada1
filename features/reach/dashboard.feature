# @books-unchanged: the dashboard is Reach's own view of a sync: nothing here changes the partner's books (@whole-books compares them).
@reach @dashboard @books-unchanged
Feature: Data display in dashboards
  From what one sync pulled, Reach shows the profit and loss by month with the fiscal year to date,
  the balance sheet at each month end, the cash flow and the KPIs, building its own totals from the
  statement lines and the chart of accounts. accord renders that dashboard into the run's report
  directory (reach-dashboard.html) and checks every figure against the books the partner was told
  to load.

  Background:
    Given the partner serves the customer's books: "Lantern Physiotherapy Pty Ltd", "Fernhill Veterinary Clinic Limited" and "Tidewater Allied Health LLC"
    And Reach has synced on demand

  @dashboard-figures
  Scenario: Reach's dashboard shows the books' figures
    When Reach builds its dashboard from the sync
    Then every figure on the dashboard equals the books: P&L by month, balance sheet, cash flow and KPIs
    And the dashboard is written to the report directory as "reach-dashboard.html"
