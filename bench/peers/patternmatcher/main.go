// Command patternmatcher-peer is the ctxlens benchmark's stand-in for
// BuildKit's client: it reads a `du -ab` listing and a .dockerignore, walks
// the paths in BuildKit's order and decides each one with Docker's own
// matcher (github.com/moby/patternmatcher), threading each directory's
// MatchInfo to its children (MatchesUsingParentResults) and skipping
// excluded directories exactly when fsutil's filtered walk would.
//
// Build: GO111MODULE=off GOPATH=/usr/share/gocode go build -o OUT main.go
// (Debian: apt-get install golang-go golang-github-moby-patternmatcher-dev).
//
// Usage: patternmatcher-peer IGNOREFILE LISTING
// Prints one JSON object: {"files":N,"bytes":B,"visited":V}.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/patternmatcher"
)

// readAll is moby/patternmatcher/ignorefile.ReadAll (v0.6), which Debian's
// v0.5.0 package does not have yet.
func readAll(data []byte) ([]string, error) {
	scanner := bufio.NewScanner(bytes.NewReader(data))
	var excludes []string
	line := 0
	for scanner.Scan() {
		b := scanner.Bytes()
		if line == 0 {
			b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
		}
		line++
		pattern := string(b)
		if strings.HasPrefix(pattern, "#") {
			continue
		}
		pattern = strings.TrimSpace(pattern)
		if pattern == "" {
			continue
		}
		invert := pattern[0] == '!'
		if invert {
			pattern = strings.TrimSpace(pattern[1:])
		}
		if len(pattern) > 0 {
			pattern = filepath.ToSlash(filepath.Clean(pattern))
			if len(pattern) > 1 && pattern[0] == '/' {
				pattern = pattern[1:]
			}
		}
		if invert {
			pattern = "!" + pattern
		}
		excludes = append(excludes, pattern)
	}
	return excludes, scanner.Err()
}

type entry struct {
	key  string // path with "/" mapped to "\x00": sorts in walk order
	path string
	size int64
}

type frame struct {
	prefix string // path + "/"
	info   patternmatcher.MatchInfo
	pruned bool
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: patternmatcher-peer IGNOREFILE LISTING")
		os.Exit(2)
	}
	ignore, err := os.ReadFile(os.Args[1])
	check(err)
	patterns, err := readAll(ignore)
	check(err)
	pm, err := patternmatcher.New(patterns)
	check(err)

	// fsutil: excluded directories can be skipped unless an exception might
	// reach inside; with only literal exceptions that is a prefix test.
	onlyPrefix := true
	var exceptions []string
	for _, p := range pm.Patterns() {
		if !p.Exclusion() {
			continue
		}
		s := strings.TrimSuffix(strings.TrimSuffix(p.String(), "/**"), "/*")
		if strings.ContainsAny(s, "*[]?^\\") {
			onlyPrefix = false
		}
		exceptions = append(exceptions, s+"/")
	}

	data, err := os.ReadFile(os.Args[2])
	check(err)
	entries := make([]entry, 0, bytes.Count(data, []byte{'\n'}))
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		var line []byte
		if nl < 0 {
			line, data = data, nil
		} else {
			line, data = data[:nl], data[nl+1:]
		}
		tab := bytes.IndexByte(line, '\t')
		if tab < 0 {
			continue
		}
		size, err := strconv.ParseInt(string(line[:tab]), 10, 64)
		check(err)
		p := string(line[tab+1:])
		p = strings.TrimPrefix(p, "./")
		if p == "." || p == "" {
			continue
		}
		entries = append(entries, entry{strings.ReplaceAll(p, "/", "\x00"), p, size})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })

	var files, visited, total int64
	stack := []frame{{prefix: ""}}
	for i, e := range entries {
		for len(stack) > 1 && !strings.HasPrefix(e.path, stack[len(stack)-1].prefix) {
			stack = stack[:len(stack)-1]
		}
		top := stack[len(stack)-1]
		isDir := i+1 < len(entries) && strings.HasPrefix(entries[i+1].path, e.path+"/")
		if top.pruned {
			if isDir {
				stack = append(stack, frame{prefix: e.path + "/", pruned: true})
			}
			continue
		}
		visited++
		excluded, info, err := pm.MatchesUsingParentResults(e.path, top.info)
		check(err)
		if isDir {
			pruned := false
			if excluded {
				pruned = !pm.Exclusions()
				if !pruned && onlyPrefix {
					pruned = true
					for _, x := range exceptions {
						if len(x) > len(e.path)+1 && strings.HasPrefix(x, e.path+"/") {
							pruned = false
							break
						}
					}
				}
			}
			stack = append(stack, frame{prefix: e.path + "/", info: info, pruned: pruned})
			continue
		}
		if !excluded {
			files++
			total += e.size
		}
	}
	fmt.Printf("{\"files\":%d,\"bytes\":%d,\"visited\":%d}\n", files, total, visited)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "patternmatcher-peer:", err)
		os.Exit(2)
	}
}
