package api_test

import (
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"presencehub.dev/hub/internal/hubtest"
	phv1 "presencehub.dev/shared/gen/presencehub/v1"
)

// TestGRPCOnTheSamePort speaks native gRPC to the port that serves REST, with the same rules.
func TestGRPCOnTheSamePort(t *testing.T) {
	h := hubtest.Start(t)
	f := newFixture(t, h, "acme")
	conn, err := grpc.NewClient(strings.TrimPrefix(h.URL, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := phv1.NewPresenceHubServiceClient(conn)
	authed := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+f.adminKey)

	resp, err := c.ListAgents(authed, &phv1.ListAgentsRequest{Tenant: f.tenantName})
	if err != nil || len(resp.GetAgents()) != 1 || resp.GetAgents()[0].GetId() != f.agentID {
		t.Fatalf("ListAgents = %v, %v", resp, err)
	}
	if _, err := c.ListAgents(t.Context(), &phv1.ListAgentsRequest{Tenant: f.tenantID}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("no key: %v, want Unauthenticated", err)
	}
	_, err = c.CreateTeam(authed, &phv1.CreateTeamRequest{Tenant: f.tenantID, Team: &phv1.Team{}})
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument || len(st.Details()) != 1 {
		t.Fatalf("invalid team: %v", err)
	}
	// An update without a mask replaces the object (gRPC callers), keeping output-only fields.
	up, err := c.UpdateTeam(authed, &phv1.UpdateTeamRequest{Tenant: f.tenantID, TeamId: f.teamID, Team: &phv1.Team{Name: "Phones"}})
	if err != nil || up.GetTeam().GetName() != "Phones" || up.GetTeam().GetId() != f.teamID {
		t.Fatalf("UpdateTeam = %v, %v", up, err)
	}
}
