package yamlkeys

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Reword is what a user reads instead of a yaml.v3 message's text about a
// line that ends with Suffix and contains Contains (each when set): Say, its
// %q (when it has one) standing for the value the message quotes between
// backquotes.
type Reword struct{ Suffix, Contains, Say string }

// Duration is how every configuration says that a value is not a duration.
var Duration = Reword{Suffix: "time.Duration", Say: "%q is not a duration (use e.g. 30s, 5m, 1h)"}

// Line splits a yaml.v3 message with re, whose groups are the line and what
// the message says about it, and says that in the words of the first of
// words that fits (as yaml.v3 says it when none does). ok is false when re
// does not match.
func Line(re *regexp.Regexp, msg string, words []Reword) (line int, text string, ok bool) {
	m := re.FindStringSubmatch(msg)
	if m == nil {
		return 0, "", false
	}
	line, _ = strconv.Atoi(m[1])
	text = m[2]
	for _, w := range words {
		if !strings.HasSuffix(text, w.Suffix) || !strings.Contains(text, w.Contains) {
			continue
		}
		if !strings.Contains(w.Say, "%q") {
			return line, w.Say, true
		}
		val := ""
		if i, j := strings.Index(text, "`"), strings.LastIndex(text, "`"); i >= 0 && j > i {
			val = text[i+1 : j]
		}
		return line, fmt.Sprintf(w.Say, val), true
	}
	return line, text, true
}
