package driver

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/accord-harness/accord/internal/boundedhttp"
)

// The server side of the contract's JSON conventions, for partners written
// in Go (the reference partners use them).

// WriteJSON answers v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError answers the contract's error body, {"error": "..."}.
func WriteError(w http.ResponseWriter, status int, format string, args ...any) {
	WriteJSON(w, status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// ReadJSON decodes a request body of at most 1 MiB into v; when it cannot,
// it answers 400 naming the problem and returns false.
func ReadJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := boundedhttp.ReadLimited(r.Body, 1<<20)
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		WriteError(w, http.StatusBadRequest, "invalid JSON: %v", err)
		return false
	}
	return true
}
