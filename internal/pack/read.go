package pack

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"

	"filippo.io/age"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/secret"
)

// ageMagic starts every binary age file.
const ageMagic = "age-encryption.org/v1\n"

// maxScryptWorkFactor bounds the scrypt cost a file may ask for (2^20 is
// about 1 GiB and a few seconds); Write uses age's default, 2^18. A variable
// only so that tests can keep damaged headers cheap.
var maxScryptWorkFactor = 20

// ReadOptions tune Inspect and Read.
type ReadOptions struct {
	Passphrase string
	Workers    int              // 0: runtime.NumCPU()
	Progress   dossier.Progress // over the file's bytes
	Phase      dossier.Phase    // label of the events; default PhaseVerification
	Dossier    string           // label of the events
}

// IsEncrypted reports whether the file at path is age-encrypted.
func IsEncrypted(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	b := make([]byte, len(ageMagic))
	n, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return false, err
	}
	return string(b[:n]) == ageMagic, nil
}

// Inspect returns the manifest of a container. A plain file is not read
// through: the index at its end locates the manifest's frame, which is
// decoded alone. An encrypted file needs opt.Passphrase and is read and
// checked whole, as Read does.
func Inspect(ctx context.Context, path string, opt ReadOptions) (*Manifest, error) {
	f, size, enc, err := openContainer(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if enc {
		return readContainer(ctx, f, size, true, opt, nil)
	}
	pm, err := inspectPlain(f, size)
	if err != nil {
		return nil, err
	}
	return pm.m, nil
}

// Read reads and checks a whole container and returns its manifest. For
// each part, in order, it calls fn (nil: discard) with the part's bytes; fn
// must read them to the end or return an error. For a plain file p is the
// manifest's entry; for an encrypted one the manifest comes last, so p only
// has Name and Size. Read returns an error if anything is wrong, even after
// fn has seen all the bytes: stage them and use them only if Read succeeds.
// fn is called from Read's goroutine.
func Read(ctx context.Context, path string, opt ReadOptions, fn func(p Part, r io.Reader) error) (*Manifest, error) {
	f, size, enc, err := openContainer(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readContainer(ctx, f, size, enc, opt, fn)
}

func openContainer(path string) (*os.File, int64, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, false, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, false, err
	}
	b := make([]byte, len(ageMagic))
	n, _ := f.ReadAt(b, 0)
	return f, st.Size(), string(b[:n]) == ageMagic, nil
}

// bytesAfterIndex looks, in the last few MiB of a file whose end is not
// an index, for a whole index followed by other data — something appended
// to a complete file, not a copy cut short — and returns how many bytes
// follow it (0 when there is no such index).
func bytesAfterIndex(f *os.File, size, dataStart int64) int64 {
	from := max(dataStart, size-4<<20)
	buf := make([]byte, size-from)
	if _, err := f.ReadAt(buf, from); err != nil {
		return 0
	}
	for q := bytes.LastIndex(buf, []byte(trailerMagic)); q >= 8; q = bytes.LastIndex(buf[:q], []byte(trailerMagic)) {
		end := from + int64(q) + 4
		plen := int64(binary.LittleEndian.Uint32(buf[q-4 : q]))
		start := end - 8 - plen
		if plen < int64(indexFixed) || plen > maxIndexLen || start < dataStart {
			continue
		}
		var hdr [8]byte
		if _, err := f.ReadAt(hdr[:], start); err != nil {
			continue
		}
		if binary.LittleEndian.Uint32(hdr[:]) == indexMagic && int64(binary.LittleEndian.Uint32(hdr[4:])) == plen {
			return size - end
		}
	}
	return 0
}

// plainMeta is what a plain file's end tells before it is read through.
type plainMeta struct {
	ix       *index
	m        *Manifest
	manifest []byte // the manifest's JSON as stored
}

func inspectPlain(f *os.File, size int64) (*plainMeta, error) {
	mk, mkBytes, err := readMarker(io.NewSectionReader(f, 0, size))
	if err != nil {
		return nil, err
	}
	dataStart := int64(len(mkBytes))
	var tr [8]byte
	if size < dataStart+8+int64(indexFixed) {
		return nil, truncated(msgIndexMissing, nil)
	}
	if _, err := f.ReadAt(tr[:], size-8); err != nil {
		return nil, err
	}
	if string(tr[4:]) != trailerMagic {
		if extra := bytesAfterIndex(f, size, dataStart); extra > 0 {
			return nil, corrupt(msgTrailing, nil, fmt.Errorf("%d bytes after the index", extra))
		}
		return nil, truncated(msgIndexMissing, nil)
	}
	plen := int64(binary.LittleEndian.Uint32(tr[:4]))
	start := size - 8 - plen
	if plen < int64(indexFixed) || plen > maxIndexLen || start < dataStart {
		return nil, corrupt(msgIndexDamaged, nil, fmt.Errorf("index of %d bytes", plen))
	}
	frame := make([]byte, 8+plen)
	if _, err := f.ReadAt(frame, start); err != nil {
		return nil, err
	}
	if binary.LittleEndian.Uint32(frame) != indexMagic || int64(binary.LittleEndian.Uint32(frame[4:])) != plen {
		return nil, corrupt(msgIndexDamaged, nil, errors.New("index frame header"))
	}
	ix, err := decodeIndex(frame[8:], dataStart, start)
	if err != nil {
		return nil, err
	}
	if ix.MarkerCRC != checksum(mkBytes) {
		return nil, corrupt(msgStructure, nil, errors.New("marker checksum"))
	}
	// The manifest's frames run from its offset to the index.
	var tail []frameRef
	var raw int64
	for i, fr := range ix.Frames {
		if fr.Off >= ix.ManifestOff {
			tail = ix.Frames[i:]
			break
		}
	}
	for _, fr := range tail {
		raw += int64(fr.RawLen)
	}
	if raw > maxManifest+64<<10 {
		return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("manifest frames of %d bytes", raw))
	}
	comp := make([]byte, start-ix.ManifestOff)
	if _, err := f.ReadAt(comp, ix.ManifestOff); err != nil {
		return nil, err
	}
	dec, err := newFrameDecoder()
	if err != nil {
		return nil, err
	}
	defer dec.close()
	tarBytes := make([]byte, 0, raw)
	cr := bytes.NewReader(comp)
	for _, fr := range tail {
		var magic [4]byte
		io.ReadFull(cr, magic[:]) // cannot fail: the index accounts for these bytes
		if binary.LittleEndian.Uint32(magic[:]) != zstdMagic {
			return nil, corrupt(msgManifestDamaged, nil, errors.New("manifest frame magic"))
		}
		fc, rawLen, err := readZstdFrame(cr, magic[:])
		if err != nil || uint32(len(fc)) != fr.Comp || rawLen != fr.RawLen {
			return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("manifest frame at %d: %w", fr.Off, err))
		}
		fr, err := dec.decode(nil, fc, int(rawLen))
		if err != nil {
			return nil, corrupt(msgManifestDamaged, nil, err)
		}
		tarBytes = append(tarBytes, fr...)
	}
	if int64(len(tarBytes)) != raw {
		return nil, corrupt(msgManifestDamaged, nil, errors.New("manifest frames size"))
	}
	js, err := manifestFromTar(tarBytes)
	if err != nil {
		return nil, err
	}
	m, err := parseManifest(js)
	if err != nil {
		return nil, err
	}
	if m.Format != mk.Format || m.Kind != mk.Kind {
		return nil, corrupt(msgManifestDamaged, nil, errors.New("manifest disagrees with the marker"))
	}
	m.Encrypted = false
	// The parts cannot be larger than what the frames decode to: a manifest
	// that says otherwise is refused before anything is extracted.
	var rawTotal, declared int64
	for _, fr := range ix.Frames {
		rawTotal += int64(fr.RawLen)
	}
	for _, p := range m.Parts {
		if p.Size < 0 || p.Size > rawTotal {
			return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("part %q of %d bytes in %d raw bytes", p.Name, p.Size, rawTotal))
		}
		declared += 512 + p.Size + padding(p.Size)
	}
	if declared > rawTotal {
		return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("parts of %d bytes in %d raw bytes", declared, rawTotal))
	}
	return &plainMeta{ix: ix, m: m, manifest: js}, nil
}

// manifestFromTar reads the tail of the tar stream that the manifest
// frames hold: the manifest entry, then exactly the end-of-archive blocks.
func manifestFromTar(b []byte) ([]byte, error) {
	cr := &countingReader{r: bytes.NewReader(b)}
	tr := tar.NewReader(cr)
	hdr, err := tr.Next()
	if err != nil {
		return nil, corrupt(msgManifestDamaged, nil, err)
	}
	if err := checkEntry(hdr); err != nil {
		return nil, err
	}
	if hdr.Name != manifestName || hdr.Size > maxManifest {
		return nil, corrupt(msgManifestPlace, nil, fmt.Errorf("entry %q of %d bytes", hdr.Name, hdr.Size))
	}
	js, err := io.ReadAll(tr)
	if err != nil {
		return nil, corrupt(msgManifestDamaged, nil, err)
	}
	end := cr.n + padding(hdr.Size) + 1024
	if _, err := tr.Next(); err != io.EOF || cr.n != end || int64(len(b)) != end {
		return nil, corrupt(msgManifestPlace, nil, fmt.Errorf("after the manifest: %w", err))
	}
	return js, nil
}

func padding(size int64) int64 { return -size & 511 }

// checkEntry refuses anything but a regular file with a plain name.
func checkEntry(hdr *tar.Header) error {
	if !validPartName(hdr.Name) {
		return corrupt(msgBadName, map[string]any{"Name": hdr.Name}, nil)
	}
	if hdr.Typeflag != tar.TypeReg || hdr.Size < 0 {
		return corrupt(msgBadEntry, map[string]any{"Name": hdr.Name}, fmt.Errorf("type %q", hdr.Typeflag))
	}
	for k := range hdr.PAXRecords {
		// A sparse entry would expand a few bytes into any size.
		if strings.HasPrefix(k, "GNU.sparse") {
			return corrupt(msgBadEntry, map[string]any{"Name": hdr.Name}, errors.New("sparse entry"))
		}
	}
	return nil
}

// fileError marks an error of the file itself (not of its content), so that
// it is not mistaken for damage.
type fileError struct{ err error }

func (e *fileError) Error() string { return e.err.Error() }
func (e *fileError) Unwrap() error { return e.err }

// countingReader counts the bytes read and marks read errors as the file's.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		err = &fileError{err}
	}
	return n, err
}

// plaintext classifies the decrypted stream's errors: end of input is
// truncation (readErr), a failed authentication is damage.
type plaintext struct{ r io.Reader }

func (p plaintext) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	var fe *fileError
	if err != nil && err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &fe) {
		err = corrupt(msgCipherDamaged, nil, err)
	}
	return n, err
}

func decrypt(src io.Reader, passphrase string) (io.Reader, error) {
	br := bufio.NewReaderSize(src, 64<<10)
	var kinds []string
	if head, _ := br.Peek(8 << 10); len(head) > 0 {
		kinds = ageStanzas(head)
	}
	src = br
	// The header names the kind of secret: a passphrase (scrypt), the key
	// of an automatic backup (X25519), or a key Coffre never uses.
	forPhrase, forKey := slices.Contains(kinds, "scrypt"), slices.Contains(kinds, "X25519")
	if len(kinds) > 0 && !forPhrase && !forKey {
		return nil, i18n.E(msgForeignKey, map[string]any{"Kinds": strings.Join(kinds, ", ")},
			fmt.Errorf("age recipients %v: %w", kinds, dossier.ErrNotCoffre))
	}
	if passphrase == "" {
		if forKey {
			return nil, i18n.E(msgNeedIdentity, nil, dossier.ErrNeedPassphrase)
		}
		return nil, dossier.ErrNeedPassphrase
	}
	secret.Protect()
	var id age.Identity
	if IsIdentity(passphrase) {
		if forPhrase {
			return nil, i18n.E(msgNeedPhraseNotKey, nil, dossier.ErrWrongPassphrase)
		}
		x, err := age.ParseX25519Identity(passphrase)
		if err != nil {
			return nil, i18n.E(msgBadIdentity, nil, err)
		}
		id = x
	} else {
		if forKey {
			return nil, i18n.E(msgNeedIdentity, nil, dossier.ErrWrongPassphrase)
		}
		sid, err := age.NewScryptIdentity(passphrase)
		if err != nil {
			return nil, fmt.Errorf("pack: passphrase: %w", err)
		}
		sid.SetMaxWorkFactor(maxScryptWorkFactor)
		id = sid
	}
	r, err := age.Decrypt(src, id)
	var nomatch *age.NoIdentityMatchError
	var fe *fileError
	switch {
	case err == nil:
		return plaintext{r}, nil
	case errors.As(err, &nomatch):
		if IsIdentity(passphrase) {
			return nil, i18n.E(msgWrongIdentity, nil, withDetail(dossier.ErrWrongPassphrase, err))
		}
		return nil, i18n.E(msgWrongPassphrase, nil, withDetail(dossier.ErrWrongPassphrase, err))
	case errors.As(err, &fe):
		return nil, err
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, truncated(msgTruncated, err)
	}
	return nil, corrupt(msgCipherDamaged, nil, err)
}

// ageStanzas lists the kinds of recipient stanzas (« scrypt », « X25519 »…)
// of the age header at the start of head: a passphrase's file has one
// scrypt stanza, an automatic backup for a key X25519 ones, and any other
// kind is a key Coffre never encrypts for.
func ageStanzas(head []byte) []string {
	s := string(head)
	if !strings.HasPrefix(s, ageMagic) {
		return nil
	}
	var kinds []string
	for _, line := range strings.Split(s[len(ageMagic):], "\n") {
		if strings.HasPrefix(line, "---") {
			break
		}
		if f := strings.Fields(strings.TrimPrefix(line, "-> ")); strings.HasPrefix(line, "-> ") && len(f) > 0 {
			kinds = append(kinds, f[0])
		}
	}
	return kinds
}

// readJob is one frame on its way from the scanner through a worker to the
// tar reader. The last job of a stream has end set, with the index or the
// error that stopped the scan.
type readJob struct {
	ref     frameRef
	comp    []byte
	raw     []byte
	err     error
	filePos int64
	end     bool
	ix      *index
	mk      marker
	ready   chan struct{}
}

// decodeError is a frame that failed to decompress; the tar reader names
// the part it belongs to.
type decodeError struct {
	off int64
	err error
}

func (e *decodeError) Error() string { return fmt.Sprintf("frame at %d: %v", e.off, e.err) }

func readContainer(ctx context.Context, f *os.File, size int64, enc bool, opt ReadOptions, fn func(Part, io.Reader) error) (*Manifest, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	phase := opt.Phase
	if phase == "" {
		phase = dossier.PhaseVerification
	}
	report := func(done int64) {
		opt.Progress.Report(dossier.Event{Phase: phase, Dossier: opt.Dossier, Done: done, Total: size})
	}
	report(0)
	file := &countingReader{r: f}
	var src io.Reader = file
	var pm *plainMeta
	if enc {
		r, err := decrypt(bufio.NewReaderSize(file, 256<<10), opt.Passphrase)
		if err != nil {
			return nil, err
		}
		src = r
	} else {
		var err error
		if pm, err = inspectPlain(f, size); err != nil {
			return nil, err
		}
	}
	decs := make([]*frameDecoder, workers)
	for i := range decs {
		var err error
		if decs[i], err = newFrameDecoder(); err != nil {
			for _, d := range decs[:i] {
				d.close()
			}
			return nil, err
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	order := make(chan *readJob, 2*workers)
	jobs := make(chan *readJob, workers)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	for _, dec := range decs {
		wg.Go(func() {
			defer dec.close()
			for j := range jobs {
				raw, err := dec.decode(nil, j.comp, int(j.ref.RawLen))
				if err != nil {
					j.err = &decodeError{off: j.ref.Off, err: err}
				}
				j.raw, j.comp = raw, nil
				close(j.ready)
			}
		})
	}
	sc := &scanner{r: bufio.NewReaderSize(src, 1<<20), file: file, pm: pm}
	wg.Go(func() { sc.run(ctx, order, jobs) })

	rd := &reader{ctx: ctx, s: &frameStream{ctx: ctx, order: order, report: report}, pm: pm}
	m, err := rd.read(fn)
	if err != nil {
		return nil, err
	}
	m.Encrypted = enc
	report(size)
	return m, nil
}

// scanner splits the plaintext stream into frames, in its own goroutine.
type scanner struct {
	r    *bufio.Reader
	file *countingReader
	pm   *plainMeta // nil for an encrypted file: the index comes last
}

func (sc *scanner) run(ctx context.Context, order, jobs chan<- *readJob) {
	defer close(jobs)
	defer close(order)
	end := func(j *readJob) {
		j.end, j.ready = true, make(chan struct{})
		close(j.ready)
		select {
		case order <- j:
		case <-ctx.Done():
		}
	}
	mk, mkBytes, err := readMarker(sc.r)
	if err != nil {
		end(&readJob{err: err})
		return
	}
	off := int64(len(mkBytes))
	for i := 0; ; i++ {
		if ctx.Err() != nil {
			return
		}
		var magic [4]byte
		if n, err := io.ReadFull(sc.r, magic[:]); err != nil {
			if n == 0 && err == io.EOF {
				err = truncated(msgIndexMissing, nil)
			}
			end(&readJob{err: readErr(err)})
			return
		}
		switch binary.LittleEndian.Uint32(magic[:]) {
		case zstdMagic:
			comp, rawLen, err := readZstdFrame(sc.r, magic[:])
			if err != nil {
				end(&readJob{err: err})
				return
			}
			ref := frameRef{Off: off, Comp: uint32(len(comp)), RawLen: rawLen, CRC: checksum(comp)}
			if sc.pm != nil {
				if i >= len(sc.pm.ix.Frames) {
					end(&readJob{err: corrupt(msgIndexDamaged, nil, fmt.Errorf("frame %d not in the index", i))})
					return
				}
				want := sc.pm.ix.Frames[i]
				if want.CRC != ref.CRC {
					end(&readJob{err: &decodeError{off: off, err: errors.New("compressed bytes checksum")}})
					return
				}
				if want != ref {
					end(&readJob{err: corrupt(msgIndexDamaged, nil, fmt.Errorf("frame %d is %+v", i, ref))})
					return
				}
			}
			off += int64(len(comp))
			j := &readJob{ref: ref, comp: comp, filePos: sc.file.n, ready: make(chan struct{})}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		case indexMagic:
			ix, err := sc.readIndex(mkBytes, off)
			end(&readJob{ix: ix, mk: mk, err: err})
			return
		default:
			end(&readJob{err: corrupt(msgFrameDamaged, map[string]any{"Offset": off}, fmt.Errorf("magic %x", magic))})
			return
		}
	}
}

// readIndex reads the index frame whose magic was just read at indexStart,
// and checks that nothing follows it.
func (sc *scanner) readIndex(mkBytes []byte, indexStart int64) (*index, error) {
	var l [4]byte
	if _, err := io.ReadFull(sc.r, l[:]); err != nil {
		return nil, readErr(err)
	}
	plen := binary.LittleEndian.Uint32(l[:])
	if plen < uint32(indexFixed) || plen > maxIndexLen {
		return nil, corrupt(msgIndexDamaged, nil, fmt.Errorf("index of %d bytes", plen))
	}
	p, err := appendRead(sc.r, nil, int(plen))
	if err != nil {
		return nil, err
	}
	ix, err := decodeIndex(p, int64(len(mkBytes)), indexStart)
	if err != nil {
		return nil, err
	}
	if ix.MarkerCRC != checksum(mkBytes) {
		return nil, corrupt(msgStructure, nil, errors.New("marker checksum"))
	}
	if sc.pm != nil && !reflect.DeepEqual(ix, sc.pm.ix) {
		return nil, corrupt(msgIndexDamaged, nil, errors.New("index changed while reading"))
	}
	switch _, err := sc.r.ReadByte(); {
	case err == nil:
		return nil, corrupt(msgTrailing, nil, nil)
	case err != io.EOF:
		return nil, err
	}
	return ix, nil
}

// frameStream hands the decoded frames to the tar reader in order and
// remembers where each frame starts in the raw stream.
type frameStream struct {
	ctx       context.Context
	order     <-chan *readJob
	report    func(done int64)
	cur       []byte
	pos       int64 // raw bytes delivered so far
	frames    []frameRef
	rawStarts []int64
	ix        *index
	mk        marker
	err       error // sticky; io.EOF once the index has been read
}

func (s *frameStream) Read(p []byte) (int, error) {
	for len(s.cur) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		s.next()
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	s.pos += int64(n)
	return n, nil
}

func (s *frameStream) next() {
	var j *readJob
	select {
	case j = <-s.order:
	case <-s.ctx.Done():
	}
	if j != nil {
		select {
		case <-j.ready:
		case <-s.ctx.Done():
			j = nil
		}
	}
	switch {
	case j == nil:
		// The scanner only stops without a last job when ctx is done.
		s.err = s.ctx.Err()
	case j.err != nil:
		s.err = j.err
	case j.end:
		s.ix, s.mk, s.err = j.ix, j.mk, io.EOF
	default:
		s.frames = append(s.frames, j.ref)
		s.rawStarts = append(s.rawStarts, s.pos)
		s.cur = j.raw
		s.report(j.filePos)
	}
}

// reader walks the tar stream of a container.
type reader struct {
	ctx context.Context
	s   *frameStream
	pm  *plainMeta
}

// fail turns an error met while reading the tar stream into the most
// precise one: cancellation, then the frame stream's own error, then a
// structural error.
func (rd *reader) fail(err error, part string) error {
	if cerr := rd.ctx.Err(); cerr != nil {
		return cerr
	}
	if rd.s.err != nil && rd.s.err != io.EOF {
		err = rd.s.err
	}
	var de *decodeError
	var ie *i18n.Error
	var fe *fileError
	switch {
	case errors.As(err, &de) && part != "":
		return corrupt(msgPartUnreadable, map[string]any{"Part": part}, de)
	case errors.As(err, &de):
		return corrupt(msgFrameDamaged, map[string]any{"Offset": de.off}, de.err)
	case errors.As(err, &ie):
		return err
	case errors.As(err, &fe):
		return fmt.Errorf("pack: read: %w", fe.err)
	}
	return corrupt(msgStructure, nil, err)
}

func (rd *reader) read(fn func(Part, io.Reader) error) (*Manifest, error) {
	s := rd.s
	tr := tar.NewReader(s)
	var (
		parts         []Part
		names         = map[string]bool{}
		js            []byte
		manifestStart int64 = -1
		entryEnd      int64 // raw offset where the previous entry's padding ends
	)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rd.fail(err, "")
		}
		if js != nil {
			return nil, corrupt(msgManifestPlace, nil, fmt.Errorf("entry %q after the manifest", hdr.Name))
		}
		if err := checkEntry(hdr); err != nil {
			return nil, err
		}
		if hdr.Name == manifestName {
			if hdr.Size > maxManifest {
				return nil, corrupt(msgManifestDamaged, nil, fmt.Errorf("manifest of %d bytes", hdr.Size))
			}
			manifestStart = entryEnd
			if js, err = io.ReadAll(tr); err != nil {
				return nil, rd.fail(err, "")
			}
			entryEnd = s.pos + padding(hdr.Size)
			continue
		}
		p := Part{Name: hdr.Name, Size: hdr.Size}
		if rd.pm != nil {
			i := len(parts)
			if i >= len(rd.pm.m.Parts) || rd.pm.m.Parts[i].Name != p.Name || rd.pm.m.Parts[i].Size != p.Size {
				return nil, corrupt(msgPartMismatch, map[string]any{"Part": p.Name}, nil)
			}
			p = rd.pm.m.Parts[i]
		}
		if names[p.Name] {
			return nil, corrupt(msgPartMismatch, map[string]any{"Part": p.Name}, errors.New("duplicate"))
		}
		names[p.Name] = true
		sum, err := rd.readPart(p, tr, fn)
		if err != nil {
			return nil, err
		}
		if rd.pm != nil && sum != p.SHA256 {
			return nil, corrupt(msgPartDamaged, map[string]any{"Part": p.Name}, nil)
		}
		p.SHA256 = sum
		parts = append(parts, p)
		entryEnd = s.pos + padding(hdr.Size)
	}
	// The archive must end with its two zero blocks, then the index.
	if js == nil {
		return nil, corrupt(msgManifestPlace, nil, errors.New("no manifest"))
	}
	if n, err := s.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		if err != nil && err != io.EOF {
			return nil, rd.fail(err, "")
		}
		return nil, corrupt(msgStructure, nil, errors.New("data after the end of the archive"))
	}
	if s.pos != entryEnd+1024 {
		return nil, corrupt(msgStructure, nil, fmt.Errorf("archive ends at %d, expected %d", s.pos, entryEnd+1024))
	}
	if !reflect.DeepEqual(s.frames, s.ix.Frames) {
		return nil, corrupt(msgIndexDamaged, nil, errors.New("frames differ from the index"))
	}
	if i := indexOf(s.rawStarts, manifestStart); i < 0 || s.frames[i].Off != s.ix.ManifestOff {
		return nil, corrupt(msgIndexDamaged, nil, errors.New("manifest not where the index says"))
	}
	var m *Manifest
	if rd.pm != nil {
		if !bytes.Equal(js, rd.pm.manifest) {
			return nil, corrupt(msgManifestDamaged, nil, errors.New("manifest changed while reading"))
		}
		m = rd.pm.m
	} else {
		var err error
		if m, err = parseManifest(js); err != nil {
			return nil, err
		}
	}
	if m.Format != s.mk.Format || m.Kind != s.mk.Kind {
		return nil, corrupt(msgManifestDamaged, nil, errors.New("manifest disagrees with the marker"))
	}
	for i, p := range parts {
		if i >= len(m.Parts) || p.Name != m.Parts[i].Name || p.Size != m.Parts[i].Size {
			return nil, corrupt(msgPartMismatch, map[string]any{"Part": p.Name}, nil)
		}
		if p.SHA256 != m.Parts[i].SHA256 {
			return nil, corrupt(msgPartDamaged, map[string]any{"Part": p.Name}, nil)
		}
	}
	if len(parts) < len(m.Parts) {
		return nil, corrupt(msgPartMismatch, map[string]any{"Part": m.Parts[len(parts)].Name}, errors.New("missing"))
	}
	return m, nil
}

// readPart passes one part to fn and returns its SHA-256.
func (rd *reader) readPart(p Part, tr *tar.Reader, fn func(Part, io.Reader) error) (string, error) {
	pr := &partReader{r: tr, h: sha256.New()}
	if fn == nil {
		_, err := io.Copy(io.Discard, pr)
		if err != nil {
			return "", rd.fail(err, p.Name)
		}
	} else if err := fn(p, pr); err != nil {
		if pr.err != nil {
			return "", rd.fail(pr.err, p.Name)
		}
		return "", err
	}
	if pr.err != nil {
		return "", rd.fail(pr.err, p.Name)
	}
	if pr.n != p.Size {
		return "", fmt.Errorf("pack: part %q: the callback read %d of %d bytes", p.Name, pr.n, p.Size)
	}
	return hex.EncodeToString(pr.h.Sum(nil)), nil
}

// partReader hashes a part as it is read and keeps the read error apart
// from the callback's own errors.
type partReader struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	err error
}

func (r *partReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

func indexOf(s []int64, v int64) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
