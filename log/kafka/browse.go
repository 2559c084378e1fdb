package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/charterhq/charter/log"
)

// TopicInfo is a topic as the broker holds it, for people browsing it (the
// web UI), not for clients.
type TopicInfo struct {
	Name       string
	Partitions []PartitionInfo
	Configs    map[string]string
}

// PartitionInfo is a partition's range of offsets.
type PartitionInfo struct {
	ID                     int32
	StartOffset, EndOffset int64 // EndOffset is the high watermark
}

// Message is one stored record.
type Message struct {
	Partition int32
	Offset    int64
	Time      time.Time
	Key       []byte
	Value     []byte
	Headers   map[string][]byte
}

// Topics returns every topic with its partitions' offsets, sorted by name.
func (s *Server) Topics() []TopicInfo {
	var out []TopicInfo
	for _, t := range s.log.Topics() {
		info := TopicInfo{Name: t.Name, Configs: maps.Clone(t.Configs)}
		for i := range t.Partitions {
			p, err := s.log.Partition(t.Name, i)
			if err != nil {
				continue // deleted meanwhile
			}
			info.Partitions = append(info.Partitions, PartitionInfo{ID: i, StartOffset: p.LogStartOffset(), EndOffset: p.HighWatermark()})
		}
		out = append(out, info)
	}
	return out
}

// latestReadBytes bounds what Latest reads per partition.
const latestReadBytes = 4 << 20

// Latest returns the newest n records of topic across its partitions,
// newest first. Records are decompressed and copied out of the log.
func (s *Server) Latest(ctx context.Context, topic string, n int) ([]Message, error) {
	t, ok := s.log.Topic(topic)
	if !ok {
		return nil, fmt.Errorf("topic %q: %w", topic, log.ErrUnknownTopic)
	}
	var out []Message
	for i := range t.Partitions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := s.log.Partition(topic, i)
		if err != nil {
			continue
		}
		msgs, err := s.latestOf(p, i, n)
		if err != nil {
			return nil, fmt.Errorf("topic %q partition %d: %w", topic, i, err)
		}
		out = append(out, msgs...)
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].Time.Equal(out[b].Time) {
			return out[a].Time.After(out[b].Time)
		}
		return out[a].Offset > out[b].Offset
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// latestOf reads the last n records of one partition: batches from n
// offsets before the high watermark, keeping the records at or after it.
func (s *Server) latestOf(p *log.Partition, id int32, n int) ([]Message, error) {
	end := p.HighWatermark()
	from := max(p.LogStartOffset(), end-int64(n))
	var out []Message
	for offset := from; offset < end; {
		raw, err := p.Read(offset, latestReadBytes)
		if errors.Is(err, log.ErrOffsetOutOfRange) || len(raw) == 0 {
			break
		}
		if err != nil {
			return nil, err
		}
		next := offset
		for len(raw) >= recBatchHeaderLen {
			size := int(int32(uint32(raw[8])<<24|uint32(raw[9])<<16|uint32(raw[10])<<8|uint32(raw[11]))) + 12
			if size < recBatchHeaderLen || size > len(raw) {
				return nil, corruptBatchf("stored batch of %d bytes", size)
			}
			b, err := recParseBatch(raw[:size], false)
			if err != nil {
				return nil, err
			}
			raw = raw[size:]
			next = b.FirstOffset + int64(b.LastOffsetDelta) + 1
			if b.isControl() {
				continue
			}
			err = s.enforcer.dec.eachRecordOf(&b, func(r *batchRecord) error {
				if off := b.FirstOffset + int64(r.OffsetDelta); off >= from {
					out = append(out, message(id, off, b.FirstTimestamp+r.TimestampDelta, r))
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		if next <= offset {
			break
		}
		offset = next
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out, nil
}

// message copies a record out of the decoder's buffers.
func message(partition int32, offset, ts int64, r *batchRecord) Message {
	m := Message{Partition: partition, Offset: offset, Time: time.UnixMilli(ts),
		Key: clone(r.Key), Value: clone(r.Value)}
	b := r.headers
	for i := 0; i < r.nHeaders; i++ {
		var k, v []byte
		k, b, _ = recBytes(b)
		v, b, _ = recBytes(b)
		if m.Headers == nil {
			m.Headers = make(map[string][]byte, r.nHeaders)
		}
		m.Headers[string(k)] = clone(v)
	}
	return m
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}
