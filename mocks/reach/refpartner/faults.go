package refpartner

import (
	"github.com/accord-harness/accord/internal/faults"
)

// Fault is a realistic mistake in a partner's implementation of the Reach API; the reference partner
// started with one makes it, to prove that the acceptance scenarios catch it.
type Fault = faults.Fault

// catalogue pairs each fault's name with what it breaks.
var catalogue = faults.New("Reach", [][2]string{
	{"html-on-bad-token", "answers a missing or wrong token with 200 and an HTML sign-in page instead of 401 with an errors body"},
	{"plain-text-errors", "sends error answers (401, 403, 404, 400) as text/plain instead of the JSON errors[] body"},
	{"accepts-other-company-token", "lets a valid token read any company, not only the companies it was issued for"},
	{"no-company-list", "lists user-info's companies under \"companies\" instead of the required \"Companies\" (a case-sensitive client finds no company)"},
	{"refresh-token-rejected", "refuses its own refresh tokens (invalid_grant), so Reach cannot renew access without the customer"},
	{"rate-limits-nightly", "rate-limits at night (more than 10 requests a minute between 00:00 and 06:00 UTC get 429), blocking the nightly sync"},
	{"missing-endpoint", "does not implement the departments list (404), a required endpoint"},
	{"metric-query-created", "answers the metric-values query (a POST) with 201 Created instead of 200, its web framework's default for POST"},
	{"unstable-amounts", "recomputes the P&L with a one-cent drift on every second sync"},
	{"unavailable-as-500", "answers 500 instead of 503 while briefly unavailable, so Reach does not retry"},
	{"partial-open-period", "answers 206 Partial Content instead of 200 to a statement whose period runs past the books' last month"},
	{"page-skip", "starts every page after the first one record late, so one record per page boundary is never read"},
	{"page-repeat", "starts every page after the first one record early, so records are read twice"},
	{"unstable-total", "reports a Pagination.total that changes from page to page"},
	{"limit-ignored", "ignores limit and always answers up to 100 records"},
	{"accepts-limit-1001", "accepts a limit over 1000 instead of refusing it with 400"},
	{"wrong-basis", "ignores AccountingBasis: a CASH request gets the accrual figures"},
	{"unbalanced-balance-sheet", "leaves current year earnings off the balance sheet, so assets no longer equal liabilities plus equity"},
	{"pl-totals-off", "leaves the payroll accounts out of the P&L's TotalExpenses and the totals below it"},
	{"unknown-account-in-statements", "leaves an account used by the statements (acct_6700 Clinical Supplies) out of the chart of accounts"},
	{"datetime-dates", "writes statement dates with a time (2025-01-01T00:00:00Z) instead of YYYY-MM-DD"},
	{"null-empty-lists", "answers null instead of [] for an empty list"},
	{"null-page-past-end", "answers null instead of [] for a page past the end of a list that has records (lists with none are [])"},
	{"dynamic-field-names", "adds each statement line's amount under a field named after its month (\"2025-01\": ...)"},
	{"slow-answers", "takes 3 seconds to answer each statement, over the 2-second budget"},
	{"calendar-fiscal-year", "reports FiscalMonthEnd 12 although the books close in June"},
	{"refresh-token-not-saved", "hands out a new refresh token on every renewal but never saves it, so the second renewal is refused"},
	{"refreshed-token-first-company-only", "issues access tokens from a refresh grant for the customer's first company only, so after a renewal the other companies are refused"},
	{"access-tokens-never-expire", "never checks an access token's expiry: a token past its life still reads the books"},
	{"static-token-expires", "gives the customer's static token a life of one day, as if it were a session"},
	{"class-filter-ignored", "ignores ClassId on the statements: a class gets the whole company's figures"},
	{"nested-class-rollup", "adds a nested class's figures to its parent's, which Reach rolls up itself"},
	{"default-limit-ignored", "answers a list asked without limit with up to 1000 records, not the document's default of 100"},
	{"unknown-budget-empty", "answers a statement for an unknown BudgetId with 200 and empty arrays instead of 404"},
	{"empty-month-dropped", "leaves a month without a single posting out of the profit and loss and cash flow summaries"},
	{"parent-class-dropped", "leaves ParentClassId out of the classes list, so nested classes come back flat"},
	{"lines-on-header", "reports the payroll accounts' figures as one line on their header account (Payroll), which carries no amounts of its own"},
	{"period-not-echoed", "repeats the books' first and last day as a statement's StartDate and EndDate, not the period asked for"},
	{"user-info-duplicates", "lists a company in user-info once per role the user holds in it, so the first company, which the user owns and keeps the books of, comes twice"},
	{"cash-flow-opening-zero", "starts every cash flow at a BeginningCash of 0, as if cash began with the period asked for"},
	{"stale-report-cache", "keeps each statement it computed, by the request, and serves it again after the books changed (a month closed), so Reach's next sync shows the old figures"},
	{"authorize-page-missing", "advertises an authorization endpoint its web app does not serve (404), so a customer's browser sent there by Reach never reaches the sign-in page"},
	{"client-secret-not-checked", "checks only the client_id at the token endpoint, so a wrong client secret still gets tokens"},
	{"code-reusable", "lets an authorization code be exchanged again after its first use, so a code caught in a log or a browser history still gets tokens"},
	{"token-answer-cacheable", "answers the token endpoint without Cache-Control: no-store, so a proxy or browser may keep the tokens"},
	{"other-company-info-of-customer", "answers another customer's company information with the customer's first company, as a tenant lookup that falls back to the first company does"},
	{"redirect-uri-not-checked", "sends the customer back with a code to whatever redirect_uri comes with Reach's client_id, so a link with an attacker's redirect URI hands them the customer's grant"},
	{"accepts-limit-0", "answers limit=0 with an empty page, as its database's LIMIT 0 does, instead of refusing it with 400"},
	{"discovery-implicit-only", "advertises response_types_supported [token], its framework's default, although Reach runs the authorization code flow"},
	{"discovery-basic-auth-only", "advertises token_endpoint_auth_methods_supported [client_secret_basic], its framework's default, although Reach authenticates with client_secret_post"},
	{"unknown-basis-as-accrual", "answers a statement on an AccountingBasis it does not know (BOTH) with the accrual figures instead of 400"},
	{"reversed-period-empty", "answers a statement whose EndDate comes before its StartDate with 200 and empty arrays instead of 400"},
	{"metric-query-without-ids-empty", "answers a metric query naming no metric with 200 and no values instead of 400"},
	{"negative-offset-clamped", "clamps a negative offset to 0 and answers the first page instead of refusing it with 400"},
	{"redirect-query-dropped", "sends the customer back to the redirect URI without its own query (RFC 6749 §3.1.2 keeps it), so Reach's callback loses its region"},
	{"redirect-uri-not-compared", "exchanges a code whatever redirect_uri comes with it, not only the one the code was issued for (RFC 6749 §4.1.3)"},
	{"consent-form-drops-state", "leaves the state Reach sent out of its consent form, so the customer who presses Allow goes back to Reach without it and Reach refuses the callback (RFC 6749 §4.1.2)"},
	{"small-limit-rounded-up", "rounds a limit under 5 up to 5, its database driver's smallest batch"},
})

// Faults lists the catalogue, sorted by name.
func Faults() []Fault { return catalogue.List() }
