package jsonschema

import "slices"

// compareObject is ObjectSchemaDiff. Whether a property may be added or
// removed depends on the content model: an open object (no
// additionalProperties: false, no patternProperties, no schema for extra
// properties) may already carry any property with any value, so a reader
// that adds a typed property may meet data it rejects; a closed one cannot.
func (d *diff) compareObject(original, update *shape) {
	d.compareRequired(original, update)
	d.compareProperties(original, update)
	d.compareDependencies(original, update)
	d.compareAdditionalProperties(original, update)
	d.compareUnevaluatedProperties(original, update)
	d.bound("maxProperties", original.maxProperties, update.maxProperties,
		"MAX_PROPERTIES_ADDED", "MAX_PROPERTIES_REMOVED", "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_DECREASED")
	d.bound("minProperties", original.minProperties, update.minProperties,
		"MIN_PROPERTIES_ADDED", "MIN_PROPERTIES_REMOVED", "MIN_PROPERTIES_INCREASED", "MIN_PROPERTIES_DECREASED")
}

func (d *diff) compareRequired(original, update *shape) {
	defer d.enter("required")()
	for _, p := range original.properties {
		u := update.property(p.name)
		if u == nil {
			continue
		}
		was, is := original.required[p.name], update.required[p.name]
		switch {
		case was && !is:
			d.addAt(p.name, "REQUIRED_ATTRIBUTE_REMOVED")
		case !was && is && u.hasDefault():
			d.addAt(p.name, "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED")
		case !was && is:
			d.addAt(p.name, "REQUIRED_ATTRIBUTE_ADDED")
		}
	}
}

// propertyNames lists the names of both objects' properties, sorted.
func propertyNames(original, update *shape) []string {
	var names []string
	for _, p := range original.properties {
		names = append(names, p.name)
	}
	for _, p := range update.properties {
		names = append(names, p.name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func (d *diff) compareProperties(original, update *shape) {
	defer d.enter("properties")()
	for _, name := range propertyNames(original, update) {
		leave := d.enter(name)
		o, u := original.property(name), update.property(name)
		switch {
		case u == nil:
			d.propertyRemoved(o, update, name)
		case o == nil:
			d.propertyAdded(original, u, update.required[name], name)
		default:
			d.compare(o, u)
		}
		leave()
	}
}

// propertyRemoved judges a property the reader no longer lists: only the
// reader's content model matters, since the writer's data may carry it.
func (d *diff) propertyRemoved(o, update *shape, name string) {
	if update.openObject() {
		d.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL")
		return
	}
	if partial := update.partialObjectSchema(name); partial != nil {
		sub := d.sub()
		sub.compare(o, partial)
		d.addAll(sub.changes)
		if sub.compatible() {
			d.add("PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
		} else {
			d.add("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
		}
		return
	}
	if o.deref().kind == shapeFalse {
		d.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
	} else {
		d.add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")
	}
}

// propertyAdded judges a property the writer did not list: only the
// writer's content model matters, since it bounds what its data carries.
func (d *diff) propertyAdded(original, u *shape, required bool, name string) {
	if original.openObject() {
		if u.deref().kind.isEmpty() {
			d.add("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL")
		} else {
			d.add("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
		}
		return
	}
	if partial := original.partialObjectSchema(name); partial != nil {
		sub := d.sub()
		sub.compare(partial, u)
		d.addAll(sub.changes)
		if sub.compatible() {
			d.add("PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
		} else {
			d.add("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
		}
	}
	switch {
	case required && u.hasDefault():
		d.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL")
	case required:
		d.add("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
	default:
		d.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
	}
}

func (d *diff) compareDependencies(original, update *shape) {
	defer d.enter("dependencies")()
	names := append(sortedKeys(original.propertyDeps), sortedKeys(update.propertyDeps)...)
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		o, inOriginal := original.propertyDeps[name]
		u, inUpdate := update.propertyDeps[name]
		switch os, us := setOf(o), setOf(u); {
		case !inUpdate:
			d.addAt(name, "DEPENDENCY_ARRAY_REMOVED")
		case !inOriginal:
			d.addAt(name, "DEPENDENCY_ARRAY_ADDED")
		case slices.Equal(os, us):
		case containsAll(us, os):
			d.addAt(name, "DEPENDENCY_ARRAY_EXTENDED")
		case containsAll(os, us):
			d.addAt(name, "DEPENDENCY_ARRAY_NARROWED")
		default:
			d.addAt(name, "DEPENDENCY_ARRAY_CHANGED")
		}
	}
	names = append(sortedKeys(original.schemaDeps), sortedKeys(update.schemaDeps)...)
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		o, u := original.schemaDeps[name], update.schemaDeps[name]
		switch {
		case u == nil:
			d.addAt(name, "DEPENDENCY_SCHEMA_REMOVED")
		case o == nil:
			d.addAt(name, "DEPENDENCY_SCHEMA_ADDED")
		default:
			leave := d.enter(name)
			d.compare(o, u)
			leave()
		}
	}
}

func (d *diff) compareAdditionalProperties(original, update *shape) {
	defer d.enter("additionalProperties")()
	switch o, u := original.additionalSchema, update.additionalSchema; {
	case original.additional != update.additional:
		if update.additional {
			d.add("ADDITIONAL_PROPERTIES_ADDED")
		} else {
			d.add("ADDITIONAL_PROPERTIES_REMOVED")
		}
	case o == nil && u != nil:
		d.add("ADDITIONAL_PROPERTIES_NARROWED")
	case o != nil && u == nil:
		d.add("ADDITIONAL_PROPERTIES_EXTENDED")
	default:
		d.compare(o, u)
	}
}

// compareUnevaluatedProperties treats unevaluatedProperties (2019-09 and
// later) as a second additionalProperties: absent or true is open, false
// closed, a schema partially open.
func (d *diff) compareUnevaluatedProperties(original, update *shape) {
	d.unevaluated("unevaluatedProperties", original.unevaluatedProps, update.unevaluatedProps,
		"UNEVALUATED_PROPERTIES_ADDED", "UNEVALUATED_PROPERTIES_REMOVED",
		"UNEVALUATED_PROPERTIES_EXTENDED", "UNEVALUATED_PROPERTIES_NARROWED")
}

// unevaluated compares two optional unevaluatedItems/unevaluatedProperties
// schemas: added means false became permissive, removed the reverse,
// extended a schema loosened to anything, narrowed the reverse.
func (d *diff) unevaluated(keyword string, o, u *shape, added, removed, extended, narrowed string) {
	if o == nil && u == nil {
		return
	}
	defer d.enter(keyword)()
	isFalse := func(s *shape) bool { return s != nil && s.deref().kind == shapeFalse }
	isOpen := func(s *shape) bool { return s == nil || s.deref().kind.isEmpty() }
	switch {
	case isFalse(o) && !isFalse(u):
		d.add(added)
	case !isFalse(o) && isFalse(u):
		d.add(removed)
	case isOpen(o) && !isOpen(u):
		d.add(narrowed)
	case !isOpen(o) && isOpen(u):
		d.add(extended)
	case o != nil && u != nil:
		d.compare(o, u)
	}
}
