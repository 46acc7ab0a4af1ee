package service

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/remote"
	"coffre/internal/testenv"
)

// offsite is a test's view of an offsite destination: what it holds, a
// local copy of one file, and a file put there by someone else.
type offsite struct {
	list  func(t *testing.T) []string // backup names, sorted
	fetch func(t *testing.T, name string) string
	put   func(t *testing.T, name string, data []byte)
}

func dirView(dir string) offsite {
	return offsite{
		list:  func(t *testing.T) []string { return pbfs(t, dir, "") },
		fetch: func(t *testing.T, name string) string { return filepath.Join(dir, name) },
		put: func(t *testing.T, name string, data []byte) {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		},
	}
}

// backendView reaches the destination through its own client, as the
// service does (object storage has no folder to look into).
func backendView(w *world) offsite {
	return offsite{
		list: func(t *testing.T) []string {
			be := openRemote(t, w)
			defer be.Close()
			files, err := be.List()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, f := range files {
				if strings.HasSuffix(f.Name, dossier.ExtPBF) && !strings.HasPrefix(f.Name, ".") {
					out = append(out, f.Name)
				}
			}
			slices.Sort(out)
			return out
		},
		fetch: func(t *testing.T, name string) string {
			be := openRemote(t, w)
			defer be.Close()
			r, err := be.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			p := filepath.Join(t.TempDir(), name)
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.ReadFrom(r); err != nil {
				t.Fatal(err)
			}
			return p
		},
		put: func(t *testing.T, name string, data []byte) {
			be := openRemote(t, w)
			defer be.Close()
			wr, err := be.Create(".etranger-" + name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := wr.Write(data); err != nil {
				t.Fatal(err)
			}
			if err := wr.Close(); err != nil {
				t.Fatal(err)
			}
			if err := be.Rename(".etranger-"+name, name); err != nil {
				t.Fatal(err)
			}
		},
	}
}

func openRemote(t *testing.T, w *world) remote.Backend {
	t.Helper()
	be, err := remote.Open(context.Background(), w.cfg.Distant, w.eng.Secrets)
	if err != nil {
		t.Fatal(err)
	}
	return be
}

// allDestinations are the four offsite kinds, each against its real server.
var allDestinations = []struct {
	name string
	set  func(t *testing.T, w *world) offsite
}{
	{"dossier-reseau", func(t *testing.T, w *world) offsite {
		dir := filepath.Join(w.root, "nas")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		w.cfg.Distant = config.Distant{Type: config.DistantDossier, Dossier: dir, Conserver: 7}
		return dirView(dir)
	}},
	{"sftp", func(t *testing.T, w *world) offsite {
		dir, _ := w.withSFTP(t)
		return dirView(dir)
	}},
	{"s3", func(t *testing.T, w *world) offsite {
		env := testenv.Need(t, "COFFRE_TEST_S3_ENDPOINT", "COFFRE_TEST_S3_BUCKET", "COFFRE_TEST_S3_ACCESS_KEY", "COFFRE_TEST_S3_SECRET_KEY")
		w.cfg.Distant = config.Distant{Type: config.DistantS3, Adresse: env["COFFRE_TEST_S3_ENDPOINT"], Region: "us-east-1",
			Compartiment: env["COFFRE_TEST_S3_BUCKET"], Prefixe: "service/" + randHex(t), CleAcces: env["COFFRE_TEST_S3_ACCESS_KEY"],
			Style: config.StyleChemin, Conserver: 7}
		if err := w.eng.Secrets.Set(config.SecretS3, env["COFFRE_TEST_S3_SECRET_KEY"]); err != nil {
			t.Fatal(err)
		}
		ensureBucket(t, w.cfg.Distant, env["COFFRE_TEST_S3_SECRET_KEY"])
		return backendView(w)
	}},
	{"webdav", func(t *testing.T, w *world) offsite {
		env := testenv.Need(t, "COFFRE_TEST_WEBDAV_URL")
		w.cfg.Distant = config.Distant{Type: config.DistantWebDAV, Adresse: env["COFFRE_TEST_WEBDAV_URL"] + "service-" + randHex(t) + "/",
			Utilisateur: "cabinet", Conserver: 7}
		if err := w.eng.Secrets.Set(config.SecretWebDAV, "sans-importance"); err != nil {
			t.Fatal(err)
		}
		return backendView(w)
	}},
}

// ensureBucket makes the test bucket once the server answers (weed mini
// opens its ports before its S3 gateway is ready).
func ensureBucket(t *testing.T, d config.Distant, secret string) {
	t.Helper()
	u, _ := url.Parse(d.Adresse)
	c, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(d.CleAcces, secret, ""), BucketLookup: minio.BucketLookupPath, Region: d.Region})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ok, err := c.BucketExists(ctx, d.Compartiment)
		if err == nil && !ok {
			err = c.MakeBucket(ctx, d.Compartiment, minio.MakeBucketOptions{Region: d.Region})
		}
		cancel()
		if err == nil {
			return
		}
		if i == 300 {
			t.Fatalf("bucket %s: %v", d.Compartiment, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
