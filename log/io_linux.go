package log

import (
	"encoding/binary"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// datasync makes f's written data durable. On Linux that is fdatasync:
// appends need the data and the file size on disk, not the modification
// time, and skipping that metadata spares the journal a write per commit.
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			if err != nil {
				return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
			}
			return nil
		}
	}
}

// startWriteback asks the kernel to begin writing n bytes of f at off to
// the device now, without waiting (sync_file_range with WRITE only). A
// batch that an fsync will soon be asked for is then mostly on its way when
// the fsync starts, which shortens the fsync that acknowledgements wait
// for. It promises nothing: durability still comes from datasync, so a
// failure is ignored.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}

// writeBatch writes batch at off in f with its first 8 bytes, the base
// offset, replaced by base: one pwritev of the new offset and the rest of
// the caller's bytes, which are neither copied nor modified.
func writeBatch(f *os.File, off, base int64, batch []byte) error {
	var first [8]byte
	binary.BigEndian.PutUint64(first[:], uint64(base))
	iov := [][]byte{first[:], batch[8:]}
	for len(iov) > 0 {
		n, err := unix.Pwritev(int(f.Fd()), iov, off)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return &os.PathError{Op: "pwritev", Path: f.Name(), Err: err}
		case n == 0:
			return &os.PathError{Op: "pwritev", Path: f.Name(), Err: io.ErrShortWrite}
		}
		off += int64(n)
		for n > 0 {
			if n < len(iov[0]) {
				iov[0], n = iov[0][n:], 0
			} else {
				n -= len(iov[0])
				iov = iov[1:]
			}
		}
	}
	return nil
}
