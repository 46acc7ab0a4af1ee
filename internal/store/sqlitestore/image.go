package sqlitestore

import (
	"encoding/binary"
	"fmt"
	"io"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

var msgBadImage = &i18n.Message{ID: "ImageSQLiteInvalide", Other: "La base contenue dans ce fichier n'est pas une base SQLite, ou n'a pas la taille que son propre en-tête annonce ({{.Header}} octets au lieu de {{.Size}})\u00a0: le fichier est endommagé. Rien n'a été écrit."}

// ImageWriter passes to w a database image announced as size bytes, after
// checking from its first 100 bytes that it is a SQLite database whose own
// header gives that size (page size × page count, when the header's count
// is valid): a hostile file announcing gigabytes of anything else is
// refused before it is written. Writes beyond size fail.
func ImageWriter(w io.Writer, size int64) io.Writer {
	return &imageWriter{w: w, size: size}
}

type imageWriter struct {
	w       io.Writer
	size, n int64  // announced, written to w
	head    []byte // the first bytes, until the header is checked
	checked bool
}

func (iw *imageWriter) Write(p []byte) (int, error) {
	if iw.n+int64(len(iw.head))+int64(len(p)) > iw.size {
		return 0, i18n.E(msgBadImage, map[string]any{"Header": iw.size, "Size": iw.n + int64(len(iw.head)+len(p))}, fmt.Errorf("%w: image longer than announced", dossier.ErrCorrupt))
	}
	if iw.checked {
		k, err := iw.w.Write(p)
		iw.n += int64(k)
		return k, err
	}
	iw.head = append(iw.head, p...)
	if len(iw.head) < 100 && int64(len(iw.head)) < iw.size {
		return len(p), nil
	}
	if err := checkImageHeader(iw.head, iw.size); err != nil {
		return 0, err
	}
	iw.checked = true
	k, err := iw.w.Write(iw.head)
	iw.n += int64(k)
	iw.head = nil
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

func checkImageHeader(b []byte, size int64) error {
	h, ok := parseDBHeader(b)
	if !ok {
		return i18n.E(msgBadImage, map[string]any{"Header": "?", "Size": size}, fmt.Errorf("%w: not a SQLite header", dossier.ErrCorrupt))
	}
	// The in-header page count is valid when « version-valid-for » equals
	// the change counter (SQLite ≥ 3.7.0 keeps them equal).
	if binary.BigEndian.Uint32(b[92:]) == h.changeCounter && h.pages > 0 {
		if got := h.pageSize * int64(h.pages); got != size {
			return i18n.E(msgBadImage, map[string]any{"Header": got, "Size": size}, fmt.Errorf("%w: header says %d bytes", dossier.ErrCorrupt, got))
		}
	}
	return nil
}
