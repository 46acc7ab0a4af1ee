// Package demo writes realistic, deterministic schema-v1 dossiers for
// demonstrations, manual testing and benchmarks (`coffre demo DIR`).
package demo
