package api_test

import (
	"regexp"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// route is one REST binding of an RPC, read from the proto's google.api.http annotations, so tests that
// loop over routes cover every endpoint the API has, including ones added later.
type route struct {
	rpc, method, path string
	mutating          bool
}

func routes(t *testing.T) []route {
	t.Helper()
	svc := phv1.File_presencehub_v1_presencehub_service_proto.Services().ByName("PresenceHubService")
	var out []route
	methods := svc.Methods()
	for i := 0; i < methods.Len(); i++ {
		m := methods.Get(i)
		rule, ok := proto.GetExtension(m.Options(), annotations.E_Http).(*annotations.HttpRule)
		if !ok || rule == nil {
			t.Fatalf("%s has no http annotation", m.Name())
		}
		for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
			out = append(out, toRoute(m, r))
		}
	}
	if len(out) < 35 {
		t.Fatalf("only %d routes found", len(out))
	}
	return out
}

func toRoute(m protoreflect.MethodDescriptor, r *annotations.HttpRule) route {
	rt := route{rpc: string(m.Name())}
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		rt.method, rt.path = "GET", p.Get
	case *annotations.HttpRule_Post:
		rt.method, rt.path = "POST", p.Post
	case *annotations.HttpRule_Patch:
		rt.method, rt.path = "PATCH", p.Patch
	case *annotations.HttpRule_Delete:
		rt.method, rt.path = "DELETE", p.Delete
	case *annotations.HttpRule_Put:
		rt.method, rt.path = "PUT", p.Put
	}
	rt.mutating = rt.method != "GET"
	return rt
}

var pathVar = regexp.MustCompile(`\{([a-z_]+)\}`)

// fill substitutes path variables from params.
func (r route) fill(params map[string]string) string {
	return pathVar.ReplaceAllStringFunc(r.path, func(v string) string { return params[v[1:len(v)-1]] })
}

func (r route) hasTenant() bool {
	return pathVar.MatchString(r.path) && regexp.MustCompile(`\{tenant\}`).MatchString(r.path)
}
