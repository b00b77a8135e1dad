package api

import (
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// checkUpdateMask refuses an update whose update_mask names a field the updated resource does not
// have ("nonexistent" used to answer 200 and change nothing). Only the first path element is checked:
// map fields take keys below it.
func checkUpdateMask(req any) error {
	m, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	r := m.ProtoReflect()
	fields := r.Descriptor().Fields()
	maskField := fields.ByName("update_mask")
	if maskField == nil || maskField.Message() == nil || maskField.Message().FullName() != "google.protobuf.FieldMask" || !r.Has(maskField) {
		return nil
	}
	mask, _ := r.Get(maskField).Message().Interface().(*fieldmaskpb.FieldMask)
	resource := updatedResource(fields)
	if resource == nil {
		return nil
	}
	fe := &fieldErrors{}
	for _, p := range mask.GetPaths() {
		top, _, _ := strings.Cut(p, ".")
		if p == "" {
			continue // what the gateway makes of an empty PATCH body
		}
		if resource.Fields().ByName(protoreflect.Name(top)) == nil && resource.Fields().ByJSONName(top) == nil {
			fe.add("update_mask", "%q is not a field of %s", p, resource.Name())
		}
	}
	return fe.orNil()
}

// updatedResource is the message-typed field of an update request other than its mask.
func updatedResource(fields protoreflect.FieldDescriptors) protoreflect.MessageDescriptor {
	for i := range fields.Len() {
		f := fields.Get(i)
		if f.Name() != "update_mask" && f.Kind() == protoreflect.MessageKind && !f.IsList() && !f.IsMap() {
			return f.Message()
		}
	}
	return nil
}
