package reach

import (
	"encoding/json"
	"fmt"
	"mime"
	"slices"
	"strings"
)

// Refusal says what is wrong with the answer to a call the partner must refuse: its status must be
// one of allowed and its body the specification's JSON errors[] array of {error, message}. It returns
// "" for a proper refusal.
func Refusal(res *Result, allowed ...int) string {
	ct := res.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if !slices.Contains(allowed, res.Status) {
		what := fmt.Sprintf("answered %d", res.Status)
		if strings.Contains(mt, "html") {
			what += " with an HTML page"
		} else {
			what += " " + brief(res.Body)
		}
		return fmt.Sprintf("%s; want %s", what, statusList(allowed))
	}
	if !isJSON(ct) {
		return fmt.Sprintf("answered %d as %q %s, not the JSON errors body", res.Status, ct, brief(res.Body))
	}
	var body struct {
		Errors []struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil || len(body.Errors) == 0 {
		return fmt.Sprintf("answered %d %s, not an errors[] array", res.Status, brief(res.Body))
	}
	for i, e := range body.Errors {
		if e.Error == "" || e.Message == "" {
			return fmt.Sprintf("answered %d, but errors.%d lacks error or message %s", res.Status, i, brief(res.Body))
		}
	}
	return ""
}

func statusList(xs []int) string {
	parts := make([]string, 0, len(xs))
	for _, x := range xs {
		parts = append(parts, fmt.Sprint(x))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
