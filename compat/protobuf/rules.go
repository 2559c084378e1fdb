package protobuf

// The difference types, named as Confluent's protobuf diff/Difference.Type
// names them, since clients see these names in error messages.
const (
	packageChanged                 = "PACKAGE_CHANGED"
	messageAdded                   = "MESSAGE_ADDED"
	messageRemoved                 = "MESSAGE_REMOVED"
	messageMoved                   = "MESSAGE_MOVED"
	enumAdded                      = "ENUM_ADDED"
	enumRemoved                    = "ENUM_REMOVED"
	enumConstAdded                 = "ENUM_CONST_ADDED"
	enumConstChanged               = "ENUM_CONST_CHANGED"
	enumConstRemoved               = "ENUM_CONST_REMOVED"
	fieldAdded                     = "FIELD_ADDED"
	fieldRemoved                   = "FIELD_REMOVED"
	fieldNameChanged               = "FIELD_NAME_CHANGED"
	fieldKindChanged               = "FIELD_KIND_CHANGED"
	fieldScalarKindChanged         = "FIELD_SCALAR_KIND_CHANGED"
	fieldNamedTypeChanged          = "FIELD_NAMED_TYPE_CHANGED"
	fieldNumericLabelChanged       = "FIELD_NUMERIC_LABEL_CHANGED"
	fieldStringOrBytesLabelChanged = "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
	requiredFieldAdded             = "REQUIRED_FIELD_ADDED"
	requiredFieldRemoved           = "REQUIRED_FIELD_REMOVED"
	oneofAdded                     = "ONEOF_ADDED"
	oneofRemoved                   = "ONEOF_REMOVED"
	oneofFieldAdded                = "ONEOF_FIELD_ADDED"
	oneofFieldRemoved              = "ONEOF_FIELD_REMOVED"
	oneofFieldMovedToTopLevel      = "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"
	multipleFieldsMovedToOneof     = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
	fieldMovedToExistingOneof      = "FIELD_MOVED_TO_EXISTING_ONEOF"
)

// isCompatible reports whether Confluent's SchemaDiff.COMPATIBLE_CHANGES
// holds rule. PACKAGE_CHANGED is in that set in current Confluent (its
// corpus case "Detect package change" is compatible): data does not carry
// the package, and field types are compared without it.
func isCompatible(rule string) bool {
	switch rule {
	case packageChanged, messageAdded, messageMoved,
		enumAdded, enumRemoved, enumConstAdded, enumConstChanged, enumConstRemoved,
		fieldAdded, fieldRemoved, fieldNameChanged, fieldStringOrBytesLabelChanged,
		oneofAdded, oneofRemoved, oneofFieldAdded, oneofFieldMovedToTopLevel:
		return true
	}
	return false
}
