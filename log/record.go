package log

import (
	"encoding/binary"
	"fmt"
)

// record is one record of an uncompressed batch, as far as compaction and
// time lookups need it. Its fields alias the batch's bytes.
type record struct {
	timestampDelta int64
	offsetDelta    int32
	key            []byte // nil when the key is null
	tombstone      bool   // the value is null
	raw            []byte // the whole record, length prefix included
}

// parseRecords decodes count records filling b exactly. Kafka encodes
// lengths and deltas as zigzag varints, which is what binary.Varint reads.
//
//	length varint · attributes int8 · timestampDelta varlong ·
//	offsetDelta varint · keyLength varint · key · valueLength varint ·
//	value · headerCount varint · headers
func parseRecords(b []byte, count int32) ([]record, error) {
	if count < 0 || int64(count) > int64(len(b)) {
		return nil, fmt.Errorf("%w: %d records in %d bytes", ErrCorruptBatch, count, len(b))
	}
	recs := make([]record, 0, count)
	for i := range count {
		length, n := binary.Varint(b)
		if n <= 0 || length < 1 || length > int64(len(b)-n) {
			return nil, fmt.Errorf("%w: record %d: bad length", ErrCorruptBatch, i)
		}
		r := record{raw: b[:n+int(length)]}
		d := decoder{b: b[n+1 : n+int(length)]} // attributes are unused
		r.timestampDelta = d.varint()
		r.offsetDelta = int32(d.varint())
		r.key = d.bytes()
		value := d.bytes()
		r.tombstone = value == nil
		headers := d.varint()
		if headers < 0 || headers > int64(len(d.b)) {
			d.err = true
		}
		for j := int64(0); j < headers && !d.err; j++ {
			d.bytes() // header key, never null
			d.bytes()
		}
		if d.err || len(d.b) != 0 {
			return nil, fmt.Errorf("%w: record %d: malformed", ErrCorruptBatch, i)
		}
		recs = append(recs, r)
		b = b[len(r.raw):]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after %d records", ErrCorruptBatch, len(b), count)
	}
	return recs, nil
}

// decoder reads varints and length-prefixed bytes, remembering a failure
// instead of returning it from every call.
type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes reads a varint length and that many bytes; length −1 is null.
func (d *decoder) bytes() []byte {
	n := d.varint()
	switch {
	case d.err || n < -1 || n > int64(len(d.b)):
		d.err, d.b = true, nil
		return nil
	case n == -1:
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}
