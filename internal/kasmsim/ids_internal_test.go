package kasmsim

import (
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"
	"time"
)

func TestNormalizeID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"68d557ac4cac42cca9f31c7c853de0f3", "68d557ac4cac42cca9f31c7c853de0f3", true},
		{"68D557AC4CAC42CCA9F31C7C853DE0F3", "68d557ac4cac42cca9f31c7c853de0f3", true},
		{"68d557ac-4cac-42cc-a9f3-1c7c853de0f3", "68d557ac4cac42cca9f31c7c853de0f3", true},
		{"68D557AC-4CAC-42CC-A9F3-1C7C853DE0F3", "68d557ac4cac42cca9f31c7c853de0f3", true},
		{"68d557ac4-cac-42cc-a9f3-1c7c853de0f3", "", false},
		{"68d557ac4cac42cca9f31c7c853de0fg", "", false},
		{"68d557ac", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := normalizeID(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("normalizeID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
	if got := dashed("68d557ac4cac42cca9f31c7c853de0f3"); got != "68d557ac-4cac-42cc-a9f3-1c7c853de0f3" {
		t.Errorf("dashed = %q", got)
	}
}

func TestPyTime(t *testing.T) {
	t.Parallel()
	base := time.Date(2020, 11, 12, 14, 29, 25, 0, time.UTC)
	if got := pyTime(base.Add(808258 * time.Microsecond)); got != "2020-11-12 14:29:25.808258" {
		t.Errorf("with microseconds: %q", got)
	}
	if got := pyTime(base); got != "2020-11-12 14:29:25" {
		t.Errorf("whole seconds: %q", got)
	}
	if got := pyTime(base.In(time.FixedZone("x", 3600))); got != "2020-11-12 14:29:25" {
		t.Errorf("non-UTC input: %q", got)
	}
}

func TestPyFloat(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{1: "1.0", 2.5: "2.5", 0: "0.0", 20: "20.0"} {
		if got := string(pyFloat(in)); got != want {
			t.Errorf("pyFloat(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestSSHPublicKeyIsWellFormed(t *testing.T) {
	t.Parallel()
	key := newEntropy(1).sshPublicKey()
	b64, found := strings.CutPrefix(key, "ssh-rsa ")
	if !found {
		t.Fatalf("key %q", key)
	}
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	var fields [][]byte
	for len(blob) > 0 {
		n := binary.BigEndian.Uint32(blob)
		fields = append(fields, blob[4:4+n])
		blob = blob[4+n:]
	}
	if len(fields) != 3 || string(fields[0]) != "ssh-rsa" || len(fields[2]) != 257 || fields[2][0] != 0 || fields[2][1]&0x80 == 0 {
		t.Fatalf("fields %d, type %q, modulus %d bytes", len(fields), fields[0], len(fields[2]))
	}
}

func TestEntropy(t *testing.T) {
	t.Parallel()
	a, b := newEntropy(5), newEntropy(5)
	if a.newID() != b.newID() || a.randomString(16, alnumLower) != b.randomString(16, alnumLower) {
		t.Fatalf("seeded entropy is not reproducible")
	}
	id := newEntropy(0).newID()
	if _, ok := normalizeID(id); !ok || id[12] != '4' {
		t.Fatalf("random id %q is not a v4 UUID", id)
	}
}
