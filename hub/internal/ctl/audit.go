package ctl

import (
	"net/url"

	"github.com/spf13/cobra"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

var auditResource = resource{what: "audit record", segment: "audit-records"}

func newAuditCommand(g *globals) *cobra.Command {
	cmd := groupCommand("audit", "Read the tenant's audit trail of changes")
	var object string
	list := listCommand(g, auditResource, listSpec[*phv1.AuditRecord, *phv1.ListAuditRecordsResponse]{
		newResp: func() *phv1.ListAuditRecordsResponse { return &phv1.ListAuditRecordsResponse{} },
		items:   (*phv1.ListAuditRecordsResponse).GetAuditRecords,
		wrap: func(items []*phv1.AuditRecord, next string) *phv1.ListAuditRecordsResponse {
			return &phv1.ListAuditRecordsResponse{AuditRecords: items, NextPageToken: next}
		},
		header: []string{"TIME", "ACTOR", "ACTION", "OBJECT TYPE", "OBJECT ID", "ID"},
		row: func(r *phv1.AuditRecord) []string {
			return []string{fmtTime(r.GetCreateTime()), r.GetActor(), r.GetAction(), r.GetObjectType(),
				r.GetObjectId(), r.GetId()}
		},
		filters: func() url.Values { return url.Values{"object_id": {object}} },
	})
	list.Short = "List audit records, optionally about one object"
	list.Example = "  presencectl -t acme audit list --object ag_123"
	list.Flags().StringVar(&object, "object", "", "only records about this object id")
	cmd.AddCommand(list)
	return cmd
}
