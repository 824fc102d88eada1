package reach

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"

	"github.com/cucumber/godog"

	reachmock "github.com/accord-harness/accord/mocks/reach"
)

func registerDashboard(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^Reach builds its dashboard from the sync$`, w.buildDashboard)
	sc.Step(`^every figure on the dashboard equals the books: P&L by month, balance sheet, cash flow and KPIs$`, w.dashboardEqualsBooks)
	sc.Step(`^the dashboard is written to the report directory as "([^"]*)"$`, w.writeDashboard)
}

func (w *world) buildDashboard() error {
	cs, err := w.companies()
	if err != nil {
		return err
	}
	r, _ := w.lastSync("")
	w.dashboards = nil
	for _, c := range cs {
		w.dashboards = append(w.dashboards, reachmock.BuildDashboard(c.data, r.Kind, r.Started))
	}
	// Written as soon as it is built: when a figure on it is wrong, the
	// dashboard is what a specialist opens first.
	_, err = w.saveDashboard()
	return err
}

// dashboardEqualsBooks compares every company's dashboard with its books. A company whose books
// hold no month of the sync's window shows nothing and is compared as nothing; at least one company
// must show figures, or the check proved nothing.
func (w *world) dashboardEqualsBooks() error {
	if len(w.dashboards) == 0 {
		return fmt.Errorf("dashboard: none was built")
	}
	var bad []string
	shown := 0
	for i, d := range w.dashboards {
		books := w.s.set.Companies[i]
		want, err := reachmock.DashboardFromBooks(books, d.From, d.To)
		if err != nil {
			return fmt.Errorf("dashboard: the books of %s cannot show %s to %s: %v", books.Company.CompanyID, d.From, d.To, err)
		}
		if len(want.Bases) > 0 && len(want.Bases[0].Months) > 0 {
			shown++
		}
		for _, f := range reachmock.CompareDashboards(d, want) {
			bad = append(bad, books.Company.CompanyID+": "+f)
		}
	}
	if shown == 0 {
		return fmt.Errorf("dashboard: the sync's window %s to %s holds no month of any company's books", w.dashboards[0].From, w.dashboards[0].To)
	}
	return findings("dashboard", bad)
}

// writeDashboard checks the page written when the dashboard was built: in
// the report directory, under its name, showing every company.
func (w *world) writeDashboard(name string) error {
	if name != DashboardFile {
		return fmt.Errorf("dashboard: the report's dashboard is %s, not %s", DashboardFile, name)
	}
	if len(w.dashboards) == 0 {
		return fmt.Errorf("dashboard: none was built")
	}
	if w.s.reportDir == "" {
		return fmt.Errorf("dashboard: the run has no report directory")
	}
	path := filepath.Join(w.s.reportDir, name)
	back, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("dashboard: %v", err)
	}
	for _, d := range w.dashboards {
		if !strings.Contains(string(back), html.EscapeString(d.CompanyName)) {
			return fmt.Errorf("dashboard: %s does not show %s", path, d.CompanyName)
		}
	}
	return nil
}

// saveDashboard renders every company's dashboard into one page in the
// report directory, when the run has one.
func (w *world) saveDashboard() (string, error) {
	if w.s.reportDir == "" {
		return "", nil
	}
	var buf bytes.Buffer
	if err := reachmock.RenderDashboards(&buf, w.dashboards); err != nil {
		return "", fmt.Errorf("dashboard: rendering: %v", err)
	}
	path := filepath.Join(w.s.reportDir, DashboardFile)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("dashboard: %v", err)
	}
	w.s.mu.Lock()
	w.s.dashboard = path
	w.s.mu.Unlock()
	return path, nil
}
