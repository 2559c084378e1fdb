package kafka

// CreateTopics: v0–7. DeleteTopics: v0–6. CreatePartitions: v0–3.
//
// CreateTopics: NumPartitions -1 takes Config.DefaultPartitions; the
// replication factor must be -1 or 1 and a replica assignment may only
// name this node. Configs are checked against topicconfig.go
// (INVALID_CONFIG naming the config). When Config.EnforceByDefault is on,
// a topic not starting with "_" whose request sets neither
// charter.value.schema.id.validation nor confluent.value.schema.validation
// gets charter.value.schema.id.validation=true. ValidateOnly (v1+) checks
// everything, including that the name is free, and creates nothing. v5+
// answers with the partition count, replication factor and configs; v7+
// with the topic ID. A name given twice in one request is INVALID_REQUEST.
//
// DeleteTopics deletes by name (v0–5) or by name or topic ID (v6);
// __consumer_offsets cannot be deleted. CreatePartitions grows a topic to
// Count partitions (INVALID_PARTITIONS unless larger), honouring
// ValidateOnly.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

// isInternalTopic reports whether Kafka would flag the topic internal.
func isInternalTopic(name string) bool {
	return name == "__consumer_offsets" || name == "__transaction_state"
}

// enforceable reports whether produce enforces schema IDs on the topic at
// all (per its configs): topics starting with "_" (the registry's
// _schemas, __consumer_offsets) never do.
func enforceable(name string) bool { return !strings.HasPrefix(name, "_") }

// validTopicName applies Kafka's rules: 1 to 249 of [a-zA-Z0-9._-], not "."
// or "..".
func validTopicName(name string) error {
	switch {
	case name == "":
		return errors.New("topic name is empty")
	case name == "." || name == "..":
		return fmt.Errorf("topic name %q is not allowed", name)
	case len(name) > 249:
		return fmt.Errorf("topic name is %d characters, longer than 249", len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("topic name %q has %q, outside [a-zA-Z0-9._-]", name, c)
		}
	}
	return nil
}

// newTopicConfigs returns the configs a new topic is created with: the
// requested ones, plus enforcement when on by default.
func (s *Server) newTopicConfigs(name string, requested map[string]string) map[string]string {
	configs := make(map[string]string, len(requested)+1)
	for k, v := range requested {
		configs[k] = v
	}
	if s.cfg.EnforceByDefault && enforceable(name) {
		_, a := configs[cfgValueIDValidation]
		_, b := configs[cfgConfluentValue]
		if !a && !b {
			configs[cfgValueIDValidation] = "true"
		}
	}
	return configs
}

// autoCreate creates a topic that a Metadata or Produce request named,
// answering the Kafka error code when it cannot.
func (s *Server) autoCreate(name string) (log.Topic, int16) {
	if err := validTopicName(name); err != nil {
		return log.Topic{}, kerr.InvalidTopicException.Code
	}
	t, err := s.log.CreateTopic(name, s.cfg.DefaultPartitions, s.newTopicConfigs(name, nil))
	switch {
	case err == nil:
		s.logger.Info("kafka: auto-created topic", "topic", name, "partitions", t.Partitions)
		return t, 0
	case errors.Is(err, log.ErrTopicExists):
		if t, ok := s.log.Topic(name); ok {
			return t, 0
		}
		return log.Topic{}, kerr.UnknownTopicOrPartition.Code
	case errors.Is(err, log.ErrInvalidTopic):
		return log.Topic{}, kerr.InvalidTopicException.Code
	}
	s.logger.Error("kafka: auto-create topic", "topic", name, "err", err)
	return log.Topic{}, kerr.UnknownServerError.Code
}

func (s *Server) createTopics(req *kmsg.CreateTopicsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.CreateTopicsResponse)
	count := make(map[string]int, len(req.Topics))
	for _, rt := range req.Topics {
		count[rt.Topic]++
	}
	for _, rt := range req.Topics {
		st := kmsg.NewCreateTopicsResponseTopic()
		st.Topic = rt.Topic
		if count[rt.Topic] > 1 {
			st.ErrorCode = kerr.InvalidRequest.Code
			st.ErrorMessage = errMessage(fmt.Sprintf("topic %q is named more than once", rt.Topic))
		} else {
			s.createTopic(req, rt, &st)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}

func (s *Server) createTopic(req *kmsg.CreateTopicsRequest, rt kmsg.CreateTopicsRequestTopic, st *kmsg.CreateTopicsResponseTopic) {
	fail := func(code int16, format string, args ...any) {
		st.ErrorCode = code
		st.ErrorMessage = errMessage(fmt.Sprintf(format, args...))
		st.NumPartitions, st.ReplicationFactor = -1, -1
	}
	if err := validTopicName(rt.Topic); err != nil {
		fail(kerr.InvalidTopicException.Code, "%v", err)
		return
	}
	partitions := rt.NumPartitions
	if len(rt.ReplicaAssignment) > 0 {
		if partitions != -1 || rt.ReplicationFactor != -1 {
			fail(kerr.InvalidRequest.Code, "a replica assignment needs NumPartitions and ReplicationFactor -1")
			return
		}
		for i, a := range rt.ReplicaAssignment {
			if a.Partition != int32(i) || len(a.Replicas) != 1 || a.Replicas[0] != s.self.ID {
				fail(kerr.InvalidReplicaAssignment.Code, "partitions must be assigned in order, each to node %d only", s.self.ID)
				return
			}
		}
		partitions = int32(len(rt.ReplicaAssignment))
	}
	switch {
	case partitions == -1:
		partitions = s.cfg.DefaultPartitions
	case partitions <= 0:
		fail(kerr.InvalidPartitions.Code, "number of partitions %d is not positive", partitions)
		return
	}
	if rt.ReplicationFactor != -1 && rt.ReplicationFactor != 1 {
		fail(kerr.InvalidReplicationFactor.Code, "replication factor %d is larger than the 1 available broker", rt.ReplicationFactor)
		return
	}
	requested := make(map[string]string, len(rt.Configs))
	for _, c := range rt.Configs {
		if c.Value == nil {
			fail(kerr.InvalidConfig.Code, "config %s has a null value", c.Name)
			return
		}
		if _, dup := requested[c.Name]; dup {
			fail(kerr.InvalidRequest.Code, "config %s is given twice", c.Name)
			return
		}
		if err := checkTopicConfig(c.Name, c.Value); err != nil {
			fail(kerr.InvalidConfig.Code, "%v", err)
			return
		}
		requested[c.Name] = *c.Value
	}
	configs := s.newTopicConfigs(rt.Topic, requested)

	var t log.Topic
	if req.ValidateOnly {
		if _, exists := s.log.Topic(rt.Topic); exists {
			fail(kerr.TopicAlreadyExists.Code, "topic %q already exists", rt.Topic)
			return
		}
		t = log.Topic{Name: rt.Topic, Partitions: partitions, Configs: configs}
	} else {
		var err error
		t, err = s.log.CreateTopic(rt.Topic, partitions, configs)
		switch {
		case errors.Is(err, log.ErrTopicExists):
			fail(kerr.TopicAlreadyExists.Code, "topic %q already exists", rt.Topic)
			return
		case errors.Is(err, log.ErrInvalidTopic):
			fail(kerr.InvalidTopicException.Code, "%v", err)
			return
		case errors.Is(err, log.ErrInvalidPartitions):
			fail(kerr.InvalidPartitions.Code, "%v", err)
			return
		case err != nil:
			s.logger.Error("kafka: create topic", "topic", rt.Topic, "err", err)
			fail(kerr.UnknownServerError.Code, "the topic could not be created")
			return
		}
		s.logger.Info("kafka: created topic", "topic", t.Name, "partitions", t.Partitions)
	}
	st.TopicID = t.ID
	st.NumPartitions = t.Partitions
	st.ReplicationFactor = 1
	for _, dc := range describeTopicConfigs(t.Configs, nil) {
		c := kmsg.NewCreateTopicsResponseTopicConfig()
		c.Name, c.Value = dc.name, strPtr(dc.value)
		c.Source = int8(kmsg.ConfigSourceDefaultConfig)
		if dc.set {
			c.Source = int8(kmsg.ConfigSourceDynamicTopicConfig)
		}
		st.Configs = append(st.Configs, c)
	}
}

func (s *Server) deleteTopics(req *kmsg.DeleteTopicsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.DeleteTopicsResponse)
	type target struct {
		name *string
		id   [16]byte
	}
	var targets []target
	if req.Version < 6 {
		for _, n := range req.TopicNames {
			targets = append(targets, target{name: strPtr(n)})
		}
	} else {
		for _, t := range req.Topics {
			targets = append(targets, target{name: t.Topic, id: t.TopicID})
		}
	}
	for _, tg := range targets {
		st := kmsg.NewDeleteTopicsResponseTopic()
		st.Topic, st.TopicID = tg.name, tg.id
		var (
			t  log.Topic
			ok bool
		)
		if tg.name != nil {
			t, ok = s.log.Topic(*tg.name)
		} else {
			t, ok = s.topicByID(tg.id)
		}
		switch {
		case !ok && tg.name == nil:
			st.ErrorCode = kerr.UnknownTopicID.Code
		case !ok:
			st.ErrorCode = kerr.UnknownTopicOrPartition.Code
		case isInternalTopic(t.Name):
			st.ErrorCode = kerr.InvalidRequest.Code
			st.ErrorMessage = errMessage(fmt.Sprintf("internal topic %s cannot be deleted", t.Name))
		default:
			st.Topic, st.TopicID = strPtr(t.Name), t.ID
			if err := s.log.DeleteTopic(t.Name); err != nil {
				if errors.Is(err, log.ErrUnknownTopic) {
					st.ErrorCode = kerr.UnknownTopicOrPartition.Code
					break
				}
				s.logger.Error("kafka: delete topic", "topic", t.Name, "err", err)
				st.ErrorCode = kerr.UnknownServerError.Code
				st.ErrorMessage = errMessage("the topic could not be deleted")
				break
			}
			s.logger.Info("kafka: deleted topic", "topic", t.Name)
			if s.cfg.Metrics != nil {
				s.cfg.Metrics.TopicDeleted(t.Name)
			}
		}
		if st.ErrorCode != 0 && st.ErrorMessage == nil {
			st.ErrorMessage = errMessage(kerr.ErrorForCode(st.ErrorCode).Error())
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}

func (s *Server) topicByID(id [16]byte) (log.Topic, bool) {
	for _, t := range s.log.Topics() {
		if t.ID == id {
			return t, true
		}
	}
	return log.Topic{}, false
}

func (s *Server) createPartitions(req *kmsg.CreatePartitionsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.CreatePartitionsResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewCreatePartitionsResponseTopic()
		st.Topic = rt.Topic
		st.ErrorCode, st.ErrorMessage = s.createTopicPartitions(rt, req.ValidateOnly)
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}

func (s *Server) createTopicPartitions(rt kmsg.CreatePartitionsRequestTopic, validateOnly bool) (int16, *string) {
	t, ok := s.log.Topic(rt.Topic)
	if !ok {
		return kerr.UnknownTopicOrPartition.Code, errMessage(fmt.Sprintf("unknown topic %q", rt.Topic))
	}
	if rt.Count <= t.Partitions {
		return kerr.InvalidPartitions.Code, errMessage(fmt.Sprintf("topic %q has %d partitions; the new count %d must be larger", rt.Topic, t.Partitions, rt.Count))
	}
	if rt.Assignment != nil {
		if len(rt.Assignment) != int(rt.Count-t.Partitions) {
			return kerr.InvalidReplicaAssignment.Code, errMessage(fmt.Sprintf("%d assignments for %d new partitions", len(rt.Assignment), rt.Count-t.Partitions))
		}
		for _, a := range rt.Assignment {
			if len(a.Replicas) != 1 || a.Replicas[0] != s.self.ID {
				return kerr.InvalidReplicaAssignment.Code, errMessage(fmt.Sprintf("new partitions can only be assigned to node %d", s.self.ID))
			}
		}
	}
	if validateOnly {
		return 0, nil
	}
	if err := s.log.AddPartitions(rt.Topic, rt.Count); err != nil {
		switch {
		case errors.Is(err, log.ErrUnknownTopic):
			return kerr.UnknownTopicOrPartition.Code, errMessage(fmt.Sprintf("unknown topic %q", rt.Topic))
		case errors.Is(err, log.ErrInvalidPartitions):
			return kerr.InvalidPartitions.Code, errMessage(err.Error())
		}
		s.logger.Error("kafka: create partitions", "topic", rt.Topic, "err", err)
		return kerr.UnknownServerError.Code, errMessage("the partitions could not be created")
	}
	s.logger.Info("kafka: added partitions", "topic", rt.Topic, "partitions", rt.Count)
	return 0, nil
}
