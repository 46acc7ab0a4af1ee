package remote

import (
	"context"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/testenv"
)

func s3Options(t *testing.T) S3Options {
	t.Helper()
	env := testenv.Need(t, "COFFRE_TEST_S3_ENDPOINT", "COFFRE_TEST_S3_BUCKET", "COFFRE_TEST_S3_ACCESS_KEY", "COFFRE_TEST_S3_SECRET_KEY")
	o := S3Options{Endpoint: env["COFFRE_TEST_S3_ENDPOINT"], Bucket: env["COFFRE_TEST_S3_BUCKET"], Region: "us-east-1",
		AccessKey: env["COFFRE_TEST_S3_ACCESS_KEY"], SecretKey: env["COFFRE_TEST_S3_SECRET_KEY"], Style: StylePath,
		Prefix: "remote/" + strings.ReplaceAll(t.Name(), "/", "_") + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	ensureBucket(t, o)
	return o
}

// ensureBucket makes the test bucket, once the server answers (weed mini
// opens its ports before its S3 gateway is ready).
func ensureBucket(t *testing.T, o S3Options) {
	t.Helper()
	u, _ := url.Parse(o.Endpoint)
	c, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""), BucketLookup: minio.BucketLookupPath, Region: o.Region})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ok, err := c.BucketExists(ctx, o.Bucket)
		if err == nil && !ok {
			err = c.MakeBucket(ctx, o.Bucket, minio.MakeBucketOptions{Region: o.Region})
		}
		if err == nil {
			// and writable: after a restart the volume server registers late
			_, err = c.PutObject(ctx, o.Bucket, "sonde", strings.NewReader("sonde"), 5, minio.PutObjectOptions{})
			if err == nil {
				err = c.RemoveObject(ctx, o.Bucket, "sonde", minio.RemoveObjectOptions{})
			}
		}
		cancel()
		if err == nil {
			return
		}
		if i == 300 {
			t.Fatalf("bucket %s: %v", o.Bucket, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func webdavOptions(t *testing.T) WebDAVOptions {
	t.Helper()
	env := testenv.Need(t, "COFFRE_TEST_WEBDAV_URL")
	return WebDAVOptions{URL: env["COFFRE_TEST_WEBDAV_URL"] + "remote-" + strings.ReplaceAll(t.Name(), "/", "_") + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "/"}
}

// The same rules as SFTP and the folder: temporary name, read-back, rename,
// rotation of the files Coffre wrote only.
func TestS3CopyAndList(t *testing.T) {
	for _, style := range []BucketStyle{StylePath, StyleVirtualHost} {
		t.Run(strconv.Itoa(int(style)), func(t *testing.T) {
			o := s3Options(t)
			o.Style = style
			if style == StyleVirtualHost {
				// bucket.localhost:port, as a provider's bucket.s3.example.fr:
				// the server (-s3.domainName=localhost) reads the bucket from
				// the Host header; only the name resolution is redirected.
				u, _ := url.Parse(o.Endpoint)
				o.dialAddr = u.Host
				o.Endpoint = "http://localhost:" + u.Port()
			}
			s, err := DialS3(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			testCopyAndList(t, Guard(s, 10*time.Second))
		})
	}
}

func TestWebDAVCopyAndList(t *testing.T) {
	w, err := DialWebDAV(context.Background(), webdavOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	testCopyAndList(t, Guard(w, 10*time.Second))
}

// A file larger than the part size goes up as a multipart upload, which
// is invisible until completed; the copy is validated by read-back.
func TestS3Multipart(t *testing.T) {
	o := s3Options(t)
	o.PartSize = minPartSize
	s, err := DialS3(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	src := randomFile(t, "001-SOC_20260301_2130.pbf", 12<<20)
	w, err := s.CreateSized("direct.bin", 12<<20)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(src)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := s.client.StatObject(context.Background(), o.Bucket, s.key("direct.bin"), minio.StatObjectOptions{})
	if err != nil || info.Size != 12<<20 || !strings.HasSuffix(strings.Trim(info.ETag, `"`), "-3") {
		t.Fatalf("direct upload: %+v %v, want 3 parts", info, err)
	}
	if res := Copy(context.Background(), Guard(s, 10*time.Second), src, CopyOptions{}); res.Status != Validated || res.Size != 12<<20 {
		t.Fatalf("multipart copy: %+v", res)
	}
}

// Wrong keys and a missing bucket are told apart from damage.
func TestS3Causes(t *testing.T) {
	o := s3Options(t)
	bad := o
	bad.SecretKey = "pas-la-bonne"
	_, err := DialS3(context.Background(), bad)
	wantCause(t, "wrong secret key", err, CauseAuth, "refuse l'identification")
	none := o
	none.Bucket = "absent-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	_, err = DialS3(context.Background(), none)
	wantCause(t, "missing bucket", err, CauseNotFound, "Introuvable")
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := o
	closed.Endpoint = "http://" + l.Addr().String()
	l.Close()
	_, err = DialS3(context.Background(), closed)
	wantCause(t, "closed port", err, CauseRefused, "refuse la connexion")
}

// coffre.toml's [copie_distante] for S3 and WebDAV, the secret in the
// secret store, reaches the same backends; a missing secret says where to
// enter it.
func TestOpenFromConfig(t *testing.T) {
	o := s3Options(t)
	dav := webdavOptions(t)
	t.Setenv("COFFRE_TROUSSEAU", "fichier")
	t.Setenv("COFFRE_CONFIG", t.TempDir())
	t.Setenv("COFFRE_DATA", t.TempDir())
	secrets := config.OpenSecrets()
	s3cfg := config.Distant{Type: config.DistantS3, Adresse: o.Endpoint, Region: o.Region, Compartiment: o.Bucket, Prefixe: o.Prefix, CleAcces: o.AccessKey, Style: config.StyleChemin, Conserver: 7}
	if _, err := Open(context.Background(), s3cfg, secrets); err == nil || !strings.Contains(err.Error(), "clé secrète S3") {
		t.Errorf("no S3 secret stored: %v", err)
	}
	secrets.Set(config.SecretS3, o.SecretKey)
	davcfg := config.Distant{Type: config.DistantWebDAV, Adresse: dav.URL, Utilisateur: "compta", Conserver: 7}
	secrets.Set(config.SecretWebDAV, "mot de passe")
	for _, d := range []config.Distant{s3cfg, davcfg} {
		if err := (config.Config{Auto: config.Default().Auto, Distant: d, Email: config.Default().Email}).Validate(); err != nil {
			t.Fatalf("%s: %v", d.Type, err)
		}
		b, err := Open(context.Background(), d, secrets)
		if err != nil {
			t.Fatalf("%s: %v", d.Type, err)
		}
		res := Copy(context.Background(), b, randomFile(t, "001-SOC_20260301_2130.pbf", 3000), CopyOptions{})
		b.Close()
		if res.Status != Validated {
			t.Errorf("%s: %+v", d.Type, res)
		}
	}
}

// WebDAV has no partial PUT: an upload cut off (here Coffre stopped
// mid-upload) starts again from zero, and nothing temporary is left once
// the copy is made.
func TestWebDAVInterruptedStartsAgain(t *testing.T) {
	o := webdavOptions(t)
	src := randomFile(t, "001-SOC_20260301_2130.pbf", 12<<20)
	w, err := DialWebDAV(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	res := Copy(ctx, Guard(w, 10*time.Second), src, CopyOptions{Progress: func(e dossier.Event) {
		if e.Phase == PhaseUpload && e.Done > 6<<20 {
			cancel()
		}
	}})
	if res.Status != Failed {
		t.Fatalf("cancelled copy: %+v", res)
	}
	w2, err := DialWebDAV(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	res = Copy(context.Background(), Guard(w2, 10*time.Second), src, CopyOptions{})
	if res.Status != Validated || res.Resumed != 0 || res.Sent != res.Size {
		t.Fatalf("the copy after the interruption: %+v", res)
	}
	files, err := w2.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Name != "001-SOC_20260301_2130.pbf" || files[0].Size != 12<<20 {
		t.Errorf("files after the copy: %+v", files)
	}
}
