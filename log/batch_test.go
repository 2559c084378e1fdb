package log

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// testBatch builds a valid uncompressed batch of n records with the given
// base offset; the fuzz seeds start from it.
func testBatch(base int64, n int) []byte {
	var body []byte
	for i := range n {
		r := []byte{0}
		r = binary.AppendVarint(r, int64(i)) // timestamp delta
		r = binary.AppendVarint(r, int64(i)) // offset delta
		r = binary.AppendVarint(r, 1)        // key length
		r = append(r, byte('a'+i))           // key
		r = binary.AppendVarint(r, -1)       // null value
		r = binary.AppendVarint(r, 0)        // headers
		body = binary.AppendVarint(body, int64(len(r)))
		body = append(body, r...)
	}
	b := make([]byte, headerSize, headerSize+len(body))
	be := binary.BigEndian
	be.PutUint64(b[offBaseOffset:], uint64(base))
	be.PutUint32(b[offLength:], uint32(headerSize-lengthPrefix+len(body)))
	b[offMagic] = 2
	be.PutUint32(b[offLastOffsetDelta:], uint32(n-1))
	be.PutUint64(b[offBaseTimestamp:], 1000)
	be.PutUint64(b[offMaxTimestamp:], uint64(1000+n-1))
	be.PutUint64(b[offProducerID:], ^uint64(0))
	be.PutUint32(b[offRecordCount:], uint32(n))
	b = append(b, body...)
	setCRC(b)
	return b
}

// FuzzScanBatches feeds arbitrary segment contents to the recovery
// scanner. Invariants: it never panics; the valid prefix is no longer than
// the input; scanning the prefix alone finds the same prefix (recovery is
// stable once truncated); every batch it accepts passes checkBatch and its
// records, when uncompressed, parse or fail cleanly.
func FuzzScanBatches(f *testing.F) {
	one, two := testBatch(0, 1), testBatch(1, 3)
	f.Add([]byte{})
	f.Add(one)
	f.Add(append(bytes.Clone(one), two...))
	f.Add(append(bytes.Clone(one), two[:40]...))
	f.Add(append(append(bytes.Clone(one), two...), 0, 0, 0, 0))
	f.Add(append(bytes.Clone(two), one...)) // offsets going backwards
	f.Fuzz(func(t *testing.T, data []byte) {
		var batches int
		n, _, err := scanBatches(bytes.NewReader(data), 0, int64(len(data)), 0, nil, func(pos int64, h header, b []byte) bool {
			batches++
			if _, err := checkBatch(b); err != nil {
				t.Fatalf("accepted batch at %d fails checkBatch: %v", pos, err)
			}
			if !h.compressed() {
				parseRecords(b[headerSize:], h.RecordCount)
			}
			return true
		})
		if err != nil {
			t.Fatalf("scan error on in-memory input: %v", err)
		}
		if n < 0 || n > int64(len(data)) {
			t.Fatalf("valid prefix %d of %d bytes", n, len(data))
		}
		again, _, _ := scanBatches(bytes.NewReader(data[:n]), 0, n, 0, nil, nil)
		if again != n {
			t.Fatalf("rescanning the %d-byte valid prefix stops at %d", n, again)
		}
		if n > 0 && batches == 0 {
			t.Fatalf("valid prefix of %d bytes without a batch", n)
		}
	})
}

// FuzzParseRecords checks that the record decoder, which compaction and
// time lookups run over stored batches, never panics and that what it
// returns tiles the input.
func FuzzParseRecords(f *testing.F) {
	f.Add(testBatch(0, 3)[headerSize:], int32(3))
	f.Add([]byte{0x02, 0x00}, int32(1))
	f.Fuzz(func(t *testing.T, data []byte, count int32) {
		recs, err := parseRecords(data, count)
		if err != nil {
			return
		}
		total := 0
		for _, r := range recs {
			total += len(r.raw)
		}
		if total != len(data) || len(recs) != int(count) {
			t.Fatalf("%d records of %d bytes from %d bytes, count %d", len(recs), total, len(data), count)
		}
	})
}

func TestNextSeq(t *testing.T) {
	tests := []struct{ s, delta, want int32 }{
		{0, 1, 1},
		{5, 0, 5},
		{2147483646, 1, 2147483647},
		{2147483647, 1, 0},
		{2147483646, 3, 1},
	}
	for _, tt := range tests {
		if got := nextSeq(tt.s, tt.delta); got != tt.want {
			t.Errorf("nextSeq(%d, %d) = %d, want %d", tt.s, tt.delta, got, tt.want)
		}
	}
}

func TestRebuildBatch(t *testing.T) {
	b := testBatch(10, 4)
	h, _ := checkBatch(b)
	recs, err := parseRecords(b[headerSize:], h.RecordCount)
	if err != nil {
		t.Fatal(err)
	}
	out := rebuildBatch(b, []record{recs[1], recs[3]})
	got, err := checkBatch(out)
	if err != nil {
		t.Fatalf("rebuilt batch: %v", err)
	}
	if got.RecordCount != 2 || got.LastOffsetDelta != 3 || got.BaseOffset != 10 {
		t.Fatalf("rebuilt header %+v, want 2 records, lastOffsetDelta 3, base 10", got)
	}
	kept, err := parseRecords(out[headerSize:], 2)
	if err != nil || string(kept[0].key) != "b" || string(kept[1].key) != "d" || kept[1].offsetDelta != 3 {
		t.Fatalf("rebuilt records %+v, %v", kept, err)
	}
}
