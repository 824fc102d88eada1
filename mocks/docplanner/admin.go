package docplanner

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/accord-harness/accord/internal/boundedhttp"
	"github.com/accord-harness/accord/internal/journal"
)

// AdminHandler is the platform's own side over HTTP, for a partner developer
// running `accord mock docplanner`: make a patient book, cancel or move, a
// doctor add or remove a break, turn real-time checks on, make the client a
// DocplannerPMS client, read the journal.
// It lives under /_accord/ and is not part of Docplanner's API.
func (m *Mock) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_accord/clients/{client}/patient-bookings", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			AddressID string    `json:"address_id"`
			Start     time.Time `json:"start"`
			Patient   Patient   `json:"patient"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		if in.Patient.Name == "" {
			in.Patient = Patient{Name: "Test", Surname: "Patient", Phone: "+48500000000"}
		}
		id, err := m.PatientBooks(r.PathValue("client"), in.AddressID, in.Start, in.Patient)
		reply(w, map[string]string{"booking_id": id}, err)
	})
	mux.HandleFunc("DELETE /_accord/clients/{client}/patient-bookings/{id}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, nil, m.PatientCancels(r.PathValue("client"), r.PathValue("id")))
	})
	mux.HandleFunc("POST /_accord/clients/{client}/patient-bookings/{id}/move", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Start time.Time `json:"start"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		id, err := m.PatientMoves(r.PathValue("client"), r.PathValue("id"), in.Start)
		reply(w, map[string]string{"booking_id": id}, err)
	})
	mux.HandleFunc("POST /_accord/clients/{client}/breaks", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			AddressID string    `json:"address_id"`
			Since     time.Time `json:"since"`
			Till      time.Time `json:"till"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		id, err := m.DoctorAddsBreak(r.PathValue("client"), in.AddressID, in.Since, in.Till)
		reply(w, map[string]string{"break_id": id}, err)
	})
	mux.HandleFunc("DELETE /_accord/clients/{client}/addresses/{address}/breaks/{id}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, nil, m.DoctorRemovesBreak(r.PathValue("client"), r.PathValue("address"), r.PathValue("id")))
	})
	mux.HandleFunc("PUT /_accord/clients/{client}/real-time", toggle(m.SetRealTime))
	mux.HandleFunc("PUT /_accord/clients/{client}/pms", toggle(m.SetPMS))
	mux.HandleFunc("GET /_accord/journal", func(w http.ResponseWriter, r *http.Request) {
		tenant := r.URL.Query().Get("client")
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil || limit <= 0 {
			limit = 100
		}
		es := m.journal.Select(func(e journal.Entry) bool { return tenant == "" || e.Tenant == tenant })
		reply(w, tail(es, limit), nil)
	})
	return mux
}

// toggle serves a client setting switched by {"on": bool}.
func toggle(set func(clientID string, on bool) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			On bool `json:"on"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		reply(w, nil, set(r.PathValue("client"), in.On))
	}
}

func tail[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[len(xs)-n:]
	}
	return xs
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := boundedhttp.ReadLimited(r.Body, 64<<10)
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		reply(w, nil, errors.New("invalid JSON body: "+err.Error()))
		return false
	}
	return true
}

func reply(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	if v == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}
