package archive

import (
	"context"
	"errors"
	"os"

	"coffre/internal/store"
	"coffre/internal/store/workcopy"
)

// runOnServer archives a dossier that lives on a server: the same Run, on a
// working copy switched back in afterwards. If the switch fails the server
// still holds the exercices, so their .paf is removed.
func runOnServer(ctx context.Context, req Request) (Result, error) {
	res, _, err := workcopy.Run(ctx, req.Store, req.Numero, workcopy.Options{Write: true, Disconnect: req.IgnoreSessions, Progress: req.Progress},
		func(ctx context.Context, local *workcopy.Local) (Result, error) {
			r := req
			r.Store = local
			return Run(ctx, r)
		})
	if errors.Is(err, workcopy.ErrNotApplied) && res.Path != "" {
		os.Remove(res.Path)
		res.Path = ""
	}
	return res, err
}

// restoreOnServer de-archives on a working copy. The .paf is deleted only
// once the server holds the exercices again.
func restoreOnServer(ctx context.Context, req RestoreRequest) (RestoreResult, error) {
	inner := req
	inner.DeleteArchive = false
	res, _, err := workcopy.Run(ctx, req.Store, req.Numero, workcopy.Options{Write: true, Disconnect: req.IgnoreSessions, Progress: req.Progress},
		func(ctx context.Context, local *workcopy.Local) (RestoreResult, error) {
			r := inner
			r.Store = local
			return Restore(ctx, r)
		})
	if err != nil || !req.DeleteArchive {
		return res, err
	}
	snap, err := store.InStore(req.Store, req.Numero).Snapshot(ctx, store.SnapshotOptions{})
	if err != nil {
		return res, err
	}
	cur, err := readExercices(ctx, snap.Querier())
	snap.Close()
	if err != nil {
		return res, err
	}
	for _, e := range res.Archive.Exercices {
		for _, x := range cur {
			if x.ID == e.ID && x.Archived {
				return res, nil
			}
		}
	}
	if err := os.Remove(req.File); err != nil {
		return res, err
	}
	res.Deleted = true
	return res, nil
}
