package main

import (
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	charterlog "github.com/charterhq/charter/log"
	"github.com/charterhq/charter/log/kafka"
	"github.com/charterhq/charter/registry"
)

// broker is the bundled Kafka-protocol broker as serve runs it.
type broker struct {
	log    *charterlog.Log
	server *kafka.Server
	ln     net.Listener
	errc   chan error
}

// startBroker opens the log under the data directory and serves the Kafka
// protocol on cfg.kafkaAddr, enforcing schema IDs against svc; its metrics,
// consumer group lag among them, are registered on reg.
func startBroker(cfg serveConfig, svc *registry.Service, observer kafka.Observer, reg prometheus.Registerer, logger *slog.Logger) (*broker, error) {
	ln, err := net.Listen("tcp", cfg.kafkaAddr)
	if err != nil {
		return nil, fmt.Errorf("--kafka-addr: %w", err)
	}
	host, port, err := advertised(cfg.kafkaAdvertisedAddr, ln.Addr())
	if err != nil {
		ln.Close()
		return nil, err
	}
	lg, err := charterlog.Open(filepath.Join(cfg.dataDir, "log"), charterlog.Options{Logger: logger})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("log: %w", err)
	}
	srv, err := kafka.New(lg, svc, kafka.Config{
		AdvertisedHost:    host,
		AdvertisedPort:    port,
		AutoCreateTopics:  cfg.autoCreateTopics,
		DefaultPartitions: cfg.defaultPartitions,
		EnforceByDefault:  cfg.enforceSchemaIDs,
		Observer:          observer,
		Metrics:           newBrokerMetrics(reg),
		OffsetsRetention:  cfg.offsetsRetention,
	}, logger)
	if err != nil {
		lg.Close()
		ln.Close()
		return nil, fmt.Errorf("kafka: %w", err)
	}
	reg.MustRegister(newLagCollector(srv.GroupLags))
	b := &broker{log: lg, server: srv, ln: ln, errc: make(chan error, 1)}
	go func() { b.errc <- srv.Serve(ln) }()
	return b, nil
}

// advertised is the address the broker tells clients to connect to: the
// flag's, or the listener's with an unspecified host (":9092") as localhost.
func advertised(flag string, addr net.Addr) (string, int32, error) {
	hostPort := flag
	if hostPort == "" {
		hostPort = addr.String()
	}
	host, portText, err := net.SplitHostPort(hostPort)
	if err != nil {
		return "", 0, fmt.Errorf("--kafka-advertised-addr %q: %w", flag, err)
	}
	port, err := strconv.ParseInt(portText, 10, 32)
	if err != nil || port <= 0 {
		return "", 0, fmt.Errorf("--kafka-advertised-addr %q: bad port", flag)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return host, int32(port), nil
}

// close stops the server, then syncs and closes the log.
func (b *broker) close() error {
	err := b.server.Close()
	if lerr := b.log.Close(); err == nil {
		err = lerr
	}
	return err
}
