package sqlitestore

import (
	"bytes"
	"testing"
)

// FuzzImageWriter feeds arbitrary bytes, announced as size, in chunks of
// chunk bytes: the writer never panics, never passes on more than size
// bytes, and passes anything only after a SQLite header that does not
// contradict size.
func FuzzImageWriter(f *testing.F) {
	good := make([]byte, 4096)
	copy(good, dbMagic)
	good[16], good[17], good[18], good[19] = 0x10, 0, 1, 1
	good[31], good[95] = 1, 0 // one page, counter 0 = valid-for 0
	f.Add(good, int64(4096), 7)
	f.Add([]byte("pas une base"), int64(12), 1)
	f.Add(good[:100], int64(1<<40), 100)
	f.Fuzz(func(t *testing.T, data []byte, size int64, chunk int) {
		if size < 0 || chunk <= 0 {
			return
		}
		var out bytes.Buffer
		w := ImageWriter(&out, size)
		var failed bool
		for len(data) > 0 && !failed {
			k := min(chunk, len(data))
			if _, err := w.Write(data[:k]); err != nil {
				failed = true
			}
			data = data[k:]
		}
		if int64(out.Len()) > size {
			t.Fatalf("%d bytes passed for %d announced", out.Len(), size)
		}
		if out.Len() > 0 {
			if err := checkImageHeader(out.Bytes(), size); err != nil {
				t.Fatalf("passed on bytes whose header is refused: %v", err)
			}
		}
	})
}
