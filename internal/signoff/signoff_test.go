package signoff

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func reportDir(t *testing.T, verdict string) string {
	t.Helper()
	dir := t.TempDir()
	summary := `{"platform":"docplanner","partner":"p","accord_version":"v","verdict":"` + verdict + `","started":"2026-11-23T10:00:00Z","inputs":{"features/x.feature":"ab"},"scenarios":[{"name":"s","status":"` + verdict + `"}]}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "summary.json"), []byte(summary), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report.html"), []byte("<html>ok</html>"), 0o644))
	return dir
}

// keys is a new key pair, written by Keygen and read back.
func keys(t *testing.T) (ed25519.PrivateKey, ed25519.PublicKey) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "accord.key")
	require.NoError(t, Keygen(path))
	require.Error(t, Keygen(path), "never overwrite a key")
	priv, err := LoadPrivate(path)
	require.NoError(t, err)
	pub, err := LoadPublic(path + ".pub")
	require.NoError(t, err)
	return priv, pub
}

func TestSignAndVerify(t *testing.T) {
	priv, pub := keys(t)
	dir := reportDir(t, "passed")
	r, err := Sign(dir, priv, time.Now())
	require.NoError(t, err)
	assert.Len(t, r.Files, 2)
	_, problems, err := Verify(dir, pub)
	require.NoError(t, err)
	assert.Empty(t, problems)

	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		want   string
	}{
		{"edited report byte", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report.html"), []byte("<html>ok</html "), 0o644))
		}, "report.html: changed after signing"},
		{"added file", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("x"), 0o644))
		}, "extra.txt: added after signing"},
		{"removed file", func(t *testing.T, dir string) { require.NoError(t, os.Remove(filepath.Join(dir, "report.html"))) }, "report.html: missing"},
		{"edited sign-off", func(t *testing.T, dir string) {
			p := filepath.Join(dir, File)
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			edited := strings.Replace(string(b), `"partner": "p"`, `"partner": "q"`, 1)
			require.NotEqual(t, string(b), edited)
			require.NoError(t, os.WriteFile(p, []byte(edited), 0o644))
		}, "signature does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := reportDir(t, "passed")
			_, err := Sign(dir, priv, time.Now())
			require.NoError(t, err)
			tt.tamper(t, dir)
			_, problems, err := Verify(dir, nil)
			require.NoError(t, err)
			assert.Contains(t, problems, problemContaining(problems, tt.want))
		})
	}

	other, _ := keys(t)
	dir2 := reportDir(t, "passed")
	_, err = Sign(dir2, other, time.Now())
	require.NoError(t, err)
	_, problems, err = Verify(dir2, pub)
	require.NoError(t, err)
	assert.Contains(t, problems, "signed by a key other than the trusted one")
}

func problemContaining(problems []string, want string) string {
	for _, p := range problems {
		if strings.Contains(p, want) {
			return p
		}
	}
	return "(none contains " + want + ")"
}

func TestFailingRunCannotBeSigned(t *testing.T) {
	priv, _ := keys(t)
	_, err := Sign(reportDir(t, "failed"), priv, time.Now())
	assert.ErrorIs(t, err, ErrNotPassed)
	_, err = Sign(t.TempDir(), priv, time.Now())
	assert.ErrorContains(t, err, "not a report directory")
}

// TestOnlyAPassingVerdictCanBeSigned: passed with warnings is passed (the
// warnings are in the signed report); incomplete and failed are not.
func TestOnlyAPassingVerdictCanBeSigned(t *testing.T) {
	priv, _ := keys(t)
	for verdict, ok := range map[string]bool{"passed": true, "passed with warnings": true, "passed with waivers": true, "incomplete": false, "failed": false} {
		t.Run(verdict, func(t *testing.T) {
			dir := reportDir(t, verdict)
			_, err := Sign(dir, priv, time.Now())
			if !ok {
				assert.ErrorIs(t, err, ErrNotPassed)
				return
			}
			require.NoError(t, err)
			_, problems, err := Verify(dir, nil)
			require.NoError(t, err)
			assert.Empty(t, problems)
		})
	}
}

// TestSigningRecordsTheWaivers: a run passed with waivers is signed with
// the waivers it applied, and changing them breaks the signature.
func TestSigningRecordsTheWaivers(t *testing.T) {
	priv, pub := keys(t)
	dir := t.TempDir()
	summary := `{"platform":"docplanner","partner":"p","accord_version":"v","verdict":"passed with waivers","started":"2026-11-23T10:00:00Z","inputs":{},` +
		`"scenarios":[{"name":"s","status":"waived"}],"waivers":[{"scenario":"s","reason":"insurance plans come in 2.3","approved_by":"specialist","expires":"2027-01-31","line":2,"status":"applied"}]}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "summary.json"), []byte(summary), 0o644))
	r, err := Sign(dir, priv, time.Now())
	require.NoError(t, err)
	assert.Contains(t, string(r.Waivers), `"reason":"insurance plans come in 2.3"`)
	_, problems, err := Verify(dir, pub)
	require.NoError(t, err)
	assert.Empty(t, problems)
	p := filepath.Join(dir, File)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	edited := strings.Replace(string(b), "2027-01-31", "2029-01-31", 1)
	require.NotEqual(t, string(b), edited)
	require.NoError(t, os.WriteFile(p, []byte(edited), 0o644))
	_, problems, err = Verify(dir, pub)
	require.NoError(t, err)
	assert.Contains(t, problems, problemContaining(problems, "signature does not match"))
}
