package jsonschema

import "strconv"

// compareArray is ArraySchemaDiff: the schema for every item, the tuple
// items, what may follow the tuple, then the size limits.
func (d *diff) compareArray(original, update *shape) {
	leave := d.enter("items")
	d.compare(original.items, update.items)
	leave()
	d.compareTuple(original, update)
	d.compareAdditionalItems(original, update)
	d.unevaluated("unevaluatedItems", original.unevaluatedItems, update.unevaluatedItems,
		"UNEVALUATED_ITEMS_ADDED", "UNEVALUATED_ITEMS_REMOVED",
		"UNEVALUATED_ITEMS_EXTENDED", "UNEVALUATED_ITEMS_NARROWED")
	d.bound("maxItems", original.maxItems, update.maxItems,
		"MAX_ITEMS_ADDED", "MAX_ITEMS_REMOVED", "MAX_ITEMS_INCREASED", "MAX_ITEMS_DECREASED")
	d.bound("minItems", original.minItems, update.minItems,
		"MIN_ITEMS_ADDED", "MIN_ITEMS_REMOVED", "MIN_ITEMS_INCREASED", "MIN_ITEMS_DECREASED")
	if original.uniqueItems != update.uniqueItems {
		if original.uniqueItems {
			d.addAt("uniqueItems", "UNIQUE_ITEMS_REMOVED")
		} else {
			d.addAt("uniqueItems", "UNIQUE_ITEMS_ADDED")
		}
	}
	d.bound("maxContains", original.maxContains, update.maxContains,
		"MAX_CONTAINS_ADDED", "MAX_CONTAINS_REMOVED", "MAX_CONTAINS_INCREASED", "MAX_CONTAINS_DECREASED")
	d.bound("minContains", original.minContains, update.minContains,
		"MIN_CONTAINS_ADDED", "MIN_CONTAINS_REMOVED", "MIN_CONTAINS_INCREASED", "MIN_CONTAINS_DECREASED")
}

// compareTuple compares tuple items position by position. Items only one
// side lists are judged, like properties, by the other side's content
// model: a removed item by the reader's, an added one by the writer's.
func (d *diff) compareTuple(original, update *shape) {
	o, u := original.tuple, update.tuple
	for i := 0; i < len(o) || i < len(u); i++ {
		leave := d.enter("items", strconv.Itoa(i))
		switch {
		case i < len(o) && i < len(u):
			d.compare(o[i], u[i])
		case i < len(o):
			d.itemRemoved(o[i], update)
		default:
			d.itemAdded(original, u[i])
		}
		leave()
	}
}

func (d *diff) itemRemoved(o, update *shape) {
	if update.openArray() {
		d.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL")
		return
	}
	if partial := update.partialArraySchema(); partial != nil {
		sub := d.sub()
		sub.compare(o, partial)
		d.addAll(sub.changes)
		if sub.compatible() {
			d.add("ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
		} else {
			d.add("ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
		}
		return
	}
	if o.deref().kind == shapeFalse {
		d.add("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
	} else {
		d.add("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL")
	}
}

func (d *diff) itemAdded(original, u *shape) {
	if original.openArray() {
		if u.deref().kind.isEmpty() {
			d.add("ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL")
		} else {
			d.add("ITEM_ADDED_TO_OPEN_CONTENT_MODEL")
		}
		return
	}
	if partial := original.partialArraySchema(); partial != nil {
		sub := d.sub()
		sub.compare(partial, u)
		d.addAll(sub.changes)
		if sub.compatible() {
			d.add("ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
		} else {
			d.add("ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
		}
		return
	}
	d.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL")
}

func (d *diff) compareAdditionalItems(original, update *shape) {
	defer d.enter("additionalItems")()
	switch o, u := original.additionalItemsSchema, update.additionalItemsSchema; {
	case original.additionalItems != update.additionalItems:
		if original.additionalItems {
			d.add("ADDITIONAL_ITEMS_REMOVED")
		} else {
			d.add("ADDITIONAL_ITEMS_ADDED")
		}
	case o == nil && u != nil:
		d.add("ADDITIONAL_ITEMS_NARROWED")
	case o != nil && u == nil:
		d.add("ADDITIONAL_ITEMS_EXTENDED")
	default:
		d.compare(o, u)
	}
}
