package log_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/charterhq/charter/log"
)

// rec is a record for makeBatch; a nil key or value is null.
type rec struct {
	key, value []byte
	ts         int64 // absolute timestamp in ms
}

// batchOpts are the header fields tests vary.
type batchOpts struct {
	producerID int64 // 0 means none (-1); use pid() for an idempotent one
	epoch      int16
	seq        int32
}

// makeBatch encodes a RecordBatch v2 with base offset 0, no compression
// and a CRC-32C, the way a producer would.
func makeBatch(o batchOpts, recs ...rec) []byte {
	var body []byte
	base, maxTS := int64(-1), int64(-1)
	if len(recs) > 0 {
		base = recs[0].ts
	}
	for _, r := range recs {
		maxTS = max(maxTS, r.ts)
	}
	for i, r := range recs {
		var b []byte
		b = append(b, 0) // attributes
		b = binary.AppendVarint(b, r.ts-base)
		b = binary.AppendVarint(b, int64(i))
		b = appendBytes(b, r.key)
		b = appendBytes(b, r.value)
		b = binary.AppendVarint(b, 0) // headers
		body = binary.AppendVarint(body, int64(len(b)))
		body = append(body, b...)
	}
	pid := int64(-1)
	if o.producerID != 0 {
		pid = o.producerID
	}
	be := binary.BigEndian
	h := make([]byte, 61)
	be.PutUint64(h[0:], 0)
	be.PutUint32(h[8:], uint32(61-12+len(body)))
	be.PutUint32(h[12:], 0xffffffff)
	h[16] = 2
	be.PutUint16(h[21:], 0)
	be.PutUint32(h[23:], uint32(len(recs)-1))
	be.PutUint64(h[27:], uint64(base))
	be.PutUint64(h[35:], uint64(maxTS))
	be.PutUint64(h[43:], uint64(pid))
	be.PutUint16(h[51:], uint16(o.epoch))
	be.PutUint32(h[53:], uint32(o.seq))
	be.PutUint32(h[57:], uint32(len(recs)))
	b := append(h, body...)
	be.PutUint32(b[17:], crc32.Checksum(b[21:], crc32.MakeTable(crc32.Castagnoli)))
	return b
}

func appendBytes(b, v []byte) []byte {
	if v == nil {
		return binary.AppendVarint(b, -1)
	}
	b = binary.AppendVarint(b, int64(len(v)))
	return append(b, v...)
}

// batchInfo is what tests check of a stored batch.
type batchInfo struct {
	base  int64
	next  int64 // base + lastOffsetDelta + 1
	count int32
	keys  []string
	vals  []string
	offs  []int64 // each record's offset
}

// splitBatches decodes a Read result (uncompressed batches only).
func splitBatches(t testing.TB, b []byte) []batchInfo {
	t.Helper()
	var out []batchInfo
	for len(b) > 0 {
		if len(b) < 61 {
			t.Fatalf("trailing %d bytes", len(b))
		}
		size := 12 + int(binary.BigEndian.Uint32(b[8:]))
		batch := b[:size]
		if crc32.Checksum(batch[21:], crc32.MakeTable(crc32.Castagnoli)) != binary.BigEndian.Uint32(batch[17:]) {
			t.Fatalf("batch at offset %d: bad CRC", binary.BigEndian.Uint64(batch))
		}
		info := batchInfo{base: int64(binary.BigEndian.Uint64(batch)), count: int32(binary.BigEndian.Uint32(batch[57:]))}
		info.next = info.base + int64(int32(binary.BigEndian.Uint32(batch[23:]))) + 1
		r := bytes.NewReader(batch[61:])
		for range info.count {
			length, _ := binary.ReadVarint(r)
			rb := make([]byte, length)
			io.ReadFull(r, rb)
			rr := bytes.NewReader(rb[1:])
			binary.ReadVarint(rr) // timestamp delta
			delta, _ := binary.ReadVarint(rr)
			info.offs = append(info.offs, info.base+delta)
			info.keys = append(info.keys, readString(rr))
			info.vals = append(info.vals, readString(rr))
		}
		out = append(out, info)
		b = b[size:]
	}
	return out
}

func readString(r *bytes.Reader) string {
	n, _ := binary.ReadVarint(r)
	if n < 0 {
		return "<null>"
	}
	b := make([]byte, n)
	io.ReadFull(r, b)
	return string(b)
}

func mustOpen(t testing.TB, dir string, opts log.Options) *log.Log {
	t.Helper()
	l, err := log.Open(dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// mustPartition creates a topic of one partition and returns it.
func mustPartition(t testing.TB, l *log.Log, topic string, configs map[string]string) *log.Partition {
	t.Helper()
	if _, err := l.CreateTopic(topic, 1, configs); err != nil && !errors.Is(err, log.ErrTopicExists) {
		t.Fatalf("CreateTopic: %v", err)
	}
	p, err := l.Partition(topic, 0)
	if err != nil {
		t.Fatalf("Partition: %v", err)
	}
	return p
}

func mustAppend(t testing.TB, p *log.Partition, batch []byte, sync bool) log.AppendResult {
	t.Helper()
	res, err := p.Append(context.Background(), batch, sync)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return res
}

// readAll reads every batch from offset to the high watermark.
func readAll(t testing.TB, p *log.Partition, offset int64) []batchInfo {
	t.Helper()
	var out []batchInfo
	for offset < p.HighWatermark() {
		b, err := p.Read(offset, 1<<20)
		if err != nil {
			t.Fatalf("Read(%d): %v", offset, err)
		}
		infos := splitBatches(t, b)
		if len(infos) == 0 {
			t.Fatalf("Read(%d) returned nothing below the high watermark %d", offset, p.HighWatermark())
		}
		out = append(out, infos...)
		last := infos[len(infos)-1]
		offset = last.next
	}
	return out
}

// crashCopy copies a live log's directory, as a crash would leave it: no
// clean-shutdown marker, files as written so far.
func crashCopy(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func value(i int) []byte { return []byte("value-" + string(rune('a'+i%26))) }
