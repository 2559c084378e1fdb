package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBrokerKafkajs runs kafkajs 2.2.4 — a client that never uses flexible
// protocol versions and picks its own versions within the broker's ranges —
// as a separate Node.js process: an idempotent acks=all produce, a refused
// produce without a schema ID, and a consumer group reading the records.
// npm installs kafkajs from the registry into a temporary directory.
func TestBrokerKafkajs(t *testing.T) {
	if testing.Short() {
		t.Skip("installs kafkajs with npm")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed; the machine image provides it")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm is not installed; the machine image provides it")
	}
	dir := t.TempDir()
	for _, name := range []string{"package.json", "client.js"} {
		b, err := os.ReadFile(filepath.Join("testdata", "kafkajs", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--loglevel=error")
	install.Dir = dir
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm install kafkajs: %v\n%s", err, out)
	}

	base, addr := startWithBroker(t)
	if code, body := post(t, base+"/subjects/greetings-value/versions", `{"schema":"\"string\""}`); code != 200 {
		t.Fatalf("register: %d %s", code, body)
	}
	run := exec.CommandContext(ctx, node, "client.js", addr, "greetings", "1")
	run.Dir = dir
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("kafkajs client: %v\n%s", err, out)
	}
	var produced, consumed []any
	var refused map[string]any
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		switch {
		case line["produced"] != nil:
			produced, _ = line["produced"].([]any)
		case line["refused"] != nil:
			refused = line
		case line["consumed"] != nil:
			consumed, _ = line["consumed"].([]any)
		}
	}
	if len(produced) != 1 || produced[0] != "0" {
		t.Errorf("kafkajs produced at %v, want base offset 0\n%s", produced, out)
	}
	if refused == nil || refused["refused"] != true || !strings.Contains(refused["type"].(string), "INVALID_RECORD") {
		t.Errorf("kafkajs produce without a schema ID: %v, want an INVALID_RECORD error\n%s", refused, out)
	}
	if strings.Join(toStrings(consumed), ",") != "hello-0,hello-1,hello-2" {
		t.Errorf("kafkajs consumed %v, want hello-0..2\n%s", consumed, out)
	}
}

func toStrings(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i], _ = v.(string)
	}
	return out
}
