package cut

import (
	"context"
	"errors"
	"os"

	"coffre/internal/store/workcopy"
)

// runOnServer cuts a dossier that lives on a server: the same Run on a
// working copy switched back in afterwards (--ignorer-sessions is the
// user's consent to end other sessions at the switch). The cut file is
// written in DestDir as for a folder; if the switch fails the server still
// holds the old exercices, so the cut file is removed.
func runOnServer(ctx context.Context, req Request) (Result, error) {
	res, _, err := workcopy.Run(ctx, req.Store, req.Numero, workcopy.Options{Write: true, Disconnect: req.IgnoreSessions, Progress: req.Progress},
		func(ctx context.Context, local *workcopy.Local) (Result, error) {
			r := req
			r.Store = local
			return Run(ctx, r)
		})
	if errors.Is(err, workcopy.ErrNotApplied) && res.CutPath != "" {
		os.Remove(res.CutPath)
		res.CutPath = ""
	}
	return res, err
}
