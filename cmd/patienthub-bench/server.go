package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverPackage is the server's command, built fresh for every run.
const serverPackage = "github.com/patienthub/patienthub/cmd/patienthub"

// buildServer compiles the server into dir and returns the binary's path.
func buildServer(ctx context.Context, dir string, log io.Writer) (string, error) {
	bin := filepath.Join(dir, "patienthub")
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, serverPackage)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the server: %w", err)
	}
	fmt.Fprintf(log, "build: %s in %s\n", bin, time.Since(start).Round(100*time.Millisecond))
	return bin, nil
}

// server is the patienthub process under test.
type server struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{} // closed when the process has ended
	err    error         // why it ended, once exited is closed
}

// startServer runs `patienthub serve --demo` on a free local port and waits until it is ready.
func startServer(ctx context.Context, binary, dataDir, databaseURL string, log io.Writer) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(binary, "serve", "--demo", "--listen", addr, "--data", dataDir, "--public-url", "http://"+addr)
	cmd.Env = serverEnv(databaseURL)
	cmd.Stdout, cmd.Stderr = log, log
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the server: %w", err)
	}
	s := &server{cmd: cmd, url: "http://" + addr, exited: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.exited) }()
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// serverEnv is this process's environment without PATIENTHUB_* settings, plus the benchmark's.
func serverEnv(databaseURL string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATIENTHUB_") {
			env = append(env, kv)
		}
	}
	env = append(env, "PATIENTHUB_LOG_LEVEL=warn", "PATIENTHUB_SIGNIN_PER_IP_PER_MINUTE=1000")
	if databaseURL != "" {
		env = append(env, "PATIENTHUB_DATABASE_URL="+databaseURL)
	}
	return env
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls /readyz until it answers 200, the process ends or the timeout passes.
func (s *server) waitReady(ctx context.Context, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(s.url + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server was not ready within %s (last: %v)", timeout, err)
		}
		select {
		case <-s.exited:
			return fmt.Errorf("the server stopped before it was ready: %v", s.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// stop asks the server to shut down and kills it if it has not within 5 seconds.
func (s *server) stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.cmd.Process.Kill()
	}
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// rssMB reads the server's resident memory (VmRSS) from /proc, in megabytes.
func (s *server) rssMB() (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.pid()))
	if err != nil {
		return 0, fmt.Errorf("reading the server's memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			break
		}
		kb, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			break
		}
		return kb / 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("no VmRSS line in /proc/<pid>/status")
}
