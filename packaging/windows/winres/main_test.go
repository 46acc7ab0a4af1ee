package main

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFromFyneApp: the resources are made from the repository's own
// FyneApp.toml, which is left as it was: its version is in the version
// block, the icon holds every size as a readable PNG, and the manifest is
// well-formed XML declaring long paths, per-monitor DPI and no elevation.
func TestFromFyneApp(t *testing.T) {
	app := filepath.Join("..", "..", "..", "FyneApp.toml")
	before, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := run(app, "coffre-cli.exe", "", out); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(app); !bytes.Equal(before, after) {
		t.Fatal("FyneApp.toml was rewritten")
	}
	rc, err := os.ReadFile(filepath.Join(out, "coffre-cli.exe.rc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 ICON \"coffre.ico\"", "1 24 \"coffre-cli.exe.manifest\"", "FILEVERSION 0,1,0,1",
		`VALUE "ProductVersion", "0.1.0"`, `VALUE "OriginalFilename", "coffre-cli.exe"`, `VALUE "ProductName", "Coffre"`} {
		if !strings.Contains(string(rc), want) {
			t.Errorf("resource script lacks %q:\n%s", want, rc)
		}
	}
	m, err := os.ReadFile(filepath.Join(out, "coffre-cli.exe.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(m))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("manifest is not well-formed: %v", err)
			}
			break
		}
	}
	for _, want := range []string{`level="asInvoker"`, `<longPathAware xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">true</longPathAware>`,
		">PerMonitorV2, PerMonitor<", `name="fr.coffre.app" version="0.1.0.1"`} {
		if !strings.Contains(string(m), want) {
			t.Errorf("manifest lacks %q", want)
		}
	}
	ico, err := os.ReadFile(filepath.Join(out, "coffre.ico"))
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.LittleEndian.Uint16(ico[4:]))
	if binary.LittleEndian.Uint16(ico[2:]) != 1 || n != 6 {
		t.Fatalf("icon header: type %d, %d images", binary.LittleEndian.Uint16(ico[2:]), n)
	}
	for i := 0; i < n; i++ {
		e := ico[6+16*i:]
		size, off := binary.LittleEndian.Uint32(e[8:]), binary.LittleEndian.Uint32(e[12:])
		img, err := png.Decode(bytes.NewReader(ico[off : off+size]))
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		w := int(e[0])
		if w == 0 {
			w = 256
		}
		if img.Bounds().Dx() != w || img.Bounds().Dy() != w {
			t.Errorf("image %d is %v, its entry says %d", i, img.Bounds(), w)
		}
	}
}

func TestVersionNumbers(t *testing.T) {
	if v, err := versionNumbers("2.10.3", 7); err != nil || v != [4]int{2, 10, 3, 7} {
		t.Errorf("2.10.3 build 7: %v %v", v, err)
	}
	if v, err := versionNumbers("1", 0); err != nil || v != [4]int{1, 0, 0, 0} {
		t.Errorf("1: %v %v", v, err)
	}
	for _, bad := range []string{"1.2.3.4", "1.x", "70000", "1.-2"} {
		if _, err := versionNumbers(bad, 1); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRCQuotes(t *testing.T) {
	if got := rcString(`a "b"`); got != `"a ""b"""` {
		t.Errorf("%s", got)
	}
}
