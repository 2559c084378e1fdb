package protobuf

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/charterhq/charter/compat"
)

// include holds the files Confluent resolves without a reference besides
// the google/protobuf ones (which protocompile already carries): the
// google/type common types and Confluent's own meta and decimal types.
//
//go:embed include
var include embed.FS

// sources is what one compilation may read: the schema under the name main,
// its references by import path, and the built-in includes. It implements
// protocompile.Resolver; the google/protobuf files are layered on top by
// protocompile.WithStandardImports.
type sources struct {
	main  string
	text  string
	proto *descriptorpb.FileDescriptorProto // served for main instead of text when set
	refs  map[string]string
}

var _ protocompile.Resolver = (*sources)(nil)

func newSources(text string, refs []compat.Reference) *sources {
	s := &sources{text: text, refs: make(map[string]string, len(refs))}
	for _, r := range refs {
		s.refs[r.Name] = r.Schema
	}
	s.main = mainName(s.refs)
	return s
}

// mainName picks a file name for the schema itself that no reference uses,
// so that a reference named "schema.proto" cannot shadow it or be shadowed.
func mainName(refs map[string]string) string {
	name := "schema.proto"
	for i := 1; ; i++ {
		if _, taken := refs[name]; !taken {
			if _, builtin := builtinSource(name); !builtin {
				return name
			}
		}
		name = "schema_" + strconv.Itoa(i) + ".proto"
	}
}

// FindFileByPath serves the schema, then references, then built-ins. A
// reference may thus replace a built-in, which is what a user who registers
// their own google/type/money.proto would expect.
func (s *sources) FindFileByPath(path string) (protocompile.SearchResult, error) {
	if path == s.main {
		if s.proto != nil {
			return protocompile.SearchResult{Proto: s.proto}, nil
		}
		return source(s.text), nil
	}
	if text, ok := s.refs[path]; ok {
		return source(text), nil
	}
	if text, ok := builtinSource(path); ok {
		return source(text), nil
	}
	if isStandardImport(path) {
		// Let protocompile.WithStandardImports answer.
		return protocompile.SearchResult{}, fs.ErrNotExist
	}
	return protocompile.SearchResult{}, fmt.Errorf("import %q is neither a reference of the schema nor a built-in file: %w", path, fs.ErrNotExist)
}

func source(text string) protocompile.SearchResult {
	return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(text))}
}

// builtinSource returns the embedded text of a built-in import path.
func builtinSource(path string) (string, bool) {
	if !strings.HasPrefix(path, "google/type/") && !strings.HasPrefix(path, "confluent/") {
		return "", false
	}
	b, err := include.ReadFile("include/" + path)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// isStandardImport reports whether path is one of the google/protobuf files
// that protocompile.WithStandardImports supplies.
func isStandardImport(path string) bool {
	return strings.HasPrefix(path, "google/protobuf/")
}
