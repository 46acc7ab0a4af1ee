package transfer

import "testing"

// A row of a table keyed by its rowid is « n° 2 » for a person (a conflict
// said « ligne rowid 2 »).
func TestDescribeKeyWithoutColumnName(t *testing.T) {
	if got := (&change{rowid: 2}).describeKey(&table{Rowid: "rowid"}); got != "n°\u00a02" {
		t.Errorf("describeKey = %q", got)
	}
}
