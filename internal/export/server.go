package export

import (
	"context"

	"coffre/internal/store/workcopy"
)

// runOnServer exports a dossier that lives on a server into the server
// itself: the export is written in the working copy's folder, and the
// working copy turns it into a new database E001SOC on the server
// (--remplacer replaces an existing one). With a destination folder, Run
// writes a local E001SOC.db straight from the server's snapshot instead.
func runOnServer(ctx context.Context, req Request) (Result, error) {
	res, out, err := workcopy.Run(ctx, req.Store, req.Numero, workcopy.Options{Replace: req.Replace, Progress: req.Progress},
		func(ctx context.Context, local *workcopy.Local) (Result, error) {
			r := req
			r.Store, r.DestDir = local, local.Dir()
			return Run(ctx, r)
		})
	if err != nil {
		return res, err
	}
	if name, ok := out.ServerName(res.Path); ok {
		res.Path = name
		res.OnServer = true
		for _, d := range out.Created {
			res.Replaced = res.Replaced || (d.Name == name && d.Replaced)
		}
	}
	return res, nil
}
