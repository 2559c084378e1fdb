package jsonschema

import (
	"strings"
	"testing"

	"github.com/charterhq/charter/compat"
)

func TestDecodeJSON(t *testing.T) {
	d := mustValidator(t, orderDraft7, []compat.Reference{address}).(compat.Decoder)
	for _, c := range []struct {
		name, payload string
		want          string // the JSON; "" when DecodeJSON must fail
		err           string // in the error, when want is ""
	}{
		{"valid record", "{\n  \"id\": 1,\n  \"status\": \"NEW\"\n}\n", `{"id":1,"status":"NEW"}`, ""},
		{"order and duplicates kept", `{ "b" : 1 , "a" : [ 1 , 2 ] , "b" : 2 }`, `{"b":1,"a":[1,2],"b":2}`, ""},
		{"not matching the schema", `{"id":"x","extra":true}`, `{"id":"x","extra":true}`, ""},
		{"scalar", "\t 42 \r\n", `42`, ""},
		{"numbers as written", `[1.50, 1e400, -0, 12345678901234567890123456789]`, `[1.50,1e400,-0,12345678901234567890123456789]`, ""},
		{"strings as written", `"a\u00e9 \n <&> é \ud800"`, `"a\u00e9 \n <&> é \ud800"`, ""},
		{"deep", strings.Repeat("[", 2000) + strings.Repeat("]", 2000), strings.Repeat("[", 2000) + strings.Repeat("]", 2000), ""},

		{"empty", "", "", "the record is empty"},
		{"white space", " \n", "", "the record is empty"},
		{"syntax", `{"id":}`, "", "the record is not valid JSON: invalid character '}' looking for beginning of value at byte offset 6"},
		{"truncated", `{"id":1`, "", "the record is not valid JSON: unexpected end of JSON input"},
		{"trailing", `{} x`, "", "the record is not valid JSON: invalid character 'x' after top-level value at byte offset 3"},
		{"two values", `1 2`, "", "the record is not valid JSON: invalid character '2' after top-level value"},
		{"invalid utf-8", "\"\xff\"", "", "the record is not valid JSON: it is not valid UTF-8"},
		{"too deep", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), "", "exceeded max depth"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := d.DecodeJSON([]byte(c.payload))
			if c.want == "" {
				switch {
				case err == nil:
					t.Fatalf("DecodeJSON(%q) = %s, want an error containing %q", c.payload, got, c.err)
				case !strings.Contains(err.Error(), c.err):
					t.Fatalf("DecodeJSON(%q) = %q, want it to contain %q", c.payload, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeJSON(%q) = %v", c.payload, err)
			}
			if string(got) != c.want {
				t.Errorf("DecodeJSON(%q)\n got %s\nwant %s", c.payload, got, c.want)
			}
		})
	}
}
