// Package conventions holds no code: its tests hold the repository to the
// rules of docs/conventions.md that a compiler does not check.
package conventions
