//go:build !linux

package log

import (
	"encoding/binary"
	"os"
)

// datasync makes f's written data durable: an fsync where fdatasync is
// not available.
func datasync(f *os.File) error { return f.Sync() }

// startWriteback does nothing where sync_file_range is not available.
func startWriteback(*os.File, int64, int64) {}

// writeBatch writes batch at off in f with its first 8 bytes, the base
// offset, replaced by base, leaving the caller's bytes as they are.
func writeBatch(f *os.File, off, base int64, batch []byte) error {
	var first [8]byte
	binary.BigEndian.PutUint64(first[:], uint64(base))
	if _, err := f.WriteAt(first[:], off); err != nil {
		return err
	}
	_, err := f.WriteAt(batch[8:], off+8)
	return err
}
