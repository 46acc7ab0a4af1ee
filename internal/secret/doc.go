// Package secret reads passphrases and passwords from files the way
// Windows tools write them, states the minimum a new passphrase must meet,
// and keeps the process that holds one out of core dumps.
package secret
