package kafka

// DescribeConfigs: v0–4. AlterConfigs: v0–2. IncrementalAlterConfigs: v0–1.
//
// Resources are topics (type 2) and this broker (type 4, named "" or by
// its node ID); other types are INVALID_REQUEST.
//
// DescribeConfigs lists a topic's set configs (source DYNAMIC_TOPIC_CONFIG)
// and the defaults of every other config in topicconfig.go (DEFAULT_CONFIG,
// IsDefault at v0), filtered by ConfigNames when given; synonyms (v1+)
// list the topic value then the default; types and documentation (v3+) are
// filled. The broker's configs are a few read-only facts.
//
// AlterConfigs replaces all of a topic's configs with the request's;
// IncrementalAlterConfigs applies SET and DELETE (APPEND and SUBTRACT are
// INVALID_REQUEST). Names and values are checked first (INVALID_CONFIG,
// naming the config), and nothing changes when any is wrong or when
// ValidateOnly is set. Broker configs are read-only (INVALID_REQUEST).

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/charterhq/charter/log"
)

func (s *Server) describeConfigs(req *kmsg.DescribeConfigsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.DescribeConfigsResponse)
	for _, rr := range req.Resources {
		res := kmsg.NewDescribeConfigsResponseResource()
		res.ResourceType, res.ResourceName = rr.ResourceType, rr.ResourceName
		switch rr.ResourceType {
		case kmsg.ConfigResourceTypeTopic:
			t, ok := s.log.Topic(rr.ResourceName)
			if !ok {
				res.ErrorCode = kerr.UnknownTopicOrPartition.Code
				res.ErrorMessage = errMessage(fmt.Sprintf("unknown topic %q", rr.ResourceName))
				break
			}
			for _, dc := range describeTopicConfigs(t.Configs, rr.ConfigNames) {
				res.Configs = append(res.Configs, describeConfig(req, dc))
			}
		case kmsg.ConfigResourceTypeBroker:
			if !s.isSelf(rr.ResourceName) {
				res.ErrorCode = kerr.InvalidRequest.Code
				res.ErrorMessage = errMessage(fmt.Sprintf("unknown broker %q", rr.ResourceName))
				break
			}
			for _, bc := range s.brokerConfigs() {
				if rr.ConfigNames == nil || slices.Contains(rr.ConfigNames, bc.name) {
					res.Configs = append(res.Configs, describeBrokerConfig(req, bc))
				}
			}
		default:
			res.ErrorCode = kerr.InvalidRequest.Code
			res.ErrorMessage = errMessage(fmt.Sprintf("unsupported resource type %d", rr.ResourceType))
		}
		resp.Resources = append(resp.Resources, res)
	}
	return resp
}

func describeConfig(req *kmsg.DescribeConfigsRequest, dc describedConfig) kmsg.DescribeConfigsResponseResourceConfig {
	cfg := kmsg.NewDescribeConfigsResponseResourceConfig()
	cfg.Name = dc.name
	cfg.Value = strPtr(dc.value)
	cfg.IsDefault = !dc.set
	cfg.Source = kmsg.ConfigSourceDefaultConfig
	if dc.set {
		cfg.Source = kmsg.ConfigSourceDynamicTopicConfig
	}
	if req.IncludeSynonyms {
		if dc.set {
			syn := kmsg.NewDescribeConfigsResponseResourceConfigConfigSynonym()
			syn.Name, syn.Value, syn.Source = dc.name, strPtr(dc.value), kmsg.ConfigSourceDynamicTopicConfig
			cfg.ConfigSynonyms = append(cfg.ConfigSynonyms, syn)
		}
		if !dc.c.alias {
			syn := kmsg.NewDescribeConfigsResponseResourceConfigConfigSynonym()
			syn.Name, syn.Value, syn.Source = dc.name, strPtr(dc.c.def), kmsg.ConfigSourceDefaultConfig
			cfg.ConfigSynonyms = append(cfg.ConfigSynonyms, syn)
		}
	}
	cfg.ConfigType = dc.c.typ
	if req.IncludeDocumentation {
		cfg.Documentation = strPtr(dc.c.doc)
	}
	return cfg
}

// brokerConfig is one read-only broker config.
type brokerConfig struct {
	name, value string
	typ         kmsg.ConfigType
}

func (s *Server) brokerConfigs() []brokerConfig {
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []brokerConfig{
		{"advertised.listeners", fmt.Sprintf("PLAINTEXT://%s:%d", s.self.Host, s.self.Port), kmsg.ConfigTypeString},
		{"auto.create.topics.enable", strconv.FormatBool(s.cfg.AutoCreateTopics), kmsg.ConfigTypeBoolean},
		{"broker.id", itoa(int64(s.self.ID)), kmsg.ConfigTypeInt},
		{"default.replication.factor", "1", kmsg.ConfigTypeInt},
		{"message.max.bytes", itoa(defaultMaxMessageBytes), kmsg.ConfigTypeInt},
		{"num.partitions", itoa(int64(s.cfg.DefaultPartitions)), kmsg.ConfigTypeInt},
		{"offsets.topic.replication.factor", "1", kmsg.ConfigTypeShort},
		{"socket.request.max.bytes", itoa(int64(s.cfg.MaxRequestBytes)), kmsg.ConfigTypeInt},
	}
}

func describeBrokerConfig(req *kmsg.DescribeConfigsRequest, bc brokerConfig) kmsg.DescribeConfigsResponseResourceConfig {
	cfg := kmsg.NewDescribeConfigsResponseResourceConfig()
	cfg.Name, cfg.Value, cfg.ReadOnly = bc.name, strPtr(bc.value), true
	cfg.Source = kmsg.ConfigSourceStaticBrokerConfig
	if req.IncludeSynonyms {
		syn := kmsg.NewDescribeConfigsResponseResourceConfigConfigSynonym()
		syn.Name, syn.Value, syn.Source = bc.name, strPtr(bc.value), kmsg.ConfigSourceStaticBrokerConfig
		cfg.ConfigSynonyms = append(cfg.ConfigSynonyms, syn)
	}
	cfg.ConfigType = bc.typ
	return cfg
}

// isSelf reports whether a broker resource name designates this node ("" is
// the cluster-wide default, which is this node's too).
func (s *Server) isSelf(name string) bool {
	return name == "" || name == strconv.Itoa(int(s.self.ID))
}

func (s *Server) alterConfigs(req *kmsg.AlterConfigsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.AlterConfigsResponse)
	for _, rr := range req.Resources {
		res := kmsg.NewAlterConfigsResponseResource()
		res.ResourceType, res.ResourceName = rr.ResourceType, rr.ResourceName
		res.ErrorCode, res.ErrorMessage = s.alterResource(rr.ResourceType, rr.ResourceName, req.ValidateOnly, func(current map[string]string) (map[string]*string, error) {
			set := make(map[string]*string, len(rr.Configs)+len(current))
			for k := range current {
				set[k] = nil
			}
			seen := make(map[string]bool, len(rr.Configs))
			for _, c := range rr.Configs {
				if seen[c.Name] {
					return nil, fmt.Errorf("%w: config %s given twice", errInvalidRequest, c.Name)
				}
				seen[c.Name] = true
				if c.Value == nil {
					return nil, fmt.Errorf("%w: config %s has a null value", errInvalidRequest, c.Name)
				}
				if err := checkTopicConfig(c.Name, c.Value); err != nil {
					return nil, err
				}
				set[c.Name] = c.Value
			}
			return set, nil
		})
		resp.Resources = append(resp.Resources, res)
	}
	return resp
}

func (s *Server) incrementalAlterConfigs(req *kmsg.IncrementalAlterConfigsRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.IncrementalAlterConfigsResponse)
	for _, rr := range req.Resources {
		res := kmsg.NewIncrementalAlterConfigsResponseResource()
		res.ResourceType, res.ResourceName = rr.ResourceType, rr.ResourceName
		res.ErrorCode, res.ErrorMessage = s.alterResource(rr.ResourceType, rr.ResourceName, req.ValidateOnly, func(map[string]string) (map[string]*string, error) {
			set := make(map[string]*string, len(rr.Configs))
			for _, c := range rr.Configs {
				if _, dup := set[c.Name]; dup {
					return nil, fmt.Errorf("%w: config %s given twice", errInvalidRequest, c.Name)
				}
				switch c.Op {
				case kmsg.IncrementalAlterConfigOpSet:
					if c.Value == nil {
						return nil, fmt.Errorf("%w: SET of %s has a null value", errInvalidRequest, c.Name)
					}
					set[c.Name] = c.Value
				case kmsg.IncrementalAlterConfigOpDelete:
					set[c.Name] = nil
				default:
					return nil, fmt.Errorf("%w: operation %v on %s is not supported (only SET and DELETE)", errInvalidRequest, c.Op, c.Name)
				}
				if err := checkTopicConfig(c.Name, set[c.Name]); err != nil {
					return nil, err
				}
			}
			return set, nil
		})
		resp.Resources = append(resp.Resources, res)
	}
	return resp
}

// errInvalidRequest marks alteration errors answered with INVALID_REQUEST
// rather than INVALID_CONFIG.
var errInvalidRequest = errors.New("invalid request")

// alterResource applies to one resource the changes change computes from
// its current configs (a nil value removes a config).
func (s *Server) alterResource(typ kmsg.ConfigResourceType, name string, validateOnly bool,
	change func(current map[string]string) (map[string]*string, error)) (int16, *string) {
	switch typ {
	case kmsg.ConfigResourceTypeTopic:
	case kmsg.ConfigResourceTypeBroker:
		return kerr.InvalidRequest.Code, errMessage("broker configs are read-only")
	default:
		return kerr.InvalidRequest.Code, errMessage(fmt.Sprintf("unsupported resource type %d", typ))
	}
	t, ok := s.log.Topic(name)
	if !ok {
		return kerr.UnknownTopicOrPartition.Code, errMessage(fmt.Sprintf("unknown topic %q", name))
	}
	set, err := change(t.Configs)
	if err != nil {
		if errors.Is(err, errInvalidRequest) {
			return kerr.InvalidRequest.Code, errMessage(err.Error())
		}
		return kerr.InvalidConfig.Code, errMessage(err.Error())
	}
	if validateOnly || len(set) == 0 {
		return 0, nil
	}
	if err := s.log.AlterConfigs(name, set); err != nil {
		if errors.Is(err, log.ErrUnknownTopic) {
			return kerr.UnknownTopicOrPartition.Code, errMessage(fmt.Sprintf("unknown topic %q", name))
		}
		s.logger.Error("kafka: alter topic configs", "topic", name, "err", err)
		return kerr.UnknownServerError.Code, errMessage("the configs could not be stored")
	}
	return 0, nil
}

func strPtr(s string) *string { return &s }

// errMessage is an error message for a response's nullable field.
func errMessage(s string) *string { return &s }
