package kafka

// Committed offsets: OffsetCommit, OffsetFetch and OffsetDelete, and their
// durability. Every commit is a record in the compacted internal topic
// __consumer_offsets, in Kafka's own layout (key: OffsetCommitKey v1 =
// group, topic, partition; value: OffsetCommitValue v3 = offset, leader
// epoch, metadata, commit time; a deletion is a tombstone), written as an
// uncompressed RecordBatch v2 with a synced append before the commit is
// acknowledged. The same topic holds each group's metadata (key:
// GroupMetadataKey v2 = group; value: GroupMetadataValue v3 = protocol
// type, generation, protocol, leader, state time, members; a deleted or
// expired group: a tombstone), written as its state changes (see
// group_meta.go); replay tells the two apart by the key's version. On start
// the whole topic is replayed.

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

type groupTP struct {
	topic     string
	partition int32
}

type groupOffset struct {
	offset      int64
	leaderEpoch int32
	metadata    string
	timestamp   int64 // commit time, ms
}

// groupStore is where commits are made durable: __consumer_offsets in the
// log (groupMemStore in tests).
type groupStore interface {
	// append appends one RecordBatch v2 durably.
	append(ctx context.Context, batch []byte) error
	// replay calls fn with every stored batch, in order.
	replay(fn func(b *kmsg.RecordBatch) error) error
}

// groupLogStore keeps commits in partition 0 of __consumer_offsets.
type groupLogStore struct{ l *log.Log }

func newGroupLogStore(l *log.Log) (*groupLogStore, error) {
	s := &groupLogStore{l: l}
	if err := s.ensure(); err != nil {
		return nil, fmt.Errorf("kafka: creating %s: %w", groupOffsetsTopic, err)
	}
	return s, nil
}

// ensure creates __consumer_offsets (1 partition, compacted) if missing.
func (s *groupLogStore) ensure() error {
	if _, ok := s.l.Topic(groupOffsetsTopic); ok {
		return nil
	}
	_, err := s.l.CreateTopic(groupOffsetsTopic, 1, map[string]string{"cleanup.policy": "compact"})
	if errors.Is(err, log.ErrTopicExists) {
		return nil
	}
	return err
}

func (s *groupLogStore) partition() (*log.Partition, error) {
	p, err := s.l.Partition(groupOffsetsTopic, 0)
	if errors.Is(err, log.ErrUnknownTopic) { // deleted under us: recreate
		if err := s.ensure(); err != nil {
			return nil, err
		}
		p, err = s.l.Partition(groupOffsetsTopic, 0)
	}
	return p, err
}

func (s *groupLogStore) append(ctx context.Context, batch []byte) error {
	p, err := s.partition()
	if err != nil {
		return err
	}
	_, err = p.Append(ctx, batch, true)
	return err
}

func (s *groupLogStore) replay(fn func(b *kmsg.RecordBatch) error) error {
	p, err := s.partition()
	if err != nil {
		return err
	}
	off, hw := p.LogStartOffset(), p.HighWatermark()
	for off < hw {
		data, err := p.Read(off, 1<<20)
		if err != nil {
			return fmt.Errorf("reading %s at %d: %w", groupOffsetsTopic, off, err)
		}
		next, err := groupEachBatch(data, fn)
		if err != nil {
			return err
		}
		if next <= off { // nothing whole was read: do not spin
			break
		}
		off = next
	}
	return nil
}

// groupEachBatch calls fn with each whole batch in data and returns the
// offset after the last one (0 when there is none).
func groupEachBatch(data []byte, fn func(b *kmsg.RecordBatch) error) (next int64, err error) {
	for len(data) >= 12 {
		size := 12 + int(int32(binary.BigEndian.Uint32(data[8:12])))
		if size < 12+49 || size > len(data) {
			break
		}
		var b kmsg.RecordBatch
		if err := b.ReadFrom(data[:size]); err != nil {
			return next, fmt.Errorf("%s: %w", groupOffsetsTopic, err)
		}
		data = data[size:]
		next = b.FirstOffset + int64(b.LastOffsetDelta) + 1
		if err := fn(&b); err != nil {
			return next, err
		}
	}
	return next, nil
}

// groupBatchRecords decodes an uncompressed batch's records.
func groupBatchRecords(b *kmsg.RecordBatch) ([]kmsg.Record, error) {
	recs := make([]kmsg.Record, 0, max(b.NumRecords, 0))
	src := b.Records
	for i := int32(0); i < b.NumRecords; i++ {
		l, n := binary.Varint(src)
		if n <= 0 || l < 0 || int64(n)+l > int64(len(src)) {
			return recs, errors.New("truncated record")
		}
		var r kmsg.Record
		if err := r.ReadFrom(src[:n+int(l)]); err != nil {
			return recs, err
		}
		recs = append(recs, r)
		src = src[n+int(l):]
	}
	return recs, nil
}

// buildBatch encodes recs as an uncompressed RecordBatch v2 without a
// producer, stamped now.
func groupBuildBatch(recs []kmsg.Record, now time.Time) []byte {
	var body []byte
	for i := range recs {
		r := recs[i]
		r.OffsetDelta = int32(i)
		r.TimestampDelta, r.TimestampDelta64 = 0, 0
		r.Length = 0
		enc := r.AppendTo(nil)
		r.Length = int32(len(enc) - 1) // a zero varint is one byte
		body = r.AppendTo(body)
	}
	ts := now.UnixMilli()
	b := kmsg.RecordBatch{
		FirstOffset:          0,
		Length:               int32(49 + len(body)),
		PartitionLeaderEpoch: -1,
		Magic:                2,
		LastOffsetDelta:      int32(len(recs) - 1),
		FirstTimestamp:       ts,
		MaxTimestamp:         ts,
		ProducerID:           -1,
		ProducerEpoch:        -1,
		FirstSequence:        -1,
		NumRecords:           int32(len(recs)),
		Records:              body,
	}
	out := b.AppendTo(nil)
	binary.BigEndian.PutUint32(out[17:21], crc32.Checksum(out[21:], recCRCTable))
	return out
}

// offsetRecord is the __consumer_offsets record of a commit (c nil: a
// tombstone).
func groupOffsetRecord(group string, tp groupTP, c *groupOffset) kmsg.Record {
	k := kmsg.NewOffsetCommitKey()
	k.Version = 1
	k.Group = group
	k.Topic = tp.topic
	k.Partition = tp.partition
	r := kmsg.Record{Key: k.AppendTo(nil)}
	if c != nil {
		v := kmsg.NewOffsetCommitValue()
		v.Version = 3
		v.Offset = c.offset
		v.LeaderEpoch = c.leaderEpoch
		v.Metadata = c.metadata
		v.CommitTimestamp = c.timestamp
		r.Value = v.AppendTo(nil)
	}
	return r
}

// load replays __consumer_offsets into memory. The groups it brings back
// have no members. A group whose last metadata record says it was Empty
// (no members, and the time it became so) counts as empty since then; any
// other group (its last record has members, or it has none: a standalone
// group, or a log written before this coordinator wrote metadata) counts as
// empty since now, so a restart never expires its offsets sooner than
// retention after it. Metadata of a group without offsets brings nothing
// back.
func (gs *groups) load() error {
	start := gs.now()
	var n int
	meta := make(map[string]*kmsg.GroupMetadataValue)
	err := gs.store.replay(func(b *kmsg.RecordBatch) error {
		if b.Attributes&0x20 != 0 { // control batch
			return nil
		}
		if b.Attributes&0x07 != 0 {
			gs.logger.Warn("skipping compressed batch in "+groupOffsetsTopic, "offset", b.FirstOffset)
			return nil
		}
		recs, err := groupBatchRecords(b)
		if err != nil {
			gs.logger.Warn("skipping corrupt batch in "+groupOffsetsTopic, "offset", b.FirstOffset, "err", err)
		}
		for _, r := range recs {
			gs.apply(r, meta)
			n++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("kafka: loading committed offsets: %w", err)
	}
	for _, g := range gs.all() {
		g.mu.Lock()
		g.emptySince = start
		if v := meta[g.name]; v != nil {
			g.hasMeta = true
			if len(v.Members) == 0 && v.Version >= 2 && v.CurrentStateTimestamp >= 0 {
				g.emptySince = time.UnixMilli(v.CurrentStateTimestamp)
			}
		}
		g.mu.Unlock()
	}
	gs.logger.Debug("committed offsets loaded", "records", n, "groups", len(gs.groups))
	return nil
}

// apply applies one replayed record: an offset commit (key versions 0 and
// 1) to the group's offsets, group metadata (key version 2) to meta, the
// last value of each group's metadata (a tombstone removes it), as Kafka's
// GroupMetadataManager tells them apart.
func (gs *groups) apply(r kmsg.Record, meta map[string]*kmsg.GroupMetadataValue) {
	if len(r.Key) < 2 {
		return
	}
	switch int16(binary.BigEndian.Uint16(r.Key)) {
	case 0, 1:
		gs.applyOffset(r)
	case 2:
		var k kmsg.GroupMetadataKey
		if err := k.ReadFrom(r.Key); err != nil {
			return
		}
		if r.Value == nil {
			delete(meta, k.Group)
			return
		}
		v := kmsg.NewGroupMetadataValue()
		if err := v.ReadFrom(r.Value); err != nil {
			return
		}
		meta[k.Group] = &v
	}
}

// applyOffset applies one replayed offset commit or tombstone.
func (gs *groups) applyOffset(r kmsg.Record) {
	var k kmsg.OffsetCommitKey
	if err := k.ReadFrom(r.Key); err != nil {
		return
	}
	tp := groupTP{k.Topic, k.Partition}
	if r.Value == nil {
		g := gs.get(k.Group, false)
		if g == nil {
			return
		}
		g.mu.Lock()
		delete(g.offsets, tp)
		if len(g.offsets) == 0 && len(g.members) == 0 {
			g.dead = true
			gs.remove(g)
		}
		g.mu.Unlock()
		return
	}
	var v kmsg.OffsetCommitValue
	if err := v.ReadFrom(r.Value); err != nil {
		return
	}
	c := groupOffset{offset: v.Offset, leaderEpoch: -1, metadata: v.Metadata, timestamp: v.CommitTimestamp}
	if v.Version >= 3 {
		c.leaderEpoch = v.LeaderEpoch
	}
	g := gs.lock(k.Group, true)
	g.offsets[tp] = c
	g.mu.Unlock()
}

// storeErrCode maps a failed append to a commit error code.
func groupStoreErrCode(err error) int16 {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return kerr.RequestTimedOut.Code
	case errors.Is(err, log.ErrClosed), errors.Is(err, log.ErrUnknownTopic), errors.Is(err, errGroupsClosed):
		return kerr.CoordinatorNotAvailable.Code
	}
	return kerr.UnknownServerError.Code
}

// topicPartitions returns a topic's partition count; ok is false when it
// does not exist. Without a log every topic exists.
func (gs *groups) topicPartitions(name string) (int32, bool) {
	if gs.l == nil {
		return 1 << 30, true
	}
	t, ok := gs.l.Topic(name)
	return t.Partitions, ok
}

// topicByID returns the name of the topic with ID id.
func (gs *groups) topicByID(id [16]byte) (string, bool) {
	if gs.l == nil {
		return "", false
	}
	for _, t := range gs.l.Topics() {
		if t.ID == id {
			return t.Name, true
		}
	}
	return "", false
}

// topicID returns a topic's ID (zero when unknown).
func (gs *groups) topicID(name string) [16]byte {
	if gs.l == nil {
		return [16]byte{}
	}
	t, _ := gs.l.Topic(name)
	return t.ID
}

//
// OffsetCommit
//

func (gs *groups) offsetCommit(ctx context.Context, req *kmsg.OffsetCommitRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.OffsetCommitResponse)
	names := make([]string, len(req.Topics))
	for i, t := range req.Topics {
		rt := kmsg.NewOffsetCommitResponseTopic()
		rt.Topic = t.Topic
		rt.TopicID = t.TopicID
		names[i] = t.Topic
		for _, p := range t.Partitions {
			rp := kmsg.NewOffsetCommitResponseTopicPartition()
			rp.Partition = p.Partition
			rt.Partitions = append(rt.Partitions, rp)
		}
		resp.Topics = append(resp.Topics, rt)
	}
	setAll := func(code int16) kmsg.Response {
		for i := range resp.Topics {
			for j := range resp.Topics[i].Partitions {
				if resp.Topics[i].Partitions[j].ErrorCode == 0 {
					resp.Topics[i].Partitions[j].ErrorCode = code
				}
			}
		}
		return resp
	}
	if gs.closed.Load() {
		return setAll(kerr.CoordinatorNotAvailable.Code)
	}
	if req.Group == "" {
		return setAll(kerr.InvalidGroupID.Code)
	}

	// Per-partition checks, before touching the group.
	for i, t := range req.Topics {
		code := int16(0)
		if req.Version >= 10 {
			if name, ok := gs.topicByID(t.TopicID); ok {
				names[i] = name
			} else {
				code = kerr.UnknownTopicID.Code
			}
		}
		n, ok := gs.topicPartitions(names[i])
		for j, p := range t.Partitions {
			rp := &resp.Topics[i].Partitions[j]
			switch {
			case code != 0:
				rp.ErrorCode = code
			case !ok || p.Partition < 0 || p.Partition >= n:
				rp.ErrorCode = kerr.UnknownTopicOrPartition.Code
			case p.Metadata != nil && len(*p.Metadata) > gs.maxMetadataBytes:
				rp.ErrorCode = kerr.OffsetMetadataTooLarge.Code
			}
		}
	}

	var g *group
	for {
		g = gs.get(req.Group, false)
		if g == nil {
			if req.Generation >= 0 {
				// A member of a generation this coordinator never saw.
				return setAll(kerr.IllegalGeneration.Code)
			}
			g = gs.get(req.Group, true)
		}
		g.commitMu.Lock()
		g.mu.Lock()
		if !g.dead {
			break
		}
		g.mu.Unlock()
		g.commitMu.Unlock()
	}
	defer g.commitMu.Unlock()
	if code := g.validateCommit(req); code != 0 {
		g.maybeForget()
		g.mu.Unlock()
		return setAll(code)
	}
	g.mu.Unlock()

	now := gs.now()
	var recs []kmsg.Record
	var commits []groupTP
	var values []groupOffset
	for i, t := range req.Topics {
		for j, p := range t.Partitions {
			if resp.Topics[i].Partitions[j].ErrorCode != 0 {
				continue
			}
			c := groupOffset{offset: p.Offset, leaderEpoch: p.LeaderEpoch, timestamp: now.UnixMilli()}
			if req.Version < 6 {
				c.leaderEpoch = -1
			}
			if p.Metadata != nil {
				c.metadata = *p.Metadata
			}
			tp := groupTP{names[i], p.Partition}
			recs = append(recs, groupOffsetRecord(g.name, tp, &c))
			commits = append(commits, tp)
			values = append(values, c)
		}
	}
	if len(recs) > 0 {
		if err := gs.store.append(ctx, groupBuildBatch(recs, now)); err != nil {
			gs.logger.Warn("writing offset commit", "group", g.name, "err", err)
			setAll(groupStoreErrCode(err))
		} else {
			g.mu.Lock()
			for i, tp := range commits {
				g.offsets[tp] = values[i]
			}
			g.mu.Unlock()
		}
	}
	g.mu.Lock()
	g.maybeForget()
	g.mu.Unlock()
	return resp
}

// validateCommit checks who commits (Kafka's rules): a simple consumer
// (generation < 0, no member) may commit to an Empty group; group members
// commit with their member ID and current generation, except while the
// group awaits SyncGroup. It also keeps the member's session alive.
func (g *group) validateCommit(req *kmsg.OffsetCommitRequest) int16 {
	if req.Generation < 0 && g.state == groupEmpty {
		return 0
	}
	if req.Generation < 0 && req.MemberID == "" && req.InstanceID == nil {
		return kerr.UnknownMemberID.Code // the group has members
	}
	if code := g.checkInstance(req.InstanceID, req.MemberID); code != 0 {
		return code
	}
	m := g.members[req.MemberID]
	if m == nil {
		return kerr.UnknownMemberID.Code
	}
	if req.Generation != g.generation {
		return kerr.IllegalGeneration.Code
	}
	g.resetSession(m)
	if g.state == groupCompletingRebalance {
		return kerr.RebalanceInProgress.Code
	}
	return 0
}

// maybeForget drops an Empty group that holds nothing (created by a commit
// that stored nothing).
func (g *group) maybeForget() {
	if g.state == groupEmpty && g.generation == 0 && len(g.members) == 0 &&
		len(g.pending) == 0 && len(g.offsets) == 0 {
		g.dead = true
		g.gs.remove(g)
	}
}

//
// OffsetFetch
//

type groupFetchTopic struct {
	name       string
	id         [16]byte
	partitions []int32
}

type groupFetchedPartition struct {
	partition   int32
	offset      int64
	leaderEpoch int32
	metadata    string
	code        int16
}

type groupFetchedTopic struct {
	name  string
	id    [16]byte
	parts []groupFetchedPartition
}

// fetchOffsets returns a group's committed offsets for topics (nil: every
// committed partition); -1 for partitions without a commit.
func (gs *groups) fetchOffsets(group string, topics []groupFetchTopic, byID bool) ([]groupFetchedTopic, int16) {
	if gs.closed.Load() {
		return nil, kerr.CoordinatorNotAvailable.Code
	}
	var offsets map[groupTP]groupOffset
	if g := gs.lock(group, false); g != nil {
		offsets = make(map[groupTP]groupOffset, len(g.offsets))
		for tp, c := range g.offsets {
			if topics == nil || slices.ContainsFunc(topics, func(t groupFetchTopic) bool { return t.name == tp.topic }) {
				offsets[tp] = c
			}
		}
		g.mu.Unlock()
	}
	if topics == nil {
		byTopic := make(map[string][]int32)
		for tp := range offsets {
			byTopic[tp.topic] = append(byTopic[tp.topic], tp.partition)
		}
		for name, ps := range byTopic {
			slices.Sort(ps)
			t := groupFetchTopic{name: name, partitions: ps}
			if byID {
				t.id = gs.topicID(name)
			}
			topics = append(topics, t)
		}
		slices.SortFunc(topics, func(a, b groupFetchTopic) int { return cmp.Compare(a.name, b.name) })
	}
	out := make([]groupFetchedTopic, 0, len(topics))
	for _, t := range topics {
		ft := groupFetchedTopic{name: t.name, id: t.id}
		for _, p := range t.partitions {
			fp := groupFetchedPartition{partition: p, offset: -1, leaderEpoch: -1}
			if t.name == "" && byID {
				fp.code = kerr.UnknownTopicID.Code
			} else if c, ok := offsets[groupTP{t.name, p}]; ok {
				fp.offset, fp.leaderEpoch, fp.metadata = c.offset, c.leaderEpoch, c.metadata
			}
			ft.parts = append(ft.parts, fp)
		}
		out = append(out, ft)
	}
	return out, 0
}

func (gs *groups) offsetFetch(req *kmsg.OffsetFetchRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.OffsetFetchResponse)
	if req.Version >= 8 {
		byID := req.Version >= 10
		for _, rg := range req.Groups {
			var topics []groupFetchTopic
			if rg.Topics != nil {
				topics = make([]groupFetchTopic, 0, len(rg.Topics))
				for _, t := range rg.Topics {
					ft := groupFetchTopic{name: t.Topic, id: t.TopicID, partitions: t.Partitions}
					if byID {
						ft.name, _ = gs.topicByID(t.TopicID)
					}
					topics = append(topics, ft)
				}
			}
			sg := kmsg.NewOffsetFetchResponseGroup()
			sg.Group = rg.Group
			fetched, code := gs.fetchOffsets(rg.Group, topics, byID)
			sg.ErrorCode = code
			for _, ft := range fetched {
				st := kmsg.NewOffsetFetchResponseGroupTopic()
				st.Topic = ft.name
				st.TopicID = ft.id
				for _, fp := range ft.parts {
					sp := kmsg.NewOffsetFetchResponseGroupTopicPartition()
					sp.Partition = fp.partition
					sp.Offset = fp.offset
					sp.LeaderEpoch = fp.leaderEpoch
					sp.Metadata = kmsg.StringPtr(fp.metadata)
					sp.ErrorCode = fp.code
					st.Partitions = append(st.Partitions, sp)
				}
				sg.Topics = append(sg.Topics, st)
			}
			resp.Groups = append(resp.Groups, sg)
		}
		return resp
	}

	var topics []groupFetchTopic
	if req.Topics != nil || req.Version < 2 {
		topics = make([]groupFetchTopic, 0, len(req.Topics))
		for _, t := range req.Topics {
			topics = append(topics, groupFetchTopic{name: t.Topic, partitions: t.Partitions})
		}
	}
	fetched, code := gs.fetchOffsets(req.Group, topics, false)
	resp.ErrorCode = code
	for _, ft := range fetched {
		st := kmsg.NewOffsetFetchResponseTopic()
		st.Topic = ft.name
		for _, fp := range ft.parts {
			sp := kmsg.NewOffsetFetchResponseTopicPartition()
			sp.Partition = fp.partition
			sp.Offset = fp.offset
			sp.LeaderEpoch = fp.leaderEpoch
			sp.Metadata = kmsg.StringPtr(fp.metadata)
			sp.ErrorCode = fp.code
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	if code != 0 && req.Version < 2 { // no group-level error before v2
		for i := range resp.Topics {
			for j := range resp.Topics[i].Partitions {
				resp.Topics[i].Partitions[j].ErrorCode = code
			}
		}
	}
	return resp
}

//
// OffsetDelete
//

func (gs *groups) offsetDelete(ctx context.Context, req *kmsg.OffsetDeleteRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.OffsetDeleteResponse)
	if gs.closed.Load() {
		resp.ErrorCode = kerr.CoordinatorNotAvailable.Code
		return resp
	}
	if req.Group == "" {
		resp.ErrorCode = kerr.InvalidGroupID.Code
		return resp
	}
	var g *group
	for {
		if g = gs.get(req.Group, false); g == nil {
			resp.ErrorCode = kerr.GroupIDNotFound.Code
			return resp
		}
		g.commitMu.Lock()
		g.mu.Lock()
		if !g.dead {
			break
		}
		g.mu.Unlock()
		g.commitMu.Unlock()
	}
	defer g.commitMu.Unlock()
	subscribed := g.subscribedTopics()
	var recs []kmsg.Record
	var gone []groupTP
	for _, t := range req.Topics {
		rt := kmsg.NewOffsetDeleteResponseTopic()
		rt.Topic = t.Topic
		for _, p := range t.Partitions {
			rp := kmsg.NewOffsetDeleteResponseTopicPartition()
			rp.Partition = p.Partition
			tp := groupTP{t.Topic, p.Partition}
			switch {
			case subscribed[t.Topic]:
				rp.ErrorCode = kerr.GroupSubscribedToTopic.Code
			default:
				if _, ok := g.offsets[tp]; ok {
					recs = append(recs, groupOffsetRecord(g.name, tp, nil))
					gone = append(gone, tp)
				}
			}
			rt.Partitions = append(rt.Partitions, rp)
		}
		resp.Topics = append(resp.Topics, rt)
	}
	g.mu.Unlock()
	if len(recs) > 0 {
		if err := gs.store.append(ctx, groupBuildBatch(recs, gs.now())); err != nil {
			gs.logger.Warn("writing offset deletion", "group", g.name, "err", err)
			resp.ErrorCode = groupStoreErrCode(err)
			resp.Topics = nil
			return resp
		}
		g.mu.Lock()
		for _, tp := range gone {
			delete(g.offsets, tp)
		}
		g.mu.Unlock()
	}
	return resp
}

// subscribedTopics returns the topics the members of a non-empty
// "consumer" group subscribe to (from their protocol metadata).
func (g *group) subscribedTopics() map[string]bool {
	topics := make(map[string]bool)
	if g.state == groupEmpty || g.protocolType != "consumer" {
		return topics
	}
	for _, m := range g.members {
		for _, p := range m.protocols {
			if g.protocol != "" && p.Name != g.protocol {
				continue
			}
			var meta kmsg.ConsumerMemberMetadata
			if err := meta.ReadFrom(p.Metadata); err == nil {
				for _, t := range meta.Topics {
					topics[t] = true
				}
			}
			break
		}
	}
	return topics
}
