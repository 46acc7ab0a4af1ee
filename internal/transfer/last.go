package transfer

import (
	"errors"
	"io/fs"

	"coffre/internal/store"
)

// Last is the number of the last transfer exported from the dossier whose
// identifiant is given, read from s's default state folder; found is false
// before the first transfer, whose export is then the complete dossier.
func Last(s store.Store, identifiant string) (seq int64, found bool, err error) {
	st, err := openState(StatePath(DefaultStateDir(s), identifiant))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer st.close()
	return st.header.Sequence, true, nil
}
