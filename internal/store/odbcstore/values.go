package odbcstore

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Tags of a kindMixed value: one byte, then the value.
const (
	tagInteger = 'i'
	tagReal    = 'r'
	tagText    = 't'
	tagBlob    = 'b'
)

// encodeMixed writes a value of any SQLite storage class as tagged bytes;
// nil stays NULL.
func encodeMixed(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		return binary.BigEndian.AppendUint64([]byte{tagInteger}, uint64(x))
	case float64:
		return binary.BigEndian.AppendUint64([]byte{tagReal}, math.Float64bits(x))
	case string:
		return append([]byte{tagText}, x...)
	case []byte:
		return append([]byte{tagBlob}, x...)
	}
	return append([]byte{tagText}, fmt.Sprint(v)...)
}

// decodeMixed reads tagged bytes back; bytes without a known tag (written
// on the server by another program) are kept as a BLOB.
func decodeMixed(v any) any {
	b, ok := v.([]byte)
	if !ok {
		return normalize(v, kindText)
	}
	if len(b) == 0 {
		return []byte{}
	}
	switch b[0] {
	case tagInteger:
		if len(b) == 9 {
			return int64(binary.BigEndian.Uint64(b[1:]))
		}
	case tagReal:
		if len(b) == 9 {
			return math.Float64frombits(binary.BigEndian.Uint64(b[1:]))
		}
	case tagText:
		return string(b[1:])
	case tagBlob:
		return append([]byte{}, b[1:]...)
	}
	return append([]byte{}, b...)
}

// normalize turns what the driver returned into the SQLite storage class of
// kind, so the image holds exactly what the source held.
func normalize(v any, kind string) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		return x.Format("2006-01-02 15:04:05.999999999")
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int32:
		return int64(x)
	case int64, float64:
		return x
	case []byte:
		switch kind {
		case kindText:
			return string(x)
		case kindInteger:
			if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return n
			}
		case kindReal:
			if f, err := strconv.ParseFloat(string(x), 64); err == nil {
				return f
			}
		}
		return append([]byte{}, x...)
	case string:
		switch kind {
		case kindInteger:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n
			}
		case kindReal:
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f
			}
		case kindBlob:
			return []byte(x)
		}
		return x
	}
	return fmt.Sprint(v)
}
