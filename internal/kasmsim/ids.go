package kasmsim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"
)

// normalizeID returns the 32-character lower-case hex form of a UUID written
// either dashed (8-4-4-4-12) or undashed, in any case, as PostgreSQL accepts
// both. ok is false when s is not a UUID at all.
func normalizeID(s string) (id string, ok bool) {
	switch len(s) {
	case 32:
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return "", false
		}
		s = s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	default:
		return "", false
	}
	s = strings.ToLower(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", false
		}
	}
	return s, true
}

// dashed renders a normalised id in the 36-character form that Python's
// str(uuid) produces, which some endpoints emit instead of hex.
func dashed(id string) string {
	if len(id) != 32 {
		return id
	}
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

// pyTime formats t the way Python's str(datetime) prints a naive UTC value:
// microseconds only when they are not zero, and no zone suffix.
func pyTime(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02 15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s
}

// pyTimeOrNull is pyTime for optional dates, giving JSON null when unset.
func pyTimeOrNull(t *time.Time) any {
	if t == nil {
		return nil
	}
	return pyTime(*t)
}

// entropy hands out random bytes. Unseeded it reads crypto/rand; seeded it
// expands the seed with SHA-256 in counter mode so that two simulators
// created with the same seed mint the same ids, which keeps golden outputs
// and demos reproducible.
type entropy struct {
	mu      sync.Mutex
	seeded  bool
	seed    [32]byte
	counter uint64
	pending []byte
}

func newEntropy(seed uint64) *entropy {
	e := &entropy{}
	if seed != 0 {
		e.seeded = true
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], seed)
		e.seed = sha256.Sum256(b[:])
	}
	return e
}

func (e *entropy) read(p []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.seeded {
		// crypto/rand.Read never fails on supported platforms (Go 1.24+ crashes
		// the program instead), so there is no error to handle.
		_, _ = rand.Read(p)
		return
	}
	for len(p) > 0 {
		if len(e.pending) == 0 {
			var block [40]byte
			copy(block[:32], e.seed[:])
			binary.BigEndian.PutUint64(block[32:], e.counter)
			e.counter++
			sum := sha256.Sum256(block[:])
			e.pending = sum[:]
		}
		n := copy(p, e.pending)
		e.pending = e.pending[n:]
		p = p[n:]
	}
}

// newID returns a random version-4 UUID in normalised hex form.
func (e *entropy) newID() string {
	var b [16]byte
	e.read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b[:])
}

const (
	alnumLower = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnumMixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString returns n characters drawn from alphabet. The modulo bias is
// irrelevant for a simulator.
func (e *entropy) randomString(n int, alphabet string) string {
	b := make([]byte, n)
	e.read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// hexString returns n random lower-case hex characters.
func (e *entropy) hexString(n int) string {
	b := make([]byte, (n+1)/2)
	e.read(b)
	return hex.EncodeToString(b)[:n]
}

// sshKeyPrefix is the SSH wire encoding of the string "ssh-rsa", the
// exponent 65537 and the length (257) of the modulus that follows it.
var sshKeyPrefix = []byte{
	0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a',
	0, 0, 0, 3, 0x01, 0x00, 0x01,
	0, 0, 0x01, 0x01,
}

// sshPublicKey returns an OpenSSH "ssh-rsa" public key line with a random
// 2048-bit modulus. It is well-formed but belongs to no private key: real
// RSA generation would make bulk user creation far too slow, and nothing a
// client does with the attribute needs a usable key.
func (e *entropy) sshPublicKey() string {
	blob := make([]byte, len(sshKeyPrefix)+257)
	copy(blob, sshKeyPrefix)
	modulus := blob[len(sshKeyPrefix):]
	e.read(modulus[1:])
	modulus[0] = 0 // Keeps the mpint positive despite the high bit below.
	modulus[1] |= 0x80
	return "ssh-rsa " + base64.StdEncoding.EncodeToString(blob)
}
