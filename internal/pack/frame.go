package pack

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
)

// ChunkSize is the raw size of each zstd frame (the last one of a run may be
// shorter): large enough to compress well, small enough to keep every core
// busy and memory bounded.
const ChunkSize = 4 << 20

// maxFrameRaw bounds the raw size a reader accepts for one frame, so a
// hostile frame header cannot make it allocate more. Writers use ChunkSize.
const maxFrameRaw = 16 << 20

const (
	zstdMagic      = 0xFD2FB528
	markerMagic    = 0x184D2A50 // skippable frame 0: the marker
	indexMagic     = 0x184D2A5E // skippable frame 14: the index
	markerPrefix   = "COFFRE"
	indexPrefix    = "COFFREIX"
	trailerMagic   = "CFX1"
	maxMarkerLen   = 4096
	maxIndexLen    = 1 << 28
	indexEntrySize = 20
	// indexFixed is the index payload without its entries: prefix, manifest
	// offset, marker CRC, frame count, CRC, then the trailer (length and
	// magic).
	indexFixed = len(indexPrefix) + 8 + 4 + 4 + 4 + 4 + len(trailerMagic)
)

// marker is the JSON of the first frame.
type marker struct {
	Format int  `json:"format"`
	Kind   Kind `json:"type"`
}

func appendSkippable(dst []byte, magic uint32, payload []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, magic)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)))
	return append(dst, payload...)
}

func encodeMarker(k Kind) []byte {
	js, _ := json.Marshal(marker{Format: FormatVersion, Kind: k}) // cannot fail: two plain fields
	return appendSkippable(nil, markerMagic, append([]byte(markerPrefix), js...))
}

// readMarker reads and checks the marker frame at the start of r and returns
// its bytes.
func readMarker(r io.Reader) (marker, []byte, error) {
	var hdr [8]byte
	n, err := io.ReadFull(r, hdr[:])
	if n == 0 && err != nil {
		if errors.Is(err, io.EOF) {
			return marker{}, nil, notCoffre(errors.New("empty file"))
		}
		return marker{}, nil, err
	}
	// A file cut inside the marker is a truncated Coffre file, not a stranger.
	want := binary.LittleEndian.AppendUint32(nil, markerMagic)
	if !bytes.HasPrefix(hdr[:n], want[:min(n, 4)]) {
		return marker{}, nil, notCoffre(nil)
	}
	if err != nil {
		return marker{}, nil, readErr(err)
	}
	size := binary.LittleEndian.Uint32(hdr[4:])
	if size > maxMarkerLen || size < uint32(len(markerPrefix)) {
		return marker{}, nil, notCoffre(fmt.Errorf("marker of %d bytes", size))
	}
	payload := make([]byte, size)
	k, err := io.ReadFull(r, payload)
	if !bytes.HasPrefix(payload[:k], []byte(markerPrefix)[:min(k, len(markerPrefix))]) {
		return marker{}, nil, notCoffre(nil)
	}
	if err != nil {
		return marker{}, nil, readErr(err)
	}
	mk, err := decodeMarker(payload[len(markerPrefix):])
	if err != nil {
		return marker{}, nil, corrupt(msgStructure, nil, fmt.Errorf("marker: %w", err))
	}
	if mk.Format > FormatVersion {
		return marker{}, nil, newerFormat(mk.Format)
	}
	if mk.Format < 1 || !validKind(string(mk.Kind)) {
		return marker{}, nil, corrupt(msgStructure, nil, fmt.Errorf("marker: format %d, kind %q", mk.Format, mk.Kind))
	}
	return mk, append(hdr[:], payload...), nil
}

// decodeMarker matches keys exactly: encoding/json folds case, which would
// let a damaged key pass in this unchecksummed frame.
func decodeMarker(b []byte) (marker, error) {
	var fields map[string]json.RawMessage
	var mk marker
	if err := json.Unmarshal(b, &fields); err != nil {
		return mk, err
	}
	f, k := fields["format"], fields["type"]
	if f == nil || k == nil {
		return mk, errors.New("missing field")
	}
	if err := json.Unmarshal(f, &mk.Format); err != nil {
		return mk, err
	}
	return mk, json.Unmarshal(k, &mk.Kind)
}

// readErr maps an end of input met inside a structure to ErrTruncated and
// leaves any other error (disk, decryption) for the caller to classify.
func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return truncated(msgTruncated, err)
	}
	return err
}

// frameRef locates one data frame in the plaintext stream. CRC covers the
// compressed bytes: zstd's own checksum covers only the decoded content, and
// some compressed bits can change without changing it.
type frameRef struct {
	Off    int64  // offset of the frame's first byte
	Comp   uint32 // compressed length, header and checksum included
	RawLen uint32 // decompressed length
	CRC    uint32 // CRC-32C of the compressed bytes
}

// index is the last frame's content.
type index struct {
	ManifestOff int64
	MarkerCRC   uint32 // CRC-32C of the whole marker frame
	Frames      []frameRef
}

func checksum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

func (ix *index) encode() []byte {
	total := indexFixed + len(ix.Frames)*indexEntrySize
	payload := make([]byte, 0, total)
	payload = append(payload, indexPrefix...)
	payload = binary.LittleEndian.AppendUint64(payload, uint64(ix.ManifestOff))
	payload = binary.LittleEndian.AppendUint32(payload, ix.MarkerCRC)
	payload = binary.LittleEndian.AppendUint32(payload, uint32(len(ix.Frames)))
	for _, f := range ix.Frames {
		payload = binary.LittleEndian.AppendUint64(payload, uint64(f.Off))
		payload = binary.LittleEndian.AppendUint32(payload, f.Comp)
		payload = binary.LittleEndian.AppendUint32(payload, f.RawLen)
		payload = binary.LittleEndian.AppendUint32(payload, f.CRC)
	}
	payload = binary.LittleEndian.AppendUint32(payload, checksum(payload))
	payload = binary.LittleEndian.AppendUint32(payload, uint32(total))
	payload = append(payload, trailerMagic...)
	return appendSkippable(nil, indexMagic, payload)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// decodeIndex parses an index payload (without the skippable frame header)
// and checks it is self-consistent: frames contiguous from dataStart, ending
// at indexStart, the manifest at a frame boundary.
func decodeIndex(p []byte, dataStart, indexStart int64) (*index, error) {
	bad := func(why string, a ...any) (*index, error) {
		return nil, corrupt(msgIndexDamaged, nil, fmt.Errorf(why, a...))
	}
	if len(p) < indexFixed || string(p[:len(indexPrefix)]) != indexPrefix || string(p[len(p)-4:]) != trailerMagic {
		return bad("index header")
	}
	if int(binary.LittleEndian.Uint32(p[len(p)-8:])) != len(p) {
		return bad("index length")
	}
	body := p[:len(p)-12]
	if checksum(body) != binary.LittleEndian.Uint32(p[len(p)-12:]) {
		return bad("index checksum")
	}
	ix := &index{ManifestOff: int64(binary.LittleEndian.Uint64(body[8:])), MarkerCRC: binary.LittleEndian.Uint32(body[16:])}
	n := binary.LittleEndian.Uint32(body[20:])
	entries := body[24:]
	if uint64(len(entries)) != uint64(n)*indexEntrySize {
		return bad("index of %d frames in %d bytes", n, len(entries))
	}
	next, manifestFound := dataStart, false
	for i := range int(n) {
		e := entries[i*indexEntrySize:]
		f := frameRef{
			Off:    int64(binary.LittleEndian.Uint64(e)),
			Comp:   binary.LittleEndian.Uint32(e[8:]),
			RawLen: binary.LittleEndian.Uint32(e[12:]),
			CRC:    binary.LittleEndian.Uint32(e[16:]),
		}
		if f.Off != next || f.Comp == 0 || f.RawLen == 0 || f.RawLen > maxFrameRaw || f.Comp > maxFrameComp(f.RawLen) {
			return bad("frame %d: %+v", i, f)
		}
		manifestFound = manifestFound || f.Off == ix.ManifestOff
		next += int64(f.Comp)
		ix.Frames = append(ix.Frames, f)
	}
	if !manifestFound || next != indexStart {
		return bad("manifest offset %d", ix.ManifestOff)
	}
	return ix, nil
}

// maxFrameComp bounds an honest frame's compressed size: zstd never expands
// data by more than a block header per 128 KiB block, plus the frame header
// and checksum.
func maxFrameComp(rawLen uint32) uint32 {
	return rawLen + rawLen/1024 + 64
}

// readZstdFrame reads one zstd frame whose 4-byte magic was already read,
// following its block headers (zstd frames carry no total length), and
// returns the whole frame and its declared content size. It insists on what
// the writer always produces: a content size, a content checksum, no
// dictionary.
func readZstdFrame(r io.Reader, magic []byte) ([]byte, uint32, error) {
	frame := append(make([]byte, 0, 64<<10), magic...)
	var b [14]byte
	if _, err := io.ReadFull(r, b[:1]); err != nil {
		return nil, 0, readErr(err)
	}
	fhd := b[0]
	fcsFlag, single, reserved, checksum, dictFlag := fhd>>6, fhd&0x20 != 0, fhd&0x08 != 0, fhd&0x04 != 0, fhd&3
	if reserved || !checksum || dictFlag != 0 || (fcsFlag == 0 && !single) {
		return nil, 0, corrupt(msgStructure, nil, fmt.Errorf("frame header %#x", fhd))
	}
	n := [4]int{1, 2, 4, 8}[fcsFlag]
	if !single {
		n++ // window descriptor
	}
	if _, err := io.ReadFull(r, b[1:1+n]); err != nil {
		return nil, 0, readErr(err)
	}
	frame = append(frame, b[:1+n]...)
	fcsBytes := b[1+n-[4]int{1, 2, 4, 8}[fcsFlag] : 1+n]
	var fcs uint64
	for i := len(fcsBytes) - 1; i >= 0; i-- {
		fcs = fcs<<8 | uint64(fcsBytes[i])
	}
	if fcsFlag == 1 {
		fcs += 256
	}
	if fcs == 0 || fcs > maxFrameRaw {
		return nil, 0, corrupt(msgStructure, nil, fmt.Errorf("frame content size %d", fcs))
	}
	limit := int(maxFrameComp(uint32(fcs)))
	for {
		if _, err := io.ReadFull(r, b[:3]); err != nil {
			return nil, 0, readErr(err)
		}
		frame = append(frame, b[:3]...)
		h := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
		last, typ, size := h&1 != 0, (h>>1)&3, int(h>>3)
		switch typ {
		case 1: // RLE: one byte repeated size times
			size = 1
		case 3:
			return nil, 0, corrupt(msgStructure, nil, errors.New("reserved block type"))
		}
		if size > 128<<10 || len(frame)+size > limit {
			return nil, 0, corrupt(msgStructure, nil, fmt.Errorf("block of %d bytes", size))
		}
		if last {
			size += 4 // content checksum
		}
		var err error
		if frame, err = appendRead(r, frame, size); err != nil {
			return nil, 0, err
		}
		if last {
			return frame, uint32(fcs), nil
		}
	}
}

// appendRead appends exactly n bytes read from r to b.
func appendRead(r io.Reader, b []byte, n int) ([]byte, error) {
	b = slices.Grow(b, n)
	k, err := io.ReadFull(r, b[len(b):len(b)+n])
	if err != nil {
		return nil, readErr(err)
	}
	return b[:len(b)+k], nil
}
