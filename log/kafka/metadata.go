package kafka

// Metadata: v0–12.
//
// This node is the only broker, the controller, and leader, sole replica
// and sole in-sync replica of every partition, always at leader epoch 0.
// A request without topics (null at v1+, empty at v0) lists every topic,
// __consumer_offsets included (IsInternal). Requested topics are looked up
// by name, or by topic ID (v10+) when the name is null. An unknown topic
// named by a request that allows auto-creation (v0–3 always; v4+ when
// AllowAutoTopicCreation is set) is created when Config.AutoCreateTopics is
// on, with Config.DefaultPartitions partitions; otherwise it is
// UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID for IDs,
// INVALID_TOPIC_EXCEPTION for a name Kafka would not accept). Authorized
// operations are not computed (v8+: left "not requested").

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

// clusterID names the one-node cluster.
const clusterID = "charter"

// authorizedOperationsOmitted is Kafka's "not requested" bit set.
const authorizedOperationsOmitted = -2147483648

func (s *Server) metadata(req *kmsg.MetadataRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.MetadataResponse)
	b := kmsg.NewMetadataResponseBroker()
	b.NodeID, b.Host, b.Port = s.self.ID, s.self.Host, s.self.Port
	resp.Brokers = []kmsg.MetadataResponseBroker{b}
	id := clusterID
	resp.ClusterID = &id
	resp.ControllerID = s.self.ID
	resp.AuthorizedOperations = authorizedOperationsOmitted

	all := req.Topics == nil || req.Version == 0 && len(req.Topics) == 0
	if all {
		for _, t := range s.log.Topics() {
			resp.Topics = append(resp.Topics, s.metadataTopic(t))
		}
		return resp
	}
	autoCreate := s.cfg.AutoCreateTopics && (req.Version < 4 || req.AllowAutoTopicCreation)
	for _, rt := range req.Topics {
		if rt.Topic == nil {
			resp.Topics = append(resp.Topics, s.metadataTopicByID(rt.TopicID))
			continue
		}
		name := *rt.Topic
		t, ok := s.log.Topic(name)
		if !ok && autoCreate {
			var code int16
			t, code = s.autoCreate(name)
			ok = code == 0
			if !ok {
				mt := kmsg.NewMetadataResponseTopic()
				mt.Topic, mt.ErrorCode = &name, code
				mt.AuthorizedOperations = authorizedOperationsOmitted
				resp.Topics = append(resp.Topics, mt)
				continue
			}
		}
		if !ok {
			mt := kmsg.NewMetadataResponseTopic()
			mt.Topic, mt.ErrorCode = &name, kerr.UnknownTopicOrPartition.Code
			if validTopicName(name) != nil {
				mt.ErrorCode = kerr.InvalidTopicException.Code
			}
			mt.AuthorizedOperations = authorizedOperationsOmitted
			resp.Topics = append(resp.Topics, mt)
			continue
		}
		resp.Topics = append(resp.Topics, s.metadataTopic(t))
	}
	return resp
}

func (s *Server) metadataTopicByID(id [16]byte) kmsg.MetadataResponseTopic {
	for _, t := range s.log.Topics() {
		if t.ID == id {
			return s.metadataTopic(t)
		}
	}
	mt := kmsg.NewMetadataResponseTopic()
	mt.TopicID, mt.ErrorCode = id, kerr.UnknownTopicID.Code
	mt.AuthorizedOperations = authorizedOperationsOmitted
	return mt
}

func (s *Server) metadataTopic(t log.Topic) kmsg.MetadataResponseTopic {
	mt := kmsg.NewMetadataResponseTopic()
	name := t.Name
	mt.Topic, mt.TopicID = &name, t.ID
	mt.IsInternal = isInternalTopic(t.Name)
	mt.AuthorizedOperations = authorizedOperationsOmitted
	mt.Partitions = make([]kmsg.MetadataResponseTopicPartition, t.Partitions)
	for i := range mt.Partitions {
		p := kmsg.NewMetadataResponseTopicPartition()
		p.Partition = int32(i)
		p.Leader = s.self.ID
		p.LeaderEpoch = 0
		p.Replicas = []int32{s.self.ID}
		p.ISR = []int32{s.self.ID}
		p.OfflineReplicas = []int32{}
		mt.Partitions[i] = p
	}
	return mt
}
