package log

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
)

// castagnoli is the CRC-32C table RecordBatch v2 checksums use. The
// standard library picks the hardware instruction when the table is this one.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// The RecordBatch v2 header: 61 big-endian bytes. Offsets name where each
// field starts.
const (
	headerSize = 61

	offBaseOffset      = 0
	offLength          = 8
	offLeaderEpoch     = 12
	offMagic           = 16
	offCRC             = 17
	offAttributes      = 21 // the CRC covers from here to the end
	offLastOffsetDelta = 23
	offBaseTimestamp   = 27
	offMaxTimestamp    = 35
	offProducerID      = 43
	offProducerEpoch   = 51
	offBaseSequence    = 53
	offRecordCount     = 57

	// lengthPrefix is baseOffset and batchLength, the bytes batchLength
	// does not count.
	lengthPrefix = 12

	// maxBatchSize bounds what recovery and reads will believe a length
	// field says, so a corrupt length cannot make them allocate gigabytes.
	maxBatchSize = 256 << 20

	attrCompression   = 0x07
	attrLogAppendTime = 0x08
	attrControl       = 0x20
)

// header is a decoded RecordBatch v2 header.
type header struct {
	BaseOffset      int64
	Length          int32 // batchLength: the batch's size minus lengthPrefix
	LeaderEpoch     int32
	Magic           int8
	CRC             uint32
	Attributes      int16
	LastOffsetDelta int32
	BaseTimestamp   int64
	MaxTimestamp    int64
	ProducerID      int64
	ProducerEpoch   int16
	BaseSequence    int32
	RecordCount     int32
}

// size is the whole batch's size in bytes.
func (h header) size() int64 { return lengthPrefix + int64(h.Length) }

// lastOffset is the offset of the batch's last record (its last offset
// delta survives compaction, so it still bounds the batch's offsets).
func (h header) lastOffset() int64 { return h.BaseOffset + int64(h.LastOffsetDelta) }

// nextOffset is the offset after the batch.
func (h header) nextOffset() int64 { return h.lastOffset() + 1 }

func (h header) compressed() bool { return h.Attributes&attrCompression != 0 }

// parseHeader decodes the first headerSize bytes of b without verifying
// anything beyond there being enough bytes.
func parseHeader(b []byte) (header, error) {
	if len(b) < headerSize {
		return header{}, fmt.Errorf("%w: %d bytes, shorter than the %d-byte header", ErrCorruptBatch, len(b), headerSize)
	}
	be := binary.BigEndian
	return header{
		BaseOffset:      int64(be.Uint64(b[offBaseOffset:])),
		Length:          int32(be.Uint32(b[offLength:])),
		LeaderEpoch:     int32(be.Uint32(b[offLeaderEpoch:])),
		Magic:           int8(b[offMagic]),
		CRC:             be.Uint32(b[offCRC:]),
		Attributes:      int16(be.Uint16(b[offAttributes:])),
		LastOffsetDelta: int32(be.Uint32(b[offLastOffsetDelta:])),
		BaseTimestamp:   int64(be.Uint64(b[offBaseTimestamp:])),
		MaxTimestamp:    int64(be.Uint64(b[offMaxTimestamp:])),
		ProducerID:      int64(be.Uint64(b[offProducerID:])),
		ProducerEpoch:   int16(be.Uint16(b[offProducerEpoch:])),
		BaseSequence:    int32(be.Uint32(b[offBaseSequence:])),
		RecordCount:     int32(be.Uint32(b[offRecordCount:])),
	}, nil
}

// checkBatch verifies that b is exactly one well-formed RecordBatch v2:
// the length field matches, the magic is 2, the offset delta is sane and
// the CRC-32C holds. Errors wrap ErrCorruptBatch.
func checkBatch(b []byte) (header, error) {
	h, err := parseHeader(b)
	if err != nil {
		return h, err
	}
	if err := h.checkFrame(int64(len(b))); err != nil {
		return h, err
	}
	if int64(len(b)) != h.size() {
		return h, fmt.Errorf("%w: batchLength %d says %d bytes, have %d", ErrCorruptBatch, h.Length, h.size(), len(b))
	}
	if got := crc32.Checksum(b[offAttributes:], castagnoli); got != h.CRC {
		return h, fmt.Errorf("%w: CRC-32C is %08x, header says %08x", ErrCorruptBatch, got, h.CRC)
	}
	return h, nil
}

// checkFrame checks what can be checked from the header alone, given that
// at most avail bytes (from the batch's start) exist.
func (h header) checkFrame(avail int64) error {
	switch {
	case h.Magic != 2:
		return fmt.Errorf("%w: magic %d, want 2", ErrCorruptBatch, h.Magic)
	case h.Length < headerSize-lengthPrefix || h.size() > maxBatchSize:
		return fmt.Errorf("%w: batchLength %d out of range", ErrCorruptBatch, h.Length)
	case h.size() > avail:
		return fmt.Errorf("%w: batchLength %d runs past the %d bytes there are", ErrCorruptBatch, h.Length, avail)
	case h.LastOffsetDelta < 0 || h.RecordCount < 0:
		return fmt.Errorf("%w: lastOffsetDelta %d, recordCount %d", ErrCorruptBatch, h.LastOffsetDelta, h.RecordCount)
	}
	return nil
}

// setCRC recomputes the CRC of a batch whose covered bytes were changed.
func setCRC(b []byte) {
	binary.BigEndian.PutUint32(b[offCRC:], crc32.Checksum(b[offAttributes:], castagnoli))
}

// scanBatches walks the well-formed batches of r from pos up to end and
// calls fn for each (fn may be nil) with its bytes, valid until fn returns;
// the walk stops early when fn returns false. It returns the position where the
// valid prefix ends: end itself, or the start of the first torn, corrupt or
// out-of-order batch. An error is returned only when reading fails; a bad
// batch just ends the prefix. minOffset is the least base offset the first
// batch may have; each later one must start after its predecessor.
func scanBatches(r io.ReaderAt, pos, end, minOffset int64, buf []byte, fn func(pos int64, h header, b []byte) bool) (int64, []byte, error) {
	for pos < end {
		if end-pos < headerSize {
			return pos, buf, nil
		}
		if cap(buf) < headerSize {
			buf = make([]byte, 64<<10)
		}
		b := buf[:headerSize]
		if _, err := r.ReadAt(b, pos); err != nil {
			return pos, buf, err
		}
		h, _ := parseHeader(b)
		// Offsets beyond 2^62 are garbage; refusing them keeps the
		// arithmetic below from overflowing.
		if h.checkFrame(end-pos) != nil || h.BaseOffset < minOffset || h.BaseOffset > 1<<62 {
			return pos, buf, nil
		}
		if int64(cap(buf)) < h.size() {
			buf = make([]byte, h.size())
		}
		b = buf[:h.size()]
		if _, err := r.ReadAt(b, pos); err != nil {
			return pos, buf, err
		}
		if crc32.Checksum(b[offAttributes:], castagnoli) != h.CRC {
			return pos, buf, nil
		}
		if fn != nil && !fn(pos, h, b) {
			return pos + h.size(), buf, nil
		}
		minOffset = h.nextOffset()
		pos += h.size()
	}
	return pos, buf, nil
}
