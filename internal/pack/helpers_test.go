package pack

import (
	"archive/tar"
	"io"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// testTar writes hand-made tar streams for hostile containers.
type testTar struct{ tw *tar.Writer }

func newTestTar(w io.Writer) *testTar { return &testTar{tar.NewWriter(w)} }

func (t *testTar) header(h *tar.Header) {
	if h.ModTime.IsZero() {
		h.ModTime = time.Unix(1e9, 0)
	}
	if err := t.tw.WriteHeader(h); err != nil {
		panic(err)
	}
}

func (t *testTar) file(name string, data []byte) {
	t.header(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o644})
	if _, err := t.tw.Write(data); err != nil {
		panic(err)
	}
}

func (t *testTar) close() {
	if err := t.tw.Close(); err != nil {
		panic(err)
	}
}

func zstdCompress(tb testing.TB, b []byte) []byte {
	tb.Helper()
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderCRC(true))
	if err != nil {
		tb.Fatal(err)
	}
	return enc.EncodeAll(b, nil)
}
