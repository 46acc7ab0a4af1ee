package pack

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"filippo.io/age"

	"coffre/internal/dossier"
	"coffre/internal/secret"
)

// DefaultLevel is the zstd level Write uses when WriteOptions.Level is 0:
// C zstd's level 3, the one of `zstd -3` (see docs/FORMAT.md, § 11).
const DefaultLevel = 3

// scryptWorkFactor overrides age's scrypt cost when non-zero; only tests set
// it, because the default (2^18) costs about a second per file.
var scryptWorkFactor int

// PartSource is one part to pack: R must yield exactly Size bytes.
type PartSource struct {
	Name, Role string
	Size       int64
	R          io.Reader
}

// WriteOptions tune Write.
type WriteOptions struct {
	Passphrase string // non-empty: encrypt with age (scrypt)
	// Recipient, when set, is an age X25519 public key (« age1… ») to
	// encrypt for instead of a passphrase: the machine writing the backup
	// does not hold the private key that opens it.
	Recipient string
	Level     int              // zstd level; 0: DefaultLevel
	Workers   int              // 0: runtime.NumCPU()
	Progress  dossier.Progress // PhaseCompression, over the parts' raw bytes
	Dossier   string           // label of the events
	// CheckFrames decodes every frame again right after compressing it and
	// compares it with its input, on the same workers: with a re-read of
	// the written bytes compared by hash (VerifyWritten), it proves what a
	// full decompression of the file from the disk proves, without a second
	// pass over the raw bytes.
	CheckFrames bool
	// BeforeManifest, when set, is called once every part is written and
	// before the manifest is: the caller completes m with what it computed
	// meanwhile (the stats, from the same snapshot). Its error aborts Write.
	BeforeManifest func(m *Manifest) error
}

// WriteResult describes what Write produced.
type WriteResult struct {
	Manifest *Manifest
	Size     int64  // bytes written to w
	SHA256   string // hex SHA-256 of all bytes written to w
	// CheckIdentity, with a Recipient, is a private key made for this file
	// alone and also able to open it, so that the caller can verify what
	// it wrote without holding the recipient's key. It is never stored:
	// the caller reads the file back with it (as ReadOptions.Passphrase)
	// and forgets it.
	CheckIdentity string
}

// Write streams a container to w: the parts in order, then m as
// manifest.json. It completes m (Format, Kind defaulting to PBF, CreatedAt
// defaulting to now and rounded to the second, Encrypted, Parts with sizes
// and SHA-256 computed while streaming). It checks ctx between chunks and
// returns ctx.Err() when cancelled; on any error w holds a partial container
// that the caller deletes.
func Write(ctx context.Context, w io.Writer, m *Manifest, parts []PartSource, opt WriteOptions) (WriteResult, error) {
	if err := completeManifest(m, parts, opt); err != nil {
		return WriteResult{}, err
	}
	level := opt.Level
	if level == 0 {
		level = DefaultLevel
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}

	out := &hashingWriter{w: w, h: sha256.New()}
	var plain io.Writer = out
	var enc io.WriteCloser
	var check string
	if opt.Recipient != "" {
		if opt.Passphrase != "" {
			return WriteResult{}, errors.New("pack: both a passphrase and a recipient")
		}
		rcpt, err := ParseRecipient(opt.Recipient)
		if err != nil {
			return WriteResult{}, err
		}
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return WriteResult{}, fmt.Errorf("pack: check identity: %w", err)
		}
		check = id.String()
		if enc, err = age.Encrypt(out, rcpt, id.Recipient()); err != nil {
			return WriteResult{}, fmt.Errorf("pack: encrypt: %w", err)
		}
		plain = enc
	}
	if opt.Passphrase != "" {
		secret.Protect()
		rcpt, err := age.NewScryptRecipient(opt.Passphrase)
		if err != nil {
			return WriteResult{}, fmt.Errorf("pack: passphrase: %w", err)
		}
		if scryptWorkFactor > 0 {
			rcpt.SetWorkFactor(scryptWorkFactor)
		}
		if enc, err = age.Encrypt(out, rcpt); err != nil {
			return WriteResult{}, fmt.Errorf("pack: encrypt: %w", err)
		}
		plain = enc
	}
	mk := encodeMarker(m.Kind)
	if _, err := plain.Write(mk); err != nil {
		return WriteResult{}, fmt.Errorf("pack: write: %w", err)
	}

	c, err := startCompressor(plain, int64(len(mk)), level, workers, opt.CheckFrames)
	if err != nil {
		return WriteResult{}, err
	}
	manifestFrame, err := writeTar(ctx, c, m, parts, opt)
	if cerr := c.close(err != nil); err == nil {
		err = cerr
	}
	if err != nil {
		return WriteResult{}, err
	}
	ix := &index{ManifestOff: c.frames[manifestFrame].Off, MarkerCRC: checksum(mk), Frames: c.frames}
	if _, err := plain.Write(ix.encode()); err != nil {
		return WriteResult{}, fmt.Errorf("pack: write: %w", err)
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return WriteResult{}, fmt.Errorf("pack: write: %w", err)
		}
	}
	return WriteResult{Manifest: m, Size: out.n, SHA256: hex.EncodeToString(out.h.Sum(nil)), CheckIdentity: check}, nil
}

func completeManifest(m *Manifest, parts []PartSource, opt WriteOptions) error {
	if m == nil {
		return errors.New("pack: nil manifest")
	}
	seen := map[string]bool{}
	for _, p := range parts {
		if !validPartName(p.Name) || p.Name == manifestName || seen[p.Name] {
			return fmt.Errorf("pack: invalid or duplicate part name %q", p.Name)
		}
		if p.Size < 0 || p.R == nil {
			return fmt.Errorf("pack: part %q: size %d, reader %v", p.Name, p.Size, p.R)
		}
		seen[p.Name] = true
	}
	m.Format = FormatVersion
	if m.Kind == "" {
		m.Kind = KindPBF
	}
	if !validKind(string(m.Kind)) {
		return fmt.Errorf("pack: invalid kind %q", m.Kind)
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	// Whole seconds in UTC: the tar headers carry the same time without a
	// PAX record, and the manifest reads the same everywhere.
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Second)
	m.Encrypted = opt.Passphrase != "" || opt.Recipient != ""
	m.Parts = make([]Part, 0, len(parts))
	return nil
}

// writeTar writes the tar stream into c: the parts, then the manifest,
// which starts a frame of its own so that it can be decoded alone. It
// returns the number of that frame.
func writeTar(ctx context.Context, c *compressor, m *Manifest, parts []PartSource, opt WriteOptions) (int, error) {
	tw := tar.NewWriter(c)
	var total, done int64
	for _, p := range parts {
		total += p.Size
	}
	report := func() {
		opt.Progress.Report(dossier.Event{Phase: dossier.PhaseCompression, Dossier: opt.Dossier, Done: done, Total: total})
	}
	report()
	buf := make([]byte, 1<<20)
	for _, p := range parts {
		if err := tw.WriteHeader(tarHeader(p.Name, p.Size, m.CreatedAt)); err != nil {
			return 0, c.wrap(err)
		}
		h := sha256.New()
		var n int64
		for n < p.Size {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
			k, err := p.R.Read(buf[:min(int64(len(buf)), p.Size-n)])
			h.Write(buf[:k])
			if _, werr := tw.Write(buf[:k]); werr != nil {
				return 0, c.wrap(werr)
			}
			n += int64(k)
			done += int64(k)
			if k > 0 {
				report()
			}
			if err == io.EOF && n < p.Size {
				return 0, fmt.Errorf("pack: part %q: %d bytes read, %d announced", p.Name, n, p.Size)
			}
			if err != nil && err != io.EOF {
				return 0, fmt.Errorf("pack: read part %q: %w", p.Name, err)
			}
		}
		if k, _ := io.ReadFull(p.R, buf[:1]); k > 0 {
			return 0, fmt.Errorf("pack: part %q: longer than the %d bytes announced", p.Name, p.Size)
		}
		m.Parts = append(m.Parts, Part{Name: p.Name, Role: p.Role, Size: p.Size, SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	if opt.BeforeManifest != nil {
		if err := opt.BeforeManifest(m); err != nil {
			return 0, err
		}
	}
	js, err := encodeManifest(m)
	if err != nil {
		return 0, err
	}
	// Flush pads the last part, which stays in its frame; the manifest's
	// header then opens a new one.
	if err := tw.Flush(); err != nil {
		return 0, c.wrap(err)
	}
	if err := c.cut(); err != nil {
		return 0, err
	}
	manifestFrame := c.submitted
	if err := tw.WriteHeader(tarHeader(manifestName, int64(len(js)), m.CreatedAt)); err != nil {
		return 0, c.wrap(err)
	}
	if _, err := tw.Write(js); err != nil {
		return 0, c.wrap(err)
	}
	if err := tw.Close(); err != nil {
		return 0, c.wrap(err)
	}
	if err := c.cut(); err != nil {
		return 0, err
	}
	return manifestFrame, nil
}

func tarHeader(name string, size int64, mtime time.Time) *tar.Header {
	return &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644, ModTime: mtime}
}

// hashingWriter counts and hashes what reaches the destination.
type hashingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (w *hashingWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return n, err
}

// compressor cuts the raw tar stream into ChunkSize chunks, compresses them
// on its workers and writes the frames in order from one writer goroutine.
// Write, cut and close are called from a single goroutine. At most about
// 2×workers chunks are in flight.
type compressor struct {
	buf       []byte
	submitted int
	jobs      chan *frameJob // to the workers
	order     chan *frameJob // to the writer, in stream order
	failed    chan struct{}  // closed when the writer fails
	done      chan struct{}  // closed when the writer returns
	abort     chan struct{}  // closed by close(true): write nothing more
	wg        sync.WaitGroup
	free      chan []byte // recycled chunk buffers
	err       error       // the writer's error, read after failed or done
	frames    []frameRef  // written by the writer, read after done
}

type frameJob struct {
	raw, comp []byte
	crc       uint32
	err       error // compression failed
	ready     chan struct{}
}

func startCompressor(w io.Writer, off int64, level, workers int, check bool) (*compressor, error) {
	c := &compressor{
		jobs:   make(chan *frameJob, workers),
		order:  make(chan *frameJob, 2*workers),
		failed: make(chan struct{}),
		done:   make(chan struct{}),
		abort:  make(chan struct{}),
		free:   make(chan []byte, 4*workers+2),
	}
	encs := make([]*frameEncoder, workers)
	for i := range encs {
		var err error
		if encs[i], err = newFrameEncoder(level); err != nil {
			for _, e := range encs[:i] {
				e.close()
			}
			return nil, err
		}
	}
	for _, enc := range encs {
		var dec *frameDecoder
		if check {
			var err error
			if dec, err = newFrameDecoder(); err != nil {
				return nil, err
			}
		}
		c.wg.Go(func() {
			defer enc.close()
			var scratch []byte
			for j := range c.jobs {
				j.comp, j.err = enc.encode(c.getBuf(), j.raw)
				if j.err == nil && dec != nil {
					scratch, j.err = dec.decode(scratch, j.comp, len(j.raw))
					if j.err == nil && !bytes.Equal(scratch, j.raw) {
						j.err = errors.New("frame does not decode to its input")
					}
					if j.err != nil {
						j.err = fmt.Errorf("pack: compressed frame check: %w: %w", dossier.ErrCorrupt, j.err)
					}
				}
				if j.err == nil {
					j.crc = checksum(j.comp)
				}
				close(j.ready)
			}
			if dec != nil {
				dec.close()
			}
		})
	}
	go c.write(w, off)
	return c, nil
}

// write is the writer goroutine. After a failure it keeps draining so that
// the producer and the workers never block.
func (c *compressor) write(w io.Writer, off int64) {
	defer close(c.done)
	for j := range c.order {
		<-j.ready
		select {
		case <-c.abort:
		default:
			if c.err == nil {
				if j.err != nil {
					c.err = j.err
					close(c.failed)
				} else if _, err := w.Write(j.comp); err != nil {
					c.err = fmt.Errorf("pack: write: %w", err)
					close(c.failed)
				}
				c.frames = append(c.frames, frameRef{Off: off, Comp: uint32(len(j.comp)), RawLen: uint32(len(j.raw)), CRC: j.crc})
				off += int64(len(j.comp))
			}
		}
		c.putBuf(j.raw)
		c.putBuf(j.comp)
	}
}

func (c *compressor) getBuf() []byte {
	select {
	case b := <-c.free:
		return b
	default:
		// Room for a chunk, or for its frame: zstd's bound for a chunk
		// adds a block header per 128 KiB, and the frame header.
		return make([]byte, 0, ChunkSize+ChunkSize/256+64<<10)
	}
}

func (c *compressor) putBuf(b []byte) {
	select {
	case c.free <- b[:0]:
	default:
	}
}

// Write buffers p into chunks, handing each full chunk to the workers.
func (c *compressor) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if c.buf == nil {
			c.buf = c.getBuf()
		}
		k := copy(c.buf[len(c.buf):ChunkSize], p)
		c.buf = c.buf[:len(c.buf)+k]
		p, n = p[k:], n+k
		if len(c.buf) == ChunkSize {
			if err := c.cut(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// cut ends the current frame, if it holds anything.
func (c *compressor) cut() error {
	if len(c.buf) == 0 {
		return nil
	}
	j := &frameJob{raw: c.buf, ready: make(chan struct{})}
	c.buf = nil
	select {
	case c.order <- j:
	case <-c.failed:
		return c.err
	}
	c.jobs <- j // the workers always drain jobs, so this cannot block forever
	c.submitted++
	return nil
}

// wrap returns the writer's error if the tar writer failed because of it.
func (c *compressor) wrap(err error) error {
	select {
	case <-c.failed:
		return c.err
	default:
		return fmt.Errorf("pack: tar: %w", err)
	}
}

// close waits for every frame to be written (or, with abort, dropped) and
// for every goroutine to end; c.frames is then final.
func (c *compressor) close(abort bool) error {
	if abort {
		close(c.abort)
	}
	close(c.order)
	close(c.jobs)
	c.wg.Wait()
	<-c.done
	return c.err
}

// VerifyWritten re-reads the file at path from the disk and checks that it
// holds exactly the bytes Write produced (res: size and SHA-256), then that
// its index and manifest read back. With WriteOptions.CheckFrames this is
// the verification of a plain file: every frame was decoded against its
// input while it was written, so decompressing the file again would prove
// nothing more. An encrypted file is read whole instead (Read), which also
// proves the passphrase opens it.
func VerifyWritten(ctx context.Context, path string, res WriteResult, opt ReadOptions) (*Manifest, error) {
	if res.Manifest != nil && res.Manifest.Encrypted {
		return Read(ctx, path, opt, nil)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	phase := opt.Phase
	if phase == "" {
		phase = dossier.PhaseVerification
	}
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		k, err := f.Read(buf)
		h.Write(buf[:k])
		n += int64(k)
		if k > 0 {
			opt.Progress.Report(dossier.Event{Phase: phase, Dossier: opt.Dossier, Done: n, Total: res.Size})
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("pack: read: %w", err)
		}
	}
	if n != res.Size || hex.EncodeToString(h.Sum(nil)) != res.SHA256 {
		return nil, corrupt(msgStructure, nil, fmt.Errorf("%d bytes on the disk, %d written, or other bytes", n, res.Size))
	}
	return Inspect(ctx, path, opt)
}
