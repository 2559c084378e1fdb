package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/charterhq/charter/check"
	"github.com/charterhq/charter/compat/protobuf"
)

func checkCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	var opts check.Options
	var format, protobufRules string
	cmd := &cobra.Command{
		Use:   "check [FILE|DIR]...",
		Short: "Check schema files for compatibility with a registry or a git ref, for CI",
		Long: `check tells whether local schema files (.avsc, .proto, .json) are compatible with what
came before them: their subjects in a registry (--registry URL: the registry decides, at
each subject's level), or the same files at a git ref (--against REF: new files pass,
deleted files fail, at the level from charter.yaml, --level, or BACKWARD).

Files map to subjects through charter.yaml, --subject, or their names
(<subject>.avsc|.proto|.json). Without FILE arguments every mapped file is checked.

--protobuf-rules WIRE or WIRE_JSON checks .proto files with buf's breaking-change
categories of those names, reported with buf's rule IDs, instead of Confluent's rules.

Exit status: 0 compatible, 1 incompatible, 2 usage, parse or connection error.`,
		Example: `  charter check --against main
  charter check --against origin/main --format github schemas/
  charter check --registry http://localhost:8081 --subject orders-value orders.avsc`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := check.ValidFormat(format); err != nil {
				return usageError(err)
			}
			rules, err := protobuf.ParseRuleSet(protobufRules)
			if err != nil {
				return usageError(fmt.Errorf("--protobuf-rules: %w", err))
			}
			opts.Files = args
			opts.Formats = schemaFormats()
			for i, f := range opts.Formats {
				if f.Type() == "PROTOBUF" {
					opts.Formats[i] = protobuf.Format{Rules: rules}
				}
			}
			report, err := check.Run(cmd.Context(), opts)
			var usage *check.UsageError
			switch {
			case errors.As(err, &usage):
				return usageError(err)
			case err != nil:
				return &exitError{code: 2, err: err}
			}
			if err := check.Write(stdout, report, format); err != nil {
				return usageError(err)
			}
			if format == "github" {
				if err := appendSummary(getenv("GITHUB_STEP_SUMMARY"), report); err != nil {
					fmt.Fprintln(stderr, "charter: job summary:", err)
				}
			}
			switch {
			case report.Invalid():
				return &exitError{code: 2}
			case report.Failed():
				return &exitError{code: 1}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Registry, "registry", getenv("CHARTER_REGISTRY"), "URL of a Confluent-compatible registry to check against (CHARTER_REGISTRY)")
	f.StringVar(&opts.Against, "against", "", "git ref to compare the working tree's schema files with, such as main or origin/main")
	f.StringVar(&opts.Subject, "subject", "", "the subject of the one FILE, overriding charter.yaml and the file name")
	f.StringVar(&opts.Level, "level", "", "compatibility level for --against when charter.yaml names none (default BACKWARD)")
	f.StringVar(&opts.Dir, "dir", ".", "the repository directory holding charter.yaml; FILE arguments are relative to it")
	f.StringVar(&format, "format", "text", "report format: "+check.Formats)
	f.StringVar(&protobufRules, "protobuf-rules", "CONFLUENT", "Protobuf rules for --against: CONFLUENT (the registry's), or buf's stricter WIRE or WIRE_JSON")
	return cmd
}

// appendSummary adds the Markdown report to GitHub's job summary, which
// shows every problem where annotations show only the first few.
func appendSummary(path string, report check.Report) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := check.WriteMarkdown(f, report); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
