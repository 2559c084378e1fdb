package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// startServer runs the real program in-process with args after "serve",
// on 127.0.0.1:0, and returns its base URL. The server stops when the test
// ends, and the test fails if it did not stop cleanly.
func startServer(t testing.TB, args ...string) string {
	t.Helper()
	base, _ := startCharter(t, args...)
	return base
}

// startWithBroker is startServer with the Kafka-protocol broker on
// 127.0.0.1:0; it returns the REST base URL and the broker's address.
func startWithBroker(t testing.TB, args ...string) (base, kafkaAddr string) {
	t.Helper()
	return startCharter(t, append([]string{"--kafka-addr", "127.0.0.1:0"}, args...)...)
}

func startCharter(t testing.TB, args ...string) (base, kafkaAddr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	all := append([]string{"serve", "--http-addr", "127.0.0.1:0", "--kafka-addr", "", "--data-dir", t.TempDir()}, args...)
	go func() {
		err := run(ctx, all, func(string) string { return "" }, io.Discard, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	line, err := waitForServing(pr)
	if err != nil {
		cancel()
		t.Fatalf("server did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server stopped with %v", err)
		}
	})
	base = "http://" + addrLine.FindStringSubmatch(line)[1]
	if m := kafkaAddrLine.FindStringSubmatch(line); m != nil {
		kafkaAddr = m[1]
	}
	return base, kafkaAddr
}

var (
	addrLine      = regexp.MustCompile(`http_addr=(\S+)`)
	kafkaAddrLine = regexp.MustCompile(`kafka_addr=(\S+)`)
)

// waitForServing reads log lines until the server says where it listens,
// returns that line, and keeps draining the log in the background.
func waitForServing(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if addrLine.MatchString(sc.Text()) && strings.Contains(sc.Text(), "serving") {
			go io.Copy(io.Discard, r)
			return sc.Text(), nil
		}
	}
	if sc.Err() != nil {
		return "", sc.Err()
	}
	return "", io.ErrUnexpectedEOF
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/vnd.schemaregistry.v1+json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServe(t *testing.T) {
	base := startServer(t)
	if code, body := get(t, base+"/healthz"); code != 200 {
		t.Fatalf("GET /healthz = %d %s", code, body)
	}
	if code, body := post(t, base+"/subjects/t-value/versions", `{"schema":"\"string\""}`); code != 200 || body != `{"id":1}` {
		t.Fatalf("register = %d %s", code, body)
	}
	if code, body := get(t, base+"/schemas/ids/1"); code != 200 || body != `{"schema":"\"string\""}` {
		t.Fatalf("GET /schemas/ids/1 = %d %s", code, body)
	}
	code, metrics := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		`charter_http_requests_total{code="200",method="POST",route="POST /subjects/{subject}/versions"} 1`,
		`charter_http_request_duration_seconds_count{method="GET",route="GET /schemas/ids/{id}"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestServeFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--log-format", "yaml"}, "--log-format"},
		{[]string{"serve", "--database", "mysql://x"}, "--database"},
		{[]string{"serve", "--http-addr", "256.0.0.1:x", "--kafka-addr", ""}, "listen"},
		{[]string{"serve", "extra"}, "unknown command"},
		{[]string{"nope"}, "unknown command"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			args := append(tc.args, "--data-dir", t.TempDir())
			if tc.args[0] == "nope" {
				args = tc.args
			}
			err := run(context.Background(), args, func(string) string { return "" }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) = %v, want an error mentioning %q", tc.args, err, tc.want)
			}
		})
	}
}

func TestServeEnv(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"CHARTER_DATA_DIR": dir, "CHARTER_LOG_FORMAT": "json", "CHARTER_HTTP_ADDR": "127.0.0.1:0", "CHARTER_KAFKA_ADDR": "off"}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := run(ctx, []string{"serve"}, func(k string) string { return env[k] }, io.Discard, pw)
		pw.CloseWithError(err)
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	cancel()
	go io.Copy(io.Discard, pr)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(line, "{") || !strings.Contains(line, dir) {
		t.Errorf("first log line %q: want JSON naming the data dir %s", line, dir)
	}
}

func TestServeEnvErrors(t *testing.T) {
	for _, env := range []map[string]string{
		{"CHARTER_DEFAULT_PARTITIONS": "many"},
		{"CHARTER_ENFORCE_SCHEMA_IDS": "perhaps"},
		{"CHARTER_CATALOG_STALE_AFTER": "a week"},
		{"CHARTER_OFFSETS_RETENTION": "a week"},
		{"CHARTER_OFFSETS_RETENTION": "0"},
		{"CHARTER_DEFAULT_PARTITIONS": "0"},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"serve", "--http-addr", "127.0.0.1:0", "--kafka-addr", "off", "--data-dir", t.TempDir()},
			func(k string) string { return env[k] }, io.Discard, &stderr)
		var exit *exitError
		for name := range env {
			if !errors.As(err, &exit) || exit.code != 2 || !strings.Contains(err.Error(), name) {
				t.Errorf("%v: error %v, want a usage error naming %s", env, err, name)
			}
		}
	}
}
