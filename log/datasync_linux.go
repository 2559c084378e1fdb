package log

import (
	"os"
	"syscall"
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
