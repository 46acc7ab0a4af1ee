//go:build !windows

package i18n

import (
	"errors"
	"syscall"
)

func isReadOnly(err error) bool { return errors.Is(err, syscall.EROFS) }

func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

func isInUse(err error) bool { return errors.Is(err, syscall.ETXTBSY) }

func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
