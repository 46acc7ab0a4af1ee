package store

import "context"

// Ref designates one dossier to read: a dossier of a connexion, or a lone
// database file given on the command line.
type Ref interface {
	// Label names the dossier in messages: "001" or a file name.
	Label() string
	Describe() Description
	Lock(ctx context.Context) (unlock func(), err error)
	Snapshot(ctx context.Context, opt SnapshotOptions) (Snapshot, error)
}

// InStore designates dossier numero of s.
func InStore(s Store, numero string) Ref { return storeRef{s, numero} }

type storeRef struct {
	s      Store
	numero string
}

func (r storeRef) Label() string         { return r.numero }
func (r storeRef) Describe() Description { return r.s.Describe() }
func (r storeRef) Lock(ctx context.Context) (func(), error) {
	return r.s.Lock(ctx, r.numero)
}
func (r storeRef) Snapshot(ctx context.Context, opt SnapshotOptions) (Snapshot, error) {
	return r.s.Snapshot(ctx, r.numero, opt)
}
