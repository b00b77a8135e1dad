// Package localeenv keeps Fyne from complaining about the C locale. Under LANG=C.UTF-8 (or LC_ALL,
// LC_MESSAGES; common on servers, containers and VDI images) Fyne's lang package reads the language
// "C", which is no BCP 47 tag, and logs three "Fyne error: Error parsing user locale C" lines while the
// program initializes, before main runs. Importing this package (blank, from the command's main)
// sets LANGUAGE=en for such a locale in its init, which runs before Fyne's: Go initializes packages
// in import-path order whenever their imports are ready (spec, "Package initialization"), and Fyne's
// lang waits for text/template, which sorts after presencehub.dev. A test of the built binary holds
// this (launch's TestNoLocaleNoise).
package localeenv

import (
	"os"
	"strings"
)

func init() { Fix(os.Getenv, os.Setenv) }

// Fix sets LANGUAGE=en when the locale that decides the messages' language (the first of LC_ALL,
// LC_MESSAGES, LANG that is set) is the C or POSIX locale with an encoding ("C.UTF-8"), and LANGUAGE
// is unset. A plain "C" or "POSIX" needs nothing: Fyne takes that as English.
func Fix(getenv func(string) string, setenv func(string, string) error) {
	var loc string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	lang, _, hasEnc := strings.Cut(loc, ".")
	if hasEnc && (lang == "C" || lang == "POSIX") && getenv("LANGUAGE") == "" {
		_ = setenv("LANGUAGE", "en")
	}
}
