package check

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/charterhq/charter/compat"
)

// ConfigFile is the name of the file that maps a repository's schema files
// to subjects. An example:
//
//	registry: http://registry.internal:8081   # the default for --registry
//	level: FULL                               # for --against; default BACKWARD
//	protobuf:
//	  import_paths: [proto]                   # roots imports are relative to
//	schemas:
//	  - path: schemas/**/*.avsc               # a glob; ** spans directories
//	    subject: "{name}-value"               # {name}: the file name without extension
//	  - path: proto/shop/v1/order.proto
//	    subject: orders-value
//	    format: PROTOBUF                      # default: from the extension
//	    level: FULL_TRANSITIVE
const ConfigFile = "charter.yaml"

// config is charter.yaml.
type config struct {
	Registry string `yaml:"registry"`
	Level    string `yaml:"level"`
	Protobuf struct {
		ImportPaths []string `yaml:"import_paths"`
	} `yaml:"protobuf"`
	Schemas []entry `yaml:"schemas"`

	level compat.Level // Level parsed; "" when unset
}

// entry maps the files a glob matches to a subject.
type entry struct {
	Path    string `yaml:"path"`
	Subject string `yaml:"subject"`
	Format  string `yaml:"format"`
	Level   string `yaml:"level"`

	level compat.Level
}

// target is what a file is checked as.
type target struct {
	subject string
	format  string
	level   compat.Level // "" when neither the entry nor the config names one
}

// formatOf returns the schemaType a file extension holds by convention, or
// "" for none.
func formatOf(ext string) string {
	switch ext {
	case ".avsc":
		return "AVRO"
	case ".proto":
		return "PROTOBUF"
	case ".json":
		return "JSON"
	}
	return ""
}

// loadConfig reads dir's charter.yaml; a missing file is an empty config.
func loadConfig(dir string) (*config, error) {
	raw, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &config{}, nil
	}
	if err != nil {
		return nil, usageErrorf("%s: %v", ConfigFile, err)
	}
	return parseConfig(raw)
}

func parseConfig(raw []byte) (*config, error) {
	var c config
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, usageErrorf("%s: %s", ConfigFile, yamlMessage(err))
	}
	if c.Level != "" {
		l, err := compat.ParseLevel(c.Level)
		if err != nil {
			return nil, usageErrorf("%s: level: %v", ConfigFile, err)
		}
		c.level = l
	}
	for i := range c.Schemas {
		e := &c.Schemas[i]
		where := fmt.Sprintf("%s: schemas[%d]", ConfigFile, i)
		if e.Path == "" {
			return nil, usageErrorf("%s: path is required", where)
		}
		if _, err := path.Match(strings.ReplaceAll(e.Path, "**", "*"), ""); err != nil {
			return nil, usageErrorf("%s: path %q: %v", where, e.Path, err)
		}
		if e.Format != "" {
			e.Format = strings.ToUpper(e.Format)
			if !knownFormat(e.Format) {
				return nil, usageErrorf("%s: format %q: want AVRO, PROTOBUF or JSON", where, e.Format)
			}
		}
		if e.Level != "" {
			l, err := compat.ParseLevel(e.Level)
			if err != nil {
				return nil, usageErrorf("%s: level: %v", where, err)
			}
			e.level = l
		}
	}
	return &c, nil
}

// yamlMessage says what the YAML decoder found wrong, in the file's terms
// rather than the Go types'.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = unknownField.ReplaceAllString(m, `unknown key "$1"`)
	}
	return strings.Join(msgs, "; ")
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

func knownFormat(f string) bool { return f == "AVRO" || f == "PROTOBUF" || f == "JSON" }

// entryFor returns the first entry whose glob matches file, or nil.
func (c *config) entryFor(file string) *entry {
	for i := range c.Schemas {
		if matchGlob(c.Schemas[i].Path, file) {
			return &c.Schemas[i]
		}
	}
	return nil
}

// resolve says what file is checked as: its entry's subject and format, else
// the conventional ones (<subject>.avsc|.proto|.json). ok is false when
// neither applies.
func (c *config) resolve(file string) (target, bool) {
	name := strings.TrimSuffix(path.Base(file), path.Ext(file))
	t := target{subject: name, format: formatOf(path.Ext(file)), level: c.level}
	e := c.entryFor(file)
	if e != nil {
		if e.Subject != "" {
			t.subject = strings.ReplaceAll(e.Subject, "{name}", name)
		}
		if e.Format != "" {
			t.format = e.Format
		}
		if e.level != "" {
			t.level = e.level
		}
	}
	return t, t.format != ""
}

// matchGlob matches a slash-separated file name against a glob in which "**"
// as a whole segment matches any number of segments and other segments are
// path.Match patterns.
func matchGlob(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pattern, name []string) bool {
	for len(pattern) > 0 {
		if pattern[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pattern[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pattern[0], name[0]); !ok {
			return false
		}
		pattern, name = pattern[1:], name[1:]
	}
	return len(name) == 0
}
