package transfer

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
)

// The state file: what the source sent in its last transfer.
//
//	"CFXETAT1"
//	uvarint length, JSON header (stateHeader)
//	per table of the header, in order, its rows in key order:
//	  rowid table:        uvarint(rowid − previous rowid) ≥ 1, 8-byte hash
//	                      (the first rowid is relative to math.MinInt64)
//	  WITHOUT ROWID table: uvarint(len(key)+1), key, 8-byte hash
//	  then uvarint 0
//	SHA-256 of everything before
const stateMagic = "CFXETAT1"

// stateHeader is the JSON header of a state file.
type stateHeader struct {
	Identifiant string    `json:"identifiant"`
	Sequence    int64     `json:"sequence"`
	Schema      string    `json:"schema"`
	CreatedAt   time.Time `json:"cree_le"`
	Tables      []string  `json:"tables"`
}

// StatePath is where the source keeps the state of dossier identifiant's
// transfers, in dir.
func StatePath(dir, identifiant string) string {
	return filepath.Join(dir, identifiant+".etat")
}

var errStateCorrupt = fmt.Errorf("transfer state: %w", dossier.ErrCorrupt)

// stateReader streams a state file.
type stateReader struct {
	f      *os.File
	r      *bufio.Reader
	h      hash.Hash
	header stateHeader
	// current table cursor
	last int64
}

// hashingByteReader feeds every byte read to h.
type hashingByteReader struct {
	r *bufio.Reader
	h hash.Hash
	b [1]byte
}

func (r *hashingByteReader) ReadByte() (byte, error) {
	c, err := r.r.ReadByte()
	if err == nil {
		r.b[0] = c
		r.h.Write(r.b[:])
	}
	return c, err
}

func openState(path string) (*stateReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	s := &stateReader{f: f, r: bufio.NewReaderSize(f, 1<<16), h: sha256.New()}
	magic := make([]byte, len(stateMagic))
	if err := s.read(magic); err != nil || string(magic) != stateMagic {
		f.Close()
		return nil, errStateCorrupt
	}
	n, err := s.uvarint()
	if err != nil || n > 16<<20 {
		f.Close()
		return nil, errStateCorrupt
	}
	hb := make([]byte, n)
	if err := s.read(hb); err != nil {
		f.Close()
		return nil, errStateCorrupt
	}
	if err := json.Unmarshal(hb, &s.header); err != nil {
		f.Close()
		return nil, errStateCorrupt
	}
	return s, nil
}

func (s *stateReader) read(b []byte) error {
	if _, err := io.ReadFull(s.r, b); err != nil {
		return errStateCorrupt
	}
	s.h.Write(b)
	return nil
}

func (s *stateReader) uvarint() (uint64, error) {
	v, err := binary.ReadUvarint(&hashingByteReader{r: s.r, h: s.h})
	if err != nil {
		return 0, errStateCorrupt
	}
	return v, nil
}

// startTable resets the rowid cursor for the next table.
func (s *stateReader) startTable() { s.last = minRowid }

const minRowid = -1 << 63

// nextRowid returns the next entry of a rowid table; ok false at its end.
func (s *stateReader) nextRowid() (rowid int64, h rowHash, ok bool, err error) {
	d, err := s.uvarint()
	if err != nil || d == 0 {
		return 0, h, false, err
	}
	s.last += int64(d)
	if err := s.read(h[:]); err != nil {
		return 0, h, false, err
	}
	return s.last, h, true, nil
}

// nextKey returns the next entry of a WITHOUT ROWID table.
func (s *stateReader) nextKey() (key []byte, h rowHash, ok bool, err error) {
	n, err := s.uvarint()
	if err != nil || n == 0 {
		return nil, h, false, err
	}
	if n > 1<<30 {
		return nil, h, false, errStateCorrupt
	}
	key = make([]byte, n-1)
	if err := s.read(key); err != nil {
		return nil, h, false, err
	}
	if err := s.read(h[:]); err != nil {
		return nil, h, false, err
	}
	return key, h, true, nil
}

// finish checks the trailer: the state is trusted only once it has been
// read to the end.
func (s *stateReader) finish() error {
	sum := s.h.Sum(nil)
	got := make([]byte, sha256.Size)
	if _, err := io.ReadFull(s.r, got); err != nil || !bytes.Equal(got, sum) {
		return errStateCorrupt
	}
	if _, err := s.r.ReadByte(); !errors.Is(err, io.EOF) {
		return errStateCorrupt
	}
	return nil
}

// close closes the file; a second call does nothing.
func (s *stateReader) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

// stateWriter writes a new state file under a temp name.
type stateWriter struct {
	tmp  *fsutil.TempFile
	w    *bufio.Writer
	h    hash.Hash
	last int64
	n    [binary.MaxVarintLen64]byte
}

func createState(path string, header stateHeader) (*stateWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	fsutil.SweepTemp(filepath.Dir(path))
	tmp, err := fsutil.CreateTemp(path)
	if err != nil {
		return nil, err
	}
	s := &stateWriter{tmp: tmp, h: sha256.New()}
	s.w = bufio.NewWriterSize(io.MultiWriter(tmp, s.h), 1<<16)
	hb, err := json.Marshal(header)
	if err != nil {
		tmp.Abort()
		return nil, err
	}
	s.w.WriteString(stateMagic)
	s.uvarint(uint64(len(hb)))
	s.w.Write(hb)
	return s, nil
}

func (s *stateWriter) uvarint(v uint64) { s.w.Write(s.n[:binary.PutUvarint(s.n[:], v)]) }

func (s *stateWriter) startTable() { s.last = minRowid }

func (s *stateWriter) rowid(rowid int64, h rowHash) {
	s.uvarint(uint64(rowid - s.last))
	s.last = rowid
	s.w.Write(h[:])
}

func (s *stateWriter) key(key []byte, h rowHash) {
	s.uvarint(uint64(len(key)) + 1)
	s.w.Write(key)
	s.w.Write(h[:])
}

func (s *stateWriter) endTable() { s.uvarint(0) }

// close writes the trailer and syncs; the file keeps its temp name until
// commit.
func (s *stateWriter) close() error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.tmp.Write(s.h.Sum(nil)); err != nil {
		return err
	}
	return s.tmp.Sync()
}

func (s *stateWriter) commit() error { return s.tmp.Commit(true) }
func (s *stateWriter) abort()        { s.tmp.Abort() }
