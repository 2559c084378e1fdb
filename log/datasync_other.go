//go:build !linux

package log

import "os"

// datasync makes f's written data durable: an fsync where fdatasync is
// not available.
func datasync(f *os.File) error { return f.Sync() }

// startWriteback does nothing where sync_file_range is not available.
func startWriteback(*os.File, int64, int64) {}
