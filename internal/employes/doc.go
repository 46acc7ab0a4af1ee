// Package employes keeps Coffre's employees, their codes (argon2id hashes)
// and their rights, and decides who may do what.
package employes
