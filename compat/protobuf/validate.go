package protobuf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/charterhq/charter/compat"
)

var _ compat.Validator = (*schema)(nil)

// maxIndexDepth bounds the count of a message-index prefix. Real prefixes
// are as deep as messages nest, a handful at most; the bound keeps a hostile
// count from making us read or report an absurd path.
const maxIndexDepth = 100

// maxMissing bounds how many missing required fields an error names.
const maxMissing = 10

// Validate checks payload, a Confluent Protobuf record after its 5-byte
// header: the message-index prefix naming which message of the schema the
// record holds, then that message serialized. Unknown fields are accepted,
// as proto does; proto2 required fields must be set, at any depth.
func (s *schema) Validate(payload []byte) (err error) {
	// The decoder is third-party code fed with untrusted bytes; a panic
	// there must become a rejected record, not a dead server.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error while validating: %v", p)
		}
	}()
	md, body, err := s.resolveIndex(payload)
	if err != nil {
		return err
	}
	m := dynamicpb.NewMessage(md)
	opts := proto.UnmarshalOptions{
		DiscardUnknown: false,
		AllowPartial:   true, // required fields are reported below, all of them
		Resolver:       &fileExtensions{file: s.file},
	}
	if err := opts.Unmarshal(body, m); err != nil {
		return fmt.Errorf("message %s does not decode: %w", md.FullName(), err)
	}
	if err := proto.CheckInitialized(m); err != nil {
		missing := missingRequired(m, "", nil)
		slices.Sort(missing) // Range visits fields in no fixed order
		switch {
		case len(missing) == 0: // should not happen; keep proto's word for it
			return fmt.Errorf("message %s is incomplete: %w", md.FullName(), err)
		case len(missing) == 1:
			return fmt.Errorf("message %s is missing required field %s", md.FullName(), missing[0])
		default:
			list := strings.Join(missing, ", ")
			if len(missing) >= maxMissing {
				list += ", ..."
			}
			return fmt.Errorf("message %s is missing required fields %s", md.FullName(), list)
		}
	}
	return nil
}

// resolveIndex reads the message-index prefix of payload and returns the
// message it names and the bytes after the prefix. The prefix is a zigzag
// varint count N and then N zigzag varint indexes, the first into the
// file's top-level messages, each next one into the previous message's
// nested messages; a count of 0 (the single byte 0) means [0].
func (s *schema) resolveIndex(payload []byte) (protoreflect.MessageDescriptor, []byte, error) {
	if len(payload) == 0 {
		return nil, nil, errors.New("payload is empty: the message-index prefix is missing")
	}
	n, k := binary.Varint(payload)
	if k <= 0 {
		return nil, nil, fmt.Errorf("message-index count %s", varintProblem(k))
	}
	payload = payload[k:]
	if n < 0 || n > maxIndexDepth {
		return nil, nil, fmt.Errorf("message-index count %d is out of range 0 to %d", n, maxIndexDepth)
	}
	msgs := s.file.Messages()
	if n == 0 {
		if msgs.Len() == 0 {
			return nil, nil, errors.New("message index [0] is out of range: the schema declares no messages")
		}
		return msgs.Get(0), payload, nil
	}
	var buf [8]int64
	path := buf[:0]
	var md protoreflect.MessageDescriptor
	for i := range n {
		idx, k := binary.Varint(payload)
		if k <= 0 {
			return nil, nil, fmt.Errorf("message index %d of %d %s", i+1, n, varintProblem(k))
		}
		payload = payload[k:]
		path = append(path, idx)
		if idx < 0 || idx >= int64(msgs.Len()) {
			var where string
			if md == nil {
				where = fmt.Sprintf("the schema declares %s", plural(msgs.Len(), "top-level message"))
			} else {
				where = fmt.Sprintf("%s declares %s", md.FullName(), plural(msgs.Len(), "nested message"))
			}
			return nil, nil, fmt.Errorf("message index %s is out of range: %s", formatPath(path), where)
		}
		md = msgs.Get(int(idx))
		msgs = md.Messages()
	}
	return md, payload, nil
}

// varintProblem says why binary.Varint returned k <= 0.
func varintProblem(k int) string {
	if k == 0 {
		return "is truncated: the payload ends inside its varint"
	}
	return "is not a valid varint: it overflows 64 bits"
}

func formatPath(path []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, idx := range path {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(idx, 10))
	}
	b.WriteByte(']')
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// missingRequired appends to out the paths, below prefix, of the required
// fields m and the messages set within it lack, up to maxMissing of them.
func missingRequired(m protoreflect.Message, prefix string, out []string) []string {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.Cardinality() == protoreflect.Required && !m.Has(fd) {
			if len(out) >= maxMissing {
				return out
			}
			out = append(out, prefix+string(fd.Name()))
		}
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if len(out) >= maxMissing {
			return false
		}
		name := prefix + string(fd.Name())
		if fd.IsExtension() {
			name = prefix + "[" + string(fd.FullName()) + "]"
		}
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() == nil {
				return true
			}
			v.Map().Range(func(key protoreflect.MapKey, mv protoreflect.Value) bool {
				out = missingRequired(mv.Message(), fmt.Sprintf("%s[%s].", name, formatKey(key)), out)
				return len(out) < maxMissing
			})
		case fd.Message() == nil:
		case fd.IsList():
			l := v.List()
			for j := 0; j < l.Len() && len(out) < maxMissing; j++ {
				out = missingRequired(l.Get(j).Message(), name+"["+strconv.Itoa(j)+"].", out)
			}
		default:
			out = missingRequired(v.Message(), name+".", out)
		}
		return len(out) < maxMissing
	})
	return out
}

func formatKey(k protoreflect.MapKey) string {
	if s, ok := k.Interface().(string); ok {
		return strconv.Quote(s)
	}
	return k.String()
}

// fileExtensions resolves the extensions declared in a schema file and the
// files it imports, so that they decode as the fields they are. Extensions
// it does not know stay unknown fields. It never consults the global
// registry: what validates must depend on the schema alone. Its index is
// built on the first lookup, which only a payload carrying a field in an
// extension range causes, so each field after that costs a map lookup.
type fileExtensions struct {
	file     protoreflect.FileDescriptor
	byName   map[protoreflect.FullName]protoreflect.ExtensionType
	byNumber map[extKey]protoreflect.ExtensionType
}

type extKey struct {
	message protoreflect.FullName
	field   protoreflect.FieldNumber
}

func (r *fileExtensions) FindExtensionByName(name protoreflect.FullName) (protoreflect.ExtensionType, error) {
	r.index()
	if xt, ok := r.byName[name]; ok {
		return xt, nil
	}
	return nil, protoregistry.NotFound
}

func (r *fileExtensions) FindExtensionByNumber(message protoreflect.FullName, field protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	r.index()
	if xt, ok := r.byNumber[extKey{message, field}]; ok {
		return xt, nil
	}
	return nil, protoregistry.NotFound
}

func (r *fileExtensions) index() {
	if r.byName != nil {
		return
	}
	r.byName = map[protoreflect.FullName]protoreflect.ExtensionType{}
	r.byNumber = map[extKey]protoreflect.ExtensionType{}
	seen := map[string]bool{}
	var addDecls func(xds protoreflect.ExtensionDescriptors, mds protoreflect.MessageDescriptors)
	addDecls = func(xds protoreflect.ExtensionDescriptors, mds protoreflect.MessageDescriptors) {
		for i := range xds.Len() {
			xd := xds.Get(i)
			xt := dynamicpb.NewExtensionType(xd)
			r.byName[xd.FullName()] = xt
			r.byNumber[extKey{xd.ContainingMessage().FullName(), xd.Number()}] = xt
		}
		for i := range mds.Len() {
			md := mds.Get(i)
			addDecls(md.Extensions(), md.Messages())
		}
	}
	var addFile func(f protoreflect.FileDescriptor)
	addFile = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		addDecls(f.Extensions(), f.Messages())
		for i := range f.Imports().Len() {
			addFile(f.Imports().Get(i).FileDescriptor)
		}
	}
	addFile(r.file)
}
