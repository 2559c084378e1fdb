package log

import (
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
