package admin

import "testing"

func TestLabel(t *testing.T) {
	all := []string{"2019", "2020", "2021", "2022", "2023", "2024"}
	tests := []struct {
		chosen []string
		want   string
	}{
		{[]string{"2024"}, "2024"},
		{[]string{"2023", "2024"}, "2023-2024"},
		{[]string{"2020", "2021", "2022"}, "2020-2022"},
		{[]string{"2019", "2023"}, "2019_2023"},
		{[]string{"2023/24"}, "2023_24"},
	}
	for _, tt := range tests {
		if got := Label(all, tt.chosen); got != tt.want {
			t.Errorf("Label(%v) = %q, want %q", tt.chosen, got, tt.want)
		}
	}
}
