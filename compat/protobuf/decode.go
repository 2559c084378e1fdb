package protobuf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/charterhq/charter/compat"
)

var _ compat.Decoder = (*schema)(nil)

// DecodeJSON decodes payload, a Confluent Protobuf record after its 5-byte
// header (the message-index prefix, then the message), to the message's
// proto JSON mapping, compacted: field names as declared in the schema
// (UseProtoNames), fields at their default value left out, 64-bit integers
// as strings, bytes as base64, enums by name, extensions as
// "[full.name]", well-known types in their special forms.
//
// It is for display, not validation: a proto2 message missing required
// fields decodes all the same. Unknown fields, which the JSON mapping has
// no form for, are left out. A google.protobuf.Any decodes only when its
// type is declared in the schema or the files it imports; the global
// registry is never consulted.
func (s *schema) DecodeJSON(payload []byte) (out []byte, err error) {
	// As in Validate: third-party code fed untrusted bytes must not take
	// the server down.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("internal error while decoding: %v", p)
		}
	}()
	md, body, err := s.resolveIndex(payload)
	if err != nil {
		return nil, err
	}
	types := &fileTypes{fileExtensions: fileExtensions{file: s.file}}
	m := dynamicpb.NewMessage(md)
	opts := proto.UnmarshalOptions{AllowPartial: true, Resolver: types}
	if err := opts.Unmarshal(body, m); err != nil {
		return nil, fmt.Errorf("message %s does not decode: %w", md.FullName(), err)
	}
	if err := checkAnys(m, types, 0); err != nil {
		return nil, fmt.Errorf("message %s cannot be shown as JSON: %w", md.FullName(), err)
	}
	text, err := protojson.MarshalOptions{
		UseProtoNames:   true,
		EmitUnpopulated: false,
		AllowPartial:    true,
		Resolver:        types,
	}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("message %s has no JSON form: %w", md.FullName(), err)
	}
	// protojson varies its spacing on purpose, so that nobody relies on
	// it; compacting makes the output stable.
	// encoding/json nests at most 10,000 levels, which a message at proto's
	// recursion limit, inside repeated fields, can exceed.
	var buf bytes.Buffer
	if err := json.Compact(&buf, text); err != nil {
		return nil, fmt.Errorf("message %s cannot be shown as JSON: %w", md.FullName(), err)
	}
	return buf.Bytes(), nil
}

// maxAnyDepth bounds how deep google.protobuf.Any values nest. Each Any's
// value is decoded afresh, by checkAnys and then by protojson, so the work
// is the payload's size times the depth; and proto's recursion limit does
// not count across Anys.
const maxAnyDepth = 32

// checkAnys reports Anys within m nested deeper than maxAnyDepth, depth
// being how many m is inside. An Any that does not resolve or decode is
// left for protojson to report.
func checkAnys(m protoreflect.Message, types *fileTypes, depth int) error {
	if m.Descriptor().FullName() == "google.protobuf.Any" {
		fields := m.Descriptor().Fields()
		url, value := fields.ByNumber(1), fields.ByNumber(2)
		if url == nil || value == nil || url.Kind() != protoreflect.StringKind || value.Kind() != protoreflect.BytesKind {
			return nil
		}
		if depth >= maxAnyDepth {
			return fmt.Errorf("google.protobuf.Any values nest more than %d deep", maxAnyDepth)
		}
		mt, err := types.FindMessageByURL(m.Get(url).String())
		if err != nil {
			return nil
		}
		inner := mt.New()
		if err := (proto.UnmarshalOptions{AllowPartial: true, Resolver: types}).Unmarshal(m.Get(value).Bytes(), inner.Interface()); err != nil {
			return nil
		}
		return checkAnys(inner, types, depth+1)
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					err = checkAnys(mv.Message(), types, depth)
					return err == nil
				})
			}
		case fd.Message() == nil:
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len() && err == nil; i++ {
				err = checkAnys(l.Get(i).Message(), types, depth)
			}
		default:
			err = checkAnys(v.Message(), types, depth)
		}
		return err == nil
	})
	return err
}

// fileTypes resolves, besides the extensions fileExtensions does, the
// messages declared in the schema file and the files it imports, for
// google.protobuf.Any. Like fileExtensions it never consults the global
// registry. Its index is built on the first message lookup.
type fileTypes struct {
	fileExtensions
	messages map[protoreflect.FullName]protoreflect.MessageDescriptor
}

func (r *fileTypes) FindMessageByName(name protoreflect.FullName) (protoreflect.MessageType, error) {
	if r.messages == nil {
		r.indexMessages()
	}
	if md, ok := r.messages[name]; ok {
		return dynamicpb.NewMessageType(md), nil
	}
	return nil, protoregistry.NotFound
}

// FindMessageByURL resolves an Any's type URL, whose message name is what
// follows its last slash.
func (r *fileTypes) FindMessageByURL(url string) (protoreflect.MessageType, error) {
	name := url
	if i := strings.LastIndexByte(url, '/'); i >= 0 {
		name = url[i+1:]
	}
	return r.FindMessageByName(protoreflect.FullName(name))
}

func (r *fileTypes) indexMessages() {
	r.messages = map[protoreflect.FullName]protoreflect.MessageDescriptor{}
	seen := map[string]bool{}
	var addMessages func(mds protoreflect.MessageDescriptors)
	addMessages = func(mds protoreflect.MessageDescriptors) {
		for i := range mds.Len() {
			md := mds.Get(i)
			r.messages[md.FullName()] = md
			addMessages(md.Messages())
		}
	}
	var addFile func(f protoreflect.FileDescriptor)
	addFile = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		addMessages(f.Messages())
		for i := range f.Imports().Len() {
			addFile(f.Imports().Get(i).FileDescriptor)
		}
	}
	addFile(r.file)
}
