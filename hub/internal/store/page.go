package store

import (
	"encoding/base64"
	"strings"
)

// Page asks for one page of a list. Lists are ordered by id (ids sort by creation time) and paged by
// keyset, so a page token stays valid while rows are added or removed.
type Page struct {
	Size  int
	Token string
}

// Default and largest page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

const tokenPrefix = "p1:"

func (p Page) limit() int {
	switch {
	case p.Size <= 0:
		return DefaultPageSize
	case p.Size > MaxPageSize:
		return MaxPageSize
	}
	return p.Size
}

// after decodes the token into the last id of the previous page ("" for the first page).
func (p Page) after() (string, error) {
	if p.Token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Token)
	if err != nil || !strings.HasPrefix(string(b), tokenPrefix) {
		return "", ErrInvalidPageToken
	}
	return strings.TrimPrefix(string(b), tokenPrefix), nil
}

// trimPage cuts a result fetched with limit+1 rows down to the page and returns the next token.
func trimPage[T any](rows []T, limit int, id func(T) string) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + id(rows[len(rows)-1])))
}
