// Package catalog is the domain of Charter's event catalog: teams, the
// services they own, the topics those services own, produce and consume, and
// what the broker actually observed on those topics. The Keeper holds every
// rule about them (names unique, references resolved, observations
// aggregated, drift between the declared and the observed computed); stores
// persist a Spec and observations and stay dumb.
//
// It knows nothing of SQL, HTTP, Kafka or the web UI: stores come in through
// Store, the broker calls Keeper.Observe, and the edges (catalog/rpc, ui,
// cmd/charter) translate its *registry.Error to their wire. Besides the
// standard library it imports only registry and the YAML library that reads
// catalog files.
//
// # The catalog file
//
// The declared catalog is code: one YAML file, or a folder of them (merged;
// every name must be unique across the files). Editors validate it with
// JSONSchema, e.g. through yaml-language-server:
//
//	# yaml-language-server: $schema=https://charter.example/catalog.schema.json
//	teams:
//	  - name: payments                  # letters, digits, '.', '_' and '-'
//	    description: Money in and out
//	    email: payments@acme.example
//	    chat: "#payments"
//	    oncall: https://acme.pagerduty.com/schedules/P123
//	services:
//	  - name: billing
//	    team: payments                  # a declared team; optional
//	    description: Invoices customers
//	    repository: https://github.com/acme/billing
//	    lifecycle: production           # experimental | production | deprecated
//	    consumes:                       # relations may be written on the service…
//	      - topic: refunds
//	        groups: [billing-refunds]
//	topics:
//	  - name: orders                    # a legal Kafka topic name
//	    description: Orders as placed
//	    owner: checkout                 # a declared service; unowned topics are drift
//	    value_subject: orders-value     # default <name>-value
//	    key_subject: orders-key         # optional
//	    tags: [core, pii]
//	    classification: confidential    # public | internal | confidential | restricted
//	    producers: [checkout]           # …or on the topic
//	    consumers:
//	      - service: billing
//	        groups: [billing-orders]    # the consumer group IDs the service uses
//
// A producer or consumer entry is a service name or a mapping with service
// (on a topic) or topic (on a service), and groups for consumers. Whichever
// side a relation is written on, Spec holds it once, in Relations.
//
// # Observed clients
//
// The broker reports producer client IDs and consumer group IDs. A consumer
// group listed in a relation belongs to that relation's service. Any other
// client ID belongs to the declared service whose name it equals or begins
// with, followed by one of "-", ".", "_", ":" or "/" (the longest such name
// wins): client ID "checkout-7f9c" is service checkout. A client matching no
// service is undeclared.
package catalog
