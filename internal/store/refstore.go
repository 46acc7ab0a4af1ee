package store

// StoreOf returns the connexion and numero r designates when r was made by
// InStore; ok is false for a lone file.
func StoreOf(r Ref) (s Store, numero string, ok bool) {
	sr, ok := r.(storeRef)
	return sr.s, sr.numero, ok
}
