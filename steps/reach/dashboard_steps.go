package reach

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"

	"github.com/cucumber/godog"

	mock "github.com/accord-harness/accord/mocks/reach"
)

func registerDashboard(sc *godog.ScenarioContext, w *world) {
	sc.Step(`^Reach builds its dashboard from the sync$`, w.buildDashboard)
	sc.Step(`^every figure on the dashboard equals the books: P&L by month, balance sheet, cash flow and KPIs$`, w.dashboardEqualsBooks)
	sc.Step(`^the dashboard is written to the report directory as "([^"]*)"$`, w.writeDashboard)
}

func (w *world) buildDashboard() error {
	cd, err := w.company()
	if err != nil {
		return err
	}
	r, _ := w.lastSync("")
	w.dashboard = mock.BuildDashboard(cd, r.Kind, r.Started)
	return nil
}

func (w *world) dashboardEqualsBooks() error {
	d := w.dashboard
	if d == nil {
		return fmt.Errorf("dashboard: none was built")
	}
	want, err := mock.DashboardFromBooks(w.s.books, d.From, d.To)
	if err != nil {
		return fmt.Errorf("dashboard: the books cannot show %s to %s: %v", d.From, d.To, err)
	}
	if len(want.Bases) == 0 || len(want.Bases[0].Months) == 0 {
		return fmt.Errorf("dashboard: the sync's window %s to %s holds no month of the books (%s to %s)", d.From, d.To, w.s.books.FirstMonth, w.s.books.LastMonth)
	}
	return findings("dashboard", mock.CompareDashboards(d, want))
}

// writeDashboard renders the dashboard into the report directory and reads it back.
func (w *world) writeDashboard(name string) error {
	if name != DashboardFile {
		return fmt.Errorf("dashboard: the report's dashboard is %s, not %s", DashboardFile, name)
	}
	if w.dashboard == nil {
		return fmt.Errorf("dashboard: none was built")
	}
	if w.s.reportDir == "" {
		return fmt.Errorf("dashboard: the run has no report directory")
	}
	var buf bytes.Buffer
	if err := w.dashboard.Render(&buf); err != nil {
		return fmt.Errorf("dashboard: rendering: %v", err)
	}
	path := filepath.Join(w.s.reportDir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("dashboard: %v", err)
	}
	back, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("dashboard: %v", err)
	}
	if !strings.Contains(string(back), html.EscapeString(w.dashboard.CompanyName)) {
		return fmt.Errorf("dashboard: %s does not show the company's name", path)
	}
	w.s.mu.Lock()
	w.s.dashboard = path
	w.s.mu.Unlock()
	return nil
}
