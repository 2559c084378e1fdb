package kafka_test

import (
	"encoding/binary"
	"hash/crc32"
	"net"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log/kafka"
)

// makeBatch encodes values as one uncompressed RecordBatch v2.
func makeBatch(values ...string) []byte {
	var recs []byte
	for i, v := range values {
		var body []byte
		body = append(body, 0)                          // attributes
		body = binary.AppendVarint(body, 0)             // timestamp delta
		body = binary.AppendVarint(body, int64(i))      // offset delta
		body = binary.AppendVarint(body, -1)            // null key
		body = binary.AppendVarint(body, int64(len(v))) // value
		body = append(body, v...)
		body = binary.AppendVarint(body, 0) // headers
		recs = binary.AppendVarint(recs, int64(len(body)))
		recs = append(recs, body...)
	}
	now := time.Now().UnixMilli()
	rb := kmsg.RecordBatch{
		PartitionLeaderEpoch: -1, Magic: 2,
		LastOffsetDelta: int32(len(values) - 1),
		FirstTimestamp:  now, MaxTimestamp: now,
		ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
		NumRecords: int32(len(values)), Records: recs,
	}
	return reseal(rb.AppendTo(nil))
}

// reseal sets a batch's length and CRC after an edit.
func reseal(b []byte) []byte {
	binary.BigEndian.PutUint32(b[8:], uint32(len(b)-12))
	binary.BigEndian.PutUint32(b[17:], crc32.Checksum(b[21:], crc32.MakeTable(crc32.Castagnoli)))
	return b
}

func produceRequest(topic string, acks int16, batch []byte) *kmsg.ProduceRequest {
	req := kmsg.NewPtrProduceRequest()
	req.SetVersion(7)
	req.Acks = acks
	req.TimeoutMillis = 5000
	rt := kmsg.NewProduceRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewProduceRequestTopicPartition()
	rp.Records = batch
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	return req
}

func apiKeyRange(resp *kmsg.ApiVersionsResponse, key int16) (int16, int16, bool) {
	for _, k := range resp.ApiKeys {
		if k.ApiKey == key {
			return k.MinVersion, k.MaxVersion, true
		}
	}
	return 0, 0, false
}

func TestServer_ApiVersions(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	c := dialRaw(t, b.addr)
	for v := int16(0); v <= 4; v++ {
		req := kmsg.NewPtrApiVersionsRequest()
		req.SetVersion(v)
		req.ClientSoftwareName, req.ClientSoftwareVersion = "test", "1.0"
		c.send(req, int32(v))
		resp := c.receive(req, int32(v)).(*kmsg.ApiVersionsResponse)
		if resp.ErrorCode != 0 {
			t.Fatalf("v%d: error %d", v, resp.ErrorCode)
		}
		for _, want := range []struct{ key, min, max int16 }{
			{0, 3, 12}, {1, 4, 12}, {3, 0, 12}, {11, 0, 9}, {18, 0, 4}, {22, 0, 4},
		} {
			lo, hi, ok := apiKeyRange(resp, want.key)
			if !ok || lo != want.min || hi != want.max {
				t.Errorf("v%d: key %d = [%d,%d] (advertised %v), want [%d,%d]", v, want.key, lo, hi, ok, want.min, want.max)
			}
		}
	}
}

func TestServer_ApiVersionsFallback(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	for _, version := range []int16{5, 100} {
		c := dialRaw(t, b.addr)
		// A flexible header (v2) and a v3-shaped body; the server must not
		// need to understand the body.
		var f []byte
		f = binary.BigEndian.AppendUint16(f, 18)
		f = binary.BigEndian.AppendUint16(f, uint16(version))
		f = binary.BigEndian.AppendUint32(f, 42)
		f = binary.BigEndian.AppendUint16(f, 4)
		f = append(f, "test"...)
		f = append(f, 0)                     // header tags
		f = append(f, 5, 'k', 'g', 'o', '!') // compact string
		f = append(f, 2, '1', 0)
		frame := binary.BigEndian.AppendUint32(nil, uint32(len(f)))
		c.write(append(frame, f...))

		corr, body, err := c.readFrame()
		if err != nil {
			t.Fatalf("v%d: %v", version, err)
		}
		if corr != 42 {
			t.Fatalf("v%d: correlation ID %d", version, corr)
		}
		resp := kmsg.NewPtrApiVersionsResponse()
		resp.SetVersion(0) // v0 body, header v0
		if err := resp.ReadFrom(body); err != nil {
			t.Fatalf("v%d: decode v0 answer: %v", version, err)
		}
		if resp.ErrorCode != kerr.UnsupportedVersion.Code {
			t.Errorf("v%d: error %d, want UNSUPPORTED_VERSION", version, resp.ErrorCode)
		}
		if lo, hi, ok := apiKeyRange(resp, 18); !ok || lo != 0 || hi != 4 {
			t.Errorf("v%d: ApiVersions range [%d,%d] (%v), want [0,4]", version, lo, hi, ok)
		}
		// The client retries at our maximum on the same connection.
		req := kmsg.NewPtrApiVersionsRequest()
		req.SetVersion(4)
		req.ClientSoftwareName, req.ClientSoftwareVersion = "test", "1.0"
		c.send(req, 43)
		if r := c.receive(req, 43).(*kmsg.ApiVersionsResponse); r.ErrorCode != 0 {
			t.Errorf("v%d retry: error %d", version, r.ErrorCode)
		}
	}
}

func TestServer_Pipelining(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	c := dialRaw(t, b.addr)
	f := kmsg.NewRequestFormatter(kmsg.FormatterClientID("pipeline"))
	reqs := []kmsg.Request{}
	var out []byte
	for i := range 6 {
		var req kmsg.Request
		switch i % 3 {
		case 0:
			r := kmsg.NewPtrApiVersionsRequest()
			r.SetVersion(3)
			r.ClientSoftwareName, r.ClientSoftwareVersion = "a", "1"
			req = r
		case 1:
			r := kmsg.NewPtrMetadataRequest()
			r.SetVersion(int16(i))
			req = r
		case 2:
			r := kmsg.NewPtrDescribeClusterRequest()
			r.SetVersion(0)
			req = r
		}
		reqs = append(reqs, req)
		out = append(out, f.AppendRequest(nil, req, int32(100+i))...) // it writes the size at dst[0:4]
	}
	c.write(out)
	for i, req := range reqs {
		c.receive(req, int32(100+i))
	}
}

func TestServer_AcksZeroGetsNoResponse(t *testing.T) {
	b := mustStart(t, kafka.Config{}, nil)
	mustCreateTopic(t, mustAdmin(t, b.addr), "acks0", 1, nil)
	c := dialRaw(t, b.addr)
	c.send(produceRequest("acks0", 0, makeBatch("fire", "forget")), 1)
	av := kmsg.NewPtrApiVersionsRequest()
	av.SetVersion(0)
	c.send(av, 2)
	c.receive(av, 2) // not the produce's 1
	recs := consume(t, b.addr, "acks0", 2)
	if string(recs[0].Value) != "fire" || string(recs[1].Value) != "forget" {
		t.Errorf("consumed %q, %q", recs[0].Value, recs[1].Value)
	}
}

func TestServer_BadFramesCloseOnlyTheirConnection(t *testing.T) {
	b := mustStart(t, kafka.Config{MaxRequestBytes: 1 << 20}, nil)
	adm := mustAdmin(t, b.addr)
	mustCreateTopic(t, adm, "steady", 1, nil)
	producer := mustClient(t, b.addr, kgo.DefaultProduceTopic("steady"))
	ctx := testContext(t)

	header := func(key, version int16) []byte {
		var h []byte
		h = binary.BigEndian.AppendUint16(h, uint16(key))
		h = binary.BigEndian.AppendUint16(h, uint16(version))
		h = binary.BigEndian.AppendUint32(h, 7)
		h = binary.BigEndian.AppendUint16(h, 0xffff) // null client ID
		return h
	}
	framed := func(body []byte) []byte {
		return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
	}
	formatted := func(req kmsg.Request) []byte {
		return kmsg.NewRequestFormatter().AppendRequest(nil, req, 7)
	}
	produce13 := produceRequest("steady", 1, makeBatch("x"))
	produce13.SetVersion(13)
	fetch3 := kmsg.NewPtrFetchRequest()
	fetch3.SetVersion(3)

	cases := []struct {
		name      string
		data      []byte
		halfClose bool
	}{
		{name: "http garbage", data: []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")},
		{name: "huge length", data: []byte{0x7f, 0xff, 0xff, 0xff, 1, 2, 3}},
		{name: "over MaxRequestBytes", data: binary.BigEndian.AppendUint32(nil, 1<<20+1)},
		{name: "negative length", data: []byte{0xff, 0xff, 0xff, 0xfe}},
		{name: "empty frame", data: []byte{0, 0, 0, 0}},
		{name: "short header", data: framed([]byte{0, 3, 0})},
		{name: "truncated frame", data: append(binary.BigEndian.AppendUint32(nil, 100), header(3, 1)...), halfClose: true},
		{name: "unknown api key", data: framed(header(999, 0))},
		{name: "unserved api key", data: framed(header(24, 0))}, // AddPartitionsToTxn
		{name: "version above max", data: formatted(produce13)},
		{name: "version below min", data: formatted(fetch3)},
		{name: "malformed body", data: framed(append(header(3, 1), 0, 0, 0, 5))},
		{name: "bad tags", data: framed(append(header(3, 9), 0x85, 0x80))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRaw(t, b.addr)
			c.write(tc.data)
			if tc.halfClose {
				c.c.(*net.TCPConn).CloseWrite()
			}
			c.expectClosed()
			if err := producer.ProduceSync(ctx, kgo.StringRecord(tc.name)).FirstErr(); err != nil {
				t.Fatalf("other client's produce after %s: %v", tc.name, err)
			}
		})
	}
	end, err := adm.ListEndOffsets(ctx, "steady")
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := end.Lookup("steady", 0); o.Offset != int64(len(cases)) {
		t.Errorf("end offset %d, want %d", o.Offset, len(cases))
	}
}
