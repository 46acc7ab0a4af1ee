package service

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"coffre/internal/config"
	"coffre/internal/pack"
	"coffre/internal/remote"
	"coffre/internal/verify"
)

// The automatic backups, and so their offsite copies, are encrypted when
// coffre.toml says so: for an age public key (this machine never holds the
// private key, yet the backup is verified, weekly complete check included)
// or with the stored passphrase. Before, `zstd -dc < copie.pbf | tar t`
// listed dossier.db on the server. A passphrase that is not stored fails
// the run in French instead of backing up in clear.
func TestEncryptedAutomaticBackups(t *testing.T) {
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	const phrase = "trois chats sur le toit"
	for _, mode := range []string{"cle", "phrase", "phrase-absente"} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t)
			w.cfg.Auto.Dossiers = []string{"001"}
			offsite := filepath.Join(w.root, "nas")
			os.MkdirAll(offsite, 0o755)
			w.cfg.Distant = config.Distant{Type: config.DistantDossier, Dossier: offsite, Conserver: 7}
			secret := phrase
			switch mode {
			case "cle":
				w.cfg.Auto.Chiffrement, w.cfg.Auto.CleAge = config.ChiffrementCle, key.Recipient().String()
				secret = key.String()
			default:
				w.cfg.Auto.Chiffrement = config.ChiffrementPhrase
			}
			if mode == "phrase" {
				if err := w.eng.Secrets.Set(config.SecretPhrase, phrase); err != nil {
					t.Fatal(err)
				}
			}
			w.save(t)
			rep := run(t, w, true)
			b := rep.Backups[0]
			if mode == "phrase-absente" {
				if b.Err == nil || !strings.Contains(b.Err.Error(), "aucune phrase n'est enregistrée") || !rep.Failed() {
					t.Fatalf("no stored passphrase: %v", b.Err)
				}
				if got := pbfs(t, w.dest, ""); len(got) != 0 {
					t.Fatalf("backups written without their passphrase: %v", got)
				}
				return
			}
			if b.Err != nil || !b.Result.Verified || b.FullCheck == nil || b.FullCheck.Err != nil || b.Remote == nil || b.Remote.Status != remote.Validated {
				t.Fatalf("encrypted backup: err %v, verified %v, full check %+v, remote %+v", b.Err, b.Result.Verified, b.FullCheck, b.Remote)
			}
			for _, p := range []string{b.Result.Path, filepath.Join(offsite, filepath.Base(b.Result.Path))} {
				raw, err := os.ReadFile(p)
				if err != nil || !bytes.HasPrefix(raw, []byte("age-encryption.org/v1\n")) {
					t.Fatalf("%s is not an age file: %v", p, err)
				}
				if out, err := exec.Command("sh", "-c", "zstd -dc < '"+p+"' | tar t").CombinedOutput(); err == nil || strings.Contains(string(out), "dossier.db") {
					t.Fatalf("zstd | tar lists the encrypted copy: %s", out)
				}
				if b.Result.CheckIdentity != "" && bytes.Contains(raw, []byte(b.Result.CheckIdentity)) {
					t.Fatal("the check identity is in the file")
				}
				m, err := pack.Inspect(context.Background(), p, pack.ReadOptions{Passphrase: secret})
				if err != nil || m.Dossier.Numero != "001" || !m.Encrypted {
					t.Fatalf("opened with its %s: %+v %v", mode, m, err)
				}
			}
			for _, dir := range []string{w.cfgDir, w.dataDir} {
				filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
					if err == nil && fi.Mode().IsRegular() {
						if b, _ := os.ReadFile(p); mode == "cle" && bytes.Contains(b, []byte("AGE-SECRET-KEY-")) {
							t.Errorf("a private age key is kept in %s", p)
						}
					}
					return nil
				})
			}
		})
	}
}

// `verifier --distant` of copies encrypted for an age key this workstation
// does not hold: each is compared with what was validated (a copy changed
// on the server is reported) and said « sealed » rather than failed for
// lack of the key; with the stored passphrase, each is verified in full.
func TestVerifyRemoteEncrypted(t *testing.T) {
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"cle", "phrase"} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t)
			w.cfg.Auto.Dossiers = []string{"002"}
			offsite := filepath.Join(w.root, "nas")
			os.MkdirAll(offsite, 0o755)
			w.cfg.Distant = config.Distant{Type: config.DistantDossier, Dossier: offsite, Conserver: 7}
			if mode == "cle" {
				w.cfg.Auto.Chiffrement, w.cfg.Auto.CleAge = config.ChiffrementCle, key.Recipient().String()
			} else {
				w.cfg.Auto.Chiffrement = config.ChiffrementPhrase
				if err := w.eng.Secrets.Set(config.SecretPhrase, "trois chats sur le toit"); err != nil {
					t.Fatal(err)
				}
			}
			w.save(t)
			made := runsWritten(t, w, 2, time.Hour)
			checks, err := w.eng.VerifyRemote(t.Context(), verify.Options{})
			if err != nil || len(checks) != 2 {
				t.Fatalf("%v %+v", err, checks)
			}
			for _, c := range checks {
				if c.Err != nil || c.Sealed != (mode == "cle") {
					t.Errorf("%s: %+v", c.Name, c)
				}
			}
			f, _ := os.OpenFile(filepath.Join(offsite, made[0]), os.O_WRONLY, 0)
			f.WriteAt([]byte("ALTÉRÉ"), 500)
			f.Close()
			checks, _ = w.eng.VerifyRemote(t.Context(), verify.Options{})
			bad := 0
			for _, c := range checks {
				if c.Err != nil {
					bad++
					if c.Name != made[0] {
						t.Errorf("%s reported damaged", c.Name)
					}
				}
			}
			if bad != 1 {
				t.Errorf("%d damaged, want 1: %+v", bad, checks)
			}
		})
	}
}
