package kafka

// Decoding of produced RecordBatch v2 payloads for enforcement: header,
// decompression (gzip, snappy raw and xerial, lz4 frame, zstd) with a cap on
// the decompressed size, and allocation-free iteration over the records.
//
// Every malformed input yields an error wrapping errCorrupt, which the
// server maps to CORRUPT_MESSAGE (2). Nothing here talks to the registry.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// errCorrupt is wrapped by every error caused by a malformed batch
// (errors.Is(err, errCorrupt)): the server answers CORRUPT_MESSAGE.
var errCorrupt = errors.New("corrupt record batch")

func corruptBatchf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errCorrupt}, args...)...)
}

const (
	recBatchHeaderLen = 61
	// recMaxDecompressed caps the size of a decompressed batch; a larger
	// one is rejected as corrupt (decompression bomb).
	recMaxDecompressed = 64 << 20
	// recPooledBufferMax: decompression buffers larger than this are not kept.
	recPooledBufferMax = 8 << 20
)

// Compression codecs (attributes & 7).
const (
	recCodecNone   = 0
	recCodecGzip   = 1
	recCodecSnappy = 2
	recCodecLZ4    = 3
	recCodecZstd   = 4
)

var recCRCTable = crc32.MakeTable(crc32.Castagnoli)

// recBatch is the parsed 61-byte header of a RecordBatch v2.
type recBatch struct {
	kmsg.RecordBatch // Records is the (possibly compressed) record area
}

func (b *recBatch) codec() int      { return int(b.Attributes & 7) }
func (b *recBatch) isControl() bool { return b.Attributes&0x20 != 0 }

// recParseBatch parses the header of batch, which must hold exactly one
// RecordBatch v2 (Length == len(batch)-12). With verifyCRC it also checks
// the CRC-32C over bytes 21..end.
func recParseBatch(batch []byte, verifyCRC bool) (recBatch, error) {
	var b recBatch
	if len(batch) < recBatchHeaderLen {
		return b, corruptBatchf("batch is %d bytes, shorter than the 61-byte header", len(batch))
	}
	if l := int64(int32(binary.BigEndian.Uint32(batch[8:12]))); l != int64(len(batch))-12 {
		return b, corruptBatchf("batch length field is %d, but %d bytes follow it", l, len(batch)-12)
	}
	if err := b.ReadFrom(batch); err != nil {
		return b, corruptBatchf("batch header: %v", err)
	}
	if b.Magic != 2 {
		return b, corruptBatchf("batch magic is %d, only 2 is supported", b.Magic)
	}
	if b.NumRecords < 0 {
		return b, corruptBatchf("batch record count is %d", b.NumRecords)
	}
	if c := b.codec(); c > recCodecZstd {
		return b, corruptBatchf("unknown compression codec %d", c)
	}
	if verifyCRC {
		if got := crc32.Checksum(batch[21:], recCRCTable); got != uint32(b.CRC) {
			return b, corruptBatchf("batch CRC is %08x, computed %08x", uint32(b.CRC), got)
		}
	}
	return b, nil
}

// batchRecord is one decoded record. Its slices alias the batch or a
// decompression buffer and are valid only during the callback.
type batchRecord struct {
	Index          int32  // position in the batch, from 0
	TimestampDelta int64  // from the batch's base timestamp
	OffsetDelta    int32  // from the batch's base offset
	Key            []byte // nil: null key
	Value          []byte // nil: null value (tombstone)
	headers        []byte // the encoded headers, after the count
	nHeaders       int
}

// lastHeader returns the value of the last header named key (Kafka's
// Headers.lastHeader); value is nil for a null header value.
func (r *batchRecord) lastHeader(key string) (value []byte, found bool) {
	b := r.headers
	for i := 0; i < r.nHeaders; i++ {
		var k, v []byte
		k, b, _ = recBytes(b)
		v, b, _ = recBytes(b)
		if string(k) == key {
			value, found = v, true
		}
	}
	return value, found
}

// recDecoder decompresses and iterates batches; safe for concurrent use.
type recDecoder struct {
	max       int  // decompressed-size cap
	verifyCRC bool // check the batch CRC before anything else

	bufs  sync.Pool // *[]byte decompression buffers
	gzips sync.Pool // *gzip.Reader
	lz4s  sync.Pool // *lz4.Reader
	zstd  *zstd.Decoder
}

func newRecDecoder(maxBytes int, verifyCRC bool) *recDecoder {
	zd, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderMaxMemory(uint64(maxBytes)),
		zstd.WithDecoderMaxWindow(uint64(max(maxBytes, zstd.MinWindowSize))),
	)
	if err != nil { // only on invalid options
		panic(err)
	}
	return &recDecoder{max: maxBytes, verifyCRC: verifyCRC, zstd: zd}
}

// eachRecord decodes batch and calls fn for every record in order. Errors
// from decoding wrap errCorrupt; an error from fn stops the iteration and
// is returned as is. Control batches are iterated like any other.
func (d *recDecoder) eachRecord(batch []byte, fn func(r *batchRecord) error) error {
	b, err := recParseBatch(batch, d.verifyCRC)
	if err != nil {
		return err
	}
	return d.eachRecordOf(&b, fn)
}

func (d *recDecoder) eachRecordOf(b *recBatch, fn func(r *batchRecord) error) error {
	records := b.Records
	if c := b.codec(); c != recCodecNone {
		bp := d.getBuf()
		defer d.putBuf(bp)
		out, err := d.decompress(c, records, (*bp)[:0])
		*bp = out[:0]
		if err != nil {
			return err
		}
		records = out
	}
	return recIterate(records, b.NumRecords, fn)
}

func (d *recDecoder) getBuf() *[]byte {
	if bp, ok := d.bufs.Get().(*[]byte); ok {
		return bp
	}
	return new([]byte)
}

func (d *recDecoder) putBuf(bp *[]byte) {
	if cap(*bp) > recPooledBufferMax {
		return
	}
	d.bufs.Put(bp)
}

// decompress appends the decompressed src to dst.
func (d *recDecoder) decompress(codec int, src, dst []byte) ([]byte, error) {
	switch codec {
	case recCodecGzip:
		zr, _ := d.gzips.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(bytes.NewReader(src))
		} else {
			err = zr.Reset(bytes.NewReader(src))
		}
		if err != nil {
			return dst, recCodecErr("gzip", err)
		}
		defer d.gzips.Put(zr)
		return d.readCapped(zr, dst, len(src), "gzip")
	case recCodecSnappy:
		return d.unsnappy(src, dst)
	case recCodecLZ4:
		zr, _ := d.lz4s.Get().(*lz4.Reader)
		if zr == nil {
			zr = lz4.NewReader(bytes.NewReader(src))
		} else {
			zr.Reset(bytes.NewReader(src))
		}
		defer d.lz4s.Put(zr)
		return d.readCapped(zr, dst, len(src), "lz4")
	case recCodecZstd:
		out, err := d.zstd.DecodeAll(src, dst)
		if err != nil {
			if errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded) {
				return dst, corruptBatchf("zstd: decompressed batch exceeds %d bytes", d.max)
			}
			return dst, recCodecErr("zstd", err)
		}
		if len(out) > d.max {
			return out, corruptBatchf("zstd: decompressed batch exceeds %d bytes", d.max)
		}
		return out, nil
	}
	return dst, corruptBatchf("unknown compression codec %d", codec)
}

// readCapped reads r to EOF into dst, failing beyond d.max bytes.
func (d *recDecoder) readCapped(r io.Reader, dst []byte, srcLen int, name string) ([]byte, error) {
	if cap(dst) == 0 {
		dst = make([]byte, 0, min(max(4*srcLen, 4096), d.max+1))
	}
	for {
		if len(dst) == cap(dst) {
			if len(dst) > d.max {
				return dst, corruptBatchf("%s: decompressed batch exceeds %d bytes", name, d.max)
			}
			grown := make([]byte, len(dst), min(2*cap(dst), d.max+1))
			copy(grown, dst)
			dst = grown
		}
		n, err := r.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if len(dst) > d.max {
			return dst, corruptBatchf("%s: decompressed batch exceeds %d bytes", name, d.max)
		}
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, recCodecErr(name, err)
		}
	}
}

// recCodecErr wraps a decompressor's error, naming the codec once.
func recCodecErr(codec string, err error) error {
	if strings.HasPrefix(err.Error(), codec) {
		return corruptBatchf("%v", err)
	}
	return corruptBatchf("%s: %v", codec, err)
}

// recXerialMagic starts snappy-java's framing (Java clients): magic, version
// and compat ints, then [BE int32 length][raw snappy block] chunks.
var recXerialMagic = []byte{0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0}

const recXerialHeaderLen = 16

// unsnappy decodes a raw snappy block or xerial-framed snappy (detected by
// its magic, as librdkafka does) into dst.
func (d *recDecoder) unsnappy(src, dst []byte) ([]byte, error) {
	if len(src) < recXerialHeaderLen || !bytes.Equal(src[:len(recXerialMagic)], recXerialMagic) {
		return d.snappyBlock(src, dst)
	}
	src = src[recXerialHeaderLen:]
	for len(src) > 0 {
		if len(src) < 4 {
			return dst, corruptBatchf("snappy: truncated xerial chunk length")
		}
		n := binary.BigEndian.Uint32(src)
		src = src[4:]
		if uint64(n) > uint64(len(src)) {
			return dst, corruptBatchf("snappy: xerial chunk of %d bytes, %d remain", n, len(src))
		}
		var err error
		if dst, err = d.snappyBlock(src[:n], dst); err != nil {
			return dst, err
		}
		src = src[n:]
	}
	return dst, nil
}

// snappyBlock appends one decoded raw snappy block to dst.
func (d *recDecoder) snappyBlock(src, dst []byte) ([]byte, error) {
	n, err := s2.DecodedLen(src)
	if err != nil {
		return dst, corruptBatchf("snappy: %v", err)
	}
	if n > d.max-len(dst) {
		return dst, corruptBatchf("snappy: decompressed batch exceeds %d bytes", d.max)
	}
	if cap(dst)-len(dst) < n {
		grown := make([]byte, len(dst), len(dst)+n)
		copy(grown, dst)
		dst = grown
	}
	out, err := s2.Decode(dst[len(dst):len(dst)+n], src)
	if err != nil {
		return dst, corruptBatchf("snappy: %v", err)
	}
	return dst[:len(dst)+len(out)], nil
}

// recIterate walks count varint-framed records in b, which must hold
// exactly them.
func recIterate(b []byte, count int32, fn func(r *batchRecord) error) error {
	// The smallest record is 7 bytes; rejects absurd counts up front.
	if int64(count)*7 > int64(len(b)) {
		return corruptBatchf("batch claims %d records in %d bytes", count, len(b))
	}
	var r batchRecord
	for i := int32(0); i < count; i++ {
		length, rest, ok := recVarint(b)
		if !ok || length < 0 || int64(length) > int64(len(rest)) {
			return corruptBatchf("record %d: bad length", i)
		}
		body := rest[:length]
		b = rest[length:]
		if err := recParseRecord(body, &r); err != nil {
			return corruptBatchf("record %d: %v", i, err)
		}
		r.Index = i
		if err := fn(&r); err != nil {
			return err
		}
	}
	if len(b) != 0 {
		return corruptBatchf("%d bytes after the batch's %d records", len(b), count)
	}
	return nil
}

// recParseRecord parses one record body (after its length): attributes int8,
// timestampDelta varlong, offsetDelta varint, key, value, headers. The body
// must be consumed exactly.
func recParseRecord(b []byte, r *batchRecord) error {
	if len(b) < 1 {
		return fmt.Errorf("empty record")
	}
	b = b[1:] // attributes
	var ok bool
	ts, n := binary.Varint(b)
	if n <= 0 {
		return fmt.Errorf("bad timestamp delta")
	}
	r.TimestampDelta, b = ts, b[n:]
	if r.OffsetDelta, b, ok = recVarint(b); !ok {
		return fmt.Errorf("bad offset delta")
	}
	if r.Key, b, ok = recBytes(b); !ok {
		return fmt.Errorf("bad key")
	}
	if r.Value, b, ok = recBytes(b); !ok {
		return fmt.Errorf("bad value")
	}
	hn, b, ok := recVarint(b)
	if !ok || hn < 0 || int64(hn)*2 > int64(len(b)) {
		return fmt.Errorf("bad header count")
	}
	r.headers, r.nHeaders = b, int(hn)
	for j := int32(0); j < hn; j++ {
		var k []byte
		if k, b, ok = recBytes(b); !ok || k == nil {
			return fmt.Errorf("bad header %d key", j)
		}
		if _, b, ok = recBytes(b); !ok {
			return fmt.Errorf("bad header %d value", j)
		}
	}
	if len(b) != 0 {
		return fmt.Errorf("%d bytes after the record's headers", len(b))
	}
	return nil
}

// recVarint reads a zigzag varint that must fit an int32.
func recVarint(b []byte) (int32, []byte, bool) {
	v, n := binary.Varint(b)
	if n <= 0 || v < -1<<31 || v > 1<<31-1 {
		return 0, b, false
	}
	return int32(v), b[n:], true
}

// recEmptyBytes is a present but empty key, value or header value.
var recEmptyBytes = []byte{}

// recBytes reads a varint length (−1: nil) and that many bytes. A present
// but empty field is a non-nil empty slice.
func recBytes(b []byte) (field, rest []byte, ok bool) {
	n, b, ok := recVarint(b)
	switch {
	case !ok || n < -1 || int64(n) > int64(len(b)):
		return nil, b, false
	case n == -1:
		return nil, b, true
	case n == 0:
		return recEmptyBytes, b, true
	}
	return b[:n:n], b[n:], true
}
