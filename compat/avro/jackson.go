package avro

import (
	"bytes"
	"math"
	"sort"
	"strconv"
	"strings"
)

// This file writes JSON the way Jackson, which Java Avro uses, writes it:
// the canonical text must match Confluent's byte for byte, so string
// escapes and number spellings follow Java rather than encoding/json.

// writeString writes s as a JSON string the way Jackson does: only quotes,
// backslashes and control characters are escaped, and non-ASCII text is
// written as is.
func writeString(b *bytes.Buffer, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// writeValue writes v compactly. With sorted, object keys are sorted so that
// member order, which carries no meaning in a default value, vanishes.
func writeValue(b *bytes.Buffer, v *value, sorted bool) {
	switch v.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		b.WriteString(strconv.FormatBool(v.boolean))
	case jsonNumber:
		b.WriteString(javaNumber(v.str))
	case jsonString:
		writeString(b, v.str)
	case jsonArray:
		b.WriteByte('[')
		for i, item := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, item, sorted)
		}
		b.WriteByte(']')
	case jsonObject:
		members := v.members
		if sorted {
			members = append([]member(nil), members...)
			sort.SliceStable(members, func(i, j int) bool { return members[i].key < members[j].key })
		}
		b.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, m.key)
			b.WriteByte(':')
			writeValue(b, m.val, sorted)
		}
		b.WriteByte('}')
	}
}

// javaNumber renders a JSON number literal as Jackson re-serialises it:
// integers exactly, anything with a fraction or exponent as a Java double.
func javaNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		// JSON forbids leading zeros, so only negative zero is spelled
		// differently by Jackson.
		if lit == "-0" {
			return "0"
		}
		return lit
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) {
		return lit
	}
	return javaDouble(f)
}

// javaDouble formats f like Java's Double.toString: plain decimal notation
// for magnitudes in [1e-3, 1e7), computerised scientific notation otherwise,
// always with at least one digit after the point.
func javaDouble(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign = "-"
	}
	abs := math.Abs(f)
	e := strconv.FormatFloat(abs, 'e', -1, 64)
	mant, expText, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expText)
	if abs >= 1e-3 && abs < 1e7 {
		if exp < 0 {
			return sign + "0." + strings.Repeat("0", -exp-1) + digits
		}
		for len(digits) < exp+1 {
			digits += "0"
		}
		frac := digits[exp+1:]
		if frac == "" {
			frac = "0"
		}
		return sign + digits[:exp+1] + "." + frac
	}
	frac := digits[1:]
	if frac == "" {
		frac = "0"
	}
	return sign + digits[:1] + "." + frac + "E" + strconv.Itoa(exp)
}
