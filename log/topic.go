package log

import (
	"crypto/rand"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
)

// Topic describes a topic.
type Topic struct {
	Name       string
	ID         [16]byte // a random UUID, fixed at creation
	Partitions int32
	Configs    map[string]string // the configs set on the topic (not defaults)
}

// maxPartitions bounds one topic's partitions: each is a directory with
// open files and a goroutine.
const maxPartitions = 10000

// topic is a topic's state; meta and parts change under Log.mu.
type topic struct {
	meta     Topic
	settings atomic.Pointer[settings] // read by partitions without Log.mu
	parts    []*Partition
}

func (t *topic) public() Topic {
	m := t.meta
	m.Configs = maps.Clone(m.Configs)
	if m.Configs == nil {
		m.Configs = map[string]string{}
	}
	return m
}

// validTopicName applies Kafka's rules: 1–249 of [a-zA-Z0-9._-], not "."
// or "..". They also keep names safe as directory names.
func validTopicName(name string) error {
	if name == "" || len(name) > 249 || name == "." || name == ".." {
		return fmt.Errorf("%w: %q must be 1 to 249 characters and not \".\" or \"..\"", ErrInvalidTopic, name)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("%w: %q has %q; only [a-zA-Z0-9._-] are allowed", ErrInvalidTopic, name, c)
		}
	}
	return nil
}

// partitionDir is where a partition's files live. The partition number
// after the last '-' keeps names unambiguous even when topics contain '-'.
func partitionDir(root, name string, partition int32) string {
	return filepath.Join(root, name+"-"+strconv.Itoa(int(partition)))
}

// newTopicID returns a random (version 4) UUID.
func newTopicID() ([16]byte, error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return id, err
	}
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id, nil
}

// applyConfigs returns configs with set applied: non-nil values set, nil
// ones remove.
func applyConfigs(configs map[string]string, set map[string]*string) map[string]string {
	out := maps.Clone(configs)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range set {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = *v
		}
	}
	return out
}

// CreateTopic creates a topic with partitions partitions (≥1) and configs.
// Names follow Kafka's rules (1–249 of [a-zA-Z0-9._-], not "." or "..").
// Configs the log acts on must hold usable values (ErrInvalidConfig).
func (l *Log) CreateTopic(name string, partitions int32, configs map[string]string) (Topic, error) {
	if err := validTopicName(name); err != nil {
		return Topic{}, err
	}
	if partitions < 1 || partitions > maxPartitions {
		return Topic{}, fmt.Errorf("%w: %d (want 1 to %d)", ErrInvalidPartitions, partitions, maxPartitions)
	}
	s, err := newSettings(l.opts, configs)
	if err != nil {
		return Topic{}, err
	}
	id, err := newTopicID()
	if err != nil {
		return Topic{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return Topic{}, ErrClosed
	}
	if _, ok := l.topics[name]; ok {
		return Topic{}, fmt.Errorf("%w: %q", ErrTopicExists, name)
	}
	t := &topic{meta: Topic{Name: name, ID: id, Partitions: partitions, Configs: maps.Clone(configs)}}
	t.settings.Store(s)
	if err := l.growLocked(t, partitions); err != nil {
		return Topic{}, err
	}
	l.topics[name] = t
	if err := l.saveTopicsLocked(); err != nil {
		delete(l.topics, name)
		l.dropPartitions(t.parts, ErrUnknownTopic)
		return Topic{}, err
	}
	return t.public(), nil
}

// growLocked opens t's partitions up to total, fresh: a directory left by
// a deleted topic of the same name holds nothing that belongs to t.
func (l *Log) growLocked(t *topic, total int32) error {
	var opened []*Partition
	for i := int32(len(t.parts)); i < total; i++ {
		if err := os.RemoveAll(partitionDir(l.dir, t.meta.Name, i)); err != nil {
			l.dropPartitions(opened, ErrUnknownTopic)
			return err
		}
		p, err := openPartition(l, t, i, true)
		if err != nil {
			l.dropPartitions(opened, ErrUnknownTopic)
			return err
		}
		opened = append(opened, p)
	}
	t.parts = append(t.parts, opened...)
	return nil
}

// dropPartitions closes partitions and deletes their files.
func (l *Log) dropPartitions(parts []*Partition, reason error) {
	for _, p := range parts {
		p.close(reason)
		if err := os.RemoveAll(p.dir); err != nil {
			l.logger.Warn("remove partition directory", "dir", p.dir, "err", err)
		}
	}
}

// DeleteTopic deletes a topic and its files.
func (l *Log) DeleteTopic(name string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	t, ok := l.topics[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownTopic, name)
	}
	// Forget the topic durably first: files left by a crash after this
	// are removed when a topic of that name is created again.
	delete(l.topics, name)
	if err := l.saveTopicsLocked(); err != nil {
		l.topics[name] = t
		return err
	}
	l.dropPartitions(t.parts, ErrUnknownTopic)
	return nil
}

// Topic returns a topic by name.
func (l *Log) Topic(name string) (Topic, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	t, ok := l.topics[name]
	if !ok {
		return Topic{}, false
	}
	return t.public(), true
}

// Topics returns every topic, sorted by name.
func (l *Log) Topics() []Topic {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]Topic, 0, len(l.topics))
	for _, name := range slices.Sorted(maps.Keys(l.topics)) {
		out = append(out, l.topics[name].public())
	}
	return out
}

// AddPartitions grows a topic to total partitions (ErrInvalidPartitions
// unless total is larger than now).
func (l *Log) AddPartitions(name string, total int32) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	t, ok := l.topics[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownTopic, name)
	}
	if total <= t.meta.Partitions || total > maxPartitions {
		return fmt.Errorf("%w: %q has %d partitions, asked for %d", ErrInvalidPartitions, name, t.meta.Partitions, total)
	}
	before := len(t.parts)
	if err := l.growLocked(t, total); err != nil {
		return err
	}
	t.meta.Partitions = total
	if err := l.saveTopicsLocked(); err != nil {
		l.dropPartitions(t.parts[before:], ErrUnknownTopic)
		t.parts = t.parts[:before]
		t.meta.Partitions = int32(before)
		return err
	}
	return nil
}

// AlterConfigs sets (non-nil value) and removes (nil value) topic configs,
// leaving the others; the change is durable before it returns. Retention
// and cleanup configs (retention.ms, retention.bytes, segment.bytes,
// segment.ms, cleanup.policy) take effect; others are stored for callers.
// Unusable values of those return ErrInvalidConfig and change nothing.
func (l *Log) AlterConfigs(name string, set map[string]*string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	t, ok := l.topics[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownTopic, name)
	}
	configs := applyConfigs(t.meta.Configs, set)
	s, err := newSettings(l.opts, configs)
	if err != nil {
		return err
	}
	old := t.meta.Configs
	t.meta.Configs = configs
	if err := l.saveTopicsLocked(); err != nil {
		t.meta.Configs = old
		return err
	}
	t.settings.Store(s)
	return nil
}
