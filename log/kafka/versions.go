package kafka

// The API versions this broker serves. ApiVersions answers with this table.
//
// Ranges are chosen so that franz-go, librdkafka 2.0.2 (kcat), kafkajs
// 2.2.4 and the Java 3.x client all work (../../../shared/reference/kafka-broker.md §2):
//
//   - Minimum 0 wherever librdkafka ≤ 2.11 enables a feature only if one
//     exact old version is in range: FindCoordinator, JoinGroup, SyncGroup,
//     Heartbeat, LeaveGroup v0 (consumer groups), OffsetCommit v1–2 and
//     OffsetFetch v1, InitProducerId v0 (idempotence), ListOffsets v1,
//     ApiVersions v0. Produce starts at v3 and Fetch at v4, the first
//     versions carrying RecordBatch v2, the only format the log stores.
//   - Maximum Produce v12 and Fetch v12: v13 replaces topic names by topic
//     IDs (KIP-516). OffsetCommit/OffsetFetch stop at v8 (v9 brings KIP-848
//     member epochs), Metadata at v12, InitProducerId at v4 (v5 is
//     KIP-890), FindCoordinator at v4, ListOffsets at v6 (v7 adds the
//     max-timestamp lookup, which the log cannot answer).
//   - kafkajs picks min(its max, our max) ignoring our min, so every max is
//     at least what it uses (Produce 7, Fetch 11, Metadata 6, ...).
//
// The group keys (8–16, 42, 47) are answered by groups.handle, at the
// ranges kfake serves them.

import "github.com/twmb/franz-go/pkg/kmsg"

const apiVersionsKey = 18

// versionRange is the versions served for one API key.
type versionRange struct{ min, max int16 }

// versions is the served range of each API key.
var versions = map[int16]versionRange{
	0:  {3, 12}, // Produce
	1:  {4, 12}, // Fetch
	2:  {0, 6},  // ListOffsets
	3:  {0, 12}, // Metadata
	8:  {0, 8},  // OffsetCommit
	9:  {0, 8},  // OffsetFetch
	10: {0, 4},  // FindCoordinator
	11: {0, 9},  // JoinGroup
	12: {0, 4},  // Heartbeat
	13: {0, 5},  // LeaveGroup
	14: {0, 5},  // SyncGroup
	15: {0, 6},  // DescribeGroups
	16: {0, 5},  // ListGroups
	18: {0, 4},  // ApiVersions
	19: {0, 7},  // CreateTopics
	20: {0, 6},  // DeleteTopics
	22: {0, 4},  // InitProducerId
	23: {0, 4},  // OffsetForLeaderEpoch
	32: {0, 4},  // DescribeConfigs
	33: {0, 2},  // AlterConfigs
	37: {0, 3},  // CreatePartitions
	42: {0, 3},  // DeleteGroups
	44: {0, 1},  // IncrementalAlterConfigs
	47: {0, 0},  // OffsetDelete
	60: {0, 1},  // DescribeCluster
}

// supported returns the versions served for key.
func supported(key int16) (versionRange, bool) {
	v, ok := versions[key]
	return v, ok
}

// apiKeys is the ApiVersions answer: every served key, sorted.
func apiKeys() []kmsg.ApiVersionsResponseApiKey {
	keys := make([]kmsg.ApiVersionsResponseApiKey, 0, len(versions))
	for k := int16(0); k <= 100; k++ {
		if v, ok := versions[k]; ok {
			ak := kmsg.NewApiVersionsResponseApiKey()
			ak.ApiKey, ak.MinVersion, ak.MaxVersion = k, v.min, v.max
			keys = append(keys, ak)
		}
	}
	return keys
}
