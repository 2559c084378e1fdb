// Command charter is Charter's one binary: the schema registry with its
// Confluent-compatible REST API, and the tools around it.
//
// main only wires the process to run, which takes its inputs as arguments so
// that tests can start the real program in-process.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/charterhq/charter/compat"
	"github.com/charterhq/charter/compat/avro"
	"github.com/charterhq/charter/compat/jsonschema"
	"github.com/charterhq/charter/compat/protobuf"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	var exit *exitError
	switch {
	case errors.As(err, &exit):
		if exit.err != nil {
			fmt.Fprintln(os.Stderr, "charter:", exit.err)
		}
		os.Exit(exit.code)
	case err != nil:
		fmt.Fprintln(os.Stderr, "charter:", err)
		os.Exit(1)
	}
}

// exitError ends the process with a status other than 1, after printing err
// unless it is nil (the command has said what there is to say).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError is a mistake in the command line: exit status 2.
func usageError(err error) error { return &exitError{code: 2, err: err} }

// schemaFormats are the schema languages this build knows.
func schemaFormats() []compat.Format {
	return []compat.Format{avro.Format{}, protobuf.Format{}, jsonschema.Format{}}
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
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(serveCommand(getenv, stdout, stderr), checkCommand(getenv, stdout, stderr), catalogCommand(getenv, stdout))
	return root.ExecuteContext(ctx)
}
