//go:build !windows

package remote

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"coffre/internal/dossier"
	"coffre/internal/testenv"
)

// ownWeed is a SeaweedFS this test starts, stops and kills itself (the
// shared one must stay up for the other tests).
type ownWeed struct {
	bin, dir string
	base     int
	cmd      *exec.Cmd
}

func startWeed(t *testing.T) *ownWeed {
	t.Helper()
	env := testenv.Need(t, "COFFRE_TEST_WEED")
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
// next copy resumes the upload — only the parts after those the server
// holds (and whose MD5 matches the source) are sent — and verifies the
// whole on arrival. A stale upload of other content is aborted, and the
// sweep leaves nothing behind.
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
		if !killed && e.Phase == PhaseUpload && e.Done > 22<<20 {
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
	// A stale upload of the same name from other content, to be aborted.
	core := minio.Core{Client: s2.client}
	stale := s2.key(tempName(filepath.Base(src), strings.Repeat("0", 64)))
	id, err := core.NewMultipartUpload(ctx, o.Bucket, stale, minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	part := make([]byte, minPartSize)
	if _, err := core.PutObjectPart(ctx, o.Bucket, stale, id, 1, bytes.NewReader(part), int64(len(part)), minio.PutObjectPartOptions{}); err != nil {
		t.Fatal(err)
	}
	uploads := func() int {
		n := 0
		for up := range s2.client.ListIncompleteUploads(ctx, o.Bucket, s2.prefix, false) {
			if up.Err != nil {
				t.Fatal(up.Err)
			}
			n++
		}
		return n
	}
	if n := uploads(); n != 2 {
		t.Fatalf("%d incomplete uploads, want 2 (the killed one and the stale one)", n)
	}

	g2 := Guard(s2, 10*time.Second)
	before := sentBytes(g2)
	r := Copy(ctx, g2, src, CopyOptions{})
	checkResumed(t, g2, r, sentBytes(g2)-before)
	if r.Resumed%int64(o.PartSize) != 0 || r.Resumed < 2*int64(o.PartSize) {
		t.Errorf("resumed at %d, want a multiple of the part size %d past two parts", r.Resumed, o.PartSize)
	}
	t.Logf("resumed at %d of %d, %d bytes sent, %d on the wire", r.Resumed, r.Size, r.Sent, sentBytes(g2)-before)
	if n := uploads(); n != 0 {
		t.Errorf("%d incomplete uploads left after the resumed copy", n)
	}
	SweepTemp(s2, 0, time.Now().Add(time.Minute))
	files, _ = s2.List()
	if len(files) != 1 || files[0].Name != filepath.Base(src) || files[0].Size != 40<<20 {
		t.Errorf("files after the copy: %+v", files)
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
