package pack

/*
#include <stddef.h>

// The few entry points of the zstd library that github.com/DataDog/zstd
// compiles into the binary (v1.5.7 bundles zstd 1.5.7's sources): its Go
// API cannot ask for content checksums, which every Coffre frame carries.
typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_DCtx_s ZSTD_DCtx;
ZSTD_CCtx* ZSTD_createCCtx(void);
size_t ZSTD_freeCCtx(ZSTD_CCtx* cctx);
size_t ZSTD_CCtx_setParameter(ZSTD_CCtx* cctx, int param, int value);
size_t ZSTD_compress2(ZSTD_CCtx* cctx, void* dst, size_t dstCapacity, const void* src, size_t srcSize);
size_t ZSTD_compressBound(size_t srcSize);
ZSTD_DCtx* ZSTD_createDCtx(void);
size_t ZSTD_freeDCtx(ZSTD_DCtx* dctx);
size_t ZSTD_DCtx_setParameter(ZSTD_DCtx* dctx, int param, int value);
size_t ZSTD_decompressDCtx(ZSTD_DCtx* dctx, void* dst, size_t dstCapacity, const void* src, size_t srcSize);
unsigned ZSTD_isError(size_t code);
const char* ZSTD_getErrorName(size_t code);
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	_ "github.com/DataDog/zstd" // links the zstd library the declarations above name
)

// Parameter numbers of zstd.h (stable API).
const (
	zstdCompressionLevel = 100 // ZSTD_c_compressionLevel
	zstdContentSizeFlag  = 200 // ZSTD_c_contentSizeFlag
	zstdChecksumFlag     = 201 // ZSTD_c_checksumFlag
	zstdWindowLogMax     = 100 // ZSTD_d_windowLogMax
)

func zstdErr(code C.size_t) error {
	if C.ZSTD_isError(code) == 0 {
		return nil
	}
	return errors.New(C.GoString(C.ZSTD_getErrorName(code)))
}

// frameEncoder compresses one chunk at a time into one standard zstd frame
// carrying its content size and checksum. One per goroutine.
type frameEncoder struct{ c *C.ZSTD_CCtx }

func newFrameEncoder(level int) (*frameEncoder, error) {
	c := C.ZSTD_createCCtx()
	if c == nil {
		return nil, errors.New("pack: zstd: out of memory")
	}
	for _, p := range [][2]int{{zstdCompressionLevel, level}, {zstdContentSizeFlag, 1}, {zstdChecksumFlag, 1}} {
		if err := zstdErr(C.ZSTD_CCtx_setParameter(c, C.int(p[0]), C.int(p[1]))); err != nil {
			C.ZSTD_freeCCtx(c)
			return nil, fmt.Errorf("pack: zstd: %w", err)
		}
	}
	return &frameEncoder{c}, nil
}

// encode returns src as one frame, in dst's storage when it is large enough.
func (e *frameEncoder) encode(dst, src []byte) ([]byte, error) {
	bound := int(C.ZSTD_compressBound(C.size_t(len(src))))
	if cap(dst) < bound {
		dst = make([]byte, bound)
	}
	dst = dst[:bound]
	var sp unsafe.Pointer
	if len(src) > 0 {
		sp = unsafe.Pointer(&src[0])
	}
	n := C.ZSTD_compress2(e.c, unsafe.Pointer(&dst[0]), C.size_t(len(dst)), sp, C.size_t(len(src)))
	if err := zstdErr(n); err != nil {
		return nil, fmt.Errorf("pack: zstd: %w", err)
	}
	return dst[:int(n)], nil
}

func (e *frameEncoder) close() { C.ZSTD_freeCCtx(e.c) }

// frameDecoder decodes one frame into a buffer of its announced size: it
// never writes past it, and zstd checks the content checksum. Its window
// is bounded by maxFrameRaw, so a hostile header cannot make it allocate
// more. One per goroutine.
type frameDecoder struct{ d *C.ZSTD_DCtx }

func newFrameDecoder() (*frameDecoder, error) {
	d := C.ZSTD_createDCtx()
	if d == nil {
		return nil, errors.New("pack: zstd: out of memory")
	}
	if err := zstdErr(C.ZSTD_DCtx_setParameter(d, zstdWindowLogMax, 24)); err != nil {
		C.ZSTD_freeDCtx(d)
		return nil, fmt.Errorf("pack: zstd: %w", err)
	}
	return &frameDecoder{d}, nil
}

// decode decodes the single frame src, whose content is rawLen bytes, into
// dst (reused when large enough).
func (d *frameDecoder) decode(dst, src []byte, rawLen int) ([]byte, error) {
	if cap(dst) < rawLen {
		dst = make([]byte, rawLen)
	}
	dst = dst[:rawLen]
	if len(src) == 0 || rawLen == 0 {
		return nil, errors.New("empty frame")
	}
	n := C.ZSTD_decompressDCtx(d.d, unsafe.Pointer(&dst[0]), C.size_t(rawLen), unsafe.Pointer(&src[0]), C.size_t(len(src)))
	if err := zstdErr(n); err != nil {
		return nil, err
	}
	if int(n) != rawLen {
		return nil, errors.New("size differs from the frame header")
	}
	return dst, nil
}

func (d *frameDecoder) close() { C.ZSTD_freeDCtx(d.d) }
