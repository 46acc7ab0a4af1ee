package admin

import (
	"context"

	"coffre/internal/store"
	"coffre/internal/store/workcopy"
)

// runOnServer makes the copy of a dossier that lives on a server from a
// working copy (the reduction and the FEC read SQLite). The copy and the
// FEC go to DestDir, a local folder, as for a folder connexion.
func runOnServer(ctx context.Context, req Request, s store.Store, numero string) (Result, error) {
	res, _, err := workcopy.Run(ctx, s, numero, workcopy.Options{Progress: req.Progress},
		func(ctx context.Context, local *workcopy.Local) (Result, error) {
			r := req
			r.Source = store.InStore(local, numero)
			return Run(ctx, r)
		})
	return res, err
}
