package zendeskemu_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"presencehub.dev/hub/internal/emulator/zendeskemu"
)

func TestUsersCursorPagination(t *testing.T) {
	a := serve(t, zendeskemu.Options{})
	want := map[string]bool{}
	for i := range 5 {
		want[a.em.AddUser(fmt.Sprintf("a%d@example.com", i), fmt.Sprintf("A %d", i))] = true
	}
	var got []string
	next, pages := "/api/v2/users.json?role=agent&page[size]=2", 0
	var last map[string]any
	for next != "" {
		r := a.do(t, "GET", next, "", "")
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", next, r.status, r.raw)
		}
		pages++
		for _, u := range path(r.body, "users").([]any) {
			got = append(got, strconv.FormatFloat(path(u, "id").(float64), 'f', -1, 64))
			if path(u, "role") != "agent" || path(u, "active") != true || path(u, "updated_at") == nil {
				t.Errorf("user %v", u)
			}
		}
		next = ""
		if path(r.body, "meta", "has_more") == true {
			next, _ = path(r.body, "links", "next").(string)
			if !strings.HasPrefix(next, a.srv.URL+"/api/v2/users.json?") || !strings.Contains(next, "page[after]=") {
				t.Fatalf("next link %q is not absolute", next)
			}
		}
		last = r.body
	}
	if pages != 3 || len(got) != 5 {
		t.Errorf("%d agents in %d pages: %v", len(got), pages, got)
	}
	for _, id := range got {
		if !want[id] {
			t.Errorf("listed %s, not an added agent (role filter)", id)
		}
	}
	// Going back from the last page gives the two before it.
	prev, _ := path(last, "links", "prev").(string)
	if r := a.do(t, "GET", prev, "", ""); len(path(r.body, "users").([]any)) != 2 || path(r.body, "meta", "has_more") != true {
		t.Errorf("prev page %s: %s", prev, r.raw)
	}
	for _, bad := range []string{"page[size]=101", "page[size]=0", "page[after]=nope", "page[after]=x&page[before]=y"} {
		if r := a.do(t, "GET", "/api/v2/users.json?"+bad, "", ""); r.status != 400 {
			t.Errorf("%s: %d; want 400", bad, r.status)
		}
	}
	// Owner (admin) and a customer exist besides the agents; role[] takes several roles.
	r := a.do(t, "GET", "/api/v2/users.json?role[]=agent&role[]=admin&page[size]=100", "", "")
	if n := len(path(r.body, "users").([]any)); n != 6 || path(r.body, "meta", "has_more") != false {
		t.Errorf("agents and admins: %d users, %s", n, r.raw)
	}
	if r := a.do(t, "GET", "/api/v2/users.json?per_page=4&page=2", "", ""); path(r.body, "count") != float64(7) ||
		len(path(r.body, "users").([]any)) != 3 || path(r.body, "next_page") != nil || path(r.body, "previous_page") == nil {
		t.Errorf("offset page: %s", r.raw)
	}
}

func TestShowUser(t *testing.T) {
	a := serve(t, zendeskemu.Options{})
	id := a.em.AddUser("ana@example.com", "Ana")
	if r := a.do(t, "GET", "/api/v2/users/"+id+".json", "", ""); r.status != 200 || path(r.body, "user", "email") != "ana@example.com" {
		t.Errorf("show user: %d %s", r.status, r.raw)
	}
	r := a.do(t, "GET", "/api/v2/users/999999999.json", "", "")
	if r.status != 404 || r.body["error"] != "RecordNotFound" || r.body["description"] != "Not found" {
		t.Errorf("unknown user: %d %s", r.status, r.raw)
	}
	users := a.em.Users()
	if len(users) != 3 || users[0].Role != "admin" || users[2].ID != id {
		t.Errorf("Users() = %+v", users)
	}
}
