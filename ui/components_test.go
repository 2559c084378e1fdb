package ui

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/charterhq/charter/catalog"
	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/registry"
)

// render renders c to a string.
func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func mustContain(t *testing.T, html string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("rendered HTML lacks %q:\n%s", w, html)
		}
	}
}

func TestCodeBlockEscapesAndKeepsLines(t *testing.T) {
	lines := highlight(registry.TypeJSON, pretty(registry.TypeJSON, `{"doc":"</code><script>alert(1)</script>","n":1}`))
	html := render(t, codeBlock(lines, "a schema"))
	if strings.Contains(html, "<script>") {
		t.Fatalf("schema text reached the page unescaped:\n%s", html)
	}
	mustContain(t, html,
		`<pre class="code" tabindex="0" aria-label="a schema"><code>`,
		`<span class="line"><span class="tok-punct">{</span></span>`+"\n",
		`<span class="tok-key">&#34;n&#34;</span>`,
		`<span class="tok-num">1</span>`,
		`&lt;script&gt;`,
	)
	if n := strings.Count(html, `<span class="line">`); n != 4 {
		t.Errorf("%d lines, want 4", n)
	}
}

func TestDiffTableMarksChanges(t *testing.T) {
	a := highlight(registry.TypeJSON, "{\n  \"a\": 1\n}")
	b := highlight(registry.TypeJSON, "{\n  \"a\": 2,\n  \"b\": 3\n}")
	v := diffView{Subject: "s", From: versionView{Version: 1}, To: versionView{Version: 2}, Rows: sideBySide(a, b)}
	html := render(t, diffTable(v))
	mustContain(t, html,
		`<tr class="row-same"><td class="num">1</td>`,
		`<tr class="row-changed"><td class="num">2</td><td class="text removed"><span class="visually-hidden">removed: </span><code>`,
		`<td class="text added"><span class="visually-hidden">added: </span>`,
		`<tr class="row-added"><td class="num"></td><td class="empty"></td><td class="num">3</td>`,
		`<th scope="col">v1</th>`, `<th scope="col">v2</th>`,
	)
}

func TestVerdict(t *testing.T) {
	base := diffView{Subject: "s", Versions: []int{1, 2}, From: versionView{Version: 1}, To: versionView{Version: 2}, Level: compat.Backward, Checked: true}
	ok := base
	ok.Result = registry.CompatibilityResult{Compatible: true, Level: compat.Backward}
	mustContain(t, render(t, diffPage(ok)), `<p class="good"><strong>Compatible</strong> at BACKWARD: v2 could follow v1.</p>`)

	bad := base
	bad.Result = registry.CompatibilityResult{Problems: []compat.Problem{{Rule: "TYPE_MISMATCH", Path: "/fields/0/type", Message: "reader type: LONG not compatible", Direction: compat.NewReadsOld}}}
	html := render(t, diffPage(bad))
	mustContain(t, html, "<strong>Incompatible</strong>", "<code>TYPE_MISMATCH</code>", "<code>/fields/0/type</code>", "new reads old",
		`<option value="1" selected>v1</option>`, `<option value="2" selected>v2</option>`, `action="/ui/subjects/s/diff"`)

	failed := base
	failed.CheckErr = "Version 1 not found."
	mustContain(t, render(t, diffPage(failed)), "The check could not run: Version 1 not found.")
}

func TestLayoutMarksCurrentSection(t *testing.T) {
	html := render(t, subjectsPage(nil))
	mustContain(t, html, `<a href="/ui/subjects" aria-current="page">Subjects</a>`, `<a href="/ui/topics">Topics</a>`,
		"No schemas are registered yet.", `<title>Subjects · Charter</title>`)
	if strings.Count(html, `aria-current`) != 1 {
		t.Error("more than one current section")
	}
}

func TestTopicPageOwnerAndContacts(t *testing.T) {
	team := catalog.Team{Name: "payments", Email: "p@acme.example", Chat: "https://chat.acme.example/p", OnCall: "pager P123"}
	svc := catalog.Service{Name: "checkout", Team: "payments", Description: "Takes orders"}
	v := topicView{Entry: topicEntry{InCatalog: true, View: catalog.TopicView{
		Topic:    catalog.Topic{Name: "orders", Owner: "checkout", Description: "Orders <b>as placed</b>", Tags: []string{"core"}},
		Declared: true, Owner: &svc, Team: &team,
		Producers: []catalog.Party{{Service: "checkout", Client: "checkout-1", Declared: true, LastSeen: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		Consumers: []catalog.Party{{Client: "stranger"}},
		Drift:     []catalog.Drift{{Kind: catalog.UndeclaredConsumer, Topic: "orders", Client: "stranger", Message: "group stranger consumes orders undeclared"}},
	}}, BrokerOff: true}
	html := render(t, topicPage(v))
	mustContain(t, html,
		`<p class="lead" data-testid="description">Orders &lt;b&gt;as placed&lt;/b&gt;</p>`,
		`<a href="/ui/services/checkout">checkout</a>`,
		`<a href="/ui/teams/payments">payments</a>`,
		`<a href="mailto:p@acme.example">p@acme.example</a>`,
		`<a href="https://chat.acme.example/p" rel="noopener noreferrer">`,
		"pager P123",
		`<time datetime="2026-01-02T03:04:05Z">2026-01-02 03:04:05Z</time>`,
		`<span class="warn">unknown</span>`, `<span class="warn">undeclared</span>`,
		"undeclared consumer", "The broker is off",
		`<a href="/ui/topics?tag=core">core</a>`,
	)
	if strings.Contains(html, `data-testid="messages"`) {
		t.Error("messages shown with the broker off")
	}
}

func TestLinksEscapeNames(t *testing.T) {
	html := render(t, subjectsPage([]subjectRow{{Name: "a/b c?d", Type: "AVRO", Latest: 1, SchemaID: 7, Level: compat.Backward}}))
	mustContain(t, html, `href="/ui/subjects/a%2Fb%20c%3Fd"`, `href="/ui/schemas/7"`)
}

type failingDecoder struct{}

func (failingDecoder) DecodeJSON(context.Context, int, []byte) ([]byte, error) {
	return nil, errors.New("unknown schema")
}

type echoDecoder struct{}

func (echoDecoder) DecodeJSON(_ context.Context, id int, payload []byte) ([]byte, error) {
	return []byte(`{"id":` + string(rune('0'+id)) + `,"payload":"` + string(payload) + `"}`), nil
}

func TestViewPayload(t *testing.T) {
	header := func(id uint32, rest string) []byte {
		return append(binary.BigEndian.AppendUint32([]byte{0}, id), rest...)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		name    string
		decoder Decoder
		in      []byte
		check   func(t *testing.T, v payloadView)
	}{
		{"decoded", echoDecoder{}, header(3, "abc"), func(t *testing.T, v payloadView) {
			if v.SchemaID != 3 || !strings.Contains(rejoin(v.JSON), `"payload": "abc"`) || v.Note != "" {
				t.Errorf("%+v", v)
			}
		}},
		{"decoder fails", failingDecoder{}, header(3, "\x01\x02"), func(t *testing.T, v payloadView) {
			if v.SchemaID != 3 || v.JSON != nil || v.Hex == "" || !strings.Contains(v.Note, "could not decode") || strings.Contains(v.Note, "unknown schema") {
				t.Errorf("%+v", v)
			}
		}},
		{"no decoder", nil, header(4, "plain words"), func(t *testing.T, v payloadView) {
			if v.SchemaID != 4 || v.Text != "plain words" || v.Note != "no decoder configured" {
				t.Errorf("%+v", v)
			}
		}},
		{"plain JSON", echoDecoder{}, []byte(`{"a":[1,2]}`), func(t *testing.T, v payloadView) {
			if v.SchemaID != 0 || !strings.Contains(rejoin(v.JSON), `"a": [`) {
				t.Errorf("%+v", v)
			}
		}},
		{"binary", nil, []byte{0xde, 0xad, 0xbe, 0xef}, func(t *testing.T, v payloadView) {
			if v.SchemaID != 0 || !strings.Contains(v.Hex, "de ad be ef") {
				t.Errorf("%+v", v)
			}
		}},
		{"magic byte with schema ID 0", echoDecoder{}, []byte{0, 0, 0, 0, 0, 'x'}, func(t *testing.T, v payloadView) {
			if v.SchemaID != 0 || v.Hex == "" {
				t.Errorf("%+v", v)
			}
		}},
		{"long text", nil, []byte(strings.Repeat("é", 200)), func(t *testing.T, v payloadView) {
			if !v.Cut || v.Text == "" || len(v.Text) > previewBytes {
				t.Errorf("cut %t, %d bytes of text", v.Cut, len(v.Text))
			}
		}},
		{"null", nil, nil, func(t *testing.T, v payloadView) {
			if v.Size != 0 || v.JSON != nil || v.Text != "" || v.Hex != "" {
				t.Errorf("%+v", v)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &server{Deps: Deps{Decoder: tt.decoder, Logger: quiet}}
			tt.check(t, s.viewPayload(context.Background(), tt.in))
		})
	}
}

func TestMessagesNewestFirst(t *testing.T) {
	s := &server{Deps: Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	t0 := time.Unix(1000, 0)
	got := s.viewMessages(context.Background(), []Message{
		{Partition: 0, Offset: 1, Time: t0},
		{Partition: 1, Offset: 9, Time: t0.Add(time.Second), Headers: map[string][]byte{"b": {0xff}, "a": []byte("x")}},
	})
	if got[0].Offset != 9 || got[1].Offset != 1 {
		t.Errorf("order %d, %d", got[0].Offset, got[1].Offset)
	}
	if h := got[0].Headers; len(h) != 2 || h[0] != (headerView{"a", "x"}) || h[1] != (headerView{"b", "ff"}) {
		t.Errorf("headers %+v", h)
	}
}
