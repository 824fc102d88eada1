package suitetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadScenariosSeesOutlinesAsGodogDoes: the parser gives an outline one
// scenario per example, with its name and steps filled in, its tags, the
// comment above it and which steps are the background's.
func TestReadScenariosSeesOutlinesAsGodogDoes(t *testing.T) {
	got, err := Parse("x.feature", `# the feature's why
@p @f @g
Feature: f
  Background:
    Given a clinic

  # why
  @s
  Scenario Outline: <who> books at <when>
    Given the partner has activated
    When <who> books
    And it is <when>
    Then it shows

    @e
    Examples:
      | who | when  |
      | Ann | 10:00 |
      | Bob | 11:00 |

  Scenario: plain
    Given nothing

  Rule: r
    Scenario: ruled
      When it acts
`)
	require.NoError(t, err)
	require.Len(t, got, 4)
	assert.Equal(t, "Ann books at 10:00", got[0].Name)
	assert.Equal(t, "<who> books at <when>", got[0].Title)
	assert.Equal(t, []string{"@p", "@f", "@g", "@s", "@e"}, got[0].Tags)
	assert.Equal(t, []string{"@s"}, got[0].Own)
	assert.Equal(t, []string{"@f", "@g"}, got[0].FeatureTags)
	assert.Equal(t, "@g", got[0].FeatureTag())
	assert.Equal(t, "why", got[0].Comment)
	assert.Equal(t, "the feature's why", got[0].FeatureComment)
	assert.Equal(t, []Step{{"Given", "a clinic", true}, {"Given", "the partner has activated", false}, {"When", "Bob books", false}, {"When", "it is 11:00", false}, {"Then", "it shows", false}}, got[1].Steps)
	assert.True(t, got[1].Acts())
	assert.Equal(t, "plain", got[2].Name)
	assert.Equal(t, []string{"@p", "@f", "@g"}, got[2].Tags)
	assert.Empty(t, got[2].Comment)
	assert.False(t, got[2].Acts(), "a Given of the background and its own change nothing")
	assert.Equal(t, "ruled", got[3].Name)
	assert.True(t, got[3].Acts())
}

// TestMatchesIsGodogsTagFilter: the cases of godog's own filter, and the
// expressions the suites use.
func TestMatchesIsGodogsTagFilter(t *testing.T) {
	tags := []string{"@reach", "@auth", "@oauth"}
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{"", true},
		{"@auth", true},
		{"auth", true},
		{"@pull", false},
		{"~@pull", true},
		{"~@oauth", false},
		{"@pull,@oauth", true},
		{"@auth && ~@oauth", false},
		{"@auth,@schedule,@dashboard && ~@retry-503", true},
		{"@schedule,@dashboard && ~@retry-503", false},
		{"@auth && @reach", true},
	} {
		assert.Equal(t, tc.want, Matches(tc.expr, tags), "%q", tc.expr)
	}
}

// TestWholeStateViolationsCatchWhatTheyMust: the rule as each platform's
// suite holds it, tried on small features.
func TestWholeStateViolationsCatchWhatTheyMust(t *testing.T) {
	const whole, explored = "both sides agree", "both sides agreed after every step"
	const feature = "@p @f\nFeature: F\n  Background:\n    Given the partner serves\n"
	for _, tc := range []struct {
		name, text   string
		taggedReason bool
		bad          bool
	}{
		{"acts and ends with the whole state", "  Scenario: A\n    When x\n    Then " + whole + "\n", false, false},
		{"acts and ends elsewhere", "  Scenario: A\n    When x\n    Then y\n", false, true},
		{"acts and ends elsewhere, the whole state before", "  Scenario: A\n    When x\n    Then " + whole + "\n    And y\n", false, true},
		{"only looks", "  Scenario: A\n    Then y\n", false, false},
		{"explores", "  @explore\n  Scenario: A\n    When x\n    Then " + explored + "\n", false, false},
		{"explores, ends with one comparison", "  @explore\n  Scenario: A\n    When x\n    Then " + whole + "\n", false, true},
		{"exempt with a reason", "  # x reads only\n  @a @exempt\n  Scenario: A\n    When x\n    Then y\n", false, false},
		{"exempt without a reason", "  @a @exempt\n  Scenario: A\n    When x\n    Then y\n", false, true},
		{"exempt without a reason, looking only", "  @exempt\n  Scenario: A\n    Then y\n", false, true},
		{"exempt with a tagged reason", "  # @exempt: x reads only\n  @a @exempt\n  Scenario: A\n    When x\n    Then y\n", true, false},
		{"exempt with an untagged reason", "  # x reads only\n  @a @exempt\n  Scenario: A\n    When x\n    Then y\n", true, true},
		{"exempt with an empty tagged reason", "  # @exempt:\n  @a @exempt\n  Scenario: A\n    When x\n    Then y\n", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scs, err := Parse("f.feature", feature+tc.text)
			require.NoError(t, err)
			got := WholeState{Step: whole, Explored: explored, Exempt: "@exempt", TaggedReason: tc.taggedReason}.Violations(scs)
			assert.Equal(t, tc.bad, len(got) > 0, "%v", got)
		})
	}
	exemptFeature := "# @exempt: the feature reads only\n@p @f @exempt\nFeature: F\n  Scenario: A\n    When x\n    Then y\n"
	scs, err := Parse("f.feature", exemptFeature)
	require.NoError(t, err)
	assert.Empty(t, WholeState{Step: whole, Exempt: "@exempt", TaggedReason: true}.Violations(scs), "a feature's tag and reason cover its scenarios")
}

func TestColumnReadsEveryTable(t *testing.T) {
	doc := "| a | b |\n|---|---|\n| `x` | y |\n\ntext\n| dimension | scenarios |\n|---|---|\n| `code` | `One`; `Two` |\n| z | every check |\n"
	assert.Equal(t, []string{"---", "`One`; `Two`", "every check"}, Column(doc, "scenarios"))
	assert.Equal(t, []string{"b", "---", "y", "scenarios", "---", "`One`; `Two`", "every check"}, Column(doc, ""))
	assert.Equal(t, []string{"One", "Two"}, Backticked("`One`; `Two`"))
}
