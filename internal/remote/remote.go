package remote

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

// Backend is one offsite folder. Names are base names inside it. Methods
// are called from one goroutine at a time; ctx is checked between calls,
// and Close interrupts a transfer in progress.
type Backend interface {
	// Describe names the destination for people, without any password.
	Describe() string
	Create(name string) (io.WriteCloser, error)
	Open(name string) (io.ReadCloser, error)
	// Rename refuses (an error) to replace an existing file.
	Rename(from, to string) error
	Remove(name string) error
	List() ([]File, error)
	Close() error
}

// sizedCreator is a backend that wants a file's size before its first byte
// (an S3 multipart upload, a WebDAV PUT with its Content-Length).
type sizedCreator interface {
	CreateSized(name string, size int64) (io.WriteCloser, error)
}

// incompleteSweeper is a backend that keeps interrupted uploads out of
// List (S3's incomplete multipart uploads).
type incompleteSweeper interface {
	sweepIncomplete(age time.Duration, now time.Time)
}

// File is one file in the offsite folder.
type File struct {
	Name    string
	Size    int64
	ModTime time.Time
}

// Status is the verdict on a copy.
type Status string

// The verdicts, as shown in reports and e-mails.
const (
	Validated Status = "validée"
	Damaged   Status = "endommagée"
	Failed    Status = "échouée" // could not be copied at all (connexion, disk)
)

// CopyResult says what happened to one copy.
type CopyResult struct {
	Name     string
	Size     int64
	SHA256   string
	Status   Status
	Attempts int
	Duration time.Duration
	// Cause sorts a failed or damaged copy (CauseOf(Err)); "" when validated.
	Cause Cause
	// Detail explains a damaged or failed copy, in French.
	Detail string
	Err    error
}

// CopyOptions tune a copy.
type CopyOptions struct {
	// AfterUpload runs between the upload and the read-back, with the
	// temporary name (fault-injection tests tamper with it there).
	AfterUpload func(tmp string, attempt int)
	Progress    dossier.Progress
}

var (
	msgMismatch = &i18n.Message{ID: "DistantDifferent", Other: "ce qui est arrivé sur le serveur ne correspond pas au fichier envoyé (taille {{.GotSize}} au lieu de {{.WantSize}}, empreinte différente : {{.Same}})"}
	msgNo       = &i18n.Message{ID: "DistantNon", Other: "non"}
	msgYes      = &i18n.Message{ID: "DistantOui", Other: "oui"}
)

// tempMarker is in the name of every temporary upload.
const tempMarker = ".coffre-tmp-"

// IsTemp reports whether name is a temporary upload.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMarker)
}

// Copy uploads the local file to b under its base name: written under a
// temporary name, read back and compared (size and SHA-256 of what the
// server returns), then renamed. A damaged copy is removed and sent once
// more. Nothing damaged ever carries the final name.
func Copy(ctx context.Context, b Backend, local string, opt CopyOptions) CopyResult {
	start := time.Now()
	name := path.Base(strings.ReplaceAll(local, "\\", "/"))
	res := CopyResult{Name: name}
	size, sum, err := hashFile(local)
	if err != nil {
		res.Status, res.Err, res.Detail = Failed, err, i18n.Describe(err)
		return res
	}
	res.Size, res.SHA256 = size, sum
	for attempt := 1; attempt <= 2; attempt++ {
		res.Attempts = attempt
		if err := ctx.Err(); err != nil {
			res.Status, res.Err, res.Detail = Failed, err, i18n.Describe(err)
			return res
		}
		var damaged bool
		damaged, res.Detail, res.Err = copyOnce(ctx, b, local, name, size, sum, attempt, opt)
		switch {
		case res.Err == nil:
			res.Status, res.Detail = Validated, ""
			res.Duration = time.Since(start)
			return res
		case damaged:
			res.Status, res.Cause = Damaged, CauseDamaged
		default:
			res.Err = fail(OpWrite, b.Describe(), name, res.Err)
			res.Status, res.Cause = Failed, CauseOf(res.Err)
			res.Detail = i18n.Describe(res.Err)
			if !retryable(res.Cause) {
				res.Duration = time.Since(start)
				return res
			}
		}
	}
	res.Duration = time.Since(start)
	return res
}

// retryable says whether sending once more may help: a second try at a
// full disk, a refused login or a stalled server only doubles the wait.
func retryable(c Cause) bool {
	switch c {
	case CauseDamaged, CauseOther:
		return true
	}
	return false
}

// ErrDamaged is wrapped by the error of a copy that arrived different.
var ErrDamaged = errors.New("remote: copy differs from the original")

func copyOnce(ctx context.Context, b Backend, local, name string, size int64, sum string, attempt int, opt CopyOptions) (damaged bool, detail string, err error) {
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return false, "", err
	}
	tmp := "." + name + tempMarker + hex.EncodeToString(rnd[:])
	committed := false
	defer func() {
		if !committed {
			b.Remove(tmp)
		}
	}()
	if err := upload(ctx, b, local, tmp, opt.Progress, name); err != nil {
		return false, "", err
	}
	if opt.AfterUpload != nil {
		opt.AfterUpload(tmp, attempt)
	}
	gotSize, gotSum, err := readBack(ctx, b, tmp, opt.Progress, name)
	if err != nil {
		return false, "", err
	}
	if gotSize != size || gotSum != sum {
		same := i18n.T(msgNo, nil)
		if gotSum != sum {
			same = i18n.T(msgYes, nil)
		}
		d := i18n.T(msgMismatch, map[string]any{"GotSize": gotSize, "WantSize": size, "Same": same})
		return true, d, fmt.Errorf("%w: %s", ErrDamaged, name)
	}
	if err := b.Rename(tmp, name); err != nil {
		return false, "", err
	}
	committed = true
	return false, "", nil
}

func upload(ctx context.Context, b Backend, local, tmp string, p dossier.Progress, label string) error {
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	var w io.WriteCloser
	if sc, ok := b.(sizedCreator); ok {
		w, err = sc.CreateSized(tmp, fi.Size())
	} else {
		w, err = b.Create(tmp)
	}
	if err != nil {
		return err
	}
	// 1 MiB a call: SFTP sends it as concurrent packets, and the stall
	// guard sees each call.
	buf := make([]byte, 1<<20)
	_, err = io.CopyBuffer(onlyWriter{w}, &ctxReader{ctx: ctx, r: f, p: p, total: fi.Size(), label: label, phase: PhaseUpload}, buf)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// onlyWriter hides a destination's ReadFrom, so that io.CopyBuffer writes
// buffer by buffer (each write under the stall guard).
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }

func readBack(ctx context.Context, b Backend, name string, p dossier.Progress, label string) (int64, string, error) {
	r, err := b.Open(name)
	if err != nil {
		return 0, "", err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, &ctxReader{ctx: ctx, r: r, p: p, label: label, phase: dossier.PhaseVerification}, make([]byte, 1<<20))
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(p string) (int64, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// ctxReader stops a transfer when ctx is cancelled and reports progress.
type ctxReader struct {
	ctx   context.Context
	r     io.Reader
	p     dossier.Progress
	done  int64
	total int64
	label string
	phase dossier.Phase
}

func (c *ctxReader) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(b)
	c.done += int64(n)
	c.p.Report(dossier.Event{Phase: c.phase, Dossier: c.label, Done: c.done, Total: c.total})
	return n, err
}

// Backup is one backup file found offsite.
type Backup struct {
	File
	Key   string    // « 001-SOC »: the dossier it belongs to
	Taken time.Time // from its name
}

// Backups lists the backup files in b by dossier, newest first.
func Backups(b Backend) (map[string][]Backup, error) {
	files, err := b.List()
	if err != nil {
		return nil, err
	}
	out := map[string][]Backup{}
	for _, f := range files {
		if IsTemp(f.Name) || !strings.HasSuffix(f.Name, dossier.ExtPBF) {
			continue
		}
		p, ok := dossier.ParseBackupName(strings.TrimSuffix(f.Name, dossier.ExtPBF))
		if !ok {
			continue
		}
		k := p.Numero + "-" + p.Nom
		out[k] = append(out[k], Backup{File: f, Key: k, Taken: p.Taken})
	}
	for _, l := range out {
		sort.Slice(l, func(i, j int) bool {
			if !l[i].Taken.Equal(l[j].Taken) {
				return l[i].Taken.After(l[j].Taken)
			}
			return l[i].Name > l[j].Name
		})
	}
	return out, nil
}

// RemoveCopy removes one backup file Coffre wrote offsite (or an interrupted
// temporary upload of one). It refuses any other name, so that the service's
// « disk full: remove the oldest copy » cannot touch a foreign file.
func RemoveCopy(b Backend, name string) error {
	base := strings.TrimSuffix(name, dossier.ExtPBF)
	if IsTemp(name) {
		base = strings.TrimSuffix(strings.TrimPrefix(name[:strings.Index(name, tempMarker)], "."), dossier.ExtPBF)
	}
	if path.Base(name) != name || !strings.Contains(name, dossier.ExtPBF) {
		return fmt.Errorf("remote: %q is not a backup name", name)
	}
	if _, ok := dossier.ParseBackupName(base); !ok {
		return fmt.Errorf("remote: %q is not a backup name", name)
	}
	return fail(OpRemove, b.Describe(), name, b.Remove(name))
}

// Rotate keeps the newest keep backups of dossier key in b and removes
// older ones, but only those owned says Coffre wrote (never a file someone
// else put there). It returns the names removed.
func Rotate(b Backend, key string, keep int, owned func(name string) bool) ([]string, error) {
	if keep < 1 {
		keep = 1
	}
	all, err := Backups(b)
	if err != nil {
		return nil, err
	}
	var removed []string
	list := all[key]
	for i := keep; i < len(list); i++ {
		if !owned(list[i].Name) {
			continue
		}
		if err := b.Remove(list[i].Name); err != nil {
			return removed, err
		}
		removed = append(removed, list[i].Name)
	}
	return removed, nil
}

// SweepTemp removes temporary uploads older than age (left by a copy that
// was interrupted).
func SweepTemp(b Backend, age time.Duration, now time.Time) {
	if s, ok := b.(incompleteSweeper); ok {
		s.sweepIncomplete(age, now)
	}
	files, err := b.List()
	if err != nil {
		return
	}
	for _, f := range files {
		if IsTemp(f.Name) && now.Sub(f.ModTime) > age {
			b.Remove(f.Name)
		}
	}
}
