package service

import (
	"context"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"
)

// taskText decodes TaskXML's UTF-16 (with its byte order mark) for
// comparison with the golden files, kept in UTF-8 with LF line ends.
func taskText(t *testing.T, b []byte) string {
	t.Helper()
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xFE || len(b)%2 != 0 {
		t.Fatalf("not UTF-16LE with a byte order mark: % x", b[:min(len(b), 4)])
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 2; i < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	return strings.ReplaceAll(string(utf16.Decode(u)), "\r\n", "\n")
}

// TestTaskXMLGolden: the scheduled task, in the session and without one,
// is exactly the golden file (COFFRE_UPDATE_GOLDEN=1 rewrites them). It
// runs on battery (the XML written before this test left
// StopIfGoingOnBatteries out, whose default, true, stopped the backup when
// a laptop was unplugged), for the installing user only (a LogonTrigger
// without UserId needs an administrator), and is well-formed.
func TestTaskXMLGolden(t *testing.T) {
	for _, c := range []struct {
		golden string
		spec   TaskSpec
	}{
		{"tache-session.xml", TaskSpec{Exe: `C:\Program Files\Coffre\coffre.exe`, ConfigPath: `C:\Users\Élodie\AppData\Roaming\Coffre\coffre.toml`,
			Hour: 21, Minute: 30, User: `CABINET\elodie`}},
		{"tache-sans-session.xml", TaskSpec{Exe: `C:\Program Files\Coffre\coffre-cli.exe`, ConfigPath: `C:\Users\Élodie\AppData\Roaming\Coffre\coffre.toml`,
			Hour: 7, Minute: 5, User: `CABINET\elodie`, WithoutSession: true}},
	} {
		b, err := TaskXML(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		got := taskText(t, b)
		path := filepath.Join("testdata", c.golden)
		if os.Getenv("COFFRE_UPDATE_GOLDEN") == "1" {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs:\n%s", c.golden, got)
		}
		var parsed struct {
			Settings struct {
				Disallow bool `xml:"DisallowStartIfOnBatteries"`
				Stop     bool `xml:"StopIfGoingOnBatteries"`
			} `xml:"Settings"`
			Logon string `xml:"Principals>Principal>LogonType"`
		}
		// encoding/xml reads only UTF-8: the declaration is changed to match.
		if err := xml.Unmarshal([]byte(strings.Replace(got, `encoding="UTF-16"`, `encoding="UTF-8"`, 1)), &parsed); err != nil {
			t.Fatalf("%s: %v", c.golden, err)
		}
		if parsed.Settings.Disallow || parsed.Settings.Stop {
			t.Errorf("%s: stops on battery: %+v", c.golden, parsed.Settings)
		}
		if want := map[bool]string{false: "InteractiveToken", true: "Password"}[c.spec.WithoutSession]; parsed.Logon != want {
			t.Errorf("%s: logon type %q, want %q", c.golden, parsed.Logon, want)
		}
		if !strings.Contains(got, "<Command>"+c.spec.Exe+"</Command>") {
			t.Errorf("%s: does not start %s", c.golden, c.spec.Exe)
		}
	}
	if _, err := TaskXML(TaskSpec{Exe: "coffre.exe"}); err == nil {
		t.Error("a task without a user was written")
	}
}

// TestTaskProgram: in the session the task starts coffre.exe (no console
// window at each logon), without one coffre-cli.exe, each only when it is
// there beside the running program.
func TestTaskProgram(t *testing.T) {
	dir := t.TempDir()
	gui, cli := filepath.Join(dir, "coffre.exe"), filepath.Join(dir, "coffre-cli.exe")
	for _, f := range []string{gui, cli} {
		if err := os.WriteFile(f, []byte("MZ"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		running   string
		noSession bool
		want      string
	}{
		{cli, false, gui}, {gui, false, gui}, {gui, true, cli}, {cli, true, cli},
		{filepath.Join(t.TempDir(), "coffre-cli.exe"), false, ""}, // alone: itself
	} {
		want := c.want
		if want == "" {
			want = c.running
		}
		if got := TaskProgram(c.running, c.noSession); got != want {
			t.Errorf("TaskProgram(%s, %v) = %s, want %s", c.running, c.noSession, got, want)
		}
	}
}

// TestInstallUnit: on Linux, Install writes the systemd user unit for the
// engine's configuration, reloads systemd, enables and starts it, and
// says how to keep it running without a session; Uninstall stops it and
// removes the file. systemctl is replaced by a recorder.
func TestInstallUnit(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the systemd unit is Linux's; Windows registers a scheduled task (schtasks), which Wine does not run")
	}
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	var calls []string
	fail := ""
	oldRun, oldLook := runCommand, lookPath
	t.Cleanup(func() { runCommand, lookPath = oldRun, oldLook })
	lookPath = func(string) (string, error) { return "/usr/bin/systemctl", nil }
	runCommand = func(_ context.Context, name string, args ...string) ([]byte, error) {
		line := name + " " + strings.Join(args, " ")
		calls = append(calls, line)
		if fail != "" && strings.Contains(line, fail) {
			return []byte("Failed to connect to bus: No medium found\n"), errors.New("exit status 1")
		}
		return nil, nil
	}
	cfg := filepath.Join(t.TempDir(), "mon coffre.toml")
	if err := os.WriteFile(cfg, []byte("[sauvegarde_automatique]\nheure = \"06:45\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := New(cfg)
	inst, err := e.Install(context.Background(), InstallOptions{Exe: "/opt/coffre/coffre"})
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(home, "systemd", "user", UnitName)
	if inst.File != unit || !inst.Registered || inst.Task {
		t.Errorf("installed: %+v", inst)
	}
	if got := strings.Join(calls, "; "); got != "systemctl --user daemon-reload; systemctl --user enable --now coffre.service" {
		t.Errorf("systemctl calls: %s", got)
	}
	if len(inst.Hints) != 1 || !strings.Contains(inst.Hints[0], "loginctl enable-linger") {
		t.Errorf("hints: %q", inst.Hints)
	}
	b, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	if want := `ExecStart=/opt/coffre/coffre service --sans-icone --config "` + cfg + `"`; !strings.Contains(string(b), want) {
		t.Errorf("unit lacks %q:\n%s", want, b)
	}

	calls = nil
	fail = "enable"
	if _, err := e.Install(context.Background(), InstallOptions{Exe: "/opt/coffre/coffre"}); err == nil ||
		!strings.Contains(err.Error(), "Failed to connect to bus") || !strings.Contains(err.Error(), "n'a pas pu être enregistrée") {
		t.Errorf("a failing systemctl: %v", err)
	}

	calls, fail = nil, ""
	dry, err := e.Install(context.Background(), InstallOptions{Exe: "/opt/coffre/coffre", DryRun: true})
	if err != nil || dry.Registered || len(calls) != 0 || len(dry.Commands) != 2 {
		t.Errorf("dry run: %+v %v, calls %q", dry, err, calls)
	}

	calls = nil
	rm, err := e.Uninstall(context.Background())
	if err != nil || !rm.Registered || rm.File != unit {
		t.Fatalf("uninstall: %+v %v", rm, err)
	}
	if got := strings.Join(calls, "; "); got != "systemctl --user disable --now coffre.service; systemctl --user daemon-reload" {
		t.Errorf("systemctl calls: %s", got)
	}
	if _, err := os.Stat(unit); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unit left: %v", err)
	}
	if _, err := e.Uninstall(context.Background()); err != nil {
		t.Errorf("uninstalling twice: %v", err)
	}
}
