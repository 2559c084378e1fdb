//go:build !linux

package log

import "os"

// datasync makes f's written data durable: an fsync where fdatasync is
// not available.
func datasync(f *os.File) error { return f.Sync() }
