package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
)

// SFTPOptions say how to reach the SFTP server. Password is used when
// KeyFile is empty; it is never logged nor written anywhere.
type SFTPOptions struct {
	Host       string
	Port       int
	User       string
	KeyFile    string
	Password   string
	KnownHosts string // the known_hosts file the host key is checked against
	Dir        string // remote folder
	// Timeout bounds the connection and the handshake, and is the stall
	// timeout of Open's guard; 0 is DefaultStall.
	Timeout time.Duration
}

func (o SFTPOptions) addr() string {
	port := o.Port
	if port == 0 {
		port = 22
	}
	return net.JoinHostPort(o.Host, strconv.Itoa(port))
}

var (
	// ErrUnknownHost is wrapped when the server's key is not in known_hosts:
	// the user must first trust it (Trust).
	ErrUnknownHost = errors.New("remote: unknown host key")
	// ErrHostKeyChanged is wrapped when the server shows another key than
	// the recorded one: never accepted automatically.
	ErrHostKeyChanged = errors.New("remote: host key changed")

	msgUnknownHost = &i18n.Message{ID: "SFTPServeurInconnu", Other: "Le serveur {{.Host}} n'est pas encore reconnu (empreinte de sa clé : {{.Fingerprint}}). Vérifiez cette empreinte auprès de son administrateur puis cliquez « Faire confiance à ce serveur » (ou « coffre service --faire-confiance »)."}
	msgKeyChanged  = &i18n.Message{ID: "SFTPCleChangee", Other: "ATTENTION : la clé du serveur {{.Host}} a changé (empreinte reçue : {{.Fingerprint}}). Cela peut être une attaque : aucune copie n'a été envoyée. Si le serveur a vraiment été réinstallé, retirez l'ancienne clé de {{.File}} puis faites de nouveau confiance au serveur."}
	msgAuth        = &i18n.Message{ID: "SFTPAuthentification", Other: "Le serveur SFTP {{.Host}} refuse l'utilisateur « {{.User}} » : vérifiez la clé ou le mot de passe."}
	msgNoKey       = &i18n.Message{ID: "SFTPCleIllisible", Other: "Impossible de lire la clé privée « {{.File}} » (clé OpenSSH sans phrase de passe attendue)."}
	msgFingerprint = &i18n.Message{ID: "SFTPEmpreinteDifferente", Other: "Le serveur {{.Host}} présente maintenant l'empreinte {{.Got}}, pas {{.Want}} : rien n'a été enregistré."}
)

// hostKeyError carries the key seen, for the trust step.
type hostKeyError struct {
	key     ssh.PublicKey
	changed bool
}

func (e *hostKeyError) Error() string { return "host key: " + ssh.FingerprintSHA256(e.key) }

func hostKeyCallback(file string) ssh.HostKeyCallback {
	return func(host string, remote net.Addr, key ssh.PublicKey) error {
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return &hostKeyError{key: key}
		}
		cb, err := knownhosts.New(file)
		if err != nil {
			return err
		}
		err = cb(host, remote, key)
		var ke *knownhosts.KeyError
		if errors.As(err, &ke) {
			return &hostKeyError{key: key, changed: len(ke.Want) > 0}
		}
		return err
	}
}

func authMethods(o SFTPOptions) ([]ssh.AuthMethod, error) {
	if o.KeyFile != "" {
		b, err := os.ReadFile(o.KeyFile)
		if err != nil {
			return nil, i18n.E(msgNoKey, map[string]any{"File": o.KeyFile}, err)
		}
		signer, err := ssh.ParsePrivateKey(b)
		if err != nil {
			return nil, i18n.E(msgNoKey, map[string]any{"File": o.KeyFile}, err)
		}
		return []ssh.AuthMethod{ssh.PublicKeys(signer)}, nil
	}
	pw := o.Password
	return []ssh.AuthMethod{
		ssh.Password(pw),
		ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
			answers := make([]string, len(questions))
			for i := range answers {
				answers[i] = pw
			}
			return answers, nil
		}),
	}, nil
}

// dial connects and logs in. The handshake is under a deadline of
// o.Timeout (the stall timeout): a server that accepts the connection and
// then says nothing is abandoned; keepDeadline leaves it set for the
// caller's own first requests.
func dial(ctx context.Context, o SFTPOptions, cb ssh.HostKeyCallback, act *activity) (*ssh.Client, net.Conn, error) {
	auth, err := authMethods(o)
	if err != nil {
		return nil, nil, err
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = DefaultStall
	}
	dest := o.describe()
	d := net.Dialer{Timeout: timeout}
	raw, err := d.DialContext(ctx, "tcp", o.addr())
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, fail(OpConnect, dest, "", err)
	}
	var conn net.Conn = raw
	if act != nil {
		conn = activityConn{Conn: raw, act: act}
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	conn.SetDeadline(time.Now().Add(timeout))
	c, chans, reqs, err := ssh.NewClientConn(conn, o.addr(), &ssh.ClientConfig{
		User: o.User, Auth: auth, HostKeyCallback: cb, Timeout: timeout,
	})
	if err != nil {
		conn.Close()
		var he *hostKeyError
		switch {
		case errors.As(err, &he) && he.changed:
			return nil, nil, i18n.E(msgKeyChanged, map[string]any{"Host": o.addr(), "Fingerprint": ssh.FingerprintSHA256(he.key), "File": o.KnownHosts},
				&Error{Cause: CauseHostKeyChanged, Op: OpConnect, Dest: dest, Err: ErrHostKeyChanged})
		case errors.As(err, &he):
			return nil, nil, i18n.E(msgUnknownHost, map[string]any{"Host": o.addr(), "Fingerprint": ssh.FingerprintSHA256(he.key)},
				&Error{Cause: CauseUnknownHost, Op: OpConnect, Dest: dest, Err: ErrUnknownHost})
		case ctx.Err() != nil:
			return nil, nil, ctx.Err()
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, nil, i18n.E(msgAuth, map[string]any{"Host": o.addr(), "User": o.User}, &Error{Cause: CauseAuth, Op: OpConnect, Dest: dest, Err: err})
		case errors.Is(err, io.EOF):
			// Closed during the handshake: not an SSH server, or one
			// refusing this client before it logs in.
			return nil, nil, newError(CauseRefused, OpConnect, dest, "", err)
		}
		return nil, nil, fail(OpConnect, dest, "", err)
	}
	return ssh.NewClient(c, chans, reqs), conn, nil
}

// SFTP is an offsite folder on an SFTP server.
type SFTP struct {
	opt    SFTPOptions
	ssh    *ssh.Client
	client *sftp.Client
	act    *activity
}

// DialSFTP connects, checking the server's key against o.KnownHosts:
// ErrUnknownHost (wrapped) until the user trusted it, ErrHostKeyChanged when
// it differs from the recorded one. Every failure carries its Cause.
func DialSFTP(ctx context.Context, o SFTPOptions) (*SFTP, error) {
	act := &activity{}
	c, conn, err := dial(ctx, o, hostKeyCallback(o.KnownHosts), act)
	if err != nil {
		return nil, err
	}
	dest := o.describe()
	// Concurrent writes keep a slow, distant line full; the read-back and
	// the SHA-256 comparison catch any hole they could leave.
	sc, err := sftp.NewClient(c, sftp.UseConcurrentWrites(true))
	if err != nil {
		c.Close()
		return nil, fail(OpConnect, dest, "", err)
	}
	if o.Dir != "" {
		if err := sc.MkdirAll(o.Dir); err != nil {
			sc.Close()
			c.Close()
			return nil, fail(OpConnect, dest, o.Dir, err)
		}
	}
	conn.SetDeadline(time.Time{}) // from now on the stall guard watches
	return &SFTP{opt: o, ssh: c, client: sc, act: act}, nil
}

// HostKey fetches the server's key without logging in, for the trust step:
// its SHA-256 fingerprint and whether known_hosts already accepts it.
func HostKey(ctx context.Context, o SFTPOptions) (fingerprint string, known bool, err error) {
	var seen ssh.PublicKey
	check := hostKeyCallback(o.KnownHosts)
	cb := func(host string, remote net.Addr, key ssh.PublicKey) error {
		seen = key
		if check(host, remote, key) == nil {
			known = true
		}
		return errors.New("coffre: host key fetched")
	}
	o.KeyFile, o.Password = "", ""
	_, _, err = dial(ctx, o, cb, nil)
	if seen == nil {
		return "", false, err
	}
	return ssh.FingerprintSHA256(seen), known, nil
}

// Trust records the server's key in o.KnownHosts: the explicit « Faire
// confiance à ce serveur » step. With want non-empty it records the key only
// if its fingerprint is want (what the user was shown). It returns the
// fingerprint recorded. A changed key is replaced only after the old line
// was removed by hand.
func Trust(ctx context.Context, o SFTPOptions, want string) (string, error) {
	var (
		seen ssh.PublicKey
		addr net.Addr
	)
	cb := func(host string, remote net.Addr, key ssh.PublicKey) error {
		seen, addr = key, remote
		return errors.New("coffre: host key fetched")
	}
	o.KeyFile, o.Password = "", ""
	_, _, err := dial(ctx, o, cb, nil)
	if seen == nil {
		return "", err
	}
	fp := ssh.FingerprintSHA256(seen)
	if want != "" && want != fp {
		return "", i18n.E(msgFingerprint, map[string]any{"Host": o.addr(), "Got": fp, "Want": want}, ErrHostKeyChanged)
	}
	if err := hostKeyCallback(o.KnownHosts)(o.addr(), addr, seen); err == nil {
		return fp, nil
	} else if he := (*hostKeyError)(nil); errors.As(err, &he) && he.changed {
		return "", i18n.E(msgKeyChanged, map[string]any{"Host": o.addr(), "Fingerprint": fp, "File": o.KnownHosts}, ErrHostKeyChanged)
	}
	old, err := os.ReadFile(o.KnownHosts)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if len(old) > 0 && old[len(old)-1] != '\n' {
		old = append(old, '\n')
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(o.addr())}, seen)
	if err := os.MkdirAll(filepath.Dir(o.KnownHosts), 0o700); err != nil {
		return "", err
	}
	tmp, err := fsutil.CreateTemp(o.KnownHosts)
	if err != nil {
		return "", err
	}
	defer tmp.Abort()
	if _, err := tmp.Write(append(old, line+"\n"...)); err != nil {
		return "", err
	}
	return fp, tmp.Commit(true)
}

func (s *SFTP) p(name string) string { return path.Join(s.opt.Dir, name) }

func (o SFTPOptions) describe() string {
	return fmt.Sprintf("sftp://%s@%s/%s", o.User, o.addr(), strings.TrimPrefix(o.Dir, "/"))
}

// Describe is sftp://user@host:port/dir — no password.
func (s *SFTP) Describe() string { return s.opt.describe() }

func (s *SFTP) activity() *activity { return s.act }

func (s *SFTP) Create(name string) (io.WriteCloser, error) {
	f, err := s.client.OpenFile(s.p(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return nil, s.fail(OpCreate, name, err, 0)
	}
	return &sftpWriter{s: s, f: f, name: name}, nil
}

// sftpWriter sorts write errors: OpenSSH answers a full disk or quota with
// the generic SSH_FX_FAILURE, which the server's free space tells apart.
type sftpWriter struct {
	s    *SFTP
	f    *sftp.File
	name string
}

func (w *sftpWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = w.s.fail(OpWrite, w.name, err, len(p))
	}
	return n, err
}

func (w *sftpWriter) Close() error {
	if err := w.f.Close(); err != nil {
		return w.s.fail(OpWrite, w.name, err, 0)
	}
	return nil
}

// fail sorts an SFTP error; need is how many bytes the failed call wanted
// to write, for the free-space check.
func (s *SFTP) fail(op Op, name string, err error, need int) error {
	var se *sftp.StatusError
	if errors.As(err, &se) && se.FxCode() == sftp.ErrSSHFxFailure && (op == OpWrite || op == OpCreate || op == OpRename) && s.full(need) {
		return newError(CauseNoSpace, op, s.Describe(), name, err)
	}
	return fail(op, s.Describe(), name, err)
}

// full asks the server for its free space (the statvfs@openssh.com
// extension): under need plus a margin, a failure was a full disk or quota.
func (s *SFTP) full(need int) bool {
	dir := s.opt.Dir
	if dir == "" {
		dir = "."
	}
	st, err := s.client.StatVFS(dir)
	if err != nil {
		return false
	}
	return st.Bavail*st.Frsize < uint64(need)+1<<20
}

func (s *SFTP) Open(name string) (io.ReadCloser, error) {
	f, err := s.client.Open(s.p(name))
	if err != nil {
		return nil, s.fail(OpRead, name, err, 0)
	}
	return sftpReader{s: s, f: f, name: name}, nil
}

type sftpReader struct {
	s    *SFTP
	f    *sftp.File
	name string
}

func (r sftpReader) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	if err != nil && err != io.EOF {
		err = r.s.fail(OpRead, r.name, err, 0)
	}
	return n, err
}

func (r sftpReader) Close() error { return r.f.Close() }

// Rename uses the SFTP rename, which refuses to replace an existing file.
func (s *SFTP) Rename(from, to string) error {
	if _, err := s.client.Lstat(s.p(to)); err == nil {
		return fmt.Errorf("%s: %w", to, fs.ErrExist)
	}
	if err := s.client.Rename(s.p(from), s.p(to)); err != nil {
		return s.fail(OpRename, to, err, 0)
	}
	return nil
}

func (s *SFTP) Remove(name string) error {
	if err := s.client.Remove(s.p(name)); err != nil {
		return s.fail(OpRemove, name, err, 0)
	}
	return nil
}

func (s *SFTP) List() ([]File, error) {
	dir := s.opt.Dir
	if dir == "" {
		dir = "."
	}
	infos, err := s.client.ReadDir(dir)
	if err != nil {
		return nil, s.fail(OpList, dir, err, 0)
	}
	var out []File
	for _, fi := range infos {
		if fi.Mode().IsRegular() {
			out = append(out, File{Name: fi.Name(), Size: fi.Size(), ModTime: fi.ModTime()})
		}
	}
	return out, nil
}

func (s *SFTP) Close() error {
	s.client.Close()
	return s.ssh.Close()
}

// Progress phase of an upload.
const PhaseUpload dossier.Phase = "envoi"

// resumeFrom keeps what an interrupted upload wrote to tmp up to the start
// of its last chunk, when the chunk before reads as the source's.
func (s *SFTP) resumeFrom(tmp string, size int64, src io.ReaderAt) (int64, error) {
	f, err := s.client.Open(s.p(tmp))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, s.fail(OpRead, tmp, err, 0)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, s.fail(OpRead, tmp, err, 0)
	}
	off := resumePoint(fi.Size(), size)
	if !sameTail(f, src, off) {
		return 0, s.discard(tmp)
	}
	return off, nil
}

// createFrom opens tmp at off, cut there (a new file when off is 0).
func (s *SFTP) createFrom(tmp string, size, off int64) (io.WriteCloser, error) {
	if off == 0 {
		return s.Create(tmp)
	}
	f, err := s.client.OpenFile(s.p(tmp), os.O_WRONLY)
	if err != nil {
		return nil, s.fail(OpCreate, tmp, err, 0)
	}
	if err := f.Truncate(off); err != nil {
		f.Close()
		return nil, s.fail(OpWrite, tmp, err, 0)
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return nil, s.fail(OpWrite, tmp, err, 0)
	}
	return &sftpWriter{s: s, f: f, name: tmp}, nil
}

func (s *SFTP) discard(tmp string) error {
	if err := s.client.Remove(s.p(tmp)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return s.fail(OpRemove, tmp, err, 0)
	}
	return nil
}
