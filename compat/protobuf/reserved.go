package protobuf

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// extensionRanges prints "extensions" statements; descriptor ends are
// exclusive.
func (p *printer) extensionRanges(m protoreflect.MessageDescriptor) error {
	xr := m.ExtensionRanges()
	for i := range xr.Len() {
		r := xr.Get(i)
		s := rangeText(int64(r[0]), int64(r[1])-1, maxField)
		opts, err := p.shortOptions(m.ExtensionRangeOptions(i), m)
		if err != nil {
			return err
		}
		if len(opts) > 0 {
			s += " [" + strings.Join(opts, ", ") + "]"
		}
		p.line("extensions %s;", s)
	}
	return nil
}

// reserved prints reserved numbers (as inclusive ranges) and names.
func (p *printer) reserved(spans [][2]int64, names protoreflect.Names, maxNumber int64) {
	if p.normalized { // merged and sorted, as Confluent's normalize does
		slices.SortFunc(spans, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
		var merged [][2]int64
		for _, s := range spans {
			if n := len(merged); n > 0 && s[0] <= merged[n-1][1]+1 {
				merged[n-1][1] = max(merged[n-1][1], s[1])
				continue
			}
			merged = append(merged, s)
		}
		spans = merged
	}
	if len(spans) > 0 {
		parts := make([]string, len(spans))
		for i, s := range spans {
			parts[i] = rangeText(s[0], s[1], maxNumber)
		}
		p.line("reserved %s;", strings.Join(parts, ", "))
	}
	if names.Len() > 0 {
		parts := make([]string, names.Len())
		for i := range parts {
			parts[i] = string(names.Get(i))
			if p.file.Syntax() != protoreflect.Editions {
				parts[i] = fmt.Sprintf("%q", parts[i])
			}
		}
		if p.normalized {
			slices.Sort(parts)
		}
		p.line("reserved %s;", strings.Join(parts, ", "))
	}
}

// fieldRanges turns a message's half-open number ranges into inclusive ones.
func fieldRanges(rs protoreflect.FieldRanges) [][2]int64 {
	out := make([][2]int64, rs.Len())
	for i := range out {
		r := rs.Get(i)
		out[i] = [2]int64{int64(r[0]), int64(r[1]) - 1}
	}
	return out
}

func enumRanges(rs protoreflect.EnumRanges) [][2]int64 {
	out := make([][2]int64, rs.Len())
	for i := range out {
		r := rs.Get(i)
		out[i] = [2]int64{int64(r[0]), int64(r[1])}
	}
	return out
}

// Largest field and enum numbers, written "max" in ranges.
const (
	maxField = 536870911
	maxEnum  = 2147483647
)

// rangeText writes an inclusive range.
func rangeText(lo, hi, maxNumber int64) string {
	switch {
	case lo == hi:
		return fmt.Sprint(lo)
	case hi == maxNumber:
		return fmt.Sprintf("%d to max", lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}
