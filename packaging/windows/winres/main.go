// Command winres writes the Windows resources of coffre.exe and
// coffre-cli.exe from FyneApp.toml and the icon it names — the icon in the
// sizes Explorer shows, the version information (Propriétés > Détails), and
// the manifest (long paths, per-monitor DPI awareness, no elevation) — as
// a resource script that windres (binutils-mingw-w64) compiles into the
// .syso the Go linker picks up. FyneApp.toml is only read.
//
//	go run ./packaging/windows/winres -app FyneApp.toml -exe coffre.exe -o build/windows
//
// writes build/windows/coffre.exe.rc (with coffre.ico and
// coffre.exe.manifest beside it).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/image/draw"
)

// App is the part of FyneApp.toml the resources need.
type App struct {
	Website string
	Details struct {
		Icon, Name, ID, Version string
		Build                   int
	}
}

func main() {
	appFile := flag.String("app", "FyneApp.toml", "FyneApp.toml to read")
	exe := flag.String("exe", "coffre.exe", "file name of the executable (OriginalFilename)")
	desc := flag.String("description", "", "FileDescription (default: from the name)")
	out := flag.String("o", ".", "folder to write the resource script, icon and manifest into")
	version4 := flag.Bool("version4", false, "only print the version as four numbers (1.2.3.4: the installer's)")
	flag.Parse()
	if *version4 {
		v, err := readVersion(*appFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "winres:", err)
			os.Exit(1)
		}
		fmt.Printf("%d.%d.%d.%d\n", v[0], v[1], v[2], v[3])
		return
	}
	if err := run(*appFile, *exe, *desc, *out); err != nil {
		fmt.Fprintln(os.Stderr, "winres:", err)
		os.Exit(1)
	}
}

func readVersion(appFile string) ([4]int, error) {
	var a App
	if _, err := toml.DecodeFile(appFile, &a); err != nil {
		return [4]int{}, err
	}
	return versionNumbers(a.Details.Version, a.Details.Build)
}

func run(appFile, exe, desc, out string) error {
	var a App
	if _, err := toml.DecodeFile(appFile, &a); err != nil {
		return err
	}
	if a.Details.Name == "" || a.Details.Version == "" || a.Details.Icon == "" {
		return fmt.Errorf("%s: Details.Name, Version and Icon are needed", appFile)
	}
	nums, err := versionNumbers(a.Details.Version, a.Details.Build)
	if err != nil {
		return fmt.Errorf("%s: %w", appFile, err)
	}
	if desc == "" {
		desc = a.Details.Name + " : sauvegarde des dossiers comptables"
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	icon, err := os.ReadFile(filepath.Join(filepath.Dir(appFile), a.Details.Icon))
	if err != nil {
		return err
	}
	ico, err := ICO(icon, 256, 64, 48, 32, 24, 16)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Details.Icon, err)
	}
	if err := os.WriteFile(filepath.Join(out, "coffre.ico"), ico, 0o644); err != nil {
		return err
	}
	manifest := exe + ".manifest"
	if err := os.WriteFile(filepath.Join(out, manifest), []byte(Manifest(a.Details.ID, nums)), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, exe+".rc"), []byte(RC(a, nums, exe, desc, "coffre.ico", manifest)), 0o644)
}

// versionNumbers is « 1.2.3 » and the build number as the four numbers of a
// Windows version.
func versionNumbers(v string, build int) ([4]int, error) {
	var n [4]int
	parts := strings.Split(v, ".")
	if len(parts) > 3 {
		return n, fmt.Errorf("version %q: at most three numbers", v)
	}
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 || x > 65535 {
			return n, fmt.Errorf("version %q: %q is not a number from 0 to 65535", v, p)
		}
		n[i] = x
	}
	if build < 0 || build > 65535 {
		return n, fmt.Errorf("build %d: not a number from 0 to 65535", build)
	}
	n[3] = build
	return n, nil
}

// ICO is a Windows icon holding src (a PNG) scaled to each size, each
// image stored as PNG (Windows Vista and later read them).
func ICO(src []byte, sizes ...int) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	var images [][]byte
	for _, s := range sizes {
		dst := image.NewNRGBA(image.Rect(0, 0, s, s))
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
		var b bytes.Buffer
		if err := png.Encode(&b, dst); err != nil {
			return nil, err
		}
		images = append(images, b.Bytes())
	}
	var b bytes.Buffer
	le16 := func(v int) { b.WriteByte(byte(v)); b.WriteByte(byte(v >> 8)) }
	le32 := func(v int) { le16(v & 0xffff); le16(v >> 16) }
	le16(0)
	le16(1) // icon
	le16(len(sizes))
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		dim := s
		if s >= 256 {
			dim = 0 // 0 means 256
		}
		b.WriteByte(byte(dim))
		b.WriteByte(byte(dim))
		b.WriteByte(0) // no palette
		b.WriteByte(0)
		le16(1)  // colour planes
		le16(32) // bits per pixel
		le32(len(images[i]))
		le32(offset)
		offset += len(images[i])
	}
	for _, im := range images {
		b.Write(im)
	}
	return b.Bytes(), nil
}

// Manifest is the application manifest: run as the user who starts it
// (never ask for elevation), paths longer than 260 characters (with the
// LongPathsEnabled policy, Windows 10 1607 and later), sharp text on every
// monitor (per-monitor DPI awareness v2, v1 before Windows 10 1703), the
// current common controls (the look of the message boxes), Windows 10 and
// 11 behaviour.
func Manifest(id string, v [4]int) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity type="win32" name="%s" version="%d.%d.%d.%d" processorArchitecture="amd64"/>
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v3">
    <security>
      <requestedPrivileges>
        <requestedExecutionLevel level="asInvoker" uiAccess="false"/>
      </requestedPrivileges>
    </security>
  </trustInfo>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1">
    <application>
      <supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>
    </application>
  </compatibility>
  <application xmlns="urn:schemas-microsoft-com:asm.v3">
    <windowsSettings>
      <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true/pm</dpiAware>
      <dpiAwareness xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">PerMonitorV2, PerMonitor</dpiAwareness>
      <longPathAware xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">true</longPathAware>
    </windowsSettings>
  </application>
  <dependency>
    <dependentAssembly>
      <assemblyIdentity type="win32" name="Microsoft.Windows.Common-Controls" version="6.0.0.0" processorArchitecture="*" publicKeyToken="6595b64144ccf1df" language="*"/>
    </dependentAssembly>
  </dependency>
</assembly>
`, id, v[0], v[1], v[2], v[3])
}

// RC is the resource script: icon 1 (the one Explorer shows), the
// manifest, and the version information in French (0x040C, Unicode).
func RC(a App, v [4]int, exe, desc, ico, manifest string) string {
	nums := fmt.Sprintf("%d,%d,%d,%d", v[0], v[1], v[2], v[3])
	dotted := fmt.Sprintf("%d.%d.%d.%d", v[0], v[1], v[2], v[3])
	return fmt.Sprintf(`// Written by packaging/windows/winres from FyneApp.toml: do not edit.
#pragma code_page(65001)
1 ICON %s
1 24 %s
1 VERSIONINFO
FILEVERSION %s
PRODUCTVERSION %s
FILEFLAGSMASK 0x3fL
FILEFLAGS 0x0L
FILEOS 0x40004L
FILETYPE 0x1L
FILESUBTYPE 0x0L
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040C04B0"
    BEGIN
      VALUE "CompanyName", %s
      VALUE "FileDescription", %s
      VALUE "FileVersion", %s
      VALUE "InternalName", %s
      VALUE "LegalCopyright", %s
      VALUE "OriginalFilename", %s
      VALUE "ProductName", %s
      VALUE "ProductVersion", %s
      VALUE "Comments", %s
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x040C, 1200
  END
END
`, rcString(ico), rcString(manifest), nums, nums,
		rcString(a.Details.Name), rcString(desc), rcString(dotted), rcString(strings.TrimSuffix(exe, ".exe")),
		rcString("© "+a.Details.Name), rcString(exe), rcString(a.Details.Name), rcString(a.Details.Version),
		rcString(a.Website))
}

// rcString quotes s for a resource script (a doubled quote inside).
func rcString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
