package jsonschema

import (
	"fmt"
	"strings"
)

// compatibleChange reports whether rule is in Confluent's
// SchemaDiff.COMPATIBLE_CHANGES (STRICT policy): the differences that do not
// stop the update (reader) reading the original's (writer's) data. Every
// other difference is a Problem. A switch rather than a map keeps the
// package free of global state.
func compatibleChange(rule string) bool {
	switch rule {
	case "ID_CHANGED",
		"DESCRIPTION_CHANGED",
		"TITLE_CHANGED",
		"DEFAULT_CHANGED",
		"SCHEMA_REMOVED",
		"TYPE_EXTENDED",
		"MAX_LENGTH_INCREASED",
		"MAX_LENGTH_REMOVED",
		"MIN_LENGTH_DECREASED",
		"MIN_LENGTH_REMOVED",
		"PATTERN_REMOVED",
		"MAXIMUM_INCREASED",
		"MAXIMUM_REMOVED",
		"MINIMUM_DECREASED",
		"MINIMUM_REMOVED",
		"EXCLUSIVE_MAXIMUM_INCREASED",
		"EXCLUSIVE_MAXIMUM_REMOVED",
		"EXCLUSIVE_MINIMUM_DECREASED",
		"EXCLUSIVE_MINIMUM_REMOVED",
		"MULTIPLE_OF_REDUCED",
		"MULTIPLE_OF_REMOVED",
		"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
		"REQUIRED_ATTRIBUTE_REMOVED",
		"DEPENDENCY_ARRAY_NARROWED",
		"DEPENDENCY_ARRAY_REMOVED",
		"DEPENDENCY_SCHEMA_REMOVED",
		"MAX_PROPERTIES_INCREASED",
		"MAX_PROPERTIES_REMOVED",
		"MIN_PROPERTIES_DECREASED",
		"MIN_PROPERTIES_REMOVED",
		"ADDITIONAL_PROPERTIES_ADDED",
		"ADDITIONAL_PROPERTIES_EXTENDED",
		"UNEVALUATED_PROPERTIES_ADDED",
		"UNEVALUATED_PROPERTIES_EXTENDED",
		"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
		"MAX_ITEMS_INCREASED",
		"MAX_ITEMS_REMOVED",
		"MIN_ITEMS_DECREASED",
		"MIN_ITEMS_REMOVED",
		"MAX_CONTAINS_INCREASED",
		"MAX_CONTAINS_REMOVED",
		"MIN_CONTAINS_DECREASED",
		"MIN_CONTAINS_REMOVED",
		"UNIQUE_ITEMS_REMOVED",
		"ADDITIONAL_ITEMS_ADDED",
		"ADDITIONAL_ITEMS_EXTENDED",
		"UNEVALUATED_ITEMS_ADDED",
		"UNEVALUATED_ITEMS_EXTENDED",
		"ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
		"PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
		"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
		"PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
		"PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
		"PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
		"PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
		"ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
		"ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
		"ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
		"ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
		"ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
		"ENUM_ARRAY_EXTENDED",
		"COMBINED_TYPE_EXTENDED",
		"PRODUCT_TYPE_NARROWED",
		"SUM_TYPE_EXTENDED",
		"NOT_TYPE_NARROWED":
		return true
	}
	return false
}

// explanation says, for each incompatible difference, why the reader may
// reject the writer's data. Rules not listed fall back to a generic text.
func explanation(rule string) string {
	switch rule {
	case "SCHEMA_ADDED":
		return "the reader constrains a value the writer left unconstrained"
	case "TYPE_CHANGED":
		return "the reader expects a different type than the writer produces"
	case "TYPE_NARROWED":
		return "the reader accepts only integers where the writer produces any number"
	case "MAX_LENGTH_ADDED":
		return "the reader adds a maximum length"
	case "MAX_LENGTH_DECREASED":
		return "the reader lowers the maximum length"
	case "MIN_LENGTH_ADDED":
		return "the reader adds a minimum length"
	case "MIN_LENGTH_INCREASED":
		return "the reader raises the minimum length"
	case "PATTERN_ADDED":
		return "the reader adds a pattern"
	case "PATTERN_CHANGED":
		return "the reader requires a different pattern"
	case "MAXIMUM_ADDED":
		return "the reader adds a maximum"
	case "MAXIMUM_DECREASED":
		return "the reader lowers the maximum"
	case "MINIMUM_ADDED":
		return "the reader adds a minimum"
	case "MINIMUM_INCREASED":
		return "the reader raises the minimum"
	case "EXCLUSIVE_MAXIMUM_ADDED":
		return "the reader adds an exclusive maximum"
	case "EXCLUSIVE_MAXIMUM_DECREASED":
		return "the reader lowers the exclusive maximum"
	case "EXCLUSIVE_MINIMUM_ADDED":
		return "the reader adds an exclusive minimum"
	case "EXCLUSIVE_MINIMUM_INCREASED":
		return "the reader raises the exclusive minimum"
	case "MULTIPLE_OF_ADDED":
		return "the reader adds a multipleOf"
	case "MULTIPLE_OF_EXPANDED":
		return "the reader requires a larger multiple"
	case "MULTIPLE_OF_CHANGED":
		return "the reader requires an unrelated multiple"
	case "REQUIRED_ATTRIBUTE_ADDED":
		return "the reader requires a property, without a default, that the writer may omit"
	case "MAX_PROPERTIES_ADDED":
		return "the reader adds a maximum number of properties"
	case "MAX_PROPERTIES_DECREASED":
		return "the reader lowers the maximum number of properties"
	case "MIN_PROPERTIES_ADDED":
		return "the reader adds a minimum number of properties"
	case "MIN_PROPERTIES_INCREASED":
		return "the reader raises the minimum number of properties"
	case "ADDITIONAL_PROPERTIES_REMOVED":
		return "the reader forbids additional properties the writer allows"
	case "ADDITIONAL_PROPERTIES_NARROWED":
		return "the reader constrains additional properties the writer left free"
	case "UNEVALUATED_PROPERTIES_REMOVED":
		return "the reader forbids unevaluated properties the writer allows"
	case "UNEVALUATED_PROPERTIES_NARROWED":
		return "the reader constrains unevaluated properties the writer left free"
	case "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL":
		return "the reader adds a typed property to an object the writer leaves open, so the writer's data may already carry it with any value"
	case "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL":
		return "the reader adds a required property, without a default, that the writer's data lacks"
	case "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
		return "the reader adds a property narrower than the writer's schema for unlisted properties"
	case "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL":
		return "the reader drops a property the writer produces while forbidding unlisted properties"
	case "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
		return "the reader drops a property whose values its schema for unlisted properties rejects"
	case "DEPENDENCY_ARRAY_ADDED":
		return "the reader adds a property dependency"
	case "DEPENDENCY_ARRAY_EXTENDED":
		return "the reader extends a property dependency"
	case "DEPENDENCY_ARRAY_CHANGED":
		return "the reader changes a property dependency"
	case "DEPENDENCY_SCHEMA_ADDED":
		return "the reader adds a schema dependency"
	case "MAX_ITEMS_ADDED":
		return "the reader adds a maximum number of items"
	case "MAX_ITEMS_DECREASED":
		return "the reader lowers the maximum number of items"
	case "MIN_ITEMS_ADDED":
		return "the reader adds a minimum number of items"
	case "MIN_ITEMS_INCREASED":
		return "the reader raises the minimum number of items"
	case "MAX_CONTAINS_ADDED":
		return "the reader adds maxContains"
	case "MAX_CONTAINS_DECREASED":
		return "the reader lowers maxContains"
	case "MIN_CONTAINS_ADDED":
		return "the reader adds minContains"
	case "MIN_CONTAINS_INCREASED":
		return "the reader raises minContains"
	case "UNIQUE_ITEMS_ADDED":
		return "the reader requires unique items"
	case "ADDITIONAL_ITEMS_REMOVED":
		return "the reader forbids items beyond the tuple that the writer allows"
	case "ADDITIONAL_ITEMS_NARROWED":
		return "the reader constrains items beyond the tuple that the writer left free"
	case "UNEVALUATED_ITEMS_REMOVED":
		return "the reader forbids unevaluated items the writer allows"
	case "UNEVALUATED_ITEMS_NARROWED":
		return "the reader constrains unevaluated items the writer left free"
	case "ITEM_ADDED_TO_OPEN_CONTENT_MODEL":
		return "the reader adds a typed tuple item where the writer allows any item"
	case "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL":
		return "the reader drops a tuple item the writer produces while forbidding extra items"
	case "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
		return "the reader adds a tuple item narrower than the writer's schema for extra items"
	case "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
		return "the reader drops a tuple item whose values its schema for extra items rejects"
	case "ENUM_ARRAY_NARROWED":
		return "the reader accepts fewer values than the writer may produce"
	case "ENUM_ARRAY_CHANGED":
		return "the reader accepts different values than the writer may produce"
	case "COMBINED_TYPE_CHANGED":
		return "the reader combines its subschemas under a stricter keyword"
	case "PRODUCT_TYPE_EXTENDED":
		return "the reader adds a subschema to an allOf"
	case "SUM_TYPE_NARROWED":
		return "the reader drops alternatives of an anyOf or oneOf"
	case "COMBINED_TYPE_SUBSCHEMAS_CHANGED":
		return "the reader's subschemas cannot be paired with compatible subschemas of the writer"
	case "NOT_TYPE_EXTENDED":
		return "the reader's not rejects values the writer may produce"
	}
	return "the schemas differ in a way the reader cannot accept (" + strings.ToLower(strings.ReplaceAll(rule, "_", " ")) + ")"
}

// message is the one-sentence description of an incompatible difference.
func message(rule, path string) string {
	return fmt.Sprintf("At %s %s.", path, explanation(rule))
}
