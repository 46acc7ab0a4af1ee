package cli

import (
	"fmt"
	"os"
	"strconv"
	"sync"

	"coffre/internal/dossier"
)

// Test hook, for the fault tests (internal/faulttest) only: with
// COFFRE_TEST_PROGRESS_FD=N in the environment, every progress event is
// also written, unthrottled, as one line « phase TAB dossier TAB done TAB
// total » on file descriptor N, and the command then waits for one byte on
// that descriptor before going on, so a test can kill the process exactly
// at its N-th event. An event holds a phase, a dossier label and byte
// counts: never a passphrase, a password or a path's content. Unset (as
// for every user), it costs one getenv per operation.
const testProgressEnv = "COFFRE_TEST_PROGRESS_FD"

var testHook struct {
	once sync.Once
	mu   sync.Mutex
	f    *os.File
}

// withTestHook returns p, plus the test hook when it is enabled.
func withTestHook(p dossier.Progress) dossier.Progress {
	testHook.once.Do(func() {
		if fd, err := strconv.Atoi(os.Getenv(testProgressEnv)); err == nil && fd > 2 {
			testHook.f = os.NewFile(uintptr(fd), "coffre-test-progress")
		}
	})
	if testHook.f == nil {
		return p
	}
	return func(e dossier.Event) {
		testHook.mu.Lock()
		if testHook.f != nil {
			ack := []byte{0}
			_, err := fmt.Fprintf(testHook.f, "%s\t%s\t%d\t%d\n", e.Phase, e.Dossier, e.Done, e.Total)
			if err == nil {
				_, err = testHook.f.Read(ack)
			}
			if err != nil { // the test went away: carry on unhooked
				testHook.f = nil
			}
		}
		testHook.mu.Unlock()
		p.Report(e)
	}
}
