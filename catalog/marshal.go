package catalog

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// MarshalYAML writes s as a catalog file, for `charter catalog export`: keys
// in the documented order, empty fields left out, relations on their topics,
// value_subject only when not the default. The output is stable (the same
// spec gives the same bytes) and ParseSpec reads it back as s normalised.
func (s Spec) MarshalYAML() ([]byte, error) {
	s = s.normalize()
	root := mapping()
	if len(s.Teams) > 0 {
		list := sequence()
		for _, t := range s.Teams {
			list.Content = append(list.Content, mapping(
				"name", t.Name, "description", t.Description, "email", t.Email, "chat", t.Chat, "oncall", t.OnCall))
		}
		add(root, "teams", list)
	}
	if len(s.Services) > 0 {
		list := sequence()
		for _, sv := range s.Services {
			list.Content = append(list.Content, mapping(
				"name", sv.Name, "team", sv.Team, "description", sv.Description, "repository", sv.Repository, "lifecycle", sv.Lifecycle))
		}
		add(root, "services", list)
	}
	if len(s.Topics) > 0 {
		list := sequence()
		for _, t := range s.Topics {
			list.Content = append(list.Content, topicNode(t, s.Relations))
		}
		add(root, "topics", list)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func topicNode(t Topic, relations []Relation) *yaml.Node {
	valueSubject := t.ValueSubject
	if valueSubject == DefaultValueSubject(t.Name) {
		valueSubject = ""
	}
	n := mapping("name", t.Name, "description", t.Description, "owner", t.Owner,
		"key_subject", t.KeySubject, "value_subject", valueSubject)
	if len(t.Tags) > 0 {
		add(n, "tags", flow(t.Tags))
	}
	if t.Classification != "" {
		add(n, "classification", str(t.Classification))
	}
	var producers []string
	consumers := sequence()
	for _, r := range relations {
		switch {
		case r.Topic != t.Name:
		case r.Kind == Produces:
			producers = append(producers, r.Service)
		case len(r.Groups) == 0:
			consumers.Content = append(consumers.Content, str(r.Service))
		default:
			c := mapping("service", r.Service)
			add(c, "groups", flow(r.Groups))
			consumers.Content = append(consumers.Content, c)
		}
	}
	if len(producers) > 0 {
		add(n, "producers", flow(producers))
	}
	if len(consumers.Content) > 0 {
		add(n, "consumers", consumers)
	}
	return n
}

// mapping returns a mapping node of the non-empty pairs of key, value
// strings.
func mapping(pairs ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			add(n, pairs[i], str(pairs[i+1]))
		}
	}
	return n
}

func add(m *yaml.Node, key string, value *yaml.Node) {
	m.Content = append(m.Content, str(key), value)
}

func sequence() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"} }

// flow is a one-line list of strings.
func flow(values []string) *yaml.Node {
	n := sequence()
	n.Style = yaml.FlowStyle
	for _, v := range values {
		n.Content = append(n.Content, str(v))
	}
	return n
}

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
