package api

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/go-playground/validator/v10"

	"presencehub.dev/hub/internal/model"
	"presencehub.dev/hub/internal/vendors"
)

var (
	slugRE       = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	statusNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	colorRE      = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// validate is the one validator of the API edge. Field names in its errors are the JSON (proto) names.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			return f.Name
		}
		return name
	})
	must := func(tag string, fn validator.Func) {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(err)
		}
	}
	must("slug", func(fl validator.FieldLevel) bool { return slugRE.MatchString(fl.Field().String()) })
	must("statusname", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		return statusNameRE.MatchString(s) && s != model.StatusPrevious
	})
	must("safetext", func(fl validator.FieldLevel) bool { return safeText(fl.Field().String(), false) })
	must("safeprose", func(fl validator.FieldLevel) bool { return safeText(fl.Field().String(), true) })
	must("color", func(fl validator.FieldLevel) bool { return colorRE.MatchString(fl.Field().String()) })
	must("vendor", func(fl validator.FieldLevel) bool { return slices.Contains(vendors.Names(), fl.Field().String()) })
	return v
}

// check validates v and returns every violation, with fields named as in the request body.
func check(v any) *fieldErrors {
	fe := &fieldErrors{}
	err := validate.Struct(v)
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		for _, e := range verrs {
			fe.add(fieldPath(e.Namespace()), "%s", describe(e))
		}
	} else if err != nil {
		fe.add("", "%v", err)
	}
	return fe
}

// fieldPath drops the Go type name from a namespace: "Agent.identities[0].external_id" -> "identities[0].external_id".
func fieldPath(ns string) string {
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

// describe renders one failed rule as a sentence.
func describe(e validator.FieldError) string {
	switch e.Tag() {
	case "required":
		return "is required"
	case "max":
		if e.Kind() == reflect.String {
			return fmt.Sprintf("must be at most %s characters", e.Param())
		}
		return fmt.Sprintf("must have at most %s entries", e.Param())
	case "lte":
		return fmt.Sprintf("must be at most %s", e.Param())
	case "gte":
		return fmt.Sprintf("must be at least %s", e.Param())
	case "oneof":
		return fmt.Sprintf("must be one of: %s", strings.ReplaceAll(e.Param(), " ", ", "))
	case "email":
		return "must be an email address"
	case "http_url":
		return "must be an http or https URL"
	case "slug":
		return "must be 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen"
	case "statusname":
		return `must be 1-63 lowercase letters, digits, "-" or "_" (and not "previous")`
	case "safetext":
		return "must not contain control characters (such as NUL, ESC or BEL) or bidirectional overrides"
	case "safeprose":
		return "must not contain control characters other than line breaks and tabs, or bidirectional overrides"
	case "color":
		return `must be a color like "#22c55e"`
	case "vendor":
		return "must be one of: " + strings.Join(vendors.Names(), ", ")
	}
	return fmt.Sprintf("fails %q", e.Tag())
}
