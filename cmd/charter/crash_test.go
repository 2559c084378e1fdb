package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the pure-Go charter binary once per test run.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "charter")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// child is a charter serve process.
type child struct {
	cmd   *exec.Cmd
	base  string // the REST API's base URL
	kafka string // the broker's address, when it runs
}

func startChild(t testing.TB, bin string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--http-addr", "127.0.0.1:0", "--kafka-addr", ""}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan *child, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := addrLine.FindStringSubmatch(sc.Text()); m != nil {
				c := &child{cmd: cmd, base: "http://" + m[1]}
				if k := kafkaAddrLine.FindStringSubmatch(sc.Text()); k != nil {
					c.kafka = k[1]
				}
				started <- c
			}
		}
	}()
	select {
	case c := <-started:
		return c
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child did not start")
	}
	return nil
}

func (c *child) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
}

type ack struct {
	subject string
	id      int
	schema  string
}

// TestKillNineLosesNoRegistration registers schemas from several clients
// while the server is killed with SIGKILL, again and again, and checks after
// each restart that every acknowledged registration is there with its ID and
// version, and that no subject has a gap or a half-written version.
func TestKillNineLosesNoRegistration(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a child process")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	var acked []ack
	for round := range 4 {
		c := startChild(t, bin, "--data-dir", dir)
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					subject := fmt.Sprintf("crash-%d-value", w)
					schema := fmt.Sprintf(`{"type":"record","name":"R","fields":[{"name":"f%d_%d_%d","type":"int","default":0}]}`, round, w, i)
					body, _ := json.Marshal(map[string]string{"schema": schema})
					resp, err := client.Post(c.base+"/subjects/"+subject+"/versions", "application/json", strings.NewReader(string(body)))
					if err != nil {
						return // killed
					}
					var out struct{ ID int }
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if err != nil || resp.StatusCode != 200 {
						continue
					}
					mu.Lock()
					acked = append(acked, ack{subject: subject, id: out.ID, schema: schema})
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(150+round*100) * time.Millisecond)
		c.kill()
		close(stop)
		wg.Wait()
	}
	if len(acked) < 20 {
		t.Fatalf("only %d registrations acknowledged before the kills; the test proves nothing", len(acked))
	}

	c := startChild(t, bin, "--data-dir", dir)
	defer c.kill()
	for _, a := range acked {
		if code, body := get(t, fmt.Sprintf("%s/schemas/ids/%d", c.base, a.id)); code != 200 {
			t.Errorf("acknowledged ID %d for %s: GET = %d %s", a.id, a.subject, code, body)
		}
		code, body := post(t, c.base+"/subjects/"+a.subject, mustJSON(map[string]string{"schema": a.schema}))
		var found struct{ ID int }
		json.Unmarshal([]byte(body), &found)
		if code != 200 || found.ID != a.id {
			t.Errorf("acknowledged schema with ID %d under %s after restart: lookup = %d %s", a.id, a.subject, code, body)
		}
	}
	for w := range 4 {
		code, body := get(t, fmt.Sprintf("%s/subjects/crash-%d-value/versions", c.base, w))
		if code != 200 {
			continue // this worker may have had no acknowledged registration
		}
		var versions []int
		json.Unmarshal([]byte(body), &versions)
		for i, v := range versions {
			if v != i+1 {
				t.Errorf("crash-%d-value versions %v are not contiguous", w, versions)
				break
			}
			if code, body := get(t, fmt.Sprintf("%s/subjects/crash-%d-value/versions/%d", c.base, w, v)); code != 200 {
				t.Errorf("version %d of crash-%d-value unreadable: %d %s", v, w, code, body)
			}
		}
	}
	t.Logf("%d acknowledged registrations survived 4 SIGKILLs", len(acked))
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
