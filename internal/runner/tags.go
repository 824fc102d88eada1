package runner

import (
	"fmt"
	"strings"
)

// checkTags refuses a tag expression godog cannot read. godog's filter
// knows "&&" (and, loosest), "," (or) and "~" (not) and nothing else; an
// empty term makes it panic, and a parenthesis or a space inside a term
// silently matches nothing, so a CI gate would run no scenario at all.
func checkTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, and := range strings.Split(expr, "&&") {
		for _, term := range strings.Split(and, ",") {
			term = strings.TrimSpace(term)
			name := strings.TrimPrefix(strings.TrimPrefix(term, "~"), "@")
			if name == "" || strings.ContainsAny(name, " \t()@~&|!") {
				return fmt.Errorf("--tags %q: %q is not a tag; write tags as @name, joined by && (and) or , (or), ~@name for not, no parentheses", expr, term)
			}
		}
	}
	return nil
}
