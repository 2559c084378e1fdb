package protobuf

import (
	"encoding/base64"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/charterhq/charter/compat"
)

// fromDescriptor builds the schema from text read as standard base64 of a
// serialized FileDescriptorProto, the form Confluent serves with
// format=serialized and accepts back. ok is false when text is not that
// form, so the caller reports the .proto error instead; a descriptor that
// does not link against src's references and built-ins is a ParseError.
func fromDescriptor(text string, src *sources) (fd protoreflect.FileDescriptor, perr *compat.ParseError, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(raw) == 0 {
		return nil, nil, false
	}
	fdp := &descriptorpb.FileDescriptorProto{}
	if err := proto.Unmarshal(raw, fdp); err != nil {
		return nil, nil, false
	}
	// Random base64 can decode to a message of unknown fields only; a
	// descriptor worth accepting declares at least something.
	if len(fdp.ProtoReflect().GetUnknown()) > 0 || isEmptyFile(fdp) {
		return nil, nil, false
	}
	// The descriptor's own name is whatever the producer chose; it must
	// not collide with a reference, so it is renamed like .proto text.
	fdp.Name = proto.String(src.main)
	fdp.SourceCodeInfo = nil
	src.proto = fdp
	fd, perr = compile(src)
	if perr != nil {
		perr.Message = "serialized descriptor: " + perr.Message
		return nil, perr, true
	}
	return fd, nil, true
}

func isEmptyFile(fdp *descriptorpb.FileDescriptorProto) bool {
	return fdp.GetPackage() == "" && fdp.GetSyntax() == "" && len(fdp.GetDependency()) == 0 &&
		len(fdp.GetMessageType()) == 0 && len(fdp.GetEnumType()) == 0 &&
		len(fdp.GetService()) == 0 && len(fdp.GetExtension()) == 0
}
