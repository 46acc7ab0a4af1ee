//go:build !windows

package i18n

import (
	"errors"
	"syscall"
)

func isReadOnly(err error) bool { return errors.Is(err, syscall.EROFS) }

// IsRefused: the server actively refused the connexion (nothing listens
// on that port).
func IsRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

func isInUse(err error) bool { return errors.Is(err, syscall.ETXTBSY) }

// IsNoSpace: the disk, share or quota is full.
func IsNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
