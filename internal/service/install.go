package service

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode/utf16"

	"coffre/internal/fsutil"
)

// Install describes what --installer wrote and what is left to type.
type Install struct {
	File string
	// Commands activate it (printed for the user, run by the IT provider).
	Commands []string
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
ExecStart=%s service --config %s
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

// TaskXML is the Task Scheduler entry (schtasks /Create /XML): run the
// service at logon, and start it again at the set time each day in case it
// was stopped (a running one is left alone); a missed start runs as soon as
// the computer is on.
func TaskXML(exe, configPath string, hour, minute int) ([]byte, error) {
	type byDay struct {
		DaysInterval int `xml:"DaysInterval"`
	}
	type trigger struct {
		XMLName       xml.Name
		StartBoundary string `xml:"StartBoundary,omitempty"`
		Enabled       bool   `xml:"Enabled"`
		ByDay         *byDay `xml:"ScheduleByDay,omitempty"`
	}
	type action struct {
		Command   string `xml:"Command"`
		Arguments string `xml:"Arguments"`
	}
	type task struct {
		XMLName                    xml.Name  `xml:"Task"`
		Version                    string    `xml:"version,attr"`
		NS                         string    `xml:"xmlns,attr"`
		Description                string    `xml:"RegistrationInfo>Description"`
		Triggers                   []trigger `xml:"Triggers>Trigger"` // each named by its XMLName
		LogonType                  string    `xml:"Principals>Principal>LogonType"`
		StartWhenAvailable         bool      `xml:"Settings>StartWhenAvailable"`
		MultipleInstancesPolicy    string    `xml:"Settings>MultipleInstancesPolicy"`
		DisallowStartIfOnBatteries bool      `xml:"Settings>DisallowStartIfOnBatteries"`
		ExecutionTimeLimit         string    `xml:"Settings>ExecutionTimeLimit"`
		Actions                    []action  `xml:"Actions>Exec"`
	}
	t := task{
		Version: "1.2", NS: "http://schemas.microsoft.com/windows/2004/02/mit/task",
		Description: "Coffre : sauvegarde automatique des dossiers comptables",
		Triggers: []trigger{
			{XMLName: xml.Name{Local: "LogonTrigger"}, Enabled: true},
			{XMLName: xml.Name{Local: "CalendarTrigger"}, Enabled: true, ByDay: &byDay{DaysInterval: 1},
				StartBoundary: fmt.Sprintf("2020-01-01T%02d:%02d:00", hour, minute)},
		},
		LogonType: "InteractiveToken", StartWhenAvailable: true, MultipleInstancesPolicy: "IgnoreNew",
		ExecutionTimeLimit: "PT0S",
		Actions:            []action{{Command: exe, Arguments: fmt.Sprintf(`service --config "%s"`, configPath)}},
	}
	body, err := xml.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	doc := append([]byte("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"), body...)
	// schtasks wants UTF-16 with a byte order mark.
	u := utf16.Encode([]rune(string(doc)))
	out := []byte{0xFF, 0xFE}
	for _, c := range u {
		out = append(out, byte(c), byte(c>>8))
	}
	return out, nil
}

// Installer writes the systemd user unit (Linux) or the Task Scheduler XML
// (Windows) for configPath, and returns the commands that activate it.
func Installer(configPath string, hour, minute int) (Install, error) {
	exe, err := os.Executable()
	if err != nil {
		return Install{}, err
	}
	if abs, err := filepath.Abs(configPath); err == nil {
		configPath = abs
	}
	if runtime.GOOS == "windows" {
		b, err := TaskXML(exe, configPath, hour, minute)
		if err != nil {
			return Install{}, err
		}
		file := filepath.Join(filepath.Dir(configPath), "coffre-service.xml")
		if err := writeFile(file, b); err != nil {
			return Install{}, err
		}
		return Install{File: file, Commands: []string{fmt.Sprintf(`schtasks /Create /TN "Coffre\Sauvegarde automatique" /XML "%s" /F`, file)}}, nil
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return Install{}, err
		}
		dir = filepath.Join(home, ".config")
	}
	file := filepath.Join(dir, "systemd", "user", "coffre.service")
	if err := writeFile(file, []byte(SystemdUnit(exe, configPath))); err != nil {
		return Install{}, err
	}
	return Install{File: file, Commands: []string{
		"systemctl --user daemon-reload",
		"systemctl --user enable --now coffre.service",
		"loginctl enable-linger $USER   # pour qu'il tourne aussi sans session ouverte",
	}}, nil
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
