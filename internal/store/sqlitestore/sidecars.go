package sqlitestore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// What SQLite writes at the start of its files (https://sqlite.org/fileformat.html).
var (
	dbMagic      = []byte("SQLite format 3\x00")
	journalMagic = []byte{0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7}
)

const (
	walMagicLE = 0x377f0682
	walMagicBE = 0x377f0683
)

// dbHeader is what the first 100 bytes of a database say.
type dbHeader struct {
	pageSize      int64
	wal           bool   // file format versions 2: WAL mode
	changeCounter uint32 // moved by every commit in rollback-journal mode
	pages         uint32 // in-header database size
}

func parseDBHeader(b []byte) (dbHeader, bool) {
	if len(b) < 100 || !bytes.Equal(b[:16], dbMagic) {
		return dbHeader{}, false
	}
	ps := int64(binary.BigEndian.Uint16(b[16:]))
	if ps == 1 {
		ps = 65536
	}
	return dbHeader{
		pageSize:      ps,
		wal:           b[18] == 2 && b[19] == 2,
		changeCounter: binary.BigEndian.Uint32(b[24:]),
		pages:         binary.BigEndian.Uint32(b[28:]),
	}, true
}

// journalInfo is what a rollback journal's header says about the database
// it was written for.
type journalInfo struct {
	valid     bool  // starts with the journal magic: SQLite would replay it
	pageSize  int64 // page size of its database
	origPages int64 // its database's size, in pages, before the transaction
	// page1 is the saved original of page 1 when the journal holds it.
	page1 []byte
}

// readJournal reads the header of the rollback journal at path and looks
// for its saved copy of page 1 (records: page number, page, checksum).
func readJournal(path string) (journalInfo, error) {
	var j journalInfo
	f, err := os.Open(path)
	if err != nil {
		return j, err
	}
	defer f.Close()
	hdr := make([]byte, 28)
	if _, err := io.ReadFull(f, hdr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return j, nil // too short to be replayed
		}
		return j, err
	}
	if !bytes.Equal(hdr[:8], journalMagic) {
		return j, nil
	}
	j.valid = true
	j.origPages = int64(binary.BigEndian.Uint32(hdr[16:]))
	sector := int64(binary.BigEndian.Uint32(hdr[20:]))
	j.pageSize = int64(binary.BigEndian.Uint32(hdr[24:]))
	if j.pageSize < 512 || j.pageSize > 65536 || j.pageSize&(j.pageSize-1) != 0 || sector < 512 || sector > 65536 {
		return j, nil
	}
	// Each segment: a header padded to a sector, then its records (page
	// number, page, checksum); the next header starts on a sector boundary.
	// nRec 0 or 0xffffffff: records run to the end of the file.
	fi, err := f.Stat()
	if err != nil {
		return j, err
	}
	rec := make([]byte, 4+j.pageSize+4)
	seg := make([]byte, 12)
	for hoff := int64(0); hoff+sector <= fi.Size(); {
		if _, err := f.ReadAt(seg, hoff); err != nil || !bytes.Equal(seg[:8], journalMagic) {
			return j, nil
		}
		n := int64(binary.BigEndian.Uint32(seg[8:]))
		if n == 0 || n == 0xffffffff {
			n = (fi.Size() - hoff - sector) / int64(len(rec))
		}
		off := hoff + sector
		for i := int64(0); i < n; i, off = i+1, off+int64(len(rec)) {
			if _, err := f.ReadAt(rec, off); err != nil {
				return j, nil
			}
			if binary.BigEndian.Uint32(rec) == 1 {
				j.page1 = append([]byte(nil), rec[4:4+j.pageSize]...)
				return j, nil
			}
		}
		hoff = (off + sector - 1) / sector * sector
	}
	return j, nil
}

// belongsTo reports whether the journal was written by a transaction on
// the database whose header is h. A journal belongs to its database when
// their page sizes agree and the original size it records is the one the
// database had: in the saved page 1 when the transaction changed it (its
// change counter then is the file's, or one less), in the file's own
// header otherwise (page 1 not yet rewritten).
func (j journalInfo) belongsTo(h dbHeader) bool {
	if !j.valid || j.pageSize != h.pageSize {
		return false
	}
	if j.page1 != nil {
		saved, ok := parseDBHeader(j.page1)
		if !ok || int64(saved.pages) != j.origPages {
			return false
		}
		return h.changeCounter == saved.changeCounter || h.changeCounter == saved.changeCounter+1
	}
	return int64(h.pages) == j.origPages
}

// walInfo is what a -wal file's header says.
type walInfo struct {
	valid    bool
	pageSize int64
}

func readWAL(path string) (walInfo, error) {
	var w walInfo
	f, err := os.Open(path)
	if err != nil {
		return w, err
	}
	defer f.Close()
	hdr := make([]byte, 32)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return w, nil // shorter than a header: SQLite ignores it
	}
	magic := binary.BigEndian.Uint32(hdr)
	w.valid = magic == walMagicLE || magic == walMagicBE
	w.pageSize = int64(binary.BigEndian.Uint32(hdr[8:]))
	return w, nil
}
