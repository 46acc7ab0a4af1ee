package transfer

import (
	"context"

	"coffre/internal/store/workcopy"
)

// importOnServer applies a PTF to a dossier that lives on a server: the
// same Import on a working copy, switched back in once applied and checked.
func importOnServer(ctx context.Context, req ImportRequest) (ImportResult, error) {
	res, _, err := workcopy.Run(ctx, req.Store, req.Numero, workcopy.Options{Write: true, Disconnect: req.IgnoreSessions, Progress: req.Progress},
		func(ctx context.Context, local *workcopy.Local) (ImportResult, error) {
			r := req
			r.Store = local
			return Import(ctx, r)
		})
	return res, err
}

// exportOnServer reads the changes of a dossier that lives on a server from
// a working copy (the change detection reads SQLite); the dossier is not
// changed, and the transfer state stays where DefaultStateDir puts a
// server's.
func exportOnServer(ctx context.Context, req ExportRequest) (ExportResult, error) {
	res, _, err := workcopy.Run(ctx, req.Store, req.Numero, workcopy.Options{Progress: req.Progress},
		func(ctx context.Context, local *workcopy.Local) (ExportResult, error) {
			r := req
			r.Store = local
			return Export(ctx, r)
		})
	return res, err
}
