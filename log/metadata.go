package log

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// topicsFile is the layout of dir/topics.json.
type topicsFile struct {
	Topics []topicRecord `json:"topics"`
}

type topicRecord struct {
	Name       string            `json:"name"`
	ID         string            `json:"id"` // 32 hex digits
	Partitions int32             `json:"partitions"`
	Configs    map[string]string `json:"configs,omitempty"`
}

const topicsFileName = "topics.json"

func loadTopics(root string) ([]Topic, error) {
	b, err := os.ReadFile(filepath.Join(root, topicsFileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f topicsFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read %s: %w", topicsFileName, err)
	}
	topics := make([]Topic, 0, len(f.Topics))
	for _, r := range f.Topics {
		t := Topic{Name: r.Name, Partitions: r.Partitions, Configs: r.Configs}
		id, err := hex.DecodeString(r.ID)
		if err != nil || len(id) != 16 || validTopicName(r.Name) != nil || r.Partitions < 1 {
			return nil, fmt.Errorf("read %s: bad topic %q", topicsFileName, r.Name)
		}
		copy(t.ID[:], id)
		topics = append(topics, t)
	}
	return topics, nil
}

// saveTopicsLocked writes topics.json atomically; l.mu must be held.
func (l *Log) saveTopicsLocked() error {
	var f topicsFile
	for _, name := range slices.Sorted(maps.Keys(l.topics)) {
		t := l.topics[name].meta
		f.Topics = append(f.Topics, topicRecord{Name: t.Name, ID: hex.EncodeToString(t.ID[:]), Partitions: t.Partitions, Configs: t.Configs})
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(l.dir, topicsFileName), b)
}

// writeFileAtomic replaces path with b so that a crash leaves either the
// old or the new content: write a temporary file, fsync it, rename it over
// path, fsync the directory.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a directory's entries (created, renamed, removed files)
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
