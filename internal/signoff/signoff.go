// Package signoff seals a passing report directory: signoff.json records
// what was accepted (platform, partner, accord version, the hashes of the
// features and documents used and of every report file, each scenario's
// result) and carries an Ed25519 signature over all of it. Verify fails on
// any edited byte.
package signoff

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// File is the sign-off's name inside a report directory.
const File = "signoff.json"

// Record is signoff.json.
type Record struct {
	Platform  string            `json:"platform"`
	Partner   string            `json:"partner"`
	Version   string            `json:"accord_version"`
	Verdict   string            `json:"verdict"`
	RunDate   string            `json:"run_date"`
	SignedAt  string            `json:"signed_at"`
	Inputs    map[string]string `json:"inputs"`
	Files     map[string]string `json:"files"`
	Scenarios []Scenario        `json:"scenarios"`
	// Waivers are the specialist's waivers the run applied (or found
	// expired or stale), as summary.json lists them.
	Waivers   json.RawMessage `json:"waivers,omitempty"`
	PublicKey string          `json:"public_key"`
	Signature string          `json:"signature,omitempty"`
}

// Scenario is one scenario's result as signed.
type Scenario struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

// summary is the part of summary.json a sign-off needs.
type summary struct {
	Platform  string            `json:"platform"`
	Partner   string            `json:"partner"`
	Version   string            `json:"accord_version"`
	Verdict   string            `json:"verdict"`
	Started   string            `json:"started"`
	Inputs    map[string]string `json:"inputs"`
	Scenarios []Scenario        `json:"scenarios"`
	Waivers   json.RawMessage   `json:"waivers,omitempty"`
}

// Keygen writes a key pair: path (PKCS#8 PEM, mode 0600) and path.pub (PKIX PEM).
func Keygen(path string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	for _, f := range []string{path, path + ".pub"} {
		if _, err := os.Stat(f); err == nil {
			return fmt.Errorf("%s exists: refusing to overwrite a key", f)
		}
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(path+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644)
}

// LoadPrivate reads a key written by Keygen.
func LoadPrivate(path string) (ed25519.PrivateKey, error) {
	return loadKey[ed25519.PrivateKey](path, "private", x509.ParsePKCS8PrivateKey)
}

// LoadPublic reads a public key written by Keygen.
func LoadPublic(path string) (ed25519.PublicKey, error) {
	return loadKey[ed25519.PublicKey](path, "public", x509.ParsePKIXPublicKey)
}

// loadKey reads the PEM file of a kind ("private", "public") of key at path
// and wants an Ed25519 key in it.
func loadKey[K ed25519.PrivateKey | ed25519.PublicKey](path, kind string, parse func([]byte) (any, error)) (K, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != strings.ToUpper(kind)+" KEY" {
		return nil, fmt.Errorf("%s is not a PEM %s key", path, kind)
	}
	k, err := parse(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	key, ok := k.(K)
	if !ok {
		return nil, fmt.Errorf("%s is not an Ed25519 key", path)
	}
	return key, nil
}

// ErrNotPassed refuses to sign a failing run.
var ErrNotPassed = errors.New("a run that did not pass cannot be signed")

// Sign writes signoff.json into a passing report directory.
func Sign(dir string, key ed25519.PrivateKey, now time.Time) (*Record, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, fmt.Errorf("%s is not a report directory: %w", dir, err)
	}
	var s summary
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s/summary.json: %w", dir, err)
	}
	if !passed(s.Verdict) {
		return nil, fmt.Errorf("%w: %s/summary.json says %q", ErrNotPassed, dir, s.Verdict)
	}
	files, err := hashFiles(dir)
	if err != nil {
		return nil, err
	}
	r := &Record{
		Platform: s.Platform, Partner: s.Partner, Version: s.Version, Verdict: s.Verdict,
		RunDate: s.Started, SignedAt: now.UTC().Format(time.RFC3339),
		Inputs: s.Inputs, Files: files, Scenarios: s.Scenarios, Waivers: s.Waivers,
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)),
	}
	msg, err := r.message()
	if err != nil {
		return nil, err
	}
	r.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return r, os.WriteFile(filepath.Join(dir, File), out, 0o644)
}

// message is what is signed: the record without its signature, as JSON
// (encoding/json sorts map keys, so the bytes are stable).
func (r Record) message() ([]byte, error) {
	r.Signature = ""
	return json.Marshal(r)
}

// Verify checks the signature and every file's hash. With trusted non-nil,
// the record must also be signed by that key. It returns every problem found.
func Verify(dir string, trusted ed25519.PublicKey) (*Record, []string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, File))
	if err != nil {
		return nil, nil, fmt.Errorf("%s has no sign-off: %w", dir, err)
	}
	var r Record
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, nil, fmt.Errorf("%s/%s: %w", dir, File, err)
	}
	var problems []string
	pub, err := base64.StdEncoding.DecodeString(r.PublicKey)
	sig, err2 := base64.StdEncoding.DecodeString(r.Signature)
	msg, err3 := r.message()
	switch {
	case err != nil || len(pub) != ed25519.PublicKeySize:
		problems = append(problems, "public_key is not an Ed25519 key")
	case err2 != nil || err3 != nil || !ed25519.Verify(pub, msg, sig):
		problems = append(problems, "signature does not match the record: signoff.json was edited or signed by another key")
	}
	if trusted != nil && !strings.EqualFold(hex.EncodeToString(pub), hex.EncodeToString(trusted)) {
		problems = append(problems, "signed by a key other than the trusted one")
	}
	files, err := hashFiles(dir)
	if err != nil {
		return &r, problems, err
	}
	var names []string
	for n := range r.Files {
		names = append(names, n)
	}
	for n := range files {
		if _, signed := r.Files[n]; !signed {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		want, signed := r.Files[n]
		got, present := files[n]
		switch {
		case !present:
			problems = append(problems, n+": missing")
		case !signed:
			problems = append(problems, n+": added after signing")
		case got != want:
			problems = append(problems, n+": changed after signing")
		}
	}
	if !passed(r.Verdict) {
		problems = append(problems, "the signed verdict is "+r.Verdict)
	}
	return &r, problems, nil
}

// hashFiles hashes every regular file below dir except the sign-off itself.
func hashFiles(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == File {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file; a report directory holds files only", rel)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(h[:])
		return nil
	})
	return out, err
}

// passed tells whether a run's verdict can be signed: passed, with warnings
// (the platform let something pass, and the run lists it), with waivers (the
// specialist accepted a failure for now, and the sign-off records the
// waivers) or without.
func passed(verdict string) bool {
	return verdict == "passed" || verdict == "passed with warnings" || verdict == "passed with waivers"
}
