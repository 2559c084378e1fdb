package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"github.com/charterhq/charter/catalog"
	catalogrpc "github.com/charterhq/charter/catalog/rpc"
	catalogv1 "github.com/charterhq/charter/catalog/v1"
	"github.com/charterhq/charter/catalog/v1/catalogv1connect"
)

// catalogCommand is `charter catalog`: the declared catalog as code, applied
// to and exported from a running Charter through its Connect API.
func catalogCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	server := getenv("CHARTER_SERVER")
	if server == "" {
		server = "http://localhost:8081"
	}
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Apply, export and describe the event catalog (teams, services, topics) of a running Charter",
	}
	cmd.PersistentFlags().StringVar(&server, "server", server, "base URL of the Charter server (CHARTER_SERVER)")
	client := func() catalogv1connect.CatalogServiceClient {
		return catalogv1connect.NewCatalogServiceClient(http.DefaultClient, strings.TrimSuffix(server, "/"))
	}

	var file string
	var dryRun bool
	apply := &cobra.Command{
		Use:   "apply -f PATH",
		Short: "Validate a catalog file or folder and replace the declared catalog with it, atomically",
		Long: `apply reads a catalog YAML file, or every *.yaml and *.yml file under a folder,
reports every problem with file, line and column, and applies nothing unless all
is well. --dry-run prints what would change.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return usageError(errors.New("catalog apply: -f PATH is required"))
			}
			spec, err := catalog.LoadSpec(file)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			resp, err := client().Apply(cmd.Context(), connect.NewRequest(&catalogv1.ApplyRequest{Spec: catalogrpc.SpecMessage(spec), DryRun: dryRun}))
			if err != nil {
				return fmt.Errorf("catalog apply on %s: %w", server, err)
			}
			fmt.Fprintln(stdout, catalogrpc.ChangesOf(resp.Msg).String())
			if dryRun {
				fmt.Fprintln(stdout, "(dry run: nothing applied)")
			}
			return nil
		},
	}
	apply.Flags().StringVarP(&file, "file", "f", "", "catalog YAML file or folder")
	apply.Flags().BoolVar(&dryRun, "dry-run", false, "print the changes without applying them")

	var out string
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the declared catalog as YAML",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			resp, err := client().GetSpec(cmd.Context(), connect.NewRequest(&catalogv1.GetSpecRequest{}))
			if err != nil {
				return fmt.Errorf("catalog export from %s: %w", server, err)
			}
			text, err := catalogrpc.SpecOf(resp.Msg.GetSpec()).MarshalYAML()
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = stdout.Write(text)
				return err
			}
			return os.WriteFile(out, text, 0o644)
		},
	}
	export.Flags().StringVarP(&out, "output", "o", "", "file to write; default standard output")

	schema := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of catalog files, for editors",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := stdout.Write(catalog.JSONSchema())
			return err
		},
	}
	cmd.AddCommand(apply, export, schema)
	return cmd
}
