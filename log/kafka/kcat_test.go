package kafka_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/charterhq/charter/log/kafka"
)

// TestKcat produces with librdkafka 2.0.2's idempotent producer in every
// codec (auto-creating the topic) and consumes it back, read_committed, as
// kcat does by default. .ci/run installs kcat.
func TestKcat(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Fatal("kcat is not installed; .ci/run installs it (apt-get install kcat)")
	}
	b := mustStart(t, kafka.Config{AutoCreateTopics: true}, nil)
	run := func(stdin string, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, kcat, append([]string{"-b", b.addr}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "PROTOERR") {
			t.Fatalf("kcat %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	var want []string
	for _, codec := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		lines := fmt.Sprintf("%s one\n%s two\n", codec, codec)
		run(lines, "-P", "-t", "kcat", "-z", codec, "-X", "enable.idempotence=true", "-X", "acks=all")
		want = append(want, strings.Split(strings.TrimSpace(lines), "\n")...)
	}
	got := run("", "-C", "-t", "kcat", "-o", "beginning", "-e", "-q", "-f", "%s\n")
	if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(strings.Join(want, " ")), " ") {
		t.Errorf("kcat consumed:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if md := run("", "-L", "-t", "kcat"); !strings.Contains(md, `topic "kcat" with 1 partitions`) {
		t.Errorf("kcat -L:\n%s", md)
	}
}
