package remote

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"coffre/internal/i18n"
)

// S3Options say how to reach an S3-compatible object storage (a French
// host's, a MinIO, a SeaweedFS). The secret key is never logged.
type S3Options struct {
	// Endpoint is the service's address: https://s3.fr-par.example.fr, or
	// http://127.0.0.1:8333 for a server on the same network.
	Endpoint  string
	Region    string
	Bucket    string
	Prefix    string // folder inside the bucket ("" = its root)
	AccessKey string
	SecretKey string
	// PathStyle addresses the bucket in the path (endpoint/bucket/key) rather
	// than in the host name (bucket.endpoint/key); Auto lets the library
	// choose (virtual-host for the big providers, path for the others).
	Style BucketStyle
	// PartSize is the multipart upload's part size (0: 16 MiB; at least
	// 5 MiB, the S3 minimum).
	PartSize uint64
	// Timeout is the connection check's stall timeout (0: DefaultStall).
	Timeout time.Duration

	// dialAddr, when set, is where every connection goes whatever the
	// host name: tests reach a virtual-host bucket name on 127.0.0.1.
	dialAddr string
}

// BucketStyle is how the bucket is addressed.
type BucketStyle int

// The bucket styles.
const (
	StyleAuto BucketStyle = iota
	StylePath
	StyleVirtualHost
)

const (
	defaultPartSize = 16 << 20
	minPartSize     = 5 << 20
	maxCopySize     = 5 << 30 // one CopyObject; above, a multipart copy
)

var msgBadEndpoint = &i18n.Message{ID: "S3AdresseInvalide", Other: "Adresse du service S3 invalide « {{.Endpoint}} » : écrivez-la comme https://s3.exemple.fr (ou http://… sur le réseau local)."}

// S3 is an offsite folder in an S3 bucket: the names are keys under Prefix.
type S3 struct {
	opt    S3Options
	client *minio.Client
	tr     *httpTransport
	act    *activity
	ctx    context.Context // cancelled by Close: interrupts every request
	cancel context.CancelFunc
	prefix string

	mu      sync.Mutex
	pending map[string]*s3Upload // by temporary name: what resumeFrom found
}

// s3Upload is a multipart upload being resumed: its ID and the parts the
// server holds that match the source.
type s3Upload struct {
	id       string
	parts    []minio.CompletePart
	complete bool // the object itself is there, whole: nothing to send
}

// DialS3 checks that the bucket is reachable with these keys.
func DialS3(ctx context.Context, o S3Options) (*S3, error) {
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, i18n.E(msgBadEndpoint, map[string]any{"Endpoint": o.Endpoint}, &Error{Cause: CauseNotFound, Op: OpConnect, Dest: o.Endpoint, Err: err})
	}
	if o.PartSize == 0 {
		o.PartSize = defaultPartSize
	}
	if o.PartSize < minPartSize {
		o.PartSize = minPartSize
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultStall
	}
	act := &activity{}
	tr := newHTTPTransport(act, timeout, o.dialAddr)
	lookup := minio.BucketLookupAuto
	switch o.Style {
	case StylePath:
		lookup = minio.BucketLookupPath
	case StyleVirtualHost:
		lookup = minio.BucketLookupDNS
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       o.Region,
		BucketLookup: lookup,
		Transport:    tr,
	})
	if err != nil {
		return nil, i18n.E(msgBadEndpoint, map[string]any{"Endpoint": o.Endpoint}, &Error{Cause: CauseNotFound, Op: OpConnect, Dest: o.Endpoint, Err: err})
	}
	bctx, cancel := context.WithCancel(context.Background())
	s := &S3{opt: o, client: client, tr: tr, act: act, ctx: bctx, cancel: cancel, prefix: normalPrefix(o.Prefix), pending: map[string]*s3Upload{}}
	cctx, stop := context.WithTimeout(ctx, timeout)
	defer stop()
	// A listing, not a HEAD: its error body tells a wrong key
	// (SignatureDoesNotMatch) from a missing right (AccessDenied).
	for obj := range client.ListObjects(cctx, o.Bucket, minio.ListObjectsOptions{Prefix: s.prefix, MaxKeys: 1}) {
		err = obj.Err
		break
	}
	if err != nil {
		s.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, s.fail(OpConnect, o.Bucket, err)
	}
	return s, nil
}

// httpTransport is the HTTP transport of the S3 and WebDAV backends: its
// connections report their progress to the stall guard, and closing it
// (Close) cuts every connection, in use or idle, so that a request to a
// stalled server ends at once.
type httpTransport struct {
	*http.Transport
	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

func newHTTPTransport(act *activity, timeout time.Duration, dialAddr string) *httpTransport {
	t := &httpTransport{Transport: http.DefaultTransport.(*http.Transport).Clone(), conns: map[net.Conn]bool{}}
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dialAddr != "" {
			addr = dialAddr
		}
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.closed {
			c.Close()
			return nil, net.ErrClosed
		}
		t.conns[c] = true
		return trackedConn{activityConn: activityConn{Conn: c, act: act}, t: t}, nil
	}
	t.TLSHandshakeTimeout = timeout
	return t
}

// Close cuts every connection and refuses new ones.
func (t *httpTransport) Close() {
	t.mu.Lock()
	t.closed = true
	conns := t.conns
	t.conns = map[net.Conn]bool{}
	t.mu.Unlock()
	for c := range conns {
		c.Close()
	}
	t.CloseIdleConnections()
}

type trackedConn struct {
	activityConn
	t *httpTransport
}

func (c trackedConn) Close() error {
	c.t.mu.Lock()
	delete(c.t.conns, c.Conn)
	c.t.mu.Unlock()
	return c.Conn.Close()
}

func normalPrefix(p string) string {
	p = strings.Trim(strings.ReplaceAll(p, "\\", "/"), "/")
	if p == "" {
		return ""
	}
	return p + "/"
}

func (s *S3) key(name string) string { return s.prefix + name }

// Describe is s3://bucket/prefix (endpoint), without any key.
func (s *S3) Describe() string {
	return fmt.Sprintf("s3://%s/%s (%s)", s.opt.Bucket, s.prefix, s.opt.Endpoint)
}

func (s *S3) activity() *activity { return s.act }

// fail sorts an S3 error: the service's code and HTTP status first, then
// the network's.
func (s *S3) fail(op Op, name string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) && s.ctx.Err() == nil {
		return err
	}
	if c := httpCause(minio.ToErrorResponse(err).Code, minio.ToErrorResponse(err).StatusCode); c != "" {
		return newError(c, op, s.Describe(), name, err)
	}
	return fail(op, s.Describe(), name, err)
}

// httpCause reads an S3 error code or an HTTP status (WebDAV gives only the
// status); "" when neither says anything.
func httpCause(code string, status int) Cause {
	switch code {
	case "NoSuchBucket", "NoSuchKey", "NotFound":
		return CauseNotFound
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken":
		return CauseAuth
	case "AccessDenied", "AllAccessDisabled", "AccountProblem":
		return CausePermission
	case "QuotaExceeded", "XMinioStorageFull", "InsufficientStorage", "StorageFull", "EntityTooLarge", "XMinioAdminBucketQuotaExceeded":
		return CauseNoSpace
	}
	switch status {
	case http.StatusUnauthorized:
		return CauseAuth
	case http.StatusForbidden:
		return CausePermission
	case http.StatusNotFound, http.StatusConflict:
		return CauseNotFound
	case http.StatusInsufficientStorage, http.StatusRequestEntityTooLarge:
		return CauseNoSpace
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return CauseUnreachable
	}
	return ""
}

func (s *S3) Create(name string) (io.WriteCloser, error) { return s.CreateSized(name, -1) }

// CreateSized starts the upload of size bytes (-1: unknown). The object
// exists only once the upload completed: a multipart upload is invisible
// until CompleteMultipartUpload, and a failed one is aborted (or swept by
// SweepTemp when the server was gone).
func (s *S3) CreateSized(name string, size int64) (io.WriteCloser, error) {
	pr, pw := io.Pipe()
	w := &s3Writer{s: s, name: name, pw: pw, done: make(chan error, 1)}
	go func() {
		_, err := s.client.PutObject(s.ctx, s.opt.Bucket, s.key(name), pr, size, minio.PutObjectOptions{
			PartSize: s.opt.PartSize, ContentType: "application/octet-stream", NumThreads: 1,
		})
		pr.CloseWithError(err)
		w.done <- err
	}()
	return w, nil
}

type s3Writer struct {
	s    *S3
	name string
	pw   *io.PipeWriter
	done chan error
}

func (w *s3Writer) Write(p []byte) (int, error) {
	n, err := w.pw.Write(p)
	if err != nil {
		err = w.s.fail(OpWrite, w.name, err)
	}
	return n, err
}

func (w *s3Writer) abort(err error) {
	w.pw.CloseWithError(err)
	<-w.done
}

func (w *s3Writer) Close() error {
	w.pw.Close()
	return w.s.fail(OpWrite, w.name, <-w.done)
}

func (s *S3) Open(name string) (io.ReadCloser, error) {
	obj, err := s.client.GetObject(s.ctx, s.opt.Bucket, s.key(name), minio.GetObjectOptions{})
	if err != nil {
		return nil, s.fail(OpRead, name, err)
	}
	return s3Reader{s: s, obj: obj, name: name}, nil
}

type s3Reader struct {
	s    *S3
	obj  *minio.Object
	name string
}

func (r s3Reader) Read(p []byte) (int, error) {
	n, err := r.obj.Read(p)
	if err != nil && err != io.EOF {
		err = r.s.fail(OpRead, r.name, err)
	}
	return n, err
}

func (r s3Reader) Close() error { return r.obj.Close() }

// Rename copies from to to on the server (S3 has no rename) and removes
// from. It refuses an existing to; the copy's size is checked before from
// goes.
func (s *S3) Rename(from, to string) error {
	if _, err := s.client.StatObject(s.ctx, s.opt.Bucket, s.key(to), minio.StatObjectOptions{}); err == nil {
		return fmt.Errorf("%s: %w", to, fs.ErrExist)
	}
	src, err := s.client.StatObject(s.ctx, s.opt.Bucket, s.key(from), minio.StatObjectOptions{})
	if err != nil {
		return s.fail(OpRename, from, err)
	}
	dst := minio.CopyDestOptions{Bucket: s.opt.Bucket, Object: s.key(to)}
	srcOpt := minio.CopySrcOptions{Bucket: s.opt.Bucket, Object: s.key(from), MatchETag: src.ETag}
	if src.Size > maxCopySize {
		_, err = s.client.ComposeObject(s.ctx, dst, srcOpt)
	} else {
		_, err = s.client.CopyObject(s.ctx, dst, srcOpt)
	}
	if err != nil {
		return s.fail(OpRename, to, err)
	}
	got, err := s.client.StatObject(s.ctx, s.opt.Bucket, s.key(to), minio.StatObjectOptions{})
	if err != nil {
		return s.fail(OpRename, to, err)
	}
	if got.Size != src.Size {
		s.client.RemoveObject(s.ctx, s.opt.Bucket, s.key(to), minio.RemoveObjectOptions{})
		return fmt.Errorf("%w: %s: server-side copy has %d bytes, not %d", ErrDamaged, to, got.Size, src.Size)
	}
	return s.fail(OpRename, from, s.client.RemoveObject(s.ctx, s.opt.Bucket, s.key(from), minio.RemoveObjectOptions{}))
}

func (s *S3) Remove(name string) error {
	return s.fail(OpRemove, name, s.client.RemoveObject(s.ctx, s.opt.Bucket, s.key(name), minio.RemoveObjectOptions{}))
}

func (s *S3) List() ([]File, error) {
	var out []File
	for obj := range s.client.ListObjects(s.ctx, s.opt.Bucket, minio.ListObjectsOptions{Prefix: s.prefix}) {
		if obj.Err != nil {
			return nil, s.fail(OpList, "", obj.Err)
		}
		name := strings.TrimPrefix(obj.Key, s.prefix)
		if name == "" || strings.Contains(name, "/") {
			continue // a « folder » below the prefix
		}
		out = append(out, File{Name: name, Size: obj.Size, ModTime: obj.LastModified})
	}
	return out, nil
}

// sweepIncomplete aborts the multipart uploads under the prefix started
// more than age ago: parts of an upload cut off by a server or Coffre that
// stopped, invisible in List but billed by the provider.
func (s *S3) sweepIncomplete(age time.Duration, now time.Time) {
	for up := range s.client.ListIncompleteUploads(s.ctx, s.opt.Bucket, s.prefix, false) {
		if up.Err != nil {
			return
		}
		if now.Sub(up.Initiated) > age {
			s.client.RemoveIncompleteUpload(s.ctx, s.opt.Bucket, up.Key)
		}
	}
}

// resumeFrom finds the multipart upload an earlier attempt left for tmp (the
// newest, others aborted) and keeps its leading parts whose ETag is the MD5
// of the same bytes of the source: the next run sends only the parts after.
// Uploads of the same name from other content are aborted.
func (s *S3) resumeFrom(tmp string, size int64, src io.ReaderAt) (int64, error) {
	s.mu.Lock()
	delete(s.pending, tmp)
	s.mu.Unlock()
	key := s.key(tmp)
	if info, err := s.client.StatObject(s.ctx, s.opt.Bucket, key, minio.StatObjectOptions{}); err == nil {
		// Completed, then cut off before it was checked and renamed.
		if info.Size == size {
			s.setPending(tmp, &s3Upload{complete: true})
			return size, nil
		}
		if err := s.client.RemoveObject(s.ctx, s.opt.Bucket, key, minio.RemoveObjectOptions{}); err != nil {
			return 0, s.fail(OpRemove, tmp, err)
		}
	}
	if size <= int64(s.opt.PartSize) {
		return 0, s.abortUploads(tmp, "")
	}
	core := minio.Core{Client: s.client}
	stem := s.key(stemOf(tmp))
	var found *minio.ObjectMultipartInfo
	keyMarker, idMarker := "", ""
	for {
		res, err := core.ListMultipartUploads(s.ctx, s.opt.Bucket, stem, keyMarker, idMarker, "", 1000)
		if err != nil {
			return 0, s.fail(OpList, tmp, err)
		}
		for _, up := range res.Uploads {
			if up.Key == key && (found == nil || up.Initiated.After(found.Initiated)) {
				found = &up
			}
		}
		if !res.IsTruncated {
			break
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
	keep := ""
	if found != nil {
		keep = found.UploadID
	}
	if err := s.abortUploads(tmp, keep); err != nil {
		return 0, err
	}
	if found == nil {
		return 0, nil
	}
	var parts []minio.ObjectPart
	marker := 0
	for {
		res, err := core.ListObjectParts(s.ctx, s.opt.Bucket, key, found.UploadID, marker, 1000)
		if err != nil {
			return 0, s.fail(OpList, tmp, err)
		}
		parts = append(parts, res.ObjectParts...)
		if !res.IsTruncated {
			break
		}
		marker = res.NextPartNumberMarker
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].PartNumber < parts[j].PartNumber })
	up := &s3Upload{id: found.UploadID}
	var off int64
	buf := make([]byte, s.opt.PartSize)
	for i, p := range parts {
		// Full parts only: the last one is sent again with what follows.
		if p.PartNumber != i+1 || p.Size != int64(s.opt.PartSize) || off+p.Size >= size {
			break
		}
		if _, err := src.ReadAt(buf, off); err != nil {
			return 0, err
		}
		sum := md5.Sum(buf)
		if !strings.EqualFold(strings.Trim(p.ETag, `"`), hex.EncodeToString(sum[:])) {
			break
		}
		up.parts = append(up.parts, minio.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
		off += p.Size
	}
	s.setPending(tmp, up)
	return off, nil
}

func (s *S3) setPending(tmp string, up *s3Upload) {
	s.mu.Lock()
	s.pending[tmp] = up
	s.mu.Unlock()
}

// abortUploads aborts the incomplete multipart uploads of tmp's name (any
// content) but keep.
func (s *S3) abortUploads(tmp, keep string) error {
	stem := s.key(stemOf(tmp))
	for up := range s.client.ListIncompleteUploads(s.ctx, s.opt.Bucket, stem, false) {
		if up.Err != nil {
			return s.fail(OpList, tmp, up.Err)
		}
		if up.UploadID == keep || !strings.HasPrefix(up.Key, stem) {
			continue
		}
		if err := (minio.Core{Client: s.client}).AbortMultipartUpload(s.ctx, s.opt.Bucket, up.Key, up.UploadID); err != nil {
			return s.fail(OpRemove, tmp, err)
		}
	}
	return nil
}

// createFrom continues the multipart upload resumeFrom found, or starts a
// new one (a single PUT for a file of one part).
func (s *S3) createFrom(tmp string, size, off int64) (io.WriteCloser, error) {
	s.mu.Lock()
	up := s.pending[tmp]
	delete(s.pending, tmp)
	s.mu.Unlock()
	if off > 0 && up == nil {
		return nil, fmt.Errorf("remote: no upload of %s to resume", tmp)
	}
	if up != nil && up.complete {
		return nopWriteCloser{}, nil
	}
	if size <= int64(s.opt.PartSize) {
		return s.CreateSized(tmp, size)
	}
	if up == nil {
		up = &s3Upload{}
	}
	if up.id == "" {
		id, err := (minio.Core{Client: s.client}).NewMultipartUpload(s.ctx, s.opt.Bucket, s.key(tmp), minio.PutObjectOptions{ContentType: "application/octet-stream"})
		if err != nil {
			return nil, s.fail(OpCreate, tmp, err)
		}
		up.id = id
	}
	if off == 0 {
		up.parts = nil // the upload's parts are sent again from the first
	}
	return &s3PartWriter{s: s, name: tmp, up: up, buf: make([]byte, 0, s.opt.PartSize)}, nil
}

func (s *S3) discard(tmp string) error {
	s.mu.Lock()
	delete(s.pending, tmp)
	s.mu.Unlock()
	if err := s.abortUploads(tmp, ""); err != nil {
		return err
	}
	err := s.client.RemoveObject(s.ctx, s.opt.Bucket, s.key(tmp), minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).StatusCode != http.StatusNotFound {
		return s.fail(OpRemove, tmp, err)
	}
	return nil
}

type nopWriteCloser struct{}

func (nopWriteCloser) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriteCloser) Close() error                { return nil }

// s3PartWriter sends a multipart upload part by part (each with its MD5,
// checked by the server), and completes it on Close. Cut off, the parts
// sent stay on the server for the next attempt to resume.
type s3PartWriter struct {
	s    *S3
	name string
	up   *s3Upload
	buf  []byte
}

func (w *s3PartWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), cap(w.buf)-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p, n = p[k:], n+k
		if len(w.buf) == cap(w.buf) {
			if err := w.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (w *s3PartWriter) flush() error {
	sum := md5.Sum(w.buf)
	num := len(w.up.parts) + 1
	part, err := (minio.Core{Client: w.s.client}).PutObjectPart(w.s.ctx, w.s.opt.Bucket, w.s.key(w.name), w.up.id, num,
		bytes.NewReader(w.buf), int64(len(w.buf)), minio.PutObjectPartOptions{Md5Base64: base64.StdEncoding.EncodeToString(sum[:])})
	if err != nil {
		return w.s.fail(OpWrite, w.name, err)
	}
	w.up.parts = append(w.up.parts, minio.CompletePart{PartNumber: num, ETag: part.ETag})
	w.buf = w.buf[:0]
	return nil
}

// abort leaves the parts sent on the server, for a resume.
func (w *s3PartWriter) abort(error) {}

func (w *s3PartWriter) Close() error {
	if len(w.buf) > 0 || len(w.up.parts) == 0 {
		if err := w.flush(); err != nil {
			return err
		}
	}
	_, err := (minio.Core{Client: w.s.client}).CompleteMultipartUpload(w.s.ctx, w.s.opt.Bucket, w.s.key(w.name), w.up.id, w.up.parts, minio.PutObjectOptions{})
	return w.s.fail(OpWrite, w.name, err)
}

func (s *S3) Close() error {
	s.cancel()
	s.tr.Close()
	return nil
}
