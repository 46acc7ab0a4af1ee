package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/studio-b12/gowebdav"

	"coffre/internal/i18n"
)

// WebDAVOptions say how to reach a WebDAV folder (a Nextcloud, a NAS).
type WebDAVOptions struct {
	// URL is the folder, e.g.
	// https://cloud.exemple.fr/remote.php/dav/files/compta/Coffre.
	URL      string
	User     string
	Password string
	// Timeout is the connection check's stall timeout (0: DefaultStall).
	Timeout time.Duration
}

var msgBadURL = &i18n.Message{ID: "WebDAVAdresseInvalide", Other: "Adresse WebDAV invalide « {{.URL}} » : écrivez l'adresse complète du dossier, comme https://cloud.exemple.fr/remote.php/dav/files/utilisateur/Coffre."}

// WebDAV is an offsite folder on a WebDAV server.
type WebDAV struct {
	opt    WebDAVOptions
	client *gowebdav.Client
	tr     *httpTransport
	act    *activity
	desc   string
}

// DialWebDAV logs in and creates the folder when it is missing.
func DialWebDAV(ctx context.Context, o WebDAVOptions) (*WebDAV, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, i18n.E(msgBadURL, map[string]any{"URL": o.URL}, &Error{Cause: CauseNotFound, Op: OpConnect, Dest: o.URL, Err: err})
	}
	u.User = nil
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultStall
	}
	act := &activity{}
	tr := newHTTPTransport(act, timeout, "")
	// Basic authentication sent with every request: the library's
	// negotiation would replay a refused upload, keeping it in memory.
	c := gowebdav.NewAuthClient(u.String(), gowebdav.NewPreemptiveAuth(basicAuth{user: o.User, pw: o.Password}))
	c.SetTransport(tr)
	w := &WebDAV{opt: o, client: c, tr: tr, act: act, desc: u.String()}
	// The folder itself may be missing: created from the server's root
	// (on a Nextcloud the user's own part exists, MKCOL answers 405).
	top := *u
	top.Path = "/"
	rootClient := gowebdav.NewAuthClient(top.String(), gowebdav.NewPreemptiveAuth(basicAuth{user: o.User, pw: o.Password}))
	rootClient.SetTransport(tr)
	done := make(chan error, 1)
	go func() {
		if u.Path == "" || u.Path == "/" {
			done <- c.Connect()
			return
		}
		done <- rootClient.MkdirAll(u.Path, 0o755)
	}()
	select {
	case err = <-done:
	case <-ctx.Done():
		tr.Close()
		return nil, ctx.Err()
	case <-time.After(timeout):
		tr.Close()
		return nil, stalled(OpConnect, w.desc, "", timeout)
	}
	if err != nil {
		tr.Close()
		return nil, w.fail(OpConnect, "", err)
	}
	return w, nil
}

// basicAuth is HTTP Basic authentication on every request.
type basicAuth struct{ user, pw string }

func (b basicAuth) Authorize(_ *http.Client, rq *http.Request, _ string) error {
	rq.SetBasicAuth(b.user, b.pw)
	return nil
}

func (b basicAuth) Verify(_ *http.Client, rs *http.Response, p string) (bool, error) {
	if rs.StatusCode == http.StatusUnauthorized {
		return false, gowebdav.NewPathError("Authorize", p, rs.StatusCode)
	}
	return false, nil
}

func (b basicAuth) Close() error                  { return nil }
func (b basicAuth) Clone() gowebdav.Authenticator { return b }
func (b basicAuth) String() string                { return "basic" }

// Describe is the folder's URL, without any password.
func (w *WebDAV) Describe() string { return w.desc }

func (w *WebDAV) activity() *activity { return w.act }

// fail sorts a WebDAV error: the HTTP status first, then the network's.
func (w *WebDAV) fail(op Op, name string, err error) error {
	if err == nil {
		return nil
	}
	var se gowebdav.StatusError
	if errors.As(err, &se) {
		if se.Status == http.StatusPreconditionFailed && op == OpRename {
			return fmt.Errorf("%s: %w", name, fs.ErrExist)
		}
		if c := httpCause("", se.Status); c != "" {
			return newError(c, op, w.desc, name, err)
		}
	}
	return fail(op, w.desc, name, err)
}

func (w *WebDAV) Create(name string) (io.WriteCloser, error) { return w.CreateSized(name, -1) }

// CreateSized starts a PUT of size bytes (its Content-Length: some servers
// refuse a chunked upload).
func (w *WebDAV) CreateSized(name string, size int64) (io.WriteCloser, error) {
	pr, pw := io.Pipe()
	wr := &webdavWriter{w: w, name: name, pw: pw, done: make(chan error, 1)}
	go func() {
		var err error
		if size >= 0 {
			err = w.client.WriteStreamWithLength(name, pr, size, 0o644)
		} else {
			err = w.client.WriteStream(name, pr, 0o644)
		}
		pr.CloseWithError(err)
		wr.done <- err
	}()
	return wr, nil
}

type webdavWriter struct {
	w    *WebDAV
	name string
	pw   *io.PipeWriter
	done chan error
}

func (wr *webdavWriter) Write(p []byte) (int, error) {
	n, err := wr.pw.Write(p)
	if err != nil {
		err = wr.w.fail(OpWrite, wr.name, err)
	}
	return n, err
}

func (wr *webdavWriter) abort(err error) {
	wr.pw.CloseWithError(err)
	<-wr.done
}

func (wr *webdavWriter) Close() error {
	wr.pw.Close()
	return wr.w.fail(OpWrite, wr.name, <-wr.done)
}

func (w *WebDAV) Open(name string) (io.ReadCloser, error) {
	r, err := w.client.ReadStream(name)
	if err != nil {
		return nil, w.fail(OpRead, name, err)
	}
	return webdavReader{w: w, r: r, name: name}, nil
}

type webdavReader struct {
	w    *WebDAV
	r    io.ReadCloser
	name string
}

func (r webdavReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = r.w.fail(OpRead, r.name, err)
	}
	return n, err
}

func (r webdavReader) Close() error { return r.r.Close() }

// Rename is a MOVE with « Overwrite: F »: the server refuses an existing
// destination.
func (w *WebDAV) Rename(from, to string) error {
	return w.fail(OpRename, to, w.client.Rename(from, to, false))
}

func (w *WebDAV) Remove(name string) error {
	err := w.client.Remove(name)
	if errors.Is(err, os.ErrNotExist) || gowebdav.IsErrNotFound(err) {
		return w.fail(OpRemove, name, &os.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist})
	}
	return w.fail(OpRemove, name, err)
}

func (w *WebDAV) List() ([]File, error) {
	infos, err := w.client.ReadDir("/")
	if err != nil {
		return nil, w.fail(OpList, "", err)
	}
	var out []File
	for _, fi := range infos {
		if fi.IsDir() {
			continue
		}
		out = append(out, File{Name: path.Base(strings.TrimSuffix(fi.Name(), "/")), Size: fi.Size(), ModTime: fi.ModTime()})
	}
	return out, nil
}

// Close cuts the connections, which ends a transfer in progress.
func (w *WebDAV) Close() error {
	w.tr.Close()
	return nil
}
