package dikidi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTheRelayForwardsEveryEventUnchanged: the Path gets DIKIDI's POST as
// sent, a plain body with its Content-Length, so a partner's server that
// reads Content-Length (and never chunked bodies) reads the whole event.
func TestTheRelayForwardsEveryEventUnchanged(t *testing.T) {
	const event = `{"event":"record.created","data":{"id":17}}`
	type seen struct {
		length   int64
		encoding []string
		body     string
		typ      string
	}
	got := make(chan seen, 1)
	path := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.ContentLength, r.TransferEncoding, string(b), r.Header.Get("Content-Type")}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer path.Close()
	r := newRelay()
	r.set(7, path.URL)
	front := httptest.NewServer(r)
	defer front.Close()
	// DIKIDI's own request streams its body: the relay must not pass that on.
	res, err := http.Post(front.URL+"/path/7", "application/json", io.NopCloser(strings.NewReader(event)))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNoContent, res.StatusCode)
	s := <-got
	assert.Equal(t, int64(len(event)), s.length)
	assert.Empty(t, s.encoding, "no Transfer-Encoding: chunked")
	assert.Equal(t, event, s.body)
	assert.Equal(t, "application/json", s.typ)
}
