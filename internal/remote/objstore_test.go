package remote

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"coffre/internal/config"
	"coffre/internal/dossier"
)

func s3Options(t *testing.T) S3Options {
	t.Helper()
	env := need(t, "COFFRE_TEST_S3_ENDPOINT", "COFFRE_TEST_S3_BUCKET", "COFFRE_TEST_S3_ACCESS_KEY", "COFFRE_TEST_S3_SECRET_KEY")
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
	env := need(t, "COFFRE_TEST_WEBDAV_URL")
	return WebDAVOptions{URL: env["COFFRE_TEST_WEBDAV_URL"] + "remote-" + strings.ReplaceAll(t.Name(), "/", "_") + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "/"}
}

// The same rules as SFTP and the folder: temporary name, read-back, rename,
// rotation of the files Coffre wrote only.
func TestS3CopyAndRotate(t *testing.T) {
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
			testCopyAndRotate(t, Guard(s, 10*time.Second))
		})
	}
}

func TestWebDAVCopyAndRotate(t *testing.T) {
	w, err := DialWebDAV(context.Background(), webdavOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	testCopyAndRotate(t, Guard(w, 10*time.Second))
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

// ownWeed is a SeaweedFS this test starts, stops and kills itself (the
// shared one must stay up for the other tests).
type ownWeed struct {
	bin, dir string
	base     int
	cmd      *exec.Cmd
}

func startWeed(t *testing.T) *ownWeed {
	t.Helper()
	env := need(t, "COFFRE_TEST_WEED")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "s3.json")
	os.WriteFile(cfg, []byte(`{"identities":[{"name":"t","credentials":[{"accessKey":"PROPRE","secretKey":"SENTINELLE-propre"}],"actions":["Admin","Read","Write","List"]}]}`), 0o600)
	w := &ownWeed{bin: env["COFFRE_TEST_WEED"], dir: dir}
	for try := 0; try < 20 && w.cmd == nil; try++ {
		base := 20000 + int(time.Now().UnixNano()%35000)
		free := true
		for p := base; p <= base+10 && free; p++ {
			if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(p)); err == nil {
				c.Close()
				free = false
			}
		}
		if free {
			w.base = base
			w.start(t)
		}
	}
	t.Cleanup(func() { w.kill(syscall.SIGKILL) })
	return w
}

func (w *ownWeed) start(t *testing.T) {
	t.Helper()
	b := w.base
	args := []string{"mini", "-dir=" + filepath.Join(w.dir, "data"), "-ip=127.0.0.1", "-ip.bind=127.0.0.1"}
	for i, f := range []string{"master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "webdav.port", "admin.port", "admin.port.grpc"} {
		args = append(args, fmt.Sprintf("-%s=%d", f, b+i))
	}
	args = append(args, "-admin.port.legacy=0", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
		"-s3.config="+filepath.Join(w.dir, "s3.json"), "-bucket=propre")
	os.MkdirAll(filepath.Join(w.dir, "data"), 0o755)
	log, _ := os.OpenFile(filepath.Join(w.dir, "weed.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	w.cmd = exec.Command(w.bin, args...)
	w.cmd.Stdout, w.cmd.Stderr = log, log
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 600; i++ {
		ok := true
		for _, p := range []int{b + 6, b + 8} {
			c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				break
			}
			c.Close()
		}
		if ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("weed did not start: see %s", filepath.Join(w.dir, "weed.log"))
}

func (w *ownWeed) kill(sig syscall.Signal) {
	if w.cmd != nil && w.cmd.Process != nil {
		w.cmd.Process.Signal(sig)
		if sig == syscall.SIGKILL {
			w.cmd.Wait()
		}
	}
}

func (w *ownWeed) s3(t *testing.T) S3Options {
	o := S3Options{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", w.base+6), Bucket: "propre", Region: "us-east-1",
		AccessKey: "PROPRE", SecretKey: "SENTINELLE-propre", Style: StylePath, PartSize: minPartSize, Prefix: "coffre"}
	ensureBucket(t, o)
	return o
}

// The server killed in the middle of a multipart upload: the copy fails in
// French, nothing carries the final name, and once the server is back the
// interrupted parts are swept and the copy is made again, whole.
func TestS3ServerKilledMidUpload(t *testing.T) {
	w := startWeed(t)
	o := w.s3(t)
	ctx := context.Background()
	s, err := DialS3(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	g := Guard(s, 3*time.Second)
	src := randomFile(t, "001-SOC_20260301_2130.pbf", 40<<20)
	killed := false
	res := Copy(ctx, g, src, CopyOptions{Progress: func(e dossier.Event) {
		if !killed && e.Phase == PhaseUpload && e.Done > 12<<20 {
			killed = true
			w.kill(syscall.SIGKILL)
		}
	}})
	if !killed || res.Status != Failed || res.Detail == "" || strings.Contains(res.Detail, "Erreur inattendue") {
		t.Fatalf("copy while the server died: killed %v, %+v", killed, res)
	}
	g.Close()

	w.start(t)
	ensureBucket(t, o)
	s2, err := DialS3(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	files, err := s2.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name == filepath.Base(src) {
			t.Fatalf("%s carries its final name after an interrupted upload", f.Name)
		}
	}
	SweepTemp(s2, 0, time.Now().Add(time.Minute))
	for up := range s2.client.ListIncompleteUploads(ctx, o.Bucket, s2.prefix, false) {
		t.Errorf("incomplete upload left after the sweep: %+v", up)
	}
	if files, _ := s2.List(); len(files) != 0 {
		t.Errorf("files left after the sweep: %+v", files)
	}
	if r := Copy(ctx, Guard(s2, 10*time.Second), src, CopyOptions{}); r.Status != Validated {
		t.Fatalf("copy once the server is back: %+v", r)
	}
}

// A stalled object store or WebDAV server (its process stopped: the port
// accepts, nothing answers) fails the copy with CauseStalled.
func TestStallObjectStores(t *testing.T) {
	w := startWeed(t)
	ctx := context.Background()
	s, err := DialS3(ctx, w.s3(t))
	if err != nil {
		t.Fatal(err)
	}
	dav, err := DialWebDAV(ctx, WebDAVOptions{URL: fmt.Sprintf("http://127.0.0.1:%d/bloque/", w.base+8)})
	if err != nil {
		t.Fatal(err)
	}
	src := randomFile(t, "001-SOC_20260301_2130.pbf", 24<<20)
	for _, b := range []Backend{s, dav} {
		w.kill(syscall.SIGSTOP)
		done := make(chan CopyResult, 1)
		go func() { done <- Copy(ctx, Guard(b, 2*time.Second), src, CopyOptions{}) }()
		res := waitCopy(t, done)
		w.kill(syscall.SIGCONT)
		if res.Status != Failed || res.Cause != CauseStalled || !strings.Contains(res.Detail, "ne répond plus") {
			t.Errorf("%s stalled: %+v", b.Describe(), res)
		}
	}
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
