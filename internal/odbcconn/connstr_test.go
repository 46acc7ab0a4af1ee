package odbcconn

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"", ""},
		{"a;b", "{a;b}"},
		{"a=b", "{a=b}"},
		{"{x}", "{{x}}}"},
		{"}", "{}}}"},
		{" lead", "{ lead}"},
		{"Pa;ss=w{o}rd é;x=", "{Pa;ss=w{o}}rd é;x=}"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Attr
		bad  bool
	}{
		{in: "DSN=compta", want: []Attr{{"DSN", "compta"}}},
		{in: "Driver={PostgreSQL Unicode};Server=127.0.0.1;;Port=5432;", want: []Attr{{"Driver", "PostgreSQL Unicode"}, {"Server", "127.0.0.1"}, {"Port", "5432"}}},
		{in: " Uid = marie ; Pwd={a;b}}c}", want: []Attr{{"Uid", "marie"}, {"Pwd", "a;b}c"}}},
		{in: "Pwd=", want: []Attr{{"Pwd", ""}}},
		{in: "Pwd={open", bad: true},
		{in: "novalue", bad: true},
		{in: "Pwd={a}b", bad: true},
		{in: "Pwd=a}b", bad: true},
		{in: "=x", bad: true},
	} {
		c, err := Parse(tc.in)
		if tc.bad {
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("Parse(%q) = %v, want ErrSyntax", tc.in, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(c.Attrs(), tc.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, c.Attrs(), err, tc.want)
		}
	}
}

func TestSecretsStayOut(t *testing.T) {
	c, err := Parse("Driver={PostgreSQL Unicode};Server=db;Database=postgres")
	if err != nil {
		t.Fatal(err)
	}
	pw := "Pa;ss=w{o}rd"
	c = c.WithCredentials("marie", pw)
	if got, _ := c.Get("PWD"); got != pw {
		t.Fatalf("password %q", got)
	}
	if !strings.Contains(c.String(), "Pwd={Pa;ss=w{o}}rd}") {
		t.Fatalf("full string %q", c.String())
	}
	red := c.Redacted()
	if strings.Contains(red, "Pa;ss") || strings.Contains(strings.ToLower(red), "pwd") || !strings.Contains(red, "Uid=marie") {
		t.Fatalf("redacted %q", red)
	}
	msg := c.Scrub(`FATAL: password authentication failed; conn "Pwd={Pa;ss=w{o}}rd}" raw Pa;ss=w{o}rd`)
	if strings.Contains(msg, "Pa;ss") {
		t.Fatalf("scrubbed %q", msg)
	}
	// A password typed in the wizard replaces one in the string.
	c2, _ := Parse("DSN=x;PASSWORD=old;UID=u")
	c2 = c2.WithCredentials("", "new")
	if _, ok := c2.Get("password"); ok {
		t.Fatalf("old PASSWORD kept: %q", c2.Redacted())
	}
}

// TestProbeNoDriver: an unknown driver is told apart from a refused
// connection, so the message can say that no driver is configured.
func TestProbeNoDriver(t *testing.T) {
	c, _ := New(Attr{"Driver", "Pilote Qui N'Existe Pas"}, Attr{"Pwd", "se;cret"})
	_, err := Probe(context.Background(), c)
	var pe *ProbeError
	if !errors.As(err, &pe) || !pe.NoDriver() {
		t.Fatalf("probe with an unknown driver: %#v", err)
	}
	if strings.Contains(err.Error(), "se;cret") {
		t.Fatalf("error shows the password: %v", err)
	}
}

// FuzzRoundTrip: whatever the values, building then parsing gives them
// back, and a parsed string rebuilds to the same pairs.
func FuzzRoundTrip(f *testing.F) {
	f.Add("Pwd", "Pa;ss=w{o}rd é;x=", "Driver={PostgreSQL Unicode};Server=x")
	f.Add("Uid", " }{ ", "DSN=a;;Pwd={}}}")
	f.Add("Database", "", "Pwd=")
	f.Fuzz(func(t *testing.T, key, value, raw string) {
		if ValidKey(key) {
			c, err := New(Attr{"Server", "x"}, Attr{key, value})
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(c.String())
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.String(), err)
			}
			wantVal := value
			if !strings.EqualFold(key, "Server") {
				if got, _ := back.Get(key); got != wantVal {
					t.Fatalf("value %q came back %q through %q", value, got, c.String())
				}
			}
			if !reflect.DeepEqual(back.Attrs(), c.Attrs()) {
				t.Fatalf("%v came back %v", c.Attrs(), back.Attrs())
			}
		}
		p, err := Parse(raw)
		if err != nil {
			return
		}
		again, err := Parse(p.String())
		if err != nil || !reflect.DeepEqual(again.Attrs(), p.Attrs()) {
			t.Fatalf("%q: %v rebuilt as %q gives %v, %v", raw, p.Attrs(), p.String(), again.Attrs(), err)
		}
		for _, s := range p.Secrets() {
			if s != "" && strings.Contains(p.Redacted(), Quote(s)) && !strings.Contains(p.Without("Pwd", "Password").String(), Quote(s)) {
				t.Fatalf("redacted %q shows a secret", p.Redacted())
			}
		}
	})
}
