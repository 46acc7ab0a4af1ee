package secret

// The Windows test binary runs under Wine (scripts/wine-test.sh): fsutil
// carries what its t.TempDir cleanups need there.
import _ "coffre/internal/fsutil"
