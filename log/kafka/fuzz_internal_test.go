package kafka

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// FuzzParseRequest feeds frames to the request parser. Invariants: it never
// panics; a frame it accepts has a served key and version (or is an
// ApiVersions above our range, left undecoded); and re-encoding the
// decoded request and parsing that again gives the same encoding (the
// decoder loses nothing the encoder writes).
func FuzzParseRequest(f *testing.F) {
	seed := func(req kmsg.Request, version int16) {
		req.SetVersion(version)
		frame := kmsg.NewRequestFormatter(kmsg.FormatterClientID("fuzz")).AppendRequest(nil, req, 1)
		f.Add(frame[4:])
	}
	seed(kmsg.NewPtrApiVersionsRequest(), 3)
	seed(kmsg.NewPtrApiVersionsRequest(), 0)
	seed(kmsg.NewPtrMetadataRequest(), 12)
	seed(kmsg.NewPtrMetadataRequest(), 1)
	pr := kmsg.NewPtrProduceRequest()
	pt := kmsg.NewProduceRequestTopic()
	pt.Topic = "t"
	pp := kmsg.NewProduceRequestTopicPartition()
	pp.Records = []byte("not really a batch")
	pt.Partitions = append(pt.Partitions, pp)
	pr.Topics = append(pr.Topics, pt)
	seed(pr, 9)
	seed(pr, 3)
	seed(kmsg.NewPtrFetchRequest(), 12)
	seed(kmsg.NewPtrCreateTopicsRequest(), 7)
	seed(kmsg.NewPtrIncrementalAlterConfigsRequest(), 1)
	f.Add([]byte{0, 18, 0, 100, 0, 0, 0, 1, 0xff, 0xff})
	f.Add([]byte{})
	f.Add([]byte("GET / HTTP/1.1\r\n"))

	f.Fuzz(func(t *testing.T, frame []byte) {
		r, err := parseRequest(frame)
		if err != nil {
			return
		}
		v, ok := supported(r.key)
		if !ok {
			t.Fatalf("accepted unserved key %d", r.key)
		}
		if r.kreq == nil {
			if r.key != apiVersionsKey || r.version <= v.max {
				t.Fatalf("undecoded request key %d v%d", r.key, r.version)
			}
			return
		}
		if r.version < v.min || r.version > v.max || r.kreq.GetVersion() != r.version {
			t.Fatalf("accepted key %d v%d outside [%d,%d]", r.key, r.version, v.min, v.max)
		}
		enc := kmsg.NewRequestFormatter().AppendRequest(nil, r.kreq, r.corr)
		if got := int(binary.BigEndian.Uint32(enc)); got != len(enc)-4 {
			t.Fatalf("size prefix %d for %d bytes", got, len(enc)-4)
		}
		r2, err := parseRequest(enc[4:])
		if err != nil {
			t.Fatalf("re-encoded request does not parse: %v", err)
		}
		enc2 := kmsg.NewRequestFormatter().AppendRequest(nil, r2.kreq, r2.corr)
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("re-encoding is not stable:\n%x\n%x", enc, enc2)
		}
	})
}

func TestReadFrame(t *testing.T) {
	frame := func(n uint32, body []byte) []byte {
		return append(binary.BigEndian.AppendUint32(nil, n), body...)
	}
	big := bytes.Repeat([]byte{7}, 3<<20)
	for _, tc := range []struct {
		name  string
		in    []byte
		limit int32
		want  []byte
		ok    bool
	}{
		{"empty", frame(0, nil), 10, []byte{}, true},
		{"small", frame(3, []byte("abc")), 10, []byte("abc"), true},
		{"at limit", frame(3, []byte("abc")), 3, []byte("abc"), true},
		{"over limit", frame(4, []byte("abcd")), 3, nil, false},
		{"negative", frame(0xffffffff, nil), 10, nil, false},
		{"truncated", frame(5, []byte("ab")), 10, nil, false},
		{"large, in chunks", frame(uint32(len(big)), big), 4 << 20, big, true},
		{"large, truncated", frame(uint32(len(big)+1), big), 4 << 20, nil, false},
		{"no size", []byte{0, 0}, 10, nil, false},
	} {
		got, err := readFrame(bytes.NewReader(tc.in), tc.limit)
		if (err == nil) != tc.ok || tc.ok && !bytes.Equal(got, tc.want) {
			t.Errorf("%s: got %d bytes, err %v; want %d bytes, ok %v", tc.name, len(got), err, len(tc.want), tc.ok)
		}
	}
}
