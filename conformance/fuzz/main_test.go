package fuzz_test

import (
	"os"
	"sync"
	"testing"
)

var (
	binDir    string
	buildOnce sync.Once
	buildErr  string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fuzz-test-bin")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
