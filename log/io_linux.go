package log

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// withFD runs fn with f's descriptor, which stays valid meanwhile even
// should f be closed concurrently.
func withFD(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var fnErr error
	if err := rc.Control(func(fd uintptr) { fnErr = fn(int(fd)) }); err != nil {
		return err
	}
	return fnErr
}

// datasync makes f's written data durable. On Linux that is fdatasync:
// appends need the data and the file size on disk, not the modification
// time, and skipping that metadata spares the journal a write per commit.
func datasync(f *os.File) error {
	err := withFD(f, func(fd int) error {
		for {
			if err := syscall.Fdatasync(fd); err != syscall.EINTR {
				return err
			}
		}
	})
	if err != nil {
		return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
	}
	return nil
}

// startWriteback asks the kernel to begin writing n bytes of f at off to
// the device now, without waiting (sync_file_range with WRITE only). A
// batch that an fsync will soon be asked for is then mostly on its way when
// the fsync starts, which shortens the fsync that acknowledgements wait
// for. It promises nothing: durability still comes from datasync, so a
// failure is ignored.
func startWriteback(f *os.File, off, n int64) {
	_ = withFD(f, func(fd int) error {
		return unix.SyncFileRange(fd, off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}

// writeBatch writes batch at off in f with its first 8 bytes, the base
// offset, replaced by base: one pwritev of the new offset and the rest of
// the caller's bytes, which are neither copied nor modified.
func writeBatch(f *os.File, off, base int64, batch []byte) error {
	var first [8]byte
	binary.BigEndian.PutUint64(first[:], uint64(base))
	iov := [][]byte{first[:], batch[8:]}
	err := withFD(f, func(fd int) error {
		for len(iov) > 0 {
			n, err := unix.Pwritev(fd, iov, off)
			switch {
			case errors.Is(err, syscall.EINTR):
				continue
			case err != nil:
				return err
			case n == 0:
				return io.ErrShortWrite
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
	})
	if err != nil {
		return &os.PathError{Op: "pwritev", Path: f.Name(), Err: err}
	}
	return nil
}
