// Package pack writes and reads Coffre's container (PBF now, PTF and PAF
// later): a tar stream cut into independent zstd frames, framed by a marker
// and an index, optionally encrypted with age; see docs/FORMAT.md.
package pack
