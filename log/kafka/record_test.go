package kafka

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/snappy/xerial"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// recTestCodec is a compression codec as the tests produce it.
type recTestCodec struct {
	name  string
	attr  int16
	apply func(tb testing.TB, raw []byte) []byte
}

var recTestCodecs = []recTestCodec{
	{"none", recCodecNone, func(tb testing.TB, raw []byte) []byte { return raw }},
	{"gzip", recCodecGzip, func(tb testing.TB, raw []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(raw); err != nil {
			tb.Fatal(err)
		}
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		return buf.Bytes()
	}},
	{"snappy-raw", recCodecSnappy, func(tb testing.TB, raw []byte) []byte { return s2.EncodeSnappy(nil, raw) }},
	{"snappy-xerial", recCodecSnappy, func(tb testing.TB, raw []byte) []byte { return xerial.Encode(nil, raw) }},
	{"lz4", recCodecLZ4, func(tb testing.TB, raw []byte) []byte {
		var buf bytes.Buffer
		w := lz4.NewWriter(&buf)
		if _, err := w.Write(raw); err != nil {
			tb.Fatal(err)
		}
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		return buf.Bytes()
	}},
	{"zstd", recCodecZstd, func(tb testing.TB, raw []byte) []byte {
		enc, err := zstd.NewWriter(nil)
		if err != nil {
			tb.Fatal(err)
		}
		defer enc.Close()
		return enc.EncodeAll(raw, nil)
	}},
}

// recEncodeRecords encodes records as a batch's record area, setting Length
// and OffsetDelta.
func recEncodeRecords(recs []kmsg.Record) []byte {
	var out []byte
	for i := range recs {
		r := recs[i]
		r.OffsetDelta = int32(i)
		r.Length = 0
		body := r.AppendTo(nil)[1:] // drop the 1-byte varint 0
		r.Length = int32(len(body))
		out = r.AppendTo(out)
	}
	return out
}

// recMakeBatch builds a RecordBatch v2 of count records whose (possibly
// compressed) record area is records, with a valid CRC.
func recMakeBatch(attrs int16, count int32, records []byte) []byte {
	b := kmsg.RecordBatch{
		FirstOffset:          0,
		Length:               int32(49 + len(records)),
		PartitionLeaderEpoch: -1,
		Magic:                2,
		Attributes:           attrs,
		LastOffsetDelta:      count - 1,
		FirstTimestamp:       1700000000000,
		MaxTimestamp:         1700000000000,
		ProducerID:           -1,
		ProducerEpoch:        -1,
		FirstSequence:        -1,
		NumRecords:           count,
		Records:              records,
	}
	out := b.AppendTo(nil)
	binary.BigEndian.PutUint32(out[17:21], crc32.Checksum(out[21:], recCRCTable))
	return out
}

func recBuildBatch(tb testing.TB, c recTestCodec, recs []kmsg.Record) []byte {
	tb.Helper()
	return recMakeBatch(c.attr, int32(len(recs)), c.apply(tb, recEncodeRecords(recs)))
}

func recCollect(d *recDecoder, batch []byte) ([]kmsg.Record, error) {
	var out []kmsg.Record
	err := d.eachRecord(batch, func(r *batchRecord) error {
		rec := kmsg.Record{OffsetDelta: r.Index, Key: bytes.Clone(r.Key), Value: bytes.Clone(r.Value)}
		if r.Key != nil && rec.Key == nil {
			rec.Key = []byte{}
		}
		if r.Value != nil && rec.Value == nil {
			rec.Value = []byte{}
		}
		b := r.headers
		for i := 0; i < r.nHeaders; i++ {
			var k, v []byte
			k, b, _ = recBytes(b)
			v, b, _ = recBytes(b)
			rec.Headers = append(rec.Headers, kmsg.Header{Key: string(k), Value: bytes.Clone(v)})
		}
		out = append(out, rec)
		return nil
	})
	return out, err
}

func TestRecordDecodeCodecs(t *testing.T) {
	recs := []kmsg.Record{
		{Key: []byte("k0"), Value: []byte("v0")},
		{Key: nil, Value: nil}, // null key, tombstone
		{Key: []byte{}, Value: []byte{}},
		{Value: bytes.Repeat([]byte("x"), 100_000), Headers: []kmsg.Header{{Key: "a", Value: []byte("1")}, {Key: "a", Value: []byte("2")}, {Key: "n", Value: nil}}},
		{TimestampDelta64: -5, Value: []byte("neg ts")},
	}
	d := newRecDecoder(recMaxDecompressed, true)
	for _, c := range recTestCodecs {
		t.Run(c.name, func(t *testing.T) {
			batch := recBuildBatch(t, c, recs)
			for round := 0; round < 3; round++ { // pooled readers and buffers are reused
				got, err := recCollect(d, batch)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(recs) {
					t.Fatalf("got %d records, want %d", len(got), len(recs))
				}
				for i, r := range got {
					w := recs[i]
					if !bytes.Equal(r.Key, w.Key) || (r.Key == nil) != (w.Key == nil) {
						t.Errorf("record %d key %q, want %q", i, r.Key, w.Key)
					}
					if !bytes.Equal(r.Value, w.Value) || (r.Value == nil) != (w.Value == nil) {
						t.Errorf("record %d value mismatch (nil %v, want nil %v)", i, r.Value == nil, w.Value == nil)
					}
					if len(r.Headers) != len(w.Headers) {
						t.Errorf("record %d has %d headers, want %d", i, len(r.Headers), len(w.Headers))
					}
				}
			}
		})
	}
}

func TestRecordLastHeader(t *testing.T) {
	recs := []kmsg.Record{{Value: []byte("v"), Headers: []kmsg.Header{
		{Key: "a", Value: []byte("1")}, {Key: "b", Value: nil}, {Key: "a", Value: []byte("2")},
	}}}
	batch := recBuildBatch(t, recTestCodecs[0], recs)
	err := newRecDecoder(recMaxDecompressed, true).eachRecord(batch, func(r *batchRecord) error {
		if v, ok := r.lastHeader("a"); !ok || string(v) != "2" {
			t.Errorf("a = %q %v, want 2", v, ok)
		}
		if v, ok := r.lastHeader("b"); !ok || v != nil {
			t.Errorf("b = %q %v, want null", v, ok)
		}
		if _, ok := r.lastHeader("c"); ok {
			t.Error("c found")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecordCorrupt(t *testing.T) {
	good := recEncodeRecords([]kmsg.Record{{Value: []byte("hello")}, {Value: []byte("world")}})
	withCRC := func(b []byte) []byte {
		binary.BigEndian.PutUint32(b[17:21], crc32.Checksum(b[21:], recCRCTable))
		return b
	}
	zeros := make([]byte, 2<<20)
	small := newRecDecoder(1<<20, true)
	cases := []struct {
		name  string
		batch []byte
		dec   *recDecoder
	}{
		{"empty", nil, nil},
		{"short header", recMakeBatch(0, 2, good)[:40], nil},
		{"length mismatch", recMakeBatch(0, 2, good)[:70], nil},
		{"trailing batch", append(recMakeBatch(0, 2, good), recMakeBatch(0, 2, good)...), nil},
		{"bad magic", func() []byte { b := recMakeBatch(0, 2, good); b[16] = 1; return withCRC(b) }(), nil},
		{"bad crc", func() []byte { b := recMakeBatch(0, 2, good); b[len(b)-1] ^= 1; return b }(), nil},
		{"codec 5", recMakeBatch(5, 2, good), nil},
		{"count too high", recMakeBatch(0, 3, good), nil},
		{"count too low", recMakeBatch(0, 1, good), nil},
		{"negative count", recMakeBatch(0, -1, good), nil},
		{"huge count", recMakeBatch(0, 1<<30, good), nil},
		{"truncated record", recMakeBatch(0, 2, good[:len(good)-1]), nil},
		{"record length beyond", recMakeBatch(0, 1, []byte{0x7e, 0, 0, 0, 1, 1, 0, 0}), nil},
		{"negative key length", recMakeBatch(0, 1, []byte{0x0e, 0, 0, 0, 0x05, 1, 0, 0}), nil},
		{"record longer than fields", recMakeBatch(0, 1, []byte{0x10, 0, 0, 0, 1, 1, 0, 0, 0}), nil},
		{"bad header count", recMakeBatch(0, 1, []byte{0x0c, 0, 0, 0, 1, 1, 0x7e}), nil},
		{"null header key", recMakeBatch(0, 1, []byte{0x10, 0, 0, 0, 1, 1, 2, 1, 1}), nil},
		{"garbage gzip", recMakeBatch(recCodecGzip, 2, []byte("not gzip at all")), nil},
		{"garbage snappy", recMakeBatch(recCodecSnappy, 2, []byte{0xff, 0xff, 0xff, 0xff, 0x0f, 1}), nil},
		{"truncated xerial", recMakeBatch(recCodecSnappy, 2, xerial.Encode(nil, good)[:20]), nil},
		{"garbage lz4", recMakeBatch(recCodecLZ4, 2, []byte("not lz4")), nil},
		{"garbage zstd", recMakeBatch(recCodecZstd, 2, []byte("not zstd")), nil},
		{"gzip bomb", recMakeBatch(recCodecGzip, 2, recTestCodecs[1].apply(t, zeros)), small},
		{"snappy bomb", recMakeBatch(recCodecSnappy, 2, s2.EncodeSnappy(nil, zeros)), small},
		{"xerial bomb", recMakeBatch(recCodecSnappy, 2, xerial.Encode(nil, zeros)), small},
		{"lz4 bomb", recMakeBatch(recCodecLZ4, 2, recTestCodecs[4].apply(t, zeros)), small},
		{"zstd bomb", recMakeBatch(recCodecZstd, 2, recTestCodecs[5].apply(t, zeros)), small},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.dec
			if d == nil {
				d = newRecDecoder(recMaxDecompressed, true)
			}
			_, err := recCollect(d, c.batch)
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("err = %v, want errCorrupt", err)
			}
			t.Log(err)
		})
	}
}

func TestRecordCallbackError(t *testing.T) {
	boom := errors.New("boom")
	batch := recBuildBatch(t, recTestCodecs[0], []kmsg.Record{{Value: []byte("a")}})
	err := newRecDecoder(recMaxDecompressed, true).eachRecord(batch, func(*batchRecord) error { return boom })
	if err != boom {
		t.Fatalf("err = %v", err)
	}
}

func FuzzDecodeBatch(f *testing.F) {
	recs := []kmsg.Record{
		{Key: []byte("k"), Value: []byte{0, 0, 0, 0, 1, 'x'}, Headers: []kmsg.Header{{Key: "__value_schema_id", Value: []byte{0, 0, 0, 0, 2}}}},
		{Value: nil},
		{Value: bytes.Repeat([]byte("ab"), 300)},
	}
	for _, c := range recTestCodecs {
		f.Add(recBuildBatch(f, c, recs))
	}
	f.Add(recMakeBatch(recCodecZstd, 2, recTestCodecs[5].apply(f, make([]byte, 4<<20))))
	d := newRecDecoder(1<<20, false) // no CRC check, so that mutations go deep
	f.Fuzz(func(t *testing.T, batch []byte) {
		n := 0
		err := d.eachRecord(batch, func(r *batchRecord) error {
			if r.Index != int32(n) {
				t.Fatalf("index %d, want %d", r.Index, n)
			}
			n++
			_, _ = r.lastHeader("__value_schema_id")
			return nil
		})
		if err != nil && !errors.Is(err, errCorrupt) {
			t.Fatalf("error not errCorrupt: %v", err)
		}
		if err == nil {
			if b, _ := recParseBatch(batch, false); int32(n) != b.NumRecords {
				t.Fatalf("%d records, header says %d", n, b.NumRecords)
			}
		}
	})
}

func TestRecordDecoderReuseAfterError(t *testing.T) {
	good := []kmsg.Record{{Key: []byte("k"), Value: bytes.Repeat([]byte("v"), 5000)}}
	d := newRecDecoder(1<<20, true)
	for _, c := range recTestCodecs[1:] {
		t.Run(c.name, func(t *testing.T) {
			ok := recBuildBatch(t, c, good)
			comp := c.apply(t, recEncodeRecords(good))
			bad := recMakeBatch(c.attr, 1, comp[:len(comp)/2]) // truncated stream
			for range 3 {
				if _, err := recCollect(d, bad); !errors.Is(err, errCorrupt) {
					t.Fatalf("truncated: err = %v", err)
				}
				got, err := recCollect(d, ok)
				if err != nil || len(got) != 1 || !bytes.Equal(got[0].Value, good[0].Value) {
					t.Fatalf("after an error: %v, %v", len(got), err)
				}
			}
		})
	}
}
