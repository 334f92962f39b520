// Package kamrattest starts kamrat as a real process for tests that need the
// whole program: flags, signals, exit codes, a listening server. The
// whole-app tests in cmd/kamrat and the browser journeys in e2e share it.
package kamrattest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Process is a started kamrat whose server listens.
type Process struct {
	Cmd *exec.Cmd
	// Addr is the address the server listens on (host:port).
	Addr string
	// Log is everything kamrat wrote to stderr: its JSON log.
	Log *LockedBuffer
	// Done is closed when the process has exited.
	Done <-chan struct{}
}

// Start runs cmd (a `kamrat serve` or `kamrat demo`) and waits, at most
// timeout, for its "listening" log line. A process that exits or does not
// listen in time is an error carrying its log.
func Start(cmd *exec.Cmd, timeout time.Duration) (*Process, error) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	p := &Process{Cmd: cmd, Log: &LockedBuffer{}, Done: done}
	if cmd.Stderr != nil {
		cmd.Stderr = io.MultiWriter(pw, p.Log, cmd.Stderr)
	} else {
		cmd.Stderr = io.MultiWriter(pw, p.Log)
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		cmd.Wait()
		pw.Close()
		close(done)
	}()

	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case p.Addr = <-addr:
		return p, nil
	case <-done:
		return nil, fmt.Errorf("kamrat exited before listening (%v):\n%s", cmd.ProcessState, p.Log)
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		return nil, fmt.Errorf("kamrat did not listen within %s:\n%s", timeout, p.Log)
	}
}

// URL is the server's base URL followed by path.
func (p *Process) URL(path string) string { return "http://" + p.Addr + path }

// Stop sends SIGTERM and waits up to grace for the process to exit, then
// kills it. It reports whether it exited within grace.
func (p *Process) Stop(grace time.Duration) bool {
	p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.Done:
		return true
	case <-time.After(grace):
		p.Cmd.Process.Kill()
		<-p.Done
		return false
	}
}

// LockedBuffer is a bytes.Buffer safe for one writer and readers at once.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
