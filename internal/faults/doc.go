// Package faults injects the faults Coffre must survive without losing a
// dossier — short writes, flipped bits, a full disk at byte N, read errors,
// a process killed at its N-th progress event — for tests only.
package faults
