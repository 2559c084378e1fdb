// Package registry is the domain of Charter's schema registry: subjects and
// their versions, schemas with global IDs, references, compatibility
// configuration and modes, and the Service that holds every rule about them
// (compatibility on register, modes, soft and permanent deletes, ID reuse).
//
// It knows nothing of HTTP, SQL, Kafka or any schema syntax: stores come in
// through Store, schema languages through compat.Format, and the edges
// (registry/confluent, registry/rpc) translate its Error to their wire.
package registry
