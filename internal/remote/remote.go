package remote

import (
	"bytes"
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
	// Resumed is the offset an interrupted upload was resumed from: the
	// bytes an earlier attempt had sent and the server still held (0: sent
	// from the start).
	Resumed int64
	// Sent is how many bytes this copy sent (all attempts).
	Sent int64
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
	msgMismatch = &i18n.Message{ID: "DistantDifferent", Other: "ce qui est arrivé sur le serveur ne correspond pas au fichier envoyé (taille {{.GotSize}} au lieu de {{.WantSize}}, empreinte différente : {{.Same}})"}
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
//
// The temporary name carries the source's SHA-256 prefix, so that an upload
// an earlier attempt left (a server killed or stalled, Coffre stopped) is
// found by the next one and resumed from what the server already holds and
// still matches the source; a temporary upload of the same name from other
// content is discarded. See doc.go.
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
	damaged := false
	for attempt := 1; attempt <= 2; attempt++ {
		res.Attempts = attempt
		if err := ctx.Err(); err != nil {
			res.Status, res.Err, res.Detail = Failed, err, i18n.Describe(err)
			return res
		}
		var t transfer
		// After a damaged copy, everything is sent again.
		t, res.Detail, res.Err = copyOnce(ctx, b, local, name, size, sum, attempt, !damaged, opt)
		res.Sent += t.sent
		res.Resumed = t.resumed
		damaged = t.damaged
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

// transfer is what one attempt did.
type transfer struct {
	damaged bool
	resumed int64 // the offset an earlier upload was resumed from
	sent    int64 // bytes sent
}

// tempName is the temporary name of name's upload from content whose
// SHA-256 is sum: the same for every attempt at the same content.
func tempName(name, sum string) string { return tempStem(name) + sum[:16] }

// tempStem begins every temporary name of name's uploads.
func tempStem(name string) string { return "." + name + tempMarker }

// stemOf is the tempStem of a temporary name.
func stemOf(tmp string) string {
	return tmp[:strings.LastIndex(tmp, tempMarker)+len(tempMarker)]
}

func copyOnce(ctx context.Context, b Backend, local, name string, size int64, sum string, attempt int, resume bool, opt CopyOptions) (t transfer, detail string, err error) {
	tmp := tempName(name, sum)
	committed := false
	r, canResume := resumable(b)
	if !canResume {
		// A fresh name each time: a server may still hold the lock of
		// an upload cut off a moment ago (WebDAV answers 423 Locked).
		var rnd [8]byte
		if _, err := rand.Read(rnd[:]); err != nil {
			return t, "", err
		}
		tmp = tempStem(name) + hex.EncodeToString(rnd[:])
	}
	defer func() {
		// An interrupted upload stays for the next attempt to resume; a
		// damaged one, one no backend could resume, and one that filled
		// the destination (its room is wanted for other copies) go.
		if !committed && (t.damaged || !canResume || CauseOf(err) == CauseNoSpace || i18n.IsNoSpace(err)) {
			b.Remove(tmp)
		}
	}()
	discardOthers(b, name, tmp)
	src, err := os.Open(local)
	if err != nil {
		return t, "", err
	}
	defer src.Close()
	var off int64
	if canResume {
		if resume {
			off, err = r.resumeFrom(tmp, size, src)
		} else {
			err = r.discard(tmp)
		}
		if err != nil {
			return t, "", err
		}
	}
	t.resumed = off
	t.sent, err = upload(ctx, b, src, tmp, size, off, opt.Progress, name)
	if err != nil {
		return t, "", err
	}
	if opt.AfterUpload != nil {
		opt.AfterUpload(tmp, attempt)
	}
	gotSize, gotSum, err := readBack(ctx, b, tmp, opt.Progress, name)
	if err != nil {
		return t, "", err
	}
	if gotSize != size || gotSum != sum {
		same := i18n.T(msgNo, nil)
		if gotSum != sum {
			same = i18n.T(msgYes, nil)
		}
		d := i18n.T(msgMismatch, map[string]any{"GotSize": gotSize, "WantSize": size, "Same": same})
		t.damaged = true
		return t, d, fmt.Errorf("%w: %s", ErrDamaged, name)
	}
	if err := b.Rename(tmp, name); err != nil {
		return t, "", err
	}
	committed = true
	if !canResume {
		// What an upload cut off just before left, once its server let
		// go of it.
		discardOthers(b, name, tmp)
	}
	return t, "", nil
}

// discardOthers removes the temporary uploads of name from other content
// than tmp's (a source that changed since, a random name of an older
// Coffre): they can never be resumed.
func discardOthers(b Backend, name, tmp string) {
	files, err := b.List()
	if err != nil {
		return
	}
	for _, f := range files {
		if f.Name != tmp && strings.HasPrefix(f.Name, tempStem(name)) {
			b.Remove(f.Name)
		}
	}
}

// chunk is the size of each write of an upload. Each write starts at a
// multiple of it, so that after an interruption everything before the
// start of the last write is known to be whole (SFTP writes a chunk as
// concurrent packets: the end of an interrupted one may have holes).
const chunk = 1 << 20

// resumer is a backend that can continue an upload an earlier attempt left
// under a temporary name.
type resumer interface {
	// resumeFrom is how many leading bytes of the upload to tmp the server
	// already holds and match src; 0 when nothing usable is there (and
	// what was there is discarded).
	resumeFrom(tmp string, size int64, src io.ReaderAt) (int64, error)
	// createFrom continues the upload to tmp at off, which resumeFrom
	// returned (0: a new upload).
	createFrom(tmp string, size, off int64) (io.WriteCloser, error)
	// discard removes what an earlier upload to tmp left.
	discard(tmp string) error
}

// resumable is b as a resumer, when it (or the backend it guards) is one.
func resumable(b Backend) (resumer, bool) {
	if g, ok := b.(*guarded); ok {
		if _, ok := g.b.(resumer); !ok {
			return nil, false
		}
	}
	r, ok := b.(resumer)
	return r, ok
}

// resumePoint is where an upload of size bytes resumes when the server's
// partial file has have bytes: the start of the last chunk written, which
// may have been cut (0 when the partial cannot be this upload's).
func resumePoint(have, size int64) int64 {
	if have <= 0 || have > size {
		return 0
	}
	return (have - 1) / chunk * chunk
}

// sameTail checks that the chunk of the partial file just before off reads
// as the source's: the cheap check that what is resumed is this upload
// (the read-back after the upload checks every byte).
func sameTail(remote, src io.ReaderAt, off int64) bool {
	if off <= 0 {
		return false
	}
	n := min(off, chunk)
	a, b := make([]byte, n), make([]byte, n)
	if _, err := remote.ReadAt(a, off-n); err != nil && err != io.EOF {
		return false
	}
	if _, err := src.ReadAt(b, off-n); err != nil && err != io.EOF {
		return false
	}
	return bytes.Equal(a, b)
}

// upload sends src from off to tmp, chunk by chunk, and returns how many
// bytes it sent.
func upload(ctx context.Context, b Backend, src *os.File, tmp string, size, off int64, p dossier.Progress, label string) (int64, error) {
	var (
		w   io.WriteCloser
		err error
	)
	if r, ok := resumable(b); ok {
		w, err = r.createFrom(tmp, size, off)
	} else if sc, ok := b.(sizedCreator); ok {
		w, err = sc.CreateSized(tmp, size)
	} else {
		w, err = b.Create(tmp)
	}
	if err != nil {
		return 0, err
	}
	if _, err := src.Seek(off, io.SeekStart); err != nil {
		w.Close()
		return 0, err
	}
	r := &ctxReader{ctx: ctx, r: src, p: p, done: off, total: size, label: label, phase: PhaseUpload}
	buf := make([]byte, chunk)
	var sent int64
	for err == nil {
		var n int
		n, err = io.ReadFull(r, buf)
		if n > 0 {
			wn, werr := w.Write(buf[:n])
			sent += int64(wn)
			if werr != nil {
				err = werr
			}
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	if err != nil {
		// Never completed: a multipart upload closed here would carry
		// what was sent so far as the whole.
		abort(w, err)
		return sent, err
	}
	return sent, w.Close()
}

// aborter is an upload's writer that can be given up without completing
// it (what it sent stays for a resume when the backend can resume).
type aborter interface{ abort(err error) }

func abort(w io.WriteCloser, err error) {
	if a, ok := w.(aborter); ok {
		a.abort(err)
		return
	}
	w.Close()
}

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
