package avro

import (
	"bytes"
	"testing"
)

func TestJavaNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"0", "0"},
		{"-0", "0"},
		{"42", "42"},
		{"-17", "-17"},
		{"99999999999999999999", "99999999999999999999"},
		{"1.0", "1.0"},
		{"1e1", "10.0"},
		{"1E+2", "100.0"},
		{"0.001", "0.001"},
		{"0.0001", "1.0E-4"},
		{"0.00123", "0.00123"},
		{"1234567", "1234567"},
		{"1234567.0", "1234567.0"},
		{"9999999.0", "9999999.0"},
		{"1e7", "1.0E7"},
		{"12345678.9", "1.23456789E7"},
		{"-2.5", "-2.5"},
		{"-0.0", "-0.0"},
		{"0.1", "0.1"},
		{"123.456", "123.456"},
		{"1e21", "1.0E21"},
		{"1.5e300", "1.5E300"},
		{"1e400", "1e400"}, // out of double range: kept rather than invented
	} {
		if got := javaNumber(tc.in); got != tc.want {
			t.Errorf("javaNumber(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestWriteString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"\b\t\n\f\r", `"\b\t\n\f\r"`},
		{"\x00\x1f", `"\u0000\u001F"`},
		{"</script>&", `"</script>&"`},
		{"é\u2028", "\"é\u2028\""},
	} {
		var b bytes.Buffer
		writeString(&b, tc.in)
		if got := b.String(); got != tc.want {
			t.Errorf("writeString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestPosition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text      string
		off       int
		line, col int
	}{
		{"abc", 0, 1, 1},
		{"abc", 3, 1, 4},
		{"a\nbc", 3, 2, 2},
		{"é\nxé!", 6, 2, 3},
		{"abc", 99, 1, 4},
	} {
		if line, col := position(tc.text, tc.off); line != tc.line || col != tc.col {
			t.Errorf("position(%q, %d) = %d:%d, want %d:%d", tc.text, tc.off, line, col, tc.line, tc.col)
		}
	}
}
