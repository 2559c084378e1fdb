package avro

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hamba/avro/v2"
)

// Validation walks the payload against a tree compiled once per Schema from
// hamba's parse of it, without building any value: it allocates nothing on
// success and never more than an error on failure, whatever lengths and
// counts the payload claims. Every length and count is checked against the
// bytes that remain before it is trusted, so the work is bounded by the
// payload's size (and, for arrays of items that encode in zero bytes, by
// maxItems).
//
// hamba's own decoders are not used for this: decoding into `any` grows a
// slice to an array block's claimed count before reading a single item
// (hundreds of MiB from a few bytes for an array of nulls), its Reader does
// not say where a datum ends, it has no limit on recursion, and decoding a
// fixed into `any` builds types with reflect.ArrayOf that reflect2 then
// mishandles (a fatal runtime error, seen under -race in this package's
// tests).

const (
	// maxItems caps the items of one array or map, as Java's
	// SystemLimitException does by default (its VM array limit).
	maxItems = math.MaxInt32 - 8
	// maxDatumDepth caps the nesting of records, arrays, maps and unions, so
	// that a recursive schema cannot exhaust the stack.
	maxDatumDepth = 10_000
)

// Validate reports whether payload is the Avro binary encoding of exactly
// one datum of s: it must decode, and leave no bytes over. The error says
// what is wrong, where in the datum and at which byte. It is safe for
// concurrent use and for arbitrary, hostile payloads.
func (s *Schema) Validate(payload []byte) error {
	if s.validator == nil {
		return fmt.Errorf("invalid Avro payload: schema was not made by Parse")
	}
	d := decoder{buf: payload}
	if err := d.value(s.validator()); err != nil {
		return err.finish()
	}
	if left := len(payload) - d.pos; left > 0 {
		return &ValidationError{Offset: d.pos, Message: fmt.Sprintf("%d %s left over after the datum", left, plural(left, "byte"))}
	}
	return nil
}

// ValidationError is a payload that is not a datum of the schema.
type ValidationError struct {
	Path    string // where in the datum, such as "tags[2]" or `attrs["k"].x`; empty at the top
	Offset  int    // the byte of the payload where decoding failed
	Message string // what is wrong

	steps  []string // some of Path's steps, until finish (see prepend)
	nsteps int      // how many steps prepend was given
}

func (e *ValidationError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("invalid Avro payload at byte %d: %s", e.Offset, e.Message)
	}
	return fmt.Sprintf("invalid Avro payload at byte %d, in %s: %s", e.Offset, e.Path, e.Message)
}

type vkind uint8

const (
	vNull vkind = iota
	vBoolean
	vInt
	vLong
	vFloat
	vDouble
	vBytes
	vString
	vRecord
	vEnum
	vArray
	vMap
	vUnion
	vFixed
)

// vnode is one schema node compiled for validation.
type vnode struct {
	kind     vkind
	name     string   // full name of a named type, type name otherwise
	fields   []string // record field names
	children []*vnode // record fields' types or union branches
	elem     *vnode   // array items or map values
	size     int      // fixed size, or number of enum symbols
	min      int      // a lower bound on the bytes any datum encodes in
	zero     bool     // every datum encodes in zero bytes
}

// compileValidator compiles hamba's schema. Named types are compiled once,
// so recursive schemas give cyclic trees.
func compileValidator(s avro.Schema) *vnode {
	c := compiler{named: map[string]*vnode{}}
	return c.compile(s)
}

type compiler struct {
	named map[string]*vnode
}

func (c *compiler) compile(s avro.Schema) *vnode {
	switch s := s.(type) {
	case *avro.RefSchema:
		return c.compile(s.Schema())
	case *avro.RecordSchema:
		if n := c.named[s.FullName()]; n != nil {
			// A node still being compiled has min 0 and zero false:
			// a lower bound, which is all min promises.
			return n
		}
		n := &vnode{kind: vRecord, name: s.FullName()}
		c.named[s.FullName()] = n
		zero := true
		for _, f := range s.Fields() {
			t := c.compile(f.Type())
			n.fields = append(n.fields, f.Name())
			n.children = append(n.children, t)
			n.min = addSat(n.min, t.min)
			zero = zero && t.zero
		}
		n.zero = zero
		return n
	case *avro.EnumSchema:
		if n := c.named[s.FullName()]; n != nil {
			return n
		}
		n := &vnode{kind: vEnum, name: s.FullName(), size: len(s.Symbols()), min: 1}
		c.named[s.FullName()] = n
		return n
	case *avro.FixedSchema:
		if n := c.named[s.FullName()]; n != nil {
			return n
		}
		n := &vnode{kind: vFixed, name: s.FullName(), size: s.Size(), min: s.Size(), zero: s.Size() == 0}
		c.named[s.FullName()] = n
		return n
	case *avro.ArraySchema:
		return &vnode{kind: vArray, name: "array", elem: c.compile(s.Items()), min: 1}
	case *avro.MapSchema:
		return &vnode{kind: vMap, name: "map", elem: c.compile(s.Values()), min: 1}
	case *avro.UnionSchema:
		n := &vnode{kind: vUnion, name: "union"}
		least := math.MaxInt
		for _, b := range s.Types() {
			t := c.compile(b)
			n.children = append(n.children, t)
			least = min(least, t.min)
		}
		if len(n.children) == 0 {
			least = 0
		}
		n.min = addSat(1, least)
		return n
	}
	kinds := map[avro.Type]vkind{
		avro.Null: vNull, avro.Boolean: vBoolean, avro.Int: vInt, avro.Long: vLong,
		avro.Float: vFloat, avro.Double: vDouble, avro.Bytes: vBytes, avro.String: vString,
	}
	k, ok := kinds[s.Type()]
	if !ok {
		// Parse never gives hamba a schema of another kind; a union of
		// nothing is what rejects every payload.
		return &vnode{kind: vUnion, name: string(s.Type()), min: 1}
	}
	n := &vnode{kind: k, name: string(s.Type())}
	switch k {
	case vNull:
		n.zero = true
	case vFloat:
		n.min = 4
	case vDouble:
		n.min = 8
	default:
		n.min = 1
	}
	return n
}

func addSat(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// decoder reads one datum from buf.
type decoder struct {
	buf   []byte
	pos   int
	depth int
}

func (d *decoder) fail(at int, format string, args ...any) *ValidationError {
	return &ValidationError{Offset: at, Message: fmt.Sprintf(format, args...)}
}

func (d *decoder) left() int { return len(d.buf) - d.pos }

// value reads one datum of n. On error, each level of the datum prepends
// its step to the error's path on the way out.
func (d *decoder) value(n *vnode) *ValidationError {
	switch n.kind {
	case vNull:
		return nil
	case vBoolean:
		if d.left() < 1 {
			return d.fail(d.pos, "the payload ends inside a boolean")
		}
		if b := d.buf[d.pos]; b > 1 {
			return d.fail(d.pos, "boolean byte is 0x%02x, not 0 or 1", b)
		}
		d.pos++
		return nil
	case vInt:
		_, err := d.varint("int", 5)
		return err
	case vLong:
		_, err := d.varint("long", 10)
		return err
	case vFloat:
		return d.skip(4, "float")
	case vDouble:
		return d.skip(8, "double")
	case vBytes, vString:
		_, err := d.lengthPrefixed(n.kind)
		return err
	case vFixed:
		if d.left() < n.size {
			return d.fail(d.pos, "the payload ends inside fixed %s: %d of its %d bytes remain", n.name, d.left(), n.size)
		}
		d.pos += n.size
		return nil
	case vEnum:
		at := d.pos
		i, err := d.varint("enum index", 5)
		if err != nil {
			return err
		}
		if i < 0 || i >= int64(n.size) {
			return d.fail(at, "enum %s has no symbol with index %d (it has %d)", n.name, i, n.size)
		}
		return nil
	}

	// Containers nest.
	if d.depth >= maxDatumDepth {
		return d.fail(d.pos, "the datum nests more than %d levels deep", maxDatumDepth)
	}
	d.depth++
	err := d.container(n)
	d.depth--
	return err
}

// container reads a record, union, array or map.
func (d *decoder) container(n *vnode) *ValidationError {
	switch n.kind {
	case vRecord:
		for i, t := range n.children {
			if err := d.value(t); err != nil {
				err.prepend(n.fields[i])
				return err
			}
		}
		return nil
	case vUnion:
		at := d.pos
		i, err := d.varint("union branch index", 5)
		if err != nil {
			return err
		}
		if i < 0 || i >= int64(len(n.children)) {
			return d.fail(at, "union branch index %d is out of range (the union has %d %s)", i, len(n.children), plural(len(n.children), "branch"))
		}
		return d.value(n.children[i])
	case vArray, vMap:
		return d.blocks(n)
	}
	return d.fail(d.pos, "cannot validate a %s", n.name)
}

// blocks reads the blocks of an array or map.
func (d *decoder) blocks(n *vnode) *ValidationError {
	what, countName, sizeName, item := "array", "array block count", "array block size", n.elem.min
	if n.kind == vMap {
		// Each entry has a key of at least one byte.
		what, countName, sizeName, item = "map", "map block count", "map block size", addSat(1, n.elem.min)
	}
	total := 0
	for {
		at := d.pos
		count, err := d.varint(countName, 10)
		if err != nil {
			return err
		}
		if count == 0 {
			return nil
		}
		if count < 0 {
			if count == math.MinInt64 {
				return d.fail(at, "%s block count %d is out of range", what, count)
			}
			count = -count
			sat := d.pos
			size, err := d.varint(sizeName, 10)
			if err != nil {
				return err
			}
			if size < 0 || size > int64(d.left()) {
				return d.fail(sat, "%s block size is %d bytes but %d remain", what, size, d.left())
			}
		}
		if count > int64(maxItems-total) {
			return d.fail(at, "%s has more than %d items", what, maxItems)
		}
		if item > 0 && count > int64(d.left()/item) {
			return d.fail(at, "%s block of %d items needs at least %d bytes but only %d remain", what, count, mulSat(int(count), item), d.left())
		}
		first := total
		total += int(count)
		if n.kind == vArray && n.elem.zero {
			continue // every item is zero bytes: nothing to read
		}
		for i := first; i < total; i++ {
			var key []byte
			if n.kind == vMap {
				if key, err = d.lengthPrefixed(vString); err != nil {
					err.Message = "map key: " + err.Message
					err.prepend("[" + strconv.Itoa(i) + "]")
					return err
				}
			}
			if err := d.value(n.elem); err != nil {
				if n.kind == vMap {
					err.prepend("[" + strconv.Quote(string(key)) + "]")
				} else {
					err.prepend("[" + strconv.Itoa(i) + "]")
				}
				return err
			}
		}
	}
}

func mulSat(a, b int) int {
	if b != 0 && a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}

// varint reads a zig-zag varint of at most maxLen bytes (5 for an int, 10
// for a long), as Avro encodes int and long. A last byte with bits beyond
// 32 or 64 is an error: Java drops them, but hamba reads some ints (union
// indexes) as longs, so such a payload means different data to different
// readers, and no encoder writes one.
func (d *decoder) varint(what string, maxLen int) (int64, *ValidationError) {
	var v uint64
	var shift uint
	for i := 0; i < maxLen; i++ {
		if d.pos+i >= len(d.buf) {
			return 0, d.fail(d.pos, "the payload ends inside %s %s", article(what), what)
		}
		b := d.buf[d.pos+i]
		if b&0x80 == 0 {
			if bits := uint(32); i == maxLen-1 {
				if maxLen == 10 {
					bits = 64
				}
				if b >= 1<<(bits-shift) {
					return 0, d.fail(d.pos, "%s does not fit in %d bits", what, bits)
				}
			}
			v |= uint64(b) << shift
			d.pos += i + 1
			if maxLen == 5 {
				u := uint32(v)
				return int64(int32(u>>1) ^ -int32(u&1)), nil
			}
			return int64(v>>1) ^ -int64(v&1), nil
		}
		v |= uint64(b&0x7f) << shift
		shift += 7
	}
	return 0, d.fail(d.pos, "%s is longer than %d bytes", what, maxLen)
}

func (d *decoder) skip(n int, what string) *ValidationError {
	if d.left() < n {
		return d.fail(d.pos, "the payload ends inside a %s: %d of its %d bytes remain", what, d.left(), n)
	}
	d.pos += n
	return nil
}

// lengthPrefixed reads bytes or a string (k is vBytes or vString) and
// returns its content.
func (d *decoder) lengthPrefixed(k vkind) ([]byte, *ValidationError) {
	what, lengthName := "bytes", "bytes length"
	if k == vString {
		what, lengthName = "string", "string length"
	}
	at := d.pos
	l, err := d.varint(lengthName, 10)
	if err != nil {
		return nil, err
	}
	if l < 0 {
		return nil, d.fail(at, "%s length is negative (%d)", what, l)
	}
	if l > int64(d.left()) {
		return nil, d.fail(at, "%s length is %d bytes but only %d remain", what, l, d.left())
	}
	b := d.buf[d.pos : d.pos+int(l)]
	if k == vString && !utf8.Valid(b) {
		return nil, d.fail(d.pos, "string is not valid UTF-8")
	}
	d.pos += int(l)
	return b, nil
}

// maxPathSteps bounds the steps an error's Path shows: the outermost and
// innermost halves, with an ellipsis between.
const maxPathSteps = 32

// prepend adds one step to the front of e's path: a field name, or an
// index or key in brackets. Steps arrive innermost first; e keeps the
// first maxPathSteps/2 of them and, in a ring, the last maxPathSteps/2, so
// that failing deep in a datum costs constant memory.
func (e *ValidationError) prepend(step string) {
	const half = maxPathSteps / 2
	if len(e.steps) < maxPathSteps {
		e.steps = append(e.steps, step)
	} else {
		e.steps[half+(e.nsteps-half)%half] = step
	}
	e.nsteps++
}

// finish sets e.Path from the steps prepend gathered.
func (e *ValidationError) finish() *ValidationError {
	const half = maxPathSteps / 2
	steps := e.steps // innermost first
	if e.nsteps > maxPathSteps {
		ring := e.steps[half:]
		oldest := (e.nsteps - half) % half
		steps = append(append(append(e.steps[:half:half], "…"), ring[oldest:]...), ring[:oldest]...)
	}
	var b strings.Builder
	for i := len(steps) - 1; i >= 0; i-- {
		if b.Len() > 0 && !strings.HasPrefix(steps[i], "[") {
			b.WriteByte('.')
		}
		b.WriteString(steps[i])
	}
	e.Path, e.steps, e.nsteps = b.String(), nil, 0
	return e
}

func article(word string) string {
	if strings.IndexByte("aeiou", word[0]) >= 0 {
		return "an"
	}
	return "a"
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	if strings.HasSuffix(word, "ch") {
		return word + "es"
	}
	return word + "s"
}
