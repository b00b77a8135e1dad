package instance

import (
	"bufio"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

func TestSecondInstanceShowsTheFirst(t *testing.T) {
	dir := t.TempDir()
	shown := make(chan struct{}, 1)
	first, err := Acquire(dir, Handlers{Show: func() { shown <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(dir, Handlers{}); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Acquire = %v, want ErrRunning", err)
	}
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("the first instance was not asked to show its window")
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Acquire(dir, Handlers{}) // the lock is free again, and the old socket file is replaced
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	again.Close()
}

func TestWindowConnectionStaysOpen(t *testing.T) {
	dir := t.TempDir()
	type conn struct {
		kind string
		c    net.Conn
		r    *bufio.Reader
	}
	got := make(chan conn, 1)
	first, err := Acquire(dir, Handlers{Window: func(kind string, c net.Conn, r *bufio.Reader) { got <- conn{kind, c, r} }})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	w, err := Dial(dir, "status")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Write([]byte("hello\n")); err != nil { // sent right behind the first line
		t.Fatal(err)
	}
	var srv conn
	select {
	case srv = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("the window's connection was not handed over")
	}
	if srv.kind != "status" {
		t.Fatalf("kind %q", srv.kind)
	}
	if line, err := srv.r.ReadString('\n'); err != nil || line != "hello\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	if _, err := srv.c.Write([]byte("state\n")); err != nil { // both ways, with no deadline left
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(w).ReadString('\n'); err != nil || line != "state\n" {
		t.Fatalf("window read %q, %v", line, err)
	}
	srv.c.Close()
	if _, err := w.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("after the tray closed: %v, want EOF", err)
	}
}
