// Command charter is Charter's one binary: the schema registry with its
// Confluent-compatible REST API, and the tools around it.
//
// main only wires the process to run, which takes its inputs as arguments so
// that tests can start the real program in-process.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "charter:", err)
		os.Exit(1)
	}
}

// run is the program: it parses args, reads CHARTER_* settings through
// getenv, and runs the chosen command until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	root := &cobra.Command{
		Use:           "charter",
		Short:         "Schema registry, Kafka-protocol broker and event catalog in one binary",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(serveCommand(getenv, stdout, stderr))
	return root.ExecuteContext(ctx)
}
