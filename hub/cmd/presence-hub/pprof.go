//go:build pprof

package main

// Built with `-tags pprof`, the hub serves net/http/pprof on $PRESENCE_HUB_PPROF (for example
// 127.0.0.1:6060). docs/PERFORMANCE.md profiles the hub this way; release builds leave it out.

import (
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	if addr := os.Getenv("PRESENCE_HUB_PPROF"); addr != "" {
		go func() { log.Println(http.ListenAndServe(addr, nil)) }()
	}
}
