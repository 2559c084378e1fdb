package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/charterhq/charter/catalog"
	catalogpg "github.com/charterhq/charter/catalog/postgres"
	catalogsqlite "github.com/charterhq/charter/catalog/sqlite"
	"github.com/charterhq/charter/migrations"
	"github.com/charterhq/charter/registry"
	"github.com/charterhq/charter/registry/confluent"
	registrypg "github.com/charterhq/charter/registry/postgres"
	registrysqlite "github.com/charterhq/charter/registry/sqlite"
	"github.com/charterhq/charter/ui"
)

// serveConfig is charter serve's settings: each flag defaults from its
// CHARTER_* environment variable.
type serveConfig struct {
	dataDir   string
	httpAddr  string
	database  string
	kafkaAddr string

	kafkaAdvertisedAddr string
	autoCreateTopics    bool
	defaultPartitions   int32
	enforceSchemaIDs    bool
	offsetsRetention    time.Duration
	staleAfter          time.Duration

	logFormat string
	logLevel  string
}

func serveCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	var cfg serveConfig
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the registry (REST on --http-addr) and the Kafka-protocol broker (--kafka-addr)",
		Args:  cobra.NoArgs,
	}
	f := cmd.Flags()
	f.StringVar(&cfg.dataDir, "data-dir", "./charter-data", "directory for the embedded store and log segments (CHARTER_DATA_DIR)")
	f.StringVar(&cfg.httpAddr, "http-addr", ":8081", "listen address of the REST API, /healthz and /metrics (CHARTER_HTTP_ADDR)")
	f.StringVar(&cfg.database, "database", "", "a postgres:// URL to use PostgreSQL; empty for SQLite in the data dir (CHARTER_DATABASE)")
	f.StringVar(&cfg.kafkaAddr, "kafka-addr", ":9092", "listen address of the Kafka-protocol broker; \"off\" or empty disables it (CHARTER_KAFKA_ADDR)")
	f.StringVar(&cfg.kafkaAdvertisedAddr, "kafka-advertised-addr", "", "host:port Kafka clients are told to connect to; default: the listener's, localhost for an unspecified host (CHARTER_KAFKA_ADVERTISED_ADDR)")
	f.BoolVar(&cfg.autoCreateTopics, "auto-create-topics", true, "create unknown topics on Metadata and Produce (CHARTER_AUTO_CREATE_TOPICS)")
	f.Int32Var(&cfg.defaultPartitions, "default-partitions", 1, "partitions of auto-created topics (CHARTER_DEFAULT_PARTITIONS)")
	f.BoolVar(&cfg.enforceSchemaIDs, "enforce-schema-ids", true, "new topics require record values to carry a schema ID registered under <topic>-value (CHARTER_ENFORCE_SCHEMA_IDS)")
	f.DurationVar(&cfg.offsetsRetention, "offsets-retention", 7*24*time.Hour, "how long a consumer group's committed offsets are kept once it has no members (for commits without a group membership: after each commit); negative keeps them forever (CHARTER_OFFSETS_RETENTION)")
	f.DurationVar(&cfg.staleAfter, "catalog-stale-after", catalog.DefaultStaleAfter, "how long a declared producer or consumer may go unseen before the catalog flags it (CHARTER_CATALOG_STALE_AFTER)")
	f.StringVar(&cfg.logFormat, "log-format", "text", "log format: text or json (CHARTER_LOG_FORMAT)")
	f.StringVar(&cfg.logLevel, "log-level", "info", "log level: debug, info, warn or error (CHARTER_LOG_LEVEL)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := flagsFromEnv(cmd.Flags(), getenv); err != nil {
			return usageError(err)
		}
		if cfg.defaultPartitions < 1 {
			return usageError(fmt.Errorf("--default-partitions (CHARTER_DEFAULT_PARTITIONS) must be at least 1, not %d", cfg.defaultPartitions))
		}
		if cfg.offsetsRetention == 0 {
			return usageError(errors.New("--offsets-retention (CHARTER_OFFSETS_RETENTION) must be positive, or negative to keep offsets forever, not 0"))
		}
		return serve(cmd.Context(), cfg, stderr)
	}
	return cmd
}

// flagsFromEnv sets each flag the command line left alone from its
// CHARTER_* variable (--kafka-addr from CHARTER_KAFKA_ADDR), parsed as the
// flag parses its argument, so that a bad value is an error, not ignored.
func flagsFromEnv(f *pflag.FlagSet, getenv func(string) string) error {
	var errs []error
	f.VisitAll(func(fl *pflag.Flag) {
		name := "CHARTER_" + strings.ToUpper(strings.ReplaceAll(fl.Name, "-", "_"))
		v := getenv(name)
		if v == "" || fl.Changed {
			return
		}
		if err := fl.Value.Set(v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
		}
	})
	return errors.Join(errs...)
}

func newLogger(cfg serveConfig, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch cfg.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", cfg.logFormat)
}

// serve runs the server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, cfg serveConfig, stderr io.Writer) error {
	logger, err := newLogger(cfg, stderr)
	if err != nil {
		return err
	}
	st, err := openStores(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.close()

	svc := registry.New(st.registry, schemaFormats(), logger)
	keeper := catalog.New(st.catalog, logger)
	keeper.StaleAfter = cfg.staleAfter
	defer keeper.Close()
	api := confluent.New(svc, logger)
	api.Version = version

	reg := newMetricsRegistry()
	var b *broker
	if cfg.kafkaAddr != "" && cfg.kafkaAddr != "off" {
		if b, err = startBroker(cfg, svc, catalogObserver{keeper}, reg, logger); err != nil {
			return err
		}
	}
	deps := ui.Deps{Registry: svc, Catalog: keeper, Decoder: svc, Logger: logger}
	if b != nil {
		deps.Broker = uiBroker{b.server}
	}
	ln, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		if b != nil {
			b.close()
		}
		return fmt.Errorf("listen on %s: %w", cfg.httpAddr, err)
	}
	srv := &http.Server{
		Handler:           newHTTPHandler(routes(api, svc, keeper, deps, logger), reg, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true) // gRPC without TLS
	attrs := []any{"http_addr", ln.Addr().String()}
	if b != nil {
		attrs = append(attrs, "kafka_addr", b.ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("charter serving", append(attrs, "version", version)...)

	var failed error
	select {
	case err := <-errc:
		failed = fmt.Errorf("http server: %w", err)
	case err := <-brokerErrors(b):
		failed = fmt.Errorf("kafka server: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) && failed == nil {
		failed = fmt.Errorf("http shutdown: %w", err)
	}
	if b != nil {
		if err := b.close(); err != nil && failed == nil {
			failed = fmt.Errorf("kafka shutdown: %w", err)
		}
	}
	return failed
}

// brokerErrors is the broker's Serve result, or a channel that never
// delivers when the broker is off.
func brokerErrors(b *broker) <-chan error {
	if b == nil {
		return nil
	}
	return b.errc
}

// stores are the registry's and the catalog's stores over one database.
type stores struct {
	registry registry.Store
	catalog  catalog.Store
	close    func()
}

// openStores opens the configured database, migrates it, and returns the
// stores over it.
func openStores(ctx context.Context, cfg serveConfig, logger *slog.Logger) (stores, error) {
	if strings.HasPrefix(cfg.database, "postgres://") || strings.HasPrefix(cfg.database, "postgresql://") {
		pool, err := pgxpool.New(ctx, cfg.database)
		if err != nil {
			return stores{}, fmt.Errorf("--database: %w", err)
		}
		db := stdlib.OpenDBFromPool(pool)
		if err := migrations.Apply(ctx, db, migrations.Postgres); err != nil {
			db.Close()
			pool.Close()
			return stores{}, fmt.Errorf("postgres: %w", err)
		}
		logger.Info("store: postgres", "host", pool.Config().ConnConfig.Host, "database", pool.Config().ConnConfig.Database)
		return stores{registry: registrypg.New(pool), catalog: catalogpg.New(pool), close: func() { db.Close(); pool.Close() }}, nil
	}
	if cfg.database != "" {
		return stores{}, fmt.Errorf("--database must be empty (SQLite) or a postgres:// URL")
	}
	if err := os.MkdirAll(cfg.dataDir, 0o755); err != nil {
		return stores{}, fmt.Errorf("--data-dir: %w", err)
	}
	path := filepath.Join(cfg.dataDir, "charter.db")
	db, err := registrysqlite.Open(path)
	if err != nil {
		return stores{}, err
	}
	if err := migrations.Apply(ctx, db, migrations.SQLite); err != nil {
		db.Close()
		return stores{}, fmt.Errorf("sqlite: %w", err)
	}
	logger.Info("store: sqlite", "path", path)
	return stores{registry: registrysqlite.New(db), catalog: catalogsqlite.New(db), close: func() { db.Close() }}, nil
}
