package transfer

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"coffre/internal/dossier"
)

// The change stream, the PTF's part "changements.bin":
//
//	"CFXCHG1\n"
//	uvarint number of tables
//	per table: name, uvarint column count, column names, key kind (byte
//	  'R' rowid, then the rowid alias; or 'K' primary key, then uvarint
//	  count and column indexes), then its records, then byte 0
//	record: op byte 'D' (delete), 'U' (update), 'I' (insert);
//	  key: rowid as 8 bytes big-endian, or the primary-key values;
//	  D and U: the 8-byte hash of the row as it was at the base;
//	  U and I: every column's value.
//
// Strings are uvarint length then bytes. A value is a tag ('N' null, 'I'
// int64 big-endian, 'F' float64 bits big-endian, 'S' text, 'B' blob, the
// last two with a uvarint length), so every value comes back with the type
// it was stored with.
const changesMagic = "CFXCHG1\n"

// The change ops.
const (
	opDelete = 'D'
	opUpdate = 'U'
	opInsert = 'I'
)

// TableChanges counts one table's changes.
type TableChanges struct {
	Table   string `json:"table"`
	Inserts int64  `json:"insertions"`
	Updates int64  `json:"modifications"`
	Deletes int64  `json:"suppressions"`
}

// Total is the number of rows the table's changes touch.
func (c TableChanges) Total() int64 { return c.Inserts + c.Updates + c.Deletes }

// change is one record of the stream.
type change struct {
	op     byte
	rowid  int64
	key    []any  // WITHOUT ROWID: primary-key values
	keyRaw []byte // WITHOUT ROWID, writing a delete: the encoded key
	old    rowHash
	vals   []any
}

type changeWriter struct {
	w   *bufio.Writer
	n   [binary.MaxVarintLen64]byte
	buf []byte
	err error
}

func newChangeWriter(w io.Writer, tables int) *changeWriter {
	c := &changeWriter{w: bufio.NewWriterSize(w, 1<<16)}
	c.w.WriteString(changesMagic)
	c.uvarint(uint64(tables))
	return c
}

func (c *changeWriter) uvarint(v uint64) { c.w.Write(c.n[:binary.PutUvarint(c.n[:], v)]) }
func (c *changeWriter) str(s string)     { c.uvarint(uint64(len(s))); c.w.WriteString(s) }

func (c *changeWriter) table(t *table) {
	c.str(t.Name)
	c.uvarint(uint64(len(t.Cols)))
	for _, col := range t.Cols {
		c.str(col)
	}
	if t.Rowid != "" {
		c.w.WriteByte('R')
		c.str(t.Rowid)
		return
	}
	c.w.WriteByte('K')
	c.uvarint(uint64(len(t.PK)))
	for _, i := range t.PK {
		c.uvarint(uint64(i))
	}
}

func (c *changeWriter) values(vals []any) {
	if c.err != nil {
		return
	}
	for _, v := range vals {
		c.buf, c.err = appendValue(c.buf[:0], v)
		if c.err != nil {
			return
		}
		c.w.Write(c.buf)
	}
}

// record writes one change of table t. For a WITHOUT ROWID table the key of
// a delete is keyRaw; updates and inserts carry it in their values.
func (c *changeWriter) record(t *table, ch *change) {
	c.w.WriteByte(ch.op)
	if t.Rowid != "" {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(ch.rowid))
		c.w.Write(b[:])
	} else if ch.op == opDelete {
		c.w.Write(ch.keyRaw)
	}
	if ch.op != opInsert {
		c.w.Write(ch.old[:])
	}
	if ch.op != opDelete {
		c.values(ch.vals)
	}
}

func (c *changeWriter) endTable() { c.w.WriteByte(0) }

func (c *changeWriter) flush() error {
	if c.err != nil {
		return c.err
	}
	return c.w.Flush()
}

// changeReader reads a change stream. Every length is checked against what
// is left of the part, so a hostile file cannot make it allocate more than
// the file's size.
type changeReader struct {
	r    *bufio.Reader
	left int64
}

var errChanges = fmt.Errorf("transfer: change stream: %w", dossier.ErrCorrupt)

func newChangeReader(r io.Reader, size int64) (*changeReader, int, error) {
	c := &changeReader{r: bufio.NewReaderSize(r, 1<<16), left: size}
	magic, err := c.bytes(len(changesMagic))
	if err != nil || string(magic) != changesMagic {
		return nil, 0, errChanges
	}
	n, err := c.uvarint()
	if err != nil || n > 1<<16 {
		return nil, 0, errChanges
	}
	return c, int(n), nil
}

func (c *changeReader) byte() (byte, error) {
	b, err := c.r.ReadByte()
	if err != nil {
		return 0, errChanges
	}
	c.left--
	return b, nil
}

func (c *changeReader) ReadByte() (byte, error) { return c.byte() }

func (c *changeReader) uvarint() (uint64, error) {
	v, err := binary.ReadUvarint(c)
	if err != nil {
		return 0, errChanges
	}
	return v, nil
}

func (c *changeReader) bytes(n int) ([]byte, error) {
	if n < 0 || int64(n) > c.left {
		return nil, errChanges
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(c.r, b); err != nil {
		return nil, errChanges
	}
	c.left -= int64(n)
	return b, nil
}

func (c *changeReader) str() (string, error) {
	n, err := c.uvarint()
	if err != nil || n > math.MaxInt32 {
		return "", errChanges
	}
	b, err := c.bytes(int(n))
	return string(b), err
}

func (c *changeReader) table() (*table, error) {
	t := &table{}
	var err error
	if t.Name, err = c.str(); err != nil {
		return nil, err
	}
	n, err := c.uvarint()
	if err != nil || int64(n) > c.left || n == 0 {
		return nil, errChanges
	}
	for i := uint64(0); i < n; i++ {
		col, err := c.str()
		if err != nil {
			return nil, err
		}
		t.Cols = append(t.Cols, col)
	}
	kind, err := c.byte()
	if err != nil {
		return nil, err
	}
	switch kind {
	case 'R':
		if t.Rowid, err = c.str(); err != nil {
			return nil, err
		}
		if t.Rowid != "rowid" && t.Rowid != "_rowid_" && t.Rowid != "oid" {
			return nil, errChanges
		}
	case 'K':
		k, err := c.uvarint()
		if err != nil || k == 0 || k > n {
			return nil, errChanges
		}
		for i := uint64(0); i < k; i++ {
			x, err := c.uvarint()
			if err != nil || x >= n {
				return nil, errChanges
			}
			t.PK = append(t.PK, int(x))
		}
	default:
		return nil, errChanges
	}
	return t, nil
}

func (c *changeReader) value() (any, error) {
	tag, err := c.byte()
	if err != nil {
		return nil, err
	}
	switch tag {
	case tagNull:
		return nil, nil
	case tagInt, tagFloat:
		b, err := c.bytes(8)
		if err != nil {
			return nil, err
		}
		u := binary.BigEndian.Uint64(b)
		if tag == tagInt {
			return int64(u), nil
		}
		return math.Float64frombits(u), nil
	case tagText, tagBlob:
		n, err := c.uvarint()
		if err != nil || n > math.MaxInt32 {
			return nil, errChanges
		}
		b, err := c.bytes(int(n))
		if err != nil {
			return nil, err
		}
		if tag == tagText {
			return string(b), nil
		}
		return b, nil
	}
	return nil, errChanges
}

func (c *changeReader) values(n int) ([]any, error) {
	out := make([]any, n)
	for i := range out {
		v, err := c.value()
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// record reads the next change of t; nil at the end of the table.
func (c *changeReader) record(t *table) (*change, error) {
	op, err := c.byte()
	if err != nil {
		return nil, err
	}
	if op == 0 {
		return nil, nil
	}
	if op != opDelete && op != opUpdate && op != opInsert {
		return nil, errChanges
	}
	ch := &change{op: op}
	if t.Rowid != "" {
		b, err := c.bytes(8)
		if err != nil {
			return nil, err
		}
		ch.rowid = int64(binary.BigEndian.Uint64(b))
	} else if op == opDelete {
		if ch.key, err = c.values(len(t.PK)); err != nil {
			return nil, err
		}
	}
	if op != opInsert {
		b, err := c.bytes(hashSize)
		if err != nil {
			return nil, err
		}
		copy(ch.old[:], b)
	}
	if op != opDelete {
		if ch.vals, err = c.values(len(t.Cols)); err != nil {
			return nil, err
		}
		if t.Rowid == "" {
			ch.key = make([]any, len(t.PK))
			for i, x := range t.PK {
				ch.key[i] = ch.vals[x]
			}
		}
	}
	return ch, nil
}

// end checks that nothing follows the last table.
func (c *changeReader) end() error {
	if _, err := c.r.ReadByte(); !errors.Is(err, io.EOF) || c.left != 0 {
		return errChanges
	}
	return nil
}
