package ui

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// previewBytes is how much of an undecoded payload a page shows.
const previewBytes = 256

// payloadView is a record key or value as a page shows it.
type payloadView struct {
	Size     int
	SchemaID int    // from the Confluent wire header; 0 when there is none
	JSON     []line // decoded (or plain JSON) and highlighted; nil otherwise
	Text     string // printable text preview, when not JSON
	Hex      string // hex dump preview, when neither
	Cut      bool   // the preview is shortened
	Note     string // why the payload is shown raw
}

// messageView is a record as a page shows it.
type messageView struct {
	Partition  int32
	Offset     int64
	Time       time.Time
	Key, Value payloadView
	Headers    []headerView
}

type headerView struct {
	Name, Value string
}

// viewMessages decodes records for display, newest first.
func (s *server) viewMessages(ctx context.Context, msgs []Message) []messageView {
	out := make([]messageView, 0, len(msgs))
	for _, m := range msgs {
		v := messageView{
			Partition: m.Partition,
			Offset:    m.Offset,
			Time:      m.Time,
			Key:       s.viewPayload(ctx, m.Key),
			Value:     s.viewPayload(ctx, m.Value),
		}
		for name, value := range m.Headers {
			v.Headers = append(v.Headers, headerView{Name: name, Value: previewHeader(value)})
		}
		sort.Slice(v.Headers, func(i, j int) bool { return v.Headers[i].Name < v.Headers[j].Name })
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		if out[i].Partition != out[j].Partition {
			return out[i].Partition < out[j].Partition
		}
		return out[i].Offset > out[j].Offset
	})
	return out
}

// schemaID reads the Confluent wire header: magic byte 0 and a 4-byte
// big-endian schema ID.
func schemaID(b []byte) (int, bool) {
	if len(b) < 5 || b[0] != 0 {
		return 0, false
	}
	id := binary.BigEndian.Uint32(b[1:5])
	if id == 0 || id > 1<<31-1 {
		return 0, false
	}
	return int(id), true
}

// viewPayload decodes b through its schema when it carries a schema ID and
// a Decoder is set, and otherwise previews it as JSON, text or hex.
func (s *server) viewPayload(ctx context.Context, b []byte) payloadView {
	v := payloadView{Size: len(b)}
	if b == nil {
		return v
	}
	raw := b
	if id, ok := schemaID(b); ok {
		v.SchemaID = id
		raw = b[5:]
		if s.Decoder == nil {
			v.Note = "no decoder configured"
		} else if decoded, err := s.Decoder.DecodeJSON(ctx, id, raw); err != nil {
			s.Logger.DebugContext(ctx, "ui: decode payload", "schema_id", id, "err", err)
			v.Note = "could not decode through the schema"
		} else {
			v.JSON = splitLines(tokenizeJSON(prettyJSON(decoded)))
			return v
		}
	}
	preview(&v, raw)
	return v
}

// preview fills v with the plainest faithful view of raw.
func preview(v *payloadView, raw []byte) {
	if len(raw) <= 64<<10 && json.Valid(raw) && len(raw) > 0 && (raw[0] == '{' || raw[0] == '[') {
		v.JSON = splitLines(tokenizeJSON(prettyJSON(raw)))
		return
	}
	cut := raw
	if len(cut) > previewBytes {
		cut, v.Cut = cut[:previewBytes], true
	}
	if printable(cut) {
		v.Text = string(cut)
		return
	}
	v.Hex = strings.TrimRight(hex.Dump(cut), "\n")
}

// printable reports whether b is UTF-8 text without control characters
// other than whitespace. A rune cut at the end of a preview is tolerated.
func printable(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return false
		}
		b = b[size:]
	}
	return true
}

// previewHeader shows a header value as text when it is, else as hex.
func previewHeader(b []byte) string {
	if len(b) > previewBytes {
		b = b[:previewBytes]
	}
	if printable(b) {
		return string(b)
	}
	return hex.EncodeToString(b)
}
