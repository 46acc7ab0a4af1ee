package service

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"unicode/utf16"

	"coffre/internal/config"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
)

// TaskName is the scheduled task's name in the Task Scheduler (folder
// « Coffre »).
const TaskName = `Coffre\Sauvegarde automatique`

// UnitName is the systemd user unit's name.
const UnitName = "coffre.service"

var (
	msgInstallFailed   = &i18n.Message{ID: "ServiceInstallationEchec", Other: "La sauvegarde automatique n'a pas pu être enregistrée ({{.Command}}) : {{.Output}}"}
	msgUninstallFailed = &i18n.Message{ID: "ServiceDesinstallationEchec", Other: "La sauvegarde automatique n'a pas pu être retirée ({{.Command}}) : {{.Output}}"}
	msgNoTool          = &i18n.Message{ID: "ServiceOutilAbsent", Other: "« {{.Tool}} » est introuvable sur cet ordinateur : le fichier est écrit, activez-le avec les commandes ci-dessous."}
	msgHintLinger      = &i18n.Message{ID: "ServiceConseilLinger", Other: "pour qu'elle tourne aussi sans session ouverte : loginctl enable-linger {{.User}}"}
)

// InstallOptions are the choices of « coffre service installer » and of
// the wizard's « Sauvegarder automatiquement ».
type InstallOptions struct {
	// WithoutSession runs the task « que l'utilisateur soit connecté ou
	// non » (Windows: stored password, asked by schtasks; an administrator's
	// choice). Otherwise it runs in the user's session from logon.
	WithoutSession bool
	// Exe is the program the task starts; "" is this one, or the twin
	// beside it that suits (see TaskProgram).
	Exe string
	// DryRun writes the file but registers nothing: Installed.Commands
	// are what to type. COFFRE_SERVICE_FICHIER_SEULEMENT=1 in the
	// environment forces it (the wizard's tests: no real task or unit).
	DryRun bool
}

// Installed says what Install wrote and did.
type Installed struct {
	File string
	// Registered is true when the task or unit was registered and
	// started; otherwise Commands are left to type.
	Registered bool
	Commands   []string
	// Hints are further steps worth knowing (one line each, in French).
	Hints []string
	// Task is true for a Windows scheduled task (false: a systemd unit);
	// Hour and Minute are its daily start, WithoutSession as asked.
	Task           bool
	Hour, Minute   int
	WithoutSession bool
}

// runCommand runs a system tool (schtasks, systemctl) with the console
// attached, so that schtasks can ask for the password; tests replace it.
var runCommand = func(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = os.Stdin
	return cmd.CombinedOutput()
}

var lookPath = exec.LookPath

// Install registers the automatic backup for the engine's configuration
// file: on Windows a scheduled task (schtasks /Create /XML), on Linux a
// systemd user unit, enabled and started. It is the one way in: the
// command line's « service installer » and the wizard's « Sauvegarder
// automatiquement » both call it. The daily time is the configuration's
// « heure » (21:30 without one).
func (e *Engine) Install(ctx context.Context, o InstallOptions) (Installed, error) {
	if os.Getenv("COFFRE_SERVICE_FICHIER_SEULEMENT") == "1" {
		o.DryRun = true
	}
	cfg, err := config.Load(e.ConfigPath)
	if err != nil {
		return Installed{}, err
	}
	h, m, ok, _ := cfg.Auto.TimeOfDay()
	if !ok {
		h, m = 21, 30
	}
	configPath := e.ConfigPath
	if abs, err := filepath.Abs(configPath); err == nil {
		configPath = abs
	}
	exe := o.Exe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return Installed{}, err
		}
		exe = TaskProgram(exe, o.WithoutSession)
	}
	if runtime.GOOS == "windows" {
		return installTask(ctx, exe, configPath, h, m, o)
	}
	return installUnit(ctx, exe, configPath, o)
}

// Uninstall removes what Install registered (the task or the unit, and
// its file); nothing installed is not an error.
func (e *Engine) Uninstall(ctx context.Context) (Installed, error) {
	configPath := e.ConfigPath
	if abs, err := filepath.Abs(configPath); err == nil {
		configPath = abs
	}
	if runtime.GOOS == "windows" {
		file := taskFile(configPath)
		args := []string{"/Delete", "/TN", TaskName, "/F"}
		if out, err := runCommand(ctx, "schtasks", args...); err != nil && !taskMissing(out) {
			return Installed{}, commandError(msgUninstallFailed, "schtasks", args, out, err)
		}
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Installed{}, err
		}
		return Installed{File: file, Registered: true, Task: true}, nil
	}
	file, err := unitFile()
	if err != nil {
		return Installed{}, err
	}
	res := Installed{File: file, Registered: true}
	if _, err := lookPath("systemctl"); err == nil {
		// A unit that was never enabled is fine: its absence is the goal.
		_, _ = runCommand(ctx, "systemctl", "--user", "disable", "--now", UnitName)
	} else {
		res.Registered = false
		res.Commands = []string{"systemctl --user disable --now " + UnitName}
	}
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Installed{}, err
	}
	if res.Registered {
		_, _ = runCommand(ctx, "systemctl", "--user", "daemon-reload")
	}
	return res, nil
}

// TaskProgram is the program a scheduled task should start, given the
// running one. On Windows, a task running in the user's session starts
// coffre.exe: a GUI program, it opens no console window at each logon and
// shows its icon near the clock; a task running without a session starts
// coffre-cli.exe, the console twin, whose exit code the Task Scheduler
// records. Either is used only if it is beside the running one.
func TaskProgram(running string, withoutSession bool) string {
	if runtime.GOOS != "windows" && !strings.HasSuffix(strings.ToLower(running), ".exe") {
		return running
	}
	want := "coffre.exe"
	if withoutSession {
		want = "coffre-cli.exe"
	}
	if strings.EqualFold(filepath.Base(running), want) {
		return running
	}
	twin := filepath.Join(filepath.Dir(running), want)
	if st, err := os.Stat(twin); err == nil && st.Mode().IsRegular() {
		return twin
	}
	return running
}

func installTask(ctx context.Context, exe, configPath string, hour, minute int, o InstallOptions) (Installed, error) {
	u, err := user.Current()
	if err != nil {
		return Installed{}, err
	}
	b, err := TaskXML(TaskSpec{Exe: exe, ConfigPath: configPath, Hour: hour, Minute: minute, User: u.Username, WithoutSession: o.WithoutSession})
	if err != nil {
		return Installed{}, err
	}
	file := taskFile(configPath)
	if err := writeFile(file, b); err != nil {
		return Installed{}, err
	}
	args := []string{"/Create", "/TN", TaskName, "/XML", file, "/F"}
	if o.WithoutSession {
		// schtasks asks for the password on the console and stores it with
		// the task: without it, a task cannot reach network shares.
		args = append(args, "/RU", u.Username, "/RP")
	}
	res := Installed{File: file, Commands: []string{"schtasks " + quoteArgs(args)}, Task: true, Hour: hour, Minute: minute, WithoutSession: o.WithoutSession}
	if o.DryRun {
		return res, nil
	}
	if out, err := runCommand(ctx, "schtasks", args...); err != nil {
		return res, commandError(msgInstallFailed, "schtasks", args, out, err)
	}
	res.Registered, res.Commands = true, nil
	return res, nil
}

func installUnit(ctx context.Context, exe, configPath string, o InstallOptions) (Installed, error) {
	file, err := unitFile()
	if err != nil {
		return Installed{}, err
	}
	if err := writeFile(file, []byte(SystemdUnit(exe, configPath))); err != nil {
		return Installed{}, err
	}
	name := "$USER"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	res := Installed{File: file,
		Commands: []string{"systemctl --user daemon-reload", "systemctl --user enable --now " + UnitName},
		Hints:    []string{i18n.T(msgHintLinger, map[string]any{"User": name})}}
	if o.DryRun {
		return res, nil
	}
	if _, err := lookPath("systemctl"); err != nil {
		res.Hints = append([]string{i18n.T(msgNoTool, map[string]any{"Tool": "systemctl"})}, res.Hints...)
		return res, nil
	}
	for _, args := range [][]string{{"--user", "daemon-reload"}, {"--user", "enable", "--now", UnitName}} {
		if out, err := runCommand(ctx, "systemctl", args...); err != nil {
			return res, commandError(msgInstallFailed, "systemctl", args, out, err)
		}
	}
	res.Registered, res.Commands = true, nil
	return res, nil
}

func commandError(m *i18n.Message, name string, args []string, out []byte, err error) error {
	text := strings.Join(strings.Fields(decodeOutput(out)), " ")
	if text == "" {
		text = err.Error()
	}
	return i18n.E(m, map[string]any{"Command": name + " " + quoteArgs(args), "Output": text}, err)
}

// decodeOutput is a tool's output as text: schtasks writes in the
// console's code page, UTF-16 when redirected on some systems.
func decodeOutput(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		}
		return string(utf16.Decode(u))
	}
	return string(b)
}

// taskMissing reports whether schtasks /Delete failed only because the
// task does not exist (its message, in French or English).
func taskMissing(out []byte) bool {
	s := strings.ToLower(decodeOutput(out))
	return strings.Contains(s, "cannot find") || strings.Contains(s, "introuvable") || strings.Contains(s, "n'existe pas") ||
		strings.Contains(s, "does not exist")
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = a
		if strings.ContainsAny(a, " \t") {
			q[i] = `"` + a + `"`
		}
	}
	return strings.Join(q, " ")
}

func taskFile(configPath string) string {
	return filepath.Join(filepath.Dir(configPath), "coffre-service.xml")
}

func unitFile() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "systemd", "user", UnitName), nil
}

// SystemdUnit is the systemd user unit that runs the service at login and
// restarts it if it stops.
func SystemdUnit(exe, configPath string) string {
	return fmt.Sprintf(`# Coffre — sauvegarde automatique (écrit par « coffre service installer »)
[Unit]
Description=Coffre : sauvegarde automatique des dossiers comptables
After=network-online.target

[Service]
Type=simple
ExecStart=%s service --sans-icone --config %s
Restart=on-failure
RestartSec=60

[Install]
WantedBy=default.target
`, systemdQuote(exe), systemdQuote(configPath))
}

func systemdQuote(s string) string {
	if !strings.ContainsAny(s, " \t\"'\\") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// TaskSpec is what the scheduled task runs, when, and as whom.
type TaskSpec struct {
	Exe, ConfigPath string
	Hour, Minute    int
	// User is the account the task runs as (DOMAINE\nom).
	User           string
	WithoutSession bool
}

// TaskXML is the Task Scheduler entry (schtasks /Create /XML), in UTF-16
// with a byte order mark as schtasks wants it: run the service at the
// user's logon, and start it again at the set time each day in case it was
// stopped (a running one is left alone); a missed start runs as soon as the
// computer is on; on battery too (a laptop is backed up unplugged), with no
// time limit. Without a session (WithoutSession) it runs with the stored
// password from the computer's start-up instead of the logon.
func TaskXML(s TaskSpec) ([]byte, error) {
	type byDay struct {
		DaysInterval int `xml:"DaysInterval"`
	}
	type trigger struct {
		XMLName       xml.Name
		StartBoundary string `xml:"StartBoundary,omitempty"`
		Enabled       bool   `xml:"Enabled"`
		UserID        string `xml:"UserId,omitempty"`
		ByDay         *byDay `xml:"ScheduleByDay,omitempty"`
	}
	type principal struct {
		ID        string `xml:"id,attr"`
		UserID    string `xml:"UserId"`
		LogonType string `xml:"LogonType"`
		RunLevel  string `xml:"RunLevel"`
	}
	type action struct {
		Command   string `xml:"Command"`
		Arguments string `xml:"Arguments"`
	}
	type actions struct {
		Context string   `xml:"Context,attr"`
		Exec    []action `xml:"Exec"`
	}
	type settings struct {
		MultipleInstancesPolicy    string `xml:"MultipleInstancesPolicy"`
		DisallowStartIfOnBatteries bool   `xml:"DisallowStartIfOnBatteries"`
		StopIfGoingOnBatteries     bool   `xml:"StopIfGoingOnBatteries"`
		AllowHardTerminate         bool   `xml:"AllowHardTerminate"`
		StartWhenAvailable         bool   `xml:"StartWhenAvailable"`
		RunOnlyIfNetworkAvailable  bool   `xml:"RunOnlyIfNetworkAvailable"`
		StopOnIdleEnd              bool   `xml:"IdleSettings>StopOnIdleEnd"`
		AllowStartOnDemand         bool   `xml:"AllowStartOnDemand"`
		Enabled                    bool   `xml:"Enabled"`
		Hidden                     bool   `xml:"Hidden"`
		ExecutionTimeLimit         string `xml:"ExecutionTimeLimit"`
		Priority                   int    `xml:"Priority"`
	}
	type task struct {
		XMLName     xml.Name  `xml:"Task"`
		Version     string    `xml:"version,attr"`
		NS          string    `xml:"xmlns,attr"`
		Description string    `xml:"RegistrationInfo>Description"`
		URI         string    `xml:"RegistrationInfo>URI"`
		Triggers    []trigger `xml:"Triggers>Trigger"` // each named by its XMLName
		Principal   principal `xml:"Principals>Principal"`
		Settings    settings  `xml:"Settings"`
		Actions     actions   `xml:"Actions"`
	}
	if s.User == "" {
		return nil, errors.New("TaskXML: no user")
	}
	first := trigger{XMLName: xml.Name{Local: "LogonTrigger"}, Enabled: true, UserID: s.User}
	logon := "InteractiveToken"
	args := fmt.Sprintf(`service --config "%s"`, s.ConfigPath)
	if s.WithoutSession {
		first = trigger{XMLName: xml.Name{Local: "BootTrigger"}, Enabled: true}
		logon = "Password"
		args = fmt.Sprintf(`service --sans-icone --config "%s"`, s.ConfigPath)
	}
	t := task{
		Version: "1.2", NS: "http://schemas.microsoft.com/windows/2004/02/mit/task",
		Description: "Coffre : sauvegarde automatique des dossiers comptables (écrit par « coffre service installer »)",
		URI:         `\` + TaskName,
		Triggers: []trigger{first,
			{XMLName: xml.Name{Local: "CalendarTrigger"}, Enabled: true, ByDay: &byDay{DaysInterval: 1},
				StartBoundary: fmt.Sprintf("2020-01-01T%02d:%02d:00", s.Hour, s.Minute)},
		},
		Principal: principal{ID: "Author", UserID: s.User, LogonType: logon, RunLevel: "LeastPrivilege"},
		Settings: settings{MultipleInstancesPolicy: "IgnoreNew", AllowHardTerminate: true, StartWhenAvailable: true,
			AllowStartOnDemand: true, Enabled: true, ExecutionTimeLimit: "PT0S", Priority: 7},
		Actions: actions{Context: "Author", Exec: []action{{Command: s.Exe, Arguments: args}}},
	}
	body, err := xml.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	doc := append([]byte("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"), body...)
	doc = bytes.ReplaceAll(doc, []byte("\n"), []byte("\r\n"))
	u := utf16.Encode([]rune(string(doc)))
	out := []byte{0xFF, 0xFE}
	for _, c := range u {
		out = append(out, byte(c), byte(c>>8))
	}
	return out, nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := fsutil.CreateTemp(path)
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	return tmp.Commit(true)
}
