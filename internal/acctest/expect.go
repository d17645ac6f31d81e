package acctest

import (
	"regexp"
	"strings"
)

// ExpectErrorText returns a pattern for a step's ExpectError that matches the phrases in the
// order given, with anything between them. The Terraform CLI wraps long diagnostic lines, so
// each phrase is taken literally except that any run of white space in it matches any run of
// white space, line breaks included.
func ExpectErrorText(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, phrase := range phrases {
		words := strings.Fields(phrase)
		for j, word := range words {
			words[j] = regexp.QuoteMeta(word)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
